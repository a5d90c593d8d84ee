/*
 * Stage-1 translation tables for the EL2&0 regime: 4 KiB granule, 48-bit
 * virtual addresses, four levels (L0..L3). The builder picks the largest
 * block (1 GiB, 2 MiB, 4 KiB) that fits each piece of a range.
 *
 * It touches no hardware: tables come from a caller-supplied allocator and
 * are reached through it, so the same code builds the kernel's tables at
 * boot and runs in host tests.
 *
 * pt_map is prepare-then-commit: it first walks the range without writing
 * (checking conflicts and counting the tables it needs), and only writes
 * when the whole mapping can be made. A failed pt_map changes nothing.
 */
#ifndef MOAT_PT_H
#define MOAT_PT_H

#include "types.h"

/* MAIR_EL2 attribute indices; arch_mmu sets MAIR to match. */
enum pt_mem {
	PT_MEM_DEVICE = 0,    /* Device-nGnRE */
	PT_MEM_NORMAL = 1,    /* Normal, inner/outer write-back */
	PT_MEM_NORMAL_NC = 2, /* Normal, non-cacheable */
};
#define PT_MAIR_VALUE 0x44ff04UL

/* Access rights. PT_R is required; W and X together are refused. */
#define PT_R (1u << 0)
#define PT_W (1u << 1)
#define PT_X (1u << 2)
#define PT_USER (1u << 3) /* reachable from EL0; also makes it non-global */

struct pt_attr {
	enum pt_mem mem;
	unsigned perm;
};

enum pt_error {
	PT_OK = 0,
	PT_EALIGN, /* address or size not a multiple of 4 KiB */
	PT_ERANGE, /* outside this table's half, or wraps around */
	PT_EEXIST, /* part of the range is already mapped */
	PT_ENOMEM, /* the allocator cannot supply the tables needed */
	PT_EATTR,  /* W+X, executable device memory, or no read right */
};

struct pt_alloc {
	/* How many more tables alloc() can supply. */
	size_t (*available)(void *ctx);
	/* A zeroed 4 KiB table; only called after available() said yes. */
	paddr_t (*alloc)(void *ctx);
	/* Where a table can be read and written. */
	uint64_t *(*table)(void *ctx, paddr_t pa);
	void *ctx;
};

struct pt {
	paddr_t root;
	bool upper; /* TTBR1 half: VA bits [63:48] all ones */
	const struct pt_alloc *alloc;
};

#define PT_PAGE_SIZE 4096UL
#define PT_PA_LIMIT (1UL << 48)

const char *pt_error_name(enum pt_error e);

enum pt_error pt_init(struct pt *pt, const struct pt_alloc *alloc, bool upper);
enum pt_error pt_map(struct pt *pt, vaddr_t va, paddr_t pa, uint64_t size,
		     struct pt_attr attr);

/*
 * Single-entry access, for mappings made one at a time (frames and page
 * tables given by user space). pt_walk follows table entries from the root
 * towards `va` and returns the first entry that is not a table entry, with
 * the level it is at (0-3).
 */
uint64_t *pt_walk(const struct pt *pt, vaddr_t va, unsigned *level);
uint64_t pt_leaf_entry(paddr_t pa, struct pt_attr attr, unsigned level);
uint64_t pt_table_entry(paddr_t table);
/* A guest's stage-2 leaf (same table layout, other attribute bits). */
uint64_t pt_s2_leaf_entry(paddr_t pa, struct pt_attr attr, unsigned level);
bool pt_entry_valid(uint64_t d);
paddr_t pt_entry_addr(uint64_t d);
uint64_t pt_level_size(unsigned level);

/* The translation of one address: false when unmapped. */
bool pt_lookup(const struct pt *pt, vaddr_t va, paddr_t *pa, struct pt_attr *attr,
	       uint64_t *leaf_size);

#endif
