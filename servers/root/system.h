/*
 * The system the root server builds, as static data generated at build
 * time by moat-sysgen from the validated description (docs/system.md).
 * Indices between the tables are checked by the generator; the root server
 * still bounds-checks them before use.
 */
#ifndef MOAT_ROOT_SYSTEM_H
#define MOAT_ROOT_SYSTEM_H

#include <stdbool.h>
#include <stdint.h>

/* A platform device given to a driver domain (from the device tree). */
struct sys_device {
	const char *name; /* device-tree node name */
	uint64_t paddr;   /* MMIO base; the domain gets the pages covering it */
	uint64_t size;
	uint32_t irq;     /* INTID, 0: none */
	bool kernel_uart; /* the kernel's debug UART: its driver gets the kernel log's UART */
};

struct sys_domain {
	const char *name;      /* also its program's name in the image's archive */
	uint8_t priority;
	uint64_t budget_us;    /* 0 with period_us 0: no scheduling context */
	uint64_t period_us;
	uint64_t stack_pages;
	uint64_t heap_pages;
	const struct sys_device *device; /* a driver domain's device, else NULL */
	bool kernel_log;       /* reads the kernel log ring (docs/console.md) */
	uint64_t dma_blocks;             /* a driver domain's DMA memory, 2 MiB blocks */
};

/*
 * Shared memory and/or a notification between domains a and b (indices),
 * or between domain a and the VMM of guest b (b_guest).
 */
struct sys_channel {
	uint16_t a;
	uint16_t b;
	bool b_guest;
	uint64_t shared_pages; /* 0: none */
	bool notify;
};

/*
 * A guest (docs/system.md): the root server builds its VMM domain, named
 * after the guest, from the program `vmm`, and hands it the guest's RAM,
 * files ("<name>.kernel", "<name>.initrd" in the image's archive) and vCPU.
 */
struct sys_guest {
	const char *name;     /* at most 24 characters */
	const char *vmm;      /* the VMM program's name in the image's archive */
	const char *kernel;   /* the host file it came from (for messages) */
	const char *initrd;   /* NULL: none */
	const char *bootargs; /* "" if none */
	uint64_t memory;      /* bytes, a multiple of 2 MiB */
	uint32_t vcpus;       /* 1-8 */
	uint8_t priority;     /* the vCPU thread's (0-254); its VMM runs at priority + 1 */
	uint64_t budget_us;   /* the vCPU thread's scheduling context; 0 with period_us 0: none */
	uint64_t period_us;
	const char *disk;     /* NULL: none */
	bool net;
	bool console;
};

/*
 * A virtual disk (moat/blk.h): guest `guest` (index in sys_guests) is
 * served sectors first..first + sectors - 1 of the physical disk by the
 * block backend domain `server` (index in sys_domains), over channel
 * `channel` (index in sys_channels, the one joining the two).
 */
struct sys_vdisk {
	uint16_t guest;
	uint16_t server;
	uint16_t channel;
	uint64_t first;
	uint64_t sectors; /* at least 1; (first + sectors) * 512 fits 64 bits */
	bool read_only;
};

/*
 * A virtual NIC (moat/net.h): guest `guest` (index in sys_guests) is a
 * port of the network switch domain `server` (index in sys_domains), over
 * channel `channel` (index in sys_channels, the one joining the two), with
 * MAC `mac` (unicast, not zero, no other vnic's; moat-sysgen chose the
 * default 02:4d:4f:00:00:<guest + 1> if the description gave none).
 */
struct sys_vnic {
	uint16_t guest;
	uint16_t server;
	uint16_t channel;
	uint8_t mac[6];
};

extern const char sys_name[];
extern const struct sys_domain sys_domains[];
extern const unsigned sys_domain_count;
extern const struct sys_channel sys_channels[];
extern const unsigned sys_channel_count;
extern const struct sys_guest sys_guests[];
extern const unsigned sys_guest_count;
extern const struct sys_vdisk sys_vdisks[];
extern const unsigned sys_vdisk_count;
extern const struct sys_vnic sys_vnics[];
extern const unsigned sys_vnic_count;

#endif
