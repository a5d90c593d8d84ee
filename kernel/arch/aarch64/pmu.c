/* The cycle counter and the instruction counter; see arch/pmu.h. */
#include "arch/pmu.h"

#include "sysreg.h"

#define PMCR_E (1u << 0)        /* enable the counters */
#define PMCR_P (1u << 1)        /* reset the event counters */
#define PMCR_C (1u << 2)        /* reset the cycle counter */
#define PMCR_LC (1u << 6)       /* 64-bit cycle counter */
#define PMCR_N(v) (((v) >> 11) & 0x1f)
#define PMCNTEN_C (1u << 31)
#define PMCNTEN_0 (1u << 0)
#define EVENT_INST_RETIRED 0x08u
#define PMCCFILTR_NSH (1u << 27) /* count at EL2 too (EL0 and EL1 count by default) */
#define PMUSERENR_EN (1u << 0)  /* EL0 may read the counters */
#define PMUSERENR_CR (1u << 2)  /* ... the cycle counter in particular */
#define PMUSERENR_ER (1u << 3)  /* ... and the event counters */

void arch_pmu_init(void)
{
	uint64_t pmcr = sysreg_read(pmcr_el0);

	/* No PMU traps to EL2; EL2 keeps no counters of its own (HPMN = N). */
	sysreg_write(mdcr_el2, PMCR_N(pmcr));
	sysreg_write(pmccfiltr_el0, PMCCFILTR_NSH);
	if (PMCR_N(pmcr)) {
		sysreg_write(pmevtyper0_el0, PMCCFILTR_NSH | EVENT_INST_RETIRED); /* same filter bits */
		sysreg_write(pmcntenset_el0, PMCNTEN_0);
	}
	sysreg_write(pmcntenset_el0, PMCNTEN_C);
	sysreg_write(pmcr_el0, (pmcr & ~0xffull) | PMCR_E | PMCR_P | PMCR_C | PMCR_LC);
#ifdef MOAT_USER_CYCLE_COUNTER
	sysreg_write(pmuserenr_el0, PMUSERENR_EN | PMUSERENR_CR | PMUSERENR_ER);
#else
	sysreg_write(pmuserenr_el0, 0);
#endif
	isb();
}
