/* The host tests' counter (fake/arch.c): 1 MHz, moved by the tests. */
#ifndef MOAT_FAKE_TIME_H
#define MOAT_FAKE_TIME_H

#include <stdint.h>

extern uint64_t fake_now;

/* The fake interrupt controller (fake/arch.c): which lines are enabled. */
#include <stdbool.h>
extern bool fake_irq_enabled[64];

#endif
