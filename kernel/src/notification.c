/* Notification semantics; see notification.h. */
#include "notification.h"

#include "thread.h"

static void enqueue(struct notification *n, struct tcb *t)
{
	t->wait_next = NULL;
	t->wait_prev = n->tail;
	if (n->tail)
		n->tail->wait_next = t;
	else
		n->head = t;
	n->tail = t;
	t->waiting_on = n;
}

void notification_cancel_wait(struct notification *n, struct tcb *t)
{
	if (t->waiting_on != n)
		return;
	if (t->wait_prev)
		t->wait_prev->wait_next = t->wait_next;
	else
		n->head = t->wait_next;
	if (t->wait_next)
		t->wait_next->wait_prev = t->wait_prev;
	else
		n->tail = t->wait_prev;
	t->wait_next = t->wait_prev = NULL;
	t->waiting_on = NULL;
}

/* Completes a waiter's Wait with `word` as its result. */
static void release(struct notification *n, struct tcb *t, uint64_t word)
{
	notification_cancel_wait(n, t);
	t->ctx.x[REG_CPTR] = word;
	t->ctx.x[REG_INFO] = 0;
	thread_make_runnable(t);
}

struct tcb *notification_signal(struct notification *n, uint64_t badge)
{
	struct tcb *t = n->head;

	if (!t) {
		n->word |= badge;
		return NULL;
	}
	release(n, t, n->word | badge);
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
		enqueue(n, t);
	}
	return false;
}

void notification_finalise(struct notification *n)
{
	while (n->head)
		release(n, n->head, 0);
	n->word = 0;
}
