/*
 * Unit tests for drivers/virtio_blk/check.c: what the block driver lets
 * through to the device of the requests its backend passes on, above all
 * that every segment lies inside memory the root server gave that client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "check.h"

#define MIB (1ull << 20)

static const struct moat_blk_ranges ranges = {
	.magic = MOAT_BLK_RANGES_MAGIC,
	.count = 3,
	.range = {
		{ .base = 0x40000000, .size = 4 * MIB, .client = 1 },
		{ .base = 0x48000000, .size = 2 * MIB, .client = 1 },
		{ .base = 0x50000000, .size = 8 * MIB, .client = 2 },
	},
};

static struct moat_blk_request read1(uint32_t client, uint64_t addr, uint32_t len)
{
	return (struct moat_blk_request){ .op = MOAT_BLK_READ, .count = 1, .client = client,
					  .seg = { { addr, len, 0 } } };
}

static void inside(void **state)
{
	struct moat_blk_request q = read1(1, 0x40000000, 4096);

	(void)state;
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_OK);
	q = read1(1, 0x40000000 + 4 * MIB - 512, 512); /* the last sector of the range */
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_OK);
	q = read1(2, 0x50000000 + MIB, 0x20000);
	q.op = MOAT_BLK_WRITE;
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_OK);
	/* Segments in two ranges of the client, each wholly inside one. */
	q = read1(1, 0x40001000, 1024);
	q.seg[1] = (struct moat_blk_segment){ 0x48000000, 3072, 0 };
	q.count = 2;
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_OK);
}

static void outside(void **state)
{
	struct moat_blk_request q;

	(void)state;
	q = read1(1, 0x40000000 + 4 * MIB - 512, 1024); /* runs off the end */
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	q = read1(1, 0x40000000 + 4 * MIB, 512); /* just past it, into nothing */
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	q = read1(1, 0x3ffffe00, 1024); /* starts before it */
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	q = read1(2, 0x40000000, 512); /* client 1's memory, named by client 2 */
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	q = read1(3, 0x50000000, 512); /* a client with no ranges */
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	q = read1(1, UINT64_MAX - 511, 1024); /* wraps */
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	/* One good segment does not carry a bad one. */
	q = read1(1, 0x40000000, 512);
	q.seg[1] = (struct moat_blk_segment){ 0x50000000, 512, 0 };
	q.count = 2;
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	/* No ranges from the root: nothing. */
	q = read1(1, 0x40000000, 512);
	assert_int_equal(blk_check_request(NULL, &q), MOAT_BLK_REFUSED);
}

static void shapes(void **state)
{
	struct moat_blk_request q = read1(1, 0x40000000, 512);

	(void)state;
	q.op = 2;
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_UNSUPP);
	q = read1(1, 0x40000000, 100); /* not whole sectors */
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	q = read1(1, 0x40000000, 0);
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	q = read1(1, 0x40000000, MOAT_BLK_MAX_BYTES + 512);
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	q = read1(1, 0x40000000, 512);
	q.count = MOAT_BLK_SEGMENTS + 1;
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	q = (struct moat_blk_request){ .op = MOAT_BLK_FLUSH, .client = 1 };
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_OK);
	q.count = 1;
	q.seg[0] = (struct moat_blk_segment){ 0x40000000, 512, 0 };
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
	q = (struct moat_blk_request){ .op = MOAT_BLK_READ, .client = 1 }; /* no data */
	assert_int_equal(blk_check_request(&ranges, &q), MOAT_BLK_REFUSED);
}

/* A count beyond the table (the root's page is read-only, but be sure) reads no further. */
static void count_clamped(void **state)
{
	static struct moat_blk_ranges big;
	struct moat_blk_request q = read1(7, 0x1000, 512);

	(void)state;
	big.count = UINT64_MAX;
	assert_int_equal(blk_check_request(&big, &q), MOAT_BLK_REFUSED);
	big.range[MOAT_BLK_RANGES_MAX - 1] = (struct moat_blk_range){ 0x1000, 4096, 7, 0 };
	assert_int_equal(blk_check_request(&big, &q), MOAT_BLK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inside),
		cmocka_unit_test(outside),
		cmocka_unit_test(shapes),
		cmocka_unit_test(count_clamped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
