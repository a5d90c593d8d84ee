/* Freestanding memory and string functions; see string.h. */
#include "string.h"

/*
 * Words that may alias anything: the loops below move eight or sixteen
 * bytes at a time once the pointers are aligned. They are what the
 * compiler's own struct copies and clears call, in the kernel and in every
 * domain (servers/runtime links this file), so a byte at a time cost a
 * ring entry of 288 bytes some 1,100 instructions per copy
 * (docs/performance.md, "Where the block path's instructions go").
 */
typedef uint64_t __attribute__((may_alias)) word_t;

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t w = 0x0101010101010101ull * (unsigned char)c;

	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = (unsigned char)c;
	for (; n >= 16; n -= 16, d += 16) {
		((word_t *)d)[0] = w;
		((word_t *)d)[1] = w;
	}
	if (n >= 8) {
		*(word_t *)d = w;
		d += 8;
		n -= 8;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) { /* alike modulo 8: words once aligned */
		for (; n && ((uintptr_t)d & 7); n--)
			*d++ = *s++;
		for (; n >= 16; n -= 16, d += 16, s += 16) {
			word_t a = ((const word_t *)s)[0], b = ((const word_t *)s)[1];

			((word_t *)d)[0] = a;
			((word_t *)d)[1] = b;
		}
		if (n >= 8) {
			*(word_t *)d = *(const word_t *)s;
			d += 8;
			s += 8;
			n -= 8;
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}
