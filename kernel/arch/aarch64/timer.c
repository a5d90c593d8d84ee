/*
 * The generic timer as seen from EL2 with VHE: the kernel uses the EL2
 * physical timer (CNTHP_*, PPI 26) and leaves the EL1 timers to guests.
 */
#include "arch/timer.h"

#include "platform.h"
#include "sysreg.h"

#define CNT_CTL_ENABLE 1u
/* CNTHCTL_EL2 with E2H set: EL0 may read the physical and virtual counters. */
#define CNTHCTL_EL0PCTEN (1u << 0)
#define CNTHCTL_EL0VCTEN (1u << 1)

void arch_timer_init(void)
{
	/*
	 * Domains read the time themselves (no system call): CNTVCT equals
	 * CNTPCT for them, since the virtual offset is zero outside guests.
	 */
	sysreg_write(cntvoff_el2, 0);
	sysreg_write(cnthctl_el2, CNTHCTL_EL0PCTEN | CNTHCTL_EL0VCTEN);
	isb();
}

unsigned arch_timer_intid(void)
{
	return PLATFORM_IRQ_EL2_PHYS_TIMER;
}

uint64_t arch_timer_freq(void)
{
	return sysreg_read(cntfrq_el0);
}

void arch_timer_set_deadline(uint64_t deadline)
{
	sysreg_write(cnthp_cval_el2, deadline);
	sysreg_write(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

void arch_timer_stop(void)
{
	sysreg_write(cnthp_ctl_el2, 0);
	isb();
}
