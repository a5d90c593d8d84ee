/* A virtio block device through one virtqueue; see blk_dev.h. */
#include "blk_dev.h"

#include <libpv/err.h>

#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define CONFIG_CAPACITY 0 /* le64, in 512-byte sectors */

/* Where the queue and the requests' headers live in the DMA memory. */
#define DESC_OFFSET 0x0000u
#define AVAIL_OFFSET 0x0800u
#define USED_OFFSET 0x0a00u
#define HEADER_OFFSET 0x1000u
#define STATUS_OFFSET (HEADER_OFFSET + BLK_MAX_REQUESTS * sizeof(struct header))

/* The device-readable first part of every request (virtio_blk_req). */
struct header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

_Static_assert(BLK_QUEUE_SIZE * sizeof(struct pv_virtq_desc) <= AVAIL_OFFSET &&
		       AVAIL_OFFSET + 6 + 2 * BLK_QUEUE_SIZE <= USED_OFFSET &&
		       USED_OFFSET + 6 + 8 * BLK_QUEUE_SIZE <= HEADER_OFFSET &&
		       STATUS_OFFSET + BLK_MAX_REQUESTS <= BLK_DMA_RESERVED &&
		       3 * BLK_MAX_REQUESTS <= BLK_QUEUE_SIZE,
	       "the queue, headers and status bytes fit the reserved DMA memory");

static struct header *header(struct blk_dev *d, unsigned i)
{
	return (struct header *)(d->dma + HEADER_OFFSET) + i;
}

static volatile uint8_t *status_byte(struct blk_dev *d, unsigned i)
{
	return d->dma + STATUS_OFFSET + i;
}

const char *blk_dev_init(struct blk_dev *d, uintptr_t regs, void *dma, uint64_t dma_pa,
			 uint64_t dma_size)
{
	struct pv_vq_drv_config cfg;
	const char *err;

	*d = (struct blk_dev){ .dma = dma, .dma_pa = dma_pa, .dma_size = dma_size };
	if (dma_size <= BLK_DMA_RESERVED || dma_pa % 4096)
		return "its DMA memory is too small or not page aligned";
	if ((err = virtio_mmio_start(&d->mmio, regs, PV_VIRTIO_ID_BLOCK,
				     PV_VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH,
				     &d->features)))
		return err;
	cfg = (struct pv_vq_drv_config){
		.size = BLK_QUEUE_SIZE,
		.features = PV_VIRTIO_F_VERSION_1,
		.desc = (struct pv_virtq_desc *)(d->dma + DESC_OFFSET),
		.avail = (struct pv_virtq_avail *)(d->dma + AVAIL_OFFSET),
		.used = (struct pv_virtq_used *)(d->dma + USED_OFFSET),
		.slots = d->slots,
	};
	if (pv_vq_drv_init(&d->vq, &cfg) != PV_OK)
		return "its virtqueue cannot be laid out";
	if ((err = virtio_mmio_queue(&d->mmio, 0, BLK_QUEUE_SIZE, dma_pa + DESC_OFFSET,
				     dma_pa + AVAIL_OFFSET, dma_pa + USED_OFFSET)))
		return err;
	if (!virtio_mmio_config64(&d->mmio, CONFIG_CAPACITY, &d->sectors))
		return "its capacity keeps changing";
	virtio_mmio_ready(&d->mmio);
	return NULL;
}

/* Whether `len` bytes at `sector` fit the disk (a flush: names nothing). */
static int check_range(const struct blk_dev *d, enum blk_op op, uint64_t sector, uint64_t len)
{
	if (op == BLK_FLUSH)
		return len || sector ? BLK_E_RANGE : 0;
	if (op != BLK_READ && op != BLK_WRITE)
		return BLK_E_RANGE;
	if (!len || len % BLK_SECTOR || sector > d->sectors ||
	    len / BLK_SECTOR > d->sectors - sector)
		return BLK_E_RANGE;
	return 0;
}

int blk_dev_submit_sg(struct blk_dev *d, enum blk_op op, uint64_t sector,
		      const struct blk_dev_segment *seg, unsigned count, uint64_t token)
{
	struct pv_sg sg[BLK_MAX_SEGMENTS + 2];
	unsigned i = 0, n = 0;
	uint64_t len = 0;
	int err;

	if (count > BLK_MAX_SEGMENTS || (op == BLK_FLUSH) != (count == 0))
		return BLK_E_RANGE;
	for (unsigned k = 0; k < count; k++) {
		if (!seg[k].len)
			return BLK_E_RANGE;
		len += seg[k].len; /* at most 16 times 2^32: no overflow */
	}
	if ((err = check_range(d, op, sector, len)))
		return err;
	if (pv_vq_drv_broken(&d->vq))
		return BLK_E_BROKEN;
	while (i < BLK_MAX_REQUESTS && d->req[i].busy)
		i++;
	if (i == BLK_MAX_REQUESTS || pv_vq_drv_num_free(&d->vq) < count + 2)
		return BLK_E_BUSY;
	*header(d, i) = (struct header){ .type = op, .sector = sector };
	*status_byte(d, i) = BLK_BAD_STATUS; /* unless the device writes one */
	sg[n++] = (struct pv_sg){ pv_gaddr(d->dma_pa + HEADER_OFFSET + i * sizeof(struct header)),
				  sizeof(struct header), 0 };
	for (unsigned k = 0; k < count; k++)
		sg[n++] = (struct pv_sg){ pv_gaddr(seg[k].addr), seg[k].len, 0 };
	sg[n++] = (struct pv_sg){ pv_gaddr(d->dma_pa + STATUS_OFFSET + i), 1, 0 };
	/* Device-readable first: the header, and a write's data; then what it writes. */
	if (pv_vq_drv_add(&d->vq, sg, op == BLK_WRITE ? n - 1 : 1, op == BLK_WRITE ? 1 : n - 1,
			  i) < 0)
		return BLK_E_BROKEN; /* the descriptors were counted above */
	d->req[i] = (struct blk_dev_request){ .token = token, .busy = true };
	d->in_flight++;
	return 0;
}

int blk_dev_submit(struct blk_dev *d, enum blk_op op, uint64_t sector, uint64_t offset,
		   uint32_t len, uint64_t token)
{
	struct blk_dev_segment seg = { d->dma_pa + offset, len };
	int err = check_range(d, op, sector, len);

	if (err)
		return err;
	if (len && (offset < BLK_DMA_RESERVED || offset > d->dma_size || len > d->dma_size - offset))
		return BLK_E_BUFFER;
	return blk_dev_submit_sg(d, op, sector, &seg, len ? 1 : 0, token);
}

void blk_dev_kick(struct blk_dev *d)
{
	if (pv_vq_drv_kick_needed(&d->vq))
		virtio_mmio_notify(&d->mmio, 0);
}

int blk_dev_complete(struct blk_dev *d, uint64_t *token, enum blk_status *status)
{
	uint64_t i;
	uint32_t len;
	int got = pv_vq_drv_get_used(&d->vq, &i, &len);
	uint8_t s;

	if (got < 0)
		return BLK_E_BROKEN;
	if (!got)
		return 0;
	s = *status_byte(d, (unsigned)i); /* i is a token we gave: libpv checked it */
	*token = d->req[i].token;
	*status = s <= BLK_UNSUPPORTED ? (enum blk_status)s : BLK_BAD_STATUS;
	d->req[i].busy = false;
	d->in_flight--;
	return 1;
}

bool blk_dev_interrupt(struct blk_dev *d)
{
	virtio_mmio_interrupt(&d->mmio);
	return virtio_mmio_status(&d->mmio) & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

bool blk_dev_prepare_wait(struct blk_dev *d)
{
	return pv_vq_drv_prepare_wait(&d->vq);
}
