/* Charging, time slices and the one-shot timer; see schedule.h. */
#include "schedule.h"

#include "arch/cpu.h"
#include "arch/irq.h"
#include "arch/timer.h"
#include "irq.h"
#include "klog.h"
#include "reply.h"
#include "sched_context.h"
#include "thread.h"
#include "vcpu.h"

static uint64_t timeslice;
static heartbeat_fn heartbeat;
static uint64_t heartbeat_period;
static uint64_t next_heartbeat = UINT64_MAX;
static uint64_t beats;

/* The event that fired is found again, and the timer rearmed, on the way out. */
static void timer_interrupt(unsigned intid)
{
	(void)intid;
	arch_timer_stop();
	arch_cpu_current()->deadline = UINT64_MAX;
}

void schedule_init(heartbeat_fn beat)
{
	struct cpu *cpu = arch_cpu_current();
	uint64_t now = arch_timer_now();

	timeslice = arch_timer_freq() * SCHEDULE_TIMESLICE_US / 1000000;
	heartbeat = beat;
	heartbeat_period = arch_timer_freq();
	if (beat)
		next_heartbeat = now + heartbeat_period;
	cpu->deadline = UINT64_MAX;
	cpu->run_start = now;
	irq_register(arch_timer_intid(), timer_interrupt);
}

void schedule_charge(void)
{
	struct cpu *cpu = arch_cpu_current();
	struct tcb *t = cpu->current;
	uint64_t now = arch_timer_now();

	if (t) {
		sched_context_charge(reply_payer(t), cpu->run_start, now);
		t->slice_used += now - cpu->run_start;
	}
	cpu->run_start = now;
}

static void beat(uint64_t now)
{
	if (now < next_heartbeat)
		return;
	/* Deadlines are absolute, so a late beat does not shift the next ones. */
	next_heartbeat += heartbeat_period;
	if (next_heartbeat <= now)
		next_heartbeat = now + heartbeat_period;
	heartbeat(++beats);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void arm(struct cpu *cpu, uint64_t deadline)
{
	if (deadline == cpu->deadline)
		return;
	cpu->deadline = deadline;
	if (deadline == UINT64_MAX)
		arch_timer_stop();
	else
		arch_timer_set_deadline(deadline);
}

/* Events that do not depend on the thread chosen. */
static uint64_t kernel_events(uint64_t now)
{
	sched_context_release(now);
	vcpu_timer_release(now);
	beat(now);
	klog_flush(); /* after everything that may print */
	return min_u64(min_u64(sched_context_next_release(), next_heartbeat), vcpu_timer_next());
}

struct tcb *schedule(void)
{
	struct cpu *cpu = arch_cpu_current();
	struct tcb *prev = cpu->current, *t;
	uint64_t now = arch_timer_now(), next = kernel_events(now);

	/* A thread that used its whole slice goes behind its peers, with a new one. */
	if (prev && prev->slice_used >= timeslice) {
		thread_yield();
		prev->slice_used = 0;
	}
	while (!(t = thread_choose())) {
		arm(cpu, next);
		arch_wait_for_interrupt();
		now = arch_timer_now();
		next = kernel_events(now);
	}
	cpu->run_start = now;
	next = min_u64(next, sched_context_next_event(t, now));
	if (thread_has_peer(t))
		next = min_u64(next, now + (timeslice - min_u64(t->slice_used, timeslice)));
	arm(cpu, next);
	return t;
}

bool schedule_fast_check(const struct tcb *to, bool current_stays)
{
	struct cpu *cpu = arch_cpu_current();
	const struct tcb *prev = cpu->current;

	schedule_charge();
	/*
	 * The armed deadline is no later than every kernel event, and none was
	 * added since (a context that ran out adds its release): it can stay,
	 * perhaps early for `to`, which only costs an interrupt that
	 * reschedules. A round-robin turn that is over is schedule()'s to end.
	 */
	return cpu->run_start < cpu->deadline && !(prev->sc && prev->sc->throttled) && !to->vcpu &&
	       !(current_stays && prev->slice_used >= timeslice) &&
	       thread_would_choose(to, current_stays);
}

void schedule_fast_switch(struct tcb *to)
{
	struct cpu *cpu = arch_cpu_current();
	uint64_t now = cpu->run_start, next = cpu->deadline;

	thread_switch_to(to);
	if (to->sc)
		next = min_u64(next, sched_context_next_event(to, now));
	if (thread_has_peer(to))
		next = min_u64(next, now + (timeslice - min_u64(to->slice_used, timeslice)));
	arm(cpu, next);
}
