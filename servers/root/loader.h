/*
 * The root server's domain loader: builds a domain from its program (an
 * ELF file from the image's archive) and its system description: address
 * space, CSpace (docs/system.md: only what it was given), thread, heap,
 * device, scheduling context and the info page it starts with.
 */
#ifndef MOAT_ROOT_LOADER_H
#define MOAT_ROOT_LOADER_H

#include <moat/domain.h>
#include <moat/runtime.h>

#include "system.h"

struct domain {
	const struct sys_domain *sys;
	moat_word_t badge;  /* of its endpoint capability: how the root tells it apart */
	moat_cptr_t tcb, vspace, cspace, inbox; /* root slots */
	moat_word_t entry;
	uint64_t shared_next; /* next free address of its shared-memory area */
	struct moat_domain_info info;
};

/*
 * Everything but the start: the program loaded into a fresh address space
 * with stack and IPC buffer, a CSpace holding `ep` minted with the badge
 * (write only, also its fault endpoint) and its own inbox, heap, device
 * pages and interrupt. NULL on success, otherwise why it failed.
 */
const char *loader_create(struct domain *d, const void *elf, size_t size, moat_cptr_t ep);

/* Its scheduling context, the info page, and the thread running. */
const char *loader_start(struct domain *d);

/* The file called `name` in the image's archive (every entry bounds-checked). */
const char *loader_find(const char *name, const void **data, size_t *size);

/* A new CNode of 2^bits slots whose guard of zeros resolves whole 64-bit addresses. */
const char *loader_cnode(unsigned bits, moat_cptr_t *cnode);

/* At most cap - 1 characters of src and a NUL, into dst (zeroed already). */
void loader_copy_name(char *dst, const char *src, size_t cap);

/* A scheduling context with budget/period bound to `tcb`; none if period_us is 0. */
const char *loader_sched_context(moat_cptr_t tcb, uint64_t budget_us, uint64_t period_us);

#endif
