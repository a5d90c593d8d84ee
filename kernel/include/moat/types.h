/*
 * Moat kernel ABI: basic types, the one error enum, message info.
 * This directory is what user code includes; nothing here includes kernel
 * internals. Fixed-width types only.
 */
#ifndef MOAT_ABI_TYPES_H
#define MOAT_ABI_TYPES_H

#include <stdint.h>

typedef uint64_t moat_word_t;
typedef uint64_t moat_cptr_t; /* a capability address in a CSpace */

/* Everything a system call or invocation can return. */
enum moat_error {
	MOAT_OK = 0,
	MOAT_INVALID_ARGUMENT = 1,   /* MR0: index of the bad argument */
	MOAT_INVALID_CAPABILITY = 2, /* MR0: which capability argument */
	MOAT_ILLEGAL_OPERATION = 3,  /* not allowed on this object or with these rights */
	MOAT_RANGE_ERROR = 4,        /* MR0: argument, MR1/MR2: allowed min/max */
	MOAT_ALIGNMENT_ERROR = 5,    /* MR0: argument */
	MOAT_FAILED_LOOKUP = 6,      /* MR0: 1 if a source lookup; MR1: bits left unresolved */
	MOAT_TRUNCATED_MESSAGE = 7,  /* too few message registers for the invocation */
	MOAT_DELETE_FIRST = 8,       /* destination slot is occupied */
	MOAT_REVOKE_FIRST = 9,       /* object still has derived capabilities */
	MOAT_NOT_ENOUGH_MEMORY = 10, /* MR0: bytes left in the untyped */
	MOAT_ERROR_COUNT
};

/*
 * Message info word (x1): label[63:12], caps_unwrapped[11:9],
 * extra_caps[8:7], length[6:0] (in message registers).
 */
#define MOAT_MSG_MAX_LENGTH 120
#define MOAT_MSG_MAX_EXTRA_CAPS 3
#define MOAT_MSG_REGISTERS 4 /* MR0-MR3 travel in x2-x5 */

static inline moat_word_t moat_msginfo(moat_word_t label, unsigned caps_unwrapped,
				       unsigned extra_caps, unsigned length)
{
	return (label << 12) | ((moat_word_t)(caps_unwrapped & 7) << 9) |
	       ((moat_word_t)(extra_caps & 3) << 7) | (length & 0x7f);
}

static inline moat_word_t moat_msginfo_label(moat_word_t info)
{
	return info >> 12;
}

static inline unsigned moat_msginfo_caps_unwrapped(moat_word_t info)
{
	return (info >> 9) & 7;
}

static inline unsigned moat_msginfo_extra_caps(moat_word_t info)
{
	return (info >> 7) & 3;
}

static inline unsigned moat_msginfo_length(moat_word_t info)
{
	return info & 0x7f;
}

/* Capability rights (CNode mint, frame maps). */
#define MOAT_RIGHT_READ (1u << 0)
#define MOAT_RIGHT_WRITE (1u << 1)
#define MOAT_RIGHT_GRANT (1u << 2)
#define MOAT_RIGHT_GRANT_REPLY (1u << 3)
#define MOAT_RIGHTS_ALL 0xfu

#endif
