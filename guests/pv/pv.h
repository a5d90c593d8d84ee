/*
 * Moat's paravirtual guest: a small EL1 kernel that uses the hypercall ABI
 * (moat/hypercall.h) for its console. Its modes (x0 at entry, chosen by
 * its VMM): PV_MODE_TEST exercises every hypercall, bad arguments
 * included; PV_MODE_FUZZ makes random hypercalls and random accesses to
 * its emulated devices and beyond, as a hostile guest would.
 */
#ifndef MOAT_PV_H
#define MOAT_PV_H

#include <stddef.h>
#include <stdint.h>

#define PV_MODE_TEST 1
#define PV_MODE_FUZZ 2

/* Where its VMM emulates a device (and so answers MMIO). */
#define PV_DEVICE_IPA 0x50000000ul
#define PV_DEVICE_SIZE 0x1000ul

struct pv_hvc {
	uint64_t x0, x1, x2, x3;
};

/* hvc #0 with x0-x3 in, x0-x3 out. */
struct pv_hvc pv_hypercall(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
void pv_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Exceptions taken at EL1 so far (start.S). */
extern volatile uint64_t pv_exceptions;

#endif
