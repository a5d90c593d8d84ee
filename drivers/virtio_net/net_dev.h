/*
 * A virtio network device (virtio 1.x spec, 5.1) driven through two split
 * virtqueues in the driver domain's DMA memory (docs/io.md): queue 0
 * receives, queue 1 transmits. No offloads, no control queue, no
 * mergeable buffers, so every frame is one buffer behind the 12-byte
 * header. Frames cross this interface by copy: the caller never sees the
 * DMA memory, and a received frame is checked before it is handed on.
 */
#ifndef MOAT_DRIVERS_NET_DEV_H
#define MOAT_DRIVERS_NET_DEV_H

#include <libpv/vq_drv.h>

#include "virtio/virtio_mmio.h"

#define NET_HDR_SIZE 12u    /* virtio_net_hdr with num_buffers (VERSION_1) */
#define NET_FRAME_MIN 14u   /* an Ethernet header */
#define NET_FRAME_MAX 1514u /* header and a 1500-byte payload, no FCS */
#define NET_MAC_SIZE 6u
#define NET_QUEUE_SIZE 32u  /* descriptors per queue, one buffer each */
#define NET_BUFFER 2048u    /* DMA bytes per buffer; the device sees HDR + FRAME_MAX of it */
/* The queues, then NET_QUEUE_SIZE receive and NET_QUEUE_SIZE transmit buffers. */
#define NET_DMA_SIZE (0x2000u + 2 * NET_QUEUE_SIZE * NET_BUFFER)

struct net_dev_stats {
	uint64_t rx_frames, tx_frames;
	uint64_t rx_dropped; /* frames the device delivered that were not believable */
};

struct net_dev {
	struct virtio_mmio mmio;
	uint64_t features;
	uint8_t mac[NET_MAC_SIZE];
	uint8_t *dma; /* the DMA memory, in our space */
	uint64_t dma_pa; /* and its physical address */
	struct pv_vq_drv rx, tx;
	struct pv_vq_drv_slot rx_slots[NET_QUEUE_SIZE], tx_slots[NET_QUEUE_SIZE];
	uint8_t tx_free[NET_QUEUE_SIZE]; /* a stack of the free transmit buffers */
	unsigned tx_free_count;
	struct net_dev_stats stats;
};

/*
 * Brings up the virtio network device at `regs` with `dma_size` bytes
 * (at least NET_DMA_SIZE) of physically contiguous DMA memory at `dma`
 * (physical `dma_pa`), every receive buffer posted. NULL, or what is
 * wrong.
 */
const char *net_dev_init(struct net_dev *d, uintptr_t regs, void *dma, uint64_t dma_pa,
			 uint64_t dma_size);

#define NET_E_LENGTH (-1) /* a frame shorter than NET_FRAME_MIN or longer than NET_FRAME_MAX */
#define NET_E_BUSY (-2)	  /* every transmit buffer is still with the device */
#define NET_E_BROKEN (-3) /* a queue is broken: the device misbehaved */
#define NET_E_SPACE (-4)  /* the caller's buffer could not hold the largest frame */

/*
 * Copies the Ethernet frame `frame` of `len` bytes into a free transmit
 * buffer and hands it to the device. 0, or NET_E_*; nothing is sent then.
 */
int net_dev_send(struct net_dev *d, const void *frame, uint32_t len);

/*
 * Copies one received frame into `buf` (`cap` bytes, at least
 * NET_FRAME_MAX) and reposts its buffer: the frame's length, 0 if none
 * has arrived, or NET_E_*. Frames the device reports as too short for
 * an Ethernet header, or with offload state we never asked for, are
 * counted in stats.rx_dropped and skipped.
 */
int net_dev_recv(struct net_dev *d, void *buf, uint32_t cap);

/*
 * After the device's interrupt: acknowledged at the device. True if it
 * asks to be reset (its queues are no longer usable).
 */
bool net_dev_interrupt(struct net_dev *d);

/*
 * Before waiting for the interrupt: reclaims sent buffers and asks for an
 * interrupt at the next received frame (and at the next sent one while no
 * transmit buffer is free). False if something arrived meanwhile.
 */
bool net_dev_prepare_wait(struct net_dev *d);

#endif
