/* The fastpaths; see fastpath.h. */
#include "fastpath.h"

#include "arch/vspace.h"
#include "cspace.h"
#include "endpoint.h"
#include "notification.h"
#include "reply.h"
#include "schedule.h"
#include "thread.h"

/* A message the fastpath can carry: registers only, no capabilities. */
static bool short_message(moat_word_t info)
{
	return moat_msginfo_extra_caps(info) == 0 &&
	       moat_msginfo_length(info) <= MOAT_MSG_REGISTERS;
}

static void copy_message(const struct tcb *from, struct tcb *to, moat_word_t badge)
{
	/* All loads before the stores: the compiler may then pair them. */
	moat_word_t info = from->ctx.x[REG_INFO], m0 = from->ctx.x[REG_MR0 + 0],
		    m1 = from->ctx.x[REG_MR0 + 1], m2 = from->ctx.x[REG_MR0 + 2],
		    m3 = from->ctx.x[REG_MR0 + 3];

	to->ctx.x[REG_MR0 + 0] = m0;
	to->ctx.x[REG_MR0 + 1] = m1;
	to->ctx.x[REG_MR0 + 2] = m2;
	to->ctx.x[REG_MR0 + 3] = m3;
	to->ctx.x[REG_CPTR] = badge;
	to->ctx.x[REG_INFO] =
		moat_msginfo(moat_msginfo_label(info), 0, 0, moat_msginfo_length(info));
}

/* The capability `t` names in register `reg`, if of `type` with `right`. */
static struct cap *fast_cap(const struct tcb *t, unsigned reg, unsigned type, unsigned right)
{
	struct cap *c;

	if (!cspace_lookup_fast(&t->cspace.cap, t->ctx.x[reg], &c))
		return NULL;
	return c->type == type && (c->rights & right) == right ? c : NULL;
}

/* Into `to` (current now), in its own address space. */
static struct user_context *resume(struct tcb *to)
{
	arch_vspace_activate(&to->vspace.cap);
	return &to->ctx;
}

/* Call on an endpoint whose receiver waits with a reply object. */
static struct user_context *fast_call(struct tcb *caller)
{
	struct cap *c;
	struct endpoint *ep;
	struct tcb *dest;
	struct reply *reply;

	if (!short_message(caller->ctx.x[REG_INFO]) ||
	    !(c = fast_cap(caller, REG_CPTR, CAP_ENDPOINT, MOAT_RIGHT_WRITE)))
		return NULL;
	ep = cap_ptr(c);
	dest = ep->receivers.head;
	if (!dest || !(reply = dest->ipc.reply) || !schedule_fast_check(dest, false))
		return NULL;

	thread_queue_remove(dest);
	copy_message(caller, dest, c->data);
	reply->receiver = NULL;
	dest->ipc.reply = NULL;
	reply_bind(reply, caller, dest);
	schedule_fast_switch(dest);
	return resume(dest);
}

/* ReplyRecv answering a Call (not a fault) with no sender waiting on the endpoint. */
static struct user_context *fast_reply_recv(struct tcb *server)
{
	struct cap *rc, *ec;
	struct reply *reply;
	struct endpoint *ep;
	struct tcb *caller;

	if (!short_message(server->ctx.x[REG_INFO]) || server->bound ||
	    !(rc = fast_cap(server, REG_REPLY, CAP_REPLY, 0)) ||
	    !(ec = fast_cap(server, REG_CPTR, CAP_ENDPOINT, MOAT_RIGHT_READ)))
		return NULL;
	reply = cap_ptr(rc);
	ep = cap_ptr(ec);
	caller = reply->caller;
	if (!caller || caller->fault.label || reply->receiver || ep->senders.head ||
	    !schedule_fast_check(caller, false))
		return NULL;

	reply_take(reply);
	copy_message(server, caller, 0);
	/* The Recv half: wait on the endpoint with the same reply object. */
	server->ipc = (struct ipc_state){ .reply = reply };
	reply->receiver = server;
	thread_block(server, THREAD_BLOCKED_RECV);
	thread_queue_append(&ep->receivers, server);
	schedule_fast_switch(caller);
	return resume(caller);
}

/* Signal: done in place, with a direct switch when a waiter of higher priority wakes. */
static struct user_context *fast_signal(struct tcb *t)
{
	struct cap *c = fast_cap(t, REG_CPTR, CAP_NOTIFICATION, MOAT_RIGHT_WRITE);
	struct notification *n;
	struct tcb *woken;

	if (!c)
		return NULL;
	n = cap_ptr(c);
	t->ctx.x[REG_INFO] = moat_msginfo(MOAT_OK, 0, 0, 0);
	if (!(woken = notification_wake(n, c->data)))
		return &t->ctx;
	if (!schedule_fast_check(woken, true)) {
		/* Signalled already: the general scheduler picks who runs. */
		thread_make_runnable(woken);
		return FASTPATH_RESCHEDULE;
	}
	schedule_fast_switch(woken);
	return resume(woken);
}

static struct user_context *fast_null(struct tcb *t)
{
	t->ctx.x[REG_INFO] = moat_msginfo(MOAT_OK, 0, 0, 0);
	return &t->ctx;
}

/*
 * Each entry inlines everything it calls (`flatten`): these are the paths
 * whose instructions count.
 */
#define FAST __attribute__((flatten))

static FAST struct user_context *fast_call_entry(struct tcb *t)
{
	return fast_call(t);
}

static FAST struct user_context *fast_reply_recv_entry(struct tcb *t)
{
	return fast_reply_recv(t);
}

static FAST struct user_context *fast_signal_entry(struct tcb *t)
{
	return fast_signal(t);
}

const fastpath_fn fastpath_table[FASTPATH_TABLE_SIZE] = {
	[MOAT_SYS_NULL] = fast_null,
	[MOAT_SYS_CALL] = fast_call_entry,
	[MOAT_SYS_REPLY_RECV] = fast_reply_recv_entry,
	[MOAT_SYS_SIGNAL] = fast_signal_entry,
};
