/*
 * The PV guest's disk modes over PV I/O (docs/io.md "PV guests"):
 * PV_MODE_BLK, an honest client that checks its disk and measures its read
 * throughput while hostile.c attacks its own queue beside it, and the
 * benchmarks' modes (PV_MODE_BLK_BENCH, PV_MODE_BLK_QD32).
 *
 * PV_MODE_BLK and PV_MODE_HOSTILE share one clock, the virtual counter
 * (CNTVOFF is 0 for every guest): from PV_IO_WINDOW_START_MS to
 * PV_IO_WINDOW_END_MS the hostile guest attacks in every odd slot of
 * PV_IO_SLOT_MS and only spins in the even ones, and the honest guest
 * counts the bytes it read in each kind of slot. Their ratio is its
 * throughput under attack over its throughput undisturbed, in one run,
 * under the same host load.
 */
#include "pv.h"

#include <libpv/err.h>
#include <libpv/virtq.h>
#include <libpv/vq_drv.h>
#include <moat/hypercall.h>
#include <moat/pvio.h>
#include <moat/types.h>

#include "io.h"

#define QUEUE	    128u     /* 32 requests of 3 descriptors fit */
#define DEPTH	    8u	     /* PV_MODE_BLK's requests in flight */
#define CHUNK	    0x10000u /* bytes per read */
#define BENCH_QD    32u	     /* requests in flight, at most (the QD32 benchmark) */
#define BENCH_CHUNK 0x20000u /* as virtio_blk_bench's own: 8 requests of 128 KiB */
#define BENCH_DEPTH 8u
#define BENCH_BYTES (32u << 20)
#define BENCH_FIRST 2048u /* its sector 2048: where virtio_blk_bench watches (FIRST 2048) */
#define data	    ((uint8_t(*)[CHUNK])PV_DATA)
_Static_assert(MOAT_PVIO_QUEUE_BYTES(QUEUE) <= 0x1000 && DEPTH * CHUNK <= 0x80000 &&
		       BENCH_DEPTH * BENCH_CHUNK <= 0x100000 && BENCH_QD * 4096 <= 0x100000,
	       "the queue and buffers in their areas");

static void sleep_until(uint64_t t)
{
	while (pv_now() < t)
		pv_wait_until(t);
}

static struct pv_vq_drv_slot slots[QUEUE];
static struct req reqs[BENCH_QD] __attribute__((aligned(16)));
static struct pv_vq_drv vq;
static const struct pv_vq_drv_config vq_config = {
	.size = QUEUE,
	.features = PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_EVENT_IDX,
	.desc = (struct pv_virtq_desc *)PV_QUEUE_AREA,
	.avail = (struct pv_virtq_avail *)(PV_QUEUE_AREA + MOAT_PVIO_AVAIL_OFFSET(QUEUE)),
	.used = (struct pv_virtq_used *)(PV_QUEUE_AREA + MOAT_PVIO_USED_OFFSET(QUEUE)),
	.slots = slots,
};

static void kick(void)
{
	if (pv_vq_drv_kick_needed(&vq))
		pv_io_call(MOAT_PVIO_NOTIFY, PV_DISK, 0, 0);
}

/* Request k (its header and status) for `len` bytes at `buf`, made available; not kicked. */
static bool add_at(unsigned k, uint32_t type, uint64_t sector, uint8_t *buf, uint32_t len)
{
	struct pv_sg sg[3] = {
		{.addr = pv_gaddr((uintptr_t)&reqs[k].hdr), .len = sizeof(struct blk_hdr)},
		{.addr = pv_gaddr((uintptr_t)buf), .len = len},
		{.addr = pv_gaddr((uintptr_t)&reqs[k].status), .len = 1},
	};
	bool read = type == VIRTIO_BLK_T_IN;

	reqs[k].hdr = (struct blk_hdr){.type = type, .sector = sector};
	reqs[k].status = STATUS_UNSET;
	if (len == 0) {
		sg[1] = sg[2];
		if (pv_vq_drv_add(&vq, sg, 1, 1, k) < 0)
			return false;
	} else if (pv_vq_drv_add(&vq, sg, read ? 1 : 2, read ? 2 : 1, k) < 0) {
		return false;
	}
	return true;
}

static bool submit(unsigned k, uint32_t type, uint64_t sector, uint32_t len)
{
	if (!add_at(k, type, sector, data[k], len))
		return false;
	kick();
	return true;
}

/*
 * The next completed request (its index), waiting for it; -1 if the queue
 * broke. Waiting, it asks to be interrupted only once `batch` have completed.
 */
static int reap_batch(uint16_t batch)
{
	uint64_t token;
	uint32_t len;
	int n;

	for (;;) {
		if ((n = pv_vq_drv_get_used(&vq, &token, &len)) == 1)
			return token < BENCH_QD ? (int)token : -1;
		if (n < 0)
			return -1;
		if (pv_vq_drv_prepare_wait_for(&vq, batch))
			pv_irq_wait();
	}
}

static int reap(void)
{
	return reap_batch(1);
}

/* One request, waited for: its status byte. */
static unsigned one(uint32_t type, uint64_t sector, uint32_t len)
{
	int k;

	if (!submit(0, type, sector, len) || (k = reap()) != 0)
		return 0x100;
	return reqs[0].status;
}

static unsigned heads_wrong(const uint8_t *p, uint64_t first, uint32_t sectors)
{
	unsigned wrong = 0;

	for (uint32_t s = 0; s < sectors; s++)
		wrong += !pv_sector_is(p + s * SECTOR, 'V', first + s);
	return wrong;
}

void pv_blk_mode(void)
{
	uint64_t status, sectors = pv_disk_info(&status), next = 0, bytes[2] = {0, 0}, wrong = 0;
	uint64_t slot = pv_ms(PV_IO_SLOT_MS), start = pv_ms(PV_IO_WINDOW_START_MS),
		 end = pv_ms(PV_IO_WINDOW_END_MS), percent;
	uint32_t chunk_sectors = CHUNK / SECTOR;
	unsigned reads = 0;

	pv_irq_init();
	pv_check("its output through a virtio console", pv_console_open());
	pv_check("a virtio disk through PV I/O", sectors >= 2 * DEPTH * chunk_sectors);
	if (!sectors)
		return;
	pv_print("pv: blk: %lu sectors\n", sectors);
	pv_check("its queue set up by hypercall",
		 pv_vq_drv_init(&vq, &vq_config) == PV_OK && pv_disk_open(PV_QUEUE_AREA, QUEUE));
	pv_check("a read of its first 128 sectors",
		 one(VIRTIO_BLK_T_IN, 0, CHUNK) == 0 &&
			 heads_wrong(data[0], 0, chunk_sectors) == 0);
	for (uint32_t s = 0; s < chunk_sectors; s++)
		data[0][s * SECTOR + 7] = 'W'; /* "moat-pvW": written by the guest */
	pv_check("a write of 128 sectors at its last chunk",
		 one(VIRTIO_BLK_T_OUT, sectors - chunk_sectors, CHUNK) == 0);
	pv_check("a flush", one(VIRTIO_BLK_T_FLUSH, 0, 0) == 0);
	pv_check("a read past its disk refused", one(VIRTIO_BLK_T_IN, sectors, SECTOR) == 1);

	/* Sequential reads, DEPTH in flight, over the disk but its last chunk, until `end`. */
	/*
	 * From half a second before the window, so that what the disk lets
	 * through at first (a throttled disk's burst) is over before it.
	 */
	sleep_until(start - pv_ms(500)); /* the hostile guest, below us, does its first attacks */
	for (unsigned k = 0; k < DEPTH; k++, next += chunk_sectors)
		submit(k, VIRTIO_BLK_T_IN, next, CHUNK);
	for (;;) {
		int k = reap();
		uint64_t t = pv_now(), first;

		if (k < 0) {
			pv_check("the queue stays whole", false);
			return;
		}
		if (reqs[k].status != 0) {
			pv_check("every read succeeds", false);
			return;
		}
		first = reqs[k].hdr.sector;
		if (first < sectors - chunk_sectors) /* not the chunk it wrote */
			wrong += heads_wrong(data[k], first, chunk_sectors);
		if (t >= end)
			break;
		if (t >= start) {
			bytes[(t - start) / slot % 2] += CHUNK;
			reads++;
		}
		if (next + chunk_sectors > sectors - chunk_sectors)
			next = 0;
		submit((unsigned)k, VIRTIO_BLK_T_IN, next, CHUNK);
		next += chunk_sectors;
	}
	percent = bytes[0] ? bytes[1] * 100 / bytes[0] : 0;
	pv_print("pv: blk: %u reads of 64 KiB: %lu KiB in quiet slots, %lu KiB in attacked "
		 "slots: %lu%%\n",
		 reads, bytes[0] >> 10, bytes[1] >> 10, percent);
	pv_check("every sector read is its own disk's", wrong == 0);
	pv_check("under attack, at least 90% of the undisturbed throughput", percent >= 90);
	pv_print("pv: blk mode: %u failure(s)\n", pv_io_failures);
}

/* ---- The benchmarks (./moat bench, guests/linux/blk_bench.py --pv) ---- */

/*
 * `bytes` of `type` from sector `first`, in requests of `chunk` bytes,
 * `depth` in flight (buffers at PV_BENCH_DATA). It waits for `batch`
 * completions at a time (at most `depth`), takes every one there is, and
 * makes as many new requests available before it decides on one kick.
 * False on an error.
 */
static bool stream(uint32_t type, uint64_t first, uint64_t bytes, uint32_t chunk, unsigned depth,
		   uint16_t batch)
{
	uint64_t n = bytes / chunk, queued = 0, done = 0, token;
	uint32_t len;
	int got;

	for (unsigned k = 0; k < depth && queued < n; k++, queued++)
		if (!add_at(k, type, first + queued * (chunk / SECTOR), PV_BENCH_DATA + k * chunk,
			    chunk))
			return false;
	kick();
	while (done < n) {
		uint64_t in_flight = queued - done;

		got = reap_batch((uint16_t)(in_flight < batch ? in_flight : batch));
		do {
			if (got < 0 || reqs[got].status != 0)
				return false;
			done++;
			if (queued < n &&
			    !add_at((unsigned)got, type, first + queued++ * (chunk / SECTOR),
				    PV_BENCH_DATA + (unsigned)got * chunk, chunk))
				return false;
		} while ((got = pv_vq_drv_get_used(&vq, &token, &len)) == 1 &&
			 (got = token < BENCH_QD ? (int)token : -1) >= 0);
		if (got < 0)
			return false;
		kick();
	}
	return true;
}

void pv_blk_bench_mode(bool qd32)
{
	uint64_t status, sectors = pv_disk_info(&status);

	pv_irq_init();
	pv_check("its output through a virtio console", pv_console_open());
	pv_check("a virtio disk big enough", sectors >= BENCH_FIRST + BENCH_BYTES / SECTOR);
	pv_check("its queue set up by hypercall",
		 pv_vq_drv_init(&vq, &vq_config) == PV_OK && pv_disk_open(PV_QUEUE_AREA, QUEUE));
	if (pv_io_failures)
		return;
	if (qd32) {
		/* 32 reads of 4 KiB in flight, 8192 in all, interrupts 16 completions at a time. */
		pv_check("8192 reads of 4 KiB, 32 in flight",
			 stream(VIRTIO_BLK_T_IN, BENCH_FIRST, 8192ull * 4096, 4096, BENCH_QD, 16));
	} else {
		/* As the driver's own: 8 requests of 128 KiB in flight. */
		pv_check("a read of 32 MiB", stream(VIRTIO_BLK_T_IN, BENCH_FIRST, BENCH_BYTES,
						    BENCH_CHUNK, BENCH_DEPTH, 1));
		pv_check("a write of 32 MiB", stream(VIRTIO_BLK_T_OUT, BENCH_FIRST, BENCH_BYTES,
						     BENCH_CHUNK, BENCH_DEPTH, 1) &&
						      one(VIRTIO_BLK_T_FLUSH, 0, 0) == 0);
	}
	pv_print("pv: blk bench mode: %u failure(s)\n", pv_io_failures);
}
