/* The interrupt controller and the CPU's interrupt mask. */
#ifndef MOAT_ARCH_IRQ_H
#define MOAT_ARCH_IRQ_H

#include "types.h"

#define IRQ_SPURIOUS 1023

void arch_irq_init(void);
/* Number of interrupt IDs the controller implements (SPIs included). */
unsigned arch_irq_lines(void);
void arch_irq_enable(unsigned intid);
void arch_irq_disable(unsigned intid);
/* Raises software-generated interrupt `intid` (0-15) on this CPU. */
void arch_irq_send_sgi_self(unsigned intid);

/* Acknowledges the highest-priority pending interrupt; IRQ_SPURIOUS if none. */
unsigned arch_irq_ack(void);
void arch_irq_eoi(unsigned intid);

void arch_irq_unmask(void);
void arch_irq_mask(void);
/* Called with IRQs masked: waits for one, takes it, returns masked again. */
void arch_wait_for_interrupt(void);

#endif
