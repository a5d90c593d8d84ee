/* Reply objects; see reply.h. */
#include "reply.h"

#include "thread.h"

/*
 * r->server and its tcb.serving name each other, or neither is set: so
 * neither outlives the other's object (reply_finalise, reply_forget_server).
 */
static void unserve(struct reply *r)
{
	if (r->server)
		r->server->serving = NULL;
	r->server = NULL;
}

void reply_bind(struct reply *r, struct tcb *caller, struct tcb *server)
{
	unserve(r);
	if (caller->sc) { /* its budget pays for the server's run until the reply */
		if (server->serving)
			unserve(server->serving);
		r->server = server;
		server->serving = r;
	}
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
		unserve(r);
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

	unserve(r); /* one fastpath.S answered may keep its server (reply.h) */
	if (r->receiver)
		thread_restart(r->receiver);
	/* Nobody can reply any more: the caller's Call ends with an error. */
	if (t) {
		t->ctx.x[REG_INFO] = moat_msginfo(MOAT_INVALID_CAPABILITY, 0, 0, 0);
		thread_make_runnable(t);
	}
}

void reply_forget_server(struct tcb *t)
{
	if (t->serving)
		unserve(t->serving);
}
