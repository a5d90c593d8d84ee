/*
 * The guest's virtio network device (virtio 1.x, 5.1) over virtio-mmio,
 * as a port of the network switch (moat/net.h, docs/net.md). Queue 0
 * receives, queue 1 transmits; both live in the guest's RAM and are read
 * through libpv's vq_dev over one window, that RAM. Each transmitted
 * chain is copied out (header and frame), checked and becomes one
 * struct moat_net_frame in the channel's MOAT_NET_TO_SWITCH ring; each
 * frame from MOAT_NET_FROM_SWITCH is copied, behind a zeroed header, into
 * the next receive chain. Only VERSION_1 and MAC are offered: no
 * offloads, no mergeable buffers, no control queue, so the header is the
 * 12-byte struct pv_virtio_net_hdr and must ask for nothing.
 *
 * Portable: no system calls. The caller gives the channel's memory, a
 * kick to signal the switch and a log, feeds the guest's MMIO accesses
 * in, calls vnet_backend_signal when the switch signalled, and drives the
 * interrupt line from vnet_irq_level.
 *
 * Invariants: every frame produced is MOAT_NET_FRAME_MIN..MAX bytes and
 * was copied from the guest's RAM only; a full ring leaves chains in the
 * guest's available ring (nothing dropped, nothing busy-waited), and an
 * empty receive queue leaves frames in the switch's ring; each chain
 * popped is returned to the guest exactly once, at once.
 */
#ifndef MOAT_VMM_NET_H
#define MOAT_VMM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include <libpv/ring.h>
#include <libpv/virtio_net.h>
#include <libpv/vq_dev.h>
#include <libpv/window.h>
#include <moat/net.h>

#include "virtio_mmio.h"

#define VNET_DEVICE_ID 1u
#define VNET_RX 0u		/* the receive queue */
#define VNET_TX 1u		/* the transmit queue */
#define VNET_QUEUES 2u
#define VNET_CHAIN_SEGS 16u	/* a chain's descriptors, at most; more is refused */
#define VNET_LOG_MAX 16u	/* problems logged; later ones only counted */


#define VNET_HDR ((uint32_t)sizeof(struct pv_virtio_net_hdr))

struct vnet_config {
	uint8_t *ram; /* the guest's RAM in our space */
	uint64_t ram_ipa, ram_size;
	uint8_t mac[6];
	uint8_t *shared; /* the channel's memory, MOAT_NET_SHARED_BYTES at least: both rings */
	void (*kick)(void *ctx); /* signal the switch */
	void (*log)(void *ctx, const char *what, uint64_t value);
	void *ctx;
};

struct vnet_stats {
	uint64_t tx_frames, tx_dropped; /* dropped: a bad header or length */
	uint64_t rx_frames, rx_dropped; /* dropped: a chain too small, a bad frame from the switch */
	uint64_t bad_chains;		 /* rejected by vq_dev, or the wrong direction */
};

struct vnet {
	struct vmmio mmio;
	struct pv_window_set win;
	struct vmmio_served q[VNET_QUEUES];
	bool broken; /* DEVICE_NEEDS_RESET: until the guest resets the device */
	struct pv_ring_producer tx; /* MOAT_NET_TO_SWITCH */
	struct pv_ring_consumer rx; /* MOAT_NET_FROM_SWITCH */
	struct vnet_config cfg;
	struct vnet_stats stats;
	unsigned logged;
	struct moat_net_frame frame; /* the one frame being copied */
};

/* PV_OK, or why the device cannot be offered (a bad configuration, rings that do not attach). */
int vnet_init(struct vnet *n, const struct vnet_config *cfg);

/* A guest access in the device's window (VMMIO_SIZE bytes); false: inject an abort. */
bool vnet_access(struct vnet *n, uint64_t off, unsigned size, bool write, uint64_t *value);

/* The switch signalled: frames to receive, or room to transmit. */
void vnet_backend_signal(struct vnet *n);

/* The guest restarts: the device is reset (nothing is in flight to wait for). */
void vnet_reset(struct vnet *n);

/* The interrupt line: InterruptStatus is not zero. */
bool vnet_irq_level(const struct vnet *n);

#endif
