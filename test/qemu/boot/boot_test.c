/*
 * Boot state: the kernel runs at EL2 with VHE (E2H) and TGE set, the MMU and
 * caches on, the exception vectors installed, and executes from the upper
 * half.
 */
#include "kernel.h"
#include "kprintf.h"
#include "ktest.h"
#include "sysreg.h"

extern char exception_vectors[];

void kernel_payload(void)
{
	uint64_t el = (sysreg_read(CurrentEL) >> 2) & 3;
	uint64_t hcr = sysreg_read(hcr_el2);
	uint64_t sctlr = sysreg_read(sctlr_el2);
	uint64_t pc = (uint64_t)(uintptr_t)kernel_payload;

	KTEST_ASSERT_EQ(el, 2);
	KTEST_ASSERT(hcr & (1ul << 34)); /* E2H */
	KTEST_ASSERT(hcr & (1ul << 27)); /* TGE */
	KTEST_ASSERT(sctlr & 1);         /* M */
	KTEST_ASSERT(sctlr & (1 << 2));  /* C */
	KTEST_ASSERT(sctlr & (1 << 12)); /* I */
	KTEST_ASSERT_EQ(sysreg_read(vbar_el2), (uint64_t)(uintptr_t)exception_vectors);
	KTEST_ASSERT_OP(pc >> 48, ==, 0xffff);
	kprintf("boot: EL%lu, E2H=1, TGE=1, MMU on, running at 0x%lx\n", el, pc);
	ktest_pass();
}
