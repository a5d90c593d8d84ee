/*
 * Endpoints: synchronous rendezvous. A queue of senders or of receivers
 * (never both); the message moves directly from the sender's registers and
 * IPC buffer into the receiver's.
 */
#ifndef MOAT_ENDPOINT_H
#define MOAT_ENDPOINT_H

#include "reply.h"

struct endpoint {
	struct thread_queue senders;
	struct thread_queue receivers;
};

_Static_assert(sizeof(struct endpoint) <= (1u << MOAT_ENDPOINT_SIZE_BITS),
	       "endpoint object size");

struct send_args {
	uint64_t badge;
	bool block;
	bool is_call;
	bool can_grant;
};

/* `sender` sends its message (in its registers and IPC buffer). */
void endpoint_send(struct endpoint *ep, struct tcb *sender, const struct send_args *a);

/*
 * `receiver` takes a message, binding a caller to `reply` (may be NULL).
 * With !block and no sender, returns with badge 0 and an empty message.
 */
void endpoint_receive(struct endpoint *ep, struct tcb *receiver, struct reply *reply,
		      bool block);

/* Sends `replier`'s message to the caller bound to `r`, if any. */
void endpoint_reply(struct reply *r, struct tcb *replier);

/*
 * Sends `t`'s fault (already in t->fault) to its fault endpoint as a Call.
 * False if it has no usable fault endpoint: the caller then stops it.
 */
bool endpoint_send_fault(struct tcb *t);

/* The last capability is gone: every queued thread restarts its call. */
void endpoint_finalise(struct endpoint *ep);

#endif
