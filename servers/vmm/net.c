/*
 * The virtio network device; see net.h. vq_dev has already bounded every
 * descriptor (inside the guest's RAM, loop-free, directions in order);
 * here the sizes are checked: a transmitted chain is one header asking
 * for no offload and a frame of MOAT_NET_FRAME_MIN..MAX bytes, a receive
 * chain has room for the header and the frame. A chain is popped only
 * when it can be finished at once: a transmit chain when the switch's
 * ring has a free place, a receive chain when a frame waits. Otherwise
 * this side asks to be woken (by the switch, or by the guest's notify)
 * and returns.
 */
#include "net.h"

#include <libpv/err.h>

static void note(struct vnet *n, const char *what, uint64_t value)
{
	if (n->logged < VNET_LOG_MAX && n->cfg.log)
		n->cfg.log(n->cfg.ctx, what, value);
	if (n->logged < VNET_LOG_MAX)
		n->logged++;
}

/* A queue cannot go on: the guest must reset the device. */
static void needs_reset(struct vnet *n, const char *why, int64_t err)
{
	if (!n->broken)
		note(n, why, (uint64_t)err);
	n->broken = true;
	vmmio_needs_reset(&n->mmio);
}

/* Queue i, set up once after DRIVER_OK; NULL while it cannot be served. */
static struct pv_vq_dev *queue_live(struct vnet *n, unsigned i)
{
	struct pv_vq_dev *vq;
	const char *why;
	int64_t err;

	if (n->broken)
		return NULL;
	if (!(vq = vmmio_serve(&n->mmio, i, &n->q[i], &n->win, 0, &why, &err)) && why)
		needs_reset(n, why, err);
	return vq;
}

/* Returns a popped chain with `len` bytes written. */
static void give_back(struct vnet *n, struct pv_vq_dev *vq, const struct pv_vq_chain *ch,
		      uint32_t len)
{
	int err;

	if ((err = pv_vq_dev_push(vq, ch, len)) != PV_OK)
		needs_reset(n, "the used ring refused a chain", err);
}

/* The next chain of vq into *ch: 1, 0 with none (a kick asked for), or -1 (a bad one, returned). */
static int next_chain(struct vnet *n, struct pv_vq_dev *vq, struct pv_vq_chain *ch)
{
	int k;

	while ((k = pv_vq_dev_pop(vq, ch)) == 0)
		if (pv_vq_dev_prepare_wait(vq))
			return 0;
	if (k == 1)
		return 1;
	if (pv_vq_dev_broken(vq)) {
		needs_reset(n, "an available ring is impossible", k);
		return 0;
	}
	n->stats.bad_chains++;
	note(n, "a bad descriptor chain", (uint64_t)(int64_t)k);
	give_back(n, vq, ch, 0);
	return -1;
}

/* A header and frame to transmit: NULL if it may go (n->frame filled), else why not. */
static const char *tx_copy(struct vnet *n, struct pv_vq_dev *vq, const struct pv_vq_chain *ch)
{
	struct pv_virtio_net_hdr h;
	uint32_t len = ch->out_bytes - VNET_HDR;

	if (ch->n_in)
		return "a transmit chain with device-writable buffers";
	if (ch->out_bytes < VNET_HDR + MOAT_NET_FRAME_MIN ||
	    ch->out_bytes > VNET_HDR + MOAT_NET_FRAME_MAX)
		return "a transmitted frame too short or too long";
	if (pv_vq_chain_read(vq, ch, 0, &h, VNET_HDR) != PV_OK ||
	    pv_vq_chain_read(vq, ch, VNET_HDR, n->frame.data, len) != PV_OK)
		return "a transmit chain unreadable";
	if (h.flags || h.gso_type != PV_VIRTIO_NET_HDR_GSO_NONE)
		return "a transmit header asking for an offload";
	n->frame.len = len;
	n->frame.reserved = 0;
	return NULL;
}

/* A free place in the switch's ring, asking to be told of one when there is none. */
static bool tx_room(struct vnet *n)
{
	if (pv_ring_producer_broken(&n->tx))
		return false;
	if (pv_ring_producer_space(&n->tx))
		return true;
	return !pv_ring_producer_prepare_wait(&n->tx) && pv_ring_producer_space(&n->tx);
}

/* Transmits while the guest has chains and the ring has room; true if any frame went. */
static bool transmit(struct vnet *n)
{
	struct pv_vq_seg segs[VNET_CHAIN_SEGS];
	struct pv_vq_chain ch = { .seg = segs, .max_seg = VNET_CHAIN_SEGS };
	struct pv_vq_dev *vq;
	bool sent = false;
	const char *why;
	int k;

	while ((vq = queue_live(n, VNET_TX)) && tx_room(n) && (k = next_chain(n, vq, &ch)) != 0) {
		if (k < 0)
			continue;
		if ((why = tx_copy(n, vq, &ch))) {
			n->stats.tx_dropped++;
			note(n, why, ch.out_bytes);
		} else if ((k = pv_ring_produce_prefix(&n->tx, &n->frame,
							 moat_net_frame_bytes(&n->frame))) == 1) {
			n->stats.tx_frames++;
			sent = true;
		} else {
			note(n, "the switch broke the transmit ring", (uint64_t)(int64_t)k);
		}
		give_back(n, vq, &ch, 0);
	}
	return sent;
}

/* A frame from the switch waits, asking to be told of one when none does. */
static bool rx_pending(struct vnet *n)
{
	if (pv_ring_consumer_broken(&n->rx))
		return false;
	if (pv_ring_consumer_pending(&n->rx))
		return true;
	return !pv_ring_consumer_prepare_wait(&n->rx) && pv_ring_consumer_pending(&n->rx);
}

/* The next well-formed frame from the switch into n->frame; false if none is left. */
static bool rx_frame(struct vnet *n)
{
	int32_t k;

	while (rx_pending(n)) {
		if ((k = pv_ring_consume_prefix(&n->rx, &n->frame, MOAT_NET_FRAME_HEAD,
						 moat_net_frame_more)) != 1) {
			note(n, "the switch broke the receive ring", (uint64_t)(int64_t)k);
			return false;
		}
		if (n->frame.len >= MOAT_NET_FRAME_MIN && n->frame.len <= MOAT_NET_FRAME_MAX)
			return true;
		n->stats.rx_dropped++;
		note(n, "a frame from the switch of a bad length", n->frame.len);
	}
	return false;
}

/* Frame n->frame into chain ch: the bytes written, 0 if it does not fit (dropped). */
static uint32_t rx_copy(struct vnet *n, struct pv_vq_dev *vq, const struct pv_vq_chain *ch)
{
	const struct pv_virtio_net_hdr h = { .num_buffers = 1 };
	uint32_t len = n->frame.len;

	if (ch->in_bytes < VNET_HDR + len) {
		n->stats.rx_dropped++;
		note(n, "a receive buffer too small for the frame", ch->in_bytes);
		return 0;
	}
	if (pv_vq_chain_write(vq, ch, 0, &h, VNET_HDR) != PV_OK ||
	    pv_vq_chain_write(vq, ch, VNET_HDR, n->frame.data, len) != PV_OK)
		return 0; /* cannot happen: vq_dev checked the writable bytes */
	n->stats.rx_frames++;
	return VNET_HDR + len;
}

/* Receives while frames wait and the guest has buffers; true if any frame was taken. */
static bool receive(struct vnet *n)
{
	struct pv_vq_seg segs[VNET_CHAIN_SEGS];
	struct pv_vq_chain ch = { .seg = segs, .max_seg = VNET_CHAIN_SEGS };
	struct pv_vq_dev *vq;
	uint64_t before = n->stats.rx_frames + n->stats.rx_dropped;
	int k;

	while ((vq = queue_live(n, VNET_RX)) && rx_pending(n) && (k = next_chain(n, vq, &ch)) != 0) {
		if (k < 0)
			continue;
		give_back(n, vq, &ch, rx_frame(n) ? rx_copy(n, vq, &ch) : 0);
	}
	return n->stats.rx_frames + n->stats.rx_dropped != before;
}

/* Both queues as far as they go; the switch kicked, the guest interrupted, as asked. */
static void process(struct vnet *n)
{
	bool sent = transmit(n), took = receive(n);

	if (sent && pv_ring_producer_kick_needed(&n->tx) && n->cfg.kick)
		n->cfg.kick(n->cfg.ctx);
	if (took && pv_ring_consumer_kick_needed(&n->rx) && n->cfg.kick)
		n->cfg.kick(n->cfg.ctx); /* it may wait for room to send more */
	for (unsigned i = 0; i < VNET_QUEUES; i++)
		if (n->q[i].ready && !n->broken && pv_vq_dev_interrupt_needed(&n->q[i].vq))
			vmmio_interrupt(&n->mmio, PV_VMMIO_INT_USED);
}

void vnet_backend_signal(struct vnet *n)
{
	process(n);
}

static void device_reset(void *ctx)
{
	struct vnet *n = ctx;

	/* Nothing is held between calls: frames in the rings are copies, not the guest's. */
	for (unsigned i = 0; i < VNET_QUEUES; i++)
		n->q[i].ready = false;
	n->broken = false;
}

static void notify(void *ctx, unsigned queue)
{
	(void)queue; /* either queue: both are served as far as they go */
	process(ctx);
}

static const struct vmmio_ops ops = { notify, device_reset };

void vnet_reset(struct vnet *n)
{
	uint64_t zero = 0;

	vmmio_access(&n->mmio, PV_VMMIO_STATUS, 4, true, &zero); /* calls device_reset */
	n->logged = 0;
}

bool vnet_access(struct vnet *n, uint64_t off, unsigned size, bool write, uint64_t *value)
{
	return vmmio_access(&n->mmio, off, size, write, value);
}

bool vnet_irq_level(const struct vnet *n)
{
	return vmmio_irq_level(&n->mmio);
}

int vnet_init(struct vnet *n, const struct vnet_config *cfg)
{
	int err;

	*n = (struct vnet){ .cfg = *cfg };
	if (!cfg->ram || !cfg->shared || !cfg->ram_size || cfg->ram_ipa + cfg->ram_size < cfg->ram_ipa)
		return PV_E_INVAL;
	pv_window_set_init(&n->win);
	if ((err = pv_window_add(&n->win, pv_gaddr(cfg->ram_ipa), cfg->ram_size, cfg->ram,
				 PV_WINDOW_READ | PV_WINDOW_WRITE)) != PV_OK)
		return err;
	if ((err = pv_ring_producer_attach(&n->tx, cfg->shared + MOAT_NET_TO_SWITCH,
					   MOAT_NET_RING_BYTES, MOAT_NET_RING_ENTRIES,
					   sizeof(struct moat_net_frame))) ||
	    (err = pv_ring_consumer_attach(&n->rx, cfg->shared + MOAT_NET_FROM_SWITCH,
					   MOAT_NET_RING_BYTES, MOAT_NET_RING_ENTRIES,
					   sizeof(struct moat_net_frame))))
		return err;
	/* The configuration space: mac (spec 5.1.4); no status, so the link is always up. */
	return vmmio_init(&n->mmio, VNET_DEVICE_ID,
			  PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_EVENT_IDX | PV_VIRTIO_NET_F_MAC,
			  VNET_QUEUES, cfg->mac, sizeof(cfg->mac), &ops, n)
		       ? PV_OK
		       : PV_E_INVAL;
}
