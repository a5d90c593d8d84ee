/*
 * CNode invocations. The invoked CNode is the destination root; a source
 * root, when needed, is the first extra capability.
 *   Copy/Mint/Move/Mutate: MR0 dest index, MR1 dest depth, MR2 src index,
 *     MR3 src depth, MR4 rights mask (copy, mint), MR5 badge (mint) or
 *     badge / CNode guard (mutate: guard bits in [5:0], guard above).
 *   Delete/Revoke/Identify: MR0 index, MR1 depth.
 */
#include "cnode.h"

#include "cdt.h"
#include "cspace.h"

struct kerror cnode_lookup(const struct cap *root, moat_word_t index, moat_word_t depth,
			  unsigned arg, struct cte **out)
{
	struct lookup_result r;

	if (depth < 1 || depth > 64)
		return KERR_RANGE("depth", arg + 1, 1, 64);
	r = cspace_lookup_slot(root, index, (unsigned)depth);
	if (r.fault != LOOKUP_OK)
		return kerror(MOAT_FAILED_LOOKUP, cspace_fault_name(r.fault), arg, r.bits_left, 0);
	*out = r.slot;
	return kerror_ok();
}

static bool badgeable(const struct cap *c)
{
	return c->type == CAP_ENDPOINT || c->type == CAP_NOTIFICATION;
}

/* The capability a copy, mint or mutate of `src` produces. */
static struct kerror derive(const struct invocation *inv, const struct cap *src, struct cap *out)
{
	moat_word_t data = inv->mr[5];
	struct cap copy;

	*out = *src; /* move and mutate keep the capability (and any mapping) */
	if (inv->label == MOAT_CNODE_MOVE)
		return kerror_ok();
	if (!cap_derive(src, &copy))
		return kerror(MOAT_ILLEGAL_OPERATION, "capability can only be moved", 2, 0, 0);
	if (inv->label != MOAT_CNODE_MUTATE)
		*out = copy;
	if (inv->label == MOAT_CNODE_COPY || inv->label == MOAT_CNODE_MINT)
		out->rights &= (uint8_t)inv->mr[4];
	if (inv->label == MOAT_CNODE_MINT || inv->label == MOAT_CNODE_MUTATE) {
		if (src->type == CAP_CNODE && inv->label == MOAT_CNODE_MUTATE) {
			unsigned guard_bits = data & 63;
			uint64_t guard = data >> 6;

			if (guard_bits + src->bits > 64 || (guard_bits < 58 && guard >> guard_bits))
				return KERR_ARG("guard does not fit", 5);
			out->flags = (uint8_t)guard_bits;
			out->data = guard;
		} else if (badgeable(src)) {
			if (src->data)
				return kerror(MOAT_ILLEGAL_OPERATION, "already badged", 2, 0, 0);
			if (data > CNODE_BADGE_MAX)
				return KERR_RANGE("badge", 5, 0, CNODE_BADGE_MAX);
			out->data = data;
		} else if (data) {
			return KERR_ARG("this capability takes no badge", 5);
		}
	}
	return kerror_ok();
}

static struct kerror decode_transfer(const struct invocation *inv, struct cnode_args *a)
{
	unsigned need = inv->label == MOAT_CNODE_MOVE ? 4 : inv->label == MOAT_CNODE_COPY ? 5 : 6;
	struct kerror e;

	if (inv->label == MOAT_CNODE_MUTATE)
		need = 6;
	if (inv->length < need)
		return kerror(MOAT_TRUNCATED_MESSAGE, "too few arguments", need, 0, 0);
	if (inv->extra_count < 1 || inv->extra[0]->cap.type != CAP_CNODE)
		return kerror(MOAT_INVALID_CAPABILITY, "source root must be a CNode", 0, 0, 0);
	e = cnode_lookup(&inv->slot->cap, inv->mr[0], inv->mr[1], 0, &a->dest);
	if (e.code != MOAT_OK)
		return e;
	e = cnode_lookup(&inv->extra[0]->cap, inv->mr[2], inv->mr[3], 2, &a->src);
	if (e.code != MOAT_OK)
		return e;
	if (!cap_is_null(&a->dest->cap))
		return kerror(MOAT_DELETE_FIRST, "destination slot occupied", 0, 0, 0);
	if (cap_is_null(&a->src->cap))
		return kerror(MOAT_FAILED_LOOKUP, "source slot is empty", 2, 0, 0);
	return derive(inv, &a->src->cap, &a->cap);
}

struct kerror cnode_decode(const struct invocation *inv, struct cnode_args *a)
{
	a->label = inv->label;
	switch (inv->label) {
	case MOAT_CNODE_COPY:
	case MOAT_CNODE_MINT:
	case MOAT_CNODE_MOVE:
	case MOAT_CNODE_MUTATE:
		return decode_transfer(inv, a);
	case MOAT_CNODE_DELETE:
	case MOAT_CNODE_REVOKE:
	case MOAT_CNODE_IDENTIFY:
		if (inv->length < 2)
			return kerror(MOAT_TRUNCATED_MESSAGE, "too few arguments", 2, 0, 0);
		return cnode_lookup(&inv->slot->cap, inv->mr[0], inv->mr[1], 0, &a->dest);
	default:
		return kerror(MOAT_ILLEGAL_OPERATION, "not a CNode invocation", 0, 0, 0);
	}
}

unsigned cnode_invoke(const struct cnode_args *a, moat_word_t out[3])
{
	switch (a->label) {
	case MOAT_CNODE_COPY:
	case MOAT_CNODE_MINT:
		a->dest->cap = a->cap;
		cdt_insert(a->src, a->dest);
		return 0;
	case MOAT_CNODE_MOVE:
	case MOAT_CNODE_MUTATE:
		cdt_move(a->src, a->dest);
		a->dest->cap = a->cap;
		return 0;
	case MOAT_CNODE_DELETE:
		cap_delete(a->dest);
		return 0;
	case MOAT_CNODE_REVOKE:
		cap_revoke(a->dest);
		return 0;
	default: /* identify */
		out[0] = a->dest->cap.type;
		out[1] = a->dest->cap.rights;
		out[2] = a->dest->cap.type == CAP_ENDPOINT || a->dest->cap.type == CAP_NOTIFICATION
				 ? a->dest->cap.data
				 : 0;
		return 3;
	}
}
