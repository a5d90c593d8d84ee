/*
 * The root server's start: the only thread the kernel creates itself.
 * Its objects come from a boot allocator that walks up from the end of the
 * kernel image; whatever RAM is left afterwards becomes untyped memory, all
 * of it handed to the root server. Layout of its address space:
 *   program segments (from its ELF), IPC buffer at ROOT_IPC_BUFFER,
 *   boot info at ROOT_BOOTINFO, stack below ROOT_STACK_TOP.
 */
#include "boot.h"

#include <moat/bootinfo.h>

#include "arch/timer.h"
#include "arch/vspace.h"
#include "cdt.h"
#include "elf.h"
#include "invariants.h"
#include "klog.h"
#include "object.h"
#include "panic.h"
#include "phys.h"
#include "platform.h"
#include "pt.h"
#include "string.h"
#include "thread.h"

#define ROOT_CNODE_RADIX 12
#define ROOT_IPC_BUFFER MOAT_DOMAIN_IPC_BUFFER
#define ROOT_BOOTINFO 0x10001000ul
#define ROOT_PROGRAMS 0x11000000ul
#define ROOT_STACK_TOP MOAT_DOMAIN_STACK_TOP
#define ROOT_STACK_SIZE KIB(64)
#define PAGE 4096ul

extern const uint8_t _rootserver_start[], _rootserver_end[], _end[];
extern const uint8_t _programs_start[], _programs_end[];

static uint64_t bump;

static void *boot_alloc(uint64_t size, uint64_t align)
{
	uint64_t pa = ALIGN_UP(bump, align);

	if (pa + size > PLATFORM_RAM_BASE + PLATFORM_RAM_SIZE)
		panic("boot: out of memory building the root server");
	bump = pa + size;
	return memset(phys_to_kva(pa_make(pa)), 0, size);
}

static size_t tables_left(void *ctx)
{
	(void)ctx;
	return (PLATFORM_RAM_BASE + PLATFORM_RAM_SIZE - ALIGN_UP(bump, PAGE)) / PAGE;
}

static paddr_t table_alloc(void *ctx)
{
	(void)ctx;
	return kva_to_phys(boot_alloc(PAGE, PAGE));
}

static uint64_t *table_kva(void *ctx, paddr_t pa)
{
	(void)ctx;
	return phys_to_kva(pa);
}

static const struct pt_alloc boot_tables = { tables_left, table_alloc, table_kva, NULL };

static struct cte *slots;
static struct cap vspace;

/* Fresh zeroed frames mapped at [va, va + size) with `perm`. */
static void *map_new(uint64_t va, uint64_t size, unsigned perm)
{
	void *mem = boot_alloc(size, PAGE);

	if (!vspace_map_boot(&vspace, va, kva_to_phys(mem), size, perm, &boot_tables))
		panic("boot: cannot map root server memory at 0x%lx", va);
	return mem;
}

static void load_program(struct elf_image *elf)
{
	const char *err = elf_open(elf, _rootserver_start,
				   (size_t)((uintptr_t)_rootserver_end - (uintptr_t)_rootserver_start));

	if (err)
		panic("boot: root server program: %s", err);
	for (unsigned i = 0; i < elf->count; i++) {
		const struct elf_segment *s = &elf->seg[i];
		uint64_t start = ALIGN_DOWN(s->vaddr, PAGE);
		uint64_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE);
		unsigned perm = PT_R | (s->flags & ELF_PF_W ? PT_W : 0) |
				(s->flags & ELF_PF_X ? PT_X : 0);
		uint8_t *mem = map_new(start, end - start, perm);

		memcpy(mem + (s->vaddr - start), elf->data + s->offset, s->filesz);
	}
}

static struct cap frame_cap(void *kva, uint64_t va, unsigned rights)
{
	return (struct cap){ .type = CAP_FRAME, .rights = (uint8_t)rights, .bits = 12,
			     .obj = kva_to_phys(kva).bits, .data = va, .extra = vspace.extra,
			     .flags = (uint8_t)rights };
}

struct device_region {
	uint64_t base;
	unsigned bits;
};

static const struct device_region device_regions[] = { PLATFORM_DEVICE_REGIONS };

static void give_device_untyped(struct moat_bootinfo *bi, unsigned first)
{
	for (unsigned i = 0; i < ARRAY_SIZE(device_regions); i++) {
		const struct device_region *d = &device_regions[i];

		slots[first + bi->untyped_count].cap =
			object_create(MOAT_OBJ_UNTYPED, d->bits, pa_make(d->base), true);
		bi->untyped[bi->untyped_count++] = (struct moat_untyped_desc){
			.paddr = d->base, .size_bits = (uint8_t)d->bits, .is_device = 1
		};
	}
}

/*
 * Device regions first (they lie below RAM), then the rest of RAM as the
 * largest naturally aligned untyped blocks.
 */
static void give_untyped(struct moat_bootinfo *bi, unsigned first)
{
	uint64_t a = ALIGN_UP(bump, PAGE), end = PLATFORM_RAM_BASE + PLATFORM_RAM_SIZE;

	bi->untyped_first = first;
	give_device_untyped(bi, first);
	while (a < end && bi->untyped_count < MOAT_BOOTINFO_MAX_UNTYPED) {
		unsigned bits = (unsigned)__builtin_ctzll(a);

		while (bits > MOAT_UNTYPED_MAX_BITS || (1ul << bits) > end - a)
			bits--;
		slots[first + bi->untyped_count].cap =
			object_create(MOAT_OBJ_UNTYPED, bits, pa_make(a), false);
		bi->untyped[bi->untyped_count++] =
			(struct moat_untyped_desc){ .paddr = a, .size_bits = (uint8_t)bits };
		a += 1ul << bits;
	}
	bi->empty_first = first + bi->untyped_count;
	bi->empty_last = (1ul << ROOT_CNODE_RADIX) - 1;
}

/* A read-only copy of the program archive, for the root server to load. */
static void give_programs(struct moat_bootinfo *bi)
{
	size_t size = (size_t)((uintptr_t)_programs_end - (uintptr_t)_programs_start);
	void *mem = map_new(ROOT_PROGRAMS, ALIGN_UP(size, PAGE), PT_R);

	memcpy(mem, _programs_start, size);
	bi->programs = ROOT_PROGRAMS;
	bi->programs_size = size;
}

static struct tcb *make_thread(uint64_t entry, struct moat_ipc_buffer *ipc)
{
	struct tcb *t = boot_alloc(1ul << MOAT_TCB_SIZE_BITS, 1ul << MOAT_TCB_SIZE_BITS);

	t->ctx.pc = entry;
	t->ctx.sp = ROOT_STACK_TOP;
	t->ctx.x[0] = ROOT_BOOTINFO;
	t->priority = t->mcp = 255;
	t->ipc_buffer = ipc;
	memcpy(t->name, "root", 5);
	t->cspace.cap = slots[MOAT_SLOT_ROOT_CNODE].cap;
	cdt_insert(&slots[MOAT_SLOT_ROOT_CNODE], &t->cspace);
	t->vspace.cap = vspace;
	cdt_insert(&slots[MOAT_SLOT_ROOT_VSPACE], &t->vspace);
	return t;
}

void boot_root_server(void)
{
	struct elf_image elf;
	struct moat_bootinfo *bi;
	void *ipc;
	struct tcb *t;

	bump = ALIGN_UP(kva_to_phys(_end).bits, PAGE);
	slots = boot_alloc(1ul << (ROOT_CNODE_RADIX + MOAT_SLOT_SIZE_BITS), PAGE);
	vspace = object_create(MOAT_OBJ_VSPACE, 0, kva_to_phys(boot_alloc(PAGE, PAGE)), false);
	load_program(&elf);
	map_new(ROOT_STACK_TOP - ROOT_STACK_SIZE, ROOT_STACK_SIZE, PT_R | PT_W);
	ipc = map_new(ROOT_IPC_BUFFER, PAGE, PT_R | PT_W);
	bi = map_new(ROOT_BOOTINFO, PAGE, PT_R);

	slots[MOAT_SLOT_ROOT_CNODE].cap = (struct cap){
		.type = CAP_CNODE, .rights = MOAT_RIGHTS_ALL, .bits = ROOT_CNODE_RADIX,
		.flags = 64 - ROOT_CNODE_RADIX, .obj = (uint64_t)(uintptr_t)slots };
	slots[MOAT_SLOT_ROOT_VSPACE].cap = vspace;
	slots[MOAT_SLOT_IRQ_CONTROL].cap = (struct cap){ .type = CAP_IRQ_CONTROL };
	slots[MOAT_SLOT_SCHED_CONTROL].cap = (struct cap){ .type = CAP_SCHED_CONTROL };
	slots[MOAT_SLOT_ASID_CONTROL].cap = (struct cap){ .type = CAP_ASID_CONTROL };
	slots[MOAT_SLOT_IPC_BUFFER].cap = frame_cap(ipc, ROOT_IPC_BUFFER, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE);
	slots[MOAT_SLOT_BOOTINFO_FRAME].cap = frame_cap(bi, ROOT_BOOTINFO, MOAT_RIGHT_READ);
	slots[MOAT_SLOT_KLOG].cap = (struct cap){ .type = CAP_KLOG };
	slots[MOAT_SLOT_KLOG_FRAME].cap = (struct cap){ .type = CAP_FRAME, .rights = MOAT_RIGHT_READ,
							.bits = 12, .obj = kva_to_phys(klog_page()).bits };

	t = make_thread(elf.entry, ipc);
	slots[MOAT_SLOT_ROOT_TCB].cap = (struct cap){ .type = CAP_TCB, .rights = MOAT_RIGHTS_ALL,
						      .obj = (uint64_t)(uintptr_t)t };
	*bi = (struct moat_bootinfo){ .magic = MOAT_BOOTINFO_MAGIC,
				      .root_cnode_radix = ROOT_CNODE_RADIX,
				      .ipc_buffer = ROOT_IPC_BUFFER,
				      .timer_frequency = arch_timer_freq() };
	give_programs(bi);
	give_untyped(bi, MOAT_SLOT_FIRST_FREE_FIXED);
	invariants_set_root(&slots[MOAT_SLOT_ROOT_CNODE].cap);
	thread_make_runnable(t);
}
