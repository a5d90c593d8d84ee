/*
 * panic: an internal invariant is broken. Prints the reason and stops the
 * system (under QEMU tests, QEMU exits with HALT_PANIC). Never used for bad
 * input from user space or guests: those get an error.
 */
#ifndef MOAT_PANIC_H
#define MOAT_PANIC_H

#include "types.h"

NORETURN void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);

#define CHECK(cond)                                                             \
	do {                                                                    \
		if (!(cond))                                                    \
			panic("check failed: %s at %s:%d", #cond, __FILE__,     \
			      __LINE__);                                        \
	} while (0)

#endif
