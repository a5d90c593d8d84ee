/* Thread state transitions and the choice of the next thread; see thread.h. */
#include "thread.h"

#include "arch/cpu.h"
#include "reply.h"
#include "panic.h"
#include "sched_context.h"

/* The ready queues (thread.h); fastpath.S reads them, only this file changes them. */
struct sched thread_ready;

void thread_init(void)
{
	sched_init(&thread_ready);
}

/* Runnable, and its scheduling context lets it run: queued, or current. */
static bool eligible(const struct tcb *t)
{
	return t->state == THREAD_RUNNABLE && sched_context_can_run(t);
}

void thread_make_runnable(struct tcb *t)
{
	t->state = THREAD_RUNNABLE;
	if (!t->run.queued && sched_context_can_run(t) && t != thread_current())
		sched_enqueue(&thread_ready, &t->run, t->priority);
}

void thread_block(struct tcb *t, enum thread_state state)
{
	t->state = state;
	sched_dequeue(&thread_ready, &t->run);
}

void thread_yield(void)
{
	struct tcb *t = thread_current();

	if (t && eligible(t) && !t->run.queued)
		sched_enqueue(&thread_ready, &t->run, t->priority);
}

bool thread_has_peer(const struct tcb *t)
{
	return sched_has_peer(&thread_ready, &t->run, t->priority);
}

struct tcb *thread_choose(void)
{
	struct cpu *cpu = arch_cpu_current();
	struct tcb *prev = cpu->current, *t = NULL;
	struct sched_link *l;

	if (prev && eligible(prev) && !prev->run.queued) {
		/* Still the highest (ties go to the running thread, as at a queue head). */
		if ((int)prev->priority >= sched_highest(&thread_ready))
			return prev;
		sched_enqueue_head(&thread_ready, &prev->run, prev->priority);
	}
	if ((l = sched_pick(&thread_ready))) {
		t = (struct tcb *)((char *)l - offsetof(struct tcb, run));
		sched_dequeue(&thread_ready, l);
	}
	cpu->current = t;
	return t;
}

bool thread_would_choose(const struct tcb *t, bool current_stays)
{
	const struct tcb *prev = thread_current();

	return sched_context_can_run(t) && (int)t->priority > sched_highest(&thread_ready) &&
	       !(current_stays && prev && eligible(prev) && t->priority <= prev->priority);
}

void thread_switch_to(struct tcb *t)
{
	struct cpu *cpu = arch_cpu_current();
	struct tcb *prev = cpu->current;

	if (prev && eligible(prev))
		sched_enqueue_head(&thread_ready, &prev->run, prev->priority); /* preempted */
	t->state = THREAD_RUNNABLE;
	cpu->current = t;
}

void thread_queue_append(struct thread_queue *q, struct tcb *t)
{
	t->wait_next = NULL;
	t->wait_prev = q->tail;
	if (q->tail)
		q->tail->wait_next = t;
	else
		q->head = t;
	q->tail = t;
	t->waiting_on = q;
}

void thread_queue_remove(struct tcb *t)
{
	struct thread_queue *q = t->waiting_on;

	if (!q)
		return;
	if (t->wait_prev)
		t->wait_prev->wait_next = t->wait_next;
	else
		q->head = t->wait_next;
	if (t->wait_next)
		t->wait_next->wait_prev = t->wait_prev;
	else
		q->tail = t->wait_prev;
	t->wait_next = t->wait_prev = NULL;
	t->waiting_on = NULL;
}

struct tcb *thread_queue_pop(struct thread_queue *q)
{
	struct tcb *t = q->head;

	if (t)
		thread_queue_remove(t);
	return t;
}

/* Out of any queue and reply binding; true if it was blocked in a system call. */
static bool cancel_blocking(struct tcb *t)
{
	switch (t->state) {
	case THREAD_BLOCKED_RECV:
		if (t->ipc.reply) {
			t->ipc.reply->receiver = NULL;
			t->ipc.reply = NULL;
		}
		thread_queue_remove(t);
		return true;
	case THREAD_BLOCKED_SEND:
	case THREAD_BLOCKED_NOTIFICATION:
		thread_queue_remove(t);
		return true;
	case THREAD_BLOCKED_REPLY:
		reply_cancel(t);
		return true;
	default:
		return false;
	}
}

/*
 * A thread taken out of a blocking system call redoes it when it runs
 * again: back onto the svc. A thread blocked in its fault's Call is at the
 * faulting instruction already, which faults (and sends) again.
 */
static void redo_blocking(struct tcb *t)
{
	if (!cancel_blocking(t))
		return;
	if (t->fault.label)
		t->fault.label = 0;
	else
		t->ctx.pc -= 4;
}

void thread_restart(struct tcb *t)
{
	redo_blocking(t);
	thread_make_runnable(t);
}

void thread_suspend(struct tcb *t)
{
	redo_blocking(t);
	thread_block(t, THREAD_INACTIVE);
	if (arch_cpu_current()->current == t)
		arch_cpu_current()->current = NULL;
}

void thread_check(void)
{
	const struct tcb *cur = thread_current();

	CHECK(!cur || !cur->run.queued);
	sched_check(&thread_ready);
	for (int p = sched_highest(&thread_ready); p >= 0; p--) {
		for (struct sched_link *l = thread_ready.queues[p].head; l; l = l->next) {
			const struct tcb *t = (const struct tcb *)((const char *)l -
								   offsetof(struct tcb, run));

			CHECK(t->state == THREAD_RUNNABLE && t->priority == p);
			CHECK(sched_context_can_run(t));
		}
	}
}
