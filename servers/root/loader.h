/*
 * The root server's domain loader: builds an address space for a program
 * from the image's archive (moat/bootinfo.h), gives it a CSpace holding
 * only the capabilities it needs, and starts its thread.
 */
#ifndef MOAT_ROOT_LOADER_H
#define MOAT_ROOT_LOADER_H

#include <moat/runtime.h>

/* Where the root server gets objects and slots (alloc.c). */
moat_cptr_t root_slot(void);
enum moat_error root_make(moat_word_t type, moat_word_t size_bits, moat_cptr_t *out);

struct domain {
	const char *name;
	moat_cptr_t tcb;
	moat_word_t badge; /* of its endpoint capability: how the root tells it apart */
};

/*
 * Loads `elf` (size bytes) as domain `name` at priority `prio`. Its CSpace
 * slot 1 holds `ep` minted with `badge` (write only): its one way to reach
 * the root, which is also its fault endpoint. NULL on success, otherwise
 * why the program was not started.
 */
const char *loader_start(struct domain *d, const void *elf, size_t size, moat_cptr_t ep,
			 moat_word_t prio);

#endif
