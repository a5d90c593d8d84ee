/* VCPU objects and guest exits; see vcpu.h and docs/vm.md. */
#include "vcpu.h"

#include <moat/hypercall.h>

#include "arch/mmu.h"
#include "arch/vspace.h"
#include "endpoint.h"
#include "esr.h"
#include "kprintf.h"
#include "thread.h"

/* EL1h, interrupts masked: where a guest CPU starts (the VMM sets the PC). */
#define GUEST_RESET_PSTATE 0x3c5ul

void vcpu_bind(struct vcpu *v, struct tcb *t)
{
	arch_vcpu_reset(&v->regs);
	v->tcb = t;
	t->vcpu = v;
	t->ctx.spsr = GUEST_RESET_PSTATE;
}

void vcpu_unbind(struct vcpu *v)
{
	struct tcb *t = v->tcb;

	if (!t)
		return;
	thread_suspend(t);
	t->vcpu = NULL;
	t->ctx.spsr = 0; /* EL0t again, should it ever run natively */
	v->tcb = NULL;
}

void vcpu_finalise(struct vcpu *v)
{
	vcpu_unbind(v);
}

bool vcpu_enter(struct tcb *t)
{
	const struct cap *gs = &t->vspace.cap;

	if (gs->type != CAP_GUEST_SPACE) {
		kprintf("moat: vCPU thread '%s' has lost its GuestSpace; stopped\n", tcb_name(t));
		thread_suspend(t);
		return false;
	}
	arch_vcpu_load(&t->vcpu->regs, kva_to_pa(cap_ptr(gs)), (uint16_t)gs->extra);
	return true;
}

void vcpu_leave(struct tcb *t)
{
	arch_vcpu_save(&t->vcpu->regs);
}

/* The kernel address of a guest byte range within one mapped page, or NULL. */
static const char *guest_bytes(const struct tcb *t, uint64_t ipa, uint64_t len)
{
	paddr_t pa;

	if (ipa >= (1ul << 48) || (ipa & 0xfff) + len > 0x1000 ||
	    !vspace_translate(cap_ptr(&t->vspace.cap), ipa, &pa))
		return NULL;
	return pa_to_kva(pa);
}

/* MOAT_HVC_CONSOLE_WRITE: bytes from guest memory, page by page, to the console. */
static uint64_t console_write(const struct tcb *t, uint64_t ipa, uint64_t len)
{
	char buf[MOAT_HVC_CONSOLE_MAX + 1];
	uint64_t done = 0;

	if (len > MOAT_HVC_CONSOLE_MAX)
		return MOAT_RANGE_ERROR;
	while (done < len) {
		uint64_t chunk = 0x1000 - ((ipa + done) & 0xfff);
		const char *src;

		if (chunk > len - done)
			chunk = len - done;
		if (ipa + done < ipa || !(src = guest_bytes(t, ipa + done, chunk)))
			return MOAT_INVALID_ARGUMENT;
		for (uint64_t i = 0; i < chunk; i++)
			buf[done + i] = src[i];
		done += chunk;
	}
	buf[len] = 0;
	kprintf("%s", buf);
	return MOAT_OK;
}

/* Anything else for the VMM: a fault message; with no VMM, SMCCC's NOT_SUPPORTED. */
static void to_vmm(struct tcb *t, uint64_t label, uint64_t esr, uint64_t addr)
{
	t->fault = (struct fault_state){ .label = label };
	if (label == MOAT_FAULT_GUEST_HVC) {
		for (unsigned i = 0; i < MOAT_FAULT_LENGTH; i++)
			t->fault.mr[i] = t->ctx.x[i];
	} else {
		t->fault.mr[0] = t->ctx.pc;
		t->fault.mr[1] = addr;
		t->fault.mr[2] = esr;
	}
	if (endpoint_send_fault(t))
		return;
	t->fault.label = 0;
	if (label == MOAT_FAULT_GUEST_HVC) {
		t->ctx.x[0] = ~0ul; /* NOT_SUPPORTED */
		return;
	}
	if (klog_allow())
		kprintf("moat: vCPU thread '%s' faulted (%s at 0x%lx, pc 0x%lx) with no VMM; "
			"stopped\n",
			tcb_name(t), esr_class_name((unsigned)ESR_EC(esr)), addr, t->ctx.pc);
	thread_block(t, THREAD_INACTIVE);
}

static void hypercall(struct tcb *t)
{
	switch (t->ctx.x[0]) {
	case MOAT_HVC_NULL:
		t->ctx.x[0] = MOAT_OK;
		return;
	case MOAT_HVC_CONSOLE_WRITE:
		t->ctx.x[0] = console_write(t, t->ctx.x[1], t->ctx.x[2]);
		return;
	default:
		to_vmm(t, MOAT_FAULT_GUEST_HVC, 0, 0);
		return;
	}
}

void vcpu_handle_exit(struct tcb *t, uint64_t esr)
{
	switch (ESR_EC(esr)) {
	case ESR_EC_HVC64:
		hypercall(t); /* the PC is past the hvc already */
		return;
	case ESR_EC_WFX:
		t->ctx.pc += 4; /* nothing to wait for yet: the vCPU yields */
		thread_yield();
		return;
	case ESR_EC_DABT_LOWER:
	case ESR_EC_IABT_LOWER:
		to_vmm(t, MOAT_FAULT_VM, esr, arch_vcpu_fault_ipa());
		return;
	default:
		to_vmm(t, MOAT_FAULT_USER_EXCEPTION, esr, 0);
		return;
	}
}
