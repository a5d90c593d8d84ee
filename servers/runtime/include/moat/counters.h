/*
 * The performance counters a domain may read, in kernels built with
 * MOAT_USER_CYCLE_COUNTER (test and benchmark builds; off in deployed
 * systems, where a read is an undefined instruction;
 * kernel/src/arch/pmu.h). Under QEMU's -icount the cycle counter is virtual
 * time, and it runs while the CPU waits in WFI; event counter 0 counts
 * INST_RETIRED, by everything, and stops while the CPU waits, so it is
 * the work alone. It is 32 bits wide: only differences of less than 2^32
 * mean anything.
 */
#ifndef MOAT_COUNTERS_H
#define MOAT_COUNTERS_H

#include <stdint.h>

static inline uint32_t moat_instructions(void)
{
	uint64_t v;

	__asm__ volatile("isb\n mrs %0, pmevcntr0_el0" : "=r"(v));
	return (uint32_t)v;
}

static inline uint64_t moat_virtual_ns(void)
{
	uint64_t v;

	__asm__ volatile("isb\n mrs %0, pmccntr_el0" : "=r"(v));
	return v;
}

#endif
