/*
 * Building a domain's address space from the root server: page tables
 * added as mappings need them, and pages filled through a window in the
 * root's own space before they are mapped into the domain.
 */
#ifndef MOAT_ROOT_SPACE_H
#define MOAT_ROOT_SPACE_H

#include <moat/runtime.h>

#define SPACE_PAGE 4096ul
#define SPACE_LARGE_PAGE 0x200000ul /* a 2 MiB frame, mapped as one block entry */

/*
 * Maps `frame` into `vspace` (a VSpace or a GuestSpace) at `va`, adding
 * the page tables it needs; space_map_large for a 2 MiB frame.
 */
enum moat_error space_map(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
			  moat_word_t rights, moat_word_t attr);
enum moat_error space_map_large(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
				moat_word_t rights, moat_word_t attr);

/*
 * Writes `len` bytes of `src` at the start of an unmapped 2 MiB frame
 * (fresh from a retype, so the rest stays zero), through a window in the
 * root's own space. NULL on success, otherwise what failed.
 */
const char *space_fill_large(moat_cptr_t frame, const void *src, size_t len);

/*
 * A fresh RAM page at `va` in `vspace`: zero, except `len` bytes of `src`
 * at offset `off`. Its frame capability lands in *frame if not NULL.
 * NULL on success, otherwise what failed.
 */
const char *space_new_page(moat_cptr_t vspace, moat_word_t va, moat_word_t rights,
			   moat_word_t attr, const void *src, size_t off, size_t len,
			   moat_cptr_t *frame);

#endif
