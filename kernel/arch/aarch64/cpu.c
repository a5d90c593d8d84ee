/* Per-CPU pointer and system halt (semihosting exit, PSCI, or park). */
#include "arch/cpu.h"

#include "arch/irq.h"
#include "asm.h"
#include "sysreg.h"

_Static_assert(offsetof(struct cpu, current) == CPU_CURRENT, "asm.h CPU_CURRENT");
_Static_assert(offsetof(struct cpu, kstack) == CPU_KSTACK, "asm.h CPU_KSTACK");

extern char __boot_stack_top[];

#define SEMIHOST_SYS_EXIT 0x18
#define SEMIHOST_APPLICATION_EXIT 0x20026
#define PSCI_SYSTEM_OFF 0x84000008

void arch_cpu_init(struct cpu *cpu, unsigned id)
{
	cpu->id = id;
	cpu->kstack = (uint64_t)(uintptr_t)__boot_stack_top; /* one CPU: the boot stack */
	sysreg_write(tpidr_el2, (uint64_t)(uintptr_t)cpu);
}


#ifdef MOAT_SEMIHOSTING
static void semihost_exit(unsigned status)
{
	uint64_t block[2] = { SEMIHOST_APPLICATION_EXIT, status };
	register uint64_t x0 __asm__("x0") = SEMIHOST_SYS_EXIT;
	register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}
#endif

NORETURN void arch_system_halt(enum halt_status status)
{
	arch_irq_mask();
#ifdef MOAT_SEMIHOSTING
	semihost_exit(status);
#endif
	if (status == HALT_OK) {
		register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
		__asm__ volatile("smc #0" : "+r"(x0)::"memory");
	}
	for (;;)
		__asm__ volatile("wfi");
}
