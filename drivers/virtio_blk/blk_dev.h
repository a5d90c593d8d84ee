/*
 * A virtio block device (virtio 1.x spec, 5.2) driven through one split
 * virtqueue in the driver domain's DMA memory (docs/io.md). The caller's
 * data buffers are in that memory too, named by their offset in it; this
 * file turns a request into the device's three-part chain (header, data,
 * status), checks it against the disk first, and hands back completions.
 */
#ifndef MOAT_DRIVERS_BLK_DEV_H
#define MOAT_DRIVERS_BLK_DEV_H

#include <libpv/vq_drv.h>

#include "virtio/virtio_mmio.h"

#define BLK_SECTOR 512u
#define BLK_QUEUE_SIZE 128u /* descriptors; three per request */
#define BLK_MAX_REQUESTS 32u /* in flight at once */
#define BLK_MAX_SEGMENTS 16u /* data buffers of one request */
#define BLK_DMA_RESERVED 0x2000u /* the queue and the headers: the caller's buffers lie beyond */

enum blk_op {
	BLK_READ = 0,  /* VIRTIO_BLK_T_IN */
	BLK_WRITE = 1, /* VIRTIO_BLK_T_OUT */
	BLK_FLUSH = 4, /* VIRTIO_BLK_T_FLUSH: earlier completed writes are durable */
};

/* A request's status as the device wrote it (VIRTIO_BLK_S_*), or ours. */
enum blk_status {
	BLK_OK = 0,
	BLK_IOERR = 1,
	BLK_UNSUPPORTED = 2,
	BLK_BAD_STATUS = 255, /* the device wrote something else */
};

struct blk_dev_request {
	uint64_t token; /* the caller's */
	bool busy;
};

struct blk_dev {
	struct virtio_mmio mmio;
	uint64_t features;
	uint64_t sectors; /* the disk's capacity */
	uint8_t *dma;	  /* the DMA memory, in our space */
	uint64_t dma_pa;  /* and its physical address */
	uint64_t dma_size;
	struct pv_vq_drv vq;
	struct pv_vq_drv_slot slots[BLK_QUEUE_SIZE];
	struct blk_dev_request req[BLK_MAX_REQUESTS];
	unsigned in_flight;
};

/*
 * Brings up the virtio block device at `regs` with `dma_size` bytes of
 * physically contiguous DMA memory at `dma` (physical `dma_pa`). NULL, or
 * what is wrong.
 */
const char *blk_dev_init(struct blk_dev *d, uintptr_t regs, void *dma, uint64_t dma_pa,
			 uint64_t dma_size);

/*
 * Queues a request for `len` bytes (a multiple of the sector, none for a
 * flush) at sector `sector`, the data at `offset` in the DMA memory. 0, or
 * BLK_E_* below; nothing is queued then. The device sees it at the next
 * blk_dev_kick().
 */
#define BLK_E_RANGE (-1) /* beyond the disk, or a length that is not whole sectors */
#define BLK_E_BUFFER (-2) /* the data is not inside the caller's part of the DMA memory */
#define BLK_E_BUSY (-3)	  /* BLK_MAX_REQUESTS in flight */
#define BLK_E_BROKEN (-4) /* the queue is broken: the device misbehaved */
int blk_dev_submit(struct blk_dev *d, enum blk_op op, uint64_t sector, uint64_t offset,
		   uint32_t len, uint64_t token);

/* A data buffer by physical address. */
struct blk_dev_segment {
	uint64_t addr;
	uint32_t len;
};

/*
 * Queues a request whose data is `count` buffers by physical address (at
 * most BLK_MAX_SEGMENTS, none for a flush), anywhere: the caller has
 * checked the device may reach them. Their lengths add up to whole
 * sectors inside the disk. 0, or BLK_E_RANGE, BLK_E_BUSY (no request slot
 * or too few free descriptors: retry after a completion), BLK_E_BROKEN.
 */
int blk_dev_submit_sg(struct blk_dev *d, enum blk_op op, uint64_t sector,
		      const struct blk_dev_segment *seg, unsigned count, uint64_t token);

/* Tells the device about queued requests, if it wants to know. */
void blk_dev_kick(struct blk_dev *d);

/*
 * One completed request: 1 with its token and status, 0 if none is done
 * yet, BLK_E_BROKEN when the device's used ring is not believable.
 */
int blk_dev_complete(struct blk_dev *d, uint64_t *token, enum blk_status *status);

/*
 * After the device's interrupt: acknowledged at the device. True if it
 * asks to be reset (its queues are no longer usable).
 */
bool blk_dev_interrupt(struct blk_dev *d);

/* Before waiting for the interrupt: false if completions arrived meanwhile. */
bool blk_dev_prepare_wait(struct blk_dev *d);

#endif
