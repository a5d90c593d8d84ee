/*
 * Endpoint IPC. The message is copied once, from the sender's saved
 * registers and IPC buffer straight into the receiver's; lengths are
 * clamped to what both sides can hold. A capability moves only if the
 * sender's endpoint capability has the grant right, and only into the
 * receive slot the receiver named in its IPC buffer.
 */
#include "endpoint.h"

#include "cdt.h"
#include "cspace.h"
#include "thread.h"
#include "vcpu.h"

static struct cte *receive_slot(struct tcb *to)
{
	const struct moat_ipc_buffer *b = to->ipc_buffer;
	struct lookup_result r;

	if (!b || b->receive_depth < 1 || b->receive_depth > 64)
		return NULL;
	r = cspace_lookup_cap(&to->cspace.cap, b->receive_cnode);
	if (r.fault != LOOKUP_OK || r.slot->cap.type != CAP_CNODE)
		return NULL;
	r = cspace_lookup_slot(&r.slot->cap, b->receive_index, (unsigned)b->receive_depth);
	if (r.fault != LOOKUP_OK || !cap_is_null(&r.slot->cap))
		return NULL;
	return r.slot;
}

/* Moves (a copy of) the sender's first extra capability; returns how many moved. */
static unsigned transfer_cap(struct tcb *from, struct tcb *to)
{
	struct lookup_result src = cspace_lookup_cap(&from->cspace.cap, from->ipc_buffer->caps[0]);
	struct cte *dest;
	struct cap c;

	if (src.fault != LOOKUP_OK || !cap_derive(&src.slot->cap, &c))
		return 0;
	dest = receive_slot(to);
	if (!dest)
		return 0;
	dest->cap = c;
	cdt_insert(src.slot, dest);
	return 1;
}

/* A faulting thread's message is its fault; the reply to it only resumes it. */
static bool transfer_fault(struct tcb *from, struct tcb *to, uint64_t badge)
{
	if (to->fault.label) {
		if (to->vcpu)
			vcpu_fault_reply(to, from);
		to->fault.label = 0;
		return true;
	}
	if (!from->fault.label)
		return false;
	for (unsigned i = 0; i < MOAT_FAULT_LENGTH; i++)
		to->ctx.x[REG_MR0 + i] = from->fault.mr[i];
	to->ctx.x[REG_CPTR] = badge;
	to->ctx.x[REG_INFO] = moat_msginfo(from->fault.label, 0, 0, MOAT_FAULT_LENGTH);
	return true;
}

static void transfer(struct tcb *from, struct tcb *to, uint64_t badge, bool can_grant)
{
	moat_word_t info = from->ctx.x[REG_INFO];
	unsigned len = moat_msginfo_length(info), caps = 0;

	if (transfer_fault(from, to, badge))
		return;
	if (len > MOAT_MSG_MAX_LENGTH)
		len = MOAT_MSG_MAX_LENGTH;
	if ((!from->ipc_buffer || !to->ipc_buffer) && len > MOAT_MSG_REGISTERS)
		len = MOAT_MSG_REGISTERS;
	for (unsigned i = 0; i < len && i < MOAT_MSG_REGISTERS; i++)
		to->ctx.x[REG_MR0 + i] = from->ctx.x[REG_MR0 + i];
	for (unsigned i = MOAT_MSG_REGISTERS; i < len; i++)
		to->ipc_buffer->msg[i] = from->ipc_buffer->msg[i];
	if (can_grant && moat_msginfo_extra_caps(info) && from->ipc_buffer)
		caps = transfer_cap(from, to);
	to->ctx.x[REG_CPTR] = badge;
	to->ctx.x[REG_INFO] = moat_msginfo(moat_msginfo_label(info), 0, caps, len);
}

/* The sender of a Call with nobody able to reply: it resumes with an error. */
static void call_without_reply(struct tcb *caller)
{
	if (caller->fault.label) { /* nobody will handle the fault: stop it */
		caller->fault.label = 0;
		thread_block(caller, THREAD_INACTIVE);
		return;
	}
	caller->ctx.x[REG_INFO] = moat_msginfo(MOAT_INVALID_CAPABILITY, 0, 0, 0);
	thread_make_runnable(caller);
}

void endpoint_send(struct endpoint *ep, struct tcb *sender, const struct send_args *a)
{
	struct tcb *r = thread_queue_pop(&ep->receivers);

	if (r) {
		struct reply *reply = r->ipc.reply;

		transfer(sender, r, a->badge, a->can_grant);
		if (reply)
			reply->receiver = NULL;
		r->ipc.reply = NULL;
		thread_make_runnable(r);
		if (a->is_call && reply)
			reply_bind(reply, sender, r);
		else if (a->is_call)
			call_without_reply(sender);
		return;
	}
	if (!a->block)
		return;
	sender->ipc = (struct ipc_state){ .badge = a->badge, .is_call = a->is_call,
					  .can_grant = a->can_grant };
	thread_block(sender, THREAD_BLOCKED_SEND);
	thread_queue_append(&ep->senders, sender);
}

void endpoint_receive(struct endpoint *ep, struct tcb *receiver, struct reply *reply,
		      bool block)
{
	struct tcb *s = thread_queue_pop(&ep->senders);

	if (s) {
		transfer(s, receiver, s->ipc.badge, s->ipc.can_grant);
		if (!s->ipc.is_call)
			thread_make_runnable(s);
		else if (reply)
			reply_bind(reply, s, receiver);
		else
			call_without_reply(s);
		return;
	}
	if (!block) {
		receiver->ctx.x[REG_CPTR] = 0;
		receiver->ctx.x[REG_INFO] = 0;
		return;
	}
	receiver->ipc = (struct ipc_state){ .reply = reply };
	if (reply)
		reply->receiver = receiver;
	thread_block(receiver, THREAD_BLOCKED_RECV);
	thread_queue_append(&ep->receivers, receiver);
}

void endpoint_reply(struct reply *r, struct tcb *replier)
{
	struct tcb *caller = reply_take(r);

	if (!caller)
		return;
	transfer(replier, caller, 0, false);
	thread_make_runnable(caller);
}

bool endpoint_send_fault(struct tcb *t)
{
	struct lookup_result r;
	struct send_args a = { .block = true, .is_call = true };

	if (!t->fault_ep || t->cspace.cap.type != CAP_CNODE)
		return false;
	r = cspace_lookup_cap(&t->cspace.cap, t->fault_ep);
	if (r.fault != LOOKUP_OK || r.slot->cap.type != CAP_ENDPOINT ||
	    !(r.slot->cap.rights & MOAT_RIGHT_WRITE))
		return false;
	a.badge = r.slot->cap.data;
	endpoint_send(cap_ptr(&r.slot->cap), t, &a);
	return true;
}

void endpoint_finalise(struct endpoint *ep)
{
	struct tcb *t;

	while ((t = ep->senders.head))
		thread_restart(t);
	while ((t = ep->receivers.head))
		thread_restart(t);
}
