/* Periodic kernel tick on the arch timer; see tick.h. */
#include "tick.h"

#include "arch/cpu.h"
#include "arch/timer.h"
#include "irq.h"
#include "panic.h"

static tick_hook_fn hook;

static void tick_interrupt(unsigned intid)
{
	struct cpu *cpu = arch_cpu_current();
	uint64_t deadline = cpu->next_deadline;
	uint64_t now = arch_timer_now();

	(void)intid;
	cpu->ticks++;
	cpu->next_deadline = deadline + cpu->tick_period;
	arch_timer_set_deadline(cpu->next_deadline);
	if (hook)
		hook(cpu->ticks, deadline, now);
}

void tick_start(unsigned hz)
{
	struct cpu *cpu = arch_cpu_current();
	uint64_t freq = arch_timer_freq();

	CHECK(hz > 0 && freq >= hz);
	cpu->tick_period = freq / hz;
	cpu->next_deadline = arch_timer_now() + cpu->tick_period;
	irq_register(arch_timer_intid(), tick_interrupt);
	arch_timer_set_deadline(cpu->next_deadline);
}

void tick_stop(void)
{
	arch_timer_stop();
}

uint64_t tick_count(void)
{
	return arch_cpu_current()->ticks;
}

void tick_set_hook(tick_hook_fn fn)
{
	hook = fn;
}
