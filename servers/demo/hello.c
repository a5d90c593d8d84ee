/*
 * A demonstration domain: it holds one capability (slot 1, an endpoint to
 * the root server) and uses it.
 */
#include <moat/runtime.h>

#define SLOT_ROOT 1

int main(void *arg)
{
	struct moat_regs r = { .x0 = SLOT_ROOT, .info = moat_msginfo(1, 0, 0, 1), .mr = { 41 } };

	moat_printf("hello: domain %lu running in an address space of its own\n",
		    (unsigned long)(uintptr_t)arg);
	moat_syscall(MOAT_SYS_CALL, &r);
	moat_printf("hello: the root server answered %lu\n", r.mr[0]);
	/* Done: the root server does not answer this one, so we stay blocked. */
	r = (struct moat_regs){ .x0 = SLOT_ROOT, .info = moat_msginfo(2, 0, 0, 0) };
	moat_syscall(MOAT_SYS_CALL, &r);
	return 1; /* not reached */
}
