/*
 * The kernel's final address space, built with the portable table builder
 * (pt.c) from a fixed pool of table pages in the image.
 */
#include "arch/mmu.h"
#include "arch/vspace.h"

#include "asm.h"
#include "panic.h"
#include "phys.h"
#include "platform.h"
#include "pt.h"
#include "sysreg.h"

_Static_assert(PT_MAIR_VALUE == PT_MAIR_ASM, "MAIR used at boot and by pt.c differ");

/* Enough for 4 KiB-granular image sections plus 2 MiB blocks elsewhere. */
#define KERNEL_TABLES 16

static uint64_t tables[KERNEL_TABLES][512] __attribute__((aligned(4096)));
static size_t tables_used;

static size_t pool_available(void *ctx)
{
	(void)ctx;
	return KERNEL_TABLES - tables_used;
}

static paddr_t pool_alloc(void *ctx)
{
	(void)ctx;
	return kva_to_pa(tables[tables_used++]);
}

static uint64_t *pool_table(void *ctx, paddr_t pa)
{
	(void)ctx;
	return pa_to_kva(pa);
}

static const struct pt_alloc pool = {
	.available = pool_available,
	.alloc = pool_alloc,
	.table = pool_table,
};

extern char _head[], __text_end[], __rodata_start[], __rodata_end[], __data_start[];
extern char __stack_guard[], __stack_bottom[], _end[];

void arch_mmu_load_ttbr1(uint64_t root_pa);

static void map(struct pt *pt, uint64_t pa, uint64_t end, enum pt_mem mem, unsigned perm,
		const char *what)
{
	enum pt_error e;

	if (end <= pa)
		return;
	e = pt_map(pt, va_make(pa + KERNEL_PHYS_OFFSET), pa_make(pa), end - pa,
		   (struct pt_attr){ mem, perm });
	if (e != PT_OK)
		panic("mmu: cannot map %s [0x%lx, 0x%lx): %s", what, pa, end, pt_error_name(e));
}

static uint64_t pa_of(const char *sym)
{
	return kva_to_pa(sym).bits;
}

void arch_mmu_init(void)
{
	const uint64_t ram_end = PLATFORM_RAM_BASE + PLATFORM_RAM_SIZE;
	struct pt pt;

	if (pt_init(&pt, &pool, true) != PT_OK)
		panic("mmu: no table memory");

	map(&pt, PLATFORM_RAM_BASE, pa_of(_head), PT_MEM_NORMAL, PT_R | PT_W, "RAM below image");
	map(&pt, pa_of(_head), pa_of(__text_end), PT_MEM_NORMAL, PT_R | PT_X, "kernel text");
	map(&pt, pa_of(__rodata_start), pa_of(__rodata_end), PT_MEM_NORMAL, PT_R, "rodata");
	map(&pt, pa_of(__data_start), pa_of(__stack_guard), PT_MEM_NORMAL, PT_R | PT_W, "data");
	map(&pt, pa_of(__stack_bottom), pa_of(_end), PT_MEM_NORMAL, PT_R | PT_W, "boot stack");
	map(&pt, pa_of(_end), ram_end, PT_MEM_NORMAL, PT_R | PT_W, "RAM above image");

	map(&pt, PLATFORM_GICD_BASE, PLATFORM_GICD_BASE + PLATFORM_GICD_SIZE, PT_MEM_DEVICE,
	    PT_R | PT_W, "GIC distributor");
	map(&pt, PLATFORM_GICR_BASE, PLATFORM_GICR_BASE + PLATFORM_GICR_SIZE, PT_MEM_DEVICE,
	    PT_R | PT_W, "GIC redistributor");
	map(&pt, PLATFORM_UART_BASE, PLATFORM_UART_BASE + PLATFORM_UART_SIZE, PT_MEM_DEVICE,
	    PT_R | PT_W, "UART");

	arch_mmu_load_ttbr1(pt.root.bits);

	/*
	 * The boot identity map is no longer needed. The lower half belongs to
	 * native domains; with none running it is an empty table (ASID 0).
	 */
	arch_vspace_activate(NULL);
}

void *phys_to_kva(paddr_t pa)
{
	return pa_to_kva(pa);
}

paddr_t kva_to_phys(const void *kva)
{
	return kva_to_pa(kva);
}
