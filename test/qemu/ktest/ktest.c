/* On-target test verdicts; see ktest.h. */
#include "ktest.h"

#include "arch/cpu.h"
#include "kprintf.h"

NORETURN void ktest_pass(void)
{
	kprintf("KTEST PASS\n");
	arch_system_halt(HALT_OK);
}

NORETURN void ktest_fail(const char *expr, const char *file, int line)
{
	kprintf("KTEST FAIL: assertion `%s` failed at %s:%d\n", expr, file, line);
	arch_system_halt(HALT_TEST_FAILED);
}

NORETURN void ktest_fail_values(const char *expr, uint64_t a, uint64_t b, const char *file,
				int line)
{
	kprintf("KTEST FAIL: assertion `%s` failed at %s:%d (left 0x%lx = %lu, right 0x%lx = %lu)\n",
		expr, file, line, a, a, b, b);
	arch_system_halt(HALT_TEST_FAILED);
}
