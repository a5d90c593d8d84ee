/*
 * The virtio-mmio transport, version 2 (virtio 1.x spec, 4.2.2), from the
 * driver's side: what a driver domain does with the device's registers to
 * bring it up and run one split virtqueue. QEMU offers version 2 with
 * `-global virtio-mmio.force-legacy=false`; a legacy (version 1) device is
 * refused. The device is hardware to us, not a peer: its registers are
 * trusted to follow the spec, but every value read from them that sizes
 * or indexes something is checked.
 */
#ifndef MOAT_DRIVERS_VIRTIO_MMIO_H
#define MOAT_DRIVERS_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpv/virtio_mmio.h>
#include <libpv/virtq.h>

struct virtio_mmio {
	volatile uint32_t *regs;
};

/*
 * Resets the device at `regs` and checks it is a version 2 virtio-mmio
 * device of `device_id`; then acknowledges it and offers the features of
 * `wanted` that the device has (VERSION_1 must be among both). NULL, or
 * what is wrong.
 */
const char *virtio_mmio_start(struct virtio_mmio *m, uintptr_t regs, uint32_t device_id,
			      uint64_t wanted, uint64_t *features);

/*
 * Queue `q` of `size` entries (a power of two, at most what the device
 * allows) at the physical addresses of its three areas. NULL, or why not.
 */
const char *virtio_mmio_queue(struct virtio_mmio *m, unsigned q, uint32_t size, uint64_t desc,
			      uint64_t avail, uint64_t used);

/* DRIVER_OK: the device may use its queues. */
void virtio_mmio_ready(struct virtio_mmio *m);

/* Tells the device queue `q` has new buffers. */
void virtio_mmio_notify(struct virtio_mmio *m, unsigned q);

/* Reads and acknowledges the interrupt's causes (PV_VMMIO_INT_*). */
uint32_t virtio_mmio_interrupt(struct virtio_mmio *m);

/* The device's status register (e.g. NEEDS_RESET). */
uint32_t virtio_mmio_status(struct virtio_mmio *m);

/* A 32-bit word of the device-specific configuration, at `offset`. */
uint32_t virtio_mmio_config32(struct virtio_mmio *m, unsigned offset);
/* A 64-bit field of it, read consistently (ConfigGeneration); false if it never settles. */
bool virtio_mmio_config64(struct virtio_mmio *m, unsigned offset, uint64_t *value);
/*
 * `n` byte fields of it (e.g. a MAC address), read a byte at a time as the
 * spec asks of 8-bit fields (4.2.2.2), consistently; false if they never settle.
 */
bool virtio_mmio_config_bytes(struct virtio_mmio *m, unsigned offset, uint8_t *buf, unsigned n);

#endif
