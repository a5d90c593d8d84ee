/* CSpace lookup; see cspace.h. */
#include "cspace.h"

/* Bits [lo, lo + n) of v, for 0 <= n <= 64 and lo + n <= 64. */
static uint64_t bit_field(uint64_t v, unsigned lo, unsigned n)
{
	if (n == 0)
		return 0;
	v >>= lo;
	return n >= 64 ? v : v & ((1ul << n) - 1);
}

static struct lookup_result resolve(const struct cap *root, moat_cptr_t cptr, unsigned depth,
				    bool exact)
{
	struct lookup_result r = { LOOKUP_OK, NULL, depth };
	const struct cap *cn = root;

	if (depth == 0 || depth > CSPACE_WORD_BITS) {
		r.fault = LOOKUP_BAD_DEPTH;
		return r;
	}
	if (cn->type != CAP_CNODE) {
		r.fault = LOOKUP_INVALID_ROOT;
		return r;
	}
	for (;;) {
		unsigned radix = cn->bits, guard_bits = cn->flags;
		unsigned level = radix + guard_bits;
		struct cte *slots = cap_ptr(cn);

		if (level == 0 || level > r.bits_left) {
			r.fault = LOOKUP_DEPTH_MISMATCH;
			return r;
		}
		if (bit_field(cptr, r.bits_left - guard_bits, guard_bits) != cn->data) {
			r.fault = LOOKUP_GUARD_MISMATCH;
			return r;
		}
		r.slot = &slots[bit_field(cptr, r.bits_left - level, radix)];
		r.bits_left -= level;
		if (r.bits_left == 0)
			return r;
		cn = &r.slot->cap;
		if (cn->type != CAP_CNODE) {
			if (!exact)
				return r;
			r.fault = LOOKUP_MISSING_CAP;
			r.slot = NULL;
			return r;
		}
	}
}

struct lookup_result cspace_lookup_slot(const struct cap *root, moat_cptr_t cptr,
					unsigned depth)
{
	return resolve(root, cptr, depth, true);
}

struct lookup_result cspace_lookup_cap(const struct cap *root, moat_cptr_t cptr)
{
	return resolve(root, cptr, CSPACE_WORD_BITS, false);
}

const char *cspace_fault_name(enum lookup_fault_kind kind)
{
	switch (kind) {
	case LOOKUP_OK:
		return "ok";
	case LOOKUP_INVALID_ROOT:
		return "root is not a CNode";
	case LOOKUP_MISSING_CAP:
		return "no CNode where the address needs one";
	case LOOKUP_DEPTH_MISMATCH:
		return "depth does not match the CNodes on the path";
	case LOOKUP_GUARD_MISMATCH:
		return "guard mismatch";
	case LOOKUP_BAD_DEPTH:
		return "depth must be 1 to 64";
	}
	return "unknown lookup fault";
}
