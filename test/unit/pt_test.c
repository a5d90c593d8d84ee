/* Unit tests for the translation-table builder (kernel/arch/aarch64/pt.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pt.h"

/* Tables live in a host array; their "physical" addresses are fake. */
#define POOL_TABLES 64
#define POOL_PA 0x80000000ul

struct pool {
	uint64_t tables[POOL_TABLES][512] __attribute__((aligned(4096)));
	size_t used;
	size_t limit;
};

static size_t pool_available(void *ctx)
{
	struct pool *p = ctx;
	return p->limit - p->used;
}

static paddr_t pool_alloc(void *ctx)
{
	struct pool *p = ctx;

	assert_true(p->used < p->limit);
	memset(p->tables[p->used], 0, 4096);
	return pa_make(POOL_PA + 4096 * p->used++);
}

static uint64_t *pool_table(void *ctx, paddr_t pa)
{
	struct pool *p = ctx;
	uint64_t i = (pa.bits - POOL_PA) / 4096;

	assert_true(pa.bits >= POOL_PA && i < p->used && pa.bits % 4096 == 0);
	return p->tables[i];
}

static struct pool pool;
static struct pt_alloc alloc = { pool_available, pool_alloc, pool_table, &pool };

static const struct pt_attr kernel_rw = { PT_MEM_NORMAL, PT_R | PT_W };
static const struct pt_attr kernel_rx = { PT_MEM_NORMAL, PT_R | PT_X };
static const struct pt_attr device = { PT_MEM_DEVICE, PT_R | PT_W };
static const struct pt_attr user_rx = { PT_MEM_NORMAL, PT_R | PT_X | PT_USER };

#define UPPER(x) (0xffff000000000000ul + (x))

static int setup(void **state)
{
	(void)state;
	pool.used = 0;
	pool.limit = POOL_TABLES;
	return 0;
}

static struct pt new_pt(bool upper)
{
	struct pt pt;

	assert_int_equal(pt_init(&pt, &alloc, upper), PT_OK);
	return pt;
}

static void expect_mapped(struct pt *pt, uint64_t va, uint64_t pa, uint64_t leaf)
{
	paddr_t out;
	uint64_t size;

	assert_true(pt_lookup(pt, va_make(va), &out, NULL, &size));
	assert_int_equal(out.bits, pa);
	assert_int_equal(size, leaf);
}

static void test_block_sizes(void **state)
{
	struct pt pt = new_pt(true);

	(void)state;
	/* 1 GiB aligned and long enough: one level-1 block, tables L0 + L1. */
	assert_int_equal(pt_map(&pt, va_make(UPPER(GIB(1))), pa_make(GIB(1)), GIB(1), kernel_rw),
			 PT_OK);
	expect_mapped(&pt, UPPER(GIB(1)), GIB(1), GIB(1));
	expect_mapped(&pt, UPPER(GIB(2) - 8), GIB(2) - 8, GIB(1));
	assert_int_equal(pool.used, 2);

	/* 2 MiB blocks. */
	assert_int_equal(pt_map(&pt, va_make(UPPER(GIB(4))), pa_make(MIB(4)), MIB(4), kernel_rw),
			 PT_OK);
	expect_mapped(&pt, UPPER(GIB(4) + MIB(3) + 5), MIB(7) + 5, MIB(2));
	assert_int_equal(pool.used, 3);

	/* Misaligned start: 4 KiB pages up to the 2 MiB boundary, then a block. */
	assert_int_equal(pt_map(&pt, va_make(UPPER(GIB(5) + MIB(2) - KIB(8))),
				pa_make(GIB(3) + MIB(2) - KIB(8)), KIB(8) + MIB(2), kernel_rw),
			 PT_OK);
	expect_mapped(&pt, UPPER(GIB(5) + MIB(2) - KIB(8)), GIB(3) + MIB(2) - KIB(8), KIB(4));
	expect_mapped(&pt, UPPER(GIB(5) + MIB(2) - KIB(4)), GIB(3) + MIB(2) - KIB(4), KIB(4));
	expect_mapped(&pt, UPPER(GIB(5) + MIB(2)), GIB(3) + MIB(2), MIB(2));
	assert_false(pt_lookup(&pt, va_make(UPPER(GIB(5) + MIB(2) - KIB(12))), NULL, NULL, NULL));
	assert_false(pt_lookup(&pt, va_make(UPPER(GIB(5) + MIB(4))), NULL, NULL, NULL));
}

static void test_va_pa_misalignment_forces_pages(void **state)
{
	struct pt pt = new_pt(false);

	(void)state;
	/* VA 2 MiB aligned but PA only 4 KiB aligned: no block is possible. */
	assert_int_equal(pt_map(&pt, va_make(MIB(2)), pa_make(MIB(2) + KIB(4)), MIB(2), kernel_rw),
			 PT_OK);
	expect_mapped(&pt, MIB(2), MIB(2) + KIB(4), KIB(4));
	expect_mapped(&pt, MIB(4) - 1, MIB(4) + KIB(4) - 1, KIB(4));
}

static void test_attributes(void **state)
{
	struct pt pt = new_pt(false);
	struct pt_attr a;

	(void)state;
	assert_int_equal(pt_map(&pt, va_make(0x1000), pa_make(0x1000), 0x1000, kernel_rx), PT_OK);
	assert_int_equal(pt_map(&pt, va_make(0x2000), pa_make(0x9000), 0x1000, device), PT_OK);
	assert_int_equal(pt_map(&pt, va_make(0x3000), pa_make(0x3000), 0x1000, user_rx), PT_OK);

	assert_true(pt_lookup(&pt, va_make(0x1000), NULL, &a, NULL));
	assert_int_equal(a.mem, PT_MEM_NORMAL);
	assert_int_equal(a.perm, PT_R | PT_X);
	assert_true(pt_lookup(&pt, va_make(0x2000), NULL, &a, NULL));
	assert_int_equal(a.mem, PT_MEM_DEVICE);
	assert_int_equal(a.perm, PT_R | PT_W);
	assert_true(pt_lookup(&pt, va_make(0x3000), NULL, &a, NULL));
	assert_int_equal(a.perm, PT_R | PT_X | PT_USER);
}

/* The raw descriptor bits, as the hardware will read them. */
static uint64_t leaf_descriptor(struct pt *pt, uint64_t va)
{
	uint64_t *t = pool_table(&pool, pt->root);

	for (int level = 0; level < 3; level++)
		t = pool_table(&pool, pa_make(t[(va >> (39 - 9 * level)) & 511] & 0xfffffffff000ul));
	return t[(va >> 12) & 511];
}

static void test_descriptor_encoding(void **state)
{
	struct pt pt = new_pt(false);
	uint64_t d;

	(void)state;
	assert_int_equal(pt_map(&pt, va_make(0x1000), pa_make(0x5000), 0x1000, kernel_rw), PT_OK);
	d = leaf_descriptor(&pt, 0x1000);
	assert_int_equal(d & 3, 3);                  /* page */
	assert_int_equal(d & 0xfffffffff000ul, 0x5000);
	assert_int_equal((d >> 2) & 7, PT_MEM_NORMAL); /* AttrIndx */
	assert_int_equal((d >> 6) & 3, 0);           /* AP: EL2 RW, EL0 none */
	assert_int_equal((d >> 8) & 3, 3);           /* inner shareable */
	assert_true(d & (1ul << 10));                /* AF */
	assert_false(d & (1ul << 11));               /* global */
	assert_true(d & (1ul << 53));                /* PXN */
	assert_true(d & (1ul << 54));                /* UXN */

	assert_int_equal(pt_map(&pt, va_make(0x2000), pa_make(0x6000), 0x1000, user_rx), PT_OK);
	d = leaf_descriptor(&pt, 0x2000);
	assert_int_equal((d >> 6) & 3, 3);  /* AP: read-only, EL0 accessible */
	assert_true(d & (1ul << 11));       /* nG */
	assert_true(d & (1ul << 53));       /* the kernel never executes user memory */
	assert_false(d & (1ul << 54));      /* EL0 may */
}

static void test_overlap_is_refused_and_changes_nothing(void **state)
{
	struct pt pt = new_pt(false);
	size_t used;
	paddr_t out;

	(void)state;
	assert_int_equal(pt_map(&pt, va_make(MIB(2) + KIB(8)), pa_make(0x7000), KIB(4), kernel_rw),
			 PT_OK);
	used = pool.used;
	/* A range that ends on the mapped page, starting on fresh ground. */
	assert_int_equal(pt_map(&pt, va_make(KIB(4)), pa_make(0), MIB(2) + KIB(8), kernel_rw),
			 PT_EEXIST);
	assert_int_equal(pool.used, used);
	assert_false(pt_lookup(&pt, va_make(KIB(4)), NULL, NULL, NULL));
	assert_false(pt_lookup(&pt, va_make(MIB(2)), NULL, NULL, NULL));
	/* Exactly the same page again. */
	assert_int_equal(pt_map(&pt, va_make(MIB(2) + KIB(8)), pa_make(0x7000), KIB(4), kernel_rw),
			 PT_EEXIST);
	/* A block over an existing block. */
	assert_int_equal(pt_map(&pt, va_make(MIB(8)), pa_make(MIB(8)), MIB(2), kernel_rw), PT_OK);
	assert_int_equal(pt_map(&pt, va_make(MIB(8)), pa_make(MIB(10)), MIB(4), kernel_rw),
			 PT_EEXIST);
	assert_false(pt_lookup(&pt, va_make(MIB(10)), NULL, NULL, NULL));
	/* Around the existing page: the builder descends into the existing table. */
	assert_int_equal(pt_map(&pt, va_make(MIB(2)), pa_make(MIB(20)), KIB(8), kernel_rw), PT_OK);
	assert_int_equal(pt_map(&pt, va_make(MIB(2) + KIB(12)), pa_make(MIB(30)),
				MIB(2) - KIB(12), kernel_rw),
			 PT_OK);
	assert_true(pt_lookup(&pt, va_make(MIB(2) + KIB(8)), &out, NULL, NULL));
	assert_int_equal(out.bits, 0x7000);
	expect_mapped(&pt, MIB(4) - KIB(4), MIB(32) - KIB(16), KIB(4));
}

static void test_argument_errors(void **state)
{
	struct pt lower = new_pt(false);
	struct pt upper = new_pt(true);
	struct pt_attr wx = { PT_MEM_NORMAL, PT_R | PT_W | PT_X };
	struct pt_attr dev_x = { PT_MEM_DEVICE, PT_R | PT_X };
	struct pt_attr no_r = { PT_MEM_NORMAL, PT_W };
	struct pt_attr bad_bits = { PT_MEM_NORMAL, PT_R | 0x100 };
	struct pt_attr bad_mem = { (enum pt_mem)5, PT_R };

	(void)state;
	assert_int_equal(pt_map(&lower, va_make(0x1001), pa_make(0), 0x1000, kernel_rw), PT_EALIGN);
	assert_int_equal(pt_map(&lower, va_make(0x1000), pa_make(0x10), 0x1000, kernel_rw), PT_EALIGN);
	assert_int_equal(pt_map(&lower, va_make(0x1000), pa_make(0), 0x1001, kernel_rw), PT_EALIGN);
	assert_int_equal(pt_map(&lower, va_make(0x1000), pa_make(0), 0, kernel_rw), PT_ERANGE);
	/* Upper-half address in a lower-half table and vice versa. */
	assert_int_equal(pt_map(&lower, va_make(UPPER(0)), pa_make(0), 0x1000, kernel_rw), PT_ERANGE);
	assert_int_equal(pt_map(&upper, va_make(0x1000), pa_make(0), 0x1000, kernel_rw), PT_ERANGE);
	/* Running off the end of the lower half, or wrapping. */
	assert_int_equal(pt_map(&lower, va_make((1ul << 48) - 0x1000), pa_make(0), 0x2000, kernel_rw),
			 PT_ERANGE);
	assert_int_equal(pt_map(&upper, va_make(0xfffffffffffff000ul), pa_make(0), 0x2000, kernel_rw),
			 PT_ERANGE);
	/* Physical addresses beyond 48 bits. */
	assert_int_equal(pt_map(&lower, va_make(0x1000), pa_make(1ul << 48), 0x1000, kernel_rw),
			 PT_ERANGE);
	assert_int_equal(pt_map(&lower, va_make(0x1000), pa_make(0xfffffffffffff000ul), 0x2000,
				kernel_rw),
			 PT_ERANGE);
	assert_int_equal(pt_map(&lower, va_make(0x1000), pa_make(0), 0x1000, wx), PT_EATTR);
	assert_int_equal(pt_map(&lower, va_make(0x1000), pa_make(0), 0x1000, dev_x), PT_EATTR);
	assert_int_equal(pt_map(&lower, va_make(0x1000), pa_make(0), 0x1000, no_r), PT_EATTR);
	assert_int_equal(pt_map(&lower, va_make(0x1000), pa_make(0), 0x1000, bad_bits), PT_EATTR);
	assert_int_equal(pt_map(&lower, va_make(0x1000), pa_make(0), 0x1000, bad_mem), PT_EATTR);
	assert_false(pt_lookup(&lower, va_make(0x1000), NULL, NULL, NULL));
	assert_false(pt_lookup(&lower, va_make(UPPER(0x1000)), NULL, NULL, NULL));
	assert_string_equal(pt_error_name(PT_EEXIST), "already mapped");
	assert_string_equal(pt_error_name((enum pt_error)99), "unknown error");
}

static void test_out_of_tables_changes_nothing(void **state)
{
	struct pt pt = new_pt(false);

	(void)state;
	/* A 4 KiB page needs L1, L2 and L3 tables below the root. */
	pool.limit = pool.used + 2;
	assert_int_equal(pt_map(&pt, va_make(0x1000), pa_make(0x1000), 0x1000, kernel_rw),
			 PT_ENOMEM);
	assert_int_equal(pool_available(&pool), 2);
	assert_false(pt_lookup(&pt, va_make(0x1000), NULL, NULL, NULL));
	/* A 1 GiB block needs only L1. */
	assert_int_equal(pt_map(&pt, va_make(GIB(1)), pa_make(GIB(1)), GIB(1), kernel_rw), PT_OK);
	assert_int_equal(pool_available(&pool), 1);
	assert_int_equal(pt_init(&pt, &alloc, false), PT_OK);
	assert_int_equal(pt_init(&pt, &alloc, false), PT_ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_block_sizes, setup),
		cmocka_unit_test_setup(test_va_pa_misalignment_forces_pages, setup),
		cmocka_unit_test_setup(test_attributes, setup),
		cmocka_unit_test_setup(test_descriptor_encoding, setup),
		cmocka_unit_test_setup(test_overlap_is_refused_and_changes_nothing, setup),
		cmocka_unit_test_setup(test_argument_errors, setup),
		cmocka_unit_test_setup(test_out_of_tables_changes_nothing, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
