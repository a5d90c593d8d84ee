/*
 * Untyped_Retype. Objects are carved from an untyped region at a watermark
 * that only moves forward while any object made from it is alive, so live
 * objects never overlap; with no children left, the watermark starts over.
 */
#include "untyped.h"

#include "arch/vspace.h"
#include "cdt.h"
#include "cspace.h"
#include "object.h"
#include "string.h"
#include "phys.h"

static uint64_t watermark(const struct cte *u)
{
	return u->first_child ? u->cap.data : 0;
}

uint64_t untyped_free_bytes(const struct cte *u)
{
	return (1ul << u->cap.bits) - watermark(u);
}

static struct kerror check_type(const struct cap *u, enum moat_object_type type, unsigned bits)
{
	switch (type) {
	case MOAT_OBJ_UNTYPED:
		if (bits < MOAT_UNTYPED_MIN_BITS || bits > MOAT_UNTYPED_MAX_BITS)
			return KERR_RANGE("untyped size_bits", 1, MOAT_UNTYPED_MIN_BITS,
					  MOAT_UNTYPED_MAX_BITS);
		return kerror_ok();
	case MOAT_OBJ_FRAME_4K:
	case MOAT_OBJ_FRAME_2M:
		return kerror_ok();
	case MOAT_OBJ_CNODE:
		if (bits < 1 || bits > MOAT_CNODE_MAX_RADIX)
			return KERR_RANGE("CNode radix", 1, 1, MOAT_CNODE_MAX_RADIX);
		break;
	case MOAT_OBJ_TCB:
	case MOAT_OBJ_ENDPOINT:
	case MOAT_OBJ_NOTIFICATION:
	case MOAT_OBJ_REPLY:
	case MOAT_OBJ_SCHED_CONTEXT:
	case MOAT_OBJ_PAGE_TABLE:
	case MOAT_OBJ_VSPACE:
	case MOAT_OBJ_VCPU:
	case MOAT_OBJ_GUEST_SPACE:
		break;
	default:
		return KERR_ARG("unknown object type", 0);
	}
	if (u->flags & CAP_FLAG_DEVICE)
		return kerror(MOAT_ILLEGAL_OPERATION, "device memory holds only frames and untyped",
			      0, 0, 0);
	return kerror_ok();
}

static struct kerror check_dest(const struct invocation *inv, struct retype_args *a)
{
	struct lookup_result r = cspace_lookup_cap(inv->cspace, inv->mr[2]);
	uint64_t slots;
	struct cte *base;

	if (r.fault != LOOKUP_OK || r.slot->cap.type != CAP_CNODE)
		return kerror(MOAT_FAILED_LOOKUP, "destination is not a CNode", 0, r.bits_left, 0);
	slots = 1ul << r.slot->cap.bits;
	if (a->count < 1 || a->count > UNTYPED_RETYPE_MAX_COUNT)
		return KERR_RANGE("object count", 4, 1, UNTYPED_RETYPE_MAX_COUNT);
	if (inv->mr[3] >= slots || a->count > slots - inv->mr[3])
		return KERR_RANGE("destination slots", 3, 0, slots - 1);
	base = (struct cte *)(uintptr_t)r.slot->cap.obj;
	a->dest = &base[inv->mr[3]];
	for (uint64_t i = 0; i < a->count; i++) {
		if (!cap_is_null(&a->dest[i].cap))
			return kerror(MOAT_DELETE_FIRST, "destination slot occupied", 3,
				      inv->mr[3] + i, 0);
	}
	return kerror_ok();
}

struct kerror untyped_decode_retype(const struct invocation *inv, struct retype_args *a)
{
	const struct cap *u = &inv->slot->cap;
	uint64_t size = 1ul << u->bits, start, need;
	struct kerror e;

	if (inv->length < 5)
		return kerror(MOAT_TRUNCATED_MESSAGE, "Untyped_Retype takes 5 arguments", 5, 0, 0);
	if (inv->mr[0] >= MOAT_OBJ_TYPE_COUNT || inv->mr[1] > 63)
		return KERR_ARG("object type or size", inv->mr[0] >= MOAT_OBJ_TYPE_COUNT ? 0 : 1);
	a->type = (enum moat_object_type)inv->mr[0];
	a->size_bits = (unsigned)inv->mr[1];
	a->count = inv->mr[4];
	e = check_type(u, a->type, a->size_bits);
	if (e.code != MOAT_OK)
		return e;
	if (a->type == MOAT_OBJ_VSPACE && asid_available() < a->count)
		return kerror(MOAT_NOT_ENOUGH_MEMORY, "no address space IDs left", 0, 0, 0);
	if (a->type == MOAT_OBJ_GUEST_SPACE && guest_ids_available() < a->count)
		return kerror(MOAT_NOT_ENOUGH_MEMORY, "no guest IDs (VMIDs) left", 0, 0, 0);
	a->obj_size = object_size(a->type, a->size_bits);
	if (a->obj_size > size)
		return KERR_RANGE("object larger than the untyped", 1, 0, u->bits);
	e = check_dest(inv, a);
	if (e.code != MOAT_OK)
		return e;
	start = ALIGN_UP(watermark(inv->slot), a->obj_size);
	need = a->count * a->obj_size; /* count <= 256, obj_size <= 2^47: no overflow */
	if (start > size || need > size - start)
		return kerror(MOAT_NOT_ENOUGH_MEMORY, "untyped exhausted", untyped_free_bytes(inv->slot),
			      0, 0);
	a->offset = start;
	return kerror_ok();
}

void untyped_invoke_retype(struct cte *untyped, const struct retype_args *a)
{
	struct cap *u = &untyped->cap;
	bool device = u->flags & CAP_FLAG_DEVICE;

	for (uint64_t i = 0; i < a->count; i++) {
		paddr_t pa = pa_make(u->obj + a->offset + i * a->obj_size);

		if (!device && a->type != MOAT_OBJ_UNTYPED)
			memset(phys_to_kva(pa), 0, a->obj_size);
		a->dest[i].cap = object_create(a->type, a->size_bits, pa, device);
		cdt_insert(untyped, &a->dest[i]);
	}
	u->data = a->offset + a->count * a->obj_size;
}
