/*
 * Unit tests for libpv/src/ring.c: sizing, attach, produce and consume in
 * single and batch form, wrap-around of slots and of the 32-bit indices,
 * every rejection of a hostile peer's index, and the notification protocol.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <libpv/err.h>
#include <libpv/ring.h>

#define CAP 8u
#define ESZ 16u

struct entry {
	uint64_t seq;
	uint64_t check;
};

static _Alignas(64) uint8_t area[PV_RING_HEADER_BYTES + CAP * ESZ + 64];
static struct pv_ring_header *hdr = (struct pv_ring_header *)(void *)area;
static struct pv_ring_producer prod;
static struct pv_ring_consumer cons;

static int setup(void **state)
{
	(void)state;
	memset(area, 0xa5, sizeof(area));
	assert_int_equal(pv_ring_format(area, sizeof(area), CAP, ESZ), PV_OK);
	assert_int_equal(pv_ring_producer_attach(&prod, area, sizeof(area), CAP, ESZ), PV_OK);
	assert_int_equal(pv_ring_consumer_attach(&cons, area, sizeof(area), CAP, ESZ), PV_OK);
	return 0;
}

static struct entry mk(uint64_t seq)
{
	struct entry e = {seq, ~seq * 31};
	return e;
}

static void produce_n(uint64_t first, uint32_t n)
{
	struct entry e[CAP];

	for (uint32_t i = 0; i < n; i++)
		e[i] = mk(first + i);
	assert_int_equal(pv_ring_produce(&prod, e, n), (int32_t)n);
}

static void consume_expect(uint64_t first, uint32_t n)
{
	struct entry e[CAP];

	assert_int_equal(pv_ring_consume(&cons, e, n), (int32_t)n);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(e[i].seq, first + i);
		assert_int_equal(e[i].check, mk(first + i).check);
	}
}

static void test_bytes(void **state)
{
	(void)state;
	assert_int_equal(pv_ring_bytes(8, 16), 128 + 128);
	assert_int_equal(pv_ring_bytes(1, 8), 136);
	assert_int_equal(pv_ring_bytes(PV_RING_MAX_CAPACITY, 8), 128 + 8ull * PV_RING_MAX_CAPACITY);
	assert_int_equal(pv_ring_bytes(1, PV_RING_MAX_ENTRY_BYTES), 128 + 4096);
	assert_int_equal(pv_ring_bytes(0, 8), 0);
	assert_int_equal(pv_ring_bytes(3, 8), 0);
	assert_int_equal(pv_ring_bytes(PV_RING_MAX_CAPACITY * 2, 8), 0);
	assert_int_equal(pv_ring_bytes(8, 0), 0);
	assert_int_equal(pv_ring_bytes(8, 12), 0);
	assert_int_equal(pv_ring_bytes(8, PV_RING_MAX_ENTRY_BYTES + 8), 0);
}

static void test_format_rejects(void **state)
{
	(void)state;
	assert_int_equal(pv_ring_format(NULL, sizeof(area), CAP, ESZ), PV_E_INVAL);
	assert_int_equal(pv_ring_format(area + 8, sizeof(area) - 8, CAP, ESZ), PV_E_INVAL);
	assert_int_equal(pv_ring_format(area, pv_ring_bytes(CAP, ESZ) - 1, CAP, ESZ), PV_E_INVAL);
	assert_int_equal(pv_ring_format(area, sizeof(area), 6, ESZ), PV_E_INVAL);
	assert_int_equal(pv_ring_producer_attach(&prod, area + 32, sizeof(area) - 32, CAP, ESZ),
			 PV_E_INVAL);
	assert_int_equal(pv_ring_consumer_attach(&cons, area, 64, CAP, ESZ), PV_E_INVAL);
}

static void test_format_zeroes_header(void **state)
{
	(void)state;
	assert_int_equal(hdr->prod, 0);
	assert_int_equal(hdr->cons, 0);
	assert_int_equal(hdr->prod_event, 0);
	assert_int_equal(hdr->cons_event, 0);
	for (unsigned i = 0; i < sizeof(hdr->pad0); i++)
		assert_int_equal(hdr->pad0[i], 0);
	assert_int_equal(pv_ring_consumer_pending(&cons), 0);
	assert_int_equal(pv_ring_producer_space(&prod), CAP);
	assert_false(pv_ring_producer_broken(&prod));
	assert_false(pv_ring_consumer_broken(&cons));
}

static void test_single(void **state)
{
	(void)state;
	assert_int_equal(pv_ring_consume(&cons, (struct entry[1]){0}, 1), 0);
	produce_n(1, 1);
	assert_int_equal(hdr->prod, 1);
	consume_expect(1, 1);
	assert_int_equal(hdr->cons, 1);
	assert_int_equal(pv_ring_consume(&cons, (struct entry[1]){0}, 1), 0);
}

static void test_batch_and_wrap(void **state)
{
	uint64_t seq = 0;

	(void)state;
	/* Batches of 3 and 5 cross the end of the slots at many offsets. */
	for (int round = 0; round < 40; round++) {
		produce_n(seq, 3);
		produce_n(seq + 3, 5);
		assert_int_equal(pv_ring_producer_space(&prod), 0);
		consume_expect(seq, 5);
		consume_expect(seq + 5, 3);
		seq += 8;
		produce_n(seq, 3);
		consume_expect(seq, 3);
		seq += 3;
	}
	assert_int_equal(hdr->prod, (uint32_t)seq);
	assert_int_equal(hdr->cons, (uint32_t)seq);
}

static void test_full_and_partial(void **state)
{
	struct entry e[CAP + 4];

	(void)state;
	for (uint32_t i = 0; i < CAP + 4; i++)
		e[i] = mk(i);
	assert_int_equal(pv_ring_produce(&prod, e, CAP + 4), CAP);
	assert_int_equal(pv_ring_produce(&prod, e, 1), 0);
	assert_int_equal(pv_ring_consumer_pending(&cons), 0);
	consume_expect(0, 2);
	assert_int_equal(pv_ring_consumer_pending(&cons), CAP - 2);
	assert_int_equal(pv_ring_produce(&prod, e, 4), 2);
	/* Asking for more than is there returns what is there. */
	assert_int_equal(pv_ring_consume(&cons, e, CAP + 4), CAP);
	assert_int_equal(e[0].seq, 2);
	assert_int_equal(e[CAP - 1].seq, 1);
}

static void test_null_args(void **state)
{
	(void)state;
	assert_int_equal(pv_ring_produce(&prod, NULL, 1), PV_E_INVAL);
	assert_int_equal(pv_ring_consume(&cons, NULL, 1), PV_E_INVAL);
	assert_int_equal(pv_ring_produce(&prod, NULL, 0), 0);
	assert_int_equal(pv_ring_consume(&cons, NULL, 0), 0);
	assert_false(pv_ring_producer_broken(&prod));
}

/* Entries are copies: what the peer writes into a slot later changes nothing. */
static void test_consume_copies(void **state)
{
	struct entry e;
	uint8_t *slot0 = area + PV_RING_HEADER_BYTES;

	(void)state;
	produce_n(7, 1);
	assert_int_equal(pv_ring_consume(&cons, &e, 1), 1);
	memset(slot0, 0xff, ESZ);
	assert_int_equal(e.seq, 7);
	/* The producer's source is copied too. */
	e = mk(9);
	assert_int_equal(pv_ring_produce(&prod, &e, 1), 1);
	e.seq = 100;
	consume_expect(9, 1);
}

static void test_free_running_wrap(void **state)
{
	uint32_t start = UINT32_MAX - 5;

	(void)state;
	hdr->prod = start;
	hdr->cons = start;
	assert_int_equal(pv_ring_producer_attach(&prod, area, sizeof(area), CAP, ESZ), PV_OK);
	assert_int_equal(pv_ring_consumer_attach(&cons, area, sizeof(area), CAP, ESZ), PV_OK);
	for (uint64_t seq = 0; seq < 40; seq += 4) {
		produce_n(seq, 4);
		consume_expect(seq, 4);
	}
	assert_int_equal(hdr->prod, start + 40);
	assert_int_equal(hdr->cons, start + 40);
}

static void test_attach_resumes(void **state)
{
	(void)state;
	produce_n(0, 5);
	consume_expect(0, 2);
	/* A restarted consumer picks up where the shared indices say. */
	assert_int_equal(pv_ring_consumer_attach(&cons, area, sizeof(area), CAP, ESZ), PV_OK);
	consume_expect(2, 3);
	assert_int_equal(pv_ring_producer_attach(&prod, area, sizeof(area), CAP, ESZ), PV_OK);
	produce_n(5, CAP);
	consume_expect(5, CAP);
}

static void test_attach_rejects_inconsistent(void **state)
{
	(void)state;
	hdr->prod = 100;
	hdr->cons = 100 - CAP - 1;
	assert_int_equal(pv_ring_producer_attach(&prod, area, sizeof(area), CAP, ESZ),
			 PV_E_PEER_INDEX);
	assert_int_equal(pv_ring_consumer_attach(&cons, area, sizeof(area), CAP, ESZ),
			 PV_E_PEER_INDEX);
	hdr->cons = 101; /* ahead of prod */
	assert_int_equal(pv_ring_consumer_attach(&cons, area, sizeof(area), CAP, ESZ),
			 PV_E_PEER_INDEX);
	hdr->cons = 100 - CAP; /* full: fine */
	assert_int_equal(pv_ring_consumer_attach(&cons, area, sizeof(area), CAP, ESZ), PV_OK);
	assert_int_equal(pv_ring_consume(&cons, (struct entry[CAP]){0}, CAP), CAP);
}

static void test_hostile_producer_jump(void **state)
{
	(void)state;
	hdr->prod = CAP + 1;
	assert_int_equal(pv_ring_consume(&cons, (struct entry[1]){0}, 1), PV_E_PEER_INDEX);
	assert_true(pv_ring_consumer_broken(&cons));
	/* Broken for good, even if the index becomes sane again. */
	hdr->prod = 1;
	assert_int_equal(pv_ring_consume(&cons, (struct entry[1]){0}, 1), PV_E_BROKEN);
	assert_false(pv_ring_consumer_prepare_wait(&cons));
	assert_false(pv_ring_consumer_kick_needed(&cons));
}

static void test_hostile_producer_jump_with_pending(void **state)
{
	(void)state;
	produce_n(0, 4);
	consume_expect(0, 1);
	/* 3 pending; a jump to 9 pending is impossible. */
	hdr->prod = 1 + CAP + 1;
	assert_int_equal(pv_ring_consume(&cons, (struct entry[CAP]){0}, CAP), PV_E_PEER_INDEX);
}

static void test_hostile_producer_backwards(void **state)
{
	(void)state;
	produce_n(0, 4);
	consume_expect(0, 1); /* the consumer has seen prod = 4 */
	hdr->prod = 3;
	assert_int_equal(pv_ring_consume(&cons, (struct entry[CAP]){0}, CAP), PV_E_PEER_INDEX);
	assert_true(pv_ring_consumer_broken(&cons));
}

static void test_hostile_consumer_past_prod(void **state)
{
	(void)state;
	produce_n(0, CAP);
	hdr->cons = CAP + 1;
	assert_int_equal(pv_ring_produce(&prod, (struct entry[1]){0}, 1), PV_E_PEER_INDEX);
	assert_true(pv_ring_producer_broken(&prod));
	hdr->cons = 0;
	assert_int_equal(pv_ring_produce(&prod, (struct entry[1]){0}, 1), PV_E_BROKEN);
	assert_false(pv_ring_producer_prepare_wait(&prod));
	assert_false(pv_ring_producer_kick_needed(&prod));
}

static void test_hostile_consumer_backwards(void **state)
{
	(void)state;
	produce_n(0, CAP);
	consume_expect(0, 4);
	produce_n(CAP, 4); /* the producer refreshed: it has seen cons = 4 */
	hdr->cons = 2;
	assert_int_equal(pv_ring_produce(&prod, (struct entry[1]){0}, 1), PV_E_PEER_INDEX);
	assert_true(pv_ring_producer_broken(&prod));
}

/* The consumer's slots are never read past what prod allows, even if the peer lies later. */
static void test_refresh_only_when_needed(void **state)
{
	(void)state;
	produce_n(0, 2);
	consume_expect(0, 1);
	/* Still one known pending: a consume of 1 does not re-read prod. */
	hdr->prod = 0x7fffffff;
	consume_expect(1, 1);
	assert_int_equal(pv_ring_consume(&cons, (struct entry[1]){0}, 1), PV_E_PEER_INDEX);
}

static void test_consumer_wait_and_kick(void **state)
{
	(void)state;
	/* Nothing there: waiting is safe and asks for prod passing 0. */
	assert_true(pv_ring_consumer_prepare_wait(&cons));
	assert_int_equal(hdr->prod_event, 0);
	produce_n(0, 1);
	assert_true(pv_ring_producer_kick_needed(&prod));
	/* Nothing new since: no kick. */
	assert_false(pv_ring_producer_kick_needed(&prod));
	/* The consumer did not sleep again: more entries need no kick. */
	produce_n(1, 2);
	assert_false(pv_ring_producer_kick_needed(&prod));
	consume_expect(0, 3);
	assert_true(pv_ring_consumer_prepare_wait(&cons));
	assert_int_equal(hdr->prod_event, 3);
	produce_n(3, 4);
	assert_true(pv_ring_producer_kick_needed(&prod));
}

/* The re-check: an entry published before prepare_wait's store is seen. */
static void test_consumer_prepare_wait_rechecks(void **state)
{
	(void)state;
	assert_int_equal(pv_ring_consume(&cons, (struct entry[1]){0}, 1), 0);
	produce_n(0, 1); /* the consumer has not seen it yet */
	assert_int_equal(pv_ring_consumer_pending(&cons), 0);
	assert_false(pv_ring_consumer_prepare_wait(&cons));
	assert_int_equal(pv_ring_consumer_pending(&cons), 1);
	/* With entries known to be pending, it refuses at once. */
	assert_false(pv_ring_consumer_prepare_wait(&cons));
	consume_expect(0, 1);
}

static void test_producer_wait_and_kick(void **state)
{
	(void)state;
	assert_false(pv_ring_producer_prepare_wait(&prod)); /* not full */
	produce_n(0, CAP);
	assert_true(pv_ring_producer_prepare_wait(&prod));
	assert_int_equal(hdr->cons_event, 0);
	assert_false(pv_ring_consumer_kick_needed(&cons)); /* nothing consumed yet */
	consume_expect(0, 1);
	assert_true(pv_ring_consumer_kick_needed(&cons));
	consume_expect(1, 1);
	assert_false(pv_ring_consumer_kick_needed(&cons));
}

/*
 * A producer that needs several free entries at once (the block backend
 * keeps room for an answer to every request it holds) is told only when
 * that many are free, however far round the indices are.
 */
static void test_producer_prepare_wait_for_room(void **state)
{
	(void)state;
	for (uint64_t round = 0; round < 3; round++) {
		uint64_t first = round * (CAP + 2);

		produce_n(first, CAP);
		assert_false(pv_ring_producer_prepare_wait_for(&prod, 0));
		assert_false(pv_ring_producer_prepare_wait_for(&prod, CAP + 1)); /* no wait gives it */
		assert_true(pv_ring_producer_prepare_wait_for(&prod, 3));
		consume_expect(first, 1);
		assert_false(pv_ring_consumer_kick_needed(&cons)); /* 1 free: not yet */
		consume_expect(first + 1, 1);
		assert_false(pv_ring_consumer_kick_needed(&cons)); /* 2 */
		consume_expect(first + 2, 1);
		assert_true(pv_ring_consumer_kick_needed(&cons)); /* 3 free: now */
		assert_false(pv_ring_producer_prepare_wait_for(&prod, 3)); /* and it sees them */
		assert_int_equal(pv_ring_producer_space(&prod), 3);
		/* Already enough free: nothing to wait for. */
		assert_false(pv_ring_producer_prepare_wait_for(&prod, 2));
		/* 3 free, 4 wanted: one more consumed is enough. */
		assert_true(pv_ring_producer_prepare_wait_for(&prod, 4));
		consume_expect(first + 3, 1);
		assert_true(pv_ring_consumer_kick_needed(&cons));
		consume_expect(first + 4, CAP - 4);
		produce_n(first + CAP, 2);
		consume_expect(first + CAP, 2);
	}
}

/* ---- Entries by their prefix (pv_ring_produce_prefix, pv_ring_consume_prefix) ---- */

static const void *more_saw;
static uint32_t more_answer;

static uint32_t more(const void *head)
{
	more_saw = head;
	return more_answer;
}

static void test_prefix_copies_only_what_is_used(void **state)
{
	struct entry e = mk(7), out;

	(void)state;
	produce_n(1, 1); /* the slot of the next round holds mk(1) ... */
	consume_expect(1, 1);
	for (uint32_t k = 1; k < CAP; k++) { /* ... when the indices come round to it */
		produce_n(1 + k, 1);
		consume_expect(1 + k, 1);
	}
	/* Only the first word goes in: the slot keeps mk(1)'s second. */
	assert_int_equal(pv_ring_produce_prefix(&prod, &e, 8), 1);
	out = (struct entry){ 0, 0x5555 };
	more_answer = 0;
	assert_int_equal(pv_ring_consume_prefix(&cons, &out, 8, more), 1);
	assert_ptr_equal(more_saw, &out); /* it is asked about our copy, never the ring */
	assert_int_equal(out.seq, 7);
	assert_int_equal(out.check, 0x5555); /* nothing past what more() asked for */
	assert_int_equal(hdr->cons, CAP + 1);

	/* Asked for the rest, it copies the slot's: the stale word. */
	assert_int_equal(pv_ring_produce_prefix(&prod, &e, 8), 1);
	more_answer = 8;
	assert_int_equal(pv_ring_consume_prefix(&cons, &out, 8, more), 1);
	assert_int_equal(out.seq, 7);
	assert_int_equal(out.check, mk(2).check);
}

static void test_prefix_bounds(void **state)
{
	uint8_t out[ESZ + 8];
	struct entry e = mk(3);

	(void)state;
	assert_int_equal(pv_ring_consume_prefix(&cons, out, 8, more), 0); /* empty */
	assert_int_equal(pv_ring_produce_prefix(&prod, &e, ESZ + 8), PV_E_INVAL);
	assert_int_equal(pv_ring_produce_prefix(&prod, NULL, 8), PV_E_INVAL);
	assert_int_equal(pv_ring_produce_prefix(&prod, &e, ESZ), 1);
	assert_int_equal(pv_ring_consume_prefix(&cons, out, ESZ + 8, more), PV_E_INVAL);
	assert_int_equal(pv_ring_consume_prefix(&cons, out, 8, NULL), PV_E_INVAL);
	assert_false(pv_ring_consumer_broken(&cons)); /* the caller's mistakes break nothing */
	/* An answer past the entry is cut at its end. */
	memset(out, 0xee, sizeof(out));
	more_answer = 1000;
	assert_int_equal(pv_ring_consume_prefix(&cons, out, 8, more), 1);
	assert_memory_equal(out, &e, ESZ);
	for (unsigned i = ESZ; i < sizeof(out); i++)
		assert_int_equal(out[i], 0xee);
	/* Full: nothing is published. */
	for (uint32_t k = 0; k < CAP; k++)
		assert_int_equal(pv_ring_produce_prefix(&prod, &e, 8), 1);
	assert_int_equal(pv_ring_produce_prefix(&prod, &e, 8), 0);
	assert_int_equal(hdr->prod, CAP + 1);
	more_answer = 0;
	for (uint32_t k = 0; k < CAP; k++) {
		assert_int_equal(pv_ring_consume_prefix(&cons, out, 8, more), 1);
		assert_memory_equal(out, &e, 8);
	}
	/* A consumer's impossible index breaks the producer, as for whole entries. */
	hdr->cons = hdr->prod + 1;
	assert_int_equal(pv_ring_produce_prefix(&prod, &e, 8), PV_E_PEER_INDEX);
	assert_true(pv_ring_producer_broken(&prod));
	assert_int_equal(pv_ring_produce_prefix(&prod, &e, 8), PV_E_BROKEN);
}

static void test_producer_prepare_wait_rechecks(void **state)
{
	(void)state;
	produce_n(0, CAP);
	consume_expect(0, 1); /* the producer has not refreshed */
	assert_int_equal(pv_ring_producer_space(&prod), 0);
	assert_false(pv_ring_producer_prepare_wait(&prod));
	assert_int_equal(pv_ring_producer_space(&prod), 1);
}

/* A hostile event value only changes whether a kick is asked for. */
static void test_hostile_event_values(void **state)
{
	(void)state;
	hdr->prod_event = 0xdeadbeef;
	produce_n(0, 1);
	assert_false(pv_ring_producer_kick_needed(&prod));
	hdr->prod_event = 1;
	produce_n(1, 1);
	assert_true(pv_ring_producer_kick_needed(&prod));
	hdr->cons_event = UINT32_MAX;
	consume_expect(0, 2);
	assert_false(pv_ring_consumer_kick_needed(&cons));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		T(test_format_rejects),
		T(test_format_zeroes_header),
		T(test_single),
		T(test_batch_and_wrap),
		T(test_full_and_partial),
		T(test_null_args),
		T(test_consume_copies),
		T(test_free_running_wrap),
		T(test_attach_resumes),
		T(test_attach_rejects_inconsistent),
		T(test_hostile_producer_jump),
		T(test_hostile_producer_jump_with_pending),
		T(test_hostile_producer_backwards),
		T(test_hostile_consumer_past_prod),
		T(test_hostile_consumer_backwards),
		T(test_refresh_only_when_needed),
		T(test_consumer_wait_and_kick),
		T(test_consumer_prepare_wait_rechecks),
		T(test_producer_wait_and_kick),
		T(test_producer_prepare_wait_rechecks),
		T(test_producer_prepare_wait_for_room),
		T(test_prefix_copies_only_what_is_used),
		T(test_prefix_bounds),
		T(test_hostile_event_values),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
