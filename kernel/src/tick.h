/*
 * The kernel tick: a periodic timer interrupt. Deadlines are absolute
 * (previous deadline + period), so a late interrupt does not shift the ones
 * after it and the tick count tracks the counter exactly.
 */
#ifndef MOAT_TICK_H
#define MOAT_TICK_H

#include "types.h"

#define TICK_HZ 100

typedef void (*tick_hook_fn)(uint64_t tick, uint64_t deadline, uint64_t now);

void tick_start(unsigned hz);
void tick_stop(void);
uint64_t tick_count(void);
/* Called on every tick, in interrupt context (tests, the default system). */
void tick_set_hook(tick_hook_fn fn);

#endif
