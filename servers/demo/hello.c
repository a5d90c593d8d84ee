/*
 * A demonstration domain: it holds the capabilities every domain starts
 * with (moat/domain.h: an endpoint to the root server, its own inbox) and
 * uses the first.
 */
#include <moat/domain.h>
#include <moat/runtime.h>

int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	struct moat_regs r = { .x0 = MOAT_DOMAIN_SLOT_ROOT, .info = moat_msginfo(1, 0, 0, 1),
			       .mr = { 41 } };

	moat_printf("hello: domain '%s' running in an address space of its own\n", info->name);
	moat_syscall(MOAT_SYS_CALL, &r);
	moat_printf("hello: the root server answered %lu\n", r.mr[0]);
	/* Done: the root server does not answer this one, so we stay blocked. */
	r = (struct moat_regs){ .x0 = MOAT_DOMAIN_SLOT_ROOT, .info = moat_msginfo(2, 0, 0, 0) };
	moat_syscall(MOAT_SYS_CALL, &r);
	return 1; /* not reached */
}
