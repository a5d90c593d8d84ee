/*
 * Running threads: the current thread of this CPU, the ready queues, and
 * the transitions between runnable and blocked.
 *
 * The ready queues hold every thread that may run except the current one
 * (which is not queued while it runs): so a direct switch between two
 * threads in IPC touches no queue. The next thread to run is the current
 * one, if it still may and nothing of higher priority is ready; otherwise
 * the head of the highest non-empty priority, with a current thread that
 * was overtaken going back to the head of its own.
 */
#ifndef MOAT_THREAD_H
#define MOAT_THREAD_H

#include "arch/cpu.h"
#include "tcb.h"

void thread_init(void);
static inline struct tcb *thread_current(void)
{
	return arch_cpu_current()->current;
}

/*
 * Makes `t` runnable (appended to its priority's queue, unless it is the
 * current thread or its scheduling context is throttled: it joins when the
 * context is released).
 */
void thread_make_runnable(struct tcb *t);
/* Takes `t` out of the ready queues with the given blocked state. */
void thread_block(struct tcb *t, enum thread_state state);
/* Moves the current thread behind the others of its priority. */
void thread_yield(void);

/* Whether another thread is ready at `t`'s priority (round robin due). */
bool thread_has_peer(const struct tcb *t);

/*
 * Chooses the thread to run next and makes it current; returns NULL when
 * nothing is runnable.
 */
struct tcb *thread_choose(void);

/*
 * The fastpaths' direct switch, checked then done. Whether thread_choose()
 * would pick `t` (blocked now, about to be woken) once it is runnable: it
 * may run and beats every ready thread, and the current one if that
 * `current_stays` runnable.
 */
bool thread_would_choose(const struct tcb *t, bool current_stays);
/*
 * Makes `t` runnable and current without queueing it; the current thread,
 * if still runnable, goes back to the head of its queue (preempted).
 */
void thread_switch_to(struct tcb *t);

/* Panics unless the ready queues are consistent (invariants.h). */
void thread_check(void);

/* Blocked-thread queues. */
void thread_queue_append(struct thread_queue *q, struct tcb *t);
void thread_queue_remove(struct tcb *t);
struct tcb *thread_queue_pop(struct thread_queue *q);

/*
 * Takes `t` out of whatever it is blocked on and lets it run again from
 * the start of its system call, which it will then redo (and, if the object
 * is gone, fail with a proper error).
 */
void thread_restart(struct tcb *t);

/* Stops `t` (cancelling any IPC it is blocked in). */
void thread_suspend(struct tcb *t);

#endif
