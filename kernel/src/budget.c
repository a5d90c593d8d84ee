/* Budget arithmetic; see budget.h. */
#include "budget.h"

void budget_configure(struct budget *b, uint64_t budget, uint64_t period, uint64_t now)
{
	b->budget = budget;
	b->period = period;
	b->period_start = now;
	b->remaining = budget;
	b->debt = 0;
}

void budget_update(struct budget *b, uint64_t now)
{
	uint64_t elapsed;

	if (now < b->period_start || now - b->period_start < b->period)
		return;
	elapsed = (now - b->period_start) / b->period;
	b->period_start += elapsed * b->period;
	/* The periods passed over pay the debt first; then the current one. */
	if (!b->budget)
		b->debt = 0;
	else if (b->debt / b->budget >= elapsed - 1)
		b->debt -= (elapsed - 1) * b->budget;
	else
		b->debt = 0;
	b->remaining = b->budget > b->debt ? b->budget - b->debt : 0;
	b->debt -= b->budget - b->remaining;
}

void budget_charge(struct budget *b, uint64_t used)
{
	if (used <= b->remaining) {
		b->remaining -= used;
		return;
	}
	b->debt += used - b->remaining;
	b->remaining = 0;
}

void budget_consume(struct budget *b, uint64_t start, uint64_t end)
{
	if (end <= start)
		return;
	budget_update(b, start);
	/*
	 * A run across boundaries: the part before the first belongs to the old
	 * period; whole periods run through are debt, which those periods'
	 * budgets pay as budget_update passes over them.
	 */
	if (end - b->period_start >= b->period) {
		uint64_t boundary = budget_next_refill(b);
		uint64_t latest = boundary + (end - boundary) / b->period * b->period;

		budget_charge(b, boundary - start);
		b->debt += latest - boundary;
		budget_update(b, end);
		start = latest;
	}
	budget_charge(b, end - start);
}

bool budget_available(const struct budget *b)
{
	return budget_is_unlimited(b) || b->remaining > 0;
}

uint64_t budget_exhausted_at(const struct budget *b, uint64_t now)
{
	if (budget_is_unlimited(b) || now > UINT64_MAX - b->remaining)
		return UINT64_MAX;
	return now + b->remaining;
}

uint64_t budget_next_refill(const struct budget *b)
{
	if (b->period_start > UINT64_MAX - b->period)
		return UINT64_MAX;
	return b->period_start + b->period;
}

bool budget_is_unlimited(const struct budget *b)
{
	return b->budget >= b->period;
}
