/*
 * The architecture's part of a virtual CPU: the guest's EL1 state that the
 * world switch saves and loads (docs/vm.md). Everything here is kernel
 * memory; guests and VMMs change it only through checked invocations.
 */
#ifndef MOAT_ARCH_VCPU_H
#define MOAT_ARCH_VCPU_H

#include "types.h"

struct vcpu_regs {
	uint64_t sctlr, cpacr, ttbr0, ttbr1, tcr, esr, afsr0, afsr1, far, mair, amair, vbar;
	uint64_t contextidr, cntkctl, spsr, elr, sp_el1, par, tpidr_el1, tpidrro, csselr;
	uint64_t cntv_ctl, cntv_cval; /* the guest's EL1 virtual timer */
	uint64_t mpidr;               /* VMPIDR_EL2: what it reads as MPIDR_EL1 */
};

/* The registers in enum moat_vcpu_reg order (moat/object.h). */
static inline uint64_t *vcpu_reg(struct vcpu_regs *r, unsigned i)
{
	return (uint64_t *)r + i;
}

/* A vCPU's FP/SIMD registers: V0-V31 (two words each), then FPCR and FPSR. */
struct vcpu_fp {
	uint64_t v[64];
	uint64_t fpcr, fpsr;
};

/* CNTV_CTL bits. */
#define VTIMER_ENABLE (1ul << 0)
#define VTIMER_IMASK (1ul << 1)

/* MPIDR: the affinity fields a VMM sets (Aff3, Aff2-Aff0); bit 31 is RES1. */
#define VCPU_MPIDR_AFFINITY 0xff00fffffful
#define VCPU_MPIDR_RES1 (1ul << 31)

/*
 * The GIC virtual CPU interface of a vCPU: its list registers (the
 * virtual interrupts the hardware presents to the guest), the guest's
 * view of its CPU interface (VMCR) and active priorities.
 */
#define VGIC_MAX_LRS 16
struct vcpu_vgic {
	uint64_t lr[VGIC_MAX_LRS];
	uint64_t vmcr;
	uint64_t ap1r0;
};

/* List register fields (GICv3). */
#define VGIC_LR_PENDING (1ul << 62)
#define VGIC_LR_STATE (3ul << 62)
#define VGIC_LR_ACTIVE (1ul << 63)
#define VGIC_LR_GROUP1 (1ul << 60)
#define VGIC_LR_EOI (1ul << 41) /* a maintenance interrupt once the guest deactivates it */
#define VGIC_LR_PRIORITY(p) ((uint64_t)(p) << 48)
#define VGIC_LR_INTID_MASK 0xfffffffful

/* How many list registers this CPU has. */
unsigned arch_vgic_lrs(void);
/*
 * Into a guest: its virtual interface on, with a maintenance interrupt
 * once the list registers run empty if `refill`; out: saved and off.
 */
void arch_vgic_load(const struct vcpu_vgic *g, bool refill);
void arch_vgic_save(struct vcpu_vgic *g);
/* The GIC's maintenance interrupt (a PPI), which ends a guest's run for a refill. */
unsigned arch_vgic_maintenance_intid(void);

/* The reset state: MMU and caches off, nothing trapped at EL1. */
void arch_vcpu_reset(struct vcpu_regs *r);

/* Boot: the stage-2 translation control, once. */
void arch_vcpu_init(void);

/*
 * The EL1 registers, into and out of the hardware. No native thread uses
 * them (at EL0 with TGE set), so they may stay loaded while native
 * threads run, and move only when another vCPU runs (vcpu.c).
 */
void arch_vcpu_load_el1(const struct vcpu_regs *r);
void arch_vcpu_save_el1(struct vcpu_regs *r);

/*
 * Into a guest: its stage-2 space, the guest traps, its timer and
 * TPIDRRO_EL0. Out: those saved, the timer off, TPIDRRO_EL0 cleared (EL0
 * can read it), native traps.
 */
void arch_vcpu_enter(const struct vcpu_regs *r, paddr_t stage2_root, uint16_t vmid, bool fp);
void arch_vcpu_exit(struct vcpu_regs *r);

/*
 * The FP/SIMD registers, into and out of the hardware (fp.S, the only
 * kernel code that touches them): after arch_vcpu_enter with `fp` (the
 * guest's FP not trapped) or arch_fp_untrap, before the next exit.
 */
void arch_fp_untrap(void);
void arch_fp_trap(void);
void arch_fp_save(struct vcpu_fp *fp);
void arch_fp_load(const struct vcpu_fp *fp);

/*
 * What a guest reads from an ID register (HCR_EL2.TID3; `encoding` as
 * MOAT_SYSREG): the hardware's value without the features whose state the
 * world switch does not keep (SVE, SME, pointer authentication, MTE, the
 * PMU, ...), and 0 for any other register.
 */
uint64_t arch_vcpu_id_register(uint32_t encoding);

/* The abort being handled: the faulting IPA, and the guest's virtual address. */
uint64_t arch_vcpu_fault_ipa(void);
uint64_t arch_vcpu_fault_va(void);

#endif
