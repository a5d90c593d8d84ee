/* Notification semantics; see notification.h. */
#include "notification.h"

#include "reply.h"
#include "thread.h"

/* Completes a waiter's Wait with `word` as its result (not yet runnable). */
static void release(struct tcb *t, uint64_t word)
{
	thread_queue_remove(t);
	t->ctx.x[REG_CPTR] = word;
	t->ctx.x[REG_INFO] = 0;
}

/* Completes the bound thread's Recv with the word instead of a message. */
static void deliver_bound(struct tcb *t, uint64_t word)
{
	t->ctx.x[REG_CPTR] = word;
	t->ctx.x[REG_INFO] = moat_msginfo(MOAT_LABEL_NOTIFICATION, 0, 0, 0);
}

struct tcb *notification_signal(struct notification *n, uint64_t badge)
{
	struct tcb *t = notification_wake(n, badge);

	if (t)
		thread_make_runnable(t);
	return t;
}

struct tcb *notification_wake(struct notification *n, uint64_t badge)
{
	struct tcb *t = n->waiters.head;

	if (!t && n->bound_tcb && n->bound_tcb->state == THREAD_BLOCKED_RECV) {
		t = n->bound_tcb;
		if (t->ipc.reply) {
			t->ipc.reply->receiver = NULL;
			t->ipc.reply = NULL;
		}
		thread_queue_remove(t);
		deliver_bound(t, n->word | badge);
		n->word = 0;
		return t;
	}
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

void notification_bind(struct notification *n, struct tcb *t)
{
	if (t) {
		n->bound_tcb = t;
		t->bound = n;
	} else if (n->bound_tcb) {
		n->bound_tcb->bound = NULL;
		n->bound_tcb = NULL;
	}
}

bool notification_take_bound(struct tcb *t)
{
	struct notification *n = t->bound;

	if (!n || !n->word)
		return false;
	deliver_bound(t, n->word);
	n->word = 0;
	return true;
}

void notification_finalise(struct notification *n)
{
	notification_bind(n, NULL);
	while (n->waiters.head) {
		struct tcb *t = n->waiters.head;

		release(t, 0);
		thread_make_runnable(t);
	}
	n->word = 0;
}
