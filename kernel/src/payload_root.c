/* The normal system: the kernel starts the root server and gets out of the way. */
#include "arch/irq.h"
#include "boot.h"
#include "kernel.h"
#include "kprintf.h"
#include "schedule.h"
#include "thread.h"

void trap_first_entry(void);

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
	trap_first_entry();
}
