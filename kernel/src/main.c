/* Kernel start-up, from the first C instruction to the payload. */
#include "kernel.h"

#include "arch/console.h"
#include "arch/cpu.h"
#include "arch/irq.h"
#include "arch/mmu.h"
#include "arch/pmu.h"
#include "arch/timer.h"
#include "arch/vcpu.h"
#include "kprintf.h"
#include "platform.h"
#include "vcpu.h"

static struct cpu boot_cpu;

void kernel_main(uint64_t dtb_pa)
{
	(void)dtb_pa;
	arch_cpu_init(&boot_cpu, 0);
	arch_console_init();
	kprintf("\nMoat " MOAT_VERSION " (" PLATFORM_NAME ", EL2 with VHE)\n");
	arch_mmu_init();
	kprintf("moat: kernel map ready, %lu MiB RAM at 0x%lx\n", PLATFORM_RAM_SIZE >> 20,
		PLATFORM_RAM_BASE);
	arch_irq_init();
	arch_timer_init();
	arch_pmu_init();
	arch_vcpu_init();
	vcpu_init();
	kprintf("moat: GICv3 up, timer %lu Hz\n", arch_timer_freq());
	kernel_payload();
}
