/*
 * Unit tests for servers/blk/core.c: virtual disks on one physical disk,
 * the checks on every request, round robin among clients, the per-client
 * bound, and FLUSH as a barrier in each client's order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core.h"

#define DISK 100000u

static struct blk_core c;
static const struct blk_vdisk disks[3] = {
	{ .first = 0, .sectors = 1000 },
	{ .first = 1000, .sectors = 5000 },
	{ .first = 6000, .sectors = 2000, .read_only = true },
};

static int setup(void **state)
{
	(void)state;
	assert_true(blk_core_init(&c, disks, 3, DISK));
	return 0;
}

static struct blk_core_req req(uint32_t op, uint64_t sector, uint32_t sectors, uint64_t tag)
{
	return (struct blk_core_req){ .tag = tag, .op = op, .sector = sector, .sectors = sectors };
}

static enum blk_core_error put(unsigned i, uint32_t op, uint64_t sector, uint32_t sectors,
			       uint64_t tag)
{
	struct blk_core_req r = req(op, sector, sectors, tag);

	return blk_core_accept(&c, i, &r);
}

static void layout(void **state)
{
	struct blk_core x;
	struct blk_vdisk overlap[2] = { { 0, 100, false }, { 99, 10, false } };
	struct blk_vdisk outside[1] = { { DISK - 5, 10, false } };
	struct blk_vdisk wrap[1] = { { ~0ull - 2, 10, false } };
	struct blk_vdisk empty[1] = { { 0, 0, false } };

	(void)state;
	assert_false(blk_core_init(&x, overlap, 2, DISK));
	assert_false(blk_core_init(&x, outside, 1, DISK));
	assert_false(blk_core_init(&x, wrap, 1, DISK));
	assert_false(blk_core_init(&x, empty, 1, DISK));
	assert_false(blk_core_init(&x, disks, BLK_CLIENTS_MAX + 1, DISK));
	assert_true(blk_core_init(&x, disks, 3, 8000));
	assert_false(blk_core_init(&x, disks, 3, 7999));
}

static void checks(void **state)
{
	(void)state;
	assert_int_equal(put(1, BLK_CORE_READ, 0, 8, 1), BLK_CORE_OK);
	assert_int_equal(put(1, BLK_CORE_READ, 4992, 8, 2), BLK_CORE_OK); /* the last 8 */
	assert_int_equal(put(1, BLK_CORE_READ, 4993, 8, 3), BLK_CORE_E_RANGE);
	assert_int_equal(put(1, BLK_CORE_READ, 5000, 1, 3), BLK_CORE_E_RANGE);
	assert_int_equal(put(1, BLK_CORE_READ, ~0ull - 3, 8, 3), BLK_CORE_E_RANGE); /* wraps */
	assert_int_equal(put(1, BLK_CORE_READ, 0, 0, 3), BLK_CORE_E_RANGE);
	assert_int_equal(put(1, BLK_CORE_READ, 0, BLK_REQUEST_MAX_SECTORS + 1, 3), BLK_CORE_E_SIZE);
	assert_int_equal(put(1, BLK_CORE_FLUSH, 0, 0, 3), BLK_CORE_OK);
	assert_int_equal(put(1, BLK_CORE_FLUSH, 1, 0, 3), BLK_CORE_E_RANGE);
	assert_int_equal(put(1, BLK_CORE_FLUSH, 0, 1, 3), BLK_CORE_E_RANGE);
	assert_int_equal(put(1, 2, 0, 8, 3), BLK_CORE_E_OP);
	assert_int_equal(put(1, 8, 0, 8, 3), BLK_CORE_E_OP); /* GET_ID: not offered */
	assert_int_equal(put(2, BLK_CORE_WRITE, 0, 8, 3), BLK_CORE_E_READ_ONLY);
	assert_int_equal(put(2, BLK_CORE_READ, 0, 8, 3), BLK_CORE_OK);
	assert_int_equal(put(3, BLK_CORE_READ, 0, 8, 3), BLK_CORE_E_OP); /* no client 3 */
	assert_int_equal(c.client[1].refused, 9);
	assert_int_equal(c.client[1].count, 3);
}

static void physical_sectors(void **state)
{
	struct blk_core_req r;
	unsigned i;

	(void)state;
	assert_int_equal(put(1, BLK_CORE_WRITE, 10, 8, 7), BLK_CORE_OK);
	assert_true(blk_core_next(&c, &i, &r));
	assert_int_equal(i, 1);
	assert_int_equal(r.sector, 1010);
	assert_int_equal(r.tag, 7);
	assert_false(blk_core_next(&c, &i, &r));
}

static void queue_bound(void **state)
{
	(void)state;
	for (unsigned k = 0; k < BLK_CLIENT_QUEUE; k++)
		assert_int_equal(put(0, BLK_CORE_READ, k, 1, k), BLK_CORE_OK);
	assert_int_equal(put(0, BLK_CORE_READ, 0, 1, 99), BLK_CORE_E_FULL);
	assert_int_equal(put(1, BLK_CORE_READ, 0, 1, 99), BLK_CORE_OK); /* others unaffected */
}

static void inflight_bound_and_fairness(void **state)
{
	struct blk_core_req r;
	unsigned i, got[3] = { 0 };

	(void)state;
	for (unsigned k = 0; k < 40; k++) {
		assert_int_equal(put(0, BLK_CORE_READ, k, 1, k), BLK_CORE_OK);
		if (k < 4)
			assert_int_equal(put(1, BLK_CORE_READ, k, 1, 100 + k), BLK_CORE_OK);
	}
	/* The first eight go in turns: client 1's four are not stuck behind client 0's 40. */
	for (unsigned k = 0; k < 8; k++) {
		assert_true(blk_core_next(&c, &i, &r));
		assert_int_equal(i, k % 2);
		got[i]++;
	}
	while (blk_core_next(&c, &i, &r))
		got[i]++;
	assert_int_equal(got[0], BLK_CLIENT_INFLIGHT);
	assert_int_equal(got[1], 4);
	blk_core_complete(&c, 0, BLK_CORE_READ);
	assert_true(blk_core_next(&c, &i, &r));
	assert_int_equal(i, 0);
	assert_int_equal(r.tag, BLK_CLIENT_INFLIGHT); /* in the client's order */
}

static void flush_barrier(void **state)
{
	struct blk_core_req r;
	unsigned i;

	(void)state;
	assert_int_equal(put(1, BLK_CORE_WRITE, 0, 8, 1), BLK_CORE_OK);
	assert_int_equal(put(1, BLK_CORE_WRITE, 8, 8, 2), BLK_CORE_OK);
	assert_int_equal(put(1, BLK_CORE_FLUSH, 0, 0, 3), BLK_CORE_OK);
	assert_int_equal(put(1, BLK_CORE_WRITE, 16, 8, 4), BLK_CORE_OK);
	assert_int_equal(put(0, BLK_CORE_READ, 0, 8, 5), BLK_CORE_OK);
	assert_true(blk_core_next(&c, &i, &r) && r.tag == 5); /* client 0's turn first */
	assert_true(blk_core_next(&c, &i, &r) && r.tag == 1);
	assert_true(blk_core_next(&c, &i, &r) && r.tag == 2);
	assert_false(blk_core_next(&c, &i, &r)); /* the flush waits for 1 and 2 */
	blk_core_complete(&c, 1, BLK_CORE_WRITE);
	assert_false(blk_core_next(&c, &i, &r));
	blk_core_complete(&c, 1, BLK_CORE_WRITE);
	assert_true(blk_core_next(&c, &i, &r) && r.tag == 3 && r.op == BLK_CORE_FLUSH);
	assert_int_equal(r.sector, 0); /* a flush names no sector */
	assert_false(blk_core_next(&c, &i, &r)); /* 4 waits behind the flush */
	blk_core_complete(&c, 1, BLK_CORE_FLUSH);
	assert_true(blk_core_next(&c, &i, &r) && r.tag == 4 && r.sector == 1016);
}

static void stray_completions(void **state)
{
	(void)state;
	blk_core_complete(&c, 1, BLK_CORE_READ); /* nothing in flight: ignored */
	blk_core_complete(&c, 7, BLK_CORE_READ);
	assert_int_equal(c.client[1].inflight, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout),
		cmocka_unit_test_setup(checks, setup),
		cmocka_unit_test_setup(physical_sectors, setup),
		cmocka_unit_test_setup(queue_bound, setup),
		cmocka_unit_test_setup(inflight_bound_and_fairness, setup),
		cmocka_unit_test_setup(flush_barrier, setup),
		cmocka_unit_test_setup(stray_completions, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
