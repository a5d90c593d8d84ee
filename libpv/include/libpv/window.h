/*
 * libpv memory windows: the regions of a peer's memory (guest-physical or
 * other device-visible addresses) that were explicitly shared with this
 * side, and the only way the device side of a queue turns a peer's address
 * into a pointer. Every (address, length) is checked for overflow and must
 * lie wholly inside one window with the needed right.
 */
#ifndef LIBPV_WINDOW_H
#define LIBPV_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

/* An address in the peer's (device-visible) address space, never a pointer. */
typedef struct {
	uint64_t v;
} pv_gaddr_t;

static inline pv_gaddr_t pv_gaddr(uint64_t v)
{
	pv_gaddr_t a = {v};
	return a;
}

enum pv_window_perm {
	PV_WINDOW_READ = 1u,  /* this side may read the region */
	PV_WINDOW_WRITE = 2u, /* this side may write the region */
};

#define PV_WINDOW_MAX 8u

/* One shared region: [base, base + size) in the peer's address space. */
struct pv_window {
	uint64_t base;
	uint64_t size; /* non-zero; base + size - 1 does not wrap */
	uint8_t *host; /* where this side sees base; host + size does not wrap */
	uint32_t perm; /* enum pv_window_perm bits */
	uint32_t pad;
};

/* Private to its owner; windows never overlap. */
struct pv_window_set {
	struct pv_window win[PV_WINDOW_MAX];
	uint32_t count;
	uint32_t pad;
};

void pv_window_set_init(struct pv_window_set *set);

/*
 * Adds [base, base + size) seen at host with rights perm. Fails with
 * PV_E_INVAL for a zero size, unknown rights, a range that wraps or that
 * overlaps an existing window, PV_E_NOSPC when the set is full.
 */
int pv_window_add(struct pv_window_set *set, pv_gaddr_t base, uint64_t size, void *host,
		  uint32_t perm);

/*
 * PV_OK if [addr, addr + len) lies inside one window that grants every
 * right in perm; else PV_E_LENGTH (len is 0), PV_E_WINDOW or PV_E_PERM.
 */
int pv_window_check(const struct pv_window_set *set, pv_gaddr_t addr, uint64_t len, uint32_t perm);

/* This side's pointer to [addr, addr + len), or NULL when pv_window_check fails. */
void *pv_window_translate(const struct pv_window_set *set, pv_gaddr_t addr, uint64_t len,
			  uint32_t perm);

/* Copies len bytes at addr into dst (private memory), reading each byte once. */
int pv_window_read(const struct pv_window_set *set, pv_gaddr_t addr, void *dst, uint64_t len);

/* Copies len bytes from src to addr. */
int pv_window_write(const struct pv_window_set *set, pv_gaddr_t addr, const void *src,
		    uint64_t len);

#endif
