/*
 * libpv memory windows: address checks for everything the device side
 * reaches in a peer's memory. Each check is written so that no sum can
 * overflow: offsets are computed only after the address is known to be at
 * or above the base, and lengths are compared against what remains.
 */
#include <libpv/err.h>
#include <libpv/window.h>

#include "sync.h"

void pv_window_set_init(struct pv_window_set *set)
{
	pv_zero(set, sizeof(*set));
}

/* Last address of a window (inclusive), which never wraps once added. */
static uint64_t window_last(const struct pv_window *w)
{
	return w->base + (w->size - 1);
}

static bool overlaps_existing(const struct pv_window_set *set, uint64_t base, uint64_t last)
{
	for (uint32_t i = 0; i < set->count; i++) {
		const struct pv_window *w = &set->win[i];

		if (base <= window_last(w) && w->base <= last)
			return true;
	}
	return false;
}

int pv_window_add(struct pv_window_set *set, pv_gaddr_t base, uint64_t size, void *host,
		  uint32_t perm)
{
	uintptr_t h = (uintptr_t)host;
	struct pv_window *w;

	if (size == 0 || host == NULL || perm == 0 ||
	    (perm & ~(uint32_t)(PV_WINDOW_READ | PV_WINDOW_WRITE)) != 0)
		return PV_E_INVAL;
	if (size - 1 > UINT64_MAX - base.v || size - 1 > UINTPTR_MAX - h)
		return PV_E_INVAL;
	if (overlaps_existing(set, base.v, base.v + (size - 1)))
		return PV_E_INVAL;
	if (set->count >= PV_WINDOW_MAX)
		return PV_E_NOSPC;
	w = &set->win[set->count];
	w->base = base.v;
	w->size = size;
	w->host = host;
	w->perm = perm;
	w->pad = 0;
	set->count++;
	return PV_OK;
}

/* The window containing all of [addr, addr + len), or NULL; len is non-zero. */
static const struct pv_window *find(const struct pv_window_set *set, uint64_t addr, uint64_t len)
{
	uint32_t count = set->count < PV_WINDOW_MAX ? set->count : PV_WINDOW_MAX;

	for (uint32_t i = 0; i < count; i++) {
		const struct pv_window *w = &set->win[i];
		uint64_t off;

		if (addr < w->base)
			continue;
		off = addr - w->base;
		if (off < w->size && len <= w->size - off)
			return w;
	}
	return NULL;
}

static const struct pv_window *lookup(const struct pv_window_set *set, uint64_t addr, uint64_t len,
				      uint32_t perm, int *err)
{
	const struct pv_window *w;

	if (len == 0) {
		*err = PV_E_LENGTH;
		return NULL;
	}
	w = find(set, addr, len);
	if (w == NULL) {
		*err = PV_E_WINDOW;
		return NULL;
	}
	if (perm == 0 || (w->perm & perm) != perm) {
		*err = PV_E_PERM;
		return NULL;
	}
	*err = PV_OK;
	return w;
}

int pv_window_check(const struct pv_window_set *set, pv_gaddr_t addr, uint64_t len, uint32_t perm)
{
	int err;

	lookup(set, addr.v, len, perm, &err);
	return err;
}

void *pv_window_translate(const struct pv_window_set *set, pv_gaddr_t addr, uint64_t len,
			  uint32_t perm)
{
	int err;
	const struct pv_window *w = lookup(set, addr.v, len, perm, &err);

	if (w == NULL)
		return NULL;
	return w->host + (addr.v - w->base);
}

int pv_window_read(const struct pv_window_set *set, pv_gaddr_t addr, void *dst, uint64_t len)
{
	int err;
	const struct pv_window *w = lookup(set, addr.v, len, PV_WINDOW_READ, &err);

	if (w == NULL)
		return err;
	pv_copy_from_shared(dst, w->host + (addr.v - w->base), (size_t)len);
	return PV_OK;
}

int pv_window_write(const struct pv_window_set *set, pv_gaddr_t addr, const void *src, uint64_t len)
{
	int err;
	const struct pv_window *w = lookup(set, addr.v, len, PV_WINDOW_WRITE, &err);

	if (w == NULL)
		return err;
	pv_copy_to_shared(w->host + (addr.v - w->base), src, (size_t)len);
	return PV_OK;
}
