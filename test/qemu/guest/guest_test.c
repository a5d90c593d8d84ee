/*
 * The first guest: a few instructions at EL1 in a GuestSpace of their own,
 * run by a vCPU thread whose VMM is this root server. The guest makes the
 * null hypercall (answered in the vectors), writes to the console with a
 * Moat hypercall, makes a PSCI call (which the kernel
 * hands to the VMM, whose answer comes back in x0), and then loads from
 * an IPA with nothing mapped: the stage-2 abort arrives here as a fault
 * with the faulting IPA. Bad hypercall arguments get errors, not faults.
 */
#include <moat/hypercall.h>

#include "guest_common.h"

#define GUEST_HOLE 0x50000000ul
#define PSCI_SYSTEM_OFF 0x84000008ul
#define VCPU_BADGE 0x77

_Static_assert(MOAT_HVC_CONSOLE_WRITE == 0xc6000001u, "guest code below");

/* The guest, position independent, copied to GUEST_RAM. */
__asm__(".section .text.guest, \"ax\"\n"
	".global guest_start\n"
	".global guest_end\n"
	"guest_start:\n"
	"	movz x0, #0\n movk x0, #0xc600, lsl #16\n"      /* NULL, in the vectors */
	"	movz x9, #0x1234\n mov x1, #7\n hvc #0\n"
	"	add x21, x0, x9\n add x21, x21, x1\n"           /* 0 + 0x1234 + 7 if all kept */
	"	movz x0, #0x0001\n movk x0, #0xc600, lsl #16\n"  /* CONSOLE_WRITE */
	"	adr x1, 1f\n mov x2, #(2f - 1f)\n hvc #0\n"
	"	mov x19, x0\n"                                   /* its result */
	"	movz x0, #0x0001\n movk x0, #0xc600, lsl #16\n"  /* again, with a bad IPA */
	"	movz x1, #0x5000, lsl #16\n mov x2, #8\n hvc #0\n"
	"	mov x20, x0\n"
	"	movz x0, #0x0008\n movk x0, #0x8400, lsl #16\n"  /* PSCI SYSTEM_OFF */
	"	mov x1, x19\n mov x2, x20\n mov x3, x21\n hvc #0\n"
	"	movz x3, #0x5000, lsl #16\n add x3, x3, x0\n"  /* the VMM's answer... */
	"	ldrb w4, [x3]\n"                                 /* ...picks a byte in a hole */
	"	b .\n"
	"1:	.ascii \"pv: hello from EL1\\n\"\n"
	"2:	.balign 4\n"
	"guest_end:\n"
	".text\n");
extern const char guest_start[], guest_end[];

int main(void *arg)
{
	moat_cptr_t ep, reply;
	struct moat_regs r;

	rs_init(arg);
	ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	reply = rs_make(MOAT_OBJ_REPLY, 0);
	/* Above us: it runs until its first message for us. */
	guest_start_vcpu(ep, guest_start, guest_end, VCPU_BADGE, 120, true);

	/* Its PSCI call, with the first two hypercalls' results in x1, x2. */
	r = (struct moat_regs){ .x0 = ep, .x6 = reply };
	moat_syscall(MOAT_SYS_RECV, &r);
	MOAT_ASSERT_EQ(r.x0, VCPU_BADGE);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_HVC);
	MOAT_ASSERT_EQ(r.mr[0], PSCI_SYSTEM_OFF);
	MOAT_ASSERT_EQ(r.mr[1], MOAT_OK);
	MOAT_ASSERT_EQ(r.mr[2], MOAT_INVALID_ARGUMENT);
	MOAT_ASSERT_EQ(r.mr[3], 0x1234 + 7); /* the null hypercall: x0 = OK, the rest kept */
	moat_printf("guest: console write ok, a bad IPA refused, PSCI call to the VMM\n");

	/* Answered: x0 = 42 in the guest, which then loads from hole + 42. */
	r = (struct moat_regs){ .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 1),
				.mr = { 42 } };
	moat_syscall(MOAT_SYS_REPLY_RECV, &r);
	MOAT_ASSERT_EQ(r.x0, VCPU_BADGE);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_VM);
	MOAT_ASSERT_EQ(r.mr[1], GUEST_HOLE + 42); /* so x0 was the VMM's 42 */
	MOAT_ASSERT_EQ(r.mr[0] & ~0xffful, GUEST_RAM);
	moat_printf("guest: stage-2 abort at IPA 0x%lx, pc 0x%lx, ESR 0x%lx\n", r.mr[1], r.mr[0],
		    r.mr[2]);
	moat_printf("KTEST PASS\n");
	return 0;
}
