/* Unit tests for the ready queues (kernel/src/sched.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sched.h"

static struct sched s;
static struct sched_link t[8];

static int setup(void **state)
{
	(void)state;
	sched_init(&s);
	for (unsigned i = 0; i < 8; i++)
		t[i] = (struct sched_link){ 0 };
	return 0;
}

static void test_empty(void **state)
{
	(void)state;
	assert_null(sched_pick(&s));
	assert_int_equal(sched_highest(&s), -1);
}

static void test_highest_priority_wins_across_words(void **state)
{
	(void)state;
	sched_enqueue(&s, &t[0], 0);
	assert_ptr_equal(sched_pick(&s), &t[0]);
	sched_enqueue(&s, &t[1], 63);
	sched_enqueue(&s, &t[2], 64);
	assert_ptr_equal(sched_pick(&s), &t[2]);
	sched_enqueue(&s, &t[3], 255);
	assert_ptr_equal(sched_pick(&s), &t[3]);
	assert_int_equal(sched_highest(&s), 255);
	sched_dequeue(&s, &t[3]);
	assert_int_equal(sched_highest(&s), 64);
	sched_dequeue(&s, &t[2]);
	assert_int_equal(sched_highest(&s), 63);
	sched_dequeue(&s, &t[1]);
	sched_dequeue(&s, &t[0]);
	assert_int_equal(sched_highest(&s), -1);
	assert_int_equal(s.top, 0);
}

static void test_fifo_and_round_robin(void **state)
{
	(void)state;
	sched_enqueue(&s, &t[0], 10);
	sched_enqueue(&s, &t[1], 10);
	sched_enqueue(&s, &t[2], 10);
	/* Round robin: the head runs, then goes to the back. */
	for (unsigned round = 0; round < 6; round++) {
		struct sched_link *head = sched_pick(&s);

		assert_ptr_equal(head, &t[round % 3]);
		sched_dequeue(&s, head);
		sched_enqueue(&s, head, 10);
	}
	/* A preempted thread goes back to the head. */
	sched_dequeue(&s, &t[0]);
	sched_enqueue_head(&s, &t[0], 10);
	assert_ptr_equal(sched_pick(&s), &t[0]);
	/* Dequeue from the middle keeps the others linked. */
	sched_dequeue(&s, &t[1]);
	assert_ptr_equal(t[0].next, &t[2]);
	assert_ptr_equal(t[2].prev, &t[0]);
	/* Dequeuing something not queued is harmless. */
	sched_dequeue(&s, &t[1]);
	assert_ptr_equal(sched_pick(&s), &t[0]);
}

static void test_peer(void **state)
{
	(void)state;
	sched_enqueue(&s, &t[0], 7);
	assert_false(sched_has_peer(&s, &t[0], 7));
	/* t[1] not queued (a running thread): t[0] waits at priority 7 */
	assert_true(sched_has_peer(&s, &t[1], 7));
	assert_false(sched_has_peer(&s, &t[1], 8));
	sched_enqueue(&s, &t[2], 7);
	assert_true(sched_has_peer(&s, &t[0], 7));
	assert_true(sched_has_peer(&s, &t[2], 7));
	sched_dequeue(&s, &t[0]);
	assert_false(sched_has_peer(&s, &t[2], 7));
}

static void test_bitmap_matches_queues_randomly(void **state)
{
	static struct sched_link many[512];

	(void)state;
	srand(7);
	for (unsigned step = 0; step < 20000; step++) {
		struct sched_link *l = &many[rand() % 512];
		int expect = -1;

		if (l->queued)
			sched_dequeue(&s, l);
		else
			sched_enqueue(&s, l, (unsigned)rand() % SCHED_PRIORITIES);
		for (unsigned i = 0; i < 512; i++) {
			if (many[i].queued && many[i].prio > expect)
				expect = many[i].prio;
		}
		assert_int_equal(sched_highest(&s), expect);
		if (step % 64 == 0)
			sched_check(&s); /* aborts the test on any inconsistency */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty, setup),
		cmocka_unit_test_setup(test_highest_priority_wins_across_words, setup),
		cmocka_unit_test_setup(test_fifo_and_round_robin, setup),
		cmocka_unit_test_setup(test_peer, setup),
		cmocka_unit_test_setup(test_bitmap_matches_queues_randomly, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
