/*
 * The kernel's address space. Physical memory and device registers are
 * reached through one linear map in the upper half (TTBR1_EL2):
 * kernel virtual = KERNEL_PHYS_OFFSET + physical. The lower half (TTBR0_EL2)
 * belongs to native domains; the kernel has nothing mapped there.
 */
#ifndef MOAT_ARCH_MMU_H
#define MOAT_ARCH_MMU_H

#include "types.h"

#define KERNEL_PHYS_OFFSET 0xffff000000000000UL

static inline void *pa_to_kva(paddr_t pa)
{
	return (void *)(uintptr_t)(pa.bits + KERNEL_PHYS_OFFSET);
}

static inline paddr_t kva_to_pa(const void *kva)
{
	return pa_make((uint64_t)(uintptr_t)kva - KERNEL_PHYS_OFFSET);
}

/* Address of a device register block in the linear map. */
static inline uintptr_t device_kva(uint64_t pa)
{
	return (uintptr_t)(pa + KERNEL_PHYS_OFFSET);
}

/*
 * Replaces the boot tables with the kernel's final map: image sections with
 * their own rights (text RX, rodata R, data RW), the rest of RAM RW and
 * never executable, device registers as Device-nGnRE, and nothing in the
 * lower half. Panics if the map cannot be built.
 */
void arch_mmu_init(void);

#endif
