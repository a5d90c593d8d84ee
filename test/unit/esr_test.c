/* Unit tests for ESR decoding (kernel/arch/aarch64/esr.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "esr.h"

static uint64_t esr(unsigned ec, uint64_t iss)
{
	return ((uint64_t)ec << 26) | (1ul << 25) | iss;
}

static void test_class_names(void **state)
{
	(void)state;
	assert_string_equal(esr_class_name(0x25), "data abort (same EL)");
	assert_string_equal(esr_class_name(0x24), "data abort (lower EL)");
	assert_string_equal(esr_class_name(0x21), "instruction abort (same EL)");
	assert_string_equal(esr_class_name(0x15), "SVC (AArch64)");
	assert_string_equal(esr_class_name(0x16), "HVC (AArch64)");
	assert_string_equal(esr_class_name(0x00), "unknown reason");
	assert_string_equal(esr_class_name(0x3f), "reserved");
	assert_string_equal(esr_class_name(0x02), "reserved");
	assert_string_equal(esr_class_name(1000), "reserved");
}

static void test_fields(void **state)
{
	uint64_t e = 0x96000045ul; /* data abort, same EL, write, translation L1 */

	(void)state;
	assert_int_equal(ESR_EC(e), 0x25);
	assert_int_equal(ESR_IL(e), 1);
	assert_int_equal(ESR_ISS(e), 0x45);
	assert_true(esr_is_abort(e));
	assert_false(esr_is_abort(esr(0x15, 0)));
}

static void test_fault_status(void **state)
{
	(void)state;
	assert_string_equal(esr_fault_name(0x04), "translation fault");
	assert_int_equal(esr_fault_level(0x04), 0);
	assert_string_equal(esr_fault_name(0x0f), "permission fault");
	assert_int_equal(esr_fault_level(0x0f), 3);
	assert_string_equal(esr_fault_name(0x09), "access flag fault");
	assert_string_equal(esr_fault_name(0x01), "address size fault");
	assert_string_equal(esr_fault_name(0x21), "alignment fault");
	assert_int_equal(esr_fault_level(0x21), -1);
	assert_string_equal(esr_fault_name(0x10), "synchronous external abort");
	assert_string_equal(esr_fault_name(0x16), "external abort on table walk");
	assert_int_equal(esr_fault_level(0x16), 2);
	assert_string_equal(esr_fault_name(0x30), "TLB conflict abort");
	assert_string_equal(esr_fault_name(0x3f), "other fault");
}

static void test_describe(void **state)
{
	char buf[96];

	(void)state;
	esr_describe_iss(esr(0x25, 0x45), buf, sizeof(buf));
	assert_string_equal(buf, "translation fault, level 1, write");
	esr_describe_iss(esr(0x24, 0x0f | (1u << 7)), buf, sizeof(buf));
	assert_string_equal(buf, "permission fault, level 3, read, during stage-1 walk");
	esr_describe_iss(esr(0x21, 0x06), buf, sizeof(buf));
	assert_string_equal(buf, "translation fault, level 2, fetch");
	esr_describe_iss(esr(0x15, 0x1234), buf, sizeof(buf));
	assert_string_equal(buf, "immediate 0x1234");
	/* MRS x3, CNTVCT_EL0: op0 3, op1 3, CRn 14, CRm 0, op2 2, read. */
	esr_describe_iss(esr(0x18, (3u << 20) | (2u << 17) | (3u << 14) | (14u << 10) |
					   (3u << 5) | (0u << 1) | 1u),
			 buf, sizeof(buf));
	assert_string_equal(buf, "op0 3 op1 3 CRn 14 CRm 0 op2 2 x3, read");
	esr_describe_iss(esr(0x0e, 0), buf, sizeof(buf));
	assert_string_equal(buf, "ISS 0x0000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_class_names),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_fault_status),
		cmocka_unit_test(test_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
