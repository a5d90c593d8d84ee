/*
 * Unit tests for libpv/src/vq_dev.c, the device side of a split
 * virtqueue: configuration against the windows, popping chains written by
 * libpv's own driver side and by hand, every rejection of a hostile
 * driver's ring, pushing used chains, interrupt and kick suppression, and
 * copying data through a chain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <libpv/err.h>
#include <libpv/vq_dev.h>
#include <libpv/vq_drv.h>

#define QSIZE	  8u
#define IMAX	  4u
#define GBASE	  0x40000000ull
#define RO_BASE	  (GBASE + 0x100000)
#define WO_BASE	  (GBASE + 0x200000)
#define OFF_AVAIL 0x1000u
#define OFF_USED  0x2000u
#define OFF_ITAB  0x3000u
#define OFF_DATA  0x8000u
#define FEAT_ALL  (PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_EVENT_IDX | PV_VIRTIO_F_INDIRECT_DESC)

static _Alignas(4096) uint8_t guest[0x10000];
static _Alignas(4096) uint8_t romem[0x1000], womem[0x1000];
static struct pv_virtq_desc *desc = (struct pv_virtq_desc *)(void *)guest;
static struct pv_virtq_avail *avail = (struct pv_virtq_avail *)(void *)(guest + OFF_AVAIL);
static struct pv_virtq_used *used = (struct pv_virtq_used *)(void *)(guest + OFF_USED);
static struct pv_virtq_desc *itab = (struct pv_virtq_desc *)(void *)(guest + OFF_ITAB);

static struct pv_window_set win;
static struct pv_vq_dev dev;
static struct pv_vq_drv drv;
static struct pv_vq_drv_slot slots[QSIZE];
static struct pv_vq_seg segs[QSIZE];
static struct pv_vq_chain chain;

static struct pv_vq_dev_config dev_config(uint64_t features)
{
	struct pv_vq_dev_config c = {
		.size = QSIZE,
		.features = features,
		.desc = pv_gaddr(GBASE),
		.avail = pv_gaddr(GBASE + OFF_AVAIL),
		.used = pv_gaddr(GBASE + OFF_USED),
		.win = &win,
	};
	return c;
}

static void setup_with(uint64_t features)
{
	struct pv_vq_drv_config dc = {
		.size = QSIZE,
		.features = features,
		.desc = desc,
		.avail = avail,
		.used = used,
		.slots = slots,
	};
	struct pv_vq_dev_config c = dev_config(features);

	if (features & PV_VIRTIO_F_INDIRECT_DESC) {
		dc.indirect = itab;
		dc.indirect_addr = pv_gaddr(GBASE + OFF_ITAB);
		dc.indirect_max = IMAX;
	}
	memset(guest, 0xa5, sizeof(guest));
	pv_window_set_init(&win);
	assert_int_equal(pv_window_add(&win, pv_gaddr(GBASE), sizeof(guest), guest,
				       PV_WINDOW_READ | PV_WINDOW_WRITE),
			 PV_OK);
	assert_int_equal(
		pv_window_add(&win, pv_gaddr(RO_BASE), sizeof(romem), romem, PV_WINDOW_READ),
		PV_OK);
	assert_int_equal(
		pv_window_add(&win, pv_gaddr(WO_BASE), sizeof(womem), womem, PV_WINDOW_WRITE),
		PV_OK);
	assert_int_equal(pv_vq_drv_init(&drv, &dc), PV_OK);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_OK);
	chain = (struct pv_vq_chain){.seg = segs, .max_seg = QSIZE};
}

static int setup_plain(void **state)
{
	(void)state;
	setup_with(PV_VIRTIO_F_VERSION_1);
	return 0;
}

static int setup_all(void **state)
{
	(void)state;
	setup_with(FEAT_ALL);
	return 0;
}

/* A hostile driver, by hand. */
static void put(struct pv_virtq_desc *t, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		uint16_t next)
{
	t[i] = (struct pv_virtq_desc){.addr = addr, .len = len, .flags = flags, .next = next};
}

static void make_avail(uint16_t head)
{
	avail->ring[avail->idx % QSIZE] = head;
	avail->idx++;
}

static void expect_reject(int err)
{
	uint16_t head = avail->ring[(uint16_t)(avail->idx - 1) % QSIZE];

	assert_int_equal(pv_vq_dev_pop(&dev, &chain), err);
	assert_false(pv_vq_dev_broken(&dev));
	assert_int_equal(chain.head, head);
	assert_int_equal(chain.n_out + chain.n_in, 0);
	assert_int_equal(chain.out_bytes + chain.in_bytes, 0);
	/* Returned with nothing written; the queue goes on. */
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_OK);
	assert_int_equal(used->ring[(uint16_t)(used->idx - 1) % QSIZE].id, head);
	assert_int_equal(used->ring[(uint16_t)(used->idx - 1) % QSIZE].len, 0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 0);
}

static void expect_broken(int err)
{
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), err);
	assert_true(pv_vq_dev_broken(&dev));
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), PV_E_BROKEN);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_E_BROKEN);
	assert_false(pv_vq_dev_interrupt_needed(&dev));
	assert_false(pv_vq_dev_prepare_wait(&dev));
}

static void test_init_rejects(void **state)
{
	struct pv_vq_dev_config c;

	(void)state;
	c = dev_config(0);
	c.size = 6;
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_INVAL);
	c.size = 0x10000;
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_INVAL);
	c = dev_config(0);
	c.win = NULL;
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_INVAL);
	assert_int_equal(pv_vq_dev_init(&dev, NULL), PV_E_INVAL);
	c = dev_config(0);
	c.desc = pv_gaddr(GBASE + 8);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_ALIGN);
	c = dev_config(0);
	c.avail = pv_gaddr(GBASE + OFF_AVAIL + 1);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_ALIGN);
	c = dev_config(0);
	c.used = pv_gaddr(GBASE + OFF_USED + 2);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_ALIGN);
	/* Areas outside every window, or running off the end of one. */
	c = dev_config(0);
	c.desc = pv_gaddr(GBASE - 0x1000);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_WINDOW);
	c = dev_config(0);
	c.used = pv_gaddr(GBASE + sizeof(guest) - 16);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_WINDOW);
	c = dev_config(0);
	c.desc = pv_gaddr(UINT64_MAX - 15);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_WINDOW);
	/* The used ring must be writable, the others readable. */
	c = dev_config(0);
	c.used = pv_gaddr(RO_BASE);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_PERM);
	c = dev_config(0);
	c.avail = pv_gaddr(WO_BASE);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_PERM);
	c = dev_config(0);
	c.used = pv_gaddr(WO_BASE);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_OK);
}

static void test_init_rejects_misaligned_mapping(void **state)
{
	static _Alignas(16) uint8_t odd[0x1001];
	struct pv_vq_dev_config c = dev_config(0);

	(void)state;
	pv_window_set_init(&win);
	/* Guest address aligned, but the window maps it to an odd host address. */
	assert_int_equal(pv_window_add(&win, pv_gaddr(GBASE), 0x1000, odd + 1,
				       PV_WINDOW_READ | PV_WINDOW_WRITE),
			 PV_OK);
	c.avail = pv_gaddr(GBASE + 0x200);
	c.used = pv_gaddr(GBASE + 0x400);
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_E_ALIGN);
}

static void test_init_writes_nothing(void **state)
{
	uint8_t copy[0x3000];
	struct pv_vq_dev_config c = dev_config(FEAT_ALL);

	(void)state;
	memcpy(copy, guest, sizeof(copy));
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_OK);
	assert_memory_equal(copy, guest, sizeof(copy));
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 0);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_E_INVAL); /* nothing in flight */
	assert_false(pv_vq_dev_interrupt_needed(&dev));
	assert_int_equal(pv_vq_dev_pop(&dev, NULL), PV_E_INVAL);
	chain.max_seg = 0;
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), PV_E_INVAL);
	assert_false(pv_vq_dev_broken(&dev));
}

/* A driver-built chain, then the whole round trip. */
static void test_roundtrip(void **state)
{
	struct pv_sg sg[3] = {
		{pv_gaddr(GBASE + OFF_DATA), 16, 0},
		{pv_gaddr(GBASE + OFF_DATA + 0x100), 8, 0},
		{pv_gaddr(GBASE + OFF_DATA + 0x200), 32, 0},
	};
	uint8_t req[24], resp[40];
	uint64_t token;
	uint32_t len;
	int head;

	(void)state;
	for (unsigned i = 0; i < 16; i++)
		guest[OFF_DATA + i] = (uint8_t)i;
	for (unsigned i = 0; i < 8; i++)
		guest[OFF_DATA + 0x100 + i] = (uint8_t)(16 + i);
	head = pv_vq_drv_add(&drv, sg, 2, 1, 0xfeed);
	assert_true(head >= 0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(chain.head, head);
	assert_int_equal(chain.n_out, 2);
	assert_int_equal(chain.n_in, 1);
	assert_int_equal(chain.out_bytes, 24);
	assert_int_equal(chain.in_bytes, 32);
	assert_int_equal(segs[0].addr.v, GBASE + OFF_DATA);
	assert_int_equal(segs[0].write, 0);
	assert_int_equal(segs[2].write, 1);
	assert_int_equal(segs[2].len, 32);
	assert_ptr_equal(segs[0].host, guest + OFF_DATA); /* each buffer's view, for the copies */
	assert_ptr_equal(segs[1].host, guest + OFF_DATA + 0x100);
	assert_ptr_equal(segs[2].host, guest + OFF_DATA + 0x200);
	/* Copy the request out across both readable segments. */
	assert_int_equal(pv_vq_chain_read(&dev, &chain, 0, req, 24), PV_OK);
	for (unsigned i = 0; i < 24; i++)
		assert_int_equal(req[i], i);
	assert_int_equal(pv_vq_chain_read(&dev, &chain, 10, req, 14), PV_OK);
	assert_int_equal(req[0], 10);
	assert_int_equal(req[13], 23);
	assert_int_equal(pv_vq_chain_read(&dev, &chain, 10, req, 15), PV_E_LENGTH);
	assert_int_equal(pv_vq_chain_read(&dev, &chain, 25, req, 0), PV_E_LENGTH);
	assert_int_equal(pv_vq_chain_read(&dev, &chain, 24, req, 0), PV_OK);
	memset(resp, 0x5a, sizeof(resp));
	assert_int_equal(pv_vq_chain_write(&dev, &chain, 0, resp, 33), PV_E_LENGTH);
	assert_int_equal(pv_vq_chain_write(&dev, &chain, 4, resp, 28), PV_OK);
	assert_int_equal(guest[OFF_DATA + 0x200 + 3], 0xa5);
	assert_int_equal(guest[OFF_DATA + 0x200 + 4], 0x5a);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 33), PV_E_INVAL);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 32), PV_OK);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 32), PV_E_INVAL); /* pushed already */
	assert_true(pv_vq_dev_interrupt_needed(&dev));
	assert_int_equal(pv_vq_drv_get_used(&drv, &token, &len), 1);
	assert_int_equal(token, 0xfeed);
	assert_int_equal(len, 32);
	assert_int_equal(pv_vq_drv_num_free(&drv), QSIZE);
}

static void test_indirect_roundtrip(void **state)
{
	struct pv_sg sg[3] = {
		{pv_gaddr(GBASE + OFF_DATA), 16, 0},
		{pv_gaddr(RO_BASE), 64, 0},
		{pv_gaddr(WO_BASE + 0x10), 100, 0},
	};
	uint64_t token;
	uint32_t len;
	int head;

	(void)state;
	head = pv_vq_drv_add(&drv, sg, 2, 1, 42);
	assert_true(head >= 0);
	assert_int_equal(desc[head].flags, PV_VIRTQ_DESC_F_INDIRECT);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(chain.n_out, 2);
	assert_int_equal(chain.n_in, 1);
	assert_int_equal(segs[1].addr.v, RO_BASE);
	assert_int_equal(segs[2].addr.v, WO_BASE + 0x10);
	assert_int_equal(pv_vq_chain_write(&dev, &chain, 99, "x", 1), PV_OK);
	assert_int_equal(womem[0x10 + 99], 'x');
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 100), PV_OK);
	assert_int_equal(pv_vq_drv_get_used(&drv, &token, &len), 1);
	assert_int_equal(token, 42);
}

/* Each descriptor is copied: a rewrite after pop changes nothing popped. */
static void test_chain_is_private(void **state)
{
	(void)state;
	put(desc, 0, GBASE + OFF_DATA, 64, 0, 0);
	make_avail(0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	put(desc, 0, 0xdead0000, 0xffffffff, PV_VIRTQ_DESC_F_NEXT, 5);
	avail->ring[0] = 7;
	assert_int_equal(segs[0].addr.v, GBASE + OFF_DATA);
	assert_int_equal(chain.out_bytes, 64);
	assert_int_equal(chain.head, 0);
}

static void test_avail_jump(void **state)
{
	(void)state;
	avail->idx = QSIZE + 1;
	expect_broken(PV_E_PEER_INDEX);
}

static void test_avail_full_is_fine(void **state)
{
	(void)state;
	for (uint16_t i = 0; i < QSIZE; i++) {
		put(desc, i, GBASE + OFF_DATA, 8, 0, 0);
		make_avail(i);
	}
	for (uint16_t i = 0; i < QSIZE; i++)
		assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 0);
}

static void test_avail_jump_after_progress(void **state)
{
	(void)state;
	put(desc, 0, GBASE + OFF_DATA, 8, 0, 0);
	make_avail(0);
	make_avail(0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_OK);
	/* One still known pending (popped without a refresh), then the refresh
	 * sees QSIZE + 1 beyond what was popped: too many. */
	avail->idx = 2 + QSIZE + 1;
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_OK);
	expect_broken(PV_E_PEER_INDEX);
}

static void test_avail_backwards(void **state)
{
	(void)state;
	put(desc, 0, GBASE + OFF_DATA, 8, 0, 0);
	make_avail(0);
	make_avail(0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	avail->idx = 1;
	expect_broken(PV_E_PEER_INDEX);
}

static void test_too_many_in_flight(void **state)
{
	(void)state;
	put(desc, 0, GBASE + OFF_DATA, 8, 0, 0);
	/* The same head made available over and over, never returned. */
	for (uint16_t i = 0; i < QSIZE; i++) {
		make_avail(0);
		assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	}
	make_avail(0);
	expect_broken(PV_E_PEER_INDEX);
}

static void test_bad_head(void **state)
{
	(void)state;
	make_avail(QSIZE);
	expect_broken(PV_E_HEAD);
}

static void test_loop(void **state)
{
	(void)state;
	put(desc, 0, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT, 1);
	put(desc, 1, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT, 0);
	make_avail(0);
	expect_reject(PV_E_LOOP);
	put(desc, 2, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT, 2); /* to itself */
	make_avail(2);
	expect_reject(PV_E_LOOP);
}

static void test_longest_chain(void **state)
{
	(void)state;
	for (uint16_t i = 0; i < QSIZE; i++)
		put(desc, i, GBASE + OFF_DATA, 8, i + 1u < QSIZE ? PV_VIRTQ_DESC_F_NEXT : 0, i + 1);
	make_avail(0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(chain.n_out, QSIZE);
	/* With less chain storage than that: rejected, not truncated. */
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_OK);
	chain.max_seg = QSIZE - 1;
	make_avail(0);
	expect_reject(PV_E_CHAIN_FULL);
}

static void test_next_out_of_range(void **state)
{
	(void)state;
	put(desc, 0, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT, QSIZE);
	make_avail(0);
	expect_reject(PV_E_NEXT);
}

static void test_zero_length(void **state)
{
	(void)state;
	put(desc, 0, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT, 1);
	put(desc, 1, GBASE + OFF_DATA, 0, 0, 0);
	make_avail(0);
	expect_reject(PV_E_LENGTH);
}

static void test_oversize(void **state)
{
	struct pv_vq_dev_config c = dev_config(0);

	(void)state;
	c.max_bytes = 100;
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_OK);
	put(desc, 0, GBASE + OFF_DATA, 60, PV_VIRTQ_DESC_F_NEXT, 1);
	put(desc, 1, GBASE + OFF_DATA, 41, PV_VIRTQ_DESC_F_WRITE, 0);
	make_avail(0);
	expect_reject(PV_E_LENGTH);
	put(desc, 1, GBASE + OFF_DATA, 40, PV_VIRTQ_DESC_F_WRITE, 0);
	make_avail(0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
}

/* Lengths that wrap 32 bits when summed; the windows here are large enough. */
static void test_length_sum_wraps(void **state)
{
	static struct pv_window_set big;

	(void)state;
	pv_window_set_init(&big);
	assert_int_equal(pv_window_add(&big, pv_gaddr(GBASE), sizeof(guest), guest,
				       PV_WINDOW_READ | PV_WINDOW_WRITE),
			 PV_OK);
	/* A huge window that is never touched: only checked. */
	assert_int_equal(pv_window_add(&big, pv_gaddr(1ull << 40), 1ull << 33, (void *)0x1000,
				       PV_WINDOW_READ),
			 PV_OK);
	struct pv_vq_dev_config c = dev_config(0);
	c.win = &big;
	assert_int_equal(pv_vq_dev_init(&dev, &c), PV_OK);
	put(desc, 0, 1ull << 40, 0x80000000u, PV_VIRTQ_DESC_F_NEXT, 1);
	put(desc, 1, 1ull << 40, 0x80000000u, 0, 0);
	make_avail(0);
	expect_reject(PV_E_LENGTH);
}

static void test_out_of_window(void **state)
{
	(void)state;
	put(desc, 0, GBASE + sizeof(guest) - 8, 9, 0, 0); /* one byte past the end */
	make_avail(0);
	expect_reject(PV_E_WINDOW);
	put(desc, 0, UINT64_MAX - 7, 16, 0, 0); /* addr + len wraps */
	make_avail(0);
	expect_reject(PV_E_WINDOW);
	put(desc, 0, 0, 8, 0, 0);
	make_avail(0);
	expect_reject(PV_E_WINDOW);
	/* Straddling two windows is outside both. */
	put(desc, 0, RO_BASE + 0xff8, 16, 0, 0);
	make_avail(0);
	expect_reject(PV_E_WINDOW);
}

static void test_wrong_permission(void **state)
{
	(void)state;
	put(desc, 0, WO_BASE, 8, 0, 0); /* device must read a write-only region */
	make_avail(0);
	expect_reject(PV_E_PERM);
	put(desc, 0, RO_BASE, 8, PV_VIRTQ_DESC_F_WRITE, 0); /* write a read-only one */
	make_avail(0);
	expect_reject(PV_E_PERM);
}

static void test_direction(void **state)
{
	(void)state;
	put(desc, 0, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT | PV_VIRTQ_DESC_F_WRITE, 1);
	put(desc, 1, GBASE + OFF_DATA, 8, 0, 0);
	make_avail(0);
	expect_reject(PV_E_DIRECTION);
}

static void test_indirect_not_negotiated(void **state)
{
	(void)state;
	put(itab, 0, GBASE + OFF_DATA, 8, 0, 0);
	put(desc, 0, GBASE + OFF_ITAB, 16, PV_VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_reject(PV_E_INDIRECT);
}

static void test_indirect_rejects(void **state)
{
	(void)state;
	put(itab, 0, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT, 1);
	put(itab, 1, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_WRITE, 0);
	/* Fine as written: */
	put(desc, 0, GBASE + OFF_ITAB, 32, PV_VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(chain.n_out, 1);
	assert_int_equal(chain.n_in, 1);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 8), PV_OK);
	/* With F_NEXT as well. */
	put(desc, 0, GBASE + OFF_ITAB, 32, PV_VIRTQ_DESC_F_INDIRECT | PV_VIRTQ_DESC_F_NEXT, 1);
	make_avail(0);
	expect_reject(PV_E_INDIRECT);
	/* Not the head of the chain. */
	put(desc, 0, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT, 1);
	put(desc, 1, GBASE + OFF_ITAB, 32, PV_VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_reject(PV_E_INDIRECT);
	/* Lengths: zero, not a multiple of 16, more than the queue size. */
	put(desc, 0, GBASE + OFF_ITAB, 0, PV_VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_reject(PV_E_INDIRECT);
	put(desc, 0, GBASE + OFF_ITAB, 24, PV_VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_reject(PV_E_INDIRECT);
	put(desc, 0, GBASE + OFF_ITAB, 16 * (QSIZE + 1), PV_VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_reject(PV_E_INDIRECT);
	/* Nested. */
	put(itab, 1, GBASE + OFF_ITAB, 16, PV_VIRTQ_DESC_F_INDIRECT, 0);
	put(desc, 0, GBASE + OFF_ITAB, 32, PV_VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_reject(PV_E_INDIRECT);
	/* The table outside the windows, or in a region the device cannot read. */
	put(desc, 0, GBASE + sizeof(guest) - 16, 32, PV_VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_reject(PV_E_WINDOW);
	put(desc, 0, WO_BASE, 32, PV_VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_reject(PV_E_PERM);
}

static void test_indirect_next_and_loop(void **state)
{
	(void)state;
	/* next must stay inside the table, not the queue. */
	put(itab, 0, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT, 2);
	put(desc, 0, GBASE + OFF_ITAB, 32, PV_VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_reject(PV_E_NEXT);
	put(itab, 0, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT, 1);
	put(itab, 1, GBASE + OFF_DATA, 8, PV_VIRTQ_DESC_F_NEXT, 0);
	make_avail(0);
	expect_reject(PV_E_LOOP);
	/* A bad buffer inside the table is caught too. */
	put(itab, 1, GBASE + sizeof(guest), 8, 0, 0);
	make_avail(0);
	expect_reject(PV_E_WINDOW);
}

static void test_interrupt_flags(void **state)
{
	(void)state;
	put(desc, 0, GBASE + OFF_DATA, 8, 0, 0);
	make_avail(0);
	make_avail(0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_OK);
	assert_true(pv_vq_dev_interrupt_needed(&dev));
	assert_false(pv_vq_dev_interrupt_needed(&dev));
	avail->flags = PV_VIRTQ_AVAIL_F_NO_INTERRUPT;
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_OK);
	assert_false(pv_vq_dev_interrupt_needed(&dev));
}

static void test_interrupt_event_idx(void **state)
{
	uint64_t token;
	uint32_t len;
	struct pv_sg sg = {pv_gaddr(GBASE + OFF_DATA), 8, 0};

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_true(pv_vq_drv_add(&drv, &sg, 1, 0, (uint64_t)i) >= 0);
	/* used_event 0: interrupt when used passes 0. */
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_OK);
	assert_true(pv_vq_dev_interrupt_needed(&dev));
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_OK);
	assert_false(pv_vq_dev_interrupt_needed(&dev)); /* the driver has not re-armed */
	assert_int_equal(pv_vq_drv_get_used(&drv, &token, &len), 1);
	assert_int_equal(pv_vq_drv_get_used(&drv, &token, &len), 1);
	assert_true(pv_vq_drv_prepare_wait(&drv));
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_OK);
	assert_true(pv_vq_dev_interrupt_needed(&dev));
	/* The flag is ignored with EVENT_IDX. */
	avail->flags = PV_VIRTQ_AVAIL_F_NO_INTERRUPT;
	assert_int_equal(pv_vq_drv_get_used(&drv, &token, &len), 1);
	assert_true(pv_vq_drv_prepare_wait(&drv));
	assert_true(pv_vq_drv_add(&drv, &sg, 1, 0, 9) >= 0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_int_equal(pv_vq_dev_push(&dev, &chain, 0), PV_OK);
	assert_true(pv_vq_dev_interrupt_needed(&dev));
}

static void test_notify_flags(void **state)
{
	struct pv_sg sg = {pv_gaddr(GBASE + OFF_DATA), 8, 0};

	(void)state;
	pv_vq_dev_disable_notify(&dev);
	assert_int_equal(used->flags, PV_VIRTQ_USED_F_NO_NOTIFY);
	assert_true(pv_vq_drv_add(&drv, &sg, 1, 0, 1) >= 0);
	assert_false(pv_vq_drv_kick_needed(&drv));
	/* Re-arming sees the chain that came meanwhile: no sleep. */
	assert_false(pv_vq_dev_prepare_wait(&dev));
	assert_int_equal(used->flags, 0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_true(pv_vq_dev_prepare_wait(&dev));
	assert_true(pv_vq_drv_add(&drv, &sg, 1, 0, 2) >= 0);
	assert_true(pv_vq_drv_kick_needed(&drv));
}

static void test_notify_event_idx(void **state)
{
	struct pv_sg sg = {pv_gaddr(GBASE + OFF_DATA), 8, 0};

	(void)state;
	assert_true(pv_vq_drv_add(&drv, &sg, 1, 0, 1) >= 0);
	assert_true(pv_vq_drv_kick_needed(&drv)); /* avail_event starts at 0 */
	pv_vq_dev_disable_notify(&dev);
	assert_int_equal(used->flags, 0);
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_true(pv_vq_drv_add(&drv, &sg, 1, 0, 2) >= 0);
	assert_false(pv_vq_drv_kick_needed(&drv));  /* the device is still busy */
	assert_false(pv_vq_dev_prepare_wait(&dev)); /* and sees the new chain */
	assert_int_equal(pv_vq_dev_pop(&dev, &chain), 1);
	assert_true(pv_vq_dev_prepare_wait(&dev));
	assert_int_equal(*pv_virtq_avail_event(used, QSIZE), 2);
	assert_true(pv_vq_drv_add(&drv, &sg, 1, 0, 3) >= 0);
	assert_true(pv_vq_drv_kick_needed(&drv));
}

/* A whole queue's worth, several times round, through both sides. */
static void test_many_rounds(void **state)
{
	struct pv_sg sg[2] = {{pv_gaddr(GBASE + OFF_DATA), 4, 0},
			      {pv_gaddr(GBASE + OFF_DATA + 64), 4, 0}};
	uint64_t token, next_token = 0, expect = 0;
	uint32_t len;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		while (pv_vq_drv_add(&drv, sg, 1, 1, next_token) >= 0)
			next_token++;
		for (int n; (n = pv_vq_dev_pop(&dev, &chain)) == 1;) {
			uint32_t v = (uint32_t)round;

			assert_int_equal(pv_vq_chain_write(&dev, &chain, 0, &v, 4), PV_OK);
			assert_int_equal(pv_vq_dev_push(&dev, &chain, 4), PV_OK);
		}
		while (pv_vq_drv_get_used(&drv, &token, &len) == 1) {
			assert_int_equal(token, expect++);
			assert_int_equal(len, 4);
		}
	}
	assert_int_equal(expect, next_token);
	assert_true(expect > 20000 * 3);
	assert_false(pv_vq_dev_broken(&dev));
	assert_false(pv_vq_drv_broken(&drv));
}

int main(void)
{
#define P(f) cmocka_unit_test_setup(f, setup_plain)
#define A(f) cmocka_unit_test_setup(f, setup_all)
	const struct CMUnitTest tests[] = {
		P(test_init_rejects),
		P(test_init_rejects_misaligned_mapping),
		P(test_init_writes_nothing),
		P(test_empty),
		P(test_roundtrip),
		A(test_roundtrip),
		A(test_indirect_roundtrip),
		P(test_chain_is_private),
		P(test_avail_jump),
		P(test_avail_full_is_fine),
		P(test_avail_jump_after_progress),
		P(test_avail_backwards),
		P(test_too_many_in_flight),
		P(test_bad_head),
		P(test_loop),
		P(test_longest_chain),
		P(test_next_out_of_range),
		P(test_zero_length),
		P(test_oversize),
		P(test_length_sum_wraps),
		P(test_out_of_window),
		P(test_wrong_permission),
		P(test_direction),
		P(test_indirect_not_negotiated),
		A(test_indirect_rejects),
		A(test_indirect_next_and_loop),
		P(test_interrupt_flags),
		A(test_interrupt_event_idx),
		P(test_notify_flags),
		A(test_notify_event_idx),
		P(test_many_rounds),
		A(test_many_rounds),
	};
#undef P
#undef A
	return cmocka_run_group_tests(tests, NULL, NULL);
}
