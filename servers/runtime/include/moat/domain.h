/*
 * What a domain started by the root server finds at start: its layout and
 * a read-only page describing the resources its system description gave it
 * (docs/system.md). x0 at entry (the argument of main) points at that page.
 */
#ifndef MOAT_DOMAIN_H
#define MOAT_DOMAIN_H

#include <moat/bootinfo.h>
#include <moat/types.h>

#define MOAT_DOMAIN_INFO 0x10001000ull     /* struct moat_domain_info, read-only */
#define MOAT_DOMAIN_HEAP 0x30000000ull     /* heap pages, read-write, zeroed */
#define MOAT_DOMAIN_SHARED 0x40000000ull   /* channels' shared memory, in channel order */
#define MOAT_DOMAIN_DEVICE 0x60000000ull   /* a driver domain's device pages (uncached) */
#define MOAT_DOMAIN_KLOG 0x10010000ull     /* the kernel log ring (moat/klog.h), read-only: KERNEL_LOG */
#define MOAT_DOMAIN_DMA 0x70000000ull      /* a driver domain's DMA memory (normal, uncached) */

#define MOAT_DOMAIN_INFO_MAGIC 0x4f464e494e4d4f44ull /* "DOMNINFO" */
#define MOAT_DOMAIN_NAME_MAX 32
#define MOAT_DOMAIN_MAX_CHANNELS 8

/* Fixed slots of a domain's CSpace (32 slots). */
enum moat_domain_slot {
	MOAT_DOMAIN_SLOT_ROOT = 1,        /* endpoint to the root server (write), also the fault endpoint */
	MOAT_DOMAIN_SLOT_INBOX = 2,       /* the domain's own notification (read) */
	MOAT_DOMAIN_SLOT_IRQ = 3,         /* a driver domain's IRQHandler */
	MOAT_DOMAIN_SLOT_CHANNEL0 = 4,    /* channel i: the peer's inbox (write), slot 4 + i */
	MOAT_DOMAIN_SLOT_DMA0 = 12,       /* a driver's DMA block i: its 2 MiB frame, slot 12 + i */
	MOAT_DOMAIN_CSPACE_SLOTS = 32,
};

/* A driver domain's DMA memory: at most 4 blocks of 2 MiB, each physically contiguous. */
#define MOAT_DOMAIN_DMA_BLOCK (2ull << 20)
#define MOAT_DOMAIN_DMA_BLOCKS 4
#define MOAT_DOMAIN_SLOT_DMA(i) ((moat_cptr_t)MOAT_DOMAIN_SLOT_DMA0 + (i))

/* The inbox word: bit 0 the device interrupt, bit 1 + i a signal on channel i. */
#define MOAT_DOMAIN_IRQ_BIT 1ull
#define MOAT_DOMAIN_CHANNEL_BIT(i) (2ull << (i))
/* The kernel log has new output (the domain declared KERNEL_LOG; docs/console.md). */
#define MOAT_DOMAIN_KLOG_BIT (1ull << 16)

struct moat_channel_info {
	char peer[MOAT_DOMAIN_NAME_MAX]; /* the other domain's name */
	uint64_t shared;                 /* address of the shared memory, 0: none */
	uint64_t shared_size;            /* bytes */
	uint64_t signal_slot;            /* the peer's inbox, 0: no notification */
};

/*
 * A virtual disk on a block backend's channel (moat/blk.h): the backend
 * finds vdisk[i] for its channel i in its info page; sectors 0: none.
 */
#define MOAT_VDISK_READ_ONLY (1u << 0)
struct moat_vdisk_info {
	uint64_t first;	  /* its first sector on the physical disk */
	uint64_t sectors; /* its size */
	uint64_t flags;	  /* MOAT_VDISK_* */
};

/*
 * A guest's virtual NIC on the network switch's channel (moat/net.h): the
 * switch finds vnic[i] for its channel i; MOAT_VNIC_PRESENT clear: none
 * there (the uplink, or another kind of channel).
 */
#define MOAT_VNIC_PRESENT (1u << 0)
struct moat_vnic_info {
	uint8_t mac[6]; /* the only source address the guest may send from */
	uint8_t flags;	/* MOAT_VNIC_* */
	uint8_t reserved;
};

struct moat_domain_info {
	uint64_t magic;
	char name[MOAT_DOMAIN_NAME_MAX];
	uint64_t heap_size;     /* at MOAT_DOMAIN_HEAP */
	uint64_t device;        /* address of the device's registers (not page aligned), 0: none */
	uint64_t device_paddr;  /* physical address of those registers */
	uint64_t device_size;
	uint64_t device_irq;    /* INTID, 0: none */
	uint64_t channel_count;
	struct moat_channel_info channel[MOAT_DOMAIN_MAX_CHANNELS];
	uint64_t klog;          /* address of the kernel log ring (read-only), 0: none */
	uint64_t dma;           /* address of the DMA memory (block i at + i * 2 MiB), 0: none */
	uint64_t dma_size;      /* bytes */
	struct moat_vdisk_info vdisk[MOAT_DOMAIN_MAX_CHANNELS]; /* a block backend's, per channel */
	struct moat_vnic_info vnic[MOAT_DOMAIN_MAX_CHANNELS];	/* the network switch's */
};

_Static_assert(sizeof(struct moat_channel_info) == 56, "domain info ABI");
_Static_assert(sizeof(struct moat_domain_info) <= 4096, "domain info fits one page");

#endif
