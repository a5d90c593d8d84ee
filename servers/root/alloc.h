/*
 * The root server's own resources: empty slots of its CNode (handed out
 * in order, never reused: the root builds the system once) and objects
 * retyped from its RAM untyped (first fit, in the kernel's order; how much
 * of each is used is mirrored here), plus the capability operations it uses.
 */
#ifndef MOAT_ROOT_ALLOC_H
#define MOAT_ROOT_ALLOC_H

#include <moat/runtime.h>

void alloc_init(const struct moat_bootinfo *bi);
const struct moat_bootinfo *alloc_bootinfo(void);

/* An empty slot of the root CNode, 0 when there are none left. */
moat_cptr_t alloc_slot(void);
/* `count` new objects in consecutive slots; *first is the first of them. */
enum moat_error alloc_objects(moat_word_t type, moat_word_t size_bits, unsigned count,
			      moat_cptr_t *first);
static inline enum moat_error alloc_object(moat_word_t type, moat_word_t size_bits,
					   moat_cptr_t *out)
{
	return alloc_objects(type, size_bits, 1, out);
}
/* Retypes from a given untyped (device memory: frames only). */
enum moat_error alloc_from(moat_cptr_t untyped, moat_word_t type, moat_word_t size_bits,
			   unsigned count, moat_cptr_t *first);
/* RAM not yet retyped, in bytes (some of it may be too fragmented for large objects). */
uint64_t alloc_free_bytes(void);

/* Copy (or, with a badge, mint) root slot `src` into `dest_cnode[index]`. */
enum moat_error alloc_copy(moat_cptr_t dest_cnode, moat_word_t index, moat_cptr_t src,
			   moat_word_t rights, moat_word_t badge);
enum moat_error alloc_mint(moat_cptr_t dest_cnode, moat_word_t index, moat_cptr_t src,
			   moat_word_t rights, moat_word_t badge);
/* A copy of `src` with `rights` (and `badge`) in a new root slot. */
enum moat_error alloc_derive(moat_cptr_t src, moat_word_t rights, moat_word_t badge,
			     moat_cptr_t *out);
enum moat_error alloc_delete(moat_cptr_t slot);

#endif
