/*
 * libpv virtqueue, driver side (see vq_drv.h and docs/libpv.md).
 *
 * The driver owns the rings, but the device can write anything into the
 * used ring. So the driver keeps every fact it relies on privately: the
 * free list and each chain's length and descriptors live in the slots
 * array, and the descriptor table is written, never read back. What the
 * device returns (used->idx, each used element) is loaded once and checked
 * against those private facts.
 */
#include <libpv/err.h>
#include <libpv/vq_drv.h>

#include "sync.h"

static int check_config(const struct pv_vq_drv_config *cfg)
{
	bool ind = (cfg->features & PV_VIRTIO_F_INDIRECT_DESC) != 0;

	if (!pv_is_pow2(cfg->size) || cfg->size > PV_VIRTQ_MAX_SIZE || cfg->desc == NULL ||
	    cfg->avail == NULL || cfg->used == NULL || cfg->slots == NULL)
		return PV_E_INVAL;
	if ((uintptr_t)cfg->desc % PV_VIRTQ_DESC_ALIGN != 0 ||
	    (uintptr_t)cfg->avail % PV_VIRTQ_AVAIL_ALIGN != 0 ||
	    (uintptr_t)cfg->used % PV_VIRTQ_USED_ALIGN != 0)
		return PV_E_ALIGN;
	if (cfg->indirect == NULL)
		return PV_OK;
	if (!ind || cfg->indirect_max == 0 || cfg->indirect_max > cfg->size)
		return PV_E_INVAL;
	if ((uintptr_t)cfg->indirect % PV_VIRTQ_DESC_ALIGN != 0 ||
	    cfg->indirect_addr.v % PV_VIRTQ_DESC_ALIGN != 0)
		return PV_E_ALIGN;
	return PV_OK;
}

int pv_vq_drv_init(struct pv_vq_drv *vq, const struct pv_vq_drv_config *cfg)
{
	int err;

	if (vq == NULL || cfg == NULL)
		return PV_E_INVAL;
	err = check_config(cfg);
	if (err != PV_OK)
		return err;
	pv_zero(vq, sizeof(*vq));
	vq->desc = cfg->desc;
	vq->avail = cfg->avail;
	vq->used = cfg->used;
	vq->slots = cfg->slots;
	vq->size = cfg->size;
	vq->mask = (uint16_t)(cfg->size - 1);
	vq->num_free = cfg->size;
	vq->event_idx = (cfg->features & PV_VIRTIO_F_EVENT_IDX) != 0;
	if (cfg->indirect != NULL) {
		vq->indirect = cfg->indirect;
		vq->indirect_addr = cfg->indirect_addr.v;
		vq->indirect_max = cfg->indirect_max;
	}
	pv_zero(cfg->desc, (size_t)pv_virtq_desc_bytes(cfg->size));
	pv_zero(cfg->avail, (size_t)pv_virtq_avail_bytes(cfg->size));
	pv_zero(cfg->used, (size_t)pv_virtq_used_bytes(cfg->size));
	for (uint32_t i = 0; i < cfg->size; i++) {
		pv_zero(&vq->slots[i], sizeof(vq->slots[i]));
		vq->slots[i].next = (uint16_t)((i + 1) & vq->mask);
	}
	return PV_OK;
}

/* Checks the buffers; returns the sum of writable lengths in *write_len. */
static int check_sg(const struct pv_sg *sg, uint32_t n_out, uint32_t n_in, uint32_t *write_len)
{
	uint32_t sum = 0;

	if (sg == NULL || n_out + n_in == 0)
		return PV_E_INVAL;
	for (uint32_t k = 0; k < n_out + n_in; k++) {
		if (sg[k].len == 0)
			return PV_E_INVAL;
		if (k < n_out)
			continue;
		if (sg[k].len > UINT32_MAX - sum)
			return PV_E_INVAL;
		sum += sg[k].len;
	}
	*write_len = sum;
	return PV_OK;
}

static void put_desc(struct pv_virtq_desc *dst, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	struct pv_virtq_desc d = {.addr = addr, .len = len, .flags = flags, .next = next};

	pv_copy_to_shared(dst, &d, sizeof(d));
}

static uint16_t sg_flags(uint32_t k, uint32_t n_out, uint32_t n)
{
	uint16_t f = k >= n_out ? PV_VIRTQ_DESC_F_WRITE : 0;

	return k + 1 < n ? (uint16_t)(f | PV_VIRTQ_DESC_F_NEXT) : f;
}

/* Writes the chain into head's indirect table and one indirect descriptor. */
static void add_indirect(struct pv_vq_drv *vq, uint16_t head, const struct pv_sg *sg,
			 uint32_t n_out, uint32_t n)
{
	struct pv_virtq_desc *table = vq->indirect + (size_t)head * vq->indirect_max;
	uint64_t table_addr = vq->indirect_addr + (uint64_t)head * vq->indirect_max * 16u;

	for (uint32_t k = 0; k < n; k++)
		put_desc(&table[k], sg[k].addr.v, sg[k].len, sg_flags(k, n_out, n),
			 (uint16_t)(k + 1 < n ? k + 1 : 0));
	put_desc(&vq->desc[head], table_addr, n * 16u, PV_VIRTQ_DESC_F_INDIRECT, 0);
	vq->free_head = vq->slots[head].next;
}

/* Writes the chain into descriptors taken from the free list in order. */
static void add_direct(struct pv_vq_drv *vq, uint16_t head, const struct pv_sg *sg, uint32_t n_out,
		       uint32_t n)
{
	uint16_t i = head;

	for (uint32_t k = 0; k < n; k++) {
		uint16_t next = vq->slots[i].next;

		put_desc(&vq->desc[i], sg[k].addr.v, sg[k].len, sg_flags(k, n_out, n),
			 k + 1 < n ? next : 0);
		i = next;
	}
	vq->free_head = i;
}

int pv_vq_drv_add(struct pv_vq_drv *vq, const struct pv_sg *sg, uint32_t n_out, uint32_t n_in,
		  uint64_t token)
{
	uint32_t write_len, n, need;
	bool use_ind;
	uint16_t head;
	int err;

	if (vq->broken)
		return PV_E_BROKEN;
	if (n_out > PV_VIRTQ_MAX_SIZE || n_in > PV_VIRTQ_MAX_SIZE)
		return PV_E_INVAL;
	err = check_sg(sg, n_out, n_in, &write_len);
	if (err != PV_OK)
		return err;
	n = n_out + n_in;
	use_ind = vq->indirect_max != 0 && n > 1 && n <= vq->indirect_max;
	need = use_ind ? 1 : n;
	if (need > vq->size)
		return PV_E_INVAL;
	if (need > vq->num_free)
		return PV_E_NOSPC;
	head = vq->free_head;
	if (use_ind)
		add_indirect(vq, head, sg, n_out, n);
	else
		add_direct(vq, head, sg, n_out, n);
	vq->slots[head].token = token;
	vq->slots[head].write_len = write_len;
	vq->slots[head].ndesc = (uint16_t)need;
	vq->num_free -= need;
	pv_store_relaxed16(&vq->avail->ring[vq->avail_idx & vq->mask], head);
	vq->avail_idx++;
	/* Release: the descriptors, indirect table and ring entry written
	 * above are visible before the new avail->idx (pairs with the
	 * acquire in the device's avail_refresh). */
	pv_store_release16(&vq->avail->idx, vq->avail_idx);
	return head;
}

bool pv_vq_drv_kick_needed(struct pv_vq_drv *vq)
{
	uint16_t old = vq->kicked_idx;

	if (vq->broken)
		return false;
	vq->kicked_idx = vq->avail_idx;
	/* Either the device sees our avail->idx or we see its avail_event. */
	return pv_virtq_notify_needed(vq->event_idx, pv_virtq_avail_event(vq->used, vq->size),
				      &vq->used->flags, PV_VIRTQ_USED_F_NO_NOTIFY, vq->avail_idx,
				      old);
}

/* Reads used->idx once: the device returns at most what is in flight. */
static int used_refresh(struct pv_vq_drv *vq)
{
	/* Acquire: pairs with the device's release of used->idx, so the used
	 * elements and the data written into our buffers are visible. */
	uint16_t idx = pv_load_acquire16(&vq->used->idx);
	uint16_t out = (uint16_t)(vq->avail_idx - vq->last_used);

	if ((uint16_t)(idx - vq->last_used) > out) {
		vq->broken = 1;
		return PV_E_PEER_INDEX;
	}
	vq->used_seen = idx;
	return PV_OK;
}

/* Returns the chain headed at id to the free list through the private links. */
static void free_chain(struct pv_vq_drv *vq, uint16_t id)
{
	struct pv_vq_drv_slot *s = &vq->slots[id];
	uint16_t last = id;

	for (uint16_t k = 1; k < s->ndesc; k++)
		last = vq->slots[last].next;
	vq->slots[last].next = vq->free_head;
	vq->free_head = id;
	vq->num_free += s->ndesc;
	s->ndesc = 0;
}

int pv_vq_drv_get_used(struct pv_vq_drv *vq, uint64_t *token, uint32_t *len)
{
	struct pv_virtq_used_elem *e;
	uint32_t id, n;
	int err;

	if (vq->broken)
		return PV_E_BROKEN;
	if (token == NULL || len == NULL)
		return PV_E_INVAL;
	if (vq->last_used == vq->used_seen) {
		err = used_refresh(vq);
		if (err != PV_OK)
			return err;
		if (vq->last_used == vq->used_seen)
			return 0;
	}
	e = &vq->used->ring[vq->last_used & vq->mask];
	id = pv_load_relaxed32(&e->id);
	n = pv_load_relaxed32(&e->len);
	vq->last_used++;
	if (id >= vq->size || vq->slots[id].ndesc == 0) {
		vq->broken = 1;
		return PV_E_USED_ID;
	}
	if (n > vq->slots[id].write_len) {
		vq->broken = 1;
		return PV_E_USED_LEN;
	}
	*token = vq->slots[id].token;
	*len = n;
	free_chain(vq, (uint16_t)id);
	return 1;
}

void pv_vq_drv_disable_cb(struct pv_vq_drv *vq)
{
	if (vq->broken)
		return;
	/* With EVENT_IDX: an event just behind us is not passed again soon. */
	if (vq->event_idx)
		pv_store_relaxed16(pv_virtq_used_event(vq->avail, vq->size),
				   (uint16_t)(vq->last_used - 1));
	else
		pv_store_relaxed16(&vq->avail->flags, PV_VIRTQ_AVAIL_F_NO_INTERRUPT);
}

bool pv_vq_drv_prepare_wait_for(struct pv_vq_drv *vq, uint16_t n)
{
	uint16_t unseen = (uint16_t)(vq->used_seen - vq->last_used);

	if (!vq->event_idx || n == 0)
		n = 1; /* without an event index, any used chain interrupts */
	if (vq->broken || unseen >= n)
		return false;
	if (vq->event_idx)
		pv_store_relaxed16(pv_virtq_used_event(vq->avail, vq->size),
				   (uint16_t)(vq->last_used + n - 1));
	else
		pv_store_relaxed16(&vq->avail->flags, 0);
	/* Full fence: the event (or cleared flag) is visible before we read
	 * used->idx again. Pairs with the fence in the device's
	 * interrupt_needed (store used->idx, fence, load used_event). */
	pv_fence_full();
	if (used_refresh(vq) != PV_OK)
		return false;
	/* Fewer than n since: the device has not passed the event yet, so it will interrupt. */
	return (uint16_t)(vq->used_seen - vq->last_used) < n;
}

bool pv_vq_drv_prepare_wait(struct pv_vq_drv *vq)
{
	return pv_vq_drv_prepare_wait_for(vq, 1);
}
