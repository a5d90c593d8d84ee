/*
 * Scheduling contexts: a budget of CPU time per period, bound to at most one
 * thread. A thread with a scheduling context runs only while its context
 * has budget left in the current period; when the budget runs out the
 * context is throttled (the thread leaves the ready queues) until the next
 * period starts. A thread without one is not limited (the root server, and
 * threads it has not yet given a budget).
 *
 * SchedControl_Configure sets budget and period (microseconds); the kernel
 * keeps them in counter ticks. TCB_SetSchedContext binds and unbinds.
 */
#ifndef MOAT_SCHED_CONTEXT_H
#define MOAT_SCHED_CONTEXT_H

#include "budget.h"
#include "invocation.h"
#include "tcb.h"

/* The smallest budget and the longest period SchedControl accepts. */
#define SC_MIN_BUDGET_US 100
#define SC_MAX_PERIOD_US (3600ull * 1000000)

struct sched_context {
	struct budget budget;
	struct tcb *tcb;                    /* the bound thread, or NULL */
	struct sched_context *release_next; /* in the release queue, while throttled */
	bool configured;                    /* unconfigured: no budget at all */
	bool throttled;
};

_Static_assert(sizeof(struct sched_context) <= (1u << MOAT_SCHED_CONTEXT_SIZE_BITS),
	       "scheduling context object size");

struct sched_control_args {
	struct sched_context *sc;
	uint64_t budget; /* counter ticks */
	uint64_t period;
};

/* SchedControl_Configure: extra cap 0 the context; MR0 budget_us, MR1 period_us. */
struct kerror sched_control_decode(const struct invocation *inv, struct sched_control_args *a);
void sched_control_invoke(const struct sched_control_args *a);

/* Binds `sc` (free, unbound) to `t` (which has none); NULL unbinds `t`'s. */
void sched_context_bind(struct tcb *t, struct sched_context *sc);

/* Whether `t` may run now: no context, or one with budget left. */
static inline bool sched_context_can_run(const struct tcb *t)
{
	return !t->sc || !t->sc->throttled;
}

/*
 * Charges the thread that ran from `start` to `now`; a context that ran out
 * is throttled and queued for release at its next period.
 */
void sched_context_charge(struct tcb *t, uint64_t start, uint64_t now);

/*
 * Ends throttling for every context whose period has begun by `now`; their
 * threads, if runnable, rejoin the ready queues.
 */
void sched_context_release(uint64_t now);

/* The earliest release time, or UINT64_MAX. */
uint64_t sched_context_next_release(void);

/*
 * When `t`, starting to run at `now`, next needs the kernel's attention
 * (its budget runs out, or a new period renews it). Brings its budget up to
 * date first.
 */
uint64_t sched_context_next_event(struct tcb *t, uint64_t now);

/* The last capability is gone: unbind and leave the release queue. */
void sched_context_finalise(struct sched_context *sc);

/* Panics if the release queue is unsorted or holds an unthrottled context. */
void sched_context_check(void);

#endif
