/*
 * C side of the exception vectors: interrupts go to the kernel's IRQ
 * dispatcher; anything else is, for now, unexpected and reported in full
 * before the system stops.
 */
#include "trap.h"

#include "arch/irq.h"
#include "arch/vspace.h"
#include <moat/hypercall.h>

#include "asm.h"
#include "cap.h"
#include "endpoint.h"
#include "esr.h"
#include "fastpath.h"
#include "irq.h"
#include "klog.h"
#include "kprintf.h"
#include "panic.h"
#include "reply.h"
#include "sched.h"
#include "schedule.h"
#include "sysreg.h"
#include "syscall.h"
#include "thread.h"
#include "vcpu.h"

_Static_assert(FASTPATH_TABLE_SIZE == FASTPATH_TABLE_ENTRIES, "asm.h FASTPATH_TABLE_ENTRIES");

/* What fastpath.S knows of the kernel's structures (asm.h). */
#define ASM_OFFSET(type, field, value) \
	_Static_assert(offsetof(type, field) == (value), "asm.h " #value)
ASM_OFFSET(struct tcb, fault.label, TCB_FAULT_LABEL);
ASM_OFFSET(struct tcb, wait_next, TCB_WAIT_NEXT);
ASM_OFFSET(struct tcb, wait_prev, TCB_WAIT_PREV);
ASM_OFFSET(struct tcb, waiting_on, TCB_WAITING_ON);
ASM_OFFSET(struct tcb, ipc.badge, TCB_IPC_BADGE);
ASM_OFFSET(struct tcb, ipc.is_call, TCB_IPC_BADGE + 8);
ASM_OFFSET(struct tcb, ipc.can_grant, TCB_IPC_BADGE + 9);
ASM_OFFSET(struct tcb, ipc.reply, TCB_IPC_REPLY);
ASM_OFFSET(struct tcb, state, TCB_STATE);
ASM_OFFSET(struct tcb, priority, TCB_PRIORITY);
ASM_OFFSET(struct tcb, cspace.cap, TCB_CSPACE);
ASM_OFFSET(struct tcb, vspace.cap, TCB_VSPACE);
ASM_OFFSET(struct tcb, sc, TCB_SC);
ASM_OFFSET(struct tcb, bound, TCB_BOUND);
ASM_OFFSET(struct tcb, serving, TCB_SERVING);
ASM_OFFSET(struct cap, type, 0);
ASM_OFFSET(struct cap, rights, 1);
ASM_OFFSET(struct cap, bits, 2);
ASM_OFFSET(struct cap, flags, 3);
ASM_OFFSET(struct cap, extra, CAP_EXTRA);
ASM_OFFSET(struct cap, obj, CAP_OBJ);
ASM_OFFSET(struct cap, data, CAP_OBJ + 8);
ASM_OFFSET(struct endpoint, senders, EP_SENDERS);
ASM_OFFSET(struct endpoint, receivers.head, EP_RECEIVERS);
ASM_OFFSET(struct endpoint, receivers.tail, EP_RECEIVERS + 8);
ASM_OFFSET(struct reply, caller, REPLY_CALLER);
ASM_OFFSET(struct reply, receiver, REPLY_RECEIVER);
ASM_OFFSET(struct cpu, run_start, CPU_RUN_START);
ASM_OFFSET(struct sched, top, SCHED_TOP);
ASM_OFFSET(struct sched, words, SCHED_WORDS);
_Static_assert(sizeof(struct cte) == 1u << CTE_SIZE_BITS, "asm.h CTE_SIZE_BITS");
_Static_assert(sizeof(((struct tcb *)0)->state) == 4 && THREAD_RUNNABLE == THREAD_STATE_RUNNABLE &&
		       THREAD_BLOCKED_RECV == THREAD_STATE_BLOCKED_RECV &&
		       THREAD_BLOCKED_REPLY == THREAD_STATE_BLOCKED_REPLY,
	       "asm.h THREAD_STATE_*");
_Static_assert(CAP_CNODE == CAP_TYPE_CNODE && CAP_ENDPOINT == CAP_TYPE_ENDPOINT &&
		       CAP_REPLY == CAP_TYPE_REPLY && CAP_VSPACE == CAP_TYPE_VSPACE,
	       "asm.h CAP_TYPE_*");
_Static_assert(MOAT_RIGHT_READ == 1u << RIGHT_READ_BIT && MOAT_RIGHT_WRITE == 1u << RIGHT_WRITE_BIT,
	       "asm.h RIGHT_*_BIT");
_Static_assert(MOAT_HVC_NULL == MOAT_HVC_NULL_ASM && ESR_EC_HVC64 == ESR_EC_HVC64_ASM &&
		       ESR_EC_SVC64 == ESR_EC_SVC64_ASM,
	       "asm.h: the hypercall and syndrome numbers the vectors use");
_Static_assert(MOAT_MSG_REGISTERS == 4 && MOAT_SYS_CALL == MOAT_SYS_CALL_ASM &&
		       MOAT_SYS_REPLY_RECV == MOAT_SYS_REPLY_RECV_ASM,
	       "fastpath.S: MR0-MR3 in x2-x5, the system call numbers");
_Static_assert(FASTPATH_RESCHEDULE_VALUE == FASTPATH_RESCHEDULE_ASM, "vectors.S: el0_switch");

static const char *const vector_names[16] = {
	"synchronous, current EL with SP_EL0", "IRQ, current EL with SP_EL0",
	"FIQ, current EL with SP_EL0",         "SError, current EL with SP_EL0",
	"synchronous, current EL with SP_ELx", "IRQ, current EL with SP_ELx",
	"FIQ, current EL with SP_ELx",         "SError, current EL with SP_ELx",
	"synchronous, lower EL (AArch64)",     "IRQ, lower EL (AArch64)",
	"FIQ, lower EL (AArch64)",             "SError, lower EL (AArch64)",
	"synchronous, lower EL (AArch32)",     "IRQ, lower EL (AArch32)",
	"FIQ, lower EL (AArch32)",             "SError, lower EL (AArch32)",
};

enum {
	VEC_CUR_SPX_IRQ = 5,
	VEC_LOWER64_IRQ = 9,
};

static void report_registers(const struct trap_frame *f)
{
	for (unsigned i = 0; i < 30; i += 2)
		kprintf("  x%-2u %016lx  x%-2u %016lx\n", i, f->x[i], i + 1, f->x[i + 1]);
	kprintf("  x30 %016lx  sp  %016lx  sp_el0 %016lx\n", f->x[30], f->sp, f->sp_el0);
}

NORETURN static void report_unexpected(const struct trap_frame *f, unsigned kind)
{
	char iss[96];
	unsigned ec = ESR_EC(f->esr);

	esr_describe_iss(f->esr, iss, sizeof(iss));
	klog_emergency(); /* the report ends in a panic: straight to the UART */
	kprintf("\n*** unexpected exception in the kernel: %s\n", vector_names[kind & 15]);
	kprintf("  ESR 0x%016lx: EC 0x%02x: %s, IL %u\n", f->esr, ec, esr_class_name(ec),
		(unsigned)ESR_IL(f->esr));
	kprintf("  ISS 0x%07lx: %s\n", (unsigned long)ESR_ISS(f->esr), iss);
	kprintf("  FAR 0x%016lx  ELR 0x%016lx  SPSR 0x%016lx\n", f->far, f->elr, f->spsr);
	report_registers(f);
	panic("unexpected exception (EC 0x%02x) at 0x%016lx", ec, f->elr);
}

/*
 * A native thread faulted: its fault handler gets a fault message; a thread
 * without one is reported and suspended.
 */
static void user_fault(struct tcb *t, uint64_t esr)
{
	char iss[96];
	unsigned ec = ESR_EC(esr);
	bool abort = esr_is_abort(esr);
	uint64_t far = sysreg_read(far_el2);

	t->fault = (struct fault_state){
		.label = abort ? MOAT_FAULT_VM : MOAT_FAULT_USER_EXCEPTION,
		.mr = { t->ctx.pc, far, esr,
			(ec == ESR_EC_IABT_LOWER ? MOAT_FAULT_FLAG_FETCH : 0) |
				(abort && ec == ESR_EC_DABT_LOWER && (esr & (1u << 6))
					 ? MOAT_FAULT_FLAG_WRITE
					 : 0) },
	};
	if (endpoint_send_fault(t))
		return;
	t->fault.label = 0;
	thread_block(t, THREAD_INACTIVE);
	if (!klog_allow())
		return;

	esr_describe_iss(esr, iss, sizeof(iss));
	kprintf("moat: thread '%s' faulted: EC 0x%02x: %s (%s)\n", tcb_name(t), ec, esr_class_name(ec),
		iss);
	kprintf("moat:   FAR 0x%016lx  PC 0x%016lx  SP 0x%016lx; thread suspended\n", far,
		t->ctx.pc, t->ctx.sp);
}

/*
 * The next thread to run (the scheduler idles until there is one),
 * activated. A vCPU thread goes straight into its guest from here
 * (guest_restore); a native thread's context is returned.
 */
static struct user_context *next_context(void)
{
	struct tcb *t;

	for (;;) {
		t = schedule();
		if (!t->vcpu)
			break;
		if (vcpu_enter(t))
			guest_restore(&t->ctx);
	}
	arch_vspace_activate(&t->vspace.cap);
	return &t->ctx;
}

/*
 * Entry from EL0 (vectors.S has saved the registers into the current
 * thread's context); returns the context to resume.
 */
struct user_context *user_entry(unsigned kind)
{
	struct tcb *t = thread_current();
	uint64_t esr = sysreg_read(esr_el2);

	if (t->vcpu)
		vcpu_leave(t); /* before anything else: its EL1 state is still live */
	schedule_charge();
	if (kind == VEC_LOWER64_IRQ)
		irq_handle();
	else if (t->vcpu)
		vcpu_handle_exit(t, esr);
	else if (ESR_EC(esr) == ESR_EC_SVC64)
		syscall_handle(t);
	else
		user_fault(t, esr);
	return next_context();
}

void trap_entry(struct trap_frame *frame, unsigned kind)
{
	switch (kind) {
	case VEC_CUR_SPX_IRQ:
		irq_handle();
		return;
	default:
		report_unexpected(frame, kind);
	}
}

/*
 * Into the thread the scheduler chooses, with nobody's context live: at
 * boot, and after a fastpath's FASTPATH_RESCHEDULE (vectors.S, el0_switch).
 */
void trap_schedule_enter(void)
{
	user_restore(next_context());
}
