/*
 * Unit tests for scheduling contexts (kernel/src/sched_context.c) with the
 * real ready queues (thread.c): charging, throttling, release at the next
 * period, binding rules and finalisation. The counter runs at 1 MHz.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_time.h"
#include "sched_context.h"
#include "thread.h"

static struct tcb a, b;
static struct sched_context sc, sc2;

/* May run: in the ready queues, or the current thread (which is not queued). */
static bool ready(const struct tcb *t)
{
	thread_check();
	return t->run.queued ||
	       (thread_current() == t && t->state == THREAD_RUNNABLE && sched_context_can_run(t));
}

static int setup(void **state)
{
	(void)state;
	thread_init();
	arch_cpu_current()->current = NULL;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&sc, 0, sizeof(sc));
	memset(&sc2, 0, sizeof(sc2));
	a.priority = b.priority = 10;
	fake_now = 1000;
	return 0;
}

static void configure(struct sched_context *c, uint64_t budget, uint64_t period)
{
	struct sched_control_args args = { c, budget, period };

	sched_control_invoke(&args);
}

static void test_throttle_and_release(void **state)
{
	(void)state;
	configure(&sc, 200, 1000); /* period starts at 1000 */
	sched_context_bind(&a, &sc);
	thread_make_runnable(&a);
	assert_ptr_equal(thread_choose(), &a);
	assert_int_equal(sched_context_next_event(&a, 1000), 1200);

	sched_context_charge(&a, 1000, 1150);
	assert_true(sched_context_can_run(&a));
	assert_true(ready(&a));
	sched_context_charge(&a, 1150, 1200);
	assert_false(sched_context_can_run(&a));
	assert_false(ready(&a));
	assert_int_equal(a.state, THREAD_RUNNABLE); /* runnable, just out of budget */
	assert_null(thread_choose());
	assert_int_equal(sched_context_next_release(), 2000);

	/* Blocking and waking while throttled does not sneak it back in. */
	thread_block(&a, THREAD_BLOCKED_NOTIFICATION);
	thread_make_runnable(&a);
	assert_false(ready(&a));

	sched_context_release(1999);
	assert_false(ready(&a));
	sched_context_release(2000);
	assert_true(ready(&a));
	assert_int_equal(sc.budget.remaining, 200);
	assert_int_equal(sched_context_next_release(), UINT64_MAX);
}

static void test_release_order_and_blocked_threads(void **state)
{
	(void)state;
	configure(&sc, 100, 1000);  /* released at 2000 */
	fake_now = 1500;
	configure(&sc2, 100, 300); /* released at 1800 */
	sched_context_bind(&a, &sc);
	sched_context_bind(&b, &sc2);
	thread_make_runnable(&a);
	thread_make_runnable(&b);
	sched_context_charge(&a, 1000, 1100);
	sched_context_charge(&b, 1500, 1600);
	assert_false(ready(&a) || ready(&b));
	assert_int_equal(sched_context_next_release(), 1800);
	/* b blocks while throttled: released, it stays blocked. */
	thread_block(&b, THREAD_BLOCKED_RECV);
	sched_context_release(1800);
	assert_false(ready(&b));
	assert_true(sched_context_can_run(&b));
	assert_int_equal(sched_context_next_release(), 2000);
	sched_context_release(2500);
	assert_true(ready(&a));
}

/* A late timer let it overrun: it sits out until the debt is paid. */
static void test_overrun_is_paid_back(void **state)
{
	(void)state;
	configure(&sc, 100, 300); /* periods start at 1000, 1300, 1600... */
	sched_context_bind(&a, &sc);
	thread_make_runnable(&a);
	sched_context_charge(&a, 1000, 1250); /* 150 over */
	assert_false(ready(&a));
	sched_context_release(1300);
	assert_false(ready(&a)); /* this period's 100 went to the debt */
	assert_int_equal(sched_context_next_release(), 1600);
	sched_context_release(1600);
	assert_true(ready(&a));
	assert_int_equal(sc.budget.remaining, 50);
	sched_context_check();
}

static void test_unconfigured_and_unbind(void **state)
{
	(void)state;
	thread_make_runnable(&a);
	sched_context_bind(&a, &sc); /* no budget yet */
	assert_false(ready(&a));
	assert_false(sched_context_can_run(&a));
	configure(&sc, 100, 1000);
	assert_true(ready(&a));
	/* Exhaust, then unbind: unlimited again, back in the queue. */
	sched_context_charge(&a, 1000, 1100);
	assert_false(ready(&a));
	sched_context_bind(&a, NULL);
	assert_true(ready(&a));
	assert_null(a.sc);
	assert_null(sc.tcb);
	/* The context left the release queue when finalised. */
	sched_context_finalise(&sc);
	assert_int_equal(sched_context_next_release(), UINT64_MAX);
}

static void test_finalise_while_throttled(void **state)
{
	(void)state;
	configure(&sc, 100, 1000);
	sched_context_bind(&a, &sc);
	thread_make_runnable(&a);
	sched_context_charge(&a, 1000, 1300);
	assert_false(ready(&a));
	sched_context_finalise(&sc);
	assert_null(a.sc);
	assert_true(ready(&a));
	assert_int_equal(sched_context_next_release(), UINT64_MAX);
}

static void test_unlimited_and_events(void **state)
{
	(void)state;
	configure(&sc, 1000, 1000);
	sched_context_bind(&a, &sc);
	thread_make_runnable(&a);
	sched_context_charge(&a, 1000, 50000);
	assert_true(ready(&a));
	assert_int_equal(sched_context_next_event(&a, 50000), UINT64_MAX);
	assert_int_equal(sched_context_next_event(&b, 50000), UINT64_MAX);
	/* A limited budget renewed by a new period: look again at the boundary. */
	configure(&sc2, 600, 1000);
	sched_context_bind(&b, &sc2);
	assert_int_equal(sched_context_next_event(&b, 1500), 2000); /* 600 left: boundary first */
	thread_make_runnable(&b);
	sched_context_charge(&b, 1000, 1500);
	assert_int_equal(sched_context_next_event(&b, 1500), 1600); /* 100 left */
	/* Past the boundary the budget is brought up to date first. */
	assert_int_equal(sched_context_next_event(&b, 2100), 2700);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_throttle_and_release, setup),
		cmocka_unit_test_setup(test_release_order_and_blocked_threads, setup),
		cmocka_unit_test_setup(test_overrun_is_paid_back, setup),
		cmocka_unit_test_setup(test_unconfigured_and_unbind, setup),
		cmocka_unit_test_setup(test_finalise_while_throttled, setup),
		cmocka_unit_test_setup(test_unlimited_and_events, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
