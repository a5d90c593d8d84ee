/*
 * The world switch for guests (docs/vm.md): HCR_EL2 with the guest traps,
 * VTTBR_EL2, and the EL1 registers through their _EL12 names (E2H=1).
 */
#include "arch/vcpu.h"

#include <moat/syscall.h>

#include "asm.h"
#include "sysreg.h"

#define HCR_VM (1ul << 0)
#define HCR_SWIO (1ul << 1)
#define HCR_FMO (1ul << 3)
#define HCR_IMO (1ul << 4)
#define HCR_AMO (1ul << 5)
#define HCR_TWI (1ul << 13)
#define HCR_TWE (1ul << 14)
#define HCR_TSC (1ul << 19)
#define HCR_TID3 (1ul << 18)  /* ID registers: the VMM says what the guest's CPU has */
#define HCR_TACR (1ul << 21)  /* ACTLR_EL1 */
#define HCR_TIDCP (1ul << 52) /* implementation-defined registers */
#define HCR_RW (1ul << 31)
#define HCR_E2H_BIT (1ul << 34)
#define HCR_TGE_BIT (1ul << 27)
#define HCR_NATIVE (HCR_E2H_BIT | HCR_TGE_BIT)
#define HCR_GUEST                                                                          \
	(HCR_E2H_BIT | HCR_RW | HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO |     \
	 HCR_TWI | HCR_TWE | HCR_TSC | HCR_TID3 | HCR_TACR | HCR_TIDCP)

/*
 * MDCR_EL2 while a guest runs: its accesses to the self-hosted debug
 * registers (breakpoints, watchpoints, MDSCR_EL1, the OS lock, the debug
 * ROM address) and, unless this is a benchmark build, to the performance
 * monitors trap, and its VMM reads them as zero and ignores writes
 * (docs/vm.md, "What a guest cannot reach"). Neither is switched with the
 * guest: a watchpoint or MDSCR_EL1.MDE the guest left set would fire in
 * the native domains that run after it, and the counters count for
 * everyone. A benchmark build (MOAT_USER_CYCLE_COUNTER) lets guests time
 * themselves with PMCCNTR_EL0, as it lets native domains.
 */
#define MDCR_TPM (1ul << 6)
#define MDCR_TDA (1ul << 9)
#define MDCR_TDOSA (1ul << 10)
#define MDCR_TDRA (1ul << 11)
#ifdef MOAT_USER_CYCLE_COUNTER
#define MDCR_GUEST_TRAPS (MDCR_TDA | MDCR_TDOSA | MDCR_TDRA)
#else
#define MDCR_GUEST_TRAPS (MDCR_TPM | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA)
#endif

/* 48-bit IPAs, walks from level 0 (the same four levels as stage 1), 4 KiB granule. */
#define VTCR_T0SZ(n) (n)
#define VTCR_SL0_L0 (2ul << 6)
#define VTCR_IRGN0_WB (1ul << 8)
#define VTCR_ORGN0_WB (1ul << 10)
#define VTCR_SH0_INNER (3ul << 12)
#define VTCR_PS_48 (5ul << 16)
#define VTCR_RES1 (1ul << 31)

#define SCTLR_EL1_RES1 0x30d00800ul

/* CPTR_EL2 (E2H=1 layout): FP/SIMD untrapped while a guest runs, trapped otherwise. */
#define CPTR_FPEN (3ul << 20)
/* CNTHCTL_EL2 (E2H=1): EL1 may read the physical counter (the timer stays the kernel's). */
#define CNTHCTL_EL1PCTEN (1ul << 10)

void arch_vcpu_reset(struct vcpu_regs *r)
{
	*r = (struct vcpu_regs){ .sctlr = SCTLR_EL1_RES1, .cpacr = 3ul << 20 /* FP at EL1/0 */,
				 .mpidr = VCPU_MPIDR_RES1 };
}

static unsigned vgic_lrs; /* ICH_VTR_EL2.ListRegs + 1, read once; GICv3 has up to 16 */

void arch_vcpu_init(void)
{
	vgic_lrs = (unsigned)(sysreg_read(ICH_VTR_EL2) & 0x1f) + 1;
	if (vgic_lrs > VGIC_MAX_LRS)
		vgic_lrs = VGIC_MAX_LRS;
	sysreg_write(vtcr_el2, VTCR_RES1 | VTCR_T0SZ(16) | VTCR_SL0_L0 | VTCR_IRGN0_WB |
				       VTCR_ORGN0_WB | VTCR_SH0_INNER | VTCR_PS_48);
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	sysreg_write(cnthctl_el2, sysreg_read(cnthctl_el2) | CNTHCTL_EL1PCTEN);
	isb();
}

void arch_vcpu_load_el1(const struct vcpu_regs *r)
{
	sysreg_write(sctlr_el12, r->sctlr);
	sysreg_write(cpacr_el12, r->cpacr);
	sysreg_write(ttbr0_el12, r->ttbr0);
	sysreg_write(ttbr1_el12, r->ttbr1);
	sysreg_write(tcr_el12, r->tcr);
	sysreg_write(esr_el12, r->esr);
	sysreg_write(afsr0_el12, r->afsr0);
	sysreg_write(afsr1_el12, r->afsr1);
	sysreg_write(far_el12, r->far);
	sysreg_write(mair_el12, r->mair);
	sysreg_write(amair_el12, r->amair);
	sysreg_write(vbar_el12, r->vbar);
	sysreg_write(contextidr_el12, r->contextidr);
	sysreg_write(cntkctl_el12, r->cntkctl);
	sysreg_write(spsr_el12, r->spsr);
	sysreg_write(elr_el12, r->elr);
	sysreg_write(sp_el1, r->sp_el1);
	sysreg_write(par_el1, r->par);
	sysreg_write(tpidr_el1, r->tpidr_el1);
	sysreg_write(csselr_el1, r->csselr);
	sysreg_write(vmpidr_el2, r->mpidr);
}

void arch_vcpu_save_el1(struct vcpu_regs *r)
{
	r->sctlr = sysreg_read(sctlr_el12);
	r->cpacr = sysreg_read(cpacr_el12);
	r->ttbr0 = sysreg_read(ttbr0_el12);
	r->ttbr1 = sysreg_read(ttbr1_el12);
	r->tcr = sysreg_read(tcr_el12);
	r->esr = sysreg_read(esr_el12);
	r->afsr0 = sysreg_read(afsr0_el12);
	r->afsr1 = sysreg_read(afsr1_el12);
	r->far = sysreg_read(far_el12);
	r->mair = sysreg_read(mair_el12);
	r->amair = sysreg_read(amair_el12);
	r->vbar = sysreg_read(vbar_el12);
	r->contextidr = sysreg_read(contextidr_el12);
	r->cntkctl = sysreg_read(cntkctl_el12);
	r->spsr = sysreg_read(spsr_el12);
	r->elr = sysreg_read(elr_el12);
	r->sp_el1 = sysreg_read(sp_el1);
	r->par = sysreg_read(par_el1);
	r->tpidr_el1 = sysreg_read(tpidr_el1);
	r->csselr = sysreg_read(csselr_el1);
}

void arch_fp_untrap(void)
{
	sysreg_write(cptr_el2, CPTR_FPEN);
	isb();
}

void arch_fp_trap(void)
{
	sysreg_write(cptr_el2, 0);
	isb();
}

void arch_vcpu_enter(const struct vcpu_regs *r, paddr_t stage2_root, uint16_t vmid, bool fp)
{
	sysreg_write(tpidrro_el0, r->tpidrro);
	sysreg_write(cntv_cval_el02, r->cntv_cval);
	sysreg_write(cntv_ctl_el02, r->cntv_ctl);
	sysreg_write(vttbr_el2, stage2_root.bits | (uint64_t)vmid << 48);
	sysreg_write(hcr_el2, HCR_GUEST);
	sysreg_write(mdcr_el2, sysreg_read(mdcr_el2) | MDCR_GUEST_TRAPS);
	sysreg_write(cptr_el2, fp ? CPTR_FPEN : 0);
	isb();
}

void arch_vcpu_exit(struct vcpu_regs *r)
{
	/* TPIDRRO_EL0 is readable at EL0: no native thread may see the guest's. */
	r->tpidrro = sysreg_read(tpidrro_el0);
	sysreg_write(tpidrro_el0, 0);
	r->cntv_ctl = sysreg_read(cntv_ctl_el02);
	r->cntv_cval = sysreg_read(cntv_cval_el02);
	sysreg_write(cntv_ctl_el02, 0); /* its interrupt is the kernel's to forward now */
	sysreg_write(hcr_el2, HCR_NATIVE);
	sysreg_write(mdcr_el2, sysreg_read(mdcr_el2) & ~MDCR_GUEST_TRAPS);
	sysreg_write(cptr_el2, 0); /* the guest's FP registers stay loaded, out of reach */
	isb();
}

/* A 4-bit ID register field. */
#define FIELD(lsb) (0xful << (lsb))

/* The fields a guest may see of each ID register; the others read as 0 (absent). */
static uint64_t id_visible(uint32_t enc)
{
	switch (enc) {
	case MOAT_SYSREG(3, 0, 0, 4, 0): /* ID_AA64PFR0: not RAS, SVE, SEL2, MPAM, AMU, RME, EL2, EL3 */
		return ~(FIELD(8) | FIELD(12) | FIELD(28) | FIELD(32) | FIELD(36) | FIELD(40) |
			 FIELD(44) | FIELD(52));
	case MOAT_SYSREG(3, 0, 0, 4, 1): /* ID_AA64PFR1: BT, SSBS, CSV2_frac only */
		return FIELD(0) | FIELD(4) | FIELD(32);
	case MOAT_SYSREG(3, 0, 0, 5, 0): /* ID_AA64DFR0: debug; no PMU, SPE, trace, BRBE */
		return FIELD(0) | FIELD(12) | FIELD(20) | FIELD(28) | FIELD(36);
	case MOAT_SYSREG(3, 0, 0, 5, 4): /* ID_AA64AFR0 */
	case MOAT_SYSREG(3, 0, 0, 5, 5): /* ID_AA64AFR1 */
	case MOAT_SYSREG(3, 0, 0, 6, 0): /* ID_AA64ISAR0 */
		return ~0ul;
	case MOAT_SYSREG(3, 0, 0, 6, 1): /* ID_AA64ISAR1: no pointer authentication, LS64, XS */
		return ~(FIELD(4) | FIELD(8) | FIELD(24) | FIELD(28) | FIELD(56) | FIELD(60));
	case MOAT_SYSREG(3, 0, 0, 6, 2): /* ID_AA64ISAR2: RPRES, BC, CLRBHB only */
		return FIELD(4) | FIELD(20) | FIELD(28);
	case MOAT_SYSREG(3, 0, 0, 7, 0): /* ID_AA64MMFR0: no FGT, ECV */
		return ~(FIELD(56) | FIELD(60));
	case MOAT_SYSREG(3, 0, 0, 7, 1): /* ID_AA64MMFR1: no VHE, TWED, HCX, TIDCP1 */
		return ~(FIELD(8) | FIELD(32) | FIELD(40) | FIELD(52));
	case MOAT_SYSREG(3, 0, 0, 7, 2): /* ID_AA64MMFR2: no nested virtualisation */
		return ~FIELD(24);
	case MOAT_SYSREG(3, 0, 0, 1, 2): /* ID_DFR0: no PMU */
		return ~FIELD(24);
	default: /* the AArch32 registers as they are; newer AArch64 ones hidden */
		return (enc >> 1 & 0xf) <= 3 && enc != MOAT_SYSREG(3, 0, 0, 3, 5) ? ~0ul : 0;
	}
}

#define ID_CASE(crm, op2)                                                                  \
	case MOAT_SYSREG(3, 0, 0, crm, op2):                                              \
		v = sysreg_read(S3_0_C0_C##crm##_##op2);                                   \
		break;

uint64_t arch_vcpu_id_register(uint32_t encoding)
{
	uint64_t v;

	switch (encoding) {
		ID_CASE(1, 0) ID_CASE(1, 1) ID_CASE(1, 2) ID_CASE(1, 3)
		ID_CASE(1, 4) ID_CASE(1, 5) ID_CASE(1, 6) ID_CASE(1, 7)
		ID_CASE(2, 0) ID_CASE(2, 1) ID_CASE(2, 2) ID_CASE(2, 3)
		ID_CASE(2, 4) ID_CASE(2, 5) ID_CASE(2, 6) ID_CASE(2, 7)
		ID_CASE(3, 0) ID_CASE(3, 1) ID_CASE(3, 2) ID_CASE(3, 4) ID_CASE(3, 6)
		ID_CASE(4, 0) ID_CASE(4, 1) ID_CASE(5, 0) ID_CASE(5, 4) ID_CASE(5, 5)
		ID_CASE(6, 0) ID_CASE(6, 1) ID_CASE(6, 2) ID_CASE(7, 0) ID_CASE(7, 1)
		ID_CASE(7, 2)
	default:
		return 0; /* reserved, hidden, or not an ID register */
	}
	v &= id_visible(encoding);
	if (encoding == MOAT_SYSREG(3, 0, 0, 7, 0) && (v & 0xf) > 5)
		v = (v & ~0xful) | 5; /* PARange: stage 2 maps 48 bits */
	return v;
}

uint64_t arch_vcpu_fault_ipa(void)
{
	/* HPFAR_EL2.FIPA [43:4] holds IPA[51:12]; the page offset is FAR's. */
	return ((sysreg_read(hpfar_el2) >> 4) << 12) | (sysreg_read(far_el2) & 0xfff);
}

uint64_t arch_vcpu_fault_va(void)
{
	return sysreg_read(far_el2);
}

/* ICH_LR<n>_EL2 by number: the encoding is in the instruction. */
#define LR_CASE(n, op1, op2)                                                                \
	case n:                                                                             \
		if (write)                                                                  \
			__asm__ volatile("msr S3_4_C12_C" #op1 "_" #op2 ", %0" ::"r"(v));  \
		else                                                                        \
			__asm__ volatile("mrs %0, S3_4_C12_C" #op1 "_" #op2 : "=r"(v));    \
		break;

static uint64_t lr_access(unsigned n, bool write, uint64_t v)
{
	switch (n) {
		LR_CASE(0, 12, 0) LR_CASE(1, 12, 1) LR_CASE(2, 12, 2) LR_CASE(3, 12, 3)
		LR_CASE(4, 12, 4) LR_CASE(5, 12, 5) LR_CASE(6, 12, 6) LR_CASE(7, 12, 7)
		LR_CASE(8, 13, 0) LR_CASE(9, 13, 1) LR_CASE(10, 13, 2) LR_CASE(11, 13, 3)
		LR_CASE(12, 13, 4) LR_CASE(13, 13, 5) LR_CASE(14, 13, 6) LR_CASE(15, 13, 7)
	}
	return v;
}

#define ICH_HCR_EN (1ul << 0)
#define ICH_HCR_UIE (1ul << 1)
#define MAINTENANCE_PPI 25

unsigned arch_vgic_lrs(void)
{
	return vgic_lrs;
}

unsigned arch_vgic_maintenance_intid(void)
{
	return MAINTENANCE_PPI;
}

void arch_vgic_load(const struct vcpu_vgic *g, bool refill)
{
	unsigned n = arch_vgic_lrs();

	for (unsigned i = 0; i < n; i++)
		lr_access(i, true, g->lr[i]);
	sysreg_write(ICH_VMCR_EL2, g->vmcr);
	sysreg_write(ICH_AP1R0_EL2, g->ap1r0);
	sysreg_write(ICH_HCR_EL2, ICH_HCR_EN | (refill ? ICH_HCR_UIE : 0));
	isb();
}

void arch_vgic_save(struct vcpu_vgic *g)
{
	unsigned n = arch_vgic_lrs();

	for (unsigned i = 0; i < n; i++)
		g->lr[i] = lr_access(i, false, 0);
	g->vmcr = sysreg_read(ICH_VMCR_EL2);
	g->ap1r0 = sysreg_read(ICH_AP1R0_EL2);
	sysreg_write(ICH_HCR_EL2, 0); /* no maintenance interrupts outside the guest */
	isb();
}
