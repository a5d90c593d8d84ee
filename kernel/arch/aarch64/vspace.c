/* Lower-half address spaces and ASIDs; see arch/vspace.h. */
#include "arch/vspace.h"

#include "arch/mmu.h"
#include "asm.h"
#include "pt.h"
#include "sysreg.h"

static uint64_t empty_table[512] __attribute__((aligned(4096)));
static void *asid_table[ASID_COUNT];
/* IDs 1-255 may also name a guest's stage-2 space: the ID is its VMID. */
static bool asid_guest[GUEST_SPACE_IDS];
static unsigned asid_free_count = ASID_COUNT - 1;
static unsigned asid_hint = 1;

static size_t no_tables(void *ctx)
{
	(void)ctx;
	return 0;
}

static uint64_t *table_kva(void *ctx, paddr_t pa)
{
	(void)ctx;
	return pa_to_kva(pa);
}

static const struct pt_alloc walk_only = { .available = no_tables, .table = table_kva };

static struct pt pt_of(void *root)
{
	return (struct pt){ .root = kva_to_pa(root), .upper = false, .alloc = &walk_only };
}

static void tlb_flush_page(uint16_t asid, uint64_t va)
{
	__asm__ volatile("dsb ishst; tlbi vae1is, %0; dsb ish; isb" ::"r"(
				 ((uint64_t)asid << 48) | ((va >> 12) & 0xfffffffffffull))
			 : "memory");
}

static void tlb_flush_asid(uint16_t asid)
{
	__asm__ volatile("dsb ishst; tlbi aside1is, %0; dsb ish; isb" ::"r"((uint64_t)asid << 48)
			 : "memory");
}

/*
 * Everything a guest's TLB entries hold, stage 1 and 2, for its VMID. The
 * TLBI acts on the VMID in VTTBR_EL2 and, with HCR_EL2.TGE set, on the
 * EL2&0 regime instead: both are switched for it and put back.
 */
static void tlb_flush_vmid(uint16_t vmid)
{
	uint64_t hcr = sysreg_read(hcr_el2), vttbr = sysreg_read(vttbr_el2);

	sysreg_write(vttbr_el2, (uint64_t)vmid << 48);
	sysreg_write(hcr_el2, hcr & ~(uint64_t)HCR_TGE);
	__asm__ volatile("isb; dsb ishst; tlbi vmalls12e1is; dsb ish" ::: "memory");
	sysreg_write(hcr_el2, hcr);
	sysreg_write(vttbr_el2, vttbr);
	isb();
}

static bool is_guest(uint16_t asid)
{
	return asid < GUEST_SPACE_IDS && asid_guest[asid];
}

static void tlb_flush_space(uint16_t asid, uint64_t va, bool whole)
{
	if (is_guest(asid))
		tlb_flush_vmid(asid);
	else if (whole)
		tlb_flush_asid(asid);
	else
		tlb_flush_page(asid, va);
}

/* One CPU: what TTBR0 holds (also read and written by fastpath.S). */
uint64_t vspace_active_ttbr;

void arch_vspace_activate(const struct cap *vspace)
{
	/* A thread whose VSpace was deleted runs in the empty space: it faults. */
	uint64_t ttbr = vspace && vspace->type == CAP_VSPACE
				? kva_to_pa(cap_ptr(vspace)).bits | ((uint64_t)vspace->extra << 48)
				: kva_to_pa(empty_table).bits;

	/* Same root and ASID: the register already says it (stale entries of a
	 * freed ASID were flushed when it was freed). */
	if (ttbr == vspace_active_ttbr)
		return;
	vspace_active_ttbr = ttbr;
	sysreg_write(ttbr0_el2, ttbr);
	isb();
}

unsigned asid_available(void)
{
	return asid_free_count;
}

uint16_t asid_alloc(void *vspace_root)
{
	for (unsigned n = 0; n < ASID_COUNT; n++) {
		unsigned a = (asid_hint + n) % ASID_COUNT;

		if (a && !asid_table[a]) {
			asid_table[a] = vspace_root;
			asid_free_count--;
			asid_hint = a + 1;
			return (uint16_t)a;
		}
	}
	return 0; /* unreachable when asid_available() was checked */
}

uint16_t asid_alloc_guest(void *root)
{
	for (unsigned a = 1; a < GUEST_SPACE_IDS; a++) {
		if (!asid_table[a]) {
			asid_table[a] = root;
			asid_guest[a] = true;
			asid_free_count--;
			return (uint16_t)a;
		}
	}
	return 0; /* unreachable when guest_ids_available() was checked */
}

unsigned guest_ids_available(void)
{
	unsigned n = 0;

	for (unsigned a = 1; a < GUEST_SPACE_IDS; a++)
		n += !asid_table[a];
	return n;
}

void asid_free(uint16_t asid)
{
	if (asid == 0 || asid >= ASID_COUNT || !asid_table[asid])
		return;
	tlb_flush_space(asid, 0, true); /* nothing tagged with it may outlive it */
	asid_table[asid] = NULL;
	if (asid < GUEST_SPACE_IDS)
		asid_guest[asid] = false;
	asid_free_count++;
}

void *asid_lookup(uint16_t asid)
{
	return asid < ASID_COUNT ? asid_table[asid] : NULL;
}

bool vspace_map_boot(const struct cap *vspace, uint64_t va, paddr_t pa, uint64_t size,
		     unsigned perm, const struct pt_alloc *alloc)
{
	struct pt pt = { .root = kva_to_pa(cap_ptr(vspace)), .upper = false, .alloc = alloc };

	return pt_map(&pt, va_make(va), pa, size, (struct pt_attr){ PT_MEM_NORMAL, perm | PT_USER }) ==
	       PT_OK;
}

static unsigned leaf_level(unsigned size_bits)
{
	return size_bits == 21 ? 2 : 3;
}

enum vspace_result vspace_check_map(void *root, uint64_t va, unsigned size_bits,
				    unsigned *level)
{
	struct pt pt = pt_of(root);
	unsigned want = leaf_level(size_bits), l;
	uint64_t *e = pt_walk(&pt, va_make(va), &l);

	if (pt_entry_valid(*e) || l > want)
		return VSPACE_EXISTS;
	if (l < want) {
		*level = l + 1;
		return VSPACE_MISSING_TABLE;
	}
	return VSPACE_OK;
}

void vspace_map(void *root, uint16_t asid, uint64_t va, paddr_t pa, unsigned size_bits,
		unsigned perm, unsigned mem)
{
	struct pt pt = pt_of(root);
	unsigned l;
	uint64_t *e = pt_walk(&pt, va_make(va), &l);

	/* The entry was invalid: nothing of it can be in the TLB. */
	dsb(ishst);
	*e = is_guest(asid) ? pt_s2_leaf_entry(pa, (struct pt_attr){ (enum pt_mem)mem, perm }, l)
			    : pt_leaf_entry(pa, (struct pt_attr){ (enum pt_mem)mem, perm | PT_USER }, l);
	dsb(ishst);
	(void)size_bits;
}

void vspace_unmap(void *root, uint16_t asid, uint64_t va, paddr_t pa, unsigned size_bits)
{
	struct pt pt = pt_of(root);
	unsigned l;
	uint64_t *e = pt_walk(&pt, va_make(va), &l);

	if (l != leaf_level(size_bits) || !pt_entry_valid(*e) || pt_entry_addr(*e).bits != pa.bits)
		return; /* already gone (its table was removed, or remapped) */
	*e = 0;
	tlb_flush_space(asid, va, false);
}

bool vspace_translate(void *root, uint64_t va, paddr_t *pa)
{
	struct pt pt = pt_of(root);
	unsigned l;
	uint64_t *e = pt_walk(&pt, va_make(va), &l);

	/* A page, or a block (a 2 MiB frame, say), whose size its level gives. */
	if (!pt_entry_valid(*e) || l == 0)
		return false;
	*pa = pa_make(pt_entry_addr(*e).bits | (va & (pt_level_size(l) - 1)));
	return true;
}

enum vspace_result vspace_check_table(void *root, uint64_t va, unsigned *level)
{
	struct pt pt = pt_of(root);
	unsigned l;
	uint64_t *e = pt_walk(&pt, va_make(va), &l);

	if (l == 3 || pt_entry_valid(*e))
		return VSPACE_EXISTS;
	*level = l + 1;
	return VSPACE_OK;
}

void vspace_install_table(void *root, uint64_t va, paddr_t table)
{
	struct pt pt = pt_of(root);
	unsigned l;
	uint64_t *e = pt_walk(&pt, va_make(va), &l);

	dsb(ishst); /* the zeroed table is visible before the entry that points to it */
	*e = pt_table_entry(table);
	dsb(ishst);
}

void vspace_remove_table(void *root, uint16_t asid, uint64_t va, paddr_t table)
{
	uint64_t *t = root;

	for (unsigned l = 0; l < 3; l++) {
		uint64_t *e = &t[(va >> (39 - 9 * l)) & 511];

		if (!pt_entry_valid(*e) || !(*e & 2))
			return;
		if (pt_entry_addr(*e).bits == table.bits) {
			*e = 0;
			tlb_flush_space(asid, va, true); /* everything below it is gone */
			return;
		}
		t = pa_to_kva(pt_entry_addr(*e));
	}
}
