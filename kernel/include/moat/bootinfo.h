/*
 * Moat kernel ABI: the boot-info page the kernel hands the root server
 * (its address arrives in x0 at entry). It lists the root server's initial
 * capabilities, all at fixed slots of its root CNode, and every untyped.
 */
#ifndef MOAT_ABI_BOOTINFO_H
#define MOAT_ABI_BOOTINFO_H

#include <stddef.h>

#include "types.h"

#define MOAT_BOOTINFO_MAGIC 0x4f464e49544f4f42ull /* "BOOTINFO" */
#define MOAT_BOOTINFO_MAX_UNTYPED 192

/* Fixed slots in the root server's CNode. */
enum moat_root_slot {
	MOAT_SLOT_NULL = 0,
	MOAT_SLOT_ROOT_CNODE = 1,
	MOAT_SLOT_ROOT_VSPACE = 2,
	MOAT_SLOT_ROOT_TCB = 3,
	MOAT_SLOT_IRQ_CONTROL = 4,
	MOAT_SLOT_SCHED_CONTROL = 5,
	MOAT_SLOT_ASID_CONTROL = 6,
	MOAT_SLOT_IPC_BUFFER = 7,
	MOAT_SLOT_BOOTINFO_FRAME = 8,
	MOAT_SLOT_FIRST_FREE_FIXED = 16, /* untyped start here, then empty slots */
};

struct moat_untyped_desc {
	uint64_t paddr;
	uint8_t size_bits;
	uint8_t is_device;
	uint8_t pad[6];
};

struct moat_bootinfo {
	uint64_t magic;
	uint64_t root_cnode_radix;    /* the root CNode resolves 64 bits: guard + radix */
	uint64_t ipc_buffer;          /* the root server's IPC buffer address */
	moat_cptr_t untyped_first;    /* cptr of untyped[0]; the rest follow */
	uint64_t untyped_count;
	moat_cptr_t empty_first;      /* first empty slot */
	moat_cptr_t empty_last;       /* last empty slot */
	uint64_t timer_frequency;     /* counter ticks per second */
	struct moat_untyped_desc untyped[MOAT_BOOTINFO_MAX_UNTYPED];
};

_Static_assert(sizeof(struct moat_untyped_desc) == 16, "bootinfo ABI");
_Static_assert(offsetof(struct moat_bootinfo, untyped) == 64, "bootinfo ABI");
_Static_assert(sizeof(struct moat_bootinfo) <= 4096, "bootinfo fits one page");

#endif
