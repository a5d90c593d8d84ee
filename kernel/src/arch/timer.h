/* The kernel's timer: the EL2 physical timer of the generic timer. */
#ifndef MOAT_ARCH_TIMER_H
#define MOAT_ARCH_TIMER_H

#include "types.h"

/* Lets EL0 read the counter; the kernel's timer starts stopped. */
void arch_timer_init(void);
unsigned arch_timer_intid(void);
uint64_t arch_timer_freq(void);
uint64_t arch_timer_now(void);
/* Fires the timer interrupt once the counter reaches `deadline`. */
void arch_timer_set_deadline(uint64_t deadline);
void arch_timer_stop(void);

#endif
