/*
 * The kernel's final map, checked with the address-translation instruction
 * (AT S1E2R/W): text is read-only, data and stack writable, the stack guard
 * page and the whole lower half unmapped, devices reachable, RAM linear.
 */
#include "arch/mmu.h"
#include "kernel.h"
#include "kprintf.h"
#include "ktest.h"
#include "platform.h"
#include "sysreg.h"

#define PAR_F 1ul
#define PAR_PA(par) ((par)&0x0000fffffffff000ul)
#define PAR_ATTR(par) ((par) >> 56)

extern char _head[], __stack_guard[], __stack_bottom[], __rodata_start[];
static uint64_t some_data = 42;

static uint64_t at_read(uint64_t va)
{
	__asm__ volatile("at s1e2r, %0; isb" ::"r"(va) : "memory");
	return sysreg_read(par_el1);
}

static uint64_t at_write(uint64_t va)
{
	__asm__ volatile("at s1e2w, %0; isb" ::"r"(va) : "memory");
	return sysreg_read(par_el1);
}

void kernel_payload(void)
{
	uint64_t text = (uint64_t)(uintptr_t)_head;
	uint64_t rodata = (uint64_t)(uintptr_t)__rodata_start;
	uint64_t data = (uint64_t)(uintptr_t)&some_data;
	uint64_t guard = (uint64_t)(uintptr_t)__stack_guard;
	uint64_t stack = (uint64_t)(uintptr_t)__stack_bottom;
	uint64_t ram_last = KERNEL_PHYS_OFFSET + PLATFORM_RAM_BASE + PLATFORM_RAM_SIZE - 4096;
	uint64_t par;

	KTEST_ASSERT_EQ(at_read(text) & PAR_F, 0);
	KTEST_ASSERT_EQ(PAR_PA(at_read(text)), kva_to_pa(_head).bits);
	KTEST_ASSERT_EQ(at_write(text) & PAR_F, PAR_F);
	KTEST_ASSERT_EQ(at_write(rodata) & PAR_F, PAR_F);
	KTEST_ASSERT_EQ(at_write(data) & PAR_F, 0);
	KTEST_ASSERT_EQ(at_write(stack) & PAR_F, 0);
	KTEST_ASSERT_EQ(at_read(guard) & PAR_F, PAR_F);
	KTEST_ASSERT_EQ(at_read(0) & PAR_F, PAR_F);
	KTEST_ASSERT_EQ(at_read(PLATFORM_RAM_BASE) & PAR_F, PAR_F); /* no identity map */

	par = at_write(ram_last);
	KTEST_ASSERT_EQ(par & PAR_F, 0);
	KTEST_ASSERT_EQ(PAR_PA(par), PLATFORM_RAM_BASE + PLATFORM_RAM_SIZE - 4096);
	KTEST_ASSERT_EQ(PAR_ATTR(par), 0xff); /* normal write-back */

	par = at_write(device_kva(PLATFORM_UART_BASE));
	KTEST_ASSERT_EQ(par & PAR_F, 0);
	KTEST_ASSERT_EQ(PAR_ATTR(par), 0x04); /* Device-nGnRE */
	KTEST_ASSERT_EQ(at_read(device_kva(PLATFORM_UART_BASE + 0x1000)) & PAR_F, PAR_F);

	kprintf("mmu: text RX, rodata R, data/stack RW, guard and lower half unmapped\n");
	ktest_pass();
}
