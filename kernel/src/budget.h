/*
 * Scheduling-context budget arithmetic: a thread may run for `budget` time
 * units in every `period`. Periods are aligned to when the budget was
 * configured; a budget exhausted early waits for the next period boundary,
 * and unused budget does not carry over. Time used beyond the budget (the
 * timer interrupt that should have stopped the thread came late) is a debt
 * paid from the following periods' budgets, so the long-run share never
 * exceeds budget / period. Units are timer counts.
 */
#ifndef MOAT_BUDGET_H
#define MOAT_BUDGET_H

#include "types.h"

struct budget {
	uint64_t budget;
	uint64_t period;
	uint64_t period_start; /* start of the current period */
	uint64_t remaining;    /* in the current period */
	uint64_t debt;         /* overrun still to be paid from later periods */
};

/* budget <= period and period > 0 are checked by the caller's decode. */
void budget_configure(struct budget *b, uint64_t budget, uint64_t period, uint64_t now);

/* Brings the period up to date with `now`, refilling at each boundary. */
void budget_update(struct budget *b, uint64_t now);

/* Consumes `used` time units; what exceeds the remaining budget becomes debt. */
void budget_charge(struct budget *b, uint64_t used);

/*
 * Charges a thread that ran without a break from `start` to `end`, each
 * part to the period it fell in.
 */
void budget_consume(struct budget *b, uint64_t start, uint64_t end);

/* Whether any budget remains in the current period (update first). */
bool budget_available(const struct budget *b);

/* When the budget of a thread starting now would run out. */
uint64_t budget_exhausted_at(const struct budget *b, uint64_t now);

/* When the next refill happens. */
uint64_t budget_next_refill(const struct budget *b);

/* A budget equal to its period never runs out. */
bool budget_is_unlimited(const struct budget *b);

#endif
