/*
 * PV I/O (moat/pvio.h): the hypercall transport of Moat's PV guest, over
 * the VMM's virtio devices. Each call becomes the register accesses the
 * same call would take over virtio-mmio, made through the caller's
 * `access` on the device's window, so the transport's checks
 * (virtio_mmio.c) and the devices' (vq_dev over the guest's RAM, then each
 * device's own) are exactly a Linux guest's. A device set up this way is
 * the guest's by hypercall from then on: its interrupt no longer goes
 * through the emulated distributor (which this guest never programs) but
 * is acknowledged here and injected as an edge.
 *
 * Portable: no system calls.
 */
#ifndef MOAT_VMM_PVIO_H
#define MOAT_VMM_PVIO_H

#include <stdbool.h>
#include <stdint.h>

#include <moat/pvio.h>

struct pvio_ops {
	/* An access of `size` bytes at `off` in virtio device `dev`'s window; false: refused. */
	bool (*access)(void *ctx, unsigned dev, uint64_t off, unsigned size, bool write,
		       uint64_t *value);
	void (*inject)(void *ctx, uint32_t intid); /* an edge on vCPU 0 */
	void *ctx;
};

struct pvio {
	struct pvio_ops ops;
	unsigned devices;
	uint32_t intid[MOAT_PVIO_DEVICES];
	bool owned[MOAT_PVIO_DEVICES]; /* started by hypercall: interrupts injected here */
	uint64_t calls, refused;
};

void pvio_init(struct pvio *p, const struct pvio_ops *ops, unsigned devices, const uint32_t *intid);

/*
 * A guest hypercall, x[0] its function: false if it is no PV I/O call,
 * else true with x0-x3 of the answer in out[].
 */
bool pvio_call(struct pvio *p, const uint64_t x[4], uint64_t out[4]);

/* Device `dev` is driven by hypercalls: its line is not the vGIC's. */
bool pvio_owns(const struct pvio *p, unsigned dev);

/* Every owned device with an interrupt cause up: acknowledged, its INTID injected. */
void pvio_deliver(struct pvio *p);

/* The guest restarts: every device is the vGIC's again until started anew. */
void pvio_reset(struct pvio *p);

#endif
