/* The one way the kernel stops on a broken invariant. */
#include "panic.h"

#include "arch/cpu.h"
#include "arch/irq.h"
#include "klog.h"
#include "kprintf.h"

NORETURN void panic(const char *fmt, ...)
{
	va_list ap;

	arch_irq_mask();
	klog_emergency(); /* straight to the UART: no domain runs again */
	kprintf("\nmoat: panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\nmoat: system halted\n");
	arch_system_halt(HALT_PANIC);
}
