/*
 * A misbehaving domain, for tests: it tries a capability it was not given,
 * then touches memory outside its address space. The first gets an error;
 * the second a fault, which its fault endpoint (the root server) reports.
 */
#include <moat/runtime.h>

#define SLOT_NOT_GIVEN 9 /* empty in every domain's CSpace */

int main(void *arg)
{
	struct moat_regs r = { .x0 = SLOT_NOT_GIVEN, .info = moat_msginfo(1, 0, 0, 0) };

	(void)arg;
	moat_syscall(MOAT_SYS_CALL, &r);
	moat_printf("faulty: a capability it does not hold: error %lu\n",
		    (unsigned long)moat_msginfo_label(r.info));
	moat_printf("faulty: reading 0x%lx\n", 0x7000000ul);
	return (int)*(volatile uint64_t *)(uintptr_t)0x7000000ul;
}
