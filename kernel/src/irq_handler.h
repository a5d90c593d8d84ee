/*
 * Device interrupts for user-level drivers. IRQControl hands out one
 * IRQHandler capability per interrupt line (SPIs only: the kernel keeps the
 * per-CPU interrupts). A handler with a notification set signals it when
 * the interrupt fires; the line then stays masked until the driver
 * acknowledges it, so a level-triggered device cannot storm the kernel.
 *   IRQControl_Get: MR0 interrupt, MR1 destination CNode (cptr), MR2 index,
 *     MR3 depth.
 *   IRQHandler_SetNotification: extra cap a notification with the write
 *     right (its badge is delivered). IRQHandler_Ack, IRQHandler_Clear.
 */
#ifndef MOAT_IRQ_HANDLER_H
#define MOAT_IRQ_HANDLER_H

#include "invocation.h"
#include "notification.h"

#define IRQ_FIRST_SPI 32
#define IRQ_MAX 1020

struct irq_args {
	uint64_t label;
	unsigned irq;
	struct cte *control; /* Get: the IRQControl slot (parent of the new cap) */
	struct cte *dest;
	struct notification *ntfn;
	uint64_t badge;
};

struct kerror irq_control_decode(const struct invocation *inv, struct irq_args *a);
struct kerror irq_handler_decode(const struct invocation *inv, struct irq_args *a);
void irq_invoke(const struct irq_args *a);

/* A user interrupt fired (called from the kernel's dispatcher). */
void irq_user_interrupt(unsigned irq);

/* The last handler capability for `irq` is gone: the line is free again. */
void irq_handler_finalise(unsigned irq);

/* `n` is going away: every handler signalling it stops doing so. */
void irq_forget_notification(const struct notification *n);

#endif
