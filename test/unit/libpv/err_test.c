/* Unit tests for libpv/src/err.c: every error code has a name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <libpv/err.h>

static void test_every_code_named(void **state)
{
	(void)state;
	for (int e = PV_OK; e >= PV_E_ALIGN; e--) {
		const char *n = pv_err_name(e);

		assert_non_null(n);
		assert_string_not_equal(n, "?");
		assert_true(strlen(n) > 1);
	}
	assert_string_equal(pv_err_name(PV_OK), "ok");
	assert_string_equal(pv_err_name(PV_E_LOOP), "chain longer than queue (loop)");
}

static void test_unknown_codes(void **state)
{
	(void)state;
	assert_string_equal(pv_err_name(1), "?");
	assert_string_equal(pv_err_name(PV_E_ALIGN - 1), "?");
	assert_string_equal(pv_err_name(-1000), "?");
	assert_string_equal(pv_err_name((int)0x80000000u), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_named),
		cmocka_unit_test(test_unknown_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
