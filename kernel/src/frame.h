/*
 * Frame and page-table invocations.
 *   Frame_Map: extra cap VSpace; MR0 vaddr, MR1 rights (MOAT_RIGHT_READ |
 *     MOAT_RIGHT_WRITE), MR2 attributes (MOAT_FRAME_CACHED / _UNCACHED /
 *     _DEVICE, | MOAT_FRAME_EXECUTE).
 *   Frame_Unmap, Frame_GetAddress (-> physical address): no arguments.
 *   PageTable_Map: extra cap VSpace; MR0 vaddr. PageTable_Unmap.
 * Each capability maps its object at most once; a copy maps it again.
 */
#ifndef MOAT_FRAME_H
#define MOAT_FRAME_H

#include "invocation.h"

struct map_args {
	uint64_t label;
	struct cte *slot;
	void *root;     /* VSpace or GuestSpace root table */
	bool guest;     /* a GuestSpace: stage-2 mappings */
	uint16_t asid;
	uint64_t va;
	unsigned perm;  /* PT_R/W/X */
	unsigned mem;   /* PT_MEM_* */
};

struct kerror frame_decode(const struct invocation *inv, struct map_args *a);
unsigned frame_invoke(const struct map_args *a, moat_word_t out[3]);

struct kerror page_table_decode(const struct invocation *inv, struct map_args *a);
void page_table_invoke(const struct map_args *a);

/* Undoes the mapping a frame or page-table capability made, if any. */
void frame_cap_unmap(struct cap *c);

#endif
