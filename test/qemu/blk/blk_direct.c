/*
 * The virtio block driver's own test (qemu.blk_direct): a driver domain
 * for QEMU's virtio-blk-device with DMA memory, on the disk blk_test.py
 * made. It reads the host's pattern back, writes its own pattern to a
 * range and flushes, reads that back, checks that the driver refuses
 * requests outside the disk or its buffers, and reads 4 MiB in a row.
 * blk_test.py then checks the disk.
 */
#include <moat/domain.h>
#include <moat/runtime.h>

#include "virtio_blk/blk_dev.h"

#define HOST_SEED 1u	  /* blk_test.py's pattern on the whole disk */
#define OWN_SEED 2u	  /* ours, written to WRITE_FIRST.. */
#define CHECK_SECTORS 2048u /* the first 1 MiB, read and checked */
#define WRITE_FIRST 4096u
#define WRITE_SECTORS 1024u
#define REQUEST_BYTES 4096u /* eight sectors per request */
#define DEPTH 16u	    /* requests in flight */
#define SEQUENTIAL_BYTES (4u << 20)

static struct blk_dev dev;
static const struct moat_domain_info *info;
static unsigned failures;

static void check(bool ok, const char *what)
{
	moat_printf("blk_direct: %s: %s\n", what, ok ? "ok" : "WRONG");
	failures += !ok;
}

/* The 64-bit word k of sector s in the pattern of `seed` (blk_test.py has the same). */
static uint64_t pattern(unsigned seed, uint64_t s, unsigned k)
{
	return ((s << 6 | k) + seed) * 0x9e3779b97f4a7c15ull;
}

static uint64_t *buffer(unsigned slot)
{
	return (uint64_t *)(dev.dma + BLK_DMA_RESERVED + slot * REQUEST_BYTES);
}

/* Waits for the device's interrupt (or polls, if one came meanwhile). */
static void wait_device(void)
{
	if (!blk_dev_prepare_wait(&dev))
		return;
	moat_wait(MOAT_DOMAIN_SLOT_INBOX);
	if (blk_dev_interrupt(&dev))
		moat_printf("blk_direct: the device asks for a reset\n");
	moat_invoke(MOAT_DOMAIN_SLOT_IRQ, MOAT_IRQ_HANDLER_ACK, 0, NULL, 0, NULL);
}

/*
 * `count` requests of `op`, sectors from `first`, DEPTH in flight, each
 * in buffer slot (i % DEPTH); `done(i)` runs when request i completes
 * (for a write, `fill(i)` before it is queued). Errors counted.
 */
static unsigned run(enum blk_op op, uint64_t first, unsigned count, void (*fill)(unsigned),
		    void (*done)(unsigned))
{
	unsigned queued = 0, finished = 0, errors = 0;

	while (finished < count) {
		while (queued < count && queued - finished < DEPTH) {
			if (fill)
				fill(queued);
			if (blk_dev_submit(&dev, op, first + (uint64_t)queued * (REQUEST_BYTES / BLK_SECTOR),
					   BLK_DMA_RESERVED + (queued % DEPTH) * REQUEST_BYTES,
					   REQUEST_BYTES, queued) != 0)
				return count + 1; /* refused: reported by the caller */
			queued++;
		}
		blk_dev_kick(&dev);
		for (;;) {
			uint64_t token;
			enum blk_status status;
			int got = blk_dev_complete(&dev, &token, &status);

			if (got < 0)
				return count + 1;
			if (!got)
				break;
			errors += status != BLK_OK;
			if (done)
				done((unsigned)token);
			finished++;
		}
		if (finished < count && (queued - finished == DEPTH || queued == count))
			wait_device(); /* nothing more to queue until some complete */
	}
	return errors;
}

static unsigned seed_now, mismatches;
static uint64_t first_now;

static void verify(unsigned i)
{
	const uint64_t *b = buffer(i % DEPTH);
	uint64_t s0 = first_now + (uint64_t)i * (REQUEST_BYTES / BLK_SECTOR);

	for (unsigned w = 0; w < REQUEST_BYTES / 8; w++)
		mismatches += b[w] != pattern(seed_now, s0 + w / 64, w % 64);
}

static void fill(unsigned i)
{
	uint64_t *b = buffer(i % DEPTH);
	uint64_t s0 = first_now + (uint64_t)i * (REQUEST_BYTES / BLK_SECTOR);

	for (unsigned w = 0; w < REQUEST_BYTES / 8; w++)
		b[w] = pattern(seed_now, s0 + w / 64, w % 64);
}

static bool flush(void)
{
	uint64_t token;
	enum blk_status status;
	int got;

	if (blk_dev_submit(&dev, BLK_FLUSH, 0, 0, 0, 99) != 0)
		return false;
	blk_dev_kick(&dev);
	while (!(got = blk_dev_complete(&dev, &token, &status)))
		wait_device();
	return got == 1 && token == 99 && status == BLK_OK;
}

int main(void *arg)
{
	moat_word_t pa[3] = { 0 };
	const char *err;
	unsigned errors;

	info = arg;
	if (!info->dma || moat_invoke(MOAT_DOMAIN_SLOT_DMA(0), MOAT_FRAME_GET_ADDRESS, 0, NULL, 0,
				      pa) != MOAT_OK) {
		moat_printf("blk_direct: no DMA memory\n");
		return 1;
	}
	moat_printf("blk_direct: DMA memory at 0x%lx, physical 0x%lx, %lu KiB\n",
		    (unsigned long)info->dma, (unsigned long)pa[0],
		    (unsigned long)(info->dma_size >> 10));
	if ((err = blk_dev_init(&dev, info->device, (void *)(uintptr_t)info->dma, pa[0],
				MOAT_DOMAIN_DMA_BLOCK))) {
		moat_printf("blk_direct: %s\n", err);
		return 1;
	}
	moat_printf("blk_direct: virtio-blk at 0x%lx (INTID %lu): %lu sectors, features 0x%lx\n",
		    (unsigned long)info->device_paddr, (unsigned long)info->device_irq,
		    (unsigned long)dev.sectors, (unsigned long)dev.features);

	seed_now = HOST_SEED, first_now = 0, mismatches = 0;
	errors = run(BLK_READ, 0, CHECK_SECTORS / 8, NULL, verify);
	moat_printf("blk_direct: read %u sectors: %u errors, %u words unlike the host's pattern\n",
		    CHECK_SECTORS, errors, mismatches);
	check(!errors && !mismatches, "the host's pattern read back");

	seed_now = OWN_SEED, first_now = WRITE_FIRST;
	errors = run(BLK_WRITE, WRITE_FIRST, WRITE_SECTORS / 8, fill, NULL);
	check(!errors, "our pattern written");
	check(flush(), "flushed");
	mismatches = 0;
	errors = run(BLK_READ, WRITE_FIRST, WRITE_SECTORS / 8, NULL, verify);
	check(!errors && !mismatches, "our pattern read back");

	check(blk_dev_submit(&dev, BLK_READ, dev.sectors, BLK_DMA_RESERVED, 512, 0) == BLK_E_RANGE,
	      "a read past the disk's end is refused");
	check(blk_dev_submit(&dev, BLK_READ, dev.sectors - 1, BLK_DMA_RESERVED, 1024, 0) ==
		      BLK_E_RANGE,
	      "a read across the disk's end is refused");
	check(blk_dev_submit(&dev, BLK_READ, 0, BLK_DMA_RESERVED, 100, 0) == BLK_E_RANGE,
	      "a part of a sector is refused");
	check(blk_dev_submit(&dev, BLK_READ, 0, 0, 512, 0) == BLK_E_BUFFER,
	      "a buffer over the queue is refused");
	check(blk_dev_submit(&dev, BLK_READ, 0, MOAT_DOMAIN_DMA_BLOCK - 256, 512, 0) ==
		      BLK_E_BUFFER,
	      "a buffer past the DMA memory is refused");
	check(blk_dev_submit(&dev, BLK_FLUSH, 1, 0, 0, 0) == BLK_E_RANGE,
	      "a flush with a sector is refused");
	check(dev.in_flight == 0, "nothing refused was queued");

	errors = run(BLK_READ, 0, SEQUENTIAL_BYTES / REQUEST_BYTES, NULL, NULL);
	check(!errors, "a sequential read of 4 MiB, 16 requests in flight");
	moat_printf("blk_direct: %u check(s) failed\n", failures);
	for (;;)
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
