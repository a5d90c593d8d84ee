/*
 * GICv3: distributor, this CPU's redistributor, and the system-register CPU
 * interface. All interrupts are Group 1 Non-secure; SGIs and PPIs are
 * configured in the redistributor, SPIs in the distributor.
 */
#include "arch/irq.h"

#include "arch/mmu.h"
#include "panic.h"
#include "platform.h"
#include "sysreg.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR(n) (0x0080 + 4 * (n))
#define GICD_ISENABLER(n) (0x0100 + 4 * (n))
#define GICD_ICENABLER(n) (0x0180 + 4 * (n))
#define GICD_IPRIORITYR(n) (0x0400 + 4 * (n))
#define GICD_IROUTER(n) (0x6000 + 8 * (n))
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ENABLE (1u << 0 | 1u << 1 | 1u << 4) /* Grp1 (both views), ARE */

#define GICR_WAKER 0x0014
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)
#define GICR_SGI 0x10000 /* SGI_base frame */
#define GICR_IGROUPR0 (GICR_SGI + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI + 0x0180)
#define GICR_IPRIORITYR(n) (GICR_SGI + 0x0400 + 4 * (n))

#define DEFAULT_PRIORITY 0xa0a0a0a0u
#define POLL_LIMIT 1000000

static uintptr_t gicd(void)
{
	return device_kva(PLATFORM_GICD_BASE);
}

static uintptr_t gicr(void)
{
	return device_kva(PLATFORM_GICR_BASE);
}

static void wait_clear(uintptr_t reg, uint32_t bits, const char *what)
{
	for (unsigned i = 0; i < POLL_LIMIT; i++) {
		if (!(mmio_read32(reg) & bits))
			return;
	}
	panic("gic: %s did not complete", what);
}

unsigned arch_irq_lines(void)
{
	unsigned lines = ((mmio_read32(gicd() + GICD_TYPER) & 0x1f) + 1) * 32;

	return lines > 1020 ? 1020 : lines;
}

static void dist_init(void)
{
	unsigned lines = arch_irq_lines();

	mmio_write32(gicd() + GICD_CTLR, 0);
	wait_clear(gicd() + GICD_CTLR, GICD_CTLR_RWP, "distributor disable");
	for (unsigned n = 1; n < lines / 32; n++) {
		mmio_write32(gicd() + GICD_ICENABLER(n), ~0u);
		mmio_write32(gicd() + GICD_IGROUPR(n), ~0u);
	}
	for (unsigned n = 8; n < lines / 4; n++)
		mmio_write32(gicd() + GICD_IPRIORITYR(n), DEFAULT_PRIORITY);
	wait_clear(gicd() + GICD_CTLR, GICD_CTLR_RWP, "distributor configuration");
	mmio_write32(gicd() + GICD_CTLR, GICD_CTLR_ENABLE);
	wait_clear(gicd() + GICD_CTLR, GICD_CTLR_RWP, "distributor enable");
}

static void redist_init(void)
{
	uint32_t waker = mmio_read32(gicr() + GICR_WAKER);

	mmio_write32(gicr() + GICR_WAKER, waker & ~GICR_WAKER_SLEEP);
	wait_clear(gicr() + GICR_WAKER, GICR_WAKER_ASLEEP, "redistributor wake-up");
	mmio_write32(gicr() + GICR_ICENABLER0, ~0u);
	mmio_write32(gicr() + GICR_IGROUPR0, ~0u);
	for (unsigned n = 0; n < 8; n++)
		mmio_write32(gicr() + GICR_IPRIORITYR(n), DEFAULT_PRIORITY);
}

static void cpu_interface_init(void)
{
	/* SRE, disable IRQ/FIQ bypass, let EL1 use the system registers. */
	sysreg_write(ICC_SRE_EL2, sysreg_read(ICC_SRE_EL2) | 0xf);
	isb();
	sysreg_write(ICC_PMR_EL1, 0xff);
	sysreg_write(ICC_BPR1_EL1, 0);
	sysreg_write(ICC_CTLR_EL1, 0); /* EOI both drops priority and deactivates */
	sysreg_write(ICC_IGRPEN1_EL1, 1);
	isb();
}

void arch_irq_init(void)
{
	dist_init();
	redist_init();
	cpu_interface_init();
}

void arch_irq_enable(unsigned intid)
{
	if (intid < 32) {
		mmio_write32(gicr() + GICR_ISENABLER0, 1u << intid);
		return;
	}
	/* Route to this CPU by affinity (MPIDR Aff3.Aff2.Aff1.Aff0). */
	uint64_t mpidr = sysreg_read(mpidr_el1);
	uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 32 & 0xff) << 32);

	*(volatile uint64_t *)(gicd() + GICD_IROUTER(intid)) = aff;
	mmio_write32(gicd() + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
}

void arch_irq_disable(unsigned intid)
{
	if (intid < 32)
		mmio_write32(gicr() + GICR_ICENABLER0, 1u << intid);
	else
		mmio_write32(gicd() + GICD_ICENABLER(intid / 32), 1u << (intid % 32));
}

void arch_irq_send_sgi_self(unsigned intid)
{
	uint64_t mpidr = sysreg_read(mpidr_el1);
	uint64_t aff0 = mpidr & 0xff;
	uint64_t v = ((uint64_t)(intid & 15) << 24) | (1ul << (aff0 & 15)) | ((aff0 >> 4) << 44) |
		     (((mpidr >> 8) & 0xff) << 16) | (((mpidr >> 16) & 0xff) << 32) |
		     (((mpidr >> 32) & 0xff) << 48);

	sysreg_write(ICC_SGI1R_EL1, v);
	isb();
}

unsigned arch_irq_ack(void)
{
	unsigned intid = sysreg_read(ICC_IAR1_EL1) & 0xffffff;

	dsb(sy);
	return intid >= 1020 && intid <= 1023 ? IRQ_SPURIOUS : intid;
}

void arch_irq_eoi(unsigned intid)
{
	sysreg_write(ICC_EOIR1_EL1, intid);
	isb();
}

void arch_irq_unmask(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

void arch_irq_mask(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

void arch_wait_for_interrupt(void)
{
	__asm__ volatile("wfi; msr daifclr, #2; isb; msr daifset, #2" ::: "memory");
}
