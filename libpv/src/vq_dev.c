/*
 * libpv virtqueue, device side (see vq_dev.h and docs/libpv.md).
 *
 * The driver may rewrite any of its memory at any time. So each value the
 * device acts on is loaded from shared memory once, into a local, and
 * checked there: avail->idx against the queue size, each head against the
 * descriptor table, each descriptor's next, length, direction and buffer
 * against the table and the windows. The used ring is write-only here.
 */
#include <libpv/err.h>
#include <libpv/vq_dev.h>

#include "sync.h"

/* Translates one of the three areas; its size is fixed by the queue size. */
static int map_area(const struct pv_window_set *win, pv_gaddr_t addr, uint64_t bytes,
		    uint64_t align, uint32_t perm, void **out)
{
	int err;

	if (addr.v % align != 0)
		return PV_E_ALIGN;
	err = pv_window_check(win, addr, bytes, perm);
	if (err != PV_OK)
		return err;
	*out = pv_window_translate(win, addr, bytes, perm);
	/* The window's host mapping must keep the alignment the atomics need. */
	if ((uintptr_t)*out % align != 0)
		return PV_E_ALIGN;
	return PV_OK;
}

int pv_vq_dev_init(struct pv_vq_dev *vq, const struct pv_vq_dev_config *cfg)
{
	void *desc = NULL, *avail = NULL, *used = NULL;
	int err;

	if (vq == NULL || cfg == NULL || cfg->win == NULL || !pv_is_pow2(cfg->size) ||
	    cfg->size > PV_VIRTQ_MAX_SIZE)
		return PV_E_INVAL;
	err = map_area(cfg->win, cfg->desc, pv_virtq_desc_bytes(cfg->size), PV_VIRTQ_DESC_ALIGN,
		       PV_WINDOW_READ, &desc);
	if (err == PV_OK)
		err = map_area(cfg->win, cfg->avail, pv_virtq_avail_bytes(cfg->size),
			       PV_VIRTQ_AVAIL_ALIGN, PV_WINDOW_READ, &avail);
	if (err == PV_OK)
		err = map_area(cfg->win, cfg->used, pv_virtq_used_bytes(cfg->size),
			       PV_VIRTQ_USED_ALIGN, PV_WINDOW_WRITE, &used);
	if (err != PV_OK)
		return err;
	pv_zero(vq, sizeof(*vq));
	vq->win = cfg->win;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->size = cfg->size;
	vq->max_bytes = cfg->max_bytes != 0 ? cfg->max_bytes : UINT32_MAX;
	vq->mask = (uint16_t)(cfg->size - 1);
	vq->event_idx = (cfg->features & PV_VIRTIO_F_EVENT_IDX) != 0;
	vq->indirect = (cfg->features & PV_VIRTIO_F_INDIRECT_DESC) != 0;
	return PV_OK;
}

/* Reads avail->idx once: at most size entries may be waiting, and it never goes back. */
static int avail_refresh(struct pv_vq_dev *vq)
{
	/* Acquire: pairs with the driver's release of avail->idx (Linux:
	 * virtio_wmb before the store), so the ring entries and descriptors
	 * it made available before idx are visible to the loads below. */
	uint16_t idx = pv_load_acquire16(&vq->avail->idx);
	uint16_t pending = (uint16_t)(vq->avail_seen - vq->last_avail);

	if ((uint16_t)(idx - vq->avail_seen) > vq->size - pending) {
		vq->broken = 1;
		return PV_E_PEER_INDEX;
	}
	vq->avail_seen = idx;
	return PV_OK;
}

/* Appends one copied, direct descriptor to the chain after checking it. */
static int add_seg(const struct pv_vq_dev *vq, struct pv_vq_chain *chain,
		   const struct pv_virtq_desc *d)
{
	uint32_t write = (d->flags & PV_VIRTQ_DESC_F_WRITE) != 0;
	uint32_t total = chain->out_bytes + chain->in_bytes; /* <= max_bytes, no wrap */
	uint32_t n = (uint32_t)chain->n_out + chain->n_in;
	uint32_t perm = write ? PV_WINDOW_WRITE : PV_WINDOW_READ;
	struct pv_vq_seg *s;
	uint8_t *host;

	if (d->len == 0 || d->len > vq->max_bytes - total)
		return PV_E_LENGTH;
	if (!write && chain->n_in != 0)
		return PV_E_DIRECTION;
	host = pv_window_translate(vq->win, pv_gaddr(d->addr), d->len, perm);
	if (host == NULL)
		return pv_window_check(vq->win, pv_gaddr(d->addr), d->len, perm);
	if (n >= chain->max_seg)
		return PV_E_CHAIN_FULL;
	s = &chain->seg[n];
	s->addr = pv_gaddr(d->addr);
	s->len = d->len;
	s->write = write;
	s->host = host;
	if (write) {
		chain->n_in++;
		chain->in_bytes += d->len;
	} else {
		chain->n_out++;
		chain->out_bytes += d->len;
	}
	return PV_OK;
}

/*
 * Switches the walk to the indirect table d describes. Only a chain's
 * head may be indirect (as Linux writes them), without F_NEXT, and tables
 * do not nest; the table holds 1..size descriptors in a readable window.
 */
static int enter_indirect(const struct pv_vq_dev *vq, const struct pv_virtq_desc *d, bool nested,
			  uint32_t count, const uint8_t **table, uint32_t *n)
{
	if (!vq->indirect || nested || count != 1 || (d->flags & PV_VIRTQ_DESC_F_NEXT) != 0)
		return PV_E_INDIRECT;
	if (d->len == 0 || d->len % sizeof(struct pv_virtq_desc) != 0 ||
	    d->len / sizeof(struct pv_virtq_desc) > vq->size)
		return PV_E_INDIRECT;
	*table = pv_window_translate(vq->win, pv_gaddr(d->addr), d->len, PV_WINDOW_READ);
	if (*table == NULL)
		return pv_window_check(vq->win, pv_gaddr(d->addr), d->len, PV_WINDOW_READ);
	*n = d->len / (uint32_t)sizeof(struct pv_virtq_desc);
	return PV_OK;
}

/*
 * Follows the chain from head. Each step copies one descriptor into d and
 * uses only that copy. A descriptor is fetched again only if the chain
 * loops, and a loop is rejected once the walk exceeds its table's size.
 */
static int walk(const struct pv_vq_dev *vq, struct pv_vq_chain *chain, uint16_t head)
{
	const uint8_t *table = (const uint8_t *)vq->desc;
	uint32_t n = vq->size, i = head, count = 0;
	bool nested = false;
	struct pv_virtq_desc d;
	int err;

	for (;;) {
		if (++count > n)
			return PV_E_LOOP;
		pv_copy_from_shared(&d, table + (size_t)i * sizeof(d), sizeof(d));
		if ((d.flags & PV_VIRTQ_DESC_F_INDIRECT) != 0) {
			err = enter_indirect(vq, &d, nested, count, &table, &n);
			if (err != PV_OK)
				return err;
			nested = true;
			i = 0;
			count = 0;
			continue;
		}
		err = add_seg(vq, chain, &d);
		if (err != PV_OK || (d.flags & PV_VIRTQ_DESC_F_NEXT) == 0)
			return err;
		if (d.next >= n)
			return PV_E_NEXT;
		i = d.next;
	}
}

static void chain_clear(struct pv_vq_chain *chain)
{
	chain->n_out = 0;
	chain->n_in = 0;
	chain->out_bytes = 0;
	chain->in_bytes = 0;
}

int pv_vq_dev_pop(struct pv_vq_dev *vq, struct pv_vq_chain *chain)
{
	uint16_t head;
	int err;

	if (vq->broken)
		return PV_E_BROKEN;
	if (chain == NULL || chain->seg == NULL || chain->max_seg == 0)
		return PV_E_INVAL;
	if (vq->last_avail == vq->avail_seen) {
		err = avail_refresh(vq);
		if (err != PV_OK)
			return err;
		if (vq->last_avail == vq->avail_seen)
			return 0;
	}
	/* An honest driver cannot have more chains out than descriptors. */
	if (vq->in_flight >= vq->size) {
		vq->broken = 1;
		return PV_E_PEER_INDEX;
	}
	/* Ordered after the acquire of avail->idx in avail_refresh. */
	head = pv_load_relaxed16(&vq->avail->ring[vq->last_avail & vq->mask]);
	vq->last_avail++;
	if (head >= vq->size) {
		vq->broken = 1;
		return PV_E_HEAD;
	}
	vq->in_flight++;
	chain->head = head;
	chain_clear(chain);
	err = walk(vq, chain, head);
	if (err != PV_OK) {
		chain_clear(chain);
		return err;
	}
	return 1;
}

int pv_vq_dev_push(struct pv_vq_dev *vq, const struct pv_vq_chain *chain, uint32_t len)
{
	struct pv_virtq_used_elem *e;

	if (vq->broken)
		return PV_E_BROKEN;
	if (chain == NULL || vq->in_flight == 0 || chain->head >= vq->size || len > chain->in_bytes)
		return PV_E_INVAL;
	e = &vq->used->ring[vq->used_idx & vq->mask];
	/* Both fields written: nothing of this side's memory leaks into the element. */
	pv_store_relaxed32(&e->id, chain->head);
	pv_store_relaxed32(&e->len, len);
	vq->used_idx++;
	vq->in_flight--;
	/* Release: the element, and the data written into the chain's buffers,
	 * are visible before the new used->idx (pairs with the acquire in
	 * pv_vq_drv_get_used; Linux reads idx then virtio_rmb). */
	pv_store_release16(&vq->used->idx, vq->used_idx);
	return PV_OK;
}

bool pv_vq_dev_interrupt_needed(struct pv_vq_dev *vq)
{
	uint16_t old = vq->signalled;

	if (vq->broken)
		return false;
	vq->signalled = vq->used_idx;
	/* Either the driver sees our used->idx or we see its used_event, so it
	 * never sleeps on a chain nobody interrupts it for. */
	return pv_virtq_notify_needed(vq->event_idx, pv_virtq_used_event(vq->avail, vq->size),
				      &vq->avail->flags, PV_VIRTQ_AVAIL_F_NO_INTERRUPT,
				      vq->used_idx, old);
}

void pv_vq_dev_disable_notify(struct pv_vq_dev *vq)
{
	/* With EVENT_IDX the stale avail_event already stops kicks once passed. */
	if (!vq->event_idx && !vq->broken)
		pv_store_relaxed16(&vq->used->flags, PV_VIRTQ_USED_F_NO_NOTIFY);
}

bool pv_vq_dev_prepare_wait(struct pv_vq_dev *vq)
{
	if (vq->broken || vq->last_avail != vq->avail_seen)
		return false;
	if (vq->event_idx)
		pv_store_relaxed16(pv_virtq_avail_event(vq->used, vq->size), vq->last_avail);
	else
		pv_store_relaxed16(&vq->used->flags, 0);
	/* Full fence: the event (or cleared flag) is visible before we read
	 * avail->idx again. Pairs with the fence in the driver's kick_needed
	 * (store avail->idx, fence, load avail_event; Linux: virtio_mb in
	 * virtqueue_kick_prepare_split). */
	pv_fence_full();
	if (avail_refresh(vq) != PV_OK)
		return false;
	return vq->last_avail == vq->avail_seen;
}

/*
 * Copies between buf and the chain's segments [first, first + nseg) at
 * byte off, through the views add_seg found for them: each was checked
 * against its window when popped.
 */
static int chain_copy(const struct pv_vq_chain *chain, uint32_t first, uint32_t nseg,
		      uint32_t total, uint32_t off, uint8_t *buf, uint32_t len, bool write)
{
	if (off > total || len > total - off)
		return PV_E_LENGTH;
	for (uint32_t i = first; i < first + nseg && len != 0; i++) {
		const struct pv_vq_seg *s = &chain->seg[i];
		uint32_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < len ? s->len - off : len;
		if (write)
			pv_copy_to_shared(s->host + off, buf, n);
		else
			pv_copy_from_shared(buf, s->host + off, n);
		buf += n;
		len -= n;
		off = 0;
	}
	return PV_OK;
}

int pv_vq_chain_read(const struct pv_vq_dev *vq, const struct pv_vq_chain *chain, uint32_t off,
		     void *dst, uint32_t len)
{
	(void)vq;
	return chain_copy(chain, 0, chain->n_out, chain->out_bytes, off, dst, len, false);
}

int pv_vq_chain_write(const struct pv_vq_dev *vq, const struct pv_vq_chain *chain, uint32_t off,
		      const void *src, uint32_t len)
{
	(void)vq;
	return chain_copy(chain, chain->n_out, chain->n_in, chain->in_bytes, off,
			  (uint8_t *)(uintptr_t)src, len, true);
}
