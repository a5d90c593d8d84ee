/*
 * Unit tests for the derivation tree and for delete and revoke
 * (kernel/src/cdt.c, kernel/src/cap.c): tree shape, last-capability
 * detection, CNodes emptied when their last capability goes (nested and
 * cyclic), and revoke removing every descendant.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cdt.h"
#include "endpoint.h"

static struct cte s[32];
static struct endpoint endpoints[64];

/* A capability to endpoint number `n` (a real object: deletion finalises it). */
static struct cap ep(uint64_t n, uint64_t badge)
{
	return (struct cap){ .type = CAP_ENDPOINT, .obj = (uint64_t)(uintptr_t)&endpoints[n],
			     .data = badge, .rights = MOAT_RIGHTS_ALL };
}

static struct cap untyped(void)
{
	return (struct cap){ .type = CAP_UNTYPED, .obj = 0x40000000, .bits = 20, .data = 4096 };
}

static struct cap cnode(struct cte *slots, unsigned radix)
{
	return (struct cap){ .type = CAP_CNODE, .bits = (uint8_t)radix,
			     .obj = (uint64_t)(uintptr_t)slots };
}

static void put(struct cte *parent, struct cte *slot, struct cap c)
{
	slot->cap = c;
	cdt_insert(parent, slot);
}

static int setup(void **state)
{
	(void)state;
	memset(s, 0, sizeof(s));
	s[0].cap = untyped();
	return 0;
}

static void test_insert_remove_splices_in_place(void **state)
{
	(void)state;
	put(&s[0], &s[1], ep(1, 0));
	put(&s[0], &s[2], ep(2, 0));
	put(&s[0], &s[3], ep(3, 0));
	put(&s[2], &s[4], ep(2, 7));
	put(&s[2], &s[5], ep(2, 8));

	cdt_remove(&s[2]);
	/* 1, 4, 5, 3 under the untyped, in that order. */
	assert_ptr_equal(s[0].first_child, &s[1]);
	assert_ptr_equal(s[1].next, &s[4]);
	assert_ptr_equal(s[4].next, &s[5]);
	assert_ptr_equal(s[5].next, &s[3]);
	assert_ptr_equal(s[3].prev, &s[5]);
	assert_ptr_equal(s[4].prev, &s[1]);
	assert_ptr_equal(s[4].parent, &s[0]);
	assert_ptr_equal(s[5].parent, &s[0]);
	assert_null(s[2].parent);

	/* Removing the first child, which has no children. */
	cdt_remove(&s[1]);
	assert_ptr_equal(s[0].first_child, &s[4]);
	assert_null(s[4].prev);
	/* Removing the last. */
	cdt_remove(&s[3]);
	assert_null(s[5].next);
}

static void test_move_keeps_position(void **state)
{
	(void)state;
	put(&s[0], &s[1], ep(1, 0));
	put(&s[0], &s[2], ep(2, 0));
	put(&s[0], &s[3], ep(3, 0));
	put(&s[2], &s[4], ep(2, 5));

	cdt_move(&s[2], &s[10]);
	assert_int_equal(s[2].cap.type, CAP_NULL);
	assert_null(s[2].parent);
	assert_ptr_equal(s[1].next, &s[10]);
	assert_ptr_equal(s[3].prev, &s[10]);
	assert_ptr_equal(s[4].parent, &s[10]);
	assert_ptr_equal(s[10].parent, &s[0]);
	assert_int_equal(s[10].cap.obj, ep(2, 0).obj);

	cdt_move(&s[1], &s[11]); /* the first child */
	assert_ptr_equal(s[0].first_child, &s[11]);
}

static void test_final_capability(void **state)
{
	(void)state;
	put(&s[0], &s[1], ep(1, 0));    /* original */
	put(&s[1], &s[2], ep(1, 0));    /* copy */
	put(&s[1], &s[3], ep(1, 9));    /* badged mint */
	put(&s[0], &s[4], ep(4, 0));    /* another object */

	assert_false(cap_is_final(&s[1])); /* has copies */
	assert_false(cap_is_final(&s[2])); /* parent is the same object */
	assert_true(cap_is_final(&s[4]));

	cap_delete(&s[1]);
	/* Copies now sit under the untyped, adjacent: none is final. */
	assert_ptr_equal(s[2].parent, &s[0]);
	assert_false(cap_is_final(&s[2]));
	assert_false(cap_is_final(&s[3]));
	assert_true(cap_is_final(&s[4]));
	cap_delete(&s[2]);
	assert_true(cap_is_final(&s[3]));
	cap_delete(&s[3]);
	assert_ptr_equal(s[0].first_child, &s[4]);
	/* Deleting an empty slot is a no-op. */
	cap_delete(&s[3]);
	assert_ptr_equal(s[0].first_child, &s[4]);
}

static void test_revoke_removes_all_descendants(void **state)
{
	(void)state;
	put(&s[0], &s[1], ep(1, 0));
	put(&s[1], &s[2], ep(1, 1));
	put(&s[2], &s[3], ep(1, 1));
	put(&s[3], &s[4], ep(1, 1));
	put(&s[1], &s[5], ep(1, 2));
	put(&s[0], &s[6], ep(6, 0));

	cap_revoke(&s[1]);
	for (unsigned i = 2; i <= 5; i++)
		assert_int_equal(s[i].cap.type, CAP_NULL);
	assert_null(s[1].first_child);
	assert_int_equal(s[1].cap.type, CAP_ENDPOINT);
	assert_ptr_equal(s[6].prev, &s[1]);

	/* Revoking the untyped takes everything and resets its watermark. */
	cap_revoke(&s[0]);
	assert_null(s[0].first_child);
	assert_int_equal(s[1].cap.type, CAP_NULL);
	assert_int_equal(s[6].cap.type, CAP_NULL);
	assert_int_equal(s[0].cap.data, 0);
}

static void test_last_cnode_capability_empties_it(void **state)
{
	static struct cte inner[4];

	(void)state;
	memset(inner, 0, sizeof(inner));
	put(&s[0], &s[1], cnode(inner, 2));
	put(&s[0], &s[2], ep(2, 0));
	/* The CNode holds a copy of the endpoint and the only cap to another. */
	put(&s[2], &inner[0], ep(2, 3));
	put(&s[0], &inner[3], ep(5, 0));

	cap_delete(&s[1]);
	assert_int_equal(s[1].cap.type, CAP_NULL);
	assert_int_equal(inner[0].cap.type, CAP_NULL);
	assert_int_equal(inner[3].cap.type, CAP_NULL);
	assert_null(s[2].first_child);
	assert_ptr_equal(s[0].first_child, &s[2]);
	assert_null(s[2].next);
}

static void test_cyclic_and_deep_cnodes(void **state)
{
	static struct cte a[2], b[2];
	enum { DEPTH = 5000 };
	static struct cte chain[DEPTH][2];

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	/* a holds the only capability to b, and b the only one to a. */
	put(&s[0], &a[0], cnode(b, 1));
	put(&s[0], &b[0], cnode(a, 1));
	put(&s[0], &b[1], ep(9, 0));
	cap_revoke(&s[0]);
	assert_int_equal(a[0].cap.type, CAP_NULL);
	assert_int_equal(b[0].cap.type, CAP_NULL);
	assert_int_equal(b[1].cap.type, CAP_NULL);
	assert_null(s[0].first_child);

	/* A CNode holding a capability to itself, not otherwise reachable. */
	put(&s[0], &a[1], cnode(a, 1));
	cap_revoke(&s[0]);
	assert_int_equal(a[1].cap.type, CAP_NULL);

	/* A chain deeper than any kernel stack could recurse. */
	memset(chain, 0, sizeof(chain));
	put(&s[0], &s[1], cnode(chain[0], 1));
	for (unsigned i = 0; i + 1 < DEPTH; i++)
		put(&s[0], &chain[i][0], cnode(chain[i + 1], 1));
	put(&s[0], &chain[DEPTH - 1][1], ep(42, 0));
	cap_delete(&s[1]);
	assert_int_equal(chain[DEPTH - 1][1].cap.type, CAP_NULL);
	assert_int_equal(chain[0][0].cap.type, CAP_NULL);
	assert_null(s[0].first_child);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_insert_remove_splices_in_place, setup),
		cmocka_unit_test_setup(test_move_keeps_position, setup),
		cmocka_unit_test_setup(test_final_capability, setup),
		cmocka_unit_test_setup(test_revoke_removes_all_descendants, setup),
		cmocka_unit_test_setup(test_last_cnode_capability_empties_it, setup),
		cmocka_unit_test_setup(test_cyclic_and_deep_cnodes, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
