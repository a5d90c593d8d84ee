/*
 * The virtio block device; see blk.h. Every chain is checked here before
 * anything of it reaches the backend: vq_dev has already bounded the
 * descriptors (inside the guest's RAM, loop-free, directions in order),
 * and parse() checks what they mean. A chain is taken from the available
 * ring only when a slot and a place in the request ring are both free, so
 * whatever does not fit stays with the guest until completions make room.
 */
#include "blk.h"

#include <libpv/err.h>

static const char serial[VBLK_ID_BYTES] = "moat-vdisk";

static void note(struct vblk *b, const char *what, uint64_t value)
{
	if (b->logged < VBLK_LOG_MAX && b->cfg.log)
		b->cfg.log(b->cfg.ctx, what, value);
	if (b->logged < VBLK_LOG_MAX)
		b->logged++;
}

/* The queue cannot go on: the guest must reset the device. */
static void needs_reset(struct vblk *b, const char *why, int64_t err)
{
	if (!b->broken)
		note(b, why, (uint64_t)err);
	b->broken = true;
	vmmio_needs_reset(&b->mmio);
}

/* The guest's queue, set up once after DRIVER_OK; false while it cannot be served. */
static bool queue_live(struct vblk *b)
{
	const char *why;
	int64_t err;

	if (b->broken)
		return false;
	if (vmmio_serve(&b->mmio, 0, &b->q, &b->win, 0, &why, &err))
		return true;
	if (why)
		needs_reset(b, why, err);
	return false;
}

/* Appends guest range [g, g + len) (inside RAM) as physical segments, split per 2 MiB block. */
static bool add_range(struct vblk *b, struct moat_blk_request *r, uint64_t g, uint32_t len)
{
	uint64_t off = g - b->cfg.ram_ipa;

	if (off >= b->cfg.ram_size || len > b->cfg.ram_size - off)
		return false; /* vq_dev's window already says so; kept for the invariant */
	while (len) {
		uint64_t in = off % VBLK_BLOCK, pa = b->cfg.ram_pa[off / VBLK_BLOCK] + in;
		uint32_t n = VBLK_BLOCK - in < len ? (uint32_t)(VBLK_BLOCK - in) : len;
		struct moat_blk_segment *last = r->count ? &r->seg[r->count - 1] : NULL;

		if (last && last->addr + last->len == pa) {
			last->len += n; /* physically contiguous with the one before */
		} else {
			if (r->count == MOAT_BLK_SEGMENTS)
				return false;
			r->seg[r->count++] = (struct moat_blk_segment){ .addr = pa, .len = n };
		}
		off += n;
		len -= n;
	}
	return true;
}

/* The data: `len` bytes from byte `skip` of segments [first, first + n) of the chain. */
static bool translate(struct vblk *b, const struct pv_vq_chain *ch, unsigned first, unsigned n,
		      uint32_t skip, uint32_t len, struct moat_blk_request *r)
{
	for (unsigned i = first; i < first + n && len; i++) {
		const struct pv_vq_seg *s = &ch->seg[i];
		uint32_t take;

		if (skip >= s->len) {
			skip -= s->len;
			continue;
		}
		take = s->len - skip < len ? s->len - skip : len;
		if (!add_range(b, r, s->addr.v + skip, take))
			return false;
		len -= take;
		skip = 0;
	}
	return len == 0;
}

/* A read or write of `len` data bytes at h->sector: NULL if it may go, else why not. */
static const char *check_rw(const struct vblk *b, const struct virtio_blk_outhdr *h, uint32_t len)
{
	uint64_t sectors = len / MOAT_BLK_SECTOR;

	if (len == 0 || len % MOAT_BLK_SECTOR || len > MOAT_BLK_MAX_BYTES)
		return "data not whole sectors, or too long";
	if (h->sector > b->cfg.disk_sectors || sectors > b->cfg.disk_sectors - h->sector)
		return "sectors beyond the disk";
	if (h->type == VIRTIO_BLK_T_OUT && b->cfg.read_only)
		return "a write to a read-only disk";
	return NULL;
}

/* GET_ID, answered here: the serial, as much as fits before the status byte. */
static const char *get_id(struct vblk *b, const struct pv_vq_chain *ch, uint32_t *used)
{
	uint32_t n = ch->in_bytes - 1 < VBLK_ID_BYTES ? ch->in_bytes - 1 : VBLK_ID_BYTES;

	if (ch->out_bytes != sizeof(struct virtio_blk_outhdr))
		return "GET_ID with device-readable data";
	if (n && pv_vq_chain_write(&b->q.vq, ch, 0, serial, n) != PV_OK)
		return "GET_ID unanswerable";
	*used = n + 1;
	return NULL;
}

#define FORWARD 0x100u /* parse(): the request goes to the backend */

/*
 * What chain `ch` (at least one writable byte) asks: FORWARD with *r
 * filled and *used the bytes the request writes when it succeeds, or the
 * status to answer it with here (*used then too). The header is the first
 * 16 readable bytes, the status the last writable byte; data lies between.
 */
static unsigned parse(struct vblk *b, const struct pv_vq_chain *ch, struct moat_blk_request *r,
		      uint32_t *used)
{
	struct virtio_blk_outhdr h;
	const char *why = NULL;
	uint32_t out_data, in_data = ch->in_bytes - 1;

	*used = 1;
	if (ch->out_bytes < sizeof(h) || pv_vq_chain_read(&b->q.vq, ch, 0, &h, sizeof(h)) != PV_OK) {
		b->stats.refused++;
		note(b, "a request without its header", ch->out_bytes);
		return VIRTIO_BLK_S_IOERR;
	}
	out_data = ch->out_bytes - sizeof(h);
	/* Its head; segments are added by translate(), and only those cross the ring. */
	r->tag = 0;
	r->op = 0;
	r->count = 0;
	r->sector = h.sector;
	r->client = 0;
	r->reserved = 0;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		r->op = MOAT_BLK_READ;
		if (out_data)
			why = "a read with device-readable data";
		else if (!(why = check_rw(b, &h, in_data)) &&
			 !translate(b, ch, ch->n_out, ch->n_in, 0, in_data, r))
			why = "a read in too many pieces";
		*used = ch->in_bytes;
		break;
	case VIRTIO_BLK_T_OUT:
		r->op = MOAT_BLK_WRITE;
		if (in_data)
			why = "a write with device-writable data";
		else if (!(why = check_rw(b, &h, out_data)) &&
			 !translate(b, ch, 0, ch->n_out, sizeof(h), out_data, r))
			why = "a write in too many pieces";
		break;
	case VIRTIO_BLK_T_FLUSH:
		r->op = MOAT_BLK_FLUSH;
		r->sector = 0;
		if (out_data || in_data)
			why = "a flush with data";
		break;
	case VIRTIO_BLK_T_GET_ID:
		if (!(why = get_id(b, ch, used)))
			return VIRTIO_BLK_S_OK;
		break;
	default:
		b->stats.unsupported++;
		note(b, "an unsupported request type", h.type);
		return VIRTIO_BLK_S_UNSUPP;
	}
	if (why) {
		b->stats.refused++;
		note(b, why, h.sector);
		*used = 1;
		return VIRTIO_BLK_S_IOERR;
	}
	return FORWARD;
}

/*
 * Returns the chain to the guest with its status byte written (`status`:
 * where vq_dev found it in a writable window; NULL for a chain without).
 */
static void answer(struct vblk *b, uint16_t head, uint32_t in_bytes, uint8_t *status, uint8_t st,
		   uint32_t used)
{
	struct pv_vq_chain ch = { .head = head, .in_bytes = in_bytes };
	int err;

	if (status)
		*(volatile uint8_t *)status = st;
	if ((err = pv_vq_dev_push(&b->q.vq, &ch, used)) != PV_OK)
		needs_reset(b, "the used ring refused a chain", err);
}

/* The last writable byte of a chain with one. */
static uint8_t *status_of(const struct pv_vq_chain *ch)
{
	const struct pv_vq_seg *s = &ch->seg[ch->n_out + ch->n_in - 1];

	return s->host + s->len - 1;
}

static int free_slot(const struct vblk *b)
{
	for (int i = 0; i < (int)VBLK_SLOTS; i++)
		if (!b->slot[i].busy)
			return i;
	return -1;
}

/* Chain `ch` to the backend in slot i (a place in the ring is known free). */
static void forward(struct vblk *b, int i, const struct pv_vq_chain *ch,
		    struct moat_blk_request *r, uint32_t used)
{
	struct vblk_slot *s = &b->slot[i];
	int32_t n;

	r->tag = ++b->seq << 8 | (uint64_t)i;
	*s = (struct vblk_slot){ .busy = true, .gen = b->gen, .tag = r->tag, .head = ch->head,
				 .in_bytes = ch->in_bytes, .used_len = used,
				 .status = status_of(ch) };
	if ((n = pv_ring_produce_prefix(&b->req, r, moat_blk_request_bytes(r))) != 1) {
		s->busy = false;
		answer(b, ch->head, ch->in_bytes, s->status, VIRTIO_BLK_S_IOERR, 1);
		needs_reset(b, "the backend broke the request ring", n);
		return;
	}
	b->busy++;
	b->stats.requests++;
}

/* One popped chain: to the backend, or answered here. */
static void take(struct vblk *b, const struct pv_vq_chain *ch)
{
	struct moat_blk_request r;
	uint32_t used;
	unsigned st;

	if (ch->n_in == 0) {
		b->stats.bad_chains++;
		note(b, "a request without a status byte", ch->head);
		answer(b, ch->head, 0, NULL, 0, 0);
		return;
	}
	st = parse(b, ch, &r, &used);
	if (st == FORWARD)
		forward(b, free_slot(b), ch, &r, used);
	else
		answer(b, ch->head, ch->in_bytes, status_of(ch), (uint8_t)st, used);
}

/* Room for one more request: a slot, and a place in the ring (asking to be told of one). */
static bool room(struct vblk *b)
{
	if (b->busy >= VBLK_SLOTS || pv_ring_producer_broken(&b->req))
		return false;
	if (pv_ring_producer_space(&b->req))
		return true;
	return !pv_ring_producer_prepare_wait(&b->req) && pv_ring_producer_space(&b->req);
}

/*
 * Takes chains while there is room; kicks the backend, interrupts the
 * guest as needed. Returns how many chains it took.
 */
static unsigned process(struct vblk *b)
{
	struct pv_vq_seg segs[VBLK_CHAIN_SEGS];
	struct pv_vq_chain ch = { .seg = segs, .max_seg = VBLK_CHAIN_SEGS };
	uint64_t before = b->stats.requests;
	unsigned taken = 0;
	int n;

	/* The queue's registers change only by the guest's MMIO, not while this runs. */
	if (!queue_live(b))
		return 0;
	while (!b->broken && room(b)) {
		if ((n = pv_vq_dev_pop(&b->q.vq, &ch)) == 0) {
			/*
			 * With requests at the backend, their completions bring us
			 * back here to look again: the guest need not kick. Idle,
			 * ask for its kick, and look once more in case it came.
			 */
			if (b->busy) {
				pv_vq_dev_disable_notify(&b->q.vq);
				break;
			}
			if (pv_vq_dev_prepare_wait(&b->q.vq))
				break; /* the guest kicks for its next chain */
			continue;
		}
		taken++;
		if (n == 1) {
			take(b, &ch);
		} else if (pv_vq_dev_broken(&b->q.vq)) {
			needs_reset(b, pv_err_name(n), n); /* the available ring is impossible */
		} else {
			b->stats.bad_chains++;
			note(b, pv_err_name(n), ch.head); /* a bad descriptor chain */
			answer(b, ch.head, 0, NULL, 0, 0);
		}
	}
	if (b->stats.requests != before && pv_ring_producer_kick_needed(&b->req) && b->cfg.kick)
		b->cfg.kick(b->cfg.ctx);
	if (b->q.ready && !b->broken && pv_vq_dev_interrupt_needed(&b->q.vq)) {
		if (!vmmio_irq_level(&b->mmio))
			b->stats.interrupts++;
		vmmio_interrupt(&b->mmio, PV_VMMIO_INT_USED);
	}
	return taken;
}

/* One completion: its request's status to the guest, if it is one of ours and current. */
static void complete(struct vblk *b, const struct moat_blk_completion *c)
{
	uint64_t i = c->tag & 0xff;
	struct vblk_slot *s = &b->slot[i < VBLK_SLOTS ? i : 0];
	uint8_t st;

	if (i >= VBLK_SLOTS || !s->busy || s->tag != c->tag) {
		b->stats.bad_completions++;
		note(b, "a completion for no request outstanding", c->tag);
		return;
	}
	s->busy = false;
	b->busy--;
	if (s->gen != b->gen || !b->q.ready || b->broken) {
		b->stats.stale++; /* from before a reset: the guest's memory is not its any more */
		return;
	}
	st = c->status == MOAT_BLK_OK	   ? VIRTIO_BLK_S_OK
	     : c->status == MOAT_BLK_UNSUPP ? VIRTIO_BLK_S_UNSUPP
					    : VIRTIO_BLK_S_IOERR;
	answer(b, s->head, s->in_bytes, s->status, st, st == VIRTIO_BLK_S_OK ? s->used_len : 1);
}

void vblk_backend_signal(struct vblk *b)
{
	struct moat_blk_completion c[8];
	int32_t n;

	for (;;) {
		while ((n = pv_ring_consume(&b->cpl, c, 8)) > 0)
			for (int32_t k = 0; k < n; k++)
				complete(b, &c[k]);
		if (n < 0) {
			needs_reset(b, "the backend broke the completion ring", n);
			break;
		}
		if (pv_ring_consumer_kick_needed(&b->cpl) && b->cfg.kick)
			b->cfg.kick(b->cfg.ctx); /* it may wait for room to complete more */
		if (pv_ring_consumer_prepare_wait(&b->cpl))
			break;
	}
	process(b); /* slots and ring places may be free again; interrupts the guest */
}

static void device_reset(void *ctx)
{
	struct vblk *b = ctx;

	/* Outstanding requests keep their slots until the backend completes them. */
	b->gen++;
	b->q.ready = false;
	b->broken = false;
}

static void notify(void *ctx, unsigned queue)
{
	struct vblk *b = ctx;

	(void)queue; /* the transport passes only queue 0, the one queue */
	b->stats.kicks++;
	if (process(b) || ++b->stats.idle_kicks < VBLK_FLOOD_LOG ||
	    (b->stats.idle_kicks & (b->stats.idle_kicks - 1)) || !b->cfg.log)
		return;
	/* Told of nothing new over and over: logged at each power of two from VBLK_FLOOD_LOG. */
	b->cfg.log(b->cfg.ctx, "notifications with nothing new, so far", b->stats.idle_kicks);
}

static const struct vmmio_ops ops = { notify, device_reset };

void vblk_reset(struct vblk *b)
{
	uint64_t zero = 0;

	vmmio_access(&b->mmio, PV_VMMIO_STATUS, 4, true, &zero); /* calls device_reset */
	b->logged = 0;
}

bool vblk_access(struct vblk *b, uint64_t off, unsigned size, bool write, uint64_t *value)
{
	return vmmio_access(&b->mmio, off, size, write, value);
}

unsigned vblk_outstanding(const struct vblk *b)
{
	return b->busy;
}

bool vblk_irq_level(const struct vblk *b)
{
	return vmmio_irq_level(&b->mmio);
}

/* The configuration space: capacity, size_max, seg_max (spec 5.2.4). */
static void config_space(const struct vblk_config *cfg, uint8_t out[16])
{
	uint64_t v[3] = { cfg->disk_sectors, VBLK_SIZE_MAX, VBLK_SEG_MAX };
	unsigned bytes[3] = { 8, 4, 4 }, at = 0;

	for (unsigned f = 0; f < 3; f++)
		for (unsigned i = 0; i < bytes[f]; i++)
			out[at++] = (uint8_t)(v[f] >> (8 * i));
}

static bool valid(const struct vblk_config *c)
{
	if (!c->ram || !c->shared || !c->ram_pa || !c->ram_size || c->ram_size % VBLK_BLOCK ||
	    c->ram_ipa + c->ram_size < c->ram_ipa)
		return false;
	for (uint64_t k = 0; k < c->ram_size / VBLK_BLOCK; k++)
		if (c->ram_pa[k] % VBLK_BLOCK || c->ram_pa[k] + VBLK_BLOCK < c->ram_pa[k])
			return false;
	return true;
}

int vblk_init(struct vblk *b, const struct vblk_config *cfg)
{
	uint64_t features = PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_INDIRECT_DESC | PV_VIRTIO_F_EVENT_IDX |
			    VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_SIZE_MAX |
			    (cfg->read_only ? VIRTIO_BLK_F_RO : 0);
	uint8_t config[16];
	int err;

	*b = (struct vblk){ .cfg = *cfg };
	if (!valid(cfg))
		return PV_E_INVAL;
	pv_window_set_init(&b->win);
	if ((err = pv_window_add(&b->win, pv_gaddr(cfg->ram_ipa), cfg->ram_size, cfg->ram,
				 PV_WINDOW_READ | PV_WINDOW_WRITE)) != PV_OK)
		return err;
	if ((err = pv_ring_producer_attach(&b->req, cfg->shared + MOAT_BLK_REQUESTS,
					   MOAT_BLK_COMPLETIONS - MOAT_BLK_REQUESTS,
					   MOAT_BLK_RING_ENTRIES, sizeof(struct moat_blk_request))) ||
	    (err = pv_ring_consumer_attach(&b->cpl, cfg->shared + MOAT_BLK_COMPLETIONS,
					   MOAT_BLK_SHARED_BYTES - MOAT_BLK_COMPLETIONS,
					   MOAT_BLK_RING_ENTRIES,
					   sizeof(struct moat_blk_completion))))
		return err;
	config_space(cfg, config);
	return vmmio_init(&b->mmio, VBLK_DEVICE_ID, features, 1, config, sizeof(config), &ops, b)
		       ? PV_OK
		       : PV_E_INVAL;
}
