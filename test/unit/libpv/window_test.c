/* Unit tests for libpv/src/window.c: adding windows and every address check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <libpv/err.h>
#include <libpv/window.h>

#define RW (PV_WINDOW_READ | PV_WINDOW_WRITE)

static uint8_t mem_a[4096], mem_b[4096];

static void test_add_rejects(void **state)
{
	struct pv_window_set set;

	(void)state;
	pv_window_set_init(&set);
	assert_int_equal(set.count, 0);
	assert_int_equal(pv_window_add(&set, pv_gaddr(0x1000), 0, mem_a, RW), PV_E_INVAL);
	assert_int_equal(pv_window_add(&set, pv_gaddr(0x1000), 16, NULL, RW), PV_E_INVAL);
	assert_int_equal(pv_window_add(&set, pv_gaddr(0x1000), 16, mem_a, 0), PV_E_INVAL);
	assert_int_equal(pv_window_add(&set, pv_gaddr(0x1000), 16, mem_a, 4), PV_E_INVAL);
	/* The last byte would wrap past 2^64. */
	assert_int_equal(pv_window_add(&set, pv_gaddr(UINT64_MAX - 7), 16, mem_a, RW), PV_E_INVAL);
	/* The host range would wrap. */
	assert_int_equal(pv_window_add(&set, pv_gaddr(0), 32, (void *)(UINTPTR_MAX - 15), RW),
			 PV_E_INVAL);
	assert_int_equal(set.count, 0);
	/* Ending exactly at 2^64 - 1 is fine. */
	assert_int_equal(pv_window_add(&set, pv_gaddr(UINT64_MAX - 15), 16, mem_a, RW), PV_OK);
	assert_int_equal(set.count, 1);
}

static void test_add_overlap_and_full(void **state)
{
	struct pv_window_set set;

	(void)state;
	pv_window_set_init(&set);
	assert_int_equal(pv_window_add(&set, pv_gaddr(0x1000), 0x1000, mem_a, RW), PV_OK);
	assert_int_equal(pv_window_add(&set, pv_gaddr(0x1fff), 1, mem_b, RW), PV_E_INVAL);
	assert_int_equal(pv_window_add(&set, pv_gaddr(0x800), 0x801, mem_b, RW), PV_E_INVAL);
	assert_int_equal(pv_window_add(&set, pv_gaddr(0), UINT64_MAX, mem_b, PV_WINDOW_READ),
			 PV_E_INVAL);
	/* Adjacent on both sides is fine. */
	assert_int_equal(pv_window_add(&set, pv_gaddr(0x2000), 0x10, mem_b, RW), PV_OK);
	assert_int_equal(pv_window_add(&set, pv_gaddr(0xff0), 0x10, mem_b, RW), PV_OK);
	for (uint32_t i = set.count; i < PV_WINDOW_MAX; i++)
		assert_int_equal(pv_window_add(&set, pv_gaddr(0x10000 * (i + 1)), 8, mem_b, RW),
				 PV_OK);
	assert_int_equal(pv_window_add(&set, pv_gaddr(0x900000), 8, mem_b, RW), PV_E_NOSPC);
	assert_int_equal(set.count, PV_WINDOW_MAX);
}

static void setup_two(struct pv_window_set *set)
{
	pv_window_set_init(set);
	assert_int_equal(pv_window_add(set, pv_gaddr(0x1000), sizeof(mem_a), mem_a, PV_WINDOW_READ),
			 PV_OK);
	assert_int_equal(
		pv_window_add(set, pv_gaddr(0x2000), sizeof(mem_b), mem_b, PV_WINDOW_WRITE), PV_OK);
}

static void test_check(void **state)
{
	struct pv_window_set set;

	(void)state;
	setup_two(&set);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x1000), 1, PV_WINDOW_READ), PV_OK);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x1000), 4096, PV_WINDOW_READ), PV_OK);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x1fff), 1, PV_WINDOW_READ), PV_OK);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x1000), 0, PV_WINDOW_READ), PV_E_LENGTH);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x1000), 4097, PV_WINDOW_READ),
			 PV_E_WINDOW);
	/* Two adjacent windows never combine into one range. */
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x1fff), 2, PV_WINDOW_READ), PV_E_WINDOW);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0xfff), 2, PV_WINDOW_READ), PV_E_WINDOW);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x3000), 1, PV_WINDOW_WRITE), PV_E_WINDOW);
	/* Overflowing sums land nowhere. */
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x1800), UINT64_MAX, PV_WINDOW_READ),
			 PV_E_WINDOW);
	assert_int_equal(pv_window_check(&set, pv_gaddr(UINT64_MAX), 2, PV_WINDOW_READ),
			 PV_E_WINDOW);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x1000), 8, PV_WINDOW_WRITE), PV_E_PERM);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x2000), 8, PV_WINDOW_READ), PV_E_PERM);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x2000), 8, RW), PV_E_PERM);
	assert_int_equal(pv_window_check(&set, pv_gaddr(0x2000), 8, 0), PV_E_PERM);
}

static void test_translate(void **state)
{
	struct pv_window_set set;

	(void)state;
	setup_two(&set);
	assert_ptr_equal(pv_window_translate(&set, pv_gaddr(0x1010), 16, PV_WINDOW_READ),
			 mem_a + 0x10);
	assert_ptr_equal(pv_window_translate(&set, pv_gaddr(0x2fff), 1, PV_WINDOW_WRITE),
			 mem_b + 0xfff);
	assert_null(pv_window_translate(&set, pv_gaddr(0x2fff), 2, PV_WINDOW_WRITE));
	assert_null(pv_window_translate(&set, pv_gaddr(0x1010), 16, PV_WINDOW_WRITE));
	assert_null(pv_window_translate(&set, pv_gaddr(0x1010), 0, PV_WINDOW_READ));
}

static void test_read_write(void **state)
{
	struct pv_window_set set;
	uint8_t buf[64];

	(void)state;
	setup_two(&set);
	for (unsigned i = 0; i < sizeof(mem_a); i++)
		mem_a[i] = (uint8_t)i;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(pv_window_read(&set, pv_gaddr(0x1003), buf, 13), PV_OK);
	for (unsigned i = 0; i < 13; i++)
		assert_int_equal(buf[i], 3 + i);
	assert_int_equal(buf[13], 0xee);
	assert_int_equal(pv_window_read(&set, pv_gaddr(0x1008), buf, 64), PV_OK);
	assert_int_equal(buf[63], 71);
	assert_int_equal(pv_window_read(&set, pv_gaddr(0x2000), buf, 8), PV_E_PERM);
	assert_int_equal(pv_window_read(&set, pv_gaddr(0x1ff8), buf, 9), PV_E_WINDOW);
	assert_int_equal(pv_window_read(&set, pv_gaddr(0x1000), buf, 0), PV_E_LENGTH);

	memset(mem_b, 0, sizeof(mem_b));
	assert_int_equal(pv_window_write(&set, pv_gaddr(0x2ff3), buf, 13), PV_OK);
	assert_memory_equal(mem_b + 0xff3, buf, 13);
	assert_int_equal(mem_b[0xff2], 0);
	assert_int_equal(pv_window_write(&set, pv_gaddr(0x2ff4), buf, 13), PV_E_WINDOW);
	assert_int_equal(pv_window_write(&set, pv_gaddr(0x1000), buf, 8), PV_E_PERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_rejects), cmocka_unit_test(test_add_overlap_and_full),
		cmocka_unit_test(test_check),	    cmocka_unit_test(test_translate),
		cmocka_unit_test(test_read_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
