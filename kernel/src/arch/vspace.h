/*
 * Native domains' address spaces (the lower half, TTBR0_EL2, one ASID each).
 * A VSpace object is its level-0 table; the ASID lives in its capability.
 */
#ifndef MOAT_ARCH_VSPACE_H
#define MOAT_ARCH_VSPACE_H

#include "cap.h"

#define ASID_COUNT 65536 /* 16-bit ASIDs; 0 is the kernel's empty space */

/* Switches the lower half to `vspace` (NULL: nothing mapped). */
void arch_vspace_activate(const struct cap *vspace);

/* ASIDs: allocation never fails once asid_available() said enough are left. */
unsigned asid_available(void);
uint16_t asid_alloc(void);
void asid_free(uint16_t asid);

/*
 * Maps [va, va + size) of a VSpace to physical memory, allocating missing
 * tables from `alloc`. Used by the kernel to build the root server.
 */
struct pt_alloc;
bool vspace_map_boot(const struct cap *vspace, uint64_t va, paddr_t pa, uint64_t size,
		     unsigned perm, const struct pt_alloc *alloc);

#endif
