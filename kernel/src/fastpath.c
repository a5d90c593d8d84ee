/* The IPC fastpath; see fastpath.h. */
#include "fastpath.h"

#include "cspace.h"
#include "endpoint.h"
#include "thread.h"

/* A message the fastpath can carry: registers only, no capabilities. */
static bool short_message(moat_word_t info)
{
	return moat_msginfo_extra_caps(info) == 0 &&
	       moat_msginfo_length(info) <= MOAT_MSG_REGISTERS;
}

static void copy_message(const struct tcb *from, struct tcb *to, moat_word_t badge)
{
	moat_word_t info = from->ctx.x[REG_INFO];

	to->ctx.x[REG_MR0 + 0] = from->ctx.x[REG_MR0 + 0];
	to->ctx.x[REG_MR0 + 1] = from->ctx.x[REG_MR0 + 1];
	to->ctx.x[REG_MR0 + 2] = from->ctx.x[REG_MR0 + 2];
	to->ctx.x[REG_MR0 + 3] = from->ctx.x[REG_MR0 + 3];
	to->ctx.x[REG_CPTR] = badge;
	to->ctx.x[REG_INFO] =
		moat_msginfo(moat_msginfo_label(info), 0, 0, moat_msginfo_length(info));
}

bool fastpath_call(struct tcb *caller)
{
	struct lookup_result r;
	struct endpoint *ep;
	struct tcb *dest;
	struct reply *reply;

	if (!short_message(caller->ctx.x[REG_INFO]))
		return false;
	r = cspace_lookup_cap(&caller->cspace.cap, caller->ctx.x[REG_CPTR]);
	if (r.fault != LOOKUP_OK || r.slot->cap.type != CAP_ENDPOINT ||
	    !(r.slot->cap.rights & MOAT_RIGHT_WRITE))
		return false;
	ep = cap_ptr(&r.slot->cap);
	dest = ep->receivers.head;
	if (!dest || !(reply = dest->ipc.reply))
		return false;

	thread_queue_remove(dest);
	copy_message(caller, dest, r.slot->cap.data);
	reply->receiver = NULL;
	dest->ipc.reply = NULL;
	reply_bind(reply, caller);
	thread_make_runnable(dest);
	return true;
}

bool fastpath_reply_recv(struct tcb *server)
{
	struct lookup_result rr, re;
	struct reply *reply;
	struct endpoint *ep;
	struct tcb *caller;

	if (!short_message(server->ctx.x[REG_INFO]) || server->bound)
		return false;
	rr = cspace_lookup_cap(&server->cspace.cap, server->ctx.x[REG_REPLY]);
	if (rr.fault != LOOKUP_OK || rr.slot->cap.type != CAP_REPLY)
		return false;
	reply = cap_ptr(&rr.slot->cap);
	caller = reply->caller;
	if (!caller || caller->fault.label || reply->receiver)
		return false;
	re = cspace_lookup_cap(&server->cspace.cap, server->ctx.x[REG_CPTR]);
	if (re.fault != LOOKUP_OK || re.slot->cap.type != CAP_ENDPOINT ||
	    !(re.slot->cap.rights & MOAT_RIGHT_READ))
		return false;
	ep = cap_ptr(&re.slot->cap);
	if (ep->senders.head)
		return false;

	reply_take(reply);
	copy_message(server, caller, 0);
	thread_make_runnable(caller);
	/* The Recv half: wait on the endpoint with the same reply object. */
	server->ipc = (struct ipc_state){ .reply = reply };
	reply->receiver = server;
	thread_block(server, THREAD_BLOCKED_RECV);
	thread_queue_append(&ep->receivers, server);
	return true;
}
