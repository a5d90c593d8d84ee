/*
 * An object invocation as the decode functions see it: the label, the
 * message registers already copied into kernel memory, and the extra
 * capabilities already looked up. Decoding validates everything and has no
 * side effects; performing cannot fail.
 */
#ifndef MOAT_INVOCATION_H
#define MOAT_INVOCATION_H

#include <moat/types.h>

#include "cap.h"

struct invocation {
	uint64_t label;
	unsigned length;                 /* message registers supplied */
	const moat_word_t *mr;           /* kernel copy, length words */
	struct cte *extra[MOAT_MSG_MAX_EXTRA_CAPS];
	unsigned extra_count;
	const struct cap *cspace;        /* the invoker's CSpace root */
	struct cte *slot;                /* the invoked capability's slot */
};

/* The outcome of a decode: an error with up to three detail words. */
struct kerror {
	enum moat_error code;
	moat_word_t detail[3];
	const char *why; /* for the kernel log in debug builds */
};

static inline struct kerror kerror_ok(void)
{
	return (struct kerror){ .code = MOAT_OK };
}

static inline struct kerror kerror(enum moat_error code, const char *why, moat_word_t d0,
				   moat_word_t d1, moat_word_t d2)
{
	return (struct kerror){ code, { d0, d1, d2 }, why };
}

#define KERR_RANGE(why, arg, lo, hi) kerror(MOAT_RANGE_ERROR, why, arg, lo, hi)
#define KERR_ARG(why, arg) kerror(MOAT_INVALID_ARGUMENT, why, arg, 0, 0)

#endif
