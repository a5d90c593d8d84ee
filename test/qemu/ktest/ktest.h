/*
 * On-target assertions for QEMU test images. The verdict leaves QEMU as its
 * exit status (semihosting), so a test that stops early, hangs or prints the
 * wrong thing cannot pass by accident.
 */
#ifndef MOAT_KTEST_H
#define MOAT_KTEST_H

#include "types.h"

NORETURN void ktest_pass(void);
NORETURN void ktest_fail(const char *expr, const char *file, int line);
NORETURN void ktest_fail_values(const char *expr, uint64_t a, uint64_t b, const char *file,
				int line);

#define KTEST_ASSERT(cond)                                           \
	do {                                                         \
		if (!(cond))                                         \
			ktest_fail(#cond, __FILE__, __LINE__);       \
	} while (0)

/* Compares as unsigned 64-bit values and prints both on failure. */
#define KTEST_ASSERT_OP(a, op, b)                                                     \
	do {                                                                          \
		uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);                      \
		if (!(_a op _b))                                                      \
			ktest_fail_values(#a " " #op " " #b, _a, _b, __FILE__, __LINE__); \
	} while (0)

#define KTEST_ASSERT_EQ(a, b) KTEST_ASSERT_OP(a, ==, b)

#endif
