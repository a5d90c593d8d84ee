/* Reply objects; see reply.h. */
#include "reply.h"

#include "thread.h"

void reply_bind(struct reply *r, struct tcb *caller)
{
	r->caller = caller;
	caller->ipc.reply = r;
	thread_block(caller, THREAD_BLOCKED_REPLY);
}

struct tcb *reply_take(struct reply *r)
{
	struct tcb *t = r->caller;

	if (t) {
		r->caller = NULL;
		t->ipc.reply = NULL;
	}
	return t;
}

void reply_cancel(struct tcb *caller)
{
	if (caller->ipc.reply)
		reply_take(caller->ipc.reply);
}

void reply_finalise(struct reply *r)
{
	struct tcb *t = reply_take(r);

	if (r->receiver)
		thread_restart(r->receiver);
	/* Nobody can reply any more: the caller's Call ends with an error. */
	if (t) {
		t->ctx.x[REG_INFO] = moat_msginfo(MOAT_INVALID_CAPABILITY, 0, 0, 0);
		thread_make_runnable(t);
	}
}
