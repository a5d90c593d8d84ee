/* CNode invocations: copy, mint, move, mutate, delete, revoke, identify. */
#ifndef MOAT_CNODE_H
#define MOAT_CNODE_H

#include "invocation.h"

struct cnode_args {
	uint64_t label;
	struct cte *dest; /* the slot acted on (delete, revoke, identify) or written */
	struct cte *src;
	struct cap cap;   /* the capability to write (copy, mint, mutate) */
};

/* Badges are 48 bits, so that a badge OR-ed into a word stays a badge. */
#define CNODE_BADGE_MAX ((1ul << 48) - 1)

/*
 * The slot at (index, depth) under `root`; `arg` is the index's argument
 * position, for the error.
 */
struct kerror cnode_lookup(const struct cap *root, moat_word_t index, moat_word_t depth,
			  unsigned arg, struct cte **out);

struct kerror cnode_decode(const struct invocation *inv, struct cnode_args *a);
/* Returns the number of result words written to `out` (identify). */
unsigned cnode_invoke(const struct cnode_args *a, moat_word_t out[3]);

#endif
