/*
 * The few memory and string functions the kernel uses (and the compiler may
 * call on its own). Nothing comes from a C library.
 */
#ifndef MOAT_STRING_H
#define MOAT_STRING_H

#include "types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
