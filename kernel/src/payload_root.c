/* The normal system: the kernel starts the root server and gets out of the way. */
#include "arch/irq.h"
#include "boot.h"
#include "kernel.h"
#include "kprintf.h"
#include "thread.h"
#include "tick.h"

void trap_first_entry(void);

static void report_uptime(uint64_t tick, uint64_t deadline, uint64_t now)
{
	(void)deadline;
	(void)now;
	if (tick % TICK_HZ == 0)
		kprintf("moat: uptime %lu s\n", tick / TICK_HZ);
}

void kernel_payload(void)
{
	thread_init();
	boot_root_server();
	tick_set_hook(report_uptime);
	tick_start(TICK_HZ);
	kprintf("moat: starting the root server\n");
	trap_first_entry();
}
