/* System register access and barriers (AArch64, EL2 with VHE). */
#ifndef MOAT_SYSREG_H
#define MOAT_SYSREG_H

#include "types.h"

#define sysreg_read(reg)                                          \
	({                                                        \
		uint64_t _v;                                      \
		__asm__ volatile("mrs %0, " #reg : "=r"(_v));     \
		_v;                                               \
	})

#define sysreg_write(reg, v)                                                   \
	do {                                                                   \
		uint64_t _v = (v);                                             \
		__asm__ volatile("msr " #reg ", %0" ::"r"(_v) : "memory");     \
	} while (0)

#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")

/* GICv3 CPU interface registers by encoding (older assemblers lack names). */
#define ICC_SRE_EL2 S3_4_C12_C9_5
/* The GIC virtual CPU interface (virtual interrupts for guests). */
#define ICH_AP1R0_EL2 S3_4_C12_C9_0
#define ICH_HCR_EL2 S3_4_C12_C11_0
#define ICH_VTR_EL2 S3_4_C12_C11_1
#define ICH_VMCR_EL2 S3_4_C12_C11_7
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1 S3_0_C12_C11_5

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

#endif
