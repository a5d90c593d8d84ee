/*
 * PV_MODE_CPU_STATE: the guest goes for the CPU state every domain shares,
 * the performance monitors and the self-hosted debug registers, as a
 * hostile guest would (docs/vm.md, "What a guest cannot reach"). Neither
 * is context-switched, so Moat traps both while a guest runs (MDCR_EL2
 * TPM, TDA, TDOSA, TDRA; the PMU only in deployed builds) and its VMM
 * reads them as zero and ignores writes. Were they the guest's, its watchpoint on every EL0 address
 * below 2 GiB (where every native domain lives), with the OS lock
 * released and MDSCR_EL1.MDE set, would fault the console server or the
 * UART driver on their next access, and nothing after it would be
 * printed; and stopping the counters would stop every benchmark's.
 */
#include "pv.h"

#define MDSCR_MDE (1ul << 15) /* debug exceptions from EL0 (and the EL2&0 regime) on */
/* DBGWCR: MASK 31 (2 GiB), BAS all, LSC loads and stores, PAC EL0 only, enabled. */
#define WCR_EVERYTHING_AT_EL0 (31ul << 24 | 0xfful << 5 | 3ul << 3 | 2ul << 1 | 1ul)
#define PMCR_E		      (1ul << 0)
#define PMCR_P		      (1ul << 1)
#define PMCR_C		      (1ul << 2)

#define READ(reg)                                                                                  \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ volatile("mrs %0, " #reg : "=r"(v_));                                      \
		v_;                                                                                \
	})
#define WRITE(reg, v) __asm__ volatile("msr " #reg ", %0; isb" : : "r"((uint64_t)(v)))

void pv_cpu_state_mode(void)
{
	uint64_t before, after;

	pv_check("its output through a virtio console", pv_console_open());

	/* The performance monitors: no PMU is offered (ID_AA64DFR0.PMUVer 0), and none is there. */
	pv_check("PMCR_EL0 reads as zero", READ(pmcr_el0) == 0);
	WRITE(pmcntenclr_el0, ~0ul);	  /* every counter off ... */
	WRITE(pmcr_el0, PMCR_P | PMCR_C); /* ... reset, and the PMU disabled */
	before = READ(pmccntr_el0);
	for (volatile unsigned i = 0; i < 10000; i++)
		;
	after = READ(pmccntr_el0);
	pv_check("PMCCNTR_EL0 and PMEVCNTR0_EL0 read as zero",
		 before == 0 && after == 0 && READ(pmevcntr0_el0) == 0);
	WRITE(pmcr_el0, PMCR_E);
	pv_check("PMCR_EL0 still reads as zero after writes", READ(pmcr_el0) == 0);

	/* The debug registers: a watchpoint on everything native domains touch. */
	WRITE(oslar_el1, 0); /* the OS lock, which holds debug exceptions off, released */
	WRITE(dbgwvr0_el1, 0);
	WRITE(dbgwcr0_el1, WCR_EVERYTHING_AT_EL0);
	WRITE(dbgbvr0_el1, 0x400000);			 /* where native programs start */
	WRITE(dbgbcr0_el1, 0xful << 5 | 2ul << 1 | 1ul); /* BAS all, EL0, enabled */
	WRITE(mdscr_el1, MDSCR_MDE);
	pv_check("its watchpoint, breakpoint and MDSCR_EL1 read as zero",
		 READ(dbgwcr0_el1) == 0 && READ(dbgbcr0_el1) == 0 && READ(dbgwvr0_el1) == 0 &&
			 READ(mdscr_el1) == 0);
	pv_check("the OS lock's status reads as zero", READ(oslsr_el1) == 0);

	/* Every line from here on passes through the console server and the UART driver. */
	for (unsigned i = 0; i < 3; i++)
		pv_print("pv: cpu-state: line %u after the attack\n", i);
	pv_print("pv: cpu-state mode: %u failure(s)\n", pv_io_failures);
}
