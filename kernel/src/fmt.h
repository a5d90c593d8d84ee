/*
 * A small printf formatter, independent of any output device. It is the
 * only formatting code in the kernel, and it is host-tested.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a field width
 * (digits or '*'), and the length modifiers l, ll and z. Anything else is
 * printed as written, so a bad format string shows up in the output rather
 * than consuming arguments.
 */
#ifndef MOAT_FMT_H
#define MOAT_FMT_H

#include "types.h"

typedef void (*fmt_out_fn)(void *ctx, char c);

/* Returns the number of characters produced. */
size_t fmt_vformat(fmt_out_fn out, void *ctx, const char *fmt, va_list ap);

/*
 * Formats into buf, always NUL-terminated when size > 0. Returns the length
 * the whole output would have had, as snprintf does.
 */
size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

#endif
