/*
 * Building a domain's address space from the root server: page tables
 * added as mappings need them, and pages filled through a window in the
 * root's own space before they are mapped into the domain.
 */
#ifndef MOAT_ROOT_SPACE_H
#define MOAT_ROOT_SPACE_H

#include <moat/runtime.h>

#define SPACE_PAGE 4096ul

/* Maps `frame` into `vspace` at `va`, adding the page tables it needs. */
enum moat_error space_map(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
			  moat_word_t rights, moat_word_t attr);

/*
 * A fresh RAM page at `va` in `vspace`: zero, except `len` bytes of `src`
 * at offset `off`. Its frame capability lands in *frame if not NULL.
 * NULL on success, otherwise what failed.
 */
const char *space_new_page(moat_cptr_t vspace, moat_word_t va, moat_word_t rights,
			   moat_word_t attr, const void *src, size_t off, size_t len,
			   moat_cptr_t *frame);

#endif
