/*
 * Unit tests for servers/vmm/blk.c, the guest's virtio block device: the
 * test is the guest (a split virtqueue in its RAM, MMIO writes) and the
 * block backend (the two rings of the channel). Good reads, writes,
 * flushes and GET_ID; every refusal (header, type, direction, length,
 * range, read-only, status byte, bad chains, impossible rings); buffers
 * split at 2 MiB blocks of RAM whose physical addresses are out of order;
 * completions that are stale, unknown or repeated; back-pressure when
 * the request ring is full.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libpv/err.h>

#include "blk.h"
#include "linux_probe.h"

#define RAM_IPA 0x40000000ull
#define BLOCKS 3
#define RAM_SIZE (BLOCKS * VBLK_BLOCK)
#define QSIZE 128
#define DESC 0x0000ull /* offsets in RAM of the queue's areas */
#define AVAIL 0x1000ull
#define USED 0x2000ull
#define BUF 0x10000ull /* buffers from here */
#define SECTORS 1000ull

/* Block 0 high, blocks 1 and 2 physically adjacent: splits, then a merge. */
static const uint64_t ram_pa[BLOCKS] = { 0x90000000ull, 0x70000000ull, 0x70200000ull };

static uint8_t *ram, *shared;
static struct vblk b;
static struct pv_ring_consumer be_req;
static struct pv_ring_producer be_cpl;
static unsigned kicks, logs;
static uint16_t next_desc, avail_idx;

static void kick(void *ctx)
{
	(void)ctx;
	kicks++;
}

static void log_fn(void *ctx, const char *what, uint64_t v)
{
	(void)ctx, (void)what, (void)v;
	logs++;
}

static void wr(uint64_t off, uint32_t v)
{
	uint64_t x = v;

	assert_true(vblk_access(&b, off, 4, true, &x));
}

static uint32_t rd(uint64_t off)
{
	uint64_t x = 0;

	assert_true(vblk_access(&b, off, 4, false, &x));
	return (uint32_t)x;
}

/* Linux's virtio_mmio probe, for queue 0 at DESC, AVAIL and used_off. */
static void handshake_at(uint64_t used_off)
{
	struct probe_queue q = { RAM_IPA + DESC, RAM_IPA + AVAIL, RAM_IPA + used_off };

	linux_probe(&b.mmio, (uint32_t)(VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_SEG_MAX), &q, 1, QSIZE);
	next_desc = avail_idx = 0;
}

static void handshake(void)
{
	handshake_at(USED);
}

static void start(bool read_only)
{
	struct vblk_config c = { .ram = ram, .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE,
				 .ram_pa = ram_pa, .disk_sectors = SECTORS, .read_only = read_only,
				 .shared = shared, .kick = kick, .log = log_fn };

	memset(ram, 0, RAM_SIZE);
	memset(shared, 0, MOAT_BLK_SHARED_BYTES);
	kicks = logs = 0;
	assert_int_equal(vblk_init(&b, &c), PV_OK);
	assert_int_equal(pv_ring_consumer_attach(&be_req, shared + MOAT_BLK_REQUESTS,
						 MOAT_BLK_COMPLETIONS, MOAT_BLK_RING_ENTRIES,
						 sizeof(struct moat_blk_request)),
			 PV_OK);
	assert_int_equal(pv_ring_producer_attach(&be_cpl, shared + MOAT_BLK_COMPLETIONS,
						 MOAT_BLK_SHARED_BYTES - MOAT_BLK_COMPLETIONS,
						 MOAT_BLK_RING_ENTRIES,
						 sizeof(struct moat_blk_completion)),
			 PV_OK);
	handshake();
}

static int setup(void **state)
{
	(void)state;
	ram = aligned_alloc(4096, RAM_SIZE);
	shared = aligned_alloc(4096, MOAT_BLK_SHARED_BYTES);
	start(false);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	free(shared);
	return 0;
}

struct buf {
	uint64_t off; /* in RAM */
	uint32_t len;
	bool write; /* device-writable */
};

/* A chain of n buffers made available; returns its head. */
static uint16_t post(const struct buf *bufs, unsigned n)
{
	struct pv_virtq_desc *d = (struct pv_virtq_desc *)(ram + DESC);
	struct pv_virtq_avail *a = (struct pv_virtq_avail *)(ram + AVAIL);
	uint16_t head = next_desc;

	for (unsigned i = 0; i < n; i++) {
		uint16_t k = (uint16_t)((next_desc + i) % QSIZE);

		d[k] = (struct pv_virtq_desc){ .addr = RAM_IPA + bufs[i].off, .len = bufs[i].len,
					       .flags = (uint16_t)((bufs[i].write ? PV_VIRTQ_DESC_F_WRITE : 0) |
								   (i + 1 < n ? PV_VIRTQ_DESC_F_NEXT : 0)),
					       .next = (uint16_t)((k + 1) % QSIZE) };
	}
	next_desc = (uint16_t)((next_desc + n) % QSIZE);
	a->ring[avail_idx % QSIZE] = head;
	a->idx = ++avail_idx;
	return head;
}

static void notify(void)
{
	wr(PV_VMMIO_QUEUE_NOTIFY, 0);
}

static void header(uint64_t off, uint32_t type, uint64_t sector)
{
	struct virtio_blk_outhdr h = { .type = type, .sector = sector };

	memcpy(ram + off, &h, sizeof(h));
}

/* A request: header at BUF, `len` data bytes at data_off, status at BUF + 0x100. */
static uint16_t request(uint32_t type, uint64_t sector, uint64_t data_off, uint32_t len)
{
	struct buf bufs[3] = { { BUF, 16, false },
			       { data_off, len, type != VIRTIO_BLK_T_OUT },
			       { BUF + 0x100, 1, true } };

	header(BUF, type, sector);
	ram[BUF + 0x100] = 0xff;
	if (len == 0) {
		bufs[1] = bufs[2];
		return post(bufs, 2);
	}
	return post(bufs, 3);
}

static uint16_t used_idx(void)
{
	return ((struct pv_virtq_used *)(ram + USED))->idx;
}

static struct pv_virtq_used_elem used(uint16_t i)
{
	return ((struct pv_virtq_used *)(ram + USED))->ring[i % QSIZE];
}

static unsigned backend_take(struct moat_blk_request *out, unsigned max)
{
	int32_t n = pv_ring_consume(&be_req, out, max);

	assert_true(n >= 0);
	return (unsigned)n;
}

static void backend_complete(uint64_t tag, uint32_t status)
{
	struct moat_blk_completion c = { .tag = tag, .status = status };

	assert_int_equal(pv_ring_produce(&be_cpl, &c, 1), 1);
	vblk_backend_signal(&b);
}

/* A read of one page in block 0: one segment, completed with its whole length. */
static void test_read(void **state)
{
	struct moat_blk_request r;
	uint16_t head;

	(void)state;
	start(false);
	head = request(VIRTIO_BLK_T_IN, 8, 0x20000, 4096);
	notify();
	assert_int_equal(kicks, 1);
	assert_int_equal(backend_take(&r, 1), 1);
	assert_int_equal(r.op, MOAT_BLK_READ);
	assert_int_equal(r.sector, 8);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.client, 0);
	assert_int_equal(r.seg[0].addr, ram_pa[0] + 0x20000);
	assert_int_equal(r.seg[0].len, 4096);
	assert_int_equal(vblk_outstanding(&b), 1);
	assert_int_equal(used_idx(), 0);
	assert_false(vblk_irq_level(&b));
	backend_complete(r.tag, MOAT_BLK_OK);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(used(0).id, head);
	assert_int_equal(used(0).len, 4097);
	assert_int_equal(ram[BUF + 0x100], VIRTIO_BLK_S_OK);
	assert_int_equal(vblk_outstanding(&b), 0);
	assert_true(vblk_irq_level(&b));
	assert_int_equal(rd(PV_VMMIO_INTERRUPT_STATUS), PV_VMMIO_INT_USED);
	wr(PV_VMMIO_INTERRUPT_ACK, PV_VMMIO_INT_USED);
	assert_false(vblk_irq_level(&b));
	assert_int_equal(logs, 0);
}

/* Notifications with nothing new: counted, and logged at 1024, 2048, 4096, not in between. */
static void test_notify_flood(void **state)
{
	(void)state;
	start(false);
	for (unsigned i = 0; i < 1023; i++)
		notify();
	assert_int_equal(b.stats.idle_kicks, 1023);
	assert_int_equal(logs, 0);
	notify();
	assert_int_equal(logs, 1);
	request(VIRTIO_BLK_T_IN, 8, 0x20000, 4096);
	notify(); /* one with a chain: not idle */
	assert_int_equal(b.stats.idle_kicks, 1024);
	for (unsigned i = 0; i < 3072; i++)
		notify();
	assert_int_equal(b.stats.idle_kicks, 4096);
	assert_int_equal(logs, 3);
	assert_int_equal(b.stats.kicks, 4097);
}

/* A write and a flush; a failing backend's status becomes IOERR. */
static void test_write_flush(void **state)
{
	struct moat_blk_request r[2];

	(void)state;
	start(false);
	request(VIRTIO_BLK_T_OUT, SECTORS - 2, 0x30000, 1024);
	notify();
	request(VIRTIO_BLK_T_FLUSH, 77, 0, 0);
	notify();
	assert_int_equal(backend_take(r, 2), 2);
	assert_int_equal(r[0].op, MOAT_BLK_WRITE);
	assert_int_equal(r[0].sector, SECTORS - 2);
	assert_int_equal(r[0].seg[0].addr, ram_pa[0] + 0x30000);
	assert_int_equal(r[0].seg[0].len, 1024);
	assert_int_equal(r[1].op, MOAT_BLK_FLUSH);
	assert_int_equal(r[1].count, 0);
	assert_int_equal(r[1].sector, 0);
	assert_true(r[0].tag != r[1].tag);
	backend_complete(r[0].tag, MOAT_BLK_OK);
	assert_int_equal(used(0).len, 1);
	assert_int_equal(ram[BUF + 0x100], VIRTIO_BLK_S_OK);
	backend_complete(r[1].tag, MOAT_BLK_IOERR);
	assert_int_equal(used_idx(), 2);
	assert_int_equal(ram[BUF + 0x100], VIRTIO_BLK_S_IOERR);
}

/* GET_ID is answered here, nothing goes to the backend. */
static void test_get_id(void **state)
{
	(void)state;
	start(false);
	request(VIRTIO_BLK_T_GET_ID, 0, 0x40000, 20);
	ram[BUF + 0x100] = 0xff;
	notify();
	assert_int_equal(backend_take(NULL, 0), 0);
	assert_int_equal(vblk_outstanding(&b), 0);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(used(0).len, 21);
	assert_string_equal((const char *)ram + 0x40000, "moat-vdisk");
	assert_int_equal(ram[BUF + 0x100], VIRTIO_BLK_S_OK);
	assert_true(vblk_irq_level(&b));
}

/* The chain is answered with `status` and used length 1, nothing sent to the backend. */
static void expect_refused(uint8_t status)
{
	uint16_t n = used_idx();
	struct moat_blk_request r;

	notify();
	assert_int_equal(backend_take(&r, 1), 0);
	assert_int_equal(used_idx(), n + 1);
	assert_int_equal(used(n).len, 1);
	assert_int_equal(ram[BUF + 0x100], status);
}

static void test_refusals(void **state)
{
	struct buf bufs[4];

	(void)state;
	start(false);
	/* Sectors: past the end, running over it, wrapping around. */
	request(VIRTIO_BLK_T_IN, SECTORS, 0x20000, 512);
	expect_refused(VIRTIO_BLK_S_IOERR);
	request(VIRTIO_BLK_T_IN, SECTORS - 1, 0x20000, 1024);
	expect_refused(VIRTIO_BLK_S_IOERR);
	request(VIRTIO_BLK_T_OUT, UINT64_MAX - 1, 0x20000, 1024);
	expect_refused(VIRTIO_BLK_S_IOERR);
	/* Lengths: part of a sector, none, more than a request may carry. */
	request(VIRTIO_BLK_T_IN, 0, 0x20000, 513);
	expect_refused(VIRTIO_BLK_S_IOERR);
	request(VIRTIO_BLK_T_IN, 0, 0, 0);
	expect_refused(VIRTIO_BLK_S_IOERR);
	request(VIRTIO_BLK_T_OUT, 0, 0x20000, MOAT_BLK_MAX_BYTES + 512);
	expect_refused(VIRTIO_BLK_S_IOERR);
	/* Types: unknown (DISCARD), a flush with data. */
	request(11, 0, 0x20000, 512);
	expect_refused(VIRTIO_BLK_S_UNSUPP);
	request(VIRTIO_BLK_T_FLUSH, 0, 0x20000, 512);
	expect_refused(VIRTIO_BLK_S_IOERR);
	/* Directions: a read's data device-readable, a write's device-writable. */
	header(BUF, VIRTIO_BLK_T_IN, 0);
	bufs[0] = (struct buf){ BUF, 16, false };
	bufs[1] = (struct buf){ 0x20000, 512, false };
	bufs[2] = (struct buf){ BUF + 0x100, 1, true };
	post(bufs, 3);
	expect_refused(VIRTIO_BLK_S_IOERR);
	header(BUF, VIRTIO_BLK_T_OUT, 0);
	bufs[1].write = true;
	post(bufs, 3);
	expect_refused(VIRTIO_BLK_S_IOERR);
	/* A short header. */
	bufs[0].len = 8;
	bufs[1] = bufs[2];
	post(bufs, 2);
	expect_refused(VIRTIO_BLK_S_IOERR);
	assert_true(logs > 0);
	assert_int_equal(b.stats.requests, 0);
}

/* Pieces: 16 sectors in 16 buffers go; split into 17 they do not. */
static void test_too_many_pieces(void **state)
{
	struct buf many[MOAT_BLK_SEGMENTS + 3];
	struct moat_blk_request r;
	uint16_t n;

	(void)state;
	start(false);
	header(BUF, VIRTIO_BLK_T_OUT, 0);
	many[0] = (struct buf){ BUF, 16, false };
	for (unsigned i = 0; i <= MOAT_BLK_SEGMENTS; i++)
		many[1 + i] = (struct buf){ 0x20000 + 1024 * i, 512, false };
	many[MOAT_BLK_SEGMENTS + 1] = (struct buf){ BUF + 0x100, 1, true };
	post(many, MOAT_BLK_SEGMENTS + 2);
	notify();
	assert_int_equal(backend_take(&r, 1), 1);
	assert_int_equal(r.count, MOAT_BLK_SEGMENTS);
	/* The same, one of them across the 2 MiB boundary: 17 pieces. */
	many[1].off = VBLK_BLOCK - 256;
	n = used_idx();
	post(many, MOAT_BLK_SEGMENTS + 2);
	notify();
	assert_int_equal(backend_take(&r, 1), 0);
	assert_int_equal(used_idx(), n + 1);
	assert_int_equal(ram[BUF + 0x100], VIRTIO_BLK_S_IOERR);
}

/* A read-only disk: reads go, writes are refused; the guest is told RO. */
static void test_read_only(void **state)
{
	struct moat_blk_request r;

	(void)state;
	start(true);
	wr(PV_VMMIO_DEVICE_FEATURES_SEL, 0);
	assert_true(rd(PV_VMMIO_DEVICE_FEATURES) & VIRTIO_BLK_F_RO);
	request(VIRTIO_BLK_T_OUT, 0, 0x20000, 512);
	expect_refused(VIRTIO_BLK_S_IOERR);
	request(VIRTIO_BLK_T_IN, 0, 0x20000, 512);
	notify();
	assert_int_equal(backend_take(&r, 1), 1);
	assert_int_equal(r.op, MOAT_BLK_READ);
}

/* Identification and configuration: capacity, size_max, seg_max, features. */
static void test_config(void **state)
{
	uint64_t v = 0;

	(void)state;
	start(false);
	assert_int_equal(rd(PV_VMMIO_DEVICE_ID), 2);
	assert_true(vblk_access(&b, PV_VMMIO_CONFIG, 4, false, &v));
	assert_int_equal(v, SECTORS);
	assert_true(vblk_access(&b, PV_VMMIO_CONFIG + 8, 4, false, &v));
	assert_int_equal(v, VBLK_SIZE_MAX);
	assert_true(vblk_access(&b, PV_VMMIO_CONFIG + 12, 4, false, &v));
	assert_int_equal(v, VBLK_SEG_MAX);
	wr(PV_VMMIO_DEVICE_FEATURES_SEL, 0);
	v = rd(PV_VMMIO_DEVICE_FEATURES);
	assert_true(v & VIRTIO_BLK_F_FLUSH);
	assert_true(v & VIRTIO_BLK_F_SEG_MAX);
	assert_true(v & VIRTIO_BLK_F_SIZE_MAX);
	assert_false(v & VIRTIO_BLK_F_RO);
}

/* Data across 2 MiB blocks: split where the physical blocks are apart, merged where adjacent. */
static void test_split(void **state)
{
	struct moat_blk_request r;

	(void)state;
	start(false);
	request(VIRTIO_BLK_T_IN, 0, VBLK_BLOCK - 1024, 4096);
	notify();
	assert_int_equal(backend_take(&r, 1), 1);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.seg[0].addr, ram_pa[0] + VBLK_BLOCK - 1024);
	assert_int_equal(r.seg[0].len, 1024);
	assert_int_equal(r.seg[1].addr, ram_pa[1]);
	assert_int_equal(r.seg[1].len, 3072);
	backend_complete(r.tag, MOAT_BLK_OK);
	request(VIRTIO_BLK_T_OUT, 0, 2 * VBLK_BLOCK - 512, 1024);
	notify();
	assert_int_equal(backend_take(&r, 1), 1);
	assert_int_equal(r.count, 1); /* blocks 1 and 2 are adjacent physically */
	assert_int_equal(r.seg[0].addr, ram_pa[1] + VBLK_BLOCK - 512);
	assert_int_equal(r.seg[0].len, 1024);
}

/* Completions that name nothing outstanding, repeat, or come from before a reset. */
static void test_bad_and_stale_completions(void **state)
{
	struct moat_blk_request r[2];
	uint8_t *status = ram + BUF + 0x100;

	(void)state;
	start(false);
	request(VIRTIO_BLK_T_IN, 0, 0x20000, 512);
	notify();
	assert_int_equal(backend_take(r, 1), 1);
	backend_complete(r[0].tag + 256, MOAT_BLK_OK); /* same slot, another request */
	backend_complete(r[0].tag | 0xff, MOAT_BLK_OK); /* no such slot */
	assert_int_equal(used_idx(), 0);
	assert_int_equal(b.stats.bad_completions, 2);
	backend_complete(r[0].tag, MOAT_BLK_OK);
	assert_int_equal(used_idx(), 1);
	backend_complete(r[0].tag, MOAT_BLK_OK); /* again */
	assert_int_equal(used_idx(), 1);
	assert_int_equal(b.stats.bad_completions, 3);

	/* In flight across a reset: its completion touches nothing of the new guest's. */
	request(VIRTIO_BLK_T_IN, 0, 0x20000, 512);
	notify();
	assert_int_equal(backend_take(r, 1), 1);
	vblk_reset(&b);
	memset(ram, 0, RAM_SIZE);
	handshake();
	assert_int_equal(vblk_outstanding(&b), 1);
	backend_complete(r[0].tag, MOAT_BLK_OK);
	assert_int_equal(vblk_outstanding(&b), 0);
	assert_int_equal(b.stats.stale, 1);
	assert_int_equal(used_idx(), 0);
	assert_int_equal(*status, 0);
	/* The new guest's requests work. */
	request(VIRTIO_BLK_T_IN, 0, 0x20000, 512);
	notify();
	assert_int_equal(backend_take(&r[1], 1), 1);
	assert_true(r[1].tag != r[0].tag);
	backend_complete(r[1].tag, MOAT_BLK_OK);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(*status, VIRTIO_BLK_S_OK);
}

/*
 * 40 reads: 32 fill the ring (and every slot), 8 wait in the available
 * ring; each completion lets one more through, and nothing is lost.
 */
static void test_back_pressure(void **state)
{
	struct moat_blk_request r[MOAT_BLK_RING_ENTRIES];
	unsigned got = 0, done = 0;

	(void)state;
	start(false);
	for (unsigned i = 0; i < 40; i++) {
		struct buf bufs[3] = { { BUF + 32 * i, 16, false },
				       { 0x20000 + 512 * i, 512, true },
				       { BUF + 0x2000 + i, 1, true } };

		header(BUF + 32 * i, VIRTIO_BLK_T_IN, i);
		post(bufs, 3);
	}
	notify();
	assert_int_equal(vblk_outstanding(&b), VBLK_SLOTS);
	assert_int_equal(b.q.vq.last_avail, 32);
	notify(); /* kicking again changes nothing */
	assert_int_equal(b.q.vq.last_avail, 32);
	/* Taken but not completed: the slots still bound what is outstanding. */
	got = backend_take(r, MOAT_BLK_RING_ENTRIES);
	assert_int_equal(got, 32);
	vblk_backend_signal(&b);
	assert_int_equal(b.q.vq.last_avail, 32);
	for (unsigned i = 0; i < 5; i++)
		backend_complete(r[i].tag, MOAT_BLK_OK);
	done = 5;
	assert_int_equal(b.q.vq.last_avail, 37);
	assert_int_equal(vblk_outstanding(&b), VBLK_SLOTS);
	assert_int_equal(backend_take(r, MOAT_BLK_RING_ENTRIES), 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(r[i].sector, 32 + i);
	for (unsigned i = 0; i < 5; i++)
		backend_complete(r[i].tag, MOAT_BLK_OK);
	done += 5;
	assert_int_equal(b.q.vq.last_avail, 40);
	assert_int_equal(used_idx(), done);
	assert_true(vblk_outstanding(&b) <= VBLK_SLOTS);
}

/* Impossible rings and queues outside RAM: DEVICE_NEEDS_RESET, until the guest resets. */
static void test_needs_reset(void **state)
{
	struct pv_virtq_avail *a = (struct pv_virtq_avail *)(ram + AVAIL);

	(void)state;
	start(false);
	a->idx = QSIZE + 1; /* more available than the queue holds */
	notify();
	assert_true(rd(PV_VMMIO_STATUS) & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_true(rd(PV_VMMIO_INTERRUPT_STATUS) & PV_VMMIO_INT_CONFIG);
	wr(PV_VMMIO_STATUS, 0);
	assert_int_equal(rd(PV_VMMIO_STATUS), 0);
	memset(ram, 0, 0x3000);
	handshake();
	request(VIRTIO_BLK_T_IN, 0, 0x20000, 512);
	notify();
	assert_int_equal(vblk_outstanding(&b), 1);
	/* A used ring outside RAM. */
	vblk_reset(&b);
	handshake_at(RAM_SIZE);
	notify();
	assert_true(rd(PV_VMMIO_STATUS) & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

/* Chains vq_dev rejects (outside RAM) or without a status byte: returned with nothing written. */
static void test_bad_chains(void **state)
{
	struct buf bufs[2] = { { BUF, 16, false }, { RAM_SIZE - 8, 16, true } };

	(void)state;
	start(false);
	header(BUF, VIRTIO_BLK_T_IN, 0);
	post(bufs, 2);
	notify();
	assert_int_equal(used_idx(), 1);
	assert_int_equal(used(0).len, 0);
	post(bufs, 1);
	notify();
	assert_int_equal(used_idx(), 2);
	assert_int_equal(used(1).len, 0);
	assert_int_equal(b.stats.bad_chains, 2);
	assert_int_equal(b.stats.requests, 0);
	/* The queue goes on. */
	request(VIRTIO_BLK_T_IN, 0, 0x20000, 512);
	notify();
	assert_int_equal(b.stats.requests, 1);
}

/* A bad configuration is refused: RAM not in whole blocks, a block address not aligned. */
static void test_init(void **state)
{
	uint64_t bad_pa[BLOCKS] = { 0x90000000ull, 0x70001000ull, 0x70200000ull };
	struct vblk_config c = { .ram = ram, .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE - 4096,
				 .ram_pa = ram_pa, .disk_sectors = SECTORS, .shared = shared };

	(void)state;
	assert_int_equal(vblk_init(&b, &c), PV_E_INVAL);
	c.ram_size = RAM_SIZE;
	c.ram_pa = bad_pa;
	assert_int_equal(vblk_init(&b, &c), PV_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_write_flush),
		cmocka_unit_test(test_get_id),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_too_many_pieces),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_bad_and_stale_completions),
		cmocka_unit_test(test_back_pressure),
		cmocka_unit_test(test_needs_reset),
		cmocka_unit_test(test_notify_flood),
		cmocka_unit_test(test_bad_chains),
		cmocka_unit_test(test_init),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
