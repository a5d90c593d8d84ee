/*
 * The part of the virtio network device's ABI (virtio 1.x spec 5.1) that
 * both sides here use: the driver domain's (drivers/virtio_net) and the
 * VMM's device for guests (servers/vmm/net.c). Neither takes an offload,
 * so a header must ask for none.
 */
#ifndef LIBPV_VIRTIO_NET_H
#define LIBPV_VIRTIO_NET_H

#include <stdint.h>

#define PV_VIRTIO_NET_F_MAC (1ull << 5)
#define PV_VIRTIO_NET_HDR_F_NEEDS_CSUM 1u
#define PV_VIRTIO_NET_HDR_GSO_NONE 0u

/* In front of every frame, both ways (VERSION_1 layout: num_buffers always there). */
struct pv_virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers; /* 1 without MRG_RXBUF: every frame is one buffer */
};
_Static_assert(sizeof(struct pv_virtio_net_hdr) == 12, "virtio-net ABI");

#endif
