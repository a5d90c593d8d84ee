/*
 * TCB invocations and TCB finalisation.
 *   Configure: extra caps CSpace root (CNode), VSpace, IPC buffer frame
 *     (optional: pass 2 extra caps to omit it); MR0 fault endpoint cptr
 *     (0: none).
 *   SetPriority / SetMCP: MR0 value, at most the invoker's own MCP.
 *   ReadRegisters: MR0 count -> pc, sp, x0, x1... (up to 3 words today).
 *   WriteRegisters: MR0 pc, MR1 sp, MR2.. x0, x1 (as many as given).
 *   Resume, Suspend: no arguments. SetName: MR0-MR3, 8 characters each.
 *   SetSchedContext: extra cap a scheduling context bound to no thread, or
 *     no extra cap to unbind the thread's own.
 *   BindNotification: extra cap a notification (read right) bound to no
 *     thread; UnbindNotification: no arguments.
 *   SetVCPU: extra caps a VCPU bound to no thread and a GuestSpace; the
 *     thread (configured, not started) then runs that guest CPU at EL1.
 */
#include "tcb_invoke.h"

#include "cdt.h"
#include "notification.h"
#include "phys.h"
#include "reply.h"
#include "sched_context.h"
#include "string.h"
#include "thread.h"
#include "vcpu.h"

#define WRITE_REGS_MAX 8

static struct kerror decode_configure(const struct invocation *inv, struct tcb_args *a)
{
	const struct cap *cs, *vs, *buf = NULL;

	if (inv->length < 1)
		return kerror(MOAT_TRUNCATED_MESSAGE, "Configure takes a fault endpoint", 1, 0, 0);
	if (inv->extra_count < 2)
		return kerror(MOAT_INVALID_CAPABILITY, "Configure needs CSpace and VSpace", 0, 0, 0);
	cs = &inv->extra[0]->cap;
	vs = &inv->extra[1]->cap;
	if (cs->type != CAP_CNODE)
		return kerror(MOAT_INVALID_CAPABILITY, "CSpace root is not a CNode", 0, 0, 0);
	if (vs->type != CAP_VSPACE)
		return kerror(MOAT_INVALID_CAPABILITY, "not a VSpace", 1, 0, 0);
	if (inv->extra_count > 2) {
		buf = &inv->extra[2]->cap;
		if (buf->type != CAP_FRAME || buf->bits != 12 ||
		    (buf->rights & (MOAT_RIGHT_READ | MOAT_RIGHT_WRITE)) !=
			    (MOAT_RIGHT_READ | MOAT_RIGHT_WRITE))
			return kerror(MOAT_INVALID_CAPABILITY, "IPC buffer must be a writable 4 KiB frame",
				      2, 0, 0);
	}
	a->src[0] = inv->extra[0];
	a->src[1] = inv->extra[1];
	a->src[2] = buf ? inv->extra[2] : NULL;
	a->value = inv->mr[0];
	return kerror_ok();
}

static struct kerror decode_value(const struct invocation *inv, struct tcb_args *a,
				  unsigned limit)
{
	if (inv->length < 1)
		return kerror(MOAT_TRUNCATED_MESSAGE, "missing argument", 1, 0, 0);
	if (inv->mr[0] > limit)
		return KERR_RANGE("priority above the invoker's MCP", 0, 0, limit);
	a->value = inv->mr[0];
	return kerror_ok();
}

static struct kerror decode_sched_context(const struct invocation *inv, struct tcb_args *a)
{
	struct sched_context *sc;

	a->object = NULL;
	if (inv->extra_count == 0)
		return kerror_ok();
	if (inv->extra[0]->cap.type != CAP_SCHED_CONTEXT)
		return kerror(MOAT_INVALID_CAPABILITY, "not a scheduling context", 0, 0, 0);
	sc = cap_ptr(&inv->extra[0]->cap);
	if (sc->tcb && sc->tcb != a->target)
		return kerror(MOAT_ILLEGAL_OPERATION, "scheduling context bound to another thread",
			      0, 0, 0);
	a->object = sc;
	return kerror_ok();
}

static struct kerror decode_bind_notification(const struct invocation *inv, struct tcb_args *a)
{
	const struct cap *c;
	struct notification *n;

	if (inv->extra_count < 1 || inv->extra[0]->cap.type != CAP_NOTIFICATION)
		return kerror(MOAT_INVALID_CAPABILITY, "not a notification", 0, 0, 0);
	c = &inv->extra[0]->cap;
	if (!(c->rights & MOAT_RIGHT_READ))
		return kerror(MOAT_ILLEGAL_OPERATION, "binding needs the read right", 0, 0, 0);
	n = cap_ptr(c);
	if (a->target->bound)
		return kerror(MOAT_ILLEGAL_OPERATION, "thread already has a notification", 0, 0, 0);
	if (n->bound_tcb)
		return kerror(MOAT_ILLEGAL_OPERATION, "notification bound to another thread", 0, 0,
			      0);
	a->object = n;
	return kerror_ok();
}

static struct kerror decode_set_vcpu(const struct invocation *inv, struct tcb_args *a)
{
	const struct cap *v, *gs;

	if (inv->extra_count < 2)
		return kerror(MOAT_INVALID_CAPABILITY, "SetVCPU needs a VCPU and a GuestSpace", 0, 0,
			      0);
	v = &inv->extra[0]->cap;
	gs = &inv->extra[1]->cap;
	if (v->type != CAP_VCPU)
		return kerror(MOAT_INVALID_CAPABILITY, "not a VCPU", 0, 0, 0);
	if (gs->type != CAP_GUEST_SPACE)
		return kerror(MOAT_INVALID_CAPABILITY, "not a GuestSpace", 1, 0, 0);
	if (vcpu_bound(cap_ptr(v)) || a->target->vcpu)
		return kerror(MOAT_ILLEGAL_OPERATION, "VCPU or thread already bound", 0, 0, 0);
	if (a->target->state != THREAD_INACTIVE)
		return kerror(MOAT_ILLEGAL_OPERATION, "bind a VCPU before the thread starts", 0, 0, 0);
	a->object = cap_ptr(v);
	a->src[1] = inv->extra[1];
	return kerror_ok();
}

struct kerror tcb_decode(const struct invocation *inv, struct tcb *invoker, struct tcb_args *a)
{
	a->label = inv->label;
	a->target = cap_ptr(&inv->slot->cap);
	a->invoker = invoker;
	switch (inv->label) {
	case MOAT_TCB_CONFIGURE:
		return decode_configure(inv, a);
	case MOAT_TCB_SET_PRIORITY:
	case MOAT_TCB_SET_MCP:
		return decode_value(inv, a, invoker->mcp);
	case MOAT_TCB_RESUME:
		if (a->target->cspace.cap.type != CAP_CNODE ||
		    a->target->vspace.cap.type != (a->target->vcpu ? CAP_GUEST_SPACE : CAP_VSPACE))
			return kerror(MOAT_ILLEGAL_OPERATION, "configure the thread first", 0, 0, 0);
		return kerror_ok();
	case MOAT_TCB_SET_VCPU:
		return decode_set_vcpu(inv, a);
	case MOAT_TCB_SUSPEND:
	case MOAT_TCB_READ_REGISTERS:
		return kerror_ok();
	case MOAT_TCB_SET_SCHED_CONTEXT:
		return decode_sched_context(inv, a);
	case MOAT_TCB_BIND_NOTIFICATION:
		return decode_bind_notification(inv, a);
	case MOAT_TCB_UNBIND_NOTIFICATION:
		if (!a->target->bound)
			return kerror(MOAT_ILLEGAL_OPERATION, "no notification bound", 0, 0, 0);
		return kerror_ok();
	case MOAT_TCB_SET_NAME:
		memset(a->regs, 0, sizeof(a->regs));
		memcpy(a->regs, inv->mr, (inv->length < 4 ? inv->length : 4) * sizeof(moat_word_t));
		return kerror_ok();
	case MOAT_TCB_WRITE_REGISTERS:
		if (a->target == invoker)
			return kerror(MOAT_ILLEGAL_OPERATION, "a thread cannot write its own registers",
				      0, 0, 0);
		if (inv->length < 2)
			return kerror(MOAT_TRUNCATED_MESSAGE, "need pc and sp", 2, 0, 0);
		a->count = inv->length > WRITE_REGS_MAX ? WRITE_REGS_MAX : inv->length;
		memcpy(a->regs, inv->mr, a->count * sizeof(moat_word_t));
		return kerror_ok();
	default:
		return kerror(MOAT_ILLEGAL_OPERATION, "not a TCB invocation", 0, 0, 0);
	}
}

static void replace_slot(struct cte *slot, struct cte *src)
{
	cap_delete(slot);
	/* Deleting the old capability may have emptied the CNode src was in. */
	if (!src || cap_is_null(&src->cap))
		return;
	slot->cap = src->cap;
	cdt_insert(src, slot);
}

static void configure(const struct tcb_args *a)
{
	struct tcb *t = a->target;

	replace_slot(&t->cspace, a->src[0]);
	replace_slot(&t->vspace, a->src[1]);
	replace_slot(&t->ipc_frame, a->src[2]);
	t->ipc_buffer = a->src[2] ? phys_to_kva(pa_make(a->src[2]->cap.obj)) : NULL;
	t->fault_ep = a->value;
}

static void set_priority(struct tcb *t, unsigned prio)
{
	bool queued = t->run.queued;

	if (queued)
		thread_block(t, THREAD_RUNNABLE);
	t->priority = (uint8_t)prio;
	if (queued)
		thread_make_runnable(t);
}

unsigned tcb_invoke(const struct tcb_args *a, moat_word_t out[3])
{
	struct tcb *t = a->target;

	switch (a->label) {
	case MOAT_TCB_CONFIGURE:
		configure(a);
		return 0;
	case MOAT_TCB_SET_PRIORITY:
		set_priority(t, (unsigned)a->value);
		return 0;
	case MOAT_TCB_SET_MCP:
		t->mcp = (uint8_t)a->value;
		return 0;
	case MOAT_TCB_RESUME:
		if (t->state == THREAD_INACTIVE)
			thread_make_runnable(t);
		return 0;
	case MOAT_TCB_SUSPEND:
		thread_suspend(t);
		return 0;
	case MOAT_TCB_SET_SCHED_CONTEXT:
		if (a->object != t->sc)
			sched_context_bind(t, a->object);
		return 0;
	case MOAT_TCB_SET_VCPU:
		replace_slot(&t->vspace, a->src[1]);
		vcpu_bind(a->object, t);
		return 0;
	case MOAT_TCB_BIND_NOTIFICATION:
		notification_bind(a->object, t);
		return 0;
	case MOAT_TCB_UNBIND_NOTIFICATION:
		notification_bind(t->bound, NULL);
		return 0;
	case MOAT_TCB_READ_REGISTERS:
		out[0] = t->ctx.pc;
		out[1] = t->ctx.sp;
		out[2] = t->ctx.x[0];
		return 3;
	case MOAT_TCB_WRITE_REGISTERS:
		t->ctx.pc = a->regs[0];
		t->ctx.sp = a->regs[1];
		for (unsigned i = 2; i < a->count; i++)
			t->ctx.x[i - 2] = a->regs[i];
		return 0;
	default: /* set name */
		memcpy(t->name, a->regs, sizeof(t->name) - 1);
		t->name[sizeof(t->name) - 1] = '\0';
		return 0;
	}
}

void tcb_finalise(struct tcb *t)
{
	thread_suspend(t);
	if (t->vcpu)
		vcpu_unbind(t->vcpu);
	if (t->sc)
		sched_context_bind(t, NULL);
	if (t->bound)
		notification_bind(t->bound, NULL);
	reply_forget_server(t);
	cap_delete(&t->cspace);
	cap_delete(&t->vspace);
	cap_delete(&t->ipc_frame);
	t->ipc_buffer = NULL;
}
