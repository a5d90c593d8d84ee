/*
 * The kernel tick and the interrupt path: 50 ticks at 100 Hz. Every tick
 * must come at or after its deadline, deadlines must be exactly one period
 * apart, and the span from the first to the last tick must match the
 * counter within 10%. An SGI sent to this CPU must arrive as well.
 */
#include "arch/irq.h"
#include "arch/timer.h"
#include "irq.h"
#include "kernel.h"
#include "kprintf.h"
#include "ktest.h"
#include "tick.h"

#define TICKS 50
#define HZ 100
#define TEST_SGI 3

static volatile uint64_t deadlines[TICKS], stamps[TICKS];
static volatile unsigned seen;
static volatile unsigned sgi_count;

static void record(uint64_t tick, uint64_t deadline, uint64_t now)
{
	(void)tick;
	if (seen < TICKS) {
		deadlines[seen] = deadline;
		stamps[seen] = now;
		seen++;
	}
}

static void on_sgi(unsigned intid)
{
	if (intid == TEST_SGI)
		sgi_count++;
}

static void check_sgi(void)
{
	irq_register(TEST_SGI, on_sgi);
	arch_irq_send_sgi_self(TEST_SGI);
	for (unsigned i = 0; i < 1000 && !sgi_count; i++)
		arch_wait_for_interrupt();
	KTEST_ASSERT_EQ(sgi_count, 1);
}

void kernel_payload(void)
{
	uint64_t period = arch_timer_freq() / HZ;
	uint64_t expected = (TICKS - 1) * period, observed;

	check_sgi();
	tick_set_hook(record);
	tick_start(HZ);
	while (seen < TICKS)
		arch_wait_for_interrupt();
	tick_stop();

	for (unsigned i = 0; i < TICKS; i++) {
		KTEST_ASSERT_OP(stamps[i], >=, deadlines[i]);
		if (i)
			KTEST_ASSERT_EQ(deadlines[i] - deadlines[i - 1], period);
	}
	observed = stamps[TICKS - 1] - stamps[0];
	kprintf("timer: %u ticks at %u Hz: span %lu counts, expected %lu (counter %lu Hz)\n",
		TICKS, HZ, observed, expected, arch_timer_freq());
	KTEST_ASSERT_OP(observed, >=, expected - expected / 10);
	KTEST_ASSERT_OP(observed, <=, expected + expected / 10);
	KTEST_ASSERT_EQ(tick_count(), TICKS);
	ktest_pass();
}
