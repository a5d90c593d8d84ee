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
	/* 9: none (tests that use this CNode as a vCPU's map guest channels to 2-9) */
	MOAT_SLOT_KLOG = 10,             /* KLog: hands the UART to a console driver */
	MOAT_SLOT_KLOG_FRAME = 11,       /* the kernel log ring's page, read-only (moat/klog.h) */
	MOAT_SLOT_FIRST_FREE_FIXED = 16, /* untyped start here, then empty slots */
};

/*
 * Every domain's IPC buffer and initial stack top (the root server's too),
 * so the runtime finds its buffer without being told.
 */
#define MOAT_DOMAIN_IPC_BUFFER 0x10000000ull
#define MOAT_DOMAIN_STACK_TOP 0x20000000ull

/*
 * The other domains' programs, packed into the image at build time and
 * mapped read-only into the root server (bootinfo `programs`): a header,
 * then `count` entries, then the ELF files (each 16-byte aligned).
 */
#define MOAT_PROGRAMS_MAGIC 0x31475250544f4f4dull /* "MOOTPRG1" */
#define MOAT_PROGRAM_NAME_MAX 32

struct moat_program_entry {
	char name[MOAT_PROGRAM_NAME_MAX]; /* NUL-terminated */
	uint64_t offset;                  /* from the start of the archive */
	uint64_t size;
};

struct moat_programs {
	uint64_t magic;
	uint64_t count;
	struct moat_program_entry entry[];
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
	uint64_t programs;            /* address of struct moat_programs (read-only) */
	uint64_t programs_size;       /* bytes mapped there */
};

_Static_assert(sizeof(struct moat_untyped_desc) == 16, "bootinfo ABI");
_Static_assert(sizeof(struct moat_program_entry) == 48, "programs ABI");
_Static_assert(offsetof(struct moat_bootinfo, untyped) == 64, "bootinfo ABI");
_Static_assert(sizeof(struct moat_bootinfo) <= 4096, "bootinfo fits one page");

#endif
