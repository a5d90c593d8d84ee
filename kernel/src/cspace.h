/*
 * CSpace addressing: resolving a capability pointer (cptr) through a tree
 * of CNodes. Each CNode consumes guard_bits + radix bits of the cptr, most
 * significant first: the guard must match, the radix bits index a slot.
 *
 * Everything here reads kernel memory only; cptrs and depths come from
 * user space and are fully validated.
 */
#ifndef MOAT_CSPACE_H
#define MOAT_CSPACE_H

#include "cap.h"

#define CSPACE_WORD_BITS 64

enum lookup_fault_kind {
	LOOKUP_OK = 0,
	LOOKUP_INVALID_ROOT,    /* the root is not a CNode */
	LOOKUP_MISSING_CAP,     /* a CNode on the way was needed but not found */
	LOOKUP_DEPTH_MISMATCH,  /* a CNode consumes more bits than remain */
	LOOKUP_GUARD_MISMATCH,
	LOOKUP_BAD_DEPTH,       /* depth 0 or above 64 */
};

struct lookup_result {
	enum lookup_fault_kind fault;
	struct cte *slot;
	unsigned bits_left; /* unresolved bits when the lookup stopped */
};

/*
 * The slot at exactly `depth` bits of `cptr` (CNode operations name slots
 * this way, including empty ones).
 */
struct lookup_result cspace_lookup_slot(const struct cap *root, moat_cptr_t cptr,
					unsigned depth);

/*
 * The capability `cptr` names, resolving all 64 bits but stopping at the
 * first slot that does not hold a CNode (how syscalls name capabilities).
 */
struct lookup_result cspace_lookup_cap(const struct cap *root, moat_cptr_t cptr);

const char *cspace_fault_name(enum lookup_fault_kind kind);

/*
 * The fastpaths' lookup: what cspace_lookup_cap finds when the root CNode
 * alone consumes all 64 bits (its guard and radix), as in every CSpace the
 * root server builds, into *out. False for any other shape, and for a
 * guard mismatch: the general path then looks up (and reports) as usual.
 */
static inline bool cspace_lookup_fast(const struct cap *root, moat_cptr_t cptr,
				      struct cap **out)
{
	unsigned radix = root->bits; /* 1..MOAT_CNODE_MAX_RADIX: the shift is defined */

	if (root->type != CAP_CNODE || radix + root->flags != CSPACE_WORD_BITS ||
	    cptr >> radix != root->data)
		return false;
	/* The guard matched, so clearing it leaves the slot index. */
	*out = &((struct cte *)cap_ptr(root))[cptr ^ (root->data << radix)].cap;
	return true;
}

#endif
