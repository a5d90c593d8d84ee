/*
 * What a VMM domain (servers/vmm) finds at start, beside what every domain
 * gets (moat/domain.h): the root server builds one VMM per moat_guest(),
 * gives it the guest's RAM (mapped here and in the guest's stage 2), its
 * kernel and initrd (read-only copies, kept for every reset), the guest's
 * vCPU threads and VCPUs, and the endpoint their faults arrive on
 * (docs/vm.md).
 */
#ifndef MOAT_VMM_H
#define MOAT_VMM_H

#include <stddef.h>

#include <moat/domain.h>
#include <moat/types.h>

#define MOAT_VMM_GUEST_RAM 0x100000000ull   /* the guest's RAM, read-write */
#define MOAT_VMM_GUEST_FILES 0x200000000ull /* kernel, then initrd (2 MiB aligned), read-only */

#define MOAT_VMM_INFO_MAGIC 0x4f464e494d4d5647ull /* "GVMMINFO" */
#define MOAT_VMM_BOOTARGS_MAX 512
#define MOAT_VMM_RAM_BLOCKS_MAX 256 /* of 2 MiB: a guest has at most 512 MiB of RAM */

/*
 * The guest's objects in the VMM's CSpace (after the channels' slots; a
 * VMM has no device and no channels yet). Every one holds all rights but
 * the fault endpoint. vCPU i (0 <= i < the info page's `vcpus`) has its
 * thread and its VCPU in slots MOAT_VMM_SLOT_VCPU_TCB(i) and
 * MOAT_VMM_SLOT_VCPU(i); its faults carry badge MOAT_VMM_VCPU_BADGE(i).
 */
#define MOAT_VMM_MAX_VCPUS 8
enum moat_vmm_slot {
	MOAT_VMM_SLOT_FAULT_EP = 12, /* read: every vCPU thread's faults */
	MOAT_VMM_SLOT_REPLY = 13,    /* a reply object for serving the faults */
	MOAT_VMM_SLOT_VCPU_TCB0 = 16, /* vCPU i's thread (suspended until the VMM starts it) */
	MOAT_VMM_SLOT_VCPU0 = MOAT_VMM_SLOT_VCPU_TCB0 + MOAT_VMM_MAX_VCPUS, /* vCPU i's VCPU */
};
#define MOAT_VMM_SLOT_VCPU_TCB(i) ((moat_cptr_t)MOAT_VMM_SLOT_VCPU_TCB0 + (i))
#define MOAT_VMM_SLOT_VCPU(i) ((moat_cptr_t)MOAT_VMM_SLOT_VCPU0 + (i))
#define MOAT_VMM_VCPU_BADGE(i) ((moat_word_t)(i) + 1)

/*
 * Messages a VMM sends the root server (a Call on MOAT_DOMAIN_SLOT_ROOT):
 * the label, MR0 the event. The root logs it with the guest's name and its
 * own free memory (so a reboot test can compare cycles) and replies empty
 * with label MOAT_OK; an unknown event gets MOAT_INVALID_ARGUMENT, a
 * message without MR0 MOAT_TRUNCATED_MESSAGE, and the label from a domain
 * that is no VMM MOAT_ILLEGAL_OPERATION.
 */
#define MOAT_ROOT_GUEST_EVENT 0x7601
enum moat_guest_event {
	MOAT_GUEST_STARTED = 1,
	MOAT_GUEST_RESET = 2,     /* the guest asked for a reset; its RAM is scrubbed, reloaded */
	MOAT_GUEST_POWER_OFF = 3, /* the guest is off for good */
	MOAT_GUEST_CRASHED = 4,   /* the VMM stopped it (e.g. an unanswerable exit) */
};

/*
 * At MOAT_DOMAIN_INFO + 4096 (read-only), in a VMM domain only. The
 * initrd starts at the first 2 MiB boundary after the kernel.
 */
struct moat_vmm_info {
	uint64_t magic;
	char guest[MOAT_DOMAIN_NAME_MAX]; /* the guest's name */
	uint64_t ram_ipa;                 /* the guest-physical address of its RAM */
	uint64_t ram_size;                /* bytes; a multiple of 2 MiB */
	uint64_t vcpus;
	uint64_t kernel_offset, kernel_size; /* in MOAT_VMM_GUEST_FILES */
	uint64_t initrd_offset, initrd_size; /* initrd_size 0: none */
	uint64_t flags;                      /* MOAT_VMM_* below */
	char bootargs[MOAT_VMM_BOOTARGS_MAX]; /* NUL-terminated, "" if none */
	/*
	 * 1 + the index of its channel to the console server (the system's
	 * KERNEL_LOG domain; moat/console.h), which then carries the guest's
	 * PL011 both ways; 0: none, the PL011's output goes to the kernel's log.
	 */
	uint64_t console_channel;
	/*
	 * Its virtual disk: 1 + the index of its channel to the block backend
	 * (moat/blk.h), 0: none; the disk's size and MOAT_VDISK_* flags.
	 */
	uint64_t blk_channel;
	uint64_t disk_sectors;
	uint64_t disk_flags;
	/* The physical address of each 2 MiB of its RAM, in order: for block requests. */
	uint64_t ram_pa[MOAT_VMM_RAM_BLOCKS_MAX];
	/*
	 * Its virtual NIC: 1 + the index of its channel to the network switch
	 * (moat/net.h), 0: none; and its MAC address.
	 */
	uint64_t net_channel;
	uint8_t mac[8]; /* mac[0..5] */
};
#define MOAT_VMM_FLAG_NET (1u << 0)
#define MOAT_VMM_FLAG_CONSOLE (1u << 1)
#define MOAT_VMM_FLAG_DISK (1u << 2)

#define MOAT_VMM_INFO (MOAT_DOMAIN_INFO + 4096)
_Static_assert(sizeof(struct moat_vmm_info) <= 4096, "VMM info fits one page");

_Static_assert(offsetof(struct moat_vmm_info, ram_ipa) == 40, "VMM info ABI");
_Static_assert(offsetof(struct moat_vmm_info, flags) == 96, "VMM info ABI");
_Static_assert(offsetof(struct moat_vmm_info, bootargs) == 104, "VMM info ABI");
_Static_assert(offsetof(struct moat_vmm_info, blk_channel) == 624, "VMM info ABI");

#endif
