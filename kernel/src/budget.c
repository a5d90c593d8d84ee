/* Budget arithmetic; see budget.h. */
#include "budget.h"

void budget_configure(struct budget *b, uint64_t budget, uint64_t period, uint64_t now)
{
	b->budget = budget;
	b->period = period;
	b->period_start = now;
	b->remaining = budget;
}

void budget_update(struct budget *b, uint64_t now)
{
	uint64_t elapsed;

	if (now < b->period_start || now - b->period_start < b->period)
		return;
	elapsed = (now - b->period_start) / b->period;
	b->period_start += elapsed * b->period;
	b->remaining = b->budget;
}

void budget_charge(struct budget *b, uint64_t used)
{
	b->remaining -= used < b->remaining ? used : b->remaining;
}

void budget_consume(struct budget *b, uint64_t start, uint64_t end)
{
	if (end <= start)
		return;
	budget_update(b, start);
	if (end - b->period_start >= b->period) {
		budget_update(b, end);
		start = b->period_start;
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
