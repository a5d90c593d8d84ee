/*
 * VCPU objects (docs/vm.md): a guest's virtual CPU, bound to one TCB (a
 * vCPU thread), which then runs the guest at EL1 in the GuestSpace its
 * vspace slot holds. The kernel handles the few exits it can (the Moat
 * hypercalls, WFI) and sends the rest to the thread's fault endpoint, the
 * guest's VMM.
 */
#ifndef MOAT_VCPU_H
#define MOAT_VCPU_H

#include "arch/vcpu.h"
#include "invocation.h"
#include "tcb.h"

#define VCPU_INTIDS 1020 /* virtual INTIDs 0-1019 (SGIs, PPIs, SPIs) */
#define VCPU_EOI_INTIDS 256 /* those whose end a VMM may ask to hear of: MR0-MR3's bits */

struct vcpu {
	struct vcpu_regs regs;
	struct vcpu_vgic vgic;
	struct vcpu_fp fp;
	struct tcb *tcb;   /* bound vCPU thread, or NULL */
	uint64_t fault_va; /* of the abort its VMM is handling: for an injected abort */
	/* Injected, not yet in a list register: one bit and one priority per INTID. */
	uint64_t pending[(VCPU_INTIDS + 63) / 64];
	unsigned npending; /* bits set in pending */
	uint8_t priority[VCPU_INTIDS];
	/* Injected with MOAT_VIRQ_EOI: the VMM hears when the guest ends them. */
	uint64_t eoi_wanted[VCPU_EOI_INTIDS / 64];
	uint64_t eoi_done[VCPU_EOI_INTIDS / 64]; /* ended, not yet reported */
	unsigned eoi_lrs; /* list registers with VGIC_LR_EOI set */
	bool eoi_report;  /* eoi_done has a bit set: the next entry reports first */
	/* The virtual timer while the vCPU is out: when it fires, in a list of those waiting. */
	struct vcpu *timer_next;
	bool timer_waiting;
	bool timer_masked; /* IMASK is the kernel's: its interrupt is with the guest */
};

/* The virtual timer's interrupt (a PPI), as the guest sees it. */
#define VCPU_VTIMER_INTID 27
#define VCPU_VTIMER_PRIORITY 0xa0

_Static_assert(sizeof(struct vcpu) <= (1u << MOAT_VCPU_SIZE_BITS), "VCPU object size");

static inline bool vcpu_bound(const struct vcpu *v)
{
	return v->tcb != NULL;
}

/* TCB_SetVCPU (decoded by tcb.c): `t` becomes v's vCPU thread, at reset state. */
void vcpu_bind(struct vcpu *v, struct tcb *t);
/* Either side is going away: the thread stops and is native again. */
void vcpu_unbind(struct vcpu *v);
void vcpu_finalise(struct vcpu *v);

/* Into the guest, or false if its GuestSpace is gone (the thread is then stopped). */
bool vcpu_enter(struct tcb *t);
/* Out of the guest (first thing on every entry from it). */
void vcpu_leave(struct tcb *t);
/* A synchronous exit (ESR in `esr`): hypercall, WFI, or a fault for the VMM. */
void vcpu_handle_exit(struct tcb *t, uint64_t esr);
/*
 * The VMM (`from`) answered vCPU thread `t`'s fault message: the hypercall
 * results, an MMIO read's value (and the PC past the access), or an abort
 * injected into the guest (label MOAT_REPLY_INJECT_ABORT).
 */
void vcpu_fault_reply(struct tcb *t, const struct tcb *from);

/* Boot: the maintenance and virtual timer interrupts, which end a guest's run. */
void vcpu_init(void);

/*
 * The virtual timers of vCPUs that are not running: the earliest due
 * (counter value, UINT64_MAX if none), and their interrupts made pending
 * (waking the vCPUs) once `now` has reached them.
 */
uint64_t vcpu_timer_next(void);
void vcpu_timer_release(uint64_t now);

/*
 * VCPU_InjectIRQ: MR0 the virtual INTID (< 1020), MR1 its priority (0-255).
 * VCPU_Reset: the CPU as at power-on (EL1 and FP registers, timer, virtual
 * interrupts), its thread's registers zero, EL1h with interrupts masked.
 * VCPU_ReadRegister: MR0 an enum moat_vcpu_reg; VCPU_WriteRegister: MR0
 * the register (not the timer's), MR1 its value.
 */
struct vcpu_args {
	moat_word_t label;
	struct vcpu *vcpu;
	unsigned reg;
	uint64_t value;
	uint32_t intid;
	uint8_t priority;
	bool eoi; /* MOAT_VIRQ_EOI */
};
struct kerror vcpu_decode(const struct invocation *inv, struct vcpu_args *a);
/* The words of its reply (a register's value) in out[]; how many. */
unsigned vcpu_invoke(const struct vcpu_args *a, moat_word_t *out);

#endif
