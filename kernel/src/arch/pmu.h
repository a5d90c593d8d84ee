/* The performance monitors: only the cycle counter, for measurements. */
#ifndef MOAT_ARCH_PMU_H
#define MOAT_ARCH_PMU_H

/*
 * Starts the cycle counter, counting at every exception level (kernel time
 * included). With MOAT_USER_CYCLE_COUNTER, domains may read it at EL0;
 * under QEMU with -icount shift=0 it counts instructions.
 */
void arch_pmu_init(void);

#endif
