/*
 * The scheduler's use of time. Every entry from user space charges the
 * running thread for the time since it last started; every exit picks the
 * next thread and programs the timer one-shot for the next scheduling event:
 * the end of the thread's round-robin time slice (only when another thread
 * waits at its priority), its budget running out or being renewed, the
 * release of a throttled scheduling context, or the kernel's heartbeat. No
 * event, no timer interrupt.
 */
#ifndef MOAT_SCHEDULE_H
#define MOAT_SCHEDULE_H

#include "tcb.h"

/* Round-robin time slice among threads of one priority. */
#define SCHEDULE_TIMESLICE_US 5000

typedef void (*heartbeat_fn)(uint64_t beats);

/* Takes the timer; `beat` (optional) runs once per second, when due. */
void schedule_init(heartbeat_fn beat);

/* On entry from user space: charges the current thread. */
void schedule_charge(void);

/*
 * Chooses the thread to run (idling until there is one), makes it current
 * and arms the timer for the next event.
 */
struct tcb *schedule(void);

/*
 * The fastpaths' direct switch, prepare then commit. schedule_fast_check
 * charges the current thread and tells whether `to` (blocked, about to be
 * woken) can run next without the general schedule(): nothing else is due
 * and thread_would_choose() says so. schedule_fast_switch then wakes `to`
 * and makes it current, with the timer armed for its events; it cannot fail.
 */
bool schedule_fast_check(const struct tcb *to, bool current_stays);
void schedule_fast_switch(struct tcb *to);

#endif
