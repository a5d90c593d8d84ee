/* The domain loader; see loader.h. */
#include "loader.h"

#include "elf.h"
#include "string.h"

#define PAGE 4096ul
/*
 * Where the root writes a new domain's pages: in the 2 MiB region of its
 * own IPC buffer and boot info, whose page table the kernel made at boot.
 */
#define WINDOW (MOAT_DOMAIN_IPC_BUFFER + 0x100000ul)
#define STACK_PAGES 4
#define CSPACE_BITS 4
#define SLOT_ROOT_EP 1

static enum moat_error map(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
			   moat_word_t rights, moat_word_t attr)
{
	moat_word_t a[3] = { va, rights, attr };

	moat_ipc_buffer->caps[0] = vspace;
	return moat_invoke(frame, MOAT_FRAME_MAP, 3, a, 1, NULL);
}

/*
 * The page tables made so far for the address space being built: the
 * region each covers (a table at level 1, 2, 3 covers 512 GiB, 1 GiB,
 * 2 MiB). PageTable_Map installs a table at the first missing level, so a
 * page whose regions are all covered maps at once, and a new one needs one
 * table per uncovered level, top down.
 */
#define MAX_TABLES 16
static const unsigned table_shift[3] = { 39, 30, 21 };
static struct {
	moat_cptr_t vspace;
	unsigned n;
	uint64_t region[MAX_TABLES]; /* va >> shift, tagged with the level */
} tables;

static uint64_t region_of(moat_word_t va, unsigned level)
{
	return (va >> table_shift[level]) << 2 | level;
}

static bool have_table(moat_word_t va, unsigned level)
{
	for (unsigned i = 0; i < tables.n; i++) {
		if (tables.region[i] == region_of(va, level))
			return true;
	}
	return false;
}

static enum moat_error add_tables(moat_cptr_t vspace, moat_word_t va)
{
	enum moat_error e;

	if (tables.vspace != vspace)
		tables.vspace = vspace, tables.n = 0;
	for (unsigned level = 0; level < 3; level++) {
		moat_cptr_t pt;

		if (have_table(va, level))
			continue;
		if (tables.n == MAX_TABLES)
			return MOAT_NOT_ENOUGH_MEMORY;
		if ((e = root_make(MOAT_OBJ_PAGE_TABLE, 0, &pt)) != MOAT_OK)
			return e;
		moat_ipc_buffer->caps[0] = vspace;
		if ((e = moat_invoke(pt, MOAT_PAGE_TABLE_MAP, 1, &va, 1, NULL)) != MOAT_OK)
			return e;
		tables.region[tables.n++] = region_of(va, level);
	}
	return MOAT_OK;
}

/* Maps `frame` into the new domain's `vspace`, adding page tables first. */
static enum moat_error map_new_domain(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
				      moat_word_t rights, moat_word_t attr)
{
	enum moat_error e = add_tables(vspace, va);

	return e != MOAT_OK ? e : map(frame, vspace, va, rights, attr);
}

static enum moat_error copy_cap(moat_cptr_t dest_cnode, moat_word_t index, moat_cptr_t src,
				moat_word_t rights, moat_word_t badge, bool mint)
{
	moat_word_t a[6] = { index, 64, src, 64, rights, badge };

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	return moat_invoke(dest_cnode, mint ? MOAT_CNODE_MINT : MOAT_CNODE_COPY, mint ? 6 : 5, a,
			   1, NULL);
}

static enum moat_error delete_slot(moat_cptr_t slot)
{
	moat_word_t a[2] = { slot, 64 };

	return moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_DELETE, 2, a, 0, NULL);
}

/* Cleans written code to the point of unification so the domain fetches it. */
static void sync_code(const char *p)
{
	for (unsigned long i = 0; i < PAGE; i += 64)
		__asm__ volatile("dc cvau, %0" ::"r"(p + i) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	for (unsigned long i = 0; i < PAGE; i += 64)
		__asm__ volatile("ic ivau, %0" ::"r"(p + i) : "memory");
	__asm__ volatile("dsb ish; isb" ::: "memory");
}

/*
 * A fresh page for the domain at `va`: filled through a temporary mapping
 * in our own space with `len` bytes of `src` at offset `off` (zero elsewhere).
 */
static const char *new_page(moat_cptr_t vspace, moat_word_t va, moat_word_t rights,
			    moat_word_t attr, const uint8_t *src, size_t off, size_t len)
{
	static moat_cptr_t window;
	moat_cptr_t frame;
	char *w = (char *)WINDOW;

	if (!window && !(window = root_slot()))
		return "out of capability slots";
	if (root_make(MOAT_OBJ_FRAME_4K, 0, &frame) != MOAT_OK)
		return "out of memory for frames";
	if (copy_cap(MOAT_SLOT_ROOT_CNODE, window, frame, MOAT_RIGHTS_ALL, 0, false) != MOAT_OK ||
	    map(window, MOAT_SLOT_ROOT_VSPACE, WINDOW, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0) !=
		    MOAT_OK)
		return "cannot map the loading window";
	memset(w, 0, PAGE);
	if (len)
		memcpy(w + off, src, len);
	if (attr & MOAT_FRAME_EXECUTE)
		sync_code(w);
	delete_slot(window); /* unmaps the window */
	if (map_new_domain(frame, vspace, va, rights, attr) != MOAT_OK)
		return "cannot map a page (segments overlap, or outside the user range)";
	return NULL;
}

static const char *load_segment(moat_cptr_t vspace, const struct elf_image *img,
				const struct elf_segment *s)
{
	moat_word_t rights = MOAT_RIGHT_READ | (s->flags & ELF_PF_W ? MOAT_RIGHT_WRITE : 0);
	moat_word_t attr = s->flags & ELF_PF_X ? MOAT_FRAME_EXECUTE : 0;
	uint64_t start = s->vaddr & ~(PAGE - 1);

	if ((s->flags & ELF_PF_W) && (s->flags & ELF_PF_X))
		return "a segment is both writable and executable";
	for (uint64_t va = start; va < s->vaddr + s->memsz; va += PAGE) {
		/* The file bytes that fall in this page. */
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t file_end = s->vaddr + s->filesz, hi = va + PAGE < file_end ? va + PAGE : file_end;
		size_t len = hi > lo ? (size_t)(hi - lo) : 0;
		const char *err = new_page(vspace, va, rights, attr,
					   img->data + s->offset + (lo - s->vaddr), (size_t)(lo - va),
					   len);

		if (err)
			return err;
	}
	return NULL;
}

static const char *make_cspace(moat_cptr_t *out, moat_cptr_t ep, moat_word_t badge)
{
	moat_cptr_t raw, cs = root_slot();
	moat_word_t mutate[6] = { cs, 64, 0, 64, 0, 64 - CSPACE_BITS }; /* guard: zeros */

	if (root_make(MOAT_OBJ_CNODE, CSPACE_BITS, &raw) != MOAT_OK)
		return "out of memory for a CNode";
	mutate[2] = raw;
	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	if (moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_MUTATE, 6, mutate, 1, NULL) != MOAT_OK)
		return "cannot set the CSpace guard";
	if (copy_cap(cs, SLOT_ROOT_EP, ep, MOAT_RIGHT_WRITE, badge, true) != MOAT_OK)
		return "cannot give the domain its endpoint";
	*out = cs;
	return NULL;
}

const char *loader_start(struct domain *d, const void *elf, size_t size, moat_cptr_t ep,
			 moat_word_t prio)
{
	struct elf_image img;
	moat_cptr_t vspace, cspace, ipc, tcb;
	moat_word_t fault_ep = SLOT_ROOT_EP, regs[3], name[4] = { 0 };
	const char *err = elf_open(&img, elf, size);

	if (err)
		return err;
	if (root_make(MOAT_OBJ_VSPACE, 0, &vspace) != MOAT_OK)
		return "out of memory or address space IDs";
	for (unsigned i = 0; i < img.count; i++) {
		if ((err = load_segment(vspace, &img, &img.seg[i])))
			return err;
	}
	for (unsigned i = 1; i <= STACK_PAGES; i++) {
		err = new_page(vspace, MOAT_DOMAIN_STACK_TOP - i * PAGE,
			       MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0, NULL, 0, 0);
		if (err)
			return err;
	}
	/* The IPC buffer: a page of its own, mapped where the runtime expects it. */
	if (root_make(MOAT_OBJ_FRAME_4K, 0, &ipc) != MOAT_OK ||
	    map_new_domain(ipc, vspace, MOAT_DOMAIN_IPC_BUFFER, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE,
			    0) != MOAT_OK)
		return "cannot map the IPC buffer";
	if ((err = make_cspace(&cspace, ep, d->badge)))
		return err;
	if (root_make(MOAT_OBJ_TCB, 0, &tcb) != MOAT_OK)
		return "out of memory for a TCB";
	moat_ipc_buffer->caps[0] = cspace;
	moat_ipc_buffer->caps[1] = vspace;
	moat_ipc_buffer->caps[2] = ipc;
	if (moat_invoke(tcb, MOAT_TCB_CONFIGURE, 1, &fault_ep, 3, NULL) != MOAT_OK)
		return "cannot configure the thread";
	regs[0] = img.entry;
	regs[1] = MOAT_DOMAIN_STACK_TOP;
	regs[2] = d->badge;
	for (size_t i = 0; i < sizeof(name) - 1 && d->name[i]; i++)
		((char *)name)[i] = d->name[i];
	if (moat_invoke(tcb, MOAT_TCB_WRITE_REGISTERS, 3, regs, 0, NULL) != MOAT_OK ||
	    moat_invoke(tcb, MOAT_TCB_SET_NAME, 4, name, 0, NULL) != MOAT_OK ||
	    moat_invoke(tcb, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL) != MOAT_OK ||
	    moat_invoke(tcb, MOAT_TCB_RESUME, 0, NULL, 0, NULL) != MOAT_OK)
		return "cannot start the thread";
	d->tcb = tcb;
	return NULL;
}
