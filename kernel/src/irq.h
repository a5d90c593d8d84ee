/*
 * Kernel interrupt dispatch. The kernel itself owns only per-CPU interrupts
 * (its timer, SGIs); device interrupts will be delivered to user-level
 * handlers through notifications.
 */
#ifndef MOAT_IRQ_H
#define MOAT_IRQ_H

#include "types.h"

#define IRQ_PER_CPU 32

typedef void (*irq_handler_fn)(unsigned intid);

/* Installs `fn` for per-CPU interrupt `intid` and enables it. */
void irq_register(unsigned intid, irq_handler_fn fn);

/* Called from the exception vector for every IRQ. */
void irq_handle(void);

#endif
