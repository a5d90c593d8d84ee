/* The normal system: the kernel starts the root server and gets out of the way. */
#include "arch/irq.h"
#include "boot.h"
#include "kernel.h"
#include "kprintf.h"
#include "schedule.h"
#include "thread.h"

NORETURN void trap_schedule_enter(void); /* arch/aarch64/traps.c */

static void report_uptime(uint64_t seconds)
{
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
