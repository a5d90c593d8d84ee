/* The performance monitors: the cycle counter and one event counter, for measurements. */
#ifndef MOAT_ARCH_PMU_H
#define MOAT_ARCH_PMU_H

/*
 * Starts the cycle counter and event counter 0 on INST_RETIRED, both
 * counting at every exception level (kernel time included). With
 * MOAT_USER_CYCLE_COUNTER, domains may read both at EL0 (PMCCNTR_EL0,
 * PMEVCNTR0_EL0). Under QEMU with -icount shift=0 the cycle counter
 * follows virtual time, which also runs while the CPU waits in WFI (in
 * step with the host's clock), and event counter 0 counts the instructions
 * executed, nothing else.
 */
void arch_pmu_init(void);

#endif
