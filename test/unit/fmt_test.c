/* Unit tests for the kernel formatter (kernel/src/fmt.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fmt.h"

static char buf[128];

#define CHECK_FMT(expected, ...)                                                     \
	do {                                                                         \
		size_t n = fmt_snprintf(buf, sizeof(buf), __VA_ARGS__);              \
		assert_string_equal(buf, expected);                                  \
		assert_int_equal(n, strlen(expected));                               \
	} while (0)

static void test_integers(void **state)
{
	(void)state;
	CHECK_FMT("0", "%d", 0);
	CHECK_FMT("-42 17", "%d %i", -42, 17);
	CHECK_FMT("-2147483648", "%d", (int)INT32_MIN);
	CHECK_FMT("-9223372036854775808", "%ld", (long)INT64_MIN);
	CHECK_FMT("4294967295", "%u", 0xffffffffu);
	CHECK_FMT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	CHECK_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	CHECK_FMT("123456", "%zu", (size_t)123456);
}

static void test_hex_and_pointers(void **state)
{
	(void)state;
	CHECK_FMT("dead BEEF", "%x %X", 0xdeadu, 0xbeefu);
	CHECK_FMT("ffff000040080000", "%lx", 0xffff000040080000ul);
	CHECK_FMT("0x1000", "%p", (void *)0x1000);
	CHECK_FMT("0x0", "%p", (void *)0);
	/* A 32-bit conversion takes only 32 bits even from a wider vararg slot. */
	CHECK_FMT("ffffffff", "%x", -1);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	CHECK_FMT("   42", "%5d", 42);
	CHECK_FMT("00042", "%05d", 42);
	CHECK_FMT("-0042", "%05d", -42);
	CHECK_FMT("42   |", "%-5d|", 42);
	CHECK_FMT("0000000000001234", "%016lx", 0x1234ul);
	CHECK_FMT("x1 |", "x%-2u|", 1u);
	CHECK_FMT("   ab", "%*s", 5, "ab");
	CHECK_FMT("ab   |", "%*s|", -5, "ab");
	CHECK_FMT("toolong", "%3s", "toolong");
	CHECK_FMT("  c", "%3c", 'c');
}

static void test_strings_and_chars(void **state)
{
	(void)state;
	CHECK_FMT("hello, world", "%s, %s", "hello", "world");
	const char *volatile null_string = NULL;

	CHECK_FMT("(null)", "%s", null_string);
	CHECK_FMT("a%b", "%c%%%c", 'a', 'b');
	CHECK_FMT("", "%s", "");
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void test_malformed(void **state)
{
	(void)state;
	/* Unknown conversions and a trailing '%' are printed, consuming nothing. */
	CHECK_FMT("%q 5", "%q %d", 5);
	CHECK_FMT("100%", "100%");
	CHECK_FMT("%-08y", "%-08y");
}
#pragma GCC diagnostic pop

static void test_truncation(void **state)
{
	char small[8];
	size_t n;

	(void)state;
	memset(small, 'X', sizeof(small));
	n = fmt_snprintf(small, sizeof(small), "%s", "0123456789");
	assert_int_equal(n, 10);
	assert_string_equal(small, "0123456");

	memset(small, 'X', sizeof(small));
	n = fmt_snprintf(small, 0, "%d", 12345);
	assert_int_equal(n, 5);
	assert_int_equal(small[0], 'X');

	n = fmt_snprintf(small, 1, "%d", 12345);
	assert_int_equal(n, 5);
	assert_int_equal(small[0], '\0');
}

struct counter {
	size_t calls;
	char last;
};

static void count_out(void *ctx, char c)
{
	struct counter *k = ctx;

	k->calls++;
	k->last = c;
}

static size_t format_to_counter(struct counter *k, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vformat(count_out, k, fmt, ap);
	va_end(ap);
	return n;
}

static void test_sink(void **state)
{
	struct counter k = { 0 };

	(void)state;
	assert_int_equal(format_to_counter(&k, "ab%dz", 123), 6);
	assert_int_equal(k.calls, 6);
	assert_int_equal(k.last, 'z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_hex_and_pointers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
