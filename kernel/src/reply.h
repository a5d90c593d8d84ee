/*
 * Reply objects: the one-shot return path of a Call. A server passes one
 * to Recv; when a caller's message arrives, the caller is bound to it and
 * blocks until the server replies through it.
 */
#ifndef MOAT_REPLY_H
#define MOAT_REPLY_H

#include "tcb.h"

struct reply {
	struct tcb *caller;   /* blocked in THREAD_BLOCKED_REPLY, or NULL */
	struct tcb *receiver; /* blocked in Recv with this object, or NULL */
	/*
	 * The thread that took a budgeted caller into it (its tcb.serving
	 * names this object), or NULL. fastpath.S answers callers of threads
	 * serving nobody, so only a reply made through a capability passed on
	 * to another thread can leave it set with no caller: nobody pays then.
	 */
	struct tcb *server;
	uint64_t pad;
};

_Static_assert(sizeof(struct reply) <= (1u << MOAT_REPLY_SIZE_BITS), "reply object size");

/*
 * Binds `caller` (which just made a Call) to `r`, taken by `server`, and
 * blocks it. A budgeted caller's budget pays for the server's run until
 * the reply, if the server has none of its own (schedule.c).
 */
void reply_bind(struct reply *r, struct tcb *caller, struct tcb *server);

/* Whose budget pays for `t`'s run: its own, or that of the caller it serves. */
static inline struct tcb *reply_payer(struct tcb *t)
{
	const struct reply *r = t->serving;

	return !t->sc && r && r->caller ? r->caller : t;
}

/* The caller bound to `r`, unbound; NULL if none. */
struct tcb *reply_take(struct reply *r);

/* `caller` no longer waits for its reply (suspended or deleted). */
void reply_cancel(struct tcb *caller);

/* The last capability to `r` is gone: its caller gets an error, its receiver restarts. */
void reply_finalise(struct reply *r);

/* Thread `t` is being deleted: no reply object names it as its server. */
void reply_forget_server(struct tcb *t);

#endif
