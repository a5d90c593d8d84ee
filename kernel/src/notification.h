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
	uint64_t pad;
};

_Static_assert(sizeof(struct notification) <= (1u << MOAT_NOTIFICATION_SIZE_BITS),
	       "notification object size");

/* Delivers `badge`; returns the thread it woke, if any. */
struct tcb *notification_signal(struct notification *n, uint64_t badge);

/*
 * Takes the word if nonzero (returns true, *word set); otherwise, if
 * `block`, queues `t` and returns false.
 */
bool notification_wait(struct notification *n, struct tcb *t, bool block, uint64_t *word);

/* The last capability is gone: every waiter is released with word 0. */
void notification_finalise(struct notification *n);

#endif
