/*
 * Unit tests for the choice of the next thread (kernel/src/thread.c): the
 * running thread is not in the ready queues; it keeps the CPU while
 * nothing of higher priority is ready (ties included), goes back to the
 * head of its queue when overtaken and to the tail when it yields; and the
 * fastpaths' direct switch (thread_would_choose, thread_switch_to) agrees
 * with thread_choose.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "thread.h"

static struct tcb a, b, c;

static int setup(void **state)
{
	(void)state;
	thread_init();
	arch_cpu_current()->current = NULL;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	a.priority = b.priority = c.priority = 10;
	return 0;
}

/* Makes `t` the running thread, as the scheduler would. */
static void run(struct tcb *t)
{
	thread_make_runnable(t);
	assert_ptr_equal(thread_choose(), t);
}

static void test_current_is_not_queued(void **state)
{
	(void)state;
	run(&a);
	assert_false(a.run.queued);
	thread_make_runnable(&a); /* already running: still not queued */
	assert_false(a.run.queued);
	thread_check();
	thread_block(&a, THREAD_BLOCKED_RECV);
	assert_null(thread_choose());
	assert_null(thread_current());
}

static void test_ties_keep_the_running_thread(void **state)
{
	(void)state;
	run(&a);
	thread_make_runnable(&b);
	assert_ptr_equal(thread_choose(), &a); /* b waits at the same priority */
	assert_true(b.run.queued);
	assert_true(thread_has_peer(&a));
	thread_check();
}

static void test_overtaken_goes_to_the_head(void **state)
{
	(void)state;
	run(&a);
	thread_make_runnable(&b);
	c.priority = 20;
	thread_make_runnable(&c);
	assert_ptr_equal(thread_choose(), &c);
	assert_true(a.run.queued);
	thread_block(&c, THREAD_BLOCKED_NOTIFICATION);
	/* a was running before b got its turn: a resumes first. */
	assert_ptr_equal(thread_choose(), &a);
	thread_check();
}

static void test_yield_goes_to_the_tail(void **state)
{
	(void)state;
	run(&a);
	thread_make_runnable(&b);
	thread_make_runnable(&c);
	thread_yield();
	assert_ptr_equal(thread_choose(), &b);
	thread_yield();
	assert_ptr_equal(thread_choose(), &c);
	thread_yield();
	assert_ptr_equal(thread_choose(), &a);
	/* Alone at its priority, a yield keeps the CPU. */
	thread_block(&b, THREAD_BLOCKED_RECV);
	thread_block(&c, THREAD_BLOCKED_RECV);
	thread_yield();
	assert_ptr_equal(thread_choose(), &a);
	thread_check();
}

static void test_direct_switch_agrees_with_choose(void **state)
{
	(void)state;
	run(&a);
	b.state = c.state = THREAD_BLOCKED_RECV;
	b.priority = 5;
	/* The running thread blocks (a Call): b, below it, is still the choice. */
	assert_true(thread_would_choose(&b, false));
	/* a stays runnable (a Signal): b is below it, no switch. */
	assert_false(thread_would_choose(&b, true));
	c.priority = 20;
	assert_true(thread_would_choose(&c, true));
	thread_switch_to(&c);
	assert_ptr_equal(thread_current(), &c);
	assert_int_equal(c.state, THREAD_RUNNABLE);
	assert_false(c.run.queued);
	assert_true(a.run.queued); /* preempted: at the head of its queue */
	thread_check();
	/* A ready thread at or above it: no direct switch. */
	b.priority = 10;
	b.state = THREAD_BLOCKED_RECV;
	thread_block(&c, THREAD_BLOCKED_RECV);
	assert_false(thread_would_choose(&b, false)); /* a waits at 10 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_current_is_not_queued, setup),
		cmocka_unit_test_setup(test_ties_keep_the_running_thread, setup),
		cmocka_unit_test_setup(test_overtaken_goes_to_the_head, setup),
		cmocka_unit_test_setup(test_yield_goes_to_the_tail, setup),
		cmocka_unit_test_setup(test_direct_switch_agrees_with_choose, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
