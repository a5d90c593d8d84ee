/*
 * C side of the exception vectors: interrupts go to the kernel's IRQ
 * dispatcher; anything else is, for now, unexpected and reported in full
 * before the system stops.
 */
#include "trap.h"

#include "arch/irq.h"
#include "arch/vspace.h"
#include "endpoint.h"
#include "esr.h"
#include "irq.h"
#include "kprintf.h"
#include "panic.h"
#include "schedule.h"
#include "sysreg.h"
#include "syscall.h"
#include "thread.h"

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
	VEC_LOWER64_SYNC = 8,
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
	kprintf("\n*** unexpected exception in the kernel: %s\n", vector_names[kind & 15]);
	kprintf("  ESR 0x%016lx: EC 0x%02x: %s, IL %u\n", f->esr, ec, esr_class_name(ec),
		(unsigned)ESR_IL(f->esr));
	kprintf("  ISS 0x%07lx: %s\n", (unsigned long)ESR_ISS(f->esr), iss);
	kprintf("  FAR 0x%016lx  ELR 0x%016lx  SPSR 0x%016lx\n", f->far, f->elr, f->spsr);
	report_registers(f);
	panic("unexpected exception (EC 0x%02x) at 0x%016lx", ec, f->elr);
}

static void save_user(struct tcb *t, const struct trap_frame *f)
{
	for (unsigned i = 0; i < 31; i++)
		t->ctx.x[i] = f->x[i];
	t->ctx.sp = f->sp_el0;
	t->ctx.pc = f->elr;
	t->ctx.spsr = f->spsr;
	t->ctx.tpidr = sysreg_read(tpidr_el0);
}

static void load_user(const struct tcb *t, struct trap_frame *f)
{
	for (unsigned i = 0; i < 31; i++)
		f->x[i] = t->ctx.x[i];
	f->sp_el0 = t->ctx.sp;
	f->elr = t->ctx.pc;
	f->spsr = CONTEXT_SPSR_EL0; /* never anything a thread could have asked for */
	sysreg_write(tpidr_el0, t->ctx.tpidr);
}

/*
 * A native thread faulted: its fault handler gets a fault message; a thread
 * without one is reported and suspended.
 */
static void user_fault(struct tcb *t, const struct trap_frame *f)
{
	char iss[96];
	unsigned ec = ESR_EC(f->esr);
	bool abort = esr_is_abort(f->esr);

	t->fault = (struct fault_state){
		.label = abort ? MOAT_FAULT_VM : MOAT_FAULT_USER_EXCEPTION,
		.mr = { f->elr, f->far, f->esr,
			(ec == ESR_EC_IABT_LOWER ? MOAT_FAULT_FLAG_FETCH : 0) |
				(abort && ec == ESR_EC_DABT_LOWER && (f->esr & (1u << 6))
					 ? MOAT_FAULT_FLAG_WRITE
					 : 0) },
	};
	if (endpoint_send_fault(t))
		return;
	t->fault.label = 0;
	thread_block(t, THREAD_INACTIVE);
	if (!klog_allow())
		return;

	esr_describe_iss(f->esr, iss, sizeof(iss));
	kprintf("moat: thread '%s' faulted: EC 0x%02x: %s (%s)\n", tcb_name(t), ec, esr_class_name(ec),
		iss);
	kprintf("moat:   FAR 0x%016lx  PC 0x%016lx  SP 0x%016lx; thread suspended\n", f->far,
		f->elr, f->sp_el0);
}

/* Picks the next thread (the scheduler idles until there is one), loads it into `f`. */
static void return_to_user(struct trap_frame *f)
{
	struct tcb *t = schedule();

	arch_vspace_activate(&t->vspace.cap);
	load_user(t, f);
}

static void from_user(struct trap_frame *f, unsigned kind)
{
	struct tcb *t = thread_current();

	schedule_charge();
	save_user(t, f);
	if (kind == VEC_LOWER64_IRQ)
		irq_handle();
	else if (ESR_EC(f->esr) == ESR_EC_SVC64)
		syscall_handle(t);
	else
		user_fault(t, f);
	return_to_user(f);
}

void trap_entry(struct trap_frame *frame, unsigned kind)
{
	switch (kind) {
	case VEC_CUR_SPX_IRQ:
		irq_handle();
		return;
	case VEC_LOWER64_SYNC:
	case VEC_LOWER64_IRQ:
		from_user(frame, kind);
		return;
	default:
		report_unexpected(frame, kind);
	}
}

void trap_first_entry(void)
{
	struct trap_frame f = { 0 };
	extern NORETURN void trap_return(struct trap_frame * frame);

	return_to_user(&f);
	trap_return(&f);
}
