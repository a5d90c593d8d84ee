/* The domain loader; see loader.h. */
#include "loader.h"

#include "alloc.h"
#include "device.h"
#include "elf.h"
#include "space.h"
#include "string.h"

#define CSPACE_BITS 5 /* MOAT_DOMAIN_CSPACE_SLOTS */
#define RW (MOAT_RIGHT_READ | MOAT_RIGHT_WRITE)

_Static_assert((1u << CSPACE_BITS) == MOAT_DOMAIN_CSPACE_SLOTS, "domain CSpace size");

void loader_copy_name(char *dst, const char *src, size_t cap)
{
	for (size_t i = 0; i + 1 < cap && src[i]; i++)
		dst[i] = src[i];
}

static bool same_name(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

const char *loader_find(const char *name, const void **data, size_t *size)
{
	const struct moat_bootinfo *bi = alloc_bootinfo();
	const struct moat_programs *p = (const struct moat_programs *)(uintptr_t)bi->programs;

	if (bi->programs_size < sizeof(*p) || p->magic != MOAT_PROGRAMS_MAGIC ||
	    p->count > (bi->programs_size - sizeof(*p)) / sizeof(p->entry[0]))
		return "the image's program archive is missing or corrupt";
	for (uint64_t i = 0; i < p->count; i++) {
		const struct moat_program_entry *e = &p->entry[i];

		if (e->name[MOAT_PROGRAM_NAME_MAX - 1] || e->offset > bi->programs_size ||
		    e->size > bi->programs_size - e->offset)
			return "a corrupt entry in the image's program archive";
		if (same_name(e->name, name)) {
			*data = (const uint8_t *)p + e->offset;
			*size = e->size;
			return NULL;
		}
	}
	return "no program of that name in the image";
}

static const char *load_segment(moat_cptr_t vspace, const struct elf_image *img,
				const struct elf_segment *s)
{
	moat_word_t rights = MOAT_RIGHT_READ | (s->flags & ELF_PF_W ? MOAT_RIGHT_WRITE : 0);
	moat_word_t attr = s->flags & ELF_PF_X ? MOAT_FRAME_EXECUTE : 0;
	uint64_t start = s->vaddr & ~(SPACE_PAGE - 1);

	if ((s->flags & ELF_PF_W) && (s->flags & ELF_PF_X))
		return "a segment is both writable and executable";
	for (uint64_t va = start; va < s->vaddr + s->memsz; va += SPACE_PAGE) {
		/* The file bytes that fall in this page. */
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t file_end = s->vaddr + s->filesz;
		uint64_t hi = va + SPACE_PAGE < file_end ? va + SPACE_PAGE : file_end;
		size_t len = hi > lo ? (size_t)(hi - lo) : 0;
		const char *err = space_new_page(vspace, va, rights, attr,
						 img->data + s->offset + (lo - s->vaddr),
						 (size_t)(lo - va), len, NULL);

		if (err)
			return err;
	}
	return NULL;
}

static const char *new_pages(moat_cptr_t vspace, moat_word_t va, uint64_t pages)
{
	const char *err = NULL;

	for (uint64_t i = 0; i < pages && !err; i++)
		err = space_new_page(vspace, va + i * SPACE_PAGE, RW, 0, NULL, 0, 0, NULL);
	return err;
}

const char *loader_cnode(unsigned bits, moat_cptr_t *out)
{
	moat_cptr_t raw, cs = alloc_slot();
	moat_word_t mutate[6] = { cs, 64, 0, 64, 0, 64 - bits };

	if (!cs || alloc_object(MOAT_OBJ_CNODE, bits, &raw) != MOAT_OK)
		return "out of memory for a CNode";
	mutate[2] = raw;
	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	if (moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_MUTATE, 6, mutate, 1, NULL) != MOAT_OK)
		return "cannot set the CSpace guard";
	*out = cs;
	return NULL;
}

/* A 16-slot CSpace with the root endpoint and the inbox. */
static const char *make_cspace(struct domain *d, moat_cptr_t ep)
{
	moat_cptr_t cs;
	const char *err = loader_cnode(CSPACE_BITS, &cs);

	if (err)
		return err;
	if (alloc_mint(cs, MOAT_DOMAIN_SLOT_ROOT, ep, MOAT_RIGHT_WRITE, d->badge) != MOAT_OK)
		return "cannot give the domain its endpoint";
	if (alloc_object(MOAT_OBJ_NOTIFICATION, 0, &d->inbox) != MOAT_OK ||
	    alloc_copy(cs, MOAT_DOMAIN_SLOT_INBOX, d->inbox, MOAT_RIGHT_READ, 0) != MOAT_OK)
		return "cannot give the domain its inbox";
	d->cspace = cs;
	return NULL;
}

/*
 * A driver's DMA memory: 2 MiB frames (each physically contiguous, so a
 * device can be given one address for a whole block), mapped uncached,
 * their capabilities in its CSpace for Frame_GetAddress.
 */
static const char *add_dma(struct domain *d)
{
	uint64_t blocks = d->sys->dma_blocks;

	if (blocks > MOAT_DOMAIN_DMA_BLOCKS)
		return "more DMA memory than 4 blocks of 2 MiB";
	for (uint64_t i = 0; i < blocks; i++) {
		moat_cptr_t frame;

		if (alloc_object(MOAT_OBJ_FRAME_2M, 0, &frame) != MOAT_OK)
			return "out of memory for its DMA memory";
		if (space_map_large(frame, d->vspace, MOAT_DOMAIN_DMA + i * MOAT_DOMAIN_DMA_BLOCK, RW,
				    MOAT_FRAME_UNCACHED) != MOAT_OK ||
		    alloc_copy(d->cspace, MOAT_DOMAIN_SLOT_DMA(i), frame, RW, 0) != MOAT_OK)
			return "cannot give it its DMA memory";
	}
	d->info.dma = blocks ? MOAT_DOMAIN_DMA : 0;
	d->info.dma_size = blocks * MOAT_DOMAIN_DMA_BLOCK;
	return NULL;
}

static const char *add_device(struct domain *d)
{
	const struct sys_device *dev = d->sys->device;
	moat_cptr_t handler, ntfn;
	const char *err;

	if (!dev)
		return NULL;
	if ((err = device_map(dev->paddr, dev->size, d->vspace, MOAT_DOMAIN_DEVICE)))
		return err;
	d->info.device = MOAT_DOMAIN_DEVICE + (dev->paddr & (SPACE_PAGE - 1));
	d->info.device_paddr = dev->paddr;
	d->info.device_size = dev->size;
	d->info.device_irq = dev->irq;
	if (!dev->irq)
		return NULL;
	if ((err = device_irq(dev->irq, &handler)))
		return err;
	if (alloc_derive(d->inbox, MOAT_RIGHT_WRITE, MOAT_DOMAIN_IRQ_BIT, &ntfn) != MOAT_OK)
		return "cannot make the interrupt's notification";
	moat_ipc_buffer->caps[0] = ntfn;
	if (moat_invoke(handler, MOAT_IRQ_HANDLER_SET_NOTIFICATION, 0, NULL, 1, NULL) != MOAT_OK ||
	    alloc_copy(d->cspace, MOAT_DOMAIN_SLOT_IRQ, handler, MOAT_RIGHTS_ALL, 0) != MOAT_OK)
		return "cannot give the domain its interrupt";
	return NULL;
}

const char *loader_create(struct domain *d, const void *elf, size_t size, moat_cptr_t ep)
{
	struct elf_image img;
	moat_cptr_t ipc, tcb;
	moat_word_t fault_ep = MOAT_DOMAIN_SLOT_ROOT;
	const char *err = elf_open(&img, elf, size);

	if (err)
		return err;
	if (alloc_object(MOAT_OBJ_VSPACE, 0, &d->vspace) != MOAT_OK)
		return "out of memory or address space IDs";
	for (unsigned i = 0; i < img.count; i++) {
		if ((err = load_segment(d->vspace, &img, &img.seg[i])))
			return err;
	}
	if ((err = new_pages(d->vspace, MOAT_DOMAIN_STACK_TOP - d->sys->stack_pages * SPACE_PAGE,
			     d->sys->stack_pages)) ||
	    (err = new_pages(d->vspace, MOAT_DOMAIN_HEAP, d->sys->heap_pages)))
		return err;
	if (alloc_object(MOAT_OBJ_FRAME_4K, 0, &ipc) != MOAT_OK ||
	    space_map(ipc, d->vspace, MOAT_DOMAIN_IPC_BUFFER, RW, 0) != MOAT_OK)
		return "cannot map the IPC buffer";
	if ((err = make_cspace(d, ep)))
		return err;
	if (alloc_object(MOAT_OBJ_TCB, 0, &tcb) != MOAT_OK)
		return "out of memory for a TCB";
	moat_ipc_buffer->caps[0] = d->cspace;
	moat_ipc_buffer->caps[1] = d->vspace;
	moat_ipc_buffer->caps[2] = ipc;
	if (moat_invoke(tcb, MOAT_TCB_CONFIGURE, 1, &fault_ep, 3, NULL) != MOAT_OK)
		return "cannot configure the thread";
	d->tcb = tcb;
	d->entry = img.entry;
	d->shared_next = MOAT_DOMAIN_SHARED;
	d->info.magic = MOAT_DOMAIN_INFO_MAGIC;
	loader_copy_name(d->info.name, d->sys->name, MOAT_DOMAIN_NAME_MAX);
	d->info.heap_size = d->sys->heap_pages * SPACE_PAGE;
	return (err = add_dma(d)) ? err : add_device(d);
}

const char *loader_sched_context(moat_cptr_t tcb, uint64_t budget_us, uint64_t period_us)
{
	moat_word_t a[2] = { budget_us, period_us };
	moat_cptr_t sc;

	if (!period_us)
		return NULL;
	if (alloc_object(MOAT_OBJ_SCHED_CONTEXT, 0, &sc) != MOAT_OK)
		return "out of memory for a scheduling context";
	moat_ipc_buffer->caps[0] = sc;
	if (moat_invoke(MOAT_SLOT_SCHED_CONTROL, MOAT_SCHED_CONTROL_CONFIGURE, 2, a, 1, NULL) !=
	    MOAT_OK)
		return "budget or period refused";
	moat_ipc_buffer->caps[0] = sc;
	if (moat_invoke(tcb, MOAT_TCB_SET_SCHED_CONTEXT, 0, NULL, 1, NULL) != MOAT_OK)
		return "cannot bind the scheduling context";
	return NULL;
}

const char *loader_start(struct domain *d)
{
	moat_word_t regs[3] = { d->entry, MOAT_DOMAIN_STACK_TOP, MOAT_DOMAIN_INFO };
	moat_word_t name[4] = { 0 }, prio = d->sys->priority;
	const char *err;

	if ((err = loader_sched_context(d->tcb, d->sys->budget_us, d->sys->period_us)) ||
	    (err = space_new_page(d->vspace, MOAT_DOMAIN_INFO, MOAT_RIGHT_READ, 0, &d->info, 0,
				  sizeof(d->info), NULL)))
		return err;
	loader_copy_name((char *)name, d->sys->name, sizeof(name));
	if (moat_invoke(d->tcb, MOAT_TCB_WRITE_REGISTERS, 3, regs, 0, NULL) != MOAT_OK ||
	    moat_invoke(d->tcb, MOAT_TCB_SET_NAME, 4, name, 0, NULL) != MOAT_OK ||
	    moat_invoke(d->tcb, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL) != MOAT_OK ||
	    moat_invoke(d->tcb, MOAT_TCB_RESUME, 0, NULL, 0, NULL) != MOAT_OK)
		return "cannot start the thread";
	return NULL;
}
