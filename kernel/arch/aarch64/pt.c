/* Translation-table builder; see pt.h for the model and its guarantees. */
#include "pt.h"

#define DESC_VALID (1UL << 0)
#define DESC_TABLE (1UL << 1) /* at L0-L2; at L3 this bit marks a page */
#define DESC_ATTRIDX(i) ((uint64_t)(i) << 2)
#define DESC_AP_EL0 (1UL << 6)
#define DESC_AP_RO (1UL << 7)
#define DESC_SH_INNER (3UL << 8)
#define DESC_AF (1UL << 10)
#define DESC_NG (1UL << 11)
#define DESC_PXN (1UL << 53)
#define DESC_UXN (1UL << 54)
#define DESC_ADDR_MASK 0x0000fffffffff000UL

#define ENTRIES 512
#define LAST_LEVEL 3

static uint64_t level_size(unsigned level)
{
	return 1UL << (12 + 9 * (LAST_LEVEL - level));
}

static unsigned level_index(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * (LAST_LEVEL - level))) & (ENTRIES - 1);
}

const char *pt_error_name(enum pt_error e)
{
	static const char *const names[] = {
		[PT_OK] = "ok",
		[PT_EALIGN] = "not 4 KiB aligned",
		[PT_ERANGE] = "address out of range",
		[PT_EEXIST] = "already mapped",
		[PT_ENOMEM] = "out of table memory",
		[PT_EATTR] = "invalid attributes",
	};
	return (unsigned)e < ARRAY_SIZE(names) ? names[e] : "unknown error";
}

static bool attr_valid(struct pt_attr a)
{
	if (!(a.perm & PT_R) || (a.perm & ~(PT_R | PT_W | PT_X | PT_USER)))
		return false;
	if ((a.perm & PT_W) && (a.perm & PT_X))
		return false;
	if (a.mem != PT_MEM_NORMAL && a.mem != PT_MEM_NORMAL_NC && a.mem != PT_MEM_DEVICE)
		return false;
	return !(a.mem == PT_MEM_DEVICE && (a.perm & PT_X));
}

static uint64_t leaf_encode(paddr_t pa, struct pt_attr a, unsigned level)
{
	uint64_t d = pa.bits | DESC_VALID | DESC_AF | DESC_ATTRIDX(a.mem);

	if (level == LAST_LEVEL)
		d |= DESC_TABLE;
	if (a.mem != PT_MEM_DEVICE)
		d |= DESC_SH_INNER;
	if (!(a.perm & PT_W))
		d |= DESC_AP_RO;
	if (a.perm & PT_USER) {
		/* The kernel never executes user memory. */
		d |= DESC_AP_EL0 | DESC_NG | DESC_PXN;
		if (!(a.perm & PT_X))
			d |= DESC_UXN;
	} else {
		d |= DESC_UXN;
		if (!(a.perm & PT_X))
			d |= DESC_PXN;
	}
	return d;
}

static struct pt_attr leaf_decode(uint64_t d)
{
	struct pt_attr a = { .mem = (enum pt_mem)((d >> 2) & 7), .perm = PT_R };

	if (!(d & DESC_AP_RO))
		a.perm |= PT_W;
	if (d & DESC_AP_EL0) {
		a.perm |= PT_USER;
		if (!(d & DESC_UXN))
			a.perm |= PT_X;
	} else if (!(d & DESC_PXN)) {
		a.perm |= PT_X;
	}
	return a;
}

static bool is_table(uint64_t d, unsigned level)
{
	return level < LAST_LEVEL && (d & (DESC_VALID | DESC_TABLE)) == (DESC_VALID | DESC_TABLE);
}

struct walk {
	const struct pt_alloc *alloc;
	struct pt_attr attr;
	bool commit;
	size_t tables; /* counted in the prepare pass */
};

/*
 * Maps [va, va + size) at `level` in `table`. A NULL table stands for one
 * that does not exist yet (prepare pass): all of its entries are empty.
 */
static enum pt_error walk_range(struct walk *w, uint64_t *table, unsigned level, uint64_t va,
				uint64_t pa, uint64_t size)
{
	uint64_t step = level_size(level);

	while (size) {
		uint64_t chunk = step - (va & (step - 1));
		unsigned i = level_index(va, level);
		uint64_t d = table ? table[i] : 0;
		bool leaf_fits = level >= 1 && chunk == step && size >= step &&
				 IS_ALIGNED(pa, step);
		enum pt_error e;

		if (chunk > size)
			chunk = size;
		if (is_table(d, level)) {
			e = walk_range(w, w->alloc->table(w->alloc->ctx, pa_make(d & DESC_ADDR_MASK)),
				       level + 1, va, pa, chunk);
		} else if (d & DESC_VALID) {
			return PT_EEXIST;
		} else if (leaf_fits || level == LAST_LEVEL) {
			if (w->commit)
				table[i] = leaf_encode(pa_make(pa), w->attr, level);
			e = PT_OK;
		} else if (w->commit) {
			paddr_t next = w->alloc->alloc(w->alloc->ctx);
			table[i] = next.bits | DESC_VALID | DESC_TABLE;
			e = walk_range(w, w->alloc->table(w->alloc->ctx, next), level + 1, va, pa,
				       chunk);
		} else {
			w->tables++;
			e = walk_range(w, NULL, level + 1, va, pa, chunk);
		}
		if (e != PT_OK)
			return e;
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return PT_OK;
}

static bool va_in_half(const struct pt *pt, uint64_t va)
{
	uint64_t top = va >> 48;

	return pt->upper ? top == 0xffff : top == 0;
}

enum pt_error pt_init(struct pt *pt, const struct pt_alloc *alloc, bool upper)
{
	if (alloc->available(alloc->ctx) < 1)
		return PT_ENOMEM;
	pt->alloc = alloc;
	pt->upper = upper;
	pt->root = alloc->alloc(alloc->ctx);
	return PT_OK;
}

enum pt_error pt_map(struct pt *pt, vaddr_t va, paddr_t pa, uint64_t size,
		     struct pt_attr attr)
{
	struct walk w = { .alloc = pt->alloc, .attr = attr };
	uint64_t *root = pt->alloc->table(pt->alloc->ctx, pt->root);
	uint64_t last = va.bits + size - 1;
	enum pt_error e;

	if (!IS_ALIGNED(va.bits | pa.bits | size, PT_PAGE_SIZE))
		return PT_EALIGN;
	if (size == 0 || last < va.bits || !va_in_half(pt, va.bits) || !va_in_half(pt, last))
		return PT_ERANGE;
	if (pa.bits + size < pa.bits || pa.bits + size > PT_PA_LIMIT)
		return PT_ERANGE;
	if (!attr_valid(attr))
		return PT_EATTR;

	e = walk_range(&w, root, 0, va.bits, pa.bits, size);
	if (e != PT_OK)
		return e;
	if (pt->alloc->available(pt->alloc->ctx) < w.tables)
		return PT_ENOMEM;
	w.commit = true;
	return walk_range(&w, root, 0, va.bits, pa.bits, size);
}

bool pt_lookup(const struct pt *pt, vaddr_t va, paddr_t *pa, struct pt_attr *attr,
	       uint64_t *leaf_size)
{
	uint64_t *table = pt->alloc->table(pt->alloc->ctx, pt->root);

	if (!va_in_half(pt, va.bits))
		return false;
	for (unsigned level = 0; level <= LAST_LEVEL; level++) {
		uint64_t d = table[level_index(va.bits, level)];
		uint64_t sz = level_size(level);

		if (!(d & DESC_VALID))
			return false;
		if (is_table(d, level)) {
			table = pt->alloc->table(pt->alloc->ctx, pa_make(d & DESC_ADDR_MASK));
			continue;
		}
		if (level == 0 || (level == LAST_LEVEL && !(d & DESC_TABLE)))
			return false; /* reserved encodings; the builder never writes them */
		if (pa)
			*pa = pa_make((d & DESC_ADDR_MASK & ~(sz - 1)) | (va.bits & (sz - 1)));
		if (attr)
			*attr = leaf_decode(d);
		if (leaf_size)
			*leaf_size = sz;
		return true;
	}
	return false;
}

uint64_t *pt_walk(const struct pt *pt, vaddr_t va, unsigned *level)
{
	uint64_t *table = pt->alloc->table(pt->alloc->ctx, pt->root);

	for (unsigned l = 0;; l++) {
		uint64_t *e = &table[level_index(va.bits, l)];

		if (!is_table(*e, l)) {
			*level = l;
			return e;
		}
		table = pt->alloc->table(pt->alloc->ctx, pa_make(*e & DESC_ADDR_MASK));
	}
}

uint64_t pt_leaf_entry(paddr_t pa, struct pt_attr attr, unsigned level)
{
	return leaf_encode(pa, attr, level);
}

/*
 * Stage 2 (a guest's IPA space): MemAttr [5:2] (HCR_EL2.FWB clear: outer,
 * inner), S2AP [7:6] (bit 6 read, bit 7 write), SH, AF, XN [54:53] (0b10:
 * never executable).
 */
#define S2_MEMATTR_DEVICE (1UL << 2)   /* Device-nGnRE */
#define S2_MEMATTR_NORMAL (15UL << 2)  /* Normal, outer and inner write-back */
#define S2_MEMATTR_NC (5UL << 2)       /* Normal, non-cacheable */
#define S2_AP_READ (1UL << 6)
#define S2_AP_WRITE (1UL << 7)
#define S2_XN (2UL << 53)

uint64_t pt_s2_leaf_entry(paddr_t pa, struct pt_attr a, unsigned level)
{
	uint64_t d = pa.bits | DESC_VALID | DESC_AF | S2_AP_READ;

	if (level == LAST_LEVEL)
		d |= DESC_TABLE;
	d |= a.mem == PT_MEM_DEVICE	 ? S2_MEMATTR_DEVICE
	     : a.mem == PT_MEM_NORMAL_NC ? S2_MEMATTR_NC | DESC_SH_INNER
					 : S2_MEMATTR_NORMAL | DESC_SH_INNER;
	if (a.perm & PT_W)
		d |= S2_AP_WRITE;
	if (!(a.perm & PT_X))
		d |= S2_XN;
	return d;
}

uint64_t pt_table_entry(paddr_t table)
{
	return table.bits | DESC_VALID | DESC_TABLE;
}

bool pt_entry_valid(uint64_t d)
{
	return d & DESC_VALID;
}

paddr_t pt_entry_addr(uint64_t d)
{
	return pa_make(d & DESC_ADDR_MASK);
}

uint64_t pt_level_size(unsigned level)
{
	return level_size(level);
}
