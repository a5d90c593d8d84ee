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
	uint64_t pad[2];
};

_Static_assert(sizeof(struct reply) <= (1u << MOAT_REPLY_SIZE_BITS), "reply object size");

/* Binds `caller` (which just made a Call) to `r` and blocks it. */
void reply_bind(struct reply *r, struct tcb *caller);

/* The caller bound to `r`, unbound; NULL if none. */
struct tcb *reply_take(struct reply *r);

/* `caller` no longer waits for its reply (suspended or deleted). */
void reply_cancel(struct tcb *caller);

/* The last capability to `r` is gone: its caller gets an error, its receiver restarts. */
void reply_finalise(struct reply *r);

#endif
