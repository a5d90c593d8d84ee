/*
 * The kernel's and the domains' memcpy and memset (kernel/src/string.c),
 * built here as moat_memcpy and moat_memset: every length up to 80 bytes at
 * every alignment of source and destination, against a byte-by-byte
 * reference, with guard bytes either side that must stay untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

void *moat_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *moat_memset(void *dst, int c, size_t n);

#define MAX_LEN 80
#define GUARD 16
#define SPAN (GUARD + 8 + MAX_LEN + GUARD)

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

static void test_memcpy_every_alignment_and_length(void **state)
{
	unsigned char src[SPAN], dst[SPAN], want[SPAN];

	(void)state;
	for (size_t so = 0; so < 8; so++)
		for (size_t doff = 0; doff < 8; doff++)
			for (size_t n = 0; n <= MAX_LEN; n++) {
				fill(src, SPAN, 1);
				fill(dst, SPAN, 2);
				fill(want, SPAN, 2);
				for (size_t i = 0; i < n; i++)
					want[GUARD + doff + i] = src[GUARD + so + i];
				assert_ptr_equal(moat_memcpy(dst + GUARD + doff, src + GUARD + so, n),
						 dst + GUARD + doff);
				assert_memory_equal(dst, want, SPAN);
			}
}

static void test_memset_every_alignment_and_length(void **state)
{
	unsigned char dst[SPAN], want[SPAN];

	(void)state;
	for (size_t doff = 0; doff < 8; doff++)
		for (size_t n = 0; n <= MAX_LEN; n++)
			for (int c = 0; c < 0x200; c += 0xa5) { /* 0x14a: only its low byte counts */
				fill(dst, SPAN, 3);
				fill(want, SPAN, 3);
				for (size_t i = 0; i < n; i++)
					want[GUARD + doff + i] = (unsigned char)c;
				assert_ptr_equal(moat_memset(dst + GUARD + doff, c, n), dst + GUARD + doff);
				assert_memory_equal(dst, want, SPAN);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_every_alignment_and_length),
		cmocka_unit_test(test_memset_every_alignment_and_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
