/* Frame and page-table invocations; see frame.h. */
#include "frame.h"

#include "arch/vspace.h"
#include "phys.h"
#include "pt.h"

static struct kerror vspace_arg(const struct invocation *inv, struct map_args *a)
{
	const struct cap *vs;

	if (inv->extra_count < 1 || (inv->extra[0]->cap.type != CAP_VSPACE &&
				     inv->extra[0]->cap.type != CAP_GUEST_SPACE))
		return kerror(MOAT_INVALID_CAPABILITY, "need a VSpace or GuestSpace", 0, 0, 0);
	vs = &inv->extra[0]->cap;
	a->guest = vs->type == CAP_GUEST_SPACE;
	a->root = cap_ptr(vs);
	a->asid = (uint16_t)vs->extra;
	if (asid_lookup(a->asid) != a->root)
		return kerror(MOAT_INVALID_CAPABILITY, "VSpace has no address space ID", 0, 0, 0);
	return kerror_ok();
}

static struct kerror check_va(uint64_t va, uint64_t size)
{
	if (va & (size - 1))
		return kerror(MOAT_ALIGNMENT_ERROR, "address not aligned to the frame size", 0, 0, 0);
	if (va >= (1ul << 48) || size > (1ul << 48) - va)
		return KERR_RANGE("address outside the lower half", 0, 0, (1ul << 48) - size);
	return kerror_ok();
}

static struct kerror decode_rights(const struct invocation *inv, struct map_args *a)
{
	const struct cap *c = &inv->slot->cap;
	moat_word_t rights = inv->mr[1], attr = inv->mr[2];
	unsigned mem = attr & 0xf;

	if ((rights & ~(moat_word_t)(MOAT_RIGHT_READ | MOAT_RIGHT_WRITE)) || !(rights & MOAT_RIGHT_READ))
		return KERR_ARG("rights must be read or read-write", 1);
	if (rights & ~(moat_word_t)c->rights)
		return kerror(MOAT_ILLEGAL_OPERATION, "more rights than the capability has", 1, 0, 0);
	if (mem > MOAT_FRAME_DEVICE || (attr & ~(moat_word_t)(0xf | MOAT_FRAME_EXECUTE)))
		return KERR_ARG("unknown attributes", 2);
	/* A guest kernel writes its own code: W^X is the guest's to keep. */
	if ((attr & MOAT_FRAME_EXECUTE) &&
	    (((rights & MOAT_RIGHT_WRITE) && !a->guest) || mem == MOAT_FRAME_DEVICE))
		return KERR_ARG("executable memory is never writable or a device", 2);
	if ((c->flags & CAP_FLAG_DEVICE) && mem == MOAT_FRAME_CACHED)
		return KERR_ARG("device memory cannot be mapped cached", 2);
	a->perm = PT_R | (rights & MOAT_RIGHT_WRITE ? PT_W : 0) |
		  (attr & MOAT_FRAME_EXECUTE ? PT_X : 0);
	a->mem = mem == MOAT_FRAME_DEVICE ? PT_MEM_DEVICE
		 : mem == MOAT_FRAME_UNCACHED ? PT_MEM_NORMAL_NC
					      : PT_MEM_NORMAL;
	return kerror_ok();
}

static struct kerror decode_map(const struct invocation *inv, struct map_args *a)
{
	const struct cap *c = &inv->slot->cap;
	unsigned level;
	struct kerror e;

	if (inv->length < 3)
		return kerror(MOAT_TRUNCATED_MESSAGE, "Frame_Map takes 3 arguments", 3, 0, 0);
	if (c->extra)
		return kerror(MOAT_ILLEGAL_OPERATION, "frame capability already mapped", 0, 0, 0);
	if ((e = vspace_arg(inv, a)).code != MOAT_OK || (e = check_va(inv->mr[0], 1ul << c->bits)).code != MOAT_OK ||
	    (e = decode_rights(inv, a)).code != MOAT_OK)
		return e;
	a->va = inv->mr[0];
	switch (vspace_check_map(a->root, a->va, c->bits, &level)) {
	case VSPACE_MISSING_TABLE:
		return kerror(MOAT_FAILED_LOOKUP, "no page table there", 0, level, 0);
	case VSPACE_EXISTS:
		return kerror(MOAT_DELETE_FIRST, "address already mapped", 0, 0, 0);
	default:
		return kerror_ok();
	}
}

struct kerror frame_decode(const struct invocation *inv, struct map_args *a)
{
	a->label = inv->label;
	a->slot = inv->slot;
	switch (inv->label) {
	case MOAT_FRAME_MAP:
		return decode_map(inv, a);
	case MOAT_FRAME_UNMAP:
	case MOAT_FRAME_GET_ADDRESS:
		return kerror_ok();
	default:
		return kerror(MOAT_ILLEGAL_OPERATION, "not a frame invocation", 0, 0, 0);
	}
}

void frame_cap_unmap(struct cap *c)
{
	if (!c->extra)
		return;
	if (asid_lookup((uint16_t)c->extra) == (void *)(uintptr_t)c->data2) {
		if (c->type == CAP_FRAME)
			vspace_unmap((void *)(uintptr_t)c->data2, (uint16_t)c->extra, c->data,
				     pa_make(c->obj), c->bits);
		else
			vspace_remove_table((void *)(uintptr_t)c->data2, (uint16_t)c->extra, c->data,
					    kva_to_phys(cap_ptr(c)));
	}
	c->extra = 0;
	c->data = c->data2 = 0;
}

static void record(struct cap *c, const struct map_args *a)
{
	c->extra = a->asid;
	c->data = a->va;
	c->data2 = (uint64_t)(uintptr_t)a->root;
}

unsigned frame_invoke(const struct map_args *a, moat_word_t out[3])
{
	struct cap *c = &a->slot->cap;

	switch (a->label) {
	case MOAT_FRAME_MAP:
		vspace_map(a->root, a->asid, a->va, pa_make(c->obj), c->bits, a->perm, a->mem);
		record(c, a);
		return 0;
	case MOAT_FRAME_UNMAP:
		frame_cap_unmap(c);
		return 0;
	default:
		out[0] = c->obj;
		return 1;
	}
}

struct kerror page_table_decode(const struct invocation *inv, struct map_args *a)
{
	unsigned level;
	struct kerror e;

	a->label = inv->label;
	a->slot = inv->slot;
	if (inv->label == MOAT_PAGE_TABLE_UNMAP)
		return kerror_ok();
	if (inv->label != MOAT_PAGE_TABLE_MAP)
		return kerror(MOAT_ILLEGAL_OPERATION, "not a page-table invocation", 0, 0, 0);
	if (inv->length < 1)
		return kerror(MOAT_TRUNCATED_MESSAGE, "PageTable_Map takes an address", 1, 0, 0);
	if (inv->slot->cap.extra)
		return kerror(MOAT_ILLEGAL_OPERATION, "page table already mapped", 0, 0, 0);
	if ((e = vspace_arg(inv, a)).code != MOAT_OK || (e = check_va(inv->mr[0] & ~0xffful, 4096)).code != MOAT_OK)
		return e;
	a->va = inv->mr[0];
	if (vspace_check_table(a->root, a->va, &level) != VSPACE_OK)
		return kerror(MOAT_DELETE_FIRST, "a page table is already there", 0, 0, 0);
	a->va &= ~(pt_level_size(level - 1) - 1); /* the region the table will cover */
	return kerror_ok();
}

void page_table_invoke(const struct map_args *a)
{
	struct cap *c = &a->slot->cap;

	if (a->label == MOAT_PAGE_TABLE_UNMAP) {
		frame_cap_unmap(c);
		return;
	}
	vspace_install_table(a->root, a->va, kva_to_phys(cap_ptr(c)));
	record(c, a);
}
