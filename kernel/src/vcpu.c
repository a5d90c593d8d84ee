/* VCPU objects and guest exits; see vcpu.h and docs/vm.md. */
#include "vcpu.h"

#include <moat/hypercall.h>

#include "arch/mmu.h"
#include "arch/timer.h"
#include "arch/vspace.h"
#include "cspace.h"
#include "endpoint.h"
#include "esr.h"
#include "irq.h"
#include "klog.h"
#include "kprintf.h"
#include "notification.h"
#include "thread.h"

/* EL1h, interrupts masked: where a guest CPU starts (the VMM sets the PC). */
#define GUEST_RESET_PSTATE 0x3c5ul

static struct vcpu *timer_list; /* sorted by cntv_cval */
static struct vcpu *hw_vcpu;    /* one CPU: whose EL1 registers the hardware holds */
static struct vcpu *fp_vcpu;    /* and whose FP/SIMD registers (no native thread uses them) */

/* v's registers are no longer wanted in the hardware (reset, unbind). */
static void forget_hw(const struct vcpu *v)
{
	if (hw_vcpu == v)
		hw_vcpu = NULL;
	if (fp_vcpu == v)
		fp_vcpu = NULL;
}

/* v's EL1 registers in memory, for the kernel to read or change there. */
static void sync_el1(struct vcpu *v)
{
	if (hw_vcpu == v) {
		arch_vcpu_save_el1(&v->regs);
		hw_vcpu = NULL; /* loaded again on the next entry */
	}
}

static void timer_remove(struct vcpu *v)
{
	struct vcpu **p = &timer_list;

	if (!v->timer_waiting)
		return;
	while (*p != v)
		p = &(*p)->timer_next;
	*p = v->timer_next;
	v->timer_waiting = false;
}

static void timer_insert(struct vcpu *v)
{
	struct vcpu **p = &timer_list;

	while (*p && (*p)->regs.cntv_cval <= v->regs.cntv_cval)
		p = &(*p)->timer_next;
	v->timer_next = *p;
	*p = v;
	v->timer_waiting = true;
}

static void make_pending(struct vcpu *v, uint32_t intid, uint8_t priority)
{
	if (!(v->pending[intid / 64] & (1ul << (intid % 64)))) {
		v->pending[intid / 64] |= 1ul << (intid % 64);
		v->npending++;
	}
	v->priority[intid] = priority;
	if (v->tcb && v->tcb->state == THREAD_BLOCKED_VIRQ)
		thread_make_runnable(v->tcb);
}

void vcpu_bind(struct vcpu *v, struct tcb *t)
{
	forget_hw(v);
	arch_vcpu_reset(&v->regs);
	v->tcb = t;
	t->vcpu = v;
	t->ctx.spsr = GUEST_RESET_PSTATE;
}

void vcpu_unbind(struct vcpu *v)
{
	struct tcb *t = v->tcb;

	timer_remove(v);
	forget_hw(v);
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

/* The list registers that hold an interrupt (pending, active or both). */
static unsigned lrs_in_use(const struct vcpu *v, unsigned n)
{
	unsigned m = 0;

	for (unsigned i = 0; i < n; i++)
		if (v->vgic.lr[i] & VGIC_LR_STATE)
			m |= 1u << i;
	return m;
}

/* The list register among `in_use` holding `intid`, or `n` if none does. */
static unsigned lr_holding(const struct vcpu *v, unsigned n, unsigned in_use, unsigned intid)
{
	for (; in_use; in_use &= in_use - 1) {
		unsigned i = (unsigned)__builtin_ctz(in_use);

		if ((v->vgic.lr[i] & VGIC_LR_INTID_MASK) == intid)
			return i;
	}
	return n;
}

static bool eoi_wanted(const struct vcpu *v, unsigned intid)
{
	return intid < VCPU_EOI_INTIDS && (v->eoi_wanted[intid / 64] >> (intid % 64)) & 1;
}

/*
 * Moves pending interrupts into list registers, lowest INTID first. One
 * the guest still has active becomes active and pending in its own list
 * register: GICv3 leaves two list registers with one INTID unpredictable.
 */
static void fill_lrs(struct vcpu *v)
{
	unsigned n, in_use, free = 0;

	if (!v->npending)
		return; /* most entries: nothing new */
	n = arch_vgic_lrs();
	in_use = lrs_in_use(v, n);
	for (unsigned w = 0; v->npending; w++) {
		while (v->pending[w]) {
			unsigned intid = w * 64 + (unsigned)__builtin_ctzll(v->pending[w]);
			unsigned i = lr_holding(v, n, in_use, intid);

			if (i == n) {
				while (free < n && (in_use & (1u << free)))
					free++;
				if (free == n)
					return; /* the rest waits for room */
				i = free;
				in_use |= 1u << i;
				v->vgic.lr[i] = VGIC_LR_GROUP1 | VGIC_LR_PRIORITY(v->priority[intid]) |
						intid;
				if (eoi_wanted(v, intid)) {
					v->vgic.lr[i] |= VGIC_LR_EOI;
					v->eoi_lrs |= 1u << i;
				}
			}
			v->vgic.lr[i] |= VGIC_LR_PENDING;
			v->pending[w] &= v->pending[w] - 1;
			v->npending--;
		}
	}
}

/*
 * Interrupts injected with MOAT_VIRQ_EOI that the guest has ended since it
 * last ran: noted for its VMM, and their list registers free again.
 */
static void collect_eois(struct vcpu *v)
{
	for (unsigned m = v->eoi_lrs; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);
		unsigned intid = v->vgic.lr[i] & VGIC_LR_INTID_MASK;

		if (v->vgic.lr[i] & VGIC_LR_STATE)
			continue;
		v->eoi_done[intid / 64] |= 1ul << (intid % 64);
		v->eoi_report = true;
		if (!(v->pending[intid / 64] & (1ul << (intid % 64)))) /* not injected again */
			v->eoi_wanted[intid / 64] &= ~(1ul << (intid % 64));
		v->vgic.lr[i] = 0;
		v->eoi_lrs &= ~(1u << i);
	}
}

/*
 * The ends collect_eois noted, to the VMM as an exit of their own
 * (MOAT_FAULT_GUEST_EOI, MR0-MR3 a bit per INTID) before the guest runs
 * on. True if the vCPU thread now waits for the VMM's answer.
 */
static bool report_eois(struct tcb *t)
{
	struct vcpu *v = t->vcpu;

	v->eoi_report = false;
	t->fault = (struct fault_state){ .label = MOAT_FAULT_GUEST_EOI };
	for (unsigned i = 0; i < MOAT_FAULT_LENGTH; i++) {
		t->fault.mr[i] = v->eoi_done[i];
		v->eoi_done[i] = 0;
	}
	if (endpoint_send_fault(t))
		return true;
	t->fault.label = 0; /* nobody to tell */
	return false;
}

/* Whether the timer's interrupt is pending or active for the guest still. */
static bool timer_irq_outstanding(const struct vcpu *v)
{
	unsigned n = arch_vgic_lrs();

	if (v->pending[VCPU_VTIMER_INTID / 64] & (1ul << (VCPU_VTIMER_INTID % 64)))
		return true;
	for (unsigned i = 0; i < n; i++) {
		if ((v->vgic.lr[i] & VGIC_LR_STATE) &&
		    (v->vgic.lr[i] & VGIC_LR_INTID_MASK) == VCPU_VTIMER_INTID)
			return true;
	}
	return false;
}

/* The FP/SIMD registers become v's (FP untrapped at EL2 already). */
static void fp_take(struct vcpu *v)
{
	if (fp_vcpu == v)
		return;
	if (fp_vcpu)
		arch_fp_save(&fp_vcpu->fp);
	arch_fp_load(&v->fp);
	fp_vcpu = v;
}

bool vcpu_enter(struct tcb *t)
{
	const struct cap *gs = &t->vspace.cap;
	struct vcpu *v = t->vcpu;

	if (gs->type != CAP_GUEST_SPACE) {
		kprintf("moat: vCPU thread '%s' has lost its GuestSpace; stopped\n", tcb_name(t));
		thread_suspend(t);
		return false;
	}
	if (v->eoi_report && report_eois(t))
		return false;
	timer_remove(v);
	/*
	 * Until the guest has taken and ended the timer's interrupt, its
	 * physical timer is masked, or it would fire again at once.
	 */
	v->timer_masked = timer_irq_outstanding(v) && !(v->regs.cntv_ctl & VTIMER_IMASK);
	if (v->timer_masked)
		v->regs.cntv_ctl |= VTIMER_IMASK;
	fill_lrs(v);
	arch_vgic_load(&v->vgic, v->npending != 0); /* more than fit: refill when room */
	if (hw_vcpu != v) {
		if (hw_vcpu)
			arch_vcpu_save_el1(&hw_vcpu->regs);
		arch_vcpu_load_el1(&v->regs);
		hw_vcpu = v;
	}
#ifdef MOAT_FP_LAZY
	/* Its FP trapped unless it holds the registers: its first FP instruction takes them. */
	arch_vcpu_enter(&v->regs, kva_to_pa(cap_ptr(gs)), (uint16_t)gs->extra, fp_vcpu == v);
#else
	/* FP/SIMD moves only when another vCPU used it last: eager, by owner. */
	arch_vcpu_enter(&v->regs, kva_to_pa(cap_ptr(gs)), (uint16_t)gs->extra, true);
	fp_take(v);
#endif
	return true;
}

void vcpu_leave(struct tcb *t)
{
	struct vcpu *v = t->vcpu;
	uint64_t ctl;

	arch_vcpu_exit(&v->regs);
	arch_vgic_save(&v->vgic);
	if (v->eoi_lrs)
		collect_eois(v);
	if (v->timer_masked) {
		v->regs.cntv_ctl &= ~VTIMER_IMASK; /* the guest's own view again */
		v->timer_masked = false;
	}
	/* The kernel watches the timer now: due, it is pending; armed, it waits. */
	ctl = v->regs.cntv_ctl;
	if ((ctl & VTIMER_ENABLE) && !(ctl & VTIMER_IMASK)) {
		if (v->regs.cntv_cval <= arch_timer_now())
			make_pending(v, VCPU_VTIMER_INTID, VCPU_VTIMER_PRIORITY);
		else if (!timer_irq_outstanding(v))
			timer_insert(v);
	}
}

uint64_t vcpu_timer_next(void)
{
	return timer_list ? timer_list->regs.cntv_cval : UINT64_MAX;
}

void vcpu_timer_release(uint64_t now)
{
	while (timer_list && timer_list->regs.cntv_cval <= now) {
		struct vcpu *v = timer_list;

		timer_remove(v);
		make_pending(v, VCPU_VTIMER_INTID, VCPU_VTIMER_PRIORITY);
	}
}

/* Anything for the guest to take: injected, or pending in a list register. */
static bool has_pending(const struct vcpu *v)
{
	unsigned n = arch_vgic_lrs();

	if (v->npending)
		return true;
	for (unsigned i = 0; i < n; i++) {
		if (v->vgic.lr[i] & VGIC_LR_PENDING)
			return true;
	}
	return false;
}

static void maintenance(unsigned intid)
{
	(void)intid; /* the exit itself is the point: LRs refilled, timer forwarded */
}

void vcpu_init(void)
{
	irq_register(arch_vgic_maintenance_intid(), maintenance);
	irq_register(VCPU_VTIMER_INTID, maintenance); /* a running guest's timer: see vcpu_leave */
}

_Static_assert(sizeof(struct vcpu_regs) == MOAT_VCPU_REG_COUNT * sizeof(uint64_t) &&
		       offsetof(struct vcpu_regs, cntv_ctl) == MOAT_VCPU_CNTV_CTL * sizeof(uint64_t),
	       "enum moat_vcpu_reg follows struct vcpu_regs");

static struct kerror decode_register(const struct invocation *inv, struct vcpu_args *a)
{
	bool write = inv->label == MOAT_VCPU_WRITE_REGISTER;

	if (inv->length < (write ? 2u : 1u))
		return kerror(MOAT_TRUNCATED_MESSAGE, "a register (and a value to write)",
			      write ? 2 : 1, 0, 0);
	if (inv->mr[0] >= MOAT_VCPU_REG_COUNT)
		return KERR_RANGE("VCPU register", 0, 0, MOAT_VCPU_REG_COUNT - 1);
	if (write && (inv->mr[0] == MOAT_VCPU_CNTV_CTL || inv->mr[0] == MOAT_VCPU_CNTV_CVAL))
		return kerror(MOAT_ILLEGAL_OPERATION, "the virtual timer is the kernel's to forward",
			      inv->mr[0], 0, 0);
	a->reg = (unsigned)inv->mr[0];
	a->value = write ? inv->mr[1] : 0;
	if (write && a->reg == MOAT_VCPU_MPIDR) {
		if (a->value & ~VCPU_MPIDR_AFFINITY)
			return kerror(MOAT_INVALID_ARGUMENT, "MPIDR takes Aff3-Aff0 only", a->value,
				      VCPU_MPIDR_AFFINITY, 0);
		a->value |= VCPU_MPIDR_RES1;
	}
	return kerror_ok();
}

struct kerror vcpu_decode(const struct invocation *inv, struct vcpu_args *a)
{
	a->label = inv->label;
	a->vcpu = cap_ptr(&inv->slot->cap);
	switch (inv->label) {
	case MOAT_VCPU_RESET:
		return kerror_ok();
	case MOAT_VCPU_READ_REGISTER:
	case MOAT_VCPU_WRITE_REGISTER:
		return decode_register(inv, a);
	case MOAT_VCPU_INJECT_IRQ:
		break;
	default:
		return kerror(MOAT_ILLEGAL_OPERATION, "not a VCPU invocation", 0, 0, 0);
	}
	if (inv->length < 2)
		return kerror(MOAT_TRUNCATED_MESSAGE, "InjectIRQ takes an INTID and a priority", 2,
			      0, 0);
	if (inv->mr[0] >= VCPU_INTIDS)
		return KERR_RANGE("virtual INTID", 0, 0, VCPU_INTIDS - 1);
	if (inv->mr[1] > 255)
		return KERR_RANGE("priority", 1, 0, 255);
	a->eoi = inv->length > 2 && (inv->mr[2] & MOAT_VIRQ_EOI);
	if (inv->length > 2 && (inv->mr[2] & ~(moat_word_t)MOAT_VIRQ_EOI))
		return KERR_ARG("InjectIRQ flags other than MOAT_VIRQ_EOI", 2);
	if (a->eoi && inv->mr[0] >= VCPU_EOI_INTIDS)
		return KERR_RANGE("virtual INTID with MOAT_VIRQ_EOI", 0, 0, VCPU_EOI_INTIDS - 1);
	a->intid = (uint32_t)inv->mr[0];
	a->priority = (uint8_t)inv->mr[1];
	return kerror_ok();
}

static void reset(struct vcpu *v)
{
	struct tcb *t = v->tcb;

	timer_remove(v);
	forget_hw(v);
	arch_vcpu_reset(&v->regs);
	v->vgic = (struct vcpu_vgic){ 0 };
	v->fp = (struct vcpu_fp){ 0 };
	for (unsigned i = 0; i < sizeof(v->pending) / sizeof(v->pending[0]); i++)
		v->pending[i] = 0;
	v->npending = 0;
	for (unsigned i = 0; i < VCPU_EOI_INTIDS / 64; i++)
		v->eoi_wanted[i] = v->eoi_done[i] = 0;
	v->eoi_lrs = 0;
	v->eoi_report = false;
	v->timer_masked = false;
	if (t) {
		t->ctx = (struct user_context){ .spsr = GUEST_RESET_PSTATE };
		t->fault.label = 0;
	}
}

unsigned vcpu_invoke(const struct vcpu_args *a, moat_word_t *out)
{
	switch (a->label) {
	case MOAT_VCPU_RESET:
		reset(a->vcpu);
		return 0;
	case MOAT_VCPU_READ_REGISTER:
		sync_el1(a->vcpu); /* the invoker runs: the vCPU is out, its registers may not be */
		out[0] = *vcpu_reg(&a->vcpu->regs, a->reg);
		return 1;
	case MOAT_VCPU_WRITE_REGISTER:
		sync_el1(a->vcpu);
		*vcpu_reg(&a->vcpu->regs, a->reg) = a->value;
		return 0;
	default:
		if (a->eoi)
			a->vcpu->eoi_wanted[a->intid / 64] |= 1ul << (a->intid % 64);
		make_pending(a->vcpu, a->intid, a->priority);
		return 0;
	}
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
	char buf[MOAT_HVC_CONSOLE_MAX];
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
	for (uint64_t i = 0; i < len && buf[i]; i++) /* up to a NUL, named as the vCPU thread's */
		klog_put(t, buf[i]);
	return MOAT_OK;
}

/* MOAT_HVC_NOTIFY: the notification channel `id` names in t's own CSpace, signalled. */
static uint64_t notify(const struct tcb *t, uint64_t id)
{
	struct lookup_result r;

	if (id >= MOAT_HVC_CHANNELS)
		return MOAT_RANGE_ERROR;
	r = cspace_lookup_cap(&t->cspace.cap, MOAT_GUEST_SLOT_CHANNEL(id));
	if (r.fault != LOOKUP_OK || r.slot->cap.type != CAP_NOTIFICATION)
		return MOAT_INVALID_CAPABILITY;
	if (!(r.slot->cap.rights & MOAT_RIGHT_WRITE))
		return MOAT_ILLEGAL_OPERATION;
	notification_signal(cap_ptr(&r.slot->cap), r.slot->cap.data);
	return MOAT_OK;
}

/* PSTATE.M of the guest at the exception, and where its vector table takes it. */
#define MODE_EL0T 0x0
#define MODE_EL1H 0x5
#define ESR_IL_32BIT (1u << 25)
#define ESR_ISV (1u << 24)
#define FSC_SYNC_EXTERNAL 0x10

/* Whether t's fault message is for a stage-2 abort (abort_exit), and which. */
static bool fault_is_abort(const struct tcb *t, bool *fetch)
{
	switch (t->fault.label) {
	case MOAT_FAULT_GUEST_MMIO:
		*fetch = false; /* a data abort with a valid syndrome */
		return true;
	case MOAT_FAULT_VM:
		*fetch = ESR_EC(t->fault.mr[2]) == ESR_EC_IABT_LOWER;
		return true;
	default:
		return false;
	}
}

/*
 * A synchronous external abort taken to the guest's EL1 for t's abort, as
 * the hardware would: ESR, FAR, ELR and SPSR of EL1 set, EL1h with
 * interrupts masked, at the vector for the mode the guest was in.
 */
static void inject_abort(struct tcb *t, bool fetch)
{
	struct vcpu *v = t->vcpu;
	unsigned mode = t->ctx.spsr & 0xf;
	unsigned ec = (fetch ? ESR_EC_IABT_LOWER : ESR_EC_DABT_LOWER) + (mode != MODE_EL0T);

	sync_el1(v);
	v->regs.esr = (uint64_t)ec << 26 | ESR_IL_32BIT | FSC_SYNC_EXTERNAL;
	v->regs.far = v->fault_va;
	v->regs.elr = t->ctx.pc;
	v->regs.spsr = t->ctx.spsr;
	t->ctx.pc = v->regs.vbar + (mode == MODE_EL0T ? 0x400 : mode == MODE_EL1H ? 0x200 : 0x000);
	t->ctx.spsr = GUEST_RESET_PSTATE;
}

/*
 * t's exit with no VMM to take it: a hypercall fails, an abort is
 * injected, and anything else stops the vCPU thread. Out of line: the
 * exits a VMM takes need none of it.
 */
static __attribute__((noinline)) void no_vmm(struct tcb *t)
{
	bool fetch;

	if (t->fault.label == MOAT_FAULT_GUEST_HVC) {
		t->ctx.x[0] = ~0ul; /* SMCCC NOT_SUPPORTED */
	} else if (fault_is_abort(t, &fetch)) {
		inject_abort(t, fetch);
	} else {
		kprintf("moat: vCPU thread '%s': exit 0x%lx with no VMM to handle it; stopped\n",
			tcb_name(t), (unsigned long)t->fault.label);
		thread_suspend(t);
	}
	t->fault.label = 0;
}

/* The message for the VMM is in t->fault. */
static void send(struct tcb *t)
{
	if (!endpoint_send_fault(t))
		no_vmm(t);
}

/* A data abort with a valid syndrome on an unmapped IPA: decoded for the VMM. */
static void mmio(struct tcb *t, uint64_t esr)
{
	unsigned reg = (esr >> 16) & 31, sas = (esr >> 22) & 3;
	bool write = esr & (1u << 6);
	uint64_t mask = sas == 3 ? ~0ul : (1ul << (8u << sas)) - 1;

	t->fault = (struct fault_state){
		.label = MOAT_FAULT_GUEST_MMIO,
		.mr = { arch_vcpu_fault_ipa(),
			sas | (write ? MOAT_MMIO_WRITE : 0) | reg << 4 |
				(esr & (1u << 21) ? MOAT_MMIO_SIGNED : 0) |
				(esr & (1u << 15) ? MOAT_MMIO_64BIT : 0),
			write && reg != 31 ? t->ctx.x[reg] & mask : 0, t->ctx.pc },
	};
	send(t);
}

static void abort_exit(struct tcb *t, uint64_t esr)
{
	t->vcpu->fault_va = arch_vcpu_fault_va();
	if (ESR_EC(esr) == ESR_EC_DABT_LOWER && (esr & ESR_ISV)) {
		mmio(t, esr);
		return;
	}
	t->fault = (struct fault_state){
		.label = MOAT_FAULT_VM, .mr = { t->ctx.pc, arch_vcpu_fault_ipa(), esr, 0 }
	};
	send(t);
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
	case MOAT_HVC_YIELD:
		t->ctx.x[0] = MOAT_OK;
		thread_yield();
		return;
	case MOAT_HVC_NOTIFY:
		t->ctx.x[0] = notify(t, t->ctx.x[1]);
		return;
	default:
		t->fault = (struct fault_state){ .label = MOAT_FAULT_GUEST_HVC };
		for (unsigned i = 0; i < MOAT_FAULT_LENGTH; i++)
			t->fault.mr[i] = t->ctx.x[i];
		send(t);
		return;
	}
}

/* A trapped system register (HCR_EL2.TID3, TACR, TIDCP): decoded for the VMM. */
static void sysreg(struct tcb *t, uint64_t esr)
{
	unsigned reg = (esr >> 5) & 31;
	bool read = esr & 1;

	t->fault = (struct fault_state){
		.label = MOAT_FAULT_GUEST_SYSREG,
		.mr = { esr & 0x3ffc1e, (read ? MOAT_SYSREG_READ : 0) | reg << 4,
			read ? arch_vcpu_id_register(esr & 0x3ffc1e) : reg != 31 ? t->ctx.x[reg] : 0,
			t->ctx.pc },
	};
	send(t);
}

void vcpu_handle_exit(struct tcb *t, uint64_t esr)
{
	switch (ESR_EC(esr)) {
	case ESR_EC_HVC64:
		hypercall(t); /* the PC is past the hvc already */
		return;
	case ESR_EC_WFX:
		t->ctx.pc += 4;
		/* WFI waits for a virtual interrupt (masked or not); WFE only yields. */
		if (!(esr & 1) && !has_pending(t->vcpu))
			thread_block(t, THREAD_BLOCKED_VIRQ);
		else
			thread_yield();
		return;
	case ESR_EC_DABT_LOWER:
	case ESR_EC_IABT_LOWER:
		abort_exit(t, esr);
		return;
	case ESR_EC_SYSREG:
		sysreg(t, esr);
		return;
	case ESR_EC_FP: /* lazy switching: the guest's first FP instruction since it lost them */
		arch_fp_untrap();
		fp_take(t->vcpu);
		arch_fp_trap(); /* until it is entered again: whoever runs next may be native */
		return; /* the instruction runs again, untrapped */
	default:
		t->fault = (struct fault_state){ .label = MOAT_FAULT_USER_EXCEPTION,
						 .mr = { t->ctx.pc, 0, esr, 0 } };
		send(t);
		return;
	}
}

/* An MMIO read's value into its register, as the load would have left it. */
static void mmio_complete(struct tcb *t, uint64_t value)
{
	uint64_t access = t->fault.mr[1];
	unsigned reg = MOAT_MMIO_REGISTER(access), bits = 8 * MOAT_MMIO_SIZE(access);

	if (!(access & MOAT_MMIO_WRITE) && reg != 31) {
		if (bits < 64) {
			value &= (1ul << bits) - 1;
			if ((access & MOAT_MMIO_SIGNED) && (value >> (bits - 1)))
				value |= ~0ul << bits;
		}
		if (!(access & MOAT_MMIO_64BIT))
			value &= 0xffffffffu;
		t->ctx.x[reg] = value;
	}
	t->ctx.pc += 4;
}

void vcpu_fault_reply(struct tcb *t, const struct tcb *from)
{
	bool fetch;

	if (moat_msginfo_label(from->ctx.x[REG_INFO]) == MOAT_REPLY_INJECT_ABORT) {
		if (fault_is_abort(t, &fetch)) {
			inject_abort(t, fetch);
			return;
		}
		kprintf("moat: VMM '%s' asked for an abort on exit 0x%lx of '%s', not an abort; "
			"taken as a plain reply\n",
			tcb_name(from), (unsigned long)t->fault.label, tcb_name(t));
	}
	switch (t->fault.label) {
	case MOAT_FAULT_GUEST_HVC:
		for (unsigned i = 0; i < MOAT_FAULT_LENGTH; i++)
			t->ctx.x[i] = from->ctx.x[REG_MR0 + i];
		break;
	case MOAT_FAULT_GUEST_MMIO:
		mmio_complete(t, from->ctx.x[REG_MR0]);
		break;
	case MOAT_FAULT_GUEST_SYSREG:
		if ((t->fault.mr[1] & MOAT_SYSREG_READ) && MOAT_SYSREG_REGISTER(t->fault.mr[1]) != 31)
			t->ctx.x[MOAT_SYSREG_REGISTER(t->fault.mr[1])] = from->ctx.x[REG_MR0];
		t->ctx.pc += 4;
		break;
	default:
		break; /* the faulting instruction runs again */
	}
}
