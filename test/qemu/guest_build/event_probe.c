/*
 * A domain of the qemu.guest_build test that runs no guest: its guest
 * event must be refused (MOAT_ILLEGAL_OPERATION), never believed.
 */
#include <moat/runtime.h>
#include <moat/vmm.h>

int main(void *arg)
{
	struct moat_regs r = { .x0 = MOAT_DOMAIN_SLOT_ROOT,
			       .info = moat_msginfo(MOAT_ROOT_GUEST_EVENT, 0, 0, 1),
			       .mr = { MOAT_GUEST_POWER_OFF } };

	(void)arg;
	moat_syscall(MOAT_SYS_CALL, &r);
	moat_printf("probe: a guest event from a domain is refused: %s\n",
		    moat_msginfo_label(r.info) == MOAT_ILLEGAL_OPERATION ? "ok" : "WRONG");
	for (;;)
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
