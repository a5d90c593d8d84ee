/* The default system, for now: a ticking kernel that reports its uptime. */
#include "arch/irq.h"
#include "kernel.h"
#include "kprintf.h"
#include "tick.h"

static void report_uptime(uint64_t tick, uint64_t deadline, uint64_t now)
{
	(void)deadline;
	(void)now;
	if (tick % TICK_HZ == 0)
		kprintf("moat: uptime %lu s\n", tick / TICK_HZ);
}

void kernel_payload(void)
{
	tick_set_hook(report_uptime);
	tick_start(TICK_HZ);
	for (;;)
		arch_wait_for_interrupt();
}
