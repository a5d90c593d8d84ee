/*
 * libpv's copies between private and shared memory (src/sync.h): every
 * length up to 80 bytes and a full Ethernet frame's 1514, at every
 * alignment of either side, in both directions, against a byte-by-byte
 * reference, with guard bytes either side that must stay untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sync.h"

#define GUARD 16
#define SPAN (GUARD + 8 + 1514 + GUARD)

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7 + 1);
}

static void check_every_alignment(void (*copy)(void *, const void *, size_t), size_t n)
{
	_Alignas(8) uint8_t src[SPAN], dst[SPAN], want[SPAN];

	for (size_t so = 0; so < 8; so++)
		for (size_t doff = 0; doff < 8; doff++) {
			fill(src, SPAN, 1);
			fill(dst, SPAN, 2);
			fill(want, SPAN, 2);
			for (size_t i = 0; i < n; i++)
				want[GUARD + doff + i] = src[GUARD + so + i];
			copy(dst + GUARD + doff, src + GUARD + so, n);
			assert_memory_equal(dst, want, SPAN);
		}
}

static void from_shared(void *dst, const void *src, size_t n)
{
	pv_copy_from_shared(dst, src, n);
}

static void to_shared(void *dst, const void *src, size_t n)
{
	pv_copy_to_shared(dst, src, n);
}

static void test_from_shared(void **state)
{
	(void)state;
	for (size_t n = 0; n <= 80; n++)
		check_every_alignment(from_shared, n);
	check_every_alignment(from_shared, 1514);
}

static void test_to_shared(void **state)
{
	(void)state;
	for (size_t n = 0; n <= 80; n++)
		check_every_alignment(to_shared, n);
	check_every_alignment(to_shared, 1514);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_shared),
		cmocka_unit_test(test_to_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
