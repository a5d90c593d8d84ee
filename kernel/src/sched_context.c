/* Scheduling contexts: budgets, throttling and release; see sched_context.h. */
#include "sched_context.h"

#include "arch/timer.h"
#include "panic.h"
#include "thread.h"

/* Throttled contexts, earliest release first. */
static struct sched_context *release_queue;

static uint64_t us_to_ticks(uint64_t us)
{
	/* us <= SC_MAX_PERIOD_US (2^32 range) and freq < 2^32: no overflow. */
	return us * arch_timer_freq() / 1000000;
}

struct kerror sched_control_decode(const struct invocation *inv, struct sched_control_args *a)
{
	uint64_t budget_us, period_us;

	if (inv->label != MOAT_SCHED_CONTROL_CONFIGURE)
		return kerror(MOAT_ILLEGAL_OPERATION, "not a SchedControl invocation", 0, 0, 0);
	if (inv->length < 2)
		return kerror(MOAT_TRUNCATED_MESSAGE, "Configure takes budget and period", 2, 0, 0);
	if (inv->extra_count < 1 || inv->extra[0]->cap.type != CAP_SCHED_CONTEXT)
		return kerror(MOAT_INVALID_CAPABILITY, "not a scheduling context", 0, 0, 0);
	budget_us = inv->mr[0];
	period_us = inv->mr[1];
	if (period_us < SC_MIN_BUDGET_US || period_us > SC_MAX_PERIOD_US)
		return KERR_RANGE("period out of range", 1, SC_MIN_BUDGET_US, SC_MAX_PERIOD_US);
	if (budget_us < SC_MIN_BUDGET_US || budget_us > period_us)
		return KERR_RANGE("budget out of range", 0, SC_MIN_BUDGET_US, period_us);
	a->sc = cap_ptr(&inv->extra[0]->cap);
	a->budget = us_to_ticks(budget_us);
	a->period = us_to_ticks(period_us);
	return kerror_ok();
}

static void release_remove(struct sched_context *sc)
{
	for (struct sched_context **p = &release_queue; *p; p = &(*p)->release_next) {
		if (*p == sc) {
			*p = sc->release_next;
			break;
		}
	}
	sc->release_next = NULL;
}

static void release_insert(struct sched_context *sc)
{
	uint64_t at = budget_next_refill(&sc->budget);
	struct sched_context **p = &release_queue;

	while (*p && budget_next_refill(&(*p)->budget) <= at)
		p = &(*p)->release_next;
	sc->release_next = *p;
	*p = sc;
}

/* The context may run again: its thread rejoins the ready queues. */
static void unthrottle(struct sched_context *sc)
{
	if (sc->throttled)
		release_remove(sc);
	sc->throttled = false;
	if (sc->tcb && sc->tcb->state == THREAD_RUNNABLE)
		thread_make_runnable(sc->tcb);
}

void sched_control_invoke(const struct sched_control_args *a)
{
	struct sched_context *sc = a->sc;

	budget_configure(&sc->budget, a->budget, a->period, arch_timer_now());
	sc->configured = true;
	unthrottle(sc);
}

void sched_context_bind(struct tcb *t, struct sched_context *sc)
{
	struct sched_context *old = t->sc;
	bool queued = t->run.queued;

	if (old) {
		old->tcb = NULL;
		t->sc = NULL;
	}
	if (sc) {
		sc->tcb = t;
		t->sc = sc;
		if (!sc->configured && !sc->throttled) {
			/* No budget yet: the thread waits until one is configured. */
			sc->throttled = true;
			sc->budget = (struct budget){ .period_start = UINT64_MAX };
		}
	}
	if (queued && !sched_context_can_run(t))
		thread_block(t, THREAD_RUNNABLE);
	else if (t->state == THREAD_RUNNABLE)
		thread_make_runnable(t);
}

void sched_context_charge(struct tcb *t, uint64_t start, uint64_t now)
{
	struct sched_context *sc = t->sc;

	if (!sc || sc->throttled || budget_is_unlimited(&sc->budget))
		return;
	budget_consume(&sc->budget, start, now);
	if (budget_available(&sc->budget))
		return;
	sc->throttled = true;
	if (t->run.queued)
		thread_block(t, THREAD_RUNNABLE);
	release_insert(sc);
}

void sched_context_release(uint64_t now)
{
	while (release_queue && budget_next_refill(&release_queue->budget) <= now) {
		struct sched_context *sc = release_queue;

		budget_update(&sc->budget, now);
		if (budget_available(&sc->budget)) {
			unthrottle(sc);
		} else { /* still paying off an overrun: wait another period */
			release_queue = sc->release_next;
			release_insert(sc);
		}
	}
}

uint64_t sched_context_next_release(void)
{
	return release_queue ? budget_next_refill(&release_queue->budget) : UINT64_MAX;
}

uint64_t sched_context_next_event(struct tcb *t, uint64_t now)
{
	struct budget *b;
	uint64_t exhausted, refill;

	if (!t->sc || budget_is_unlimited(&t->sc->budget))
		return UINT64_MAX;
	b = &t->sc->budget;
	budget_update(b, now);
	exhausted = budget_exhausted_at(b, now);
	refill = budget_next_refill(b);
	/* At a period boundary the budget is renewed: look again then. */
	return exhausted < refill ? exhausted : refill;
}

void sched_context_finalise(struct sched_context *sc)
{
	if (sc->tcb)
		sched_context_bind(sc->tcb, NULL);
	if (sc->throttled)
		release_remove(sc);
	sc->throttled = false;
}

void sched_context_check(void)
{
	uint64_t last = 0;

	for (const struct sched_context *sc = release_queue; sc; sc = sc->release_next) {
		CHECK(sc->throttled);
		CHECK(budget_next_refill(&sc->budget) >= last);
		CHECK(!sc->tcb || !sc->tcb->run.queued);
		last = budget_next_refill(&sc->budget);
	}
}
