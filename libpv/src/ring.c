/*
 * libpv SPSC ring (see ring.h and docs/libpv.md).
 *
 * Ordering in one sentence per direction: the producer copies entries, then
 * release-stores prod; the consumer acquire-loads prod, then copies entries
 * out, then release-stores cons; the producer acquire-loads cons before it
 * reuses a slot. Notification decisions add a store-fence-load pair on each
 * side (Dekker): whichever side moves second sees the other's store.
 *
 * Batches of more than a cache line also send prefetch hints (sync.h: no
 * loads, no ordering): the producer for the slots it is about to write and
 * for those of its next batch, the consumer for entries already published
 * beyond the batch it took. Hints only cover slots this side may touch
 * next (free ones, published ones), never the shared indices.
 */
#include <libpv/err.h>
#include <libpv/ring.h>

#include "sync.h"

/*
 * How far past its batch each side hints (bytes of slots). The producer
 * hints at most one more batch of the caller's size, and at most 1 KiB:
 * its hints compete with the current batch's stores, and 512 B or 2 KiB
 * measured slower. The consumer hints what is published, up to the larger
 * of its batch and 1 KiB (smaller batches gain from looking further).
 */
#define PREFETCH_WRITE_AHEAD 1024u
#define PREFETCH_READ_AHEAD  1024u

size_t pv_ring_bytes(uint32_t capacity, uint32_t entry_size)
{
	if (!pv_is_pow2(capacity) || capacity > PV_RING_MAX_CAPACITY)
		return 0;
	if (entry_size == 0 || entry_size % 8 != 0 || entry_size > PV_RING_MAX_ENTRY_BYTES)
		return 0;
	return PV_RING_HEADER_BYTES + (size_t)capacity * entry_size;
}

static int check_area(const void *mem, size_t bytes, uint32_t capacity, uint32_t entry_size)
{
	size_t need = pv_ring_bytes(capacity, entry_size);

	if (need == 0 || mem == NULL || bytes < need || (uintptr_t)mem % PV_RING_ALIGN != 0)
		return PV_E_INVAL;
	return PV_OK;
}

int pv_ring_format(void *mem, size_t bytes, uint32_t capacity, uint32_t entry_size)
{
	int err = check_area(mem, bytes, capacity, entry_size);

	if (err != PV_OK)
		return err;
	pv_zero(mem, PV_RING_HEADER_BYTES);
	return PV_OK;
}

/* Reads both indices once for attach; they must be at most a ring apart. */
static int read_indices(struct pv_ring_header *hdr, uint32_t capacity, uint32_t *prod,
			uint32_t *cons)
{
	/* Acquire: whatever was produced or consumed before these values is
	 * visible (pairs with the releases in pv_ring_produce/consume). */
	*prod = pv_load_acquire32(&hdr->prod);
	*cons = pv_load_acquire32(&hdr->cons);
	if (*prod - *cons > capacity)
		return PV_E_PEER_INDEX;
	return PV_OK;
}

int pv_ring_producer_attach(struct pv_ring_producer *p, void *mem, size_t bytes, uint32_t capacity,
			    uint32_t entry_size)
{
	uint32_t prod, cons;
	int err = check_area(mem, bytes, capacity, entry_size);

	if (err == PV_OK)
		err = read_indices(mem, capacity, &prod, &cons);
	if (err != PV_OK)
		return err;
	p->hdr = mem;
	p->slots = (uint8_t *)mem + PV_RING_HEADER_BYTES;
	p->mask = capacity - 1;
	p->entry_size = entry_size;
	p->prod = prod;
	p->cons_seen = cons;
	p->kicked = prod;
	p->broken = 0;
	p->prefetch_max = PREFETCH_WRITE_AHEAD / entry_size;
	return PV_OK;
}

int pv_ring_consumer_attach(struct pv_ring_consumer *c, void *mem, size_t bytes, uint32_t capacity,
			    uint32_t entry_size)
{
	uint32_t prod, cons;
	int err = check_area(mem, bytes, capacity, entry_size);

	if (err == PV_OK)
		err = read_indices(mem, capacity, &prod, &cons);
	if (err != PV_OK)
		return err;
	c->hdr = mem;
	c->slots = (uint8_t *)mem + PV_RING_HEADER_BYTES;
	c->mask = capacity - 1;
	c->entry_size = entry_size;
	c->cons = cons;
	c->prod_seen = prod;
	c->kicked = cons;
	c->broken = 0;
	c->prefetch_max = PREFETCH_READ_AHEAD / entry_size;
	c->hinted = cons;
	return PV_OK;
}

/*
 * Reads the consumer's index once. It may only move forward, and never past
 * what has been produced; anything else breaks the ring for good.
 */
static int producer_refresh(struct pv_ring_producer *p)
{
	/* Acquire: pairs with the release in pv_ring_consume, so the consumer's
	 * copies out of the slots it released are complete before we reuse them. */
	uint32_t cons = pv_load_acquire32(&p->hdr->cons);

	if (cons - p->cons_seen > p->prod - p->cons_seen) {
		p->broken = 1;
		return PV_E_PEER_INDEX;
	}
	p->cons_seen = cons;
	return PV_OK;
}

/*
 * Reads the producer's index once. It may only move forward, and never more
 * than a ring ahead of cons; anything else breaks the ring for good.
 */
static int consumer_refresh(struct pv_ring_consumer *c)
{
	/* Acquire: pairs with the release in pv_ring_produce, so the entries
	 * before prod are visible once we see prod. */
	uint32_t prod = pv_load_acquire32(&c->hdr->prod);
	uint32_t capacity = c->mask + 1;

	if (prod - c->prod_seen > capacity - (c->prod_seen - c->cons)) {
		c->broken = 1;
		return PV_E_PEER_INDEX;
	}
	c->prod_seen = prod;
	return PV_OK;
}

/* Slot arithmetic: n entries from index start split at the end of the ring. */
static uint32_t first_run(uint32_t mask, uint32_t start, uint32_t n)
{
	uint32_t to_end = mask + 1 - (start & mask);

	return n < to_end ? n : to_end;
}

/* Hints for the cache lines of bytes [run, run + bytes) of the slots. */
static inline void prefetch_run(uint8_t *run, size_t bytes, bool write)
{
	uintptr_t line = (uintptr_t)run & ~(uintptr_t)(PV_CACHE_LINE - 1);

	for (; line < (uintptr_t)run + bytes; line += PV_CACHE_LINE) {
		if (write)
			pv_prefetch_write((void *)line);
		else
			pv_prefetch_read((const void *)line);
	}
}

/* Hints for the lines of slots [start, start + n). */
static inline void prefetch_slots(uint8_t *slots, uint32_t mask, size_t esz, uint32_t start,
				  uint32_t n, bool write)
{
	uint32_t first = first_run(mask, start, n);

	prefetch_run(slots + (start & mask) * esz, first * esz, write);
	if (n > first)
		prefetch_run(slots, (n - first) * esz, write);
}

/*
 * Prefetching pays for batches of more than a cache line: a single line
 * is fetched as early by its first access, and hints there measured slower
 * (docs/performance.md).
 */
static inline bool worth_hints(uint32_t n, size_t esz)
{
	return n * esz > PV_CACHE_LINE;
}

static void put_slots(struct pv_ring_producer *p, const uint8_t *src, uint32_t n)
{
	size_t esz = p->entry_size;
	uint32_t first = first_run(p->mask, p->prod, n);
	uint8_t *run = p->slots + (p->prod & p->mask) * esz;
	bool hints = worth_hints(n, esz);

	/* Ask for each run's lines at once, before the stores queue up behind
	 * them one line at a time. */
	if (hints)
		prefetch_run(run, first * esz, true);
	pv_copy_to_shared(run, src, first * esz);
	if (n > first) {
		if (hints)
			prefetch_run(p->slots, (n - first) * esz, true);
		pv_copy_to_shared(p->slots, src + first * esz, (n - first) * esz);
	}
}

static void get_slots(struct pv_ring_consumer *c, uint8_t *dst, uint32_t n)
{
	size_t esz = c->entry_size;
	uint32_t first = first_run(c->mask, c->cons, n);

	pv_copy_from_shared(dst, c->slots + (c->cons & c->mask) * esz, first * esz);
	if (n > first)
		pv_copy_from_shared(dst + first * esz, c->slots, (n - first) * esz);
}

/*
 * After a batch of n: hints for the entries published beyond it, up to the
 * larger of n and prefetch_max, from where the last call's hints ended.
 * (hinted is only a hint too: if it has fallen behind cons it restarts.)
 */
static inline void consumer_hint_ahead(struct pv_ring_consumer *c, uint32_t n)
{
	uint32_t want = c->prod_seen - c->cons, from = c->hinted - c->cons;
	uint32_t reach = n > c->prefetch_max ? n : c->prefetch_max;

	if (want > reach)
		want = reach;
	if (from > c->mask + 1)
		from = 0;
	if (from >= want)
		return;
	prefetch_slots(c->slots, c->mask, c->entry_size, c->cons + from, want - from, false);
	c->hinted = c->cons + want;
}

/* Free slots, reading the consumer's index only if fewer than `want` are known free; or an error. */
static int64_t producer_room(struct pv_ring_producer *p, uint32_t want)
{
	uint32_t room = p->mask + 1 - (p->prod - p->cons_seen);

	if (room < want) {
		int err = producer_refresh(p);

		if (err != PV_OK)
			return err;
		room = p->mask + 1 - (p->prod - p->cons_seen);
	}
	return room;
}

/* Entries waiting, reading the producer's index only if fewer than `want` are known; or an error. */
static int64_t consumer_avail(struct pv_ring_consumer *c, uint32_t want)
{
	uint32_t avail = c->prod_seen - c->cons;

	if (avail < want) {
		int err = consumer_refresh(c);

		if (err != PV_OK)
			return err;
		avail = c->prod_seen - c->cons;
	}
	return avail;
}

int32_t pv_ring_produce(struct pv_ring_producer *p, const void *entries, uint32_t n)
{
	int64_t got;
	uint32_t room;

	if (p->broken)
		return PV_E_BROKEN;
	if (entries == NULL && n != 0)
		return PV_E_INVAL;
	if ((got = producer_room(p, n)) < 0)
		return (int32_t)got;
	room = (uint32_t)got;
	if (n > room)
		n = room;
	if (n == 0)
		return 0;
	put_slots(p, entries, n);
	p->prod += n;
	/* Hints for the next batch of the same size, while the caller fills it. */
	if (worth_hints(n, p->entry_size)) {
		uint32_t ahead = n < p->prefetch_max ? n : p->prefetch_max;

		if (ahead > room - n)
			ahead = room - n;
		prefetch_slots(p->slots, p->mask, p->entry_size, p->prod, ahead, true);
	}
	/* Release: the entries copied above are visible before the new prod
	 * (pairs with the acquire in consumer_refresh). */
	pv_store_release32(&p->hdr->prod, p->prod);
	return (int32_t)n;
}

int32_t pv_ring_consume(struct pv_ring_consumer *c, void *out, uint32_t max)
{
	int64_t avail;

	if (c->broken)
		return PV_E_BROKEN;
	if (out == NULL && max != 0)
		return PV_E_INVAL;
	if ((avail = consumer_avail(c, max)) < 0)
		return (int32_t)avail;
	if (max > avail)
		max = (uint32_t)avail;
	if (max == 0)
		return 0;
	get_slots(c, out, max);
	c->cons += max;
	/* Hints for entries published beyond this batch, each line once: they
	 * come over while the caller handles this batch. */
	if (worth_hints(max, c->entry_size))
		consumer_hint_ahead(c, max);
	/* Release: our copies out of the slots are complete before the producer
	 * can see the slots free (pairs with the acquire in producer_refresh). */
	pv_store_release32(&c->hdr->cons, c->cons);
	return (int32_t)max;
}

int32_t pv_ring_produce_prefix(struct pv_ring_producer *p, const void *entry, uint32_t bytes)
{
	int64_t room;

	if (p->broken)
		return PV_E_BROKEN;
	if (entry == NULL || bytes > p->entry_size)
		return PV_E_INVAL;
	if ((room = producer_room(p, 1)) <= 0)
		return (int32_t)room;
	pv_copy_to_shared(p->slots + (p->prod & p->mask) * p->entry_size, entry, bytes);
	p->prod++;
	/* Release: the bytes copied above are visible before the new prod. */
	pv_store_release32(&p->hdr->prod, p->prod);
	return 1;
}

int32_t pv_ring_consume_prefix(struct pv_ring_consumer *c, void *out, uint32_t head,
			       pv_ring_more_fn more)
{
	const uint8_t *slot;
	uint32_t rest;
	int64_t avail;

	if (c->broken)
		return PV_E_BROKEN;
	if (out == NULL || more == NULL || head > c->entry_size)
		return PV_E_INVAL;
	if ((avail = consumer_avail(c, 1)) <= 0)
		return (int32_t)avail;
	slot = c->slots + (c->cons & c->mask) * c->entry_size;
	pv_copy_from_shared(out, slot, head);
	rest = more(out);
	if (rest > c->entry_size - head)
		rest = c->entry_size - head;
	pv_copy_from_shared((uint8_t *)out + head, slot + head, rest);
	c->cons++;
	/* Release: our copies are complete before the producer sees the slot free. */
	pv_store_release32(&c->hdr->cons, c->cons);
	return 1;
}

bool pv_ring_producer_kick_needed(struct pv_ring_producer *p)
{
	uint32_t old = p->kicked, event;

	if (p->broken)
		return false;
	p->kicked = p->prod;
	/* Full fence: our store of prod is visible before we read prod_event.
	 * Pairs with the fence in pv_ring_consumer_prepare_wait (store
	 * prod_event, fence, load prod): either we see its event or it sees
	 * our prod, so a consumer never sleeps on entries nobody announces. */
	pv_fence_full();
	event = pv_load_relaxed32(&p->hdr->prod_event);
	return pv_need_event32(event, p->prod, old);
}

bool pv_ring_consumer_kick_needed(struct pv_ring_consumer *c)
{
	uint32_t old = c->kicked, event;

	if (c->broken)
		return false;
	c->kicked = c->cons;
	/* Full fence: our store of cons is visible before we read cons_event;
	 * pairs with the fence in pv_ring_producer_prepare_wait. */
	pv_fence_full();
	event = pv_load_relaxed32(&c->hdr->cons_event);
	return pv_need_event32(event, c->cons, old);
}

bool pv_ring_consumer_prepare_wait(struct pv_ring_consumer *c)
{
	if (c->broken || c->prod_seen != c->cons)
		return false;
	/* Ask for a notification when prod passes what we have consumed. */
	pv_store_relaxed32(&c->hdr->prod_event, c->cons);
	/* Full fence: prod_event is visible before we read prod again; pairs
	 * with the fence in pv_ring_producer_kick_needed. */
	pv_fence_full();
	if (consumer_refresh(c) != PV_OK)
		return false;
	return c->prod_seen == c->cons;
}

bool pv_ring_producer_prepare_wait_for(struct pv_ring_producer *p, uint32_t room)
{
	uint32_t capacity = p->mask + 1;

	if (p->broken || room == 0 || room > capacity || pv_ring_producer_space(p) >= room)
		return false;
	/*
	 * Ask for a notification when cons passes the entry whose release
	 * leaves `room` free: cons >= prod - capacity + room.
	 */
	pv_store_relaxed32(&p->hdr->cons_event, p->prod - capacity + room - 1);
	/* Full fence: cons_event is visible before we read cons again; pairs
	 * with the fence in pv_ring_consumer_kick_needed. */
	pv_fence_full();
	if (producer_refresh(p) != PV_OK)
		return false;
	return pv_ring_producer_space(p) < room;
}

bool pv_ring_producer_prepare_wait(struct pv_ring_producer *p)
{
	return pv_ring_producer_prepare_wait_for(p, 1);
}

uint32_t pv_ring_consumer_pending(const struct pv_ring_consumer *c)
{
	return c->prod_seen - c->cons;
}

uint32_t pv_ring_producer_space(const struct pv_ring_producer *p)
{
	return p->mask + 1 - (p->prod - p->cons_seen);
}
