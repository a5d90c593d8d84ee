/* The kernel's timer: the EL2 physical timer of the generic timer. */
#ifndef MOAT_ARCH_TIMER_H
#define MOAT_ARCH_TIMER_H

#include "types.h"

/* Lets EL0 read the counter; the kernel's timer starts stopped. */
void arch_timer_init(void);
unsigned arch_timer_intid(void);
uint64_t arch_timer_freq(void);
#ifdef __aarch64__
/* The counter, read in order with the instructions before it. */
static inline uint64_t arch_timer_now(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v)::"memory");
	return v;
}
#else
uint64_t arch_timer_now(void); /* host unit tests: test/unit/fake */
#endif
/* Fires the timer interrupt once the counter reaches `deadline`. */
void arch_timer_set_deadline(uint64_t deadline);
void arch_timer_stop(void);

#endif
