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
};

/* The reset state: MMU and caches off, nothing trapped at EL1. */
void arch_vcpu_reset(struct vcpu_regs *r);

/* Boot: the stage-2 translation control, once. */
void arch_vcpu_init(void);

/* Into a guest: its EL1 registers, its stage-2 space, the guest traps. */
void arch_vcpu_load(const struct vcpu_regs *r, paddr_t stage2_root, uint16_t vmid);

/* Out of a guest: its EL1 registers saved, native traps again. */
void arch_vcpu_save(struct vcpu_regs *r);

/* The abort being handled: the faulting IPA, and the guest's virtual address. */
uint64_t arch_vcpu_fault_ipa(void);
uint64_t arch_vcpu_fault_va(void);

#endif
