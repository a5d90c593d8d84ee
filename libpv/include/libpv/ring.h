/*
 * libpv SPSC ring: one producer and one consumer exchanging fixed-size
 * entries through one shared-memory area, for server-to-server and
 * driver-to-backend queues. Each side keeps its own index privately (the
 * copy in shared memory is only published to the peer, never read back),
 * reads the peer's index once per refresh and checks it, and copies entries
 * between shared and private memory exactly once. Layout, ordering and the
 * notification protocol are described in docs/libpv.md.
 */
#ifndef LIBPV_RING_H
#define LIBPV_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Shared header, followed at PV_RING_HEADER_BYTES by capacity entries of
 * entry_size bytes. Each 64-byte line is written by one side only, so the
 * two sides never write the same cache line. Indices are free-running
 * 32-bit counters; slot i lives at entry (i mod capacity).
 */
struct pv_ring_header {
	/* Written by the producer only. */
	uint32_t prod;	     /* entries before prod have been produced */
	uint32_t cons_event; /* producer waits for space: notify when cons passes this */
	uint8_t pad0[56];
	/* Written by the consumer only. */
	uint32_t cons;	     /* entries before cons have been consumed */
	uint32_t prod_event; /* consumer waits for entries: notify when prod passes this */
	uint8_t pad1[56];
};

#define PV_RING_HEADER_BYTES	128u
#define PV_RING_ALIGN		64u	   /* the shared area's alignment */
#define PV_RING_MAX_CAPACITY	(1u << 24) /* keeps index distances far below 2^31 */
#define PV_RING_MAX_ENTRY_BYTES 4096u	   /* entry sizes are multiples of 8 up to this */

_Static_assert(sizeof(struct pv_ring_header) == PV_RING_HEADER_BYTES, "ring ABI");
_Static_assert(offsetof(struct pv_ring_header, prod) == 0, "ring ABI");
_Static_assert(offsetof(struct pv_ring_header, cons_event) == 4, "ring ABI");
_Static_assert(offsetof(struct pv_ring_header, cons) == 64, "ring ABI");
_Static_assert(offsetof(struct pv_ring_header, prod_event) == 68, "ring ABI");

/* Private state of the producer side; never in shared memory. */
struct pv_ring_producer {
	struct pv_ring_header *hdr;
	uint8_t *slots;
	uint32_t mask; /* capacity - 1 */
	uint32_t entry_size;
	uint32_t prod;	    /* authoritative: the shared copy is write-only */
	uint32_t cons_seen; /* last checked value of the consumer's index */
	uint32_t kicked;    /* prod when the producer last decided on a notification */
	uint32_t broken;
	uint32_t prefetch_max; /* slots hinted past a batch, at most (see ring.c) */
};

/* Private state of the consumer side; never in shared memory. */
struct pv_ring_consumer {
	struct pv_ring_header *hdr;
	uint8_t *slots;
	uint32_t mask;
	uint32_t entry_size;
	uint32_t cons;	    /* authoritative: the shared copy is write-only */
	uint32_t prod_seen; /* last checked value of the producer's index */
	uint32_t kicked;    /* cons when the consumer last decided on a notification */
	uint32_t broken;
	uint32_t prefetch_max; /* slots hinted past a batch, or the batch's length */
	uint32_t hinted;       /* slots before it have had a prefetch hint */
};

/*
 * Bytes of shared memory for a ring, or 0 if capacity is not a power of two
 * up to PV_RING_MAX_CAPACITY or entry_size is not a multiple of 8 up to
 * PV_RING_MAX_ENTRY_BYTES.
 */
size_t pv_ring_bytes(uint32_t capacity, uint32_t entry_size);

/* The creator of the area zeroes the header once, before either side attaches. */
int pv_ring_format(void *mem, size_t bytes, uint32_t capacity, uint32_t entry_size);

/*
 * Attach one side to a formatted area (PV_RING_ALIGN-aligned, bytes at
 * least pv_ring_bytes). Both indices are read once and must be consistent
 * (PV_E_PEER_INDEX otherwise), so a side that restarts can re-attach.
 */
int pv_ring_producer_attach(struct pv_ring_producer *p, void *mem, size_t bytes, uint32_t capacity,
			    uint32_t entry_size);
int pv_ring_consumer_attach(struct pv_ring_consumer *c, void *mem, size_t bytes, uint32_t capacity,
			    uint32_t entry_size);

/*
 * Copies up to n entries from entries (private memory) into the ring and
 * publishes them with one index update. Returns how many were produced
 * (0 when full), or PV_E_PEER_INDEX / PV_E_BROKEN when the consumer's index
 * is impossible; the ring is then broken for good.
 */
int32_t pv_ring_produce(struct pv_ring_producer *p, const void *entries, uint32_t n);

/*
 * Copies up to max entries out of the ring into out (private memory) and
 * releases their slots with one index update. Returns how many were
 * consumed (0 when empty) or a negative error as for pv_ring_produce. The
 * caller validates the copies; the shared slots are never read again.
 */
int32_t pv_ring_consume(struct pv_ring_consumer *c, void *out, uint32_t max);

/*
 * Rings of entries whose first bytes say how much of the rest is used (a
 * block request and its segments): only those bytes are copied.
 *
 * pv_ring_produce_prefix publishes one entry of which `bytes` (at most the
 * entry size) are copied in; the rest of its slot is left as it was, and
 * the consumer must not look at it. Returns 1, 0 when full, or an error as
 * pv_ring_produce.
 *
 * pv_ring_consume_prefix copies the oldest entry's first `head` bytes into
 * out, then asks more(out) how many bytes follow (it sees only the private
 * copy; an answer past the entry's end is cut to it), copies those, and
 * consumes the entry. Each shared byte is read once. Returns 1, 0 when
 * empty, or an error as pv_ring_consume; PV_E_INVAL if head is larger than
 * an entry.
 */
int32_t pv_ring_produce_prefix(struct pv_ring_producer *p, const void *entry, uint32_t bytes);
typedef uint32_t (*pv_ring_more_fn)(const void *head);
int32_t pv_ring_consume_prefix(struct pv_ring_consumer *c, void *out, uint32_t head,
			       pv_ring_more_fn more);

/*
 * After producing (consuming): must the peer be notified? Call before this
 * side waits, at the latest. Each call covers everything since the last.
 */
bool pv_ring_producer_kick_needed(struct pv_ring_producer *p);
bool pv_ring_consumer_kick_needed(struct pv_ring_consumer *c);

/*
 * Before sleeping on an empty (full) ring: publishes how far this side has
 * got and checks again. True means still nothing to do, so sleeping until
 * the peer's notification is safe; false means retry now.
 */
bool pv_ring_consumer_prepare_wait(struct pv_ring_consumer *c);
bool pv_ring_producer_prepare_wait(struct pv_ring_producer *p);

/*
 * As pv_ring_producer_prepare_wait, for a producer that needs `room` free
 * entries at once (1 to the capacity): true means fewer are free, and the
 * consumer will notify once it has freed enough; false, retry now (or
 * `room` is 0 or more than the ring holds, which no wait can give).
 */
bool pv_ring_producer_prepare_wait_for(struct pv_ring_producer *p, uint32_t room);

/* Entries the consumer knows to be waiting, from its last refresh. */
uint32_t pv_ring_consumer_pending(const struct pv_ring_consumer *c);

/* Free slots the producer knows of, from its last refresh. */
uint32_t pv_ring_producer_space(const struct pv_ring_producer *p);

static inline uint32_t pv_ring_producer_capacity(const struct pv_ring_producer *p)
{
	return p->mask + 1;
}

static inline bool pv_ring_producer_broken(const struct pv_ring_producer *p)
{
	return p->broken != 0;
}

static inline bool pv_ring_consumer_broken(const struct pv_ring_consumer *c)
{
	return c->broken != 0;
}

#endif
