/*
 * libFuzzer harness for the SPSC ring consumer (libpv/src/ring.c): the
 * fuzzer is the producer. Its script writes the producer's index, its
 * event field and any slot bytes at any time, between the consumer's
 * calls. The consumer must never read or write outside the ring area or
 * its output buffer (each an exactly-sized allocation under
 * AddressSanitizer), must return only counts the producer's index allows,
 * and once broken must stay broken. Entries are taken whole or by their
 * prefix (pv_ring_consume_prefix, with a length callback that answers
 * anything).
 *
 * Input: 2 configuration bytes, then 5-byte steps (op, 4 bytes of argument).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libpv/err.h>
#include <libpv/ring.h>

static void check(int cond)
{
	if (!cond)
		abort();
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct model {
	uint32_t cons;	   /* what the consumer has released */
	uint32_t prod_max; /* the largest prod the consumer may believe */
};

static void do_consume(struct pv_ring_consumer *c, struct model *m, uint32_t cap, uint32_t esz,
		       uint32_t arg)
{
	uint32_t want = arg % (cap + 2);
	uint8_t *out = malloc(want * esz + 1);
	int32_t r = pv_ring_consume(c, want ? out : NULL, want);

	if (r >= 0) {
		check((uint32_t)r <= want && (uint32_t)r <= cap);
		m->cons += (uint32_t)r;
		check(c->hdr->cons == m->cons);
		check(pv_ring_consumer_pending(c) <= cap);
	} else {
		check(r == PV_E_PEER_INDEX || r == PV_E_BROKEN);
		check(pv_ring_consumer_broken(c));
	}
	free(out);
}

/* What more() answers for the next prefix consume: anything, as a hostile entry's head might say. */
static uint32_t more_answer;

static uint32_t more(const void *head)
{
	(void)head;
	return more_answer;
}

/* One entry by its prefix: head of 0 to esz + 8 bytes, then whatever more() says. */
static void do_consume_prefix(struct pv_ring_consumer *c, struct model *m, uint32_t esz,
			      uint32_t arg)
{
	uint32_t head = arg % (esz + 9);
	uint8_t *out = malloc(esz); /* exactly one entry: a copy past it is caught */
	bool was_broken = pv_ring_consumer_broken(c);
	int32_t r;

	more_answer = arg >> 8;
	r = pv_ring_consume_prefix(c, out, head, more);
	if (r == 1 || r == 0) {
		check(head <= esz);
		m->cons += (uint32_t)r;
		check(c->hdr->cons == m->cons);
	} else if (r == PV_E_INVAL) {
		check(head > esz && pv_ring_consumer_broken(c) == was_broken);
	} else {
		check(r == PV_E_PEER_INDEX || r == PV_E_BROKEN);
		check(pv_ring_consumer_broken(c));
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_ring_consumer c;
	struct model m = {0, 0};
	uint32_t cap, esz;
	size_t bytes;
	uint8_t *area;

	if (size < 2)
		return 0;
	cap = 1u << (data[0] % 7);
	esz = 8u * (1 + data[1] % 8);
	bytes = pv_ring_bytes(cap, esz);
	check(bytes != 0);
	area = aligned_alloc(PV_RING_ALIGN,
			     (bytes + PV_RING_ALIGN - 1) & ~(size_t)(PV_RING_ALIGN - 1));
	check(pv_ring_format(area, bytes, cap, esz) == PV_OK);
	check(pv_ring_consumer_attach(&c, area, bytes, cap, esz) == PV_OK);

	struct pv_ring_header *h = (struct pv_ring_header *)(void *)area;

	for (size_t i = 2; i + 5 <= size; i += 5) {
		uint32_t arg = le32(data + i + 1);
		bool was_broken = pv_ring_consumer_broken(&c);

		switch (data[i] % 7) {
		case 0:
			h->prod = arg;
			break;
		case 1:
			h->prod = h->cons + arg % (cap + 2);
			break;
		case 2:
			area[PV_RING_HEADER_BYTES + arg % (bytes - PV_RING_HEADER_BYTES)] =
				(uint8_t)(arg >> 24);
			break;
		case 3:
			do_consume(&c, &m, cap, esz, arg);
			break;
		case 6:
			do_consume_prefix(&c, &m, esz, arg);
			break;
		case 4:
			if (pv_ring_consumer_prepare_wait(&c))
				check(h->prod_event == m.cons && pv_ring_consumer_pending(&c) == 0);
			break;
		default:
			h->cons_event = arg;
			(void)pv_ring_consumer_kick_needed(&c);
			break;
		}
		if (was_broken)
			check(pv_ring_consumer_broken(&c));
		/* The consumer writes only its own line of the header. */
		check(h->cons == m.cons);
	}
	free(area);
	return 0;
}
