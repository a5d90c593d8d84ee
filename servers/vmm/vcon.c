/*
 * The virtio console; see vcon.h. vq_dev has already bounded every
 * descriptor (inside the guest's RAM, loop-free, directions in order,
 * VCON_CHAIN_MAX bytes at most); here the directions are checked: a
 * transmit chain is device-readable only, a receive chain device-writable
 * only. Bytes go through a private buffer of VCON_PIECE bytes, so the
 * guest's RAM is read once per byte and the console's ring sees only
 * copies.
 */
#include "vcon.h"

#include <libpv/err.h>

static void note(struct vcon *c, const char *what, uint64_t value)
{
	if (c->logged < VCON_LOG_MAX && c->cfg.log)
		c->cfg.log(c->cfg.ctx, what, value);
	if (c->logged < VCON_LOG_MAX)
		c->logged++;
}

/* A queue cannot go on: the guest must reset the device. */
static void needs_reset(struct vcon *c, const char *why, int64_t err)
{
	if (!c->broken)
		note(c, why, (uint64_t)err);
	c->broken = true;
	vmmio_needs_reset(&c->mmio);
}

/* Queue i, set up once after DRIVER_OK; NULL while it cannot be served. */
static struct pv_vq_dev *queue_live(struct vcon *c, unsigned i)
{
	struct pv_vq_dev *vq;
	const char *why;
	int64_t err;

	if (c->broken)
		return NULL;
	if (!(vq = vmmio_serve(&c->mmio, i, &c->q[i].srv, &c->win, VCON_CHAIN_MAX, &why, &err)) &&
	    why)
		needs_reset(c, why, err);
	return vq;
}

/* Returns queue i's held chain with `len` bytes written. */
static void give_back(struct vcon *c, unsigned i, uint32_t len)
{
	struct vcon_queue *s = &c->q[i];
	int err;

	s->held = false;
	if ((err = pv_vq_dev_push(&s->srv.vq, &s->chain, len)) != PV_OK)
		needs_reset(c, "the used ring refused a chain", err);
}

/*
 * Queue i's held chain, popping the next good one if none is held: true
 * if one is held now; false with none available (a notify asked for).
 * Bad chains on the way are returned at once, with nothing written.
 */
static bool hold_chain(struct vcon *c, unsigned i)
{
	struct pv_vq_dev *vq;
	struct vcon_queue *s = &c->q[i];
	int k;

	while (!s->held && (vq = queue_live(c, i))) {
		s->chain = (struct pv_vq_chain){ .seg = s->seg, .max_seg = VCON_CHAIN_SEGS };
		s->done = 0;
		if ((k = pv_vq_dev_pop(vq, &s->chain)) == 0) {
			if (pv_vq_dev_prepare_wait(vq))
				return false;
			continue;
		}
		if (k < 0 && pv_vq_dev_broken(vq)) {
			needs_reset(c, "an available ring is impossible", k);
			return false;
		}
		s->held = true;
		if (k == 1 && (i == VCON_TX ? !s->chain.n_in && s->chain.out_bytes
					    : !s->chain.n_out && s->chain.in_bytes))
			return true;
		c->stats.bad_chains++;
		note(c, k == 1 ? "a chain of the wrong direction" : "a bad descriptor chain",
		     (uint64_t)(int64_t)k);
		give_back(c, i, 0);
	}
	return s->held && !c->broken;
}

/* Writes the held transmit chain's bytes as far as the console takes them; true if done. */
static bool tx_drain(struct vcon *c)
{
	struct vcon_queue *s = &c->q[VCON_TX];
	uint8_t buf[VCON_PIECE];

	while (s->done < s->chain.out_bytes) {
		uint32_t want = s->chain.out_bytes - s->done;
		size_t k;

		if (want > VCON_PIECE)
			want = VCON_PIECE;
		if (pv_vq_chain_read(&s->srv.vq, &s->chain, s->done, buf, want) != PV_OK)
			return true; /* cannot happen: vq_dev checked the readable bytes */
		k = c->cfg.write(c->cfg.ctx, buf, want);
		if (k > want)
			k = want;
		s->done += (uint32_t)k;
		c->stats.tx_bytes += k;
		c->spoke = true;
		if (k < want)
			return false; /* the ring is full: the console server signals room */
	}
	return true;
}

/* Transmits while the guest has chains and the console has room. */
static void transmit(struct vcon *c)
{
	while (hold_chain(c, VCON_TX) && tx_drain(c))
		give_back(c, VCON_TX, 0);
}

/* Input into the held receive chain, as much as has arrived: the bytes written. */
static uint32_t rx_fill(struct vcon *c)
{
	struct vcon_queue *s = &c->q[VCON_RX];
	uint8_t buf[VCON_PIECE];
	uint32_t done = 0;

	while (done < s->chain.in_bytes) {
		uint32_t want = s->chain.in_bytes - done;
		size_t k;

		if (want > VCON_PIECE)
			want = VCON_PIECE;
		k = c->cfg.read(c->cfg.ctx, buf, want);
		if (k > want)
			k = want;
		if (k && pv_vq_chain_write(&s->srv.vq, &s->chain, done, buf, (uint32_t)k) != PV_OK)
			break; /* cannot happen: vq_dev checked the writable bytes */
		done += (uint32_t)k;
		if (k < want)
			break; /* no more input: the console server signals more */
	}
	c->stats.rx_bytes += done;
	return done;
}

/* Receives while input has arrived and the guest has buffers. */
static void receive(struct vcon *c)
{
	uint32_t n;

	while (vcon_input_ready(c) && (n = rx_fill(c)) != 0)
		give_back(c, VCON_RX, n);
}

/* Both queues as far as they go; the guest interrupted as it asked. */
static void process(struct vcon *c)
{
	transmit(c);
	receive(c);
	for (unsigned i = 0; i < VCON_QUEUES; i++)
		if (c->q[i].srv.ready && !c->broken && pv_vq_dev_interrupt_needed(&c->q[i].srv.vq))
			vmmio_interrupt(&c->mmio, PV_VMMIO_INT_USED);
}

bool vcon_input_ready(struct vcon *c)
{
	return (c->mmio.status & PV_VIRTIO_STATUS_DRIVER_OK) && c->spoke && hold_chain(c, VCON_RX);
}

void vcon_backend_signal(struct vcon *c)
{
	process(c);
}

static void device_reset(void *ctx)
{
	struct vcon *c = ctx;

	/* A held chain belongs to the driver that just went: forgotten, never returned. */
	for (unsigned i = 0; i < VCON_QUEUES; i++)
		c->q[i].srv.ready = c->q[i].held = false;
	c->broken = c->spoke = false;
}

static void notify(void *ctx, unsigned queue)
{
	(void)queue; /* either queue: both are served as far as they go */
	process(ctx);
}

static const struct vmmio_ops ops = { notify, device_reset };

void vcon_reset(struct vcon *c)
{
	uint64_t zero = 0;

	vmmio_access(&c->mmio, PV_VMMIO_STATUS, 4, true, &zero); /* calls device_reset */
	c->logged = 0;
}

bool vcon_access(struct vcon *c, uint64_t off, unsigned size, bool write, uint64_t *value)
{
	return vmmio_access(&c->mmio, off, size, write, value);
}

bool vcon_irq_level(const struct vcon *c)
{
	return vmmio_irq_level(&c->mmio);
}

int vcon_init(struct vcon *c, const struct vcon_config *cfg)
{
	const struct virtio_console_config space = { 0 };
	int err;

	*c = (struct vcon){ .cfg = *cfg };
	if (!cfg->ram || !cfg->ram_size || !cfg->write || !cfg->read ||
	    cfg->ram_ipa + cfg->ram_size < cfg->ram_ipa)
		return PV_E_INVAL;
	pv_window_set_init(&c->win);
	if ((err = pv_window_add(&c->win, pv_gaddr(cfg->ram_ipa), cfg->ram_size, cfg->ram,
				 PV_WINDOW_READ | PV_WINDOW_WRITE)) != PV_OK)
		return err;
	return vmmio_init(&c->mmio, VCON_DEVICE_ID, PV_VIRTIO_F_VERSION_1, VCON_QUEUES, &space,
			  sizeof(space), &ops, c)
		       ? PV_OK
		       : PV_E_INVAL;
}
