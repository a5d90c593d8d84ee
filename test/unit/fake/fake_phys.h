/* Host stand-in for physical memory: an arena with a fake physical base. */
#ifndef MOAT_FAKE_PHYS_H
#define MOAT_FAKE_PHYS_H

#include "types.h"

#define FAKE_PHYS_BASE 0x40000000ul
#define FAKE_PHYS_SIZE (16ul << 20)

/* Fills the arena with a pattern, so tests can see what was zeroed. */
void fake_phys_reset(void);
paddr_t fake_phys_base(void);

#endif
