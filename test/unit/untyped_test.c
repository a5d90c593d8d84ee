/* Unit tests for Untyped_Retype and its accounting (kernel/src/untyped.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cspace.h"
#include "fake/fake_phys.h"
#include "object.h"
#include "phys.h"
#include "untyped.h"

#define ROOT_RADIX 8
#define UT_SLOT 1
#define UT_BITS 20

static struct cte root_slots[1 << ROOT_RADIX];
static struct cap root;
static moat_word_t mr[8];

static int setup(void **state)
{
	(void)state;
	fake_phys_reset();
	memset(root_slots, 0, sizeof(root_slots));
	root = (struct cap){ .type = CAP_CNODE, .bits = ROOT_RADIX, .flags = 64 - ROOT_RADIX,
			     .obj = (uint64_t)(uintptr_t)root_slots };
	root_slots[UT_SLOT].cap = object_create(MOAT_OBJ_UNTYPED, UT_BITS, fake_phys_base(), false);
	/* Slot 2 names the root CNode itself, as a destination for retypes. */
	root_slots[2].cap = root;
	return 0;
}

static struct kerror retype(unsigned ut_slot, moat_word_t type, moat_word_t bits,
			    moat_word_t dest_index, moat_word_t count, unsigned length)
{
	struct invocation inv = { .label = MOAT_UNTYPED_RETYPE, .length = length, .mr = mr,
				  .cspace = &root, .slot = &root_slots[ut_slot] };
	struct retype_args a;
	struct kerror e;

	mr[0] = type;
	mr[1] = bits;
	mr[2] = 2;
	mr[3] = dest_index;
	mr[4] = count;
	e = untyped_decode_retype(&inv, &a);
	if (e.code == MOAT_OK)
		untyped_invoke_retype(inv.slot, &a);
	return e;
}

static void test_retype_places_objects_in_order(void **state)
{
	const unsigned char *mem;

	(void)state;
	assert_int_equal(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 0, 10, 4, 5).code, MOAT_OK);
	for (unsigned i = 0; i < 4; i++) {
		struct cte *s = &root_slots[10 + i];

		assert_int_equal(s->cap.type, CAP_ENDPOINT);
		assert_int_equal(kva_to_phys(cap_ptr(&s->cap)).bits, FAKE_PHYS_BASE + 32 * i);
		assert_ptr_equal(s->parent, &root_slots[UT_SLOT]);
	}
	assert_ptr_equal(root_slots[UT_SLOT].first_child, &root_slots[10]);
	assert_ptr_equal(root_slots[12].next, &root_slots[13]);
	mem = phys_to_kva(fake_phys_base());
	for (unsigned i = 0; i < 128; i++)
		assert_int_equal(mem[i], 0); /* zeroed */
	assert_int_equal(mem[128], 0xa5); /* and no more */

	/* A TCB (1 KiB) is aligned up past the endpoints. */
	assert_int_equal(retype(UT_SLOT, MOAT_OBJ_TCB, 0, 20, 1, 5).code, MOAT_OK);
	assert_int_equal(kva_to_phys(cap_ptr(&root_slots[20].cap)).bits, FAKE_PHYS_BASE + 1024);
	assert_int_equal(untyped_free_bytes(&root_slots[UT_SLOT]), (1u << UT_BITS) - 2048);

	/* Frames record their physical address and size. */
	assert_int_equal(retype(UT_SLOT, MOAT_OBJ_FRAME_4K, 0, 21, 1, 5).code, MOAT_OK);
	assert_int_equal(root_slots[21].cap.type, CAP_FRAME);
	assert_int_equal(root_slots[21].cap.obj, FAKE_PHYS_BASE + 4096);
	assert_int_equal(root_slots[21].cap.bits, 12);

	/* CNodes take their radix; untyped children take their size. */
	assert_int_equal(retype(UT_SLOT, MOAT_OBJ_CNODE, 3, 22, 1, 5).code, MOAT_OK);
	assert_int_equal(root_slots[22].cap.bits, 3);
	assert_int_equal(retype(UT_SLOT, MOAT_OBJ_UNTYPED, 16, 23, 1, 5).code, MOAT_OK);
	assert_int_equal(root_slots[23].cap.obj, FAKE_PHYS_BASE + 65536);
	assert_int_equal(root_slots[23].cap.bits, 16);
}

static void expect_error(struct kerror e, enum moat_error code, moat_word_t d0)
{
	assert_int_equal(e.code, code);
	assert_int_equal(e.detail[0], d0);
	assert_non_null(e.why);
}

static void test_rejections(void **state)
{
	(void)state;
	expect_error(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 0, 10, 1, 4), MOAT_TRUNCATED_MESSAGE, 5);
	expect_error(retype(UT_SLOT, 99, 0, 10, 1, 5), MOAT_INVALID_ARGUMENT, 0);
	expect_error(retype(UT_SLOT, MOAT_OBJ_NULL, 0, 10, 1, 5), MOAT_INVALID_ARGUMENT, 0);
	expect_error(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 64, 10, 1, 5), MOAT_INVALID_ARGUMENT, 1);
	expect_error(retype(UT_SLOT, MOAT_OBJ_CNODE, 0, 10, 1, 5), MOAT_RANGE_ERROR, 1);
	expect_error(retype(UT_SLOT, MOAT_OBJ_CNODE, MOAT_CNODE_MAX_RADIX + 1, 10, 1, 5),
		     MOAT_RANGE_ERROR, 1);
	expect_error(retype(UT_SLOT, MOAT_OBJ_UNTYPED, 3, 10, 1, 5), MOAT_RANGE_ERROR, 1);
	expect_error(retype(UT_SLOT, MOAT_OBJ_UNTYPED, UT_BITS + 1, 10, 1, 5), MOAT_RANGE_ERROR, 1);
	expect_error(retype(UT_SLOT, MOAT_OBJ_FRAME_2M, 0, 10, 1, 5), MOAT_RANGE_ERROR, 1);
	expect_error(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 0, 10, 0, 5), MOAT_RANGE_ERROR, 4);
	expect_error(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 0, 10, 257, 5), MOAT_RANGE_ERROR, 4);
	expect_error(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 0, 256, 1, 5), MOAT_RANGE_ERROR, 3);
	expect_error(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 0, 250, 7, 5), MOAT_RANGE_ERROR, 3);
	expect_error(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 0, UINT64_MAX, 2, 5), MOAT_RANGE_ERROR, 3);
	/* Slot 2 (the root CNode capability) is occupied. */
	expect_error(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 0, 0, 3, 5), MOAT_DELETE_FIRST, 3);
	/* Destination that is not a CNode. */
	mr[2] = UT_SLOT;
	{
		struct invocation inv = { .length = 5, .mr = mr, .cspace = &root,
					  .slot = &root_slots[UT_SLOT] };
		struct retype_args a;

		mr[0] = MOAT_OBJ_ENDPOINT;
		mr[3] = 10;
		mr[4] = 1;
		assert_int_equal(untyped_decode_retype(&inv, &a).code, MOAT_FAILED_LOOKUP);
	}
	/* Nothing was created by any of these. */
	assert_null(root_slots[UT_SLOT].first_child);
	for (unsigned i = 3; i < 256; i++)
		assert_int_equal(root_slots[i].cap.type, CAP_NULL);
}

static void test_exhaustion_and_device_memory(void **state)
{
	const unsigned char *mem;

	(void)state;
	/* 512 + 256 + 128 + 64 KiB of the 1 MiB: 64 KiB left. */
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(retype(UT_SLOT, MOAT_OBJ_UNTYPED, 19 - i, 3 + i, 1, 5).code, MOAT_OK);
	expect_error(retype(UT_SLOT, MOAT_OBJ_UNTYPED, 17, 10, 1, 5), MOAT_NOT_ENOUGH_MEMORY, 65536);
	assert_int_equal(retype(UT_SLOT, MOAT_OBJ_FRAME_4K, 0, 10, 16, 5).code, MOAT_OK);
	expect_error(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 0, 0, 1, 5), MOAT_NOT_ENOUGH_MEMORY, 0);
	assert_int_equal(untyped_free_bytes(&root_slots[UT_SLOT]), 0);

	/* Device untyped: frames and untyped only, never zeroed by the kernel. */
	root_slots[30].cap = object_create(MOAT_OBJ_UNTYPED, 16,
					   pa_make(FAKE_PHYS_BASE + (8u << 20)), true);
	expect_error(retype(30, MOAT_OBJ_TCB, 0, 31, 1, 5), MOAT_ILLEGAL_OPERATION, 0);
	expect_error(retype(30, MOAT_OBJ_CNODE, 4, 31, 1, 5), MOAT_ILLEGAL_OPERATION, 0);
	expect_error(retype(30, MOAT_OBJ_ENDPOINT, 0, 31, 1, 5), MOAT_ILLEGAL_OPERATION, 0);
	assert_int_equal(retype(30, MOAT_OBJ_FRAME_4K, 0, 31, 2, 5).code, MOAT_OK);
	assert_int_equal(root_slots[32].cap.obj, FAKE_PHYS_BASE + (8u << 20) + 4096);
	mem = phys_to_kva(pa_make(FAKE_PHYS_BASE + (8u << 20)));
	assert_int_equal(mem[0], 0xa5);
	assert_int_equal(retype(30, MOAT_OBJ_UNTYPED, 12, 33, 1, 5).code, MOAT_OK);
	assert_int_equal(root_slots[33].cap.flags & CAP_FLAG_DEVICE, CAP_FLAG_DEVICE);
	expect_error(retype(33, MOAT_OBJ_TCB, 0, 34, 1, 5), MOAT_ILLEGAL_OPERATION, 0);
}

static void test_revoke_resets_and_reuses(void **state)
{
	(void)state;
	assert_int_equal(retype(UT_SLOT, MOAT_OBJ_TCB, 0, 10, 4, 5).code, MOAT_OK);
	assert_int_equal(untyped_free_bytes(&root_slots[UT_SLOT]), (1u << UT_BITS) - 4096);
	cap_revoke(&root_slots[UT_SLOT]);
	for (unsigned i = 10; i < 14; i++)
		assert_int_equal(root_slots[i].cap.type, CAP_NULL);
	assert_null(root_slots[UT_SLOT].first_child);
	assert_int_equal(untyped_free_bytes(&root_slots[UT_SLOT]), 1u << UT_BITS);
	assert_int_equal(retype(UT_SLOT, MOAT_OBJ_ENDPOINT, 0, 10, 1, 5).code, MOAT_OK);
	assert_int_equal(kva_to_phys(cap_ptr(&root_slots[10].cap)).bits, FAKE_PHYS_BASE);

	/* Deleting the children one by one frees the memory as well. */
	cap_delete(&root_slots[10]);
	assert_int_equal(untyped_free_bytes(&root_slots[UT_SLOT]), 1u << UT_BITS);
}

/* Random retypes and deletes: live objects never overlap, accounting holds. */
static void test_no_overlap_random(void **state)
{
	static const moat_word_t types[] = { MOAT_OBJ_ENDPOINT, MOAT_OBJ_NOTIFICATION,
					     MOAT_OBJ_TCB, MOAT_OBJ_FRAME_4K, MOAT_OBJ_CNODE };

	(void)state;
	srand(11);
	for (unsigned step = 0; step < 3000; step++) {
		unsigned slot = 3 + (unsigned)rand() % 250;

		if (root_slots[slot].cap.type != CAP_NULL) {
			cap_delete(&root_slots[slot]);
		} else {
			moat_word_t t = types[rand() % 5];
			retype(UT_SLOT, t, t == MOAT_OBJ_CNODE ? 1 + rand() % 4 : 0, slot, 1, 5);
		}
		for (unsigned i = 3; i < 256; i++) {
			struct cap *a = &root_slots[i].cap;
			uint64_t a0, a1;

			if (a->type == CAP_NULL)
				continue;
			a0 = a->type == CAP_FRAME ? a->obj : kva_to_phys(cap_ptr(a)).bits;
			a1 = a0 + cap_object_size(a);
			assert_true(a0 >= FAKE_PHYS_BASE && a1 <= FAKE_PHYS_BASE + (1u << UT_BITS));
			for (unsigned j = i + 1; j < 256; j++) {
				struct cap *b = &root_slots[j].cap;
				uint64_t b0, b1;

				if (b->type == CAP_NULL)
					continue;
				b0 = b->type == CAP_FRAME ? b->obj : kva_to_phys(cap_ptr(b)).bits;
				b1 = b0 + cap_object_size(b);
				assert_true(a1 <= b0 || b1 <= a0);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_retype_places_objects_in_order, setup),
		cmocka_unit_test_setup(test_rejections, setup),
		cmocka_unit_test_setup(test_exhaustion_and_device_memory, setup),
		cmocka_unit_test_setup(test_revoke_resets_and_reuses, setup),
		cmocka_unit_test_setup(test_no_overlap_random, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
