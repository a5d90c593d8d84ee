/* Thread state transitions and the choice of the next thread; see thread.h. */
#include "thread.h"

#include "arch/cpu.h"

static struct sched ready;

void thread_init(void)
{
	sched_init(&ready);
}

struct tcb *thread_current(void)
{
	return arch_cpu_current()->current;
}

void thread_make_runnable(struct tcb *t)
{
	t->state = THREAD_RUNNABLE;
	if (!t->run.queued)
		sched_enqueue(&ready, &t->run, t->priority);
}

void thread_block(struct tcb *t, enum thread_state state)
{
	t->state = state;
	sched_dequeue(&ready, &t->run);
}

void thread_yield(void)
{
	struct tcb *t = thread_current();

	if (t && t->run.queued) {
		sched_dequeue(&ready, &t->run);
		sched_enqueue(&ready, &t->run, t->priority);
	}
}

struct tcb *thread_choose(void)
{
	struct sched_link *l = sched_pick(&ready);
	struct tcb *t = l ? (struct tcb *)((char *)l - offsetof(struct tcb, run)) : NULL;

	arch_cpu_current()->current = t;
	return t;
}
