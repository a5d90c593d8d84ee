/* Kernel interrupt dispatch; see irq.h. */
#include "irq.h"

#include "arch/irq.h"
#include "irq_handler.h"
#include "kprintf.h"
#include "panic.h"

static irq_handler_fn handlers[IRQ_PER_CPU];

void irq_register(unsigned intid, irq_handler_fn fn)
{
	CHECK(intid < IRQ_PER_CPU);
	handlers[intid] = fn;
	arch_irq_enable(intid);
}

void irq_handle(void)
{
	unsigned intid = arch_irq_ack();

	if (intid == IRQ_SPURIOUS)
		return;
	if (intid < IRQ_PER_CPU && handlers[intid]) {
		handlers[intid](intid);
	} else if (intid >= IRQ_FIRST_SPI) {
		irq_user_interrupt(intid);
	} else {
		/* Nobody asked for it: silence it rather than take it forever. */
		kprintf("moat: unexpected interrupt %u, disabled\n", intid);
		arch_irq_disable(intid);
	}
	arch_irq_eoi(intid);
}
