/* Notification semantics; see notification.h. */
#include "notification.h"

#include "thread.h"

/* Completes a waiter's Wait with `word` as its result. */
static void release(struct tcb *t, uint64_t word)
{
	thread_queue_remove(t);
	t->ctx.x[REG_CPTR] = word;
	t->ctx.x[REG_INFO] = 0;
	thread_make_runnable(t);
}

struct tcb *notification_signal(struct notification *n, uint64_t badge)
{
	struct tcb *t = n->waiters.head;

	if (!t) {
		n->word |= badge;
		return NULL;
	}
	release(t, n->word | badge);
	n->word = 0;
	return t;
}

bool notification_wait(struct notification *n, struct tcb *t, bool block, uint64_t *word)
{
	if (n->word) {
		*word = n->word;
		n->word = 0;
		return true;
	}
	*word = 0;
	if (block) {
		thread_block(t, THREAD_BLOCKED_NOTIFICATION);
		thread_queue_append(&n->waiters, t);
	}
	return false;
}

void notification_finalise(struct notification *n)
{
	while (n->waiters.head)
		release(n->waiters.head, 0);
	n->word = 0;
}
