/*
 * Physical memory as portable code may touch it: through the kernel's
 * linear map. The arch layer (or a host test) provides these.
 */
#ifndef MOAT_PHYS_H
#define MOAT_PHYS_H

#include "types.h"

void *phys_to_kva(paddr_t pa);
paddr_t kva_to_phys(const void *kva);

#endif
