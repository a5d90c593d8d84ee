/* Host stand-in for panic(): a broken kernel invariant fails the test. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "panic.h"

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}
