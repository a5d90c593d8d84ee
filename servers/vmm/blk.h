/*
 * The guest's virtio block device (virtio 1.x, 5.2) over virtio-mmio, as
 * a client of the block backend (moat/blk.h, docs/io.md "The block
 * path"). The guest's queue lives in its RAM and is read through libpv's
 * vq_dev over one window, that RAM; each chain becomes one request whose
 * segments are physical addresses of the guest's RAM, and each completion
 * the backend returns becomes the chain's status byte and used element.
 *
 * Portable: no system calls. The caller gives the channel's two rings
 * (already in its memory), a kick to signal the backend and a log, feeds
 * the guest's MMIO accesses in, calls vblk_backend_signal when the backend
 * signalled, and drives the interrupt line from vblk_irq_level.
 *
 * Invariants: every request produced names only the guest's RAM (by its
 * ram_pa blocks, split at 2 MiB boundaries) and sectors inside the disk,
 * writes never reach a read-only disk, at most VBLK_SLOTS requests are
 * outstanding at the backend, each chain is returned to the guest exactly
 * once, and a completion is written to the guest only for a request of
 * the current device generation (not from before a reset).
 */
#ifndef MOAT_VMM_BLK_H
#define MOAT_VMM_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include <libpv/ring.h>
#include <libpv/vq_dev.h>
#include <libpv/window.h>
#include <moat/blk.h>

#include "virtio_mmio.h"

#define VBLK_DEVICE_ID 2u
#define VBLK_BLOCK 0x200000ull /* the granule of ram_pa */
#define VBLK_SLOTS MOAT_BLK_RING_ENTRIES /* requests outstanding at the backend, at most */
/*
 * What the guest is told: at most VBLK_SEG_MAX data buffers of at most
 * VBLK_SIZE_MAX bytes each. A buffer that small crosses at most one 2 MiB
 * boundary, so an honest chain is never more than MOAT_BLK_SEGMENTS
 * segments after splitting, and never more than MOAT_BLK_MAX_BYTES.
 */
#define VBLK_SEG_MAX (MOAT_BLK_SEGMENTS / 2)
#define VBLK_SIZE_MAX (MOAT_BLK_MAX_BYTES / VBLK_SEG_MAX)
#define VBLK_CHAIN_SEGS (MOAT_BLK_SEGMENTS + 2) /* a chain's descriptors, at most */
#define VBLK_ID_BYTES 20u			/* VIRTIO_BLK_T_GET_ID's answer */
#define VBLK_LOG_MAX 16u			/* problems logged; later ones only counted */
#define VBLK_FLOOD_LOG 1024u /* notifications that find nothing: logged at 1024, 2048, 4096... */

/* The virtio-blk ABI (spec 5.2.6). */
#define VIRTIO_BLK_F_SIZE_MAX (1ull << 1)
#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_T_GET_ID 8u
#define VIRTIO_BLK_S_OK 0u
#define VIRTIO_BLK_S_IOERR 1u
#define VIRTIO_BLK_S_UNSUPP 2u

struct virtio_blk_outhdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};
_Static_assert(sizeof(struct virtio_blk_outhdr) == 16, "virtio-blk ABI");

struct vblk_config {
	uint8_t *ram;		/* the guest's RAM in our space */
	uint64_t ram_ipa, ram_size; /* a multiple of VBLK_BLOCK */
	const uint64_t *ram_pa;	/* ram_size / VBLK_BLOCK physical addresses, each block aligned */
	uint64_t disk_sectors;
	bool read_only;
	uint8_t *shared; /* the channel's memory, MOAT_BLK_SHARED_BYTES at least: both rings */
	void (*kick)(void *ctx);      /* signal the backend */
	void (*log)(void *ctx, const char *what, uint64_t value);
	void *ctx;
};

/* A request at the backend. */
struct vblk_slot {
	bool busy;
	uint32_t gen;	    /* the device generation it was made in */
	uint64_t tag;	    /* as sent: seq << 8 | slot index */
	uint16_t head;	    /* the chain, to return */
	uint32_t in_bytes;  /* its writable bytes */
	uint32_t used_len;  /* bytes written when it succeeds */
	uint8_t *status;    /* its status byte, in the guest's RAM (b->win's view) */
};

struct vblk_stats {
	uint64_t requests, refused, unsupported, bad_chains, bad_completions, stale;
	uint64_t kicks;	     /* QueueNotify writes: the guest's notifications */
	uint64_t idle_kicks; /* of those, the ones that found no new chain */
	uint64_t interrupts; /* used-buffer interrupts raised (the line going high) */
};

struct vblk {
	struct vmmio mmio;
	struct pv_window_set win;
	struct vmmio_served q;
	bool broken;
	struct pv_ring_producer req;
	struct pv_ring_consumer cpl;
	struct vblk_config cfg;
	uint32_t gen;
	uint64_t seq;
	unsigned busy;
	struct vblk_slot slot[VBLK_SLOTS];
	struct vblk_stats stats;
	unsigned logged;
};

/* PV_OK, or why the device cannot be offered (a bad configuration, rings that do not attach). */
int vblk_init(struct vblk *b, const struct vblk_config *cfg);

/* A guest access in the device's window (VMMIO_SIZE bytes); false: inject an abort. */
bool vblk_access(struct vblk *b, uint64_t off, unsigned size, bool write, uint64_t *value);

/* The backend signalled: completions to take, or room in the request ring. */
void vblk_backend_signal(struct vblk *b);

/* The guest restarts: the device is reset and what is outstanding becomes stale. */
void vblk_reset(struct vblk *b);

/* Requests the backend holds (stale ones included). */
unsigned vblk_outstanding(const struct vblk *b);

/* The interrupt line: InterruptStatus is not zero. */
bool vblk_irq_level(const struct vblk *b);

#endif
