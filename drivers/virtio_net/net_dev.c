/* A virtio network device through a receive and a transmit queue; see net_dev.h. */
#include "net_dev.h"

#include <libpv/err.h>
#include <libpv/virtio_net.h>

#define CONFIG_MAC 0 /* u8[6] */

#define RX_QUEUE 0u
#define TX_QUEUE 1u

/* Where the queues and the buffers live in the DMA memory: a page per queue. */
#define RX_OFFSET 0x0000u
#define TX_OFFSET 0x1000u
#define DESC_AT 0x000u
#define AVAIL_AT 0x200u
#define USED_AT 0x400u
#define RX_BUFFERS 0x2000u
#define TX_BUFFERS (RX_BUFFERS + NET_QUEUE_SIZE * NET_BUFFER)
#define BUFFER_USED (NET_HDR_SIZE + NET_FRAME_MAX) /* of each buffer; spec 5.1.6.3.1: >= 1526 */

_Static_assert(sizeof(struct pv_virtio_net_hdr) == NET_HDR_SIZE, "virtio_net_hdr ABI");
_Static_assert(NET_QUEUE_SIZE * sizeof(struct pv_virtq_desc) <= AVAIL_AT &&
		       AVAIL_AT + 6 + 2 * NET_QUEUE_SIZE <= USED_AT &&
		       USED_AT + 6 + 8 * NET_QUEUE_SIZE <= TX_OFFSET - RX_OFFSET &&
		       TX_OFFSET + 0x1000u <= RX_BUFFERS &&
		       TX_BUFFERS + NET_QUEUE_SIZE * NET_BUFFER == NET_DMA_SIZE,
	       "the queues and the buffers fit NET_DMA_SIZE");
_Static_assert(BUFFER_USED <= NET_BUFFER && NET_QUEUE_SIZE <= 256, "a buffer holds any frame");

static uint8_t *rx_buffer(struct net_dev *d, unsigned b)
{
	return d->dma + RX_BUFFERS + b * NET_BUFFER;
}

static uint8_t *tx_buffer(struct net_dev *d, unsigned b)
{
	return d->dma + TX_BUFFERS + b * NET_BUFFER;
}

static bool broken(const struct net_dev *d)
{
	return pv_vq_drv_broken(&d->rx) || pv_vq_drv_broken(&d->tx);
}

/* Lays out queue `q` at `offset` in the DMA memory and gives it to the device. */
static const char *queue(struct net_dev *d, struct pv_vq_drv *vq, struct pv_vq_drv_slot *slots,
			 unsigned q, unsigned offset)
{
	uint64_t pa = d->dma_pa + offset;
	struct pv_vq_drv_config cfg = {
		.size = NET_QUEUE_SIZE,
		.features = PV_VIRTIO_F_VERSION_1,
		.desc = (struct pv_virtq_desc *)(d->dma + offset + DESC_AT),
		.avail = (struct pv_virtq_avail *)(d->dma + offset + AVAIL_AT),
		.used = (struct pv_virtq_used *)(d->dma + offset + USED_AT),
		.slots = slots,
	};

	if (pv_vq_drv_init(vq, &cfg) != PV_OK)
		return "a virtqueue cannot be laid out";
	return virtio_mmio_queue(&d->mmio, q, NET_QUEUE_SIZE, pa + DESC_AT, pa + AVAIL_AT,
				 pa + USED_AT);
}

/* Gives receive buffer `b` to the device (again). */
static int post_rx(struct net_dev *d, unsigned b)
{
	struct pv_sg sg = { pv_gaddr(d->dma_pa + RX_BUFFERS + b * NET_BUFFER), BUFFER_USED, 0 };

	return pv_vq_drv_add(&d->rx, &sg, 0, 1, b) < 0 ? NET_E_BROKEN : 0;
}

const char *net_dev_init(struct net_dev *d, uintptr_t regs, void *dma, uint64_t dma_pa,
			 uint64_t dma_size)
{
	const char *err;

	*d = (struct net_dev){ .dma = dma, .dma_pa = dma_pa };
	if (dma_size < NET_DMA_SIZE || dma_pa % 4096)
		return "its DMA memory is too small or not page aligned";
	if ((err = virtio_mmio_start(&d->mmio, regs, PV_VIRTIO_ID_NET,
				     PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_NET_F_MAC, &d->features)))
		return err;
	if (!(d->features & PV_VIRTIO_NET_F_MAC))
		return "the device has no MAC address of its own (PV_VIRTIO_NET_F_MAC)";
	if (!virtio_mmio_config_bytes(&d->mmio, CONFIG_MAC, d->mac, NET_MAC_SIZE))
		return "its MAC address keeps changing";
	if ((err = queue(d, &d->rx, d->rx_slots, RX_QUEUE, RX_OFFSET)) ||
	    (err = queue(d, &d->tx, d->tx_slots, TX_QUEUE, TX_OFFSET)))
		return err;
	for (unsigned b = 0; b < NET_QUEUE_SIZE; b++) {
		if (post_rx(d, b))
			return "its receive queue does not take the buffers";
		d->tx_free[b] = (uint8_t)b;
	}
	d->tx_free_count = NET_QUEUE_SIZE;
	pv_vq_drv_disable_cb(&d->tx); /* sent buffers are reclaimed on the next send */
	virtio_mmio_ready(&d->mmio);
	virtio_mmio_notify(&d->mmio, RX_QUEUE);
	return NULL;
}

/* Takes back the transmit buffers the device has finished with. */
static int reclaim(struct net_dev *d)
{
	uint64_t b;
	uint32_t len;
	int got;

	/* libpv hands back only tokens in flight, each once: the stack cannot overflow. */
	while ((got = pv_vq_drv_get_used(&d->tx, &b, &len)) > 0)
		d->tx_free[d->tx_free_count++] = (uint8_t)b;
	return got < 0 ? NET_E_BROKEN : 0;
}

int net_dev_send(struct net_dev *d, const void *frame, uint32_t len)
{
	struct pv_sg sg;
	unsigned b;

	if (len < NET_FRAME_MIN || len > NET_FRAME_MAX)
		return NET_E_LENGTH;
	if (broken(d) || reclaim(d))
		return NET_E_BROKEN;
	if (!d->tx_free_count)
		return NET_E_BUSY;
	b = d->tx_free[--d->tx_free_count];
	__builtin_memset(tx_buffer(d, b), 0, NET_HDR_SIZE); /* no offloads: an all-zero header */
	__builtin_memcpy(tx_buffer(d, b) + NET_HDR_SIZE, frame, len);
	sg = (struct pv_sg){ pv_gaddr(d->dma_pa + TX_BUFFERS + b * NET_BUFFER), NET_HDR_SIZE + len,
			     0 };
	if (pv_vq_drv_add(&d->tx, &sg, 1, 0, b) < 0) {
		d->tx_free[d->tx_free_count++] = (uint8_t)b; /* cannot happen: a descriptor per buffer */
		return NET_E_BROKEN;
	}
	if (pv_vq_drv_kick_needed(&d->tx))
		virtio_mmio_notify(&d->mmio, TX_QUEUE);
	d->stats.tx_frames++;
	return 0;
}

/*
 * The frame the device put in receive buffer `b` (`len` bytes with the
 * header, at most BUFFER_USED: libpv checked), copied once into `buf`:
 * its length, or 0 when it is not believable.
 */
static uint32_t take(struct net_dev *d, unsigned b, uint32_t len, void *buf)
{
	struct pv_virtio_net_hdr h;

	if (len < NET_HDR_SIZE + NET_FRAME_MIN)
		return 0;
	__builtin_memcpy(&h, rx_buffer(d, b), sizeof(h));
	if ((h.flags & PV_VIRTIO_NET_HDR_F_NEEDS_CSUM) || h.gso_type != PV_VIRTIO_NET_HDR_GSO_NONE)
		return 0; /* offload state we never negotiated */
	__builtin_memcpy(buf, rx_buffer(d, b) + NET_HDR_SIZE, len - NET_HDR_SIZE);
	return len - NET_HDR_SIZE;
}

int net_dev_recv(struct net_dev *d, void *buf, uint32_t cap)
{
	uint64_t b;
	uint32_t len, n;

	if (cap < NET_FRAME_MAX)
		return NET_E_SPACE;
	if (broken(d))
		return NET_E_BROKEN;
	/* At most a queue's worth of bad frames per call: a flood cannot hold us here. */
	for (unsigned tries = 0; tries < NET_QUEUE_SIZE; tries++) {
		int got = pv_vq_drv_get_used(&d->rx, &b, &len);

		if (got <= 0)
			return got < 0 ? NET_E_BROKEN : 0;
		n = take(d, (unsigned)b, len, buf); /* b is a token we gave: below NET_QUEUE_SIZE */
		if (post_rx(d, (unsigned)b))
			return NET_E_BROKEN;
		if (pv_vq_drv_kick_needed(&d->rx))
			virtio_mmio_notify(&d->mmio, RX_QUEUE);
		if (n) {
			d->stats.rx_frames++;
			return (int)n;
		}
		d->stats.rx_dropped++;
	}
	return 0;
}

bool net_dev_interrupt(struct net_dev *d)
{
	virtio_mmio_interrupt(&d->mmio);
	return virtio_mmio_status(&d->mmio) & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

bool net_dev_prepare_wait(struct net_dev *d)
{
	bool quiet;

	if (reclaim(d))
		return false;
	quiet = pv_vq_drv_prepare_wait(&d->rx);
	/* A sent frame wakes us only when a sender waits for a buffer. */
	if (d->tx_free_count)
		pv_vq_drv_disable_cb(&d->tx);
	else if (!pv_vq_drv_prepare_wait(&d->tx))
		quiet = false;
	return quiet;
}
