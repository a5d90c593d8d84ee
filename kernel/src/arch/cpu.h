/* Per-CPU state and whole-system stop. */
#ifndef MOAT_ARCH_CPU_H
#define MOAT_ARCH_CPU_H

#include "types.h"

/*
 * Everything that is "current" lives here, one per CPU, found through the
 * CPU's own register (TPIDR_EL2), so that SMP adds CPUs, not rewrites.
 */
struct tcb;

struct cpu {
	unsigned id;
	struct tcb *current;    /* the thread this CPU runs, NULL when idle */
	uint64_t kstack;        /* top of this CPU's kernel stack */
	uint64_t ticks;         /* timer ticks taken on this CPU */
	uint64_t next_deadline; /* counter value of the next tick */
	uint64_t tick_period;   /* counter ticks between kernel ticks */
	uint64_t run_start;     /* when `current` last started or was charged */
	uint64_t deadline;      /* the timer's programmed deadline; UINT64_MAX: off */
};

void arch_cpu_init(struct cpu *cpu, unsigned id);

#ifdef __aarch64__
/* On every kernel entry and exit: inline, one instruction. */
static inline struct cpu *arch_cpu_current(void)
{
	uint64_t v;

	__asm__("mrs %0, tpidr_el2" : "=r"(v));
	return (struct cpu *)(uintptr_t)v;
}
#else
struct cpu *arch_cpu_current(void); /* host unit tests: test/unit/fake */
#endif

/* Status codes seen by the host when QEMU ends (semihosting builds). */
enum halt_status {
	HALT_OK = 0,
	HALT_TEST_FAILED = 1,
	HALT_PANIC = 2,
};

/*
 * Stops the whole system. Under QEMU with semihosting this ends QEMU with
 * `status`; otherwise the CPU parks with interrupts masked.
 */
NORETURN void arch_system_halt(enum halt_status status);

#endif
