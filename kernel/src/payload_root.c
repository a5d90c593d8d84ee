/* The normal system: the kernel starts the root server and gets out of the way. */
#include "arch/irq.h"
#include "boot.h"
#include "kernel.h"
#include "klog.h"
#include "kprintf.h"
#include "schedule.h"
#include "thread.h"

NORETURN void trap_schedule_enter(void); /* arch/aarch64/traps.c */

/*
 * Once a second, but not in the middle of a domain's line: on the UART
 * (no console server yet) it would cut that line in two, and a test's
 * expected line with it. A line left open for three reports gets the
 * third.
 */
static void report_uptime(uint64_t seconds)
{
	static unsigned held;

	if (klog_line_open() && held++ < 2)
		return;
	held = 0;
	kprintf("moat: uptime %lu s\n", seconds);
}

void kernel_payload(void)
{
	thread_init();
	boot_root_server();
	schedule_init(report_uptime);
	kprintf("moat: starting the root server\n");
	trap_schedule_enter();
}
