/*
 * The guest's virtio console (virtio 1.x, 5.3) over virtio-mmio, on the
 * guest's channel to the console server (moat/console.h, docs/console.md).
 * One port, no MULTIPORT: queue 0 receives (console input into the
 * guest's buffers), queue 1 transmits (the guest's output to the
 * console). Only VERSION_1 is offered: no SIZE, no EMERG_WRITE, so the
 * configuration space is there but means nothing.
 *
 * Portable: no system calls. The caller gives the guest's RAM, a `write`
 * that queues bytes for the console server (how many fit; never blocks;
 * when it takes fewer it has asked to be told of room) and a `read` that
 * takes input that has arrived (never blocks; when it finds none it has
 * asked to be told of more), feeds the guest's MMIO accesses in, calls
 * vcon_backend_signal when the console server signalled, and drives the
 * interrupt line from vcon_irq_level.
 *
 * Input goes here only while vcon_input_ready: the guest has set
 * DRIVER_OK, has written to this console since its reset and has posted
 * a receive buffer. The VMM gives input to the PL011 otherwise, so what
 * is typed reaches whichever console the guest uses (docs/vm.md): Linux
 * posts receive buffers as soon as its driver binds, even when its
 * console is the PL011, but writes only to the console it uses.
 *
 * Invariants: at most one transmit chain and one receive chain are held
 * between calls. A transmit chain is held until every byte of it is in
 * the console's ring (a full ring holds it: nothing dropped, nothing
 * busy-waited), then returned with used length 0; a receive chain is
 * held until input arrives, then returned with the bytes written. Every
 * chain popped is returned exactly once, unless the guest resets the
 * device first.
 */
#ifndef MOAT_VMM_VCON_H
#define MOAT_VMM_VCON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpv/vq_dev.h>
#include <libpv/window.h>

#include "virtio_mmio.h"

#define VCON_DEVICE_ID 3u
#define VCON_RX 0u		/* receiveq, port 0: device to guest */
#define VCON_TX 1u		/* transmitq, port 0: guest to device */
#define VCON_QUEUES 2u
#define VCON_CHAIN_SEGS 16u	/* a chain's descriptors, at most; more is refused */
#define VCON_CHAIN_MAX 65536u	/* a chain's bytes, at most; more is refused */
#define VCON_PIECE 256u		/* bytes copied at a time */
#define VCON_LOG_MAX 16u	/* problems logged; later ones only counted */

/* The configuration space (spec 5.3.4): meaningful only with features we do not offer. */
struct virtio_console_config {
	uint16_t cols;
	uint16_t rows;
	uint32_t max_nr_ports;
	uint32_t emerg_wr;
};
_Static_assert(sizeof(struct virtio_console_config) == 12, "virtio-console ABI");

struct vcon_config {
	uint8_t *ram; /* the guest's RAM in our space */
	uint64_t ram_ipa, ram_size;
	size_t (*write)(void *ctx, const void *buf, size_t len);
	size_t (*read)(void *ctx, void *buf, size_t max);
	void (*log)(void *ctx, const char *what, uint64_t value);
	void *ctx;
};

struct vcon_queue {
	struct vmmio_served srv;
	bool held;		 /* a chain popped, not yet returned: */
	struct pv_vq_chain chain;
	struct pv_vq_seg seg[VCON_CHAIN_SEGS];
	uint32_t done;		 /* transmit: its bytes already written */
};

struct vcon_stats {
	uint64_t tx_bytes, rx_bytes;
	uint64_t bad_chains; /* rejected by vq_dev, or the wrong direction */
};

struct vcon {
	struct vmmio mmio;
	struct pv_window_set win;
	struct vcon_queue q[VCON_QUEUES];
	bool broken; /* DEVICE_NEEDS_RESET: until the guest resets the device */
	bool spoke;  /* the guest transmitted since its reset: it uses this console */
	struct vcon_config cfg;
	struct vcon_stats stats;
	unsigned logged;
};

/* PV_OK, or why the device cannot be offered (a bad configuration). */
int vcon_init(struct vcon *c, const struct vcon_config *cfg);

/* A guest access in the device's window (VMMIO_SIZE bytes); false: inject an abort. */
bool vcon_access(struct vcon *c, uint64_t off, unsigned size, bool write, uint64_t *value);

/* The console server signalled: room for output, or input (taken if vcon_input_ready). */
void vcon_backend_signal(struct vcon *c);

/*
 * Does input go here? DRIVER_OK is set, the guest has transmitted since
 * its reset and a receive buffer is posted (one is popped and held for
 * it; none posted asks the guest to notify).
 */
bool vcon_input_ready(struct vcon *c);

/* The guest restarts: the device is reset (held chains are forgotten with the guest). */
void vcon_reset(struct vcon *c);

/* The interrupt line: InterruptStatus is not zero. */
bool vcon_irq_level(const struct vcon *c);

#endif
