/*
 * System call dispatch. Every register and every IPC-buffer word is user
 * input: message lengths are clamped, capability pointers resolved through
 * the caller's own CSpace, and each object invocation is decoded (no side
 * effects) before it is performed (no failure paths).
 */
#include "syscall.h"

#include <moat/syscall.h>

#include "arch/cpu.h"
#include "cnode.h"
#include "cspace.h"
#include "endpoint.h"
#include "frame.h"
#include "invariants.h"
#include "irq_handler.h"
#include "klog.h"
#include "kprintf.h"
#include "notification.h"
#include "reply.h"
#include "sched_context.h"
#include "tcb_invoke.h"
#include "thread.h"
#include "untyped.h"
#include "vcpu.h"

struct call {
	struct tcb *t;
	struct invocation inv;
	moat_word_t mr[MOAT_MSG_MAX_LENGTH];
};

static void do_notification(struct tcb *t, uint64_t sysno);

static void set_result(struct tcb *t, enum moat_error code, unsigned n, const moat_word_t *w)
{
	t->ctx.x[REG_INFO] = moat_msginfo(code, 0, 0, n);
	for (unsigned i = 0; i < n && i < MOAT_MSG_REGISTERS; i++)
		t->ctx.x[REG_MR0 + i] = w[i];
}

static void report(struct tcb *t, struct kerror e)
{
#ifdef MOAT_DEBUG_SYSCALLS
	if (klog_allow())
		kprintf("moat: %s: invocation %lu failed: %s (error %u, detail %lu)\n", tcb_name(t),
		(unsigned long)moat_msginfo_label(t->ctx.x[REG_INFO]), e.why ? e.why : "",
		e.code, (unsigned long)e.detail[0]);
#endif
	set_result(t, e.code, 3, e.detail);
}

/* Copies the message and resolves the extra capabilities, once. */
static struct kerror load_call(struct call *c, struct cte *slot)
{
	struct tcb *t = c->t;
	moat_word_t info = t->ctx.x[REG_INFO];
	unsigned len = moat_msginfo_length(info), extra = moat_msginfo_extra_caps(info);

	if (len > MOAT_MSG_MAX_LENGTH)
		len = MOAT_MSG_MAX_LENGTH;
	if (!t->ipc_buffer && len > MOAT_MSG_REGISTERS)
		len = MOAT_MSG_REGISTERS;
	for (unsigned i = 0; i < len; i++)
		c->mr[i] = i < MOAT_MSG_REGISTERS ? t->ctx.x[REG_MR0 + i] : t->ipc_buffer->msg[i];
	c->inv = (struct invocation){ .label = moat_msginfo_label(info), .length = len, .mr = c->mr,
				      .cspace = &t->cspace.cap, .slot = slot };
	if (extra && !t->ipc_buffer)
		return kerror(MOAT_INVALID_CAPABILITY, "extra capabilities need an IPC buffer", 0, 0, 0);
	for (unsigned i = 0; i < extra; i++) {
		struct lookup_result r = cspace_lookup_cap(&t->cspace.cap, t->ipc_buffer->caps[i]);

		if (r.fault != LOOKUP_OK || cap_is_null(&r.slot->cap))
			return kerror(MOAT_INVALID_CAPABILITY, "extra capability not found", i, 0, 0);
		c->inv.extra[i] = r.slot;
	}
	c->inv.extra_count = extra;
	return kerror_ok();
}

static struct kerror invoke_untyped(struct call *c)
{
	struct retype_args a;
	struct kerror e;

	if (c->inv.label != MOAT_UNTYPED_RETYPE)
		return kerror(MOAT_ILLEGAL_OPERATION, "not an untyped invocation", 0, 0, 0);
	e = untyped_decode_retype(&c->inv, &a);
	if (e.code == MOAT_OK)
		untyped_invoke_retype(c->inv.slot, &a);
	return e;
}

static struct kerror invoke_cnode(struct call *c, unsigned *n, moat_word_t *out)
{
	struct cnode_args a;
	struct kerror e = cnode_decode(&c->inv, &a);

	if (e.code == MOAT_OK)
		*n = cnode_invoke(&a, out);
	return e;
}

static struct kerror invoke_frame(struct call *c, unsigned *n, moat_word_t *out)
{
	struct map_args a;
	struct kerror e;

	if (c->inv.slot->cap.type == CAP_FRAME) {
		e = frame_decode(&c->inv, &a);
		if (e.code == MOAT_OK)
			*n = frame_invoke(&a, out);
	} else {
		e = page_table_decode(&c->inv, &a);
		if (e.code == MOAT_OK)
			page_table_invoke(&a);
	}
	return e;
}

static struct kerror invoke_sched_control(struct call *c)
{
	struct sched_control_args a;
	struct kerror e = sched_control_decode(&c->inv, &a);

	if (e.code == MOAT_OK)
		sched_control_invoke(&a);
	return e;
}

static struct kerror invoke_vcpu(struct call *c, unsigned *n, moat_word_t *out)
{
	struct vcpu_args a;
	struct kerror e = vcpu_decode(&c->inv, &a);

	if (e.code == MOAT_OK)
		*n = vcpu_invoke(&a, out);
	return e;
}

static struct kerror invoke_irq(struct call *c)
{
	struct irq_args a;
	struct kerror e = c->inv.slot->cap.type == CAP_IRQ_CONTROL ? irq_control_decode(&c->inv, &a)
								  : irq_handler_decode(&c->inv, &a);

	if (e.code == MOAT_OK)
		irq_invoke(&a);
	return e;
}

static struct kerror invoke_klog(struct call *c)
{
	struct klog_args a;
	struct kerror e = klog_decode(&c->inv, &a);

	if (e.code == MOAT_OK)
		klog_invoke(&a);
	return e;
}

static struct kerror invoke_tcb(struct call *c, unsigned *n, moat_word_t *out)
{
	struct tcb_args a;
	struct kerror e = tcb_decode(&c->inv, c->t, &a);

	if (e.code == MOAT_OK)
		*n = tcb_invoke(&a, out);
	return e;
}

/* Send or Call on an endpoint: IPC, not an invocation. */
static void send_ipc(struct tcb *t, const struct cap *ep, uint64_t sysno)
{
	struct send_args a = { .badge = ep->data, .block = sysno != MOAT_SYS_NB_SEND,
			       .is_call = sysno == MOAT_SYS_CALL,
			       .can_grant = ep->rights & MOAT_RIGHT_GRANT };

	if (!(ep->rights & MOAT_RIGHT_WRITE)) {
		if (sysno == MOAT_SYS_CALL)
			report(t, kerror(MOAT_ILLEGAL_OPERATION, "no write right on endpoint", 0, 0, 0));
		return;
	}
	endpoint_send(cap_ptr(ep), t, &a);
}

static void do_invoke(struct tcb *t, uint64_t sysno)
{
	static struct call c; /* one CPU, not reentrant: kept off the kernel stack */
	struct lookup_result r = cspace_lookup_cap(&t->cspace.cap, t->ctx.x[REG_CPTR]);
	bool want_reply = sysno == MOAT_SYS_CALL;
	moat_word_t out[3] = { 0 };
	unsigned n = 0;
	struct kerror e;

	if (r.fault == LOOKUP_OK && r.slot->cap.type == CAP_ENDPOINT) {
		send_ipc(t, &r.slot->cap, sysno);
		return;
	}
	c.t = t;
	if (r.fault != LOOKUP_OK || cap_is_null(&r.slot->cap)) {
		e = kerror(MOAT_FAILED_LOOKUP, "no capability at that address", 0, r.bits_left, 0);
	} else if ((e = load_call(&c, r.slot)).code == MOAT_OK) {
		switch (r.slot->cap.type) {
		case CAP_UNTYPED:
			e = invoke_untyped(&c);
			break;
		case CAP_CNODE:
			e = invoke_cnode(&c, &n, out);
			break;
		case CAP_TCB:
			e = invoke_tcb(&c, &n, out);
			break;
		case CAP_FRAME:
		case CAP_PAGE_TABLE:
			e = invoke_frame(&c, &n, out);
			break;
		case CAP_IRQ_CONTROL:
		case CAP_IRQ_HANDLER:
			e = invoke_irq(&c);
			break;
		case CAP_SCHED_CONTROL:
			e = invoke_sched_control(&c);
			break;
		case CAP_VCPU:
			e = invoke_vcpu(&c, &n, out);
			break;
		case CAP_KLOG:
			e = invoke_klog(&c);
			break;
		case CAP_NOTIFICATION:
			if (r.slot->cap.rights & MOAT_RIGHT_WRITE)
				notification_signal(cap_ptr(&r.slot->cap), r.slot->cap.data);
			else
				e = kerror(MOAT_ILLEGAL_OPERATION, "missing right on notification", 0, 0, 0);
			break;
		default:
			e = kerror(MOAT_ILLEGAL_OPERATION, "this capability type takes no invocations",
				   r.slot->cap.type, 0, 0);
			break;
		}
	}
	if (!want_reply || t->state != THREAD_RUNNABLE)
		return;
	if (e.code != MOAT_OK)
		report(t, e);
	else
		set_result(t, MOAT_OK, n, out);
}

/*
 * x6: a reply object, or nothing (a null slot). Inlined by force: with
 * the reply binding's bookkeeping, link-time optimisation stopped
 * inlining it, which cost 14 instructions a Recv and a Reply.
 */
static inline __attribute__((always_inline)) bool reply_arg(struct tcb *t, struct reply **out)
{
	struct lookup_result r = cspace_lookup_cap(&t->cspace.cap, t->ctx.x[REG_REPLY]);

	*out = NULL;
	if (r.fault != LOOKUP_OK || cap_is_null(&r.slot->cap))
		return true;
	if (r.slot->cap.type != CAP_REPLY) {
		report(t, kerror(MOAT_INVALID_CAPABILITY, "x6 is not a reply object", 6, 0, 0));
		return false;
	}
	*out = cap_ptr(&r.slot->cap);
	return true;
}

/* Recv and NBRecv: on an endpoint (with a reply object) or a notification. */
static void do_receive(struct tcb *t, uint64_t sysno)
{
	struct lookup_result r = cspace_lookup_cap(&t->cspace.cap, t->ctx.x[REG_CPTR]);
	bool block = sysno != MOAT_SYS_NB_RECV;
	struct reply *reply;

	if (r.fault == LOOKUP_OK && r.slot->cap.type == CAP_NOTIFICATION) {
		do_notification(t, block ? MOAT_SYS_WAIT : MOAT_SYS_POLL);
		return;
	}
	if (r.fault != LOOKUP_OK || r.slot->cap.type != CAP_ENDPOINT) {
		report(t, kerror(MOAT_INVALID_CAPABILITY, "not an endpoint or notification", 0, 0, 0));
		return;
	}
	if (!(r.slot->cap.rights & MOAT_RIGHT_READ)) {
		report(t, kerror(MOAT_ILLEGAL_OPERATION, "no read right on endpoint", 0, 0, 0));
		return;
	}
	if (!reply_arg(t, &reply))
		return;
	if (reply && reply->receiver) {
		report(t, kerror(MOAT_ILLEGAL_OPERATION, "reply object already in a Recv", 6, 0, 0));
		return;
	}
	/*
	 * A caller still bound to the object is one the server chose not to
	 * answer: it is detached and stays blocked (a faulted thread stays
	 * stopped) until it is suspended, restarted or deleted.
	 */
	if (reply)
		reply_take(reply);
	if (notification_take_bound(t))
		return;
	endpoint_receive(cap_ptr(&r.slot->cap), t, reply, block);
}

static void do_reply(struct tcb *t)
{
	struct reply *reply;

	if (reply_arg(t, &reply) && reply)
		endpoint_reply(reply, t);
}

/* Signal, Wait, Poll: x0 names a notification with the needed right. */
static struct notification *notification_arg(struct tcb *t, unsigned right, uint64_t *badge)
{
	struct lookup_result r = cspace_lookup_cap(&t->cspace.cap, t->ctx.x[REG_CPTR]);

	if (r.fault != LOOKUP_OK || r.slot->cap.type != CAP_NOTIFICATION) {
		report(t, kerror(MOAT_INVALID_CAPABILITY, "not a notification", 0, 0, 0));
		return NULL;
	}
	if (!(r.slot->cap.rights & right)) {
		report(t, kerror(MOAT_ILLEGAL_OPERATION, "missing right on notification", 0, 0, 0));
		return NULL;
	}
	*badge = r.slot->cap.data;
	return cap_ptr(&r.slot->cap);
}

static void do_notification(struct tcb *t, uint64_t sysno)
{
	uint64_t badge, word;
	unsigned right = sysno == MOAT_SYS_SIGNAL ? MOAT_RIGHT_WRITE : MOAT_RIGHT_READ;
	struct notification *n = notification_arg(t, right, &badge);

	if (!n)
		return;
	set_result(t, MOAT_OK, 0, NULL);
	if (sysno == MOAT_SYS_SIGNAL) {
		notification_signal(n, badge);
		return;
	}
	if (notification_wait(n, t, sysno == MOAT_SYS_WAIT, &word) || sysno == MOAT_SYS_POLL)
		t->ctx.x[REG_CPTR] = word;
}

/* Identify: the type and rights of the capability x0 names (0 for an empty slot). */
static void do_identify(struct tcb *t)
{
	struct lookup_result r = cspace_lookup_cap(&t->cspace.cap, t->ctx.x[REG_CPTR]);
	moat_word_t out[2];

	if (r.fault != LOOKUP_OK) {
		report(t, kerror(MOAT_FAILED_LOOKUP, cspace_fault_name(r.fault), 0, r.bits_left, 0));
		return;
	}
	out[0] = r.slot->cap.type;
	if (out[0] == CAP_FRAME && r.slot->cap.bits == MOAT_FRAME_2M_SIZE_BITS)
		out[0] = MOAT_OBJ_FRAME_2M;
	out[1] = cap_is_null(&r.slot->cap) ? 0 : r.slot->cap.rights;
	set_result(t, MOAT_OK, 2, out);
}

static uint64_t invariant_runs;

void syscall_handle(struct tcb *t)
{
	uint64_t sysno = t->ctx.x[REG_SYSNO];

#ifdef MOAT_INVARIANTS
	static unsigned calls;

	if ((++calls & 1023) == 0)
		invariant_runs = invariants_check();
#endif

	switch (sysno) {
	case MOAT_SYS_CALL:
	case MOAT_SYS_SEND:
	case MOAT_SYS_NB_SEND:
		do_invoke(t, sysno);
		break;
	case MOAT_SYS_RECV:
	case MOAT_SYS_NB_RECV:
		do_receive(t, sysno);
		break;
	case MOAT_SYS_REPLY:
		do_reply(t);
		break;
	case MOAT_SYS_REPLY_RECV:
		do_reply(t);
		do_receive(t, MOAT_SYS_RECV);
		break;
	case MOAT_SYS_SIGNAL:
	case MOAT_SYS_WAIT:
	case MOAT_SYS_POLL:
		do_notification(t, sysno);
		break;
	case MOAT_SYS_YIELD:
		thread_yield();
		break;
	case MOAT_SYS_IDENTIFY:
		do_identify(t);
		break;
#ifdef MOAT_DEBUG_SYSCALLS
	case MOAT_SYS_DEBUG_PUTC:
		klog_put(t, (char)t->ctx.x[0]);
		break;
	case MOAT_SYS_DEBUG_HALT:
		klog_emergency(); /* the console's domains will not run again */
		kprintf("moat: %s halted the system with status %lu\n", tcb_name(t),
			t->ctx.x[0] & 0xff);
		if (invariant_runs)
			kprintf("moat: kernel invariants held at %lu checks; %lu log lines "
				"suppressed\n",
				invariants_check(), klog_suppressed());
		arch_system_halt((enum halt_status)(t->ctx.x[0] & 0xff));
#endif
	default:
		report(t, kerror(MOAT_ILLEGAL_OPERATION, "unknown system call", sysno, 0, 0));
		break;
	}
}
