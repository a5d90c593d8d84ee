/*
 * PV I/O: how Moat's PV guest drives the virtio devices its VMM offers
 * without any MMIO (docs/io.md, "PV guests"). Its queues are split
 * virtqueues in its own RAM, written with libpv's vq_drv and read by the
 * VMM's device models with libpv's vq_dev over one window, that RAM: the
 * same queues, checks and backends as a Linux guest's. Only the transport
 * differs: hypercalls, which the kernel passes to the VMM
 * (MOAT_FAULT_GUEST_HVC), instead of trapped virtio-mmio registers.
 *
 * Every call takes x1 = the device (its index among the VMM's virtio
 * devices: the disk, then the NIC, then the console, those it has) and,
 * where a queue is named, x1 = device | queue << 8. x0 returns MOAT_OK or
 * MOAT_INVALID_ARGUMENT (no such device or queue, a bad size or area),
 * MOAT_ILLEGAL_OPERATION (the call out of order: a queue before START, a
 * notify before READY, features the device refuses).
 *
 * Interrupts: once READY, a device's used-buffer interrupt is its INTID
 * (from INFO), injected as an edge on vCPU 0; the VMM acknowledges the
 * transport's cause itself. The guest takes it with ICC_IAR1_EL1 and ends
 * it with ICC_EOIR1_EL1 (WFI wakes with the interrupt pending even while
 * masked).
 */
#ifndef MOAT_PVIO_H
#define MOAT_PVIO_H

#define MOAT_PVIO_BASE 0xc6000010u

/*
 * x1 device: x1 its virtio device ID (0: none), x2 its configuration's
 * bytes 0-7, x3 its INTID | its virtio status << 32.
 */
#define MOAT_PVIO_INFO (MOAT_PVIO_BASE + 0)
/* x1 device, x2 the features the guest takes (VERSION_1 among them): reset, negotiate. */
#define MOAT_PVIO_START (MOAT_PVIO_BASE + 1)
/*
 * x1 device | queue << 8, x2 the queue's IPA (16-byte aligned), x3 its
 * size (a power of two up to 256). The layout is fixed by the size N:
 * descriptors at x2, the available ring right after them (x2 + 16 N),
 * the used ring at the next 4-byte boundary after the available ring's
 * 8 + 2 N bytes (MOAT_PVIO_USED_OFFSET).
 */
#define MOAT_PVIO_QUEUE		  (MOAT_PVIO_BASE + 2)
#define MOAT_PVIO_AVAIL_OFFSET(n) (16ul * (n))
#define MOAT_PVIO_USED_OFFSET(n)  ((18ul * (n) + 8 + 3) & ~3ul)
#define MOAT_PVIO_QUEUE_BYTES(n)  (MOAT_PVIO_USED_OFFSET(n) + 8 + 8ul * (n))
/* x1 device: the queues are set, the device may run (DRIVER_OK). */
#define MOAT_PVIO_READY (MOAT_PVIO_BASE + 3)
/* x1 device | queue << 8: new buffers (only needed when event suppression asks). */
#define MOAT_PVIO_NOTIFY (MOAT_PVIO_BASE + 4)
/* x1 device: reset it; what it still holds is never written back. */
#define MOAT_PVIO_RESET (MOAT_PVIO_BASE + 5)

#define MOAT_PVIO_DEVICES 3u

#endif
