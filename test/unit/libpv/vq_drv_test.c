/*
 * Unit tests for libpv/src/vq_drv.c, the driver side of a split
 * virtqueue: configuration checks, the exact bytes written for direct and
 * indirect chains (checked against Linux's own <linux/virtio_ring.h>), the
 * free list, kick suppression with and without EVENT_IDX, and every
 * rejection of a used ring a hostile device could write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include <libpv/err.h>
#include <libpv/vq_drv.h>

#include "sync.h"

#define QSIZE 8u
#define IMAX  4u
#define GBASE 0x40000000ull

static _Alignas(4096) uint8_t guest[0x4000];
static struct pv_virtq_desc *desc = (struct pv_virtq_desc *)(void *)guest;
static struct pv_virtq_avail *avail = (struct pv_virtq_avail *)(void *)(guest + 0x1000);
static struct pv_virtq_used *used = (struct pv_virtq_used *)(void *)(guest + 0x2000);
static struct pv_virtq_desc *itab = (struct pv_virtq_desc *)(void *)(guest + 0x3000);
static struct pv_vq_drv_slot slots[QSIZE];
static struct pv_vq_drv vq;

static struct pv_vq_drv_config config(uint64_t features, bool indirect)
{
	struct pv_vq_drv_config c = {
		.size = QSIZE,
		.features = features,
		.desc = desc,
		.avail = avail,
		.used = used,
		.slots = slots,
	};
	if (indirect) {
		c.indirect = itab;
		c.indirect_addr = pv_gaddr(GBASE + 0x3000);
		c.indirect_max = IMAX;
	}
	return c;
}

static int setup_plain(void **state)
{
	struct pv_vq_drv_config c = config(PV_VIRTIO_F_VERSION_1, false);

	(void)state;
	memset(guest, 0xa5, sizeof(guest));
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_OK);
	return 0;
}

static int setup_event(void **state)
{
	struct pv_vq_drv_config c = config(
		PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_EVENT_IDX | PV_VIRTIO_F_INDIRECT_DESC, true);

	(void)state;
	memset(guest, 0xa5, sizeof(guest));
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_OK);
	return 0;
}

/* The device side, by hand: return head with len. */
static void dev_return(uint32_t id, uint32_t len)
{
	used->ring[used->idx % QSIZE].id = id;
	used->ring[used->idx % QSIZE].len = len;
	used->idx++;
}

static int add1(uint64_t addr, uint32_t len, bool write, uint64_t token)
{
	struct pv_sg sg = {pv_gaddr(addr), len, 0};

	return pv_vq_drv_add(&vq, &sg, write ? 0 : 1, write ? 1 : 0, token);
}

static void test_linux_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct pv_virtq_desc), sizeof(struct vring_desc));
	assert_int_equal(offsetof(struct pv_virtq_desc, addr), offsetof(struct vring_desc, addr));
	assert_int_equal(offsetof(struct pv_virtq_desc, len), offsetof(struct vring_desc, len));
	assert_int_equal(offsetof(struct pv_virtq_desc, flags), offsetof(struct vring_desc, flags));
	assert_int_equal(offsetof(struct pv_virtq_desc, next), offsetof(struct vring_desc, next));
	assert_int_equal(offsetof(struct pv_virtq_avail, idx), offsetof(struct vring_avail, idx));
	assert_int_equal(offsetof(struct pv_virtq_avail, ring), offsetof(struct vring_avail, ring));
	assert_int_equal(sizeof(struct pv_virtq_used_elem), sizeof(struct vring_used_elem));
	assert_int_equal(offsetof(struct pv_virtq_used, idx), offsetof(struct vring_used, idx));
	assert_int_equal(offsetof(struct pv_virtq_used, ring), offsetof(struct vring_used, ring));
	assert_int_equal(PV_VIRTQ_DESC_F_NEXT, VRING_DESC_F_NEXT);
	assert_int_equal(PV_VIRTQ_DESC_F_WRITE, VRING_DESC_F_WRITE);
	assert_int_equal(PV_VIRTQ_DESC_F_INDIRECT, VRING_DESC_F_INDIRECT);
	assert_int_equal(PV_VIRTQ_AVAIL_F_NO_INTERRUPT, VRING_AVAIL_F_NO_INTERRUPT);
	assert_int_equal(PV_VIRTQ_USED_F_NO_NOTIFY, VRING_USED_F_NO_NOTIFY);
	assert_int_equal(PV_VIRTIO_F_INDIRECT_DESC, 1ull << VIRTIO_RING_F_INDIRECT_DESC);
	assert_int_equal(PV_VIRTIO_F_EVENT_IDX, 1ull << VIRTIO_RING_F_EVENT_IDX);
	assert_int_equal(PV_VIRTIO_F_VERSION_1, 1ull << VIRTIO_F_VERSION_1);
	assert_int_equal(PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET, VIRTIO_CONFIG_S_NEEDS_RESET);
	assert_int_equal(PV_VIRTQ_DESC_ALIGN, VRING_DESC_ALIGN_SIZE);
	assert_int_equal(PV_VIRTQ_AVAIL_ALIGN, VRING_AVAIL_ALIGN_SIZE);
	assert_int_equal(PV_VIRTQ_USED_ALIGN, VRING_USED_ALIGN_SIZE);

	/* Event fields sit where Linux's macros put them. */
	struct vring vr = {
		.num = QSIZE, .desc = (void *)desc, .avail = (void *)avail, .used = (void *)used};
	assert_ptr_equal(pv_virtq_used_event(avail, QSIZE), &vring_used_event(&vr));
	assert_ptr_equal(pv_virtq_avail_event(used, QSIZE), &vring_avail_event(&vr));
	assert_int_equal(pv_virtq_desc_bytes(QSIZE) + pv_virtq_avail_bytes(QSIZE),
			 16 * QSIZE + 6 + 2 * QSIZE);
	assert_int_equal(pv_virtq_used_bytes(QSIZE), 6 + 8 * QSIZE);
}

static void test_init_rejects(void **state)
{
	struct pv_vq_drv_config c;

	(void)state;
	c = config(0, false);
	c.size = 0;
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_INVAL);
	c.size = 12;
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_INVAL);
	c.size = 65536;
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_INVAL);
	c = config(0, false);
	c.used = NULL;
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_INVAL);
	c = config(0, false);
	c.slots = NULL;
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_INVAL);
	assert_int_equal(pv_vq_drv_init(&vq, NULL), PV_E_INVAL);
	c = config(0, false);
	c.desc = (void *)(guest + 8);
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_ALIGN);
	c = config(0, false);
	c.avail = (void *)(guest + 0x1001);
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_ALIGN);
	c = config(0, false);
	c.used = (void *)(guest + 0x2002);
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_ALIGN);
	/* Indirect tables need the feature, a sane size and alignment. */
	c = config(0, true);
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_INVAL);
	c = config(PV_VIRTIO_F_INDIRECT_DESC, true);
	c.indirect_max = 0;
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_INVAL);
	c.indirect_max = QSIZE + 1;
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_INVAL);
	c = config(PV_VIRTIO_F_INDIRECT_DESC, true);
	c.indirect_addr = pv_gaddr(GBASE + 0x3008);
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_ALIGN);
	c = config(PV_VIRTIO_F_INDIRECT_DESC, true);
	c.indirect = (void *)(guest + 0x3008);
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_E_ALIGN);
	/* The feature alone, with no tables, is fine: chains stay direct. */
	c = config(PV_VIRTIO_F_INDIRECT_DESC, false);
	assert_int_equal(pv_vq_drv_init(&vq, &c), PV_OK);
}

static void test_init_zeroes(void **state)
{
	(void)state;
	for (size_t i = 0; i < pv_virtq_desc_bytes(QSIZE); i++)
		assert_int_equal(((uint8_t *)desc)[i], 0);
	for (size_t i = 0; i < pv_virtq_avail_bytes(QSIZE); i++)
		assert_int_equal(((uint8_t *)avail)[i], 0);
	for (size_t i = 0; i < pv_virtq_used_bytes(QSIZE); i++)
		assert_int_equal(((uint8_t *)used)[i], 0);
	/* Only the areas: the byte after each is untouched. */
	assert_int_equal(guest[0x1000 + pv_virtq_avail_bytes(QSIZE)], 0xa5);
	assert_int_equal(guest[0x2000 + pv_virtq_used_bytes(QSIZE)], 0xa5);
	assert_int_equal(pv_vq_drv_num_free(&vq), QSIZE);
	assert_false(pv_vq_drv_broken(&vq));
}

static void test_add_rejects(void **state)
{
	struct pv_sg sg[QSIZE + 1];

	(void)state;
	for (unsigned i = 0; i <= QSIZE; i++)
		sg[i] = (struct pv_sg){pv_gaddr(GBASE + 0x100 * i), 16, 0};
	assert_int_equal(pv_vq_drv_add(&vq, NULL, 1, 0, 0), PV_E_INVAL);
	assert_int_equal(pv_vq_drv_add(&vq, sg, 0, 0, 0), PV_E_INVAL);
	assert_int_equal(pv_vq_drv_add(&vq, sg, QSIZE + 1, 0, 0), PV_E_INVAL);
	assert_int_equal(pv_vq_drv_add(&vq, sg, 0x10000, 0, 0), PV_E_INVAL);
	assert_int_equal(pv_vq_drv_add(&vq, sg, 0, 0xffffffffu, 0), PV_E_INVAL);
	sg[1].len = 0;
	assert_int_equal(pv_vq_drv_add(&vq, sg, 1, 1, 0), PV_E_INVAL);
	sg[0].len = 0x80000000u;
	sg[1].len = 0x80000000u;
	assert_int_equal(pv_vq_drv_add(&vq, sg, 0, 2, 0), PV_E_INVAL);
	/* The same lengths as device-readable are fine: only writes are summed. */
	assert_int_equal(pv_vq_drv_add(&vq, sg, 2, 0, 0), 0);
	assert_int_equal(pv_vq_drv_num_free(&vq), QSIZE - 2);
	/* Nothing was written for the rejected attempts. */
	assert_int_equal(avail->idx, 1);
}

static void test_add_direct_layout(void **state)
{
	struct pv_sg sg[3] = {
		{pv_gaddr(GBASE + 0x100), 16, 0},
		{pv_gaddr(GBASE + 0x200), 512, 0},
		{pv_gaddr(GBASE + 0x400), 1, 0},
	};

	(void)state;
	assert_int_equal(pv_vq_drv_add(&vq, sg, 2, 1, 77), 0);
	assert_int_equal(desc[0].addr, GBASE + 0x100);
	assert_int_equal(desc[0].len, 16);
	assert_int_equal(desc[0].flags, VRING_DESC_F_NEXT);
	assert_int_equal(desc[0].next, 1);
	assert_int_equal(desc[1].flags, VRING_DESC_F_NEXT);
	assert_int_equal(desc[1].next, 2);
	assert_int_equal(desc[2].addr, GBASE + 0x400);
	assert_int_equal(desc[2].len, 1);
	assert_int_equal(desc[2].flags, VRING_DESC_F_WRITE);
	assert_int_equal(desc[2].next, 0);
	assert_int_equal(avail->ring[0], 0);
	assert_int_equal(avail->idx, 1);
	assert_int_equal(pv_vq_drv_num_free(&vq), QSIZE - 3);
	assert_int_equal(add1(GBASE, 8, true, 78), 3);
	assert_int_equal(avail->ring[1], 3);
	assert_int_equal(desc[3].flags, VRING_DESC_F_WRITE);
	assert_int_equal(avail->idx, 2);
}

static void test_add_indirect_layout(void **state)
{
	struct pv_sg sg[5] = {
		{pv_gaddr(GBASE + 0x100), 16, 0}, {pv_gaddr(GBASE + 0x200), 32, 0},
		{pv_gaddr(GBASE + 0x300), 48, 0}, {pv_gaddr(GBASE + 0x400), 64, 0},
		{pv_gaddr(GBASE + 0x500), 80, 0},
	};
	struct pv_virtq_desc *t1 = itab + 1 * IMAX;

	(void)state;
	/* One buffer: a plain descriptor. */
	assert_int_equal(pv_vq_drv_add(&vq, sg, 1, 0, 1), 0);
	assert_int_equal(desc[0].flags, 0);
	/* Three: one descriptor pointing at table 1. */
	assert_int_equal(pv_vq_drv_add(&vq, sg, 1, 2, 2), 1);
	assert_int_equal(desc[1].addr, GBASE + 0x3000 + 1 * IMAX * 16);
	assert_int_equal(desc[1].len, 3 * 16);
	assert_int_equal(desc[1].flags, VRING_DESC_F_INDIRECT);
	assert_int_equal(t1[0].addr, GBASE + 0x100);
	assert_int_equal(t1[0].flags, VRING_DESC_F_NEXT);
	assert_int_equal(t1[0].next, 1);
	assert_int_equal(t1[1].flags, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE);
	assert_int_equal(t1[1].next, 2);
	assert_int_equal(t1[2].flags, VRING_DESC_F_WRITE);
	assert_int_equal(t1[2].len, 48);
	assert_int_equal(pv_vq_drv_num_free(&vq), QSIZE - 2);
	/* More than a table holds: direct again. */
	assert_int_equal(pv_vq_drv_add(&vq, sg, 5, 0, 3), 2);
	assert_int_equal(desc[2].flags, VRING_DESC_F_NEXT);
	assert_int_equal(pv_vq_drv_num_free(&vq), QSIZE - 7);
}

static void test_nospc_and_free_list(void **state)
{
	uint64_t token;
	uint32_t len;
	struct pv_sg sg[3] = {
		{pv_gaddr(GBASE), 8, 0}, {pv_gaddr(GBASE), 8, 0}, {pv_gaddr(GBASE), 8, 0}};

	(void)state;
	assert_int_equal(pv_vq_drv_add(&vq, sg, 3, 0, 10), 0);
	assert_int_equal(pv_vq_drv_add(&vq, sg, 3, 0, 11), 3);
	assert_int_equal(pv_vq_drv_add(&vq, sg, 3, 0, 12), PV_E_NOSPC);
	assert_int_equal(add1(GBASE, 8, true, 13), 6);
	assert_int_equal(add1(GBASE, 8, true, 14), 7);
	assert_int_equal(add1(GBASE, 8, true, 15), PV_E_NOSPC);
	assert_int_equal(pv_vq_drv_num_free(&vq), 0);
	/* Return out of order; the freed descriptors are reused. */
	dev_return(3, 0);
	dev_return(7, 8);
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 1);
	assert_int_equal(token, 11);
	assert_int_equal(len, 0);
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 1);
	assert_int_equal(token, 14);
	assert_int_equal(len, 8);
	assert_int_equal(pv_vq_drv_num_free(&vq), 4);
	assert_int_equal(pv_vq_drv_add(&vq, sg, 3, 0, 16), 7);
	/* The chain was linked through the free list: 7, then 3's chain. */
	assert_int_equal(desc[7].next, 3);
	assert_int_equal(desc[3].next, 4);
	assert_int_equal(desc[4].flags, 0);
	assert_int_equal(pv_vq_drv_num_free(&vq), 1);
	assert_int_equal(add1(GBASE, 8, false, 17), 5);
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 0);
	/* Everything back, then everything again. */
	dev_return(0, 0);
	dev_return(6, 0);
	dev_return(7, 0);
	dev_return(5, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 1);
	assert_int_equal(pv_vq_drv_num_free(&vq), QSIZE);
	for (int i = 0; i < (int)QSIZE; i++)
		assert_true(add1(GBASE, 8, false, 100 + i) >= 0);
	assert_int_equal(pv_vq_drv_num_free(&vq), 0);
}

static void test_get_used_args(void **state)
{
	uint64_t token;
	uint32_t len;

	(void)state;
	assert_int_equal(pv_vq_drv_get_used(&vq, NULL, &len), PV_E_INVAL);
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, NULL), PV_E_INVAL);
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 0);
}

static void expect_broken(int err)
{
	uint64_t token;
	uint32_t len;

	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), err);
	assert_true(pv_vq_drv_broken(&vq));
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), PV_E_BROKEN);
	assert_int_equal(add1(GBASE, 8, false, 0), PV_E_BROKEN);
	assert_false(pv_vq_drv_kick_needed(&vq));
	assert_false(pv_vq_drv_prepare_wait(&vq));
}

static void test_used_idx_beyond_in_flight(void **state)
{
	(void)state;
	assert_int_equal(add1(GBASE, 8, false, 1), 0);
	used->idx = 2; /* one chain in flight, two claimed */
	expect_broken(PV_E_PEER_INDEX);
}

static void test_used_idx_nothing_in_flight(void **state)
{
	(void)state;
	used->idx = 1;
	expect_broken(PV_E_PEER_INDEX);
}

static void test_used_idx_backwards(void **state)
{
	uint64_t token;
	uint32_t len;

	(void)state;
	assert_int_equal(add1(GBASE, 8, false, 1), 0);
	assert_int_equal(add1(GBASE, 8, false, 2), 1);
	dev_return(0, 0);
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 1);
	used->idx = 0xffff; /* back by two: looks like 65535 ahead */
	expect_broken(PV_E_PEER_INDEX);
}

static void test_used_id_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(add1(GBASE, 8, false, 1), 0);
	dev_return(QSIZE, 0);
	expect_broken(PV_E_USED_ID);
}

static void test_used_id_not_head(void **state)
{
	struct pv_sg sg[2] = {{pv_gaddr(GBASE), 8, 0}, {pv_gaddr(GBASE), 8, 0}};

	(void)state;
	assert_int_equal(pv_vq_drv_add(&vq, sg, 2, 0, 1), 0);
	dev_return(1, 0); /* inside the chain, not its head */
	expect_broken(PV_E_USED_ID);
}

static void test_used_id_twice(void **state)
{
	uint64_t token;
	uint32_t len;

	(void)state;
	assert_int_equal(add1(GBASE, 8, false, 1), 0);
	assert_int_equal(add1(GBASE, 8, false, 2), 1);
	dev_return(0, 0);
	dev_return(0, 0);
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 1);
	expect_broken(PV_E_USED_ID);
}

static void test_used_len_too_large(void **state)
{
	struct pv_sg sg[3] = {
		{pv_gaddr(GBASE), 100, 0}, {pv_gaddr(GBASE), 10, 0}, {pv_gaddr(GBASE), 20, 0}};
	uint64_t token;
	uint32_t len;
	int h;

	(void)state;
	assert_int_equal(pv_vq_drv_add(&vq, sg, 1, 2, 1), 0);
	h = pv_vq_drv_add(&vq, sg, 1, 2, 2);
	assert_true(h > 0);
	dev_return(0, 30); /* exactly the writable bytes */
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 1);
	assert_int_equal(len, 30);
	dev_return((uint32_t)h, 31);
	expect_broken(PV_E_USED_LEN);
}

static void test_kick_flags(void **state)
{
	(void)state;
	assert_false(pv_vq_drv_kick_needed(&vq)); /* nothing added */
	assert_int_equal(add1(GBASE, 8, false, 1), 0);
	assert_true(pv_vq_drv_kick_needed(&vq));
	assert_false(pv_vq_drv_kick_needed(&vq));
	used->flags = VRING_USED_F_NO_NOTIFY;
	assert_int_equal(add1(GBASE, 8, false, 2), 1);
	assert_false(pv_vq_drv_kick_needed(&vq));
	used->flags = 0;
	assert_int_equal(add1(GBASE, 8, false, 3), 2);
	assert_true(pv_vq_drv_kick_needed(&vq));
}

static void test_kick_event_idx(void **state)
{
	(void)state;
	/* avail_event 0: the device wants a kick when idx passes 0. */
	assert_int_equal(add1(GBASE, 8, false, 1), 0);
	assert_int_equal(add1(GBASE, 8, false, 2), 1);
	assert_true(pv_vq_drv_kick_needed(&vq));
	assert_int_equal(add1(GBASE, 8, false, 3), 2);
	assert_false(pv_vq_drv_kick_needed(&vq)); /* 0 already passed */
	*pv_virtq_avail_event(used, QSIZE) = 4;
	assert_int_equal(add1(GBASE, 8, false, 4), 3); /* idx 3 -> 4: not past 4 */
	assert_false(pv_vq_drv_kick_needed(&vq));
	assert_int_equal(add1(GBASE, 8, false, 5), 4); /* idx 4 -> 5: passes 4 */
	assert_true(pv_vq_drv_kick_needed(&vq));
	/* The flag is ignored with EVENT_IDX. */
	used->flags = VRING_USED_F_NO_NOTIFY;
	*pv_virtq_avail_event(used, QSIZE) = 5;
	assert_int_equal(add1(GBASE, 8, false, 6), 5);
	assert_true(pv_vq_drv_kick_needed(&vq));
}

/* libpv's event rule is Linux's vring_need_event, across the 16-bit wrap. */
static void test_need_event_matches_linux(void **state)
{
	static const uint16_t olds[] = {0, 1, 100, 0x7fff, 0x8000, 0xfffe, 0xffff};

	(void)state;
	for (uint32_t ev = 0; ev < 0x10000; ev++)
		for (unsigned o = 0; o < sizeof(olds) / sizeof(olds[0]); o++)
			for (uint16_t d = 0; d < 40; d += 3) {
				uint16_t old = olds[o], new_idx = (uint16_t)(old + d);

				assert_int_equal(pv_need_event16((uint16_t)ev, new_idx, old),
						 vring_need_event((uint16_t)ev, new_idx, old) != 0);
			}
}

static void test_interrupt_suppression_flags(void **state)
{
	(void)state;
	pv_vq_drv_disable_cb(&vq);
	assert_int_equal(avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	assert_true(pv_vq_drv_prepare_wait(&vq));
	assert_int_equal(avail->flags, 0);
}

static void test_interrupt_suppression_event(void **state)
{
	uint64_t token;
	uint32_t len;

	(void)state;
	assert_int_equal(add1(GBASE, 8, false, 1), 0);
	assert_true(pv_vq_drv_prepare_wait(&vq));
	assert_int_equal(*pv_virtq_used_event(avail, QSIZE), 0);
	dev_return(0, 0);
	/* Something arrived: the re-check refuses to sleep. */
	assert_false(pv_vq_drv_prepare_wait(&vq));
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 1);
	assert_true(pv_vq_drv_prepare_wait(&vq));
	assert_int_equal(*pv_virtq_used_event(avail, QSIZE), 1);
	pv_vq_drv_disable_cb(&vq);
	assert_int_equal(*pv_virtq_used_event(avail, QSIZE), 0);
	assert_int_equal(avail->flags, 0);
}

/* Coalescing: an interrupt asked for after n more, the re-check counting what came meanwhile. */
static void test_interrupt_after_n(void **state)
{
	uint64_t token;
	uint32_t len;

	(void)state;
	for (unsigned i = 0; i < 4; i++)
		assert_true(add1(GBASE + 16 * i, 8, false, i) >= 0);
	assert_true(pv_vq_drv_prepare_wait_for(&vq, 3));
	assert_int_equal(*pv_virtq_used_event(avail, QSIZE), 2);
	dev_return(0, 0);
	dev_return(1, 0);
	/* Two of three came: the device has not passed the event, sleeping is safe. */
	assert_true(pv_vq_drv_prepare_wait_for(&vq, 3));
	dev_return(2, 0);
	assert_false(pv_vq_drv_prepare_wait_for(&vq, 3));
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 1);
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 1);
	assert_int_equal(pv_vq_drv_get_used(&vq, &token, &len), 1);
	assert_true(pv_vq_drv_prepare_wait_for(&vq, 1));
	assert_int_equal(*pv_virtq_used_event(avail, QSIZE), 3);
}

int main(void)
{
#define P(f) cmocka_unit_test_setup(f, setup_plain)
#define E(f) cmocka_unit_test_setup(f, setup_event)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_layout),
		cmocka_unit_test(test_init_rejects),
		P(test_init_zeroes),
		E(test_init_zeroes),
		P(test_add_rejects),
		P(test_add_direct_layout),
		E(test_add_indirect_layout),
		P(test_nospc_and_free_list),
		P(test_get_used_args),
		P(test_used_idx_beyond_in_flight),
		P(test_used_idx_nothing_in_flight),
		P(test_used_idx_backwards),
		P(test_used_id_out_of_range),
		P(test_used_id_not_head),
		P(test_used_id_twice),
		E(test_used_len_too_large),
		P(test_used_len_too_large),
		P(test_kick_flags),
		E(test_kick_event_idx),
		cmocka_unit_test(test_need_event_matches_linux),
		P(test_interrupt_suppression_flags),
		E(test_interrupt_suppression_event),
		E(test_interrupt_after_n),
	};
#undef P
#undef E
	return cmocka_run_group_tests(tests, NULL, NULL);
}
