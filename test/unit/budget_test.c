/* Unit tests for scheduling-context budget arithmetic (kernel/src/budget.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "budget.h"

static void test_charge_and_refill(void **state)
{
	struct budget b;

	(void)state;
	budget_configure(&b, 300, 1000, 5000);
	assert_true(budget_available(&b));
	assert_int_equal(budget_exhausted_at(&b, 5100), 5400);
	budget_charge(&b, 200);
	assert_int_equal(b.remaining, 100);
	budget_charge(&b, 500); /* 400 over: a debt, never a wrap */
	assert_int_equal(b.remaining, 0);
	assert_int_equal(b.debt, 400);
	assert_false(budget_available(&b));
	assert_int_equal(budget_next_refill(&b), 6000);

	budget_update(&b, 5999); /* same period: nothing */
	assert_false(budget_available(&b));
	budget_update(&b, 6000); /* boundary: this period's budget pays 300 of the debt */
	assert_int_equal(b.remaining, 0);
	assert_int_equal(b.debt, 100);
	assert_int_equal(b.period_start, 6000);
	budget_update(&b, 7000); /* and the next one the rest */
	assert_int_equal(b.remaining, 200);
	assert_int_equal(b.debt, 0);
}

static void test_missed_periods_do_not_accumulate(void **state)
{
	struct budget b;

	(void)state;
	budget_configure(&b, 100, 1000, 0);
	budget_charge(&b, 40);
	budget_update(&b, 3500); /* three periods later */
	assert_int_equal(b.remaining, 100);
	assert_int_equal(b.period_start, 3000);
	assert_int_equal(budget_next_refill(&b), 4000);
	budget_update(&b, 100); /* time going backwards changes nothing */
	assert_int_equal(b.period_start, 3000);
}

static void test_share_over_many_periods(void **state)
{
	struct budget b;
	uint64_t now = 0, ran = 0;

	(void)state;
	/* A thread that always wants the CPU, slice by slice of 7 units. */
	budget_configure(&b, 250, 1000, 0);
	while (now < 100000) {
		budget_update(&b, now);
		if (budget_available(&b)) {
			uint64_t slice = budget_exhausted_at(&b, now) - now;
			slice = slice < 7 ? slice : 7;
			budget_charge(&b, slice);
			ran += slice;
			now += slice;
		} else {
			now = budget_next_refill(&b);
		}
	}
	assert_int_equal(ran, 25000); /* exactly 25% */
}

/* A run across a period boundary: only the part after it counts. */
static void test_consume_across_boundary(void **state)
{
	struct budget b;

	(void)state;
	budget_configure(&b, 20, 100, 0);
	budget_consume(&b, 10, 25);
	assert_int_equal(b.remaining, 5);
	/* 95..107: 5 left in period 0 (all charged there), 7 used in period 1. */
	budget_consume(&b, 95, 107);
	assert_int_equal(b.period_start, 100);
	assert_int_equal(b.remaining, 13);
	/*
	 * A run spanning several periods (a late timer): 417 units against
	 * 13 + 3 * 20 + 20 of budget leaves a debt of 312...
	 */
	budget_consume(&b, 107, 512);
	assert_int_equal(b.period_start, 500);
	assert_int_equal(b.remaining, 0);
	assert_int_equal(b.debt, 312);
	/* An empty or backwards interval charges nothing. */
	budget_consume(&b, 512, 512);
	budget_consume(&b, 600, 550);
	assert_int_equal(b.debt, 312);
	/* ...which the next periods' budgets pay before it may run again. */
	budget_update(&b, 600);
	assert_false(budget_available(&b));
	assert_int_equal(b.debt, 292);
	budget_update(&b, 2100); /* 14 periods passed over pay 280, this one 12 */
	assert_int_equal(b.debt, 0);
	assert_int_equal(b.remaining, 8);
}

static void test_unlimited(void **state)
{
	struct budget b;

	(void)state;
	budget_configure(&b, 1000, 1000, 0);
	assert_true(budget_is_unlimited(&b));
	budget_charge(&b, 5000);
	assert_true(budget_available(&b));
	assert_int_equal(budget_exhausted_at(&b, 12), UINT64_MAX);
}

static void test_overflow_guards(void **state)
{
	struct budget b;

	(void)state;
	budget_configure(&b, 10, 100, UINT64_MAX - 50);
	assert_int_equal(budget_next_refill(&b), UINT64_MAX);
	assert_int_equal(budget_exhausted_at(&b, UINT64_MAX - 5), UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_charge_and_refill),
		cmocka_unit_test(test_missed_periods_do_not_accumulate),
		cmocka_unit_test(test_share_over_many_periods),
		cmocka_unit_test(test_consume_across_boundary),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_overflow_guards),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
