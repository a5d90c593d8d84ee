/* Untyped memory: the only source of kernel objects. */
#ifndef MOAT_UNTYPED_H
#define MOAT_UNTYPED_H

#include "invocation.h"

/*
 * Untyped_Retype: MR0 type, MR1 size_bits, MR2 destination CNode (cptr in
 * the invoker's CSpace), MR3 first destination slot, MR4 count.
 */
struct retype_args {
	enum moat_object_type type;
	unsigned size_bits;
	struct cte *dest; /* first destination slot */
	uint64_t count;
	uint64_t offset;  /* new watermark base (bytes from the untyped's start) */
	uint64_t obj_size;
};

#define UNTYPED_RETYPE_MAX_COUNT 256

struct kerror untyped_decode_retype(const struct invocation *inv, struct retype_args *out);
void untyped_invoke_retype(struct cte *untyped, const struct retype_args *a);

/* Bytes still free in an untyped (what a retype of any size could use). */
uint64_t untyped_free_bytes(const struct cte *untyped);

#endif
