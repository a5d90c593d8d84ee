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

/* The guest, position independent, copied to GUEST_RAM (a page of its own). */
__asm__(".section .text.guest, \"ax\"\n"
	".balign 4096\n"
	".global guest_start\n"
	".global guest_end\n"
	"guest_start:\n"
	"	movz x0, #0\n movk x0, #0xc600, lsl #16\n"      /* NULL, in the vectors */
	"	movz x9, #0x1234\n mov x1, #7\n hvc #0\n"
	"	add x21, x0, x9\n add x21, x21, x1\n"           /* 0 + 0x1234 + 7 if all kept */
	"	mrs x10, id_aa64pfr0_el1\n"                      /* trapped: the VMM answers */
	"	add x21, x21, x10\n"
	"	movz x0, #0x0001\n movk x0, #0xc600, lsl #16\n"  /* CONSOLE_WRITE */
	"	adr x1, 1f\n mov x2, #(2f - 1f)\n hvc #0\n"
	"	mov x19, x0\n"                                   /* its result */
	"	movz x0, #0x0001\n movk x0, #0xc600, lsl #16\n"  /* again, with a bad IPA */
	"	movz x1, #0x5000, lsl #16\n mov x2, #8\n hvc #0\n"
	"	mov x20, x0\n"
	"	movz x0, #0x0008\n movk x0, #0x8400, lsl #16\n"  /* PSCI SYSTEM_OFF */
	"	mov x1, x19\n mov x2, x20\n mov x3, x21\n hvc #0\n"
	"	movz x3, #0x5000, lsl #16\n add x3, x3, x0\n"  /* the VMM's answer... */
	"	ldrb w4, [x3]\n"                                 /* ...picks a device register */
	"	str w4, [x3, #8]\n"                              /* written back, as read */
	"	adr x6, 3f\n msr vbar_el1, x6\n isb\n"
	"	ldr x5, [x3, #16]\n"                             /* the VMM makes this abort */
	"	b .\n"
	"1:	.ascii \"pv: hello from EL1\\n\"\n"
	"2:	.balign 2048\n"
	"3:	.skip 0x200\n"                                   /* EL1h synchronous vector */
	"	movz x0, #0xff01\n movk x0, #0xc600, lsl #16\n"  /* to the VMM: what we saw */
	"	mrs x1, esr_el1\n mrs x2, far_el1\n mrs x3, elr_el1\n hvc #0\n"
	"	b .\n"
	"guest_end:\n"
	".text\n");
extern const char guest_start[], guest_end[];

static moat_word_t read_register(moat_cptr_t vcpu, moat_word_t reg)
{
	moat_word_t v[3] = { 0 }; /* moat_invoke's results: up to three words */

	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_READ_REGISTER, 1, &reg, 0, v), MOAT_OK);
	return v[0];
}

/* Its EL1 registers as the VMM reads them: what the guest itself saw. */
static void check_registers(moat_cptr_t vcpu, moat_word_t esr, moat_word_t far)
{
	moat_word_t w[2] = { MOAT_VCPU_TPIDR_EL1, 0x5eed }, vbar = read_register(vcpu, MOAT_VCPU_VBAR);

	MOAT_ASSERT_EQ(read_register(vcpu, MOAT_VCPU_ESR), esr);
	MOAT_ASSERT_EQ(read_register(vcpu, MOAT_VCPU_FAR), far);
	MOAT_ASSERT(vbar > GUEST_RAM && vbar < GUEST_RAM + 4096 && vbar % 2048 == 0);
	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_WRITE_REGISTER, 2, w, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(read_register(vcpu, MOAT_VCPU_TPIDR_EL1), 0x5eed);
	w[0] = MOAT_VCPU_REG_COUNT;
	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_READ_REGISTER, 1, w, 0, NULL), MOAT_RANGE_ERROR);
	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_WRITE_REGISTER, 2, w, 0, NULL), MOAT_RANGE_ERROR);
	w[0] = MOAT_VCPU_CNTV_CTL;
	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_WRITE_REGISTER, 2, w, 0, NULL),
		       MOAT_ILLEGAL_OPERATION);
	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_WRITE_REGISTER, 1, w, 0, NULL),
		       MOAT_TRUNCATED_MESSAGE);
	w[0] = MOAT_VCPU_CNTV_CVAL;
	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_WRITE_REGISTER, 2, w, 0, NULL),
		       MOAT_ILLEGAL_OPERATION);
	/* MPIDR: affinity fields only, bit 31 (RES1) the kernel's. */
	MOAT_ASSERT_EQ(read_register(vcpu, MOAT_VCPU_MPIDR), 1ul << 31);
	w[0] = MOAT_VCPU_MPIDR;
	w[1] = 1ul << 31;
	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_WRITE_REGISTER, 2, w, 0, NULL),
		       MOAT_INVALID_ARGUMENT);
	w[1] = 0x0300000102ul; /* Aff3 3, Aff1 1, Aff0 2 */
	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_WRITE_REGISTER, 2, w, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(read_register(vcpu, MOAT_VCPU_MPIDR), 0x0380000102ul);
	w[1] = 0;
	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_WRITE_REGISTER, 2, w, 0, NULL), MOAT_OK);
	moat_printf("guest: its EL1 registers read by the VMM (VBAR 0x%lx), one written; "
		    "bad ones refused\n", (unsigned long)vbar);
}

int main(void *arg)
{
	moat_cptr_t ep, reply, vcpu;
	struct moat_regs r;
	moat_word_t pc;

	rs_init(arg);
	ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	reply = rs_make(MOAT_OBJ_REPLY, 0);
	/* Above us: it runs until its first message for us. */
	guest_start_vcpu(ep, guest_start, guest_end, VCPU_BADGE, 120, true, &vcpu);

	/* Its CPU's features are ours to say: the ID register read comes here. */
	r = (struct moat_regs){ .x0 = ep, .x6 = reply };
	moat_syscall(MOAT_SYS_RECV, &r);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_SYSREG);
	MOAT_ASSERT_EQ(r.mr[0], MOAT_SYSREG(3, 0, 0, 4, 0)); /* ID_AA64PFR0_EL1 */
	MOAT_ASSERT(r.mr[1] & MOAT_SYSREG_READ);
	MOAT_ASSERT_EQ(MOAT_SYSREG_REGISTER(r.mr[1]), 10);
	/* With the kernel's view of the hardware: AArch64 EL0/EL1, GICv3, no SVE, no EL2. */
	MOAT_ASSERT((r.mr[2] & 0xf) != 0 && (r.mr[2] >> 4 & 0xf) != 0);
	MOAT_ASSERT_EQ(r.mr[2] >> 24 & 0xf, 1);
	MOAT_ASSERT_EQ(r.mr[2] >> 32 & 0xf, 0);
	MOAT_ASSERT_EQ(r.mr[2] >> 8 & 0xf, 0);
	moat_printf("guest: ID_AA64PFR0_EL1 read trapped to the VMM, 0x%lx\n",
		    (unsigned long)r.mr[2]);

	/* Its PSCI call, with the first two hypercalls' results in x1, x2. */
	r = (struct moat_regs){ .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 1),
				.mr = { 0x100 } };
	moat_syscall(MOAT_SYS_REPLY_RECV, &r);
	MOAT_ASSERT_EQ(r.x0, VCPU_BADGE);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_HVC);
	MOAT_ASSERT_EQ(r.mr[0], PSCI_SYSTEM_OFF);
	MOAT_ASSERT_EQ(r.mr[1], MOAT_OK);
	MOAT_ASSERT_EQ(r.mr[2], MOAT_INVALID_ARGUMENT);
	/* The null hypercall: x0 = OK, the rest kept; and the VMM's ID register value. */
	MOAT_ASSERT_EQ(r.mr[3], 0x1234 + 7 + 0x100);
	moat_printf("guest: console write ok, a bad IPA refused, PSCI call to the VMM\n");

	/* Answered: x0 = 42 in the guest, which then reads a byte at hole + 42. */
	r = (struct moat_regs){ .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 1),
				.mr = { 42 } };
	moat_syscall(MOAT_SYS_REPLY_RECV, &r);
	MOAT_ASSERT_EQ(r.x0, VCPU_BADGE);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_MMIO);
	MOAT_ASSERT_EQ(r.mr[0], GUEST_HOLE + 42); /* so x0 was the VMM's 42 */
	MOAT_ASSERT_EQ(MOAT_MMIO_SIZE(r.mr[1]), 1);
	MOAT_ASSERT_EQ(r.mr[1] & (MOAT_MMIO_WRITE | MOAT_MMIO_64BIT), 0);
	MOAT_ASSERT_EQ(MOAT_MMIO_REGISTER(r.mr[1]), 4);
	moat_printf("guest: MMIO read of 1 byte at IPA 0x%lx into w4, pc 0x%lx\n", r.mr[0], r.mr[3]);

	/* The value read: only its low byte lands in w4, which the guest writes back. */
	r = (struct moat_regs){ .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 1),
				.mr = { 0x1a5 } };
	moat_syscall(MOAT_SYS_REPLY_RECV, &r);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_MMIO);
	MOAT_ASSERT_EQ(r.mr[0], GUEST_HOLE + 42 + 8);
	MOAT_ASSERT_EQ(MOAT_MMIO_SIZE(r.mr[1]), 4);
	MOAT_ASSERT(r.mr[1] & MOAT_MMIO_WRITE);
	MOAT_ASSERT_EQ(r.mr[2], 0xa5);
	moat_printf("guest: MMIO write of 4 bytes, value 0x%lx\n", r.mr[2]);

	/* Acknowledged; its next read gets an abort injected instead of a value. */
	r = (struct moat_regs){ .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 0) };
	moat_syscall(MOAT_SYS_REPLY_RECV, &r);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_MMIO);
	MOAT_ASSERT_EQ(r.mr[0], GUEST_HOLE + 42 + 16);
	pc = r.mr[3];
	r = (struct moat_regs){ .x0 = ep, .x6 = reply,
				.info = moat_msginfo(MOAT_REPLY_INJECT_ABORT, 0, 0, 0) };
	moat_syscall(MOAT_SYS_REPLY_RECV, &r);
	/* Its EL1 vector saw a synchronous external abort at that load. */
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_HVC);
	MOAT_ASSERT_EQ(r.mr[0], 0xc600ff01);
	MOAT_ASSERT_EQ(r.mr[1] >> 26, 0x25); /* data abort, same EL */
	MOAT_ASSERT_EQ(r.mr[1] & 0x3f, 0x10);  /* synchronous external abort */
	MOAT_ASSERT_EQ(r.mr[2], GUEST_HOLE + 42 + 16);
	MOAT_ASSERT_EQ(r.mr[3], pc);
	moat_printf("guest: abort injected, taken at its EL1 vector (ESR 0x%lx, FAR 0x%lx)\n",
		    r.mr[1], r.mr[2]);
	check_registers(vcpu, r.mr[1], r.mr[2]);
	moat_printf("KTEST PASS\n");
	return 0;
}
