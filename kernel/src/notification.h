/*
 * Notifications: a word of binary semaphores. Signal ORs the sender's badge
 * into the word, or hands it straight to a waiting thread; Wait returns the
 * word and clears it, blocking while it is zero; Poll never blocks.
 */
#ifndef MOAT_NOTIFICATION_H
#define MOAT_NOTIFICATION_H

#include "tcb.h"

struct notification {
	uint64_t word;
	struct thread_queue waiters;
	struct tcb *bound_tcb; /* the thread whose Recv it also ends, or NULL */
};

_Static_assert(sizeof(struct notification) <= (1u << MOAT_NOTIFICATION_SIZE_BITS),
	       "notification object size");

/*
 * Delivers `badge`: to a waiter, else to the bound thread if it is blocked
 * in Recv, else into the word. Returns the thread it woke, if any.
 */
struct tcb *notification_signal(struct notification *n, uint64_t badge);
/*
 * The same, but the woken thread is left for the caller to make runnable
 * (thread_make_runnable, or a fastpath's direct switch).
 */
struct tcb *notification_wake(struct notification *n, uint64_t badge);

/*
 * Takes the word if nonzero (returns true, *word set); otherwise, if
 * `block`, queues `t` and returns false.
 */
bool notification_wait(struct notification *n, struct tcb *t, bool block, uint64_t *word);

/* Binds `n` to `t`, or (t NULL) unbinds it from its thread. */
void notification_bind(struct notification *n, struct tcb *t);

/*
 * For a Recv by `t`: if its bound notification holds a word, completes the
 * Recv with it and returns true.
 */
bool notification_take_bound(struct tcb *t);

/* The last capability is gone: every waiter is released with word 0
 * and the bound thread unbound. */
void notification_finalise(struct notification *n);

#endif
