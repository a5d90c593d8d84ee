/* Unit tests for CSpace lookup (kernel/src/cspace.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cspace.h"

static struct cte level1[16];  /* radix 4 */
static struct cte level2[256]; /* radix 8 */

static struct cap cnode_cap(struct cte *slots, unsigned radix, unsigned guard_bits,
			    uint64_t guard)
{
	return (struct cap){ .type = CAP_CNODE, .bits = (uint8_t)radix,
			     .flags = (uint8_t)guard_bits, .data = guard,
			     .obj = (uint64_t)(uintptr_t)slots };
}

static const struct cap endpoint = { .type = CAP_ENDPOINT, .obj = 0x1234 };

static int setup(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 16; i++)
		level1[i] = (struct cte){ .cap = cap_null() };
	for (unsigned i = 0; i < 256; i++)
		level2[i] = (struct cte){ .cap = cap_null() };
	return 0;
}

static void test_single_level_full_word(void **state)
{
	/* Guard of 60 zero bits then a 4-bit index: the usual flat root. */
	struct cap root = cnode_cap(level1, 4, 60, 0);
	struct lookup_result r;

	(void)state;
	level1[5].cap = endpoint;
	r = cspace_lookup_cap(&root, 5);
	assert_int_equal(r.fault, LOOKUP_OK);
	assert_ptr_equal(r.slot, &level1[5]);
	assert_int_equal(r.bits_left, 0);

	r = cspace_lookup_slot(&root, 15, 64);
	assert_int_equal(r.fault, LOOKUP_OK);
	assert_ptr_equal(r.slot, &level1[15]);

	/* Any nonzero bit in the guard fails. */
	r = cspace_lookup_cap(&root, (1ul << 63) | 5);
	assert_int_equal(r.fault, LOOKUP_GUARD_MISMATCH);
	r = cspace_lookup_cap(&root, 0x10 | 5);
	assert_int_equal(r.fault, LOOKUP_GUARD_MISMATCH);
}

static void test_two_levels(void **state)
{
	/* Root: guard 0x5 (4 bits) + radix 4, then level 2: guard 48 bits 0 + radix 8. */
	struct cap root = cnode_cap(level1, 4, 4, 0x5);
	uint64_t cptr = (0x5ul << 60) | (3ul << 56) | 0x42;
	struct lookup_result r;

	(void)state;
	level1[3].cap = cnode_cap(level2, 8, 48, 0);
	level2[0x42].cap = endpoint;

	r = cspace_lookup_cap(&root, cptr);
	assert_int_equal(r.fault, LOOKUP_OK);
	assert_ptr_equal(r.slot, &level2[0x42]);

	/* A slot lookup that stops at the first level names the CNode's slot. */
	r = cspace_lookup_slot(&root, 0x53, 8);
	assert_int_equal(r.fault, LOOKUP_OK);
	assert_ptr_equal(r.slot, &level1[3]);

	/* Implicit-depth lookups stop at the first non-CNode capability. */
	level1[7].cap = endpoint;
	r = cspace_lookup_cap(&root, (0x5ul << 60) | (7ul << 56) | 0xdead);
	assert_int_equal(r.fault, LOOKUP_OK);
	assert_ptr_equal(r.slot, &level1[7]);
	assert_int_equal(r.bits_left, 56);

	/* ...but an exact-depth lookup through it fails. */
	r = cspace_lookup_slot(&root, (0x57ul << 8) | 1, 16);
	assert_int_equal(r.fault, LOOKUP_MISSING_CAP);
	assert_null(r.slot);

	/* Guard mismatch at the second level. */
	r = cspace_lookup_cap(&root, (0x5ul << 60) | (3ul << 56) | (1ul << 20) | 0x42);
	assert_int_equal(r.fault, LOOKUP_GUARD_MISMATCH);
	assert_int_equal(r.bits_left, 56);
}

static void test_depth_errors(void **state)
{
	struct cap root = cnode_cap(level1, 4, 4, 0x5);
	struct lookup_result r;

	(void)state;
	r = cspace_lookup_slot(&root, 0, 0);
	assert_int_equal(r.fault, LOOKUP_BAD_DEPTH);
	r = cspace_lookup_slot(&root, 0, 65);
	assert_int_equal(r.fault, LOOKUP_BAD_DEPTH);
	r = cspace_lookup_slot(&root, 0x5, 7); /* root needs 8 bits */
	assert_int_equal(r.fault, LOOKUP_DEPTH_MISMATCH);
	/* Depth 12 resolves the root (8 bits) then finds a CNode needing 56 more. */
	level1[3].cap = cnode_cap(level2, 8, 48, 0);
	r = cspace_lookup_slot(&root, 0x531, 12);
	assert_int_equal(r.fault, LOOKUP_DEPTH_MISMATCH);
	assert_int_equal(r.bits_left, 4);
}

static void test_invalid_roots_and_zero_width(void **state)
{
	struct cap not_cnode = endpoint;
	struct cap zero = cnode_cap(level1, 0, 0, 0);
	struct cap loop_root = cnode_cap(level1, 4, 0, 0);
	struct lookup_result r;

	(void)state;
	r = cspace_lookup_cap(&not_cnode, 0);
	assert_int_equal(r.fault, LOOKUP_INVALID_ROOT);
	/* A CNode that consumes no bits would loop forever: refused. */
	r = cspace_lookup_cap(&zero, 0);
	assert_int_equal(r.fault, LOOKUP_DEPTH_MISMATCH);
	/* A CNode containing itself terminates: each level consumes bits. */
	level1[0].cap = loop_root;
	r = cspace_lookup_cap(&loop_root, 0);
	assert_int_equal(r.fault, LOOKUP_OK);
	assert_ptr_equal(r.slot, &level1[0]);
	assert_int_equal(r.bits_left, 0);
	assert_string_equal(cspace_fault_name(LOOKUP_GUARD_MISMATCH), "guard mismatch");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_single_level_full_word, setup),
		cmocka_unit_test_setup(test_two_levels, setup),
		cmocka_unit_test_setup(test_depth_errors, setup),
		cmocka_unit_test_setup(test_invalid_roots_and_zero_width, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
