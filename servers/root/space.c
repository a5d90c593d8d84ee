/* Domain address spaces; see space.h. */
#include "space.h"

#include "alloc.h"
#include "string.h"

/*
 * Where the root writes a new domain's pages: in the 2 MiB region of its
 * own IPC buffer and boot info, whose page table the kernel made at boot.
 * Large frames go to the 2 MiB right above its stack: in the first GiB,
 * whose level-2 table the kernel made at boot, and with nothing mapped.
 */
#define WINDOW (MOAT_DOMAIN_IPC_BUFFER + 0x100000ul)
#define WINDOW_LARGE MOAT_DOMAIN_STACK_TOP

static enum moat_error map(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
			   moat_word_t rights, moat_word_t attr)
{
	moat_word_t a[3] = { va, rights, attr };

	moat_ipc_buffer->caps[0] = vspace;
	return moat_invoke(frame, MOAT_FRAME_MAP, 3, a, 1, NULL);
}

/*
 * The page tables made so far, per address space: the region each covers
 * (a table at level 1, 2, 3 covers 512 GiB, 1 GiB, 2 MiB). PageTable_Map
 * installs a table at the first missing level, so a page whose regions are
 * all covered maps at once, and a new one needs one table per uncovered
 * level, top down.
 */
#define MAX_SPACES 24 /* 16 domains, and 4 guests' VMMs and GuestSpaces */
#define MAX_TABLES 24
static const unsigned table_shift[3] = { 39, 30, 21 };
static struct tables {
	moat_cptr_t vspace;
	unsigned n;
	uint64_t region[MAX_TABLES]; /* va >> shift, tagged with the level */
} spaces[MAX_SPACES];

static struct tables *tables_of(moat_cptr_t vspace)
{
	for (unsigned i = 0; i < MAX_SPACES; i++) {
		if (spaces[i].vspace == vspace || !spaces[i].vspace) {
			spaces[i].vspace = vspace;
			return &spaces[i];
		}
	}
	return NULL;
}

static uint64_t region_of(moat_word_t va, unsigned level)
{
	return (va >> table_shift[level]) << 2 | level;
}

static bool have_table(const struct tables *t, moat_word_t va, unsigned level)
{
	for (unsigned i = 0; i < t->n; i++) {
		if (t->region[i] == region_of(va, level))
			return true;
	}
	return false;
}

/* The tables above a page (`levels` 3) or a 2 MiB block (`levels` 2) at va. */
static enum moat_error add_tables(moat_cptr_t vspace, moat_word_t va, unsigned levels)
{
	struct tables *t = tables_of(vspace);
	enum moat_error e;

	if (!t)
		return MOAT_NOT_ENOUGH_MEMORY;
	for (unsigned level = 0; level < levels; level++) {
		moat_cptr_t pt;

		if (have_table(t, va, level))
			continue;
		if (t->n == MAX_TABLES)
			return MOAT_NOT_ENOUGH_MEMORY;
		if ((e = alloc_object(MOAT_OBJ_PAGE_TABLE, 0, &pt)) != MOAT_OK)
			return e;
		moat_ipc_buffer->caps[0] = vspace;
		if ((e = moat_invoke(pt, MOAT_PAGE_TABLE_MAP, 1, &va, 1, NULL)) != MOAT_OK)
			return e;
		t->region[t->n++] = region_of(va, level);
	}
	return MOAT_OK;
}

enum moat_error space_map(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
			  moat_word_t rights, moat_word_t attr)
{
	enum moat_error e = add_tables(vspace, va, 3);

	return e != MOAT_OK ? e : map(frame, vspace, va, rights, attr);
}

enum moat_error space_map_large(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
				moat_word_t rights, moat_word_t attr)
{
	enum moat_error e = add_tables(vspace, va, 2);

	return e != MOAT_OK ? e : map(frame, vspace, va, rights, attr);
}

/* memcpy for the large copies: words while both sides are aligned. */
static void copy_words(void *dst, const void *src, size_t len)
{
	uint64_t *d = dst;
	const uint64_t *s = src;
	size_t words = ((uintptr_t)dst | (uintptr_t)src) & 7 ? 0 : len / 8;

	for (size_t i = 0; i < words; i++)
		d[i] = s[i];
	memcpy((char *)dst + words * 8, (const char *)src + words * 8, len - words * 8);
}

const char *space_fill_large(moat_cptr_t frame, const void *src, size_t len)
{
	if (len > SPACE_LARGE_PAGE)
		return "more bytes than a 2 MiB frame holds";
	if (map(frame, MOAT_SLOT_ROOT_VSPACE, WINDOW_LARGE, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0) !=
	    MOAT_OK)
		return "cannot map the loading window for 2 MiB frames";
	copy_words((void *)WINDOW_LARGE, src, len);
	if (moat_invoke(frame, MOAT_FRAME_UNMAP, 0, NULL, 0, NULL) != MOAT_OK)
		return "cannot unmap the loading window for 2 MiB frames";
	return NULL;
}

/* Cleans written code to the point of unification so the domain fetches it. */
static void sync_code(const char *p)
{
	for (unsigned long i = 0; i < SPACE_PAGE; i += 64)
		__asm__ volatile("dc cvau, %0" ::"r"(p + i) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	for (unsigned long i = 0; i < SPACE_PAGE; i += 64)
		__asm__ volatile("ic ivau, %0" ::"r"(p + i) : "memory");
	__asm__ volatile("dsb ish; isb" ::: "memory");
}

const char *space_new_page(moat_cptr_t vspace, moat_word_t va, moat_word_t rights,
			   moat_word_t attr, const void *src, size_t off, size_t len,
			   moat_cptr_t *out)
{
	static moat_cptr_t window;
	moat_cptr_t frame;
	char *w = (char *)WINDOW;

	if (!window && !(window = alloc_slot()))
		return "out of capability slots";
	if (alloc_object(MOAT_OBJ_FRAME_4K, 0, &frame) != MOAT_OK)
		return "out of memory for frames";
	if (alloc_copy(MOAT_SLOT_ROOT_CNODE, window, frame, MOAT_RIGHTS_ALL, 0) != MOAT_OK ||
	    map(window, MOAT_SLOT_ROOT_VSPACE, WINDOW, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0) !=
		    MOAT_OK)
		return "cannot map the loading window";
	memset(w, 0, SPACE_PAGE);
	if (len)
		memcpy(w + off, src, len);
	if (attr & MOAT_FRAME_EXECUTE)
		sync_code(w);
	alloc_delete(window); /* unmaps the window */
	if (space_map(frame, vspace, va, rights, attr) != MOAT_OK)
		return "cannot map a page (overlapping, or outside the user range)";
	if (out)
		*out = frame;
	return NULL;
}
