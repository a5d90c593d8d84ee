/*
 * Virtual interrupts: the guest turns on its (virtual) GIC CPU interface,
 * unmasks interrupts and waits in WFI, where its vCPU thread blocks. The
 * VMM (this root server) injects an interrupt with VCPU_InjectIRQ: the
 * thread wakes, the kernel puts the interrupt in a list register, and the
 * guest takes it at its IRQ vector, acknowledges and ends it through the
 * ICC registers, and reports the INTID with a hypercall. More injected
 * than there are list registers all arrive, highest priority first. One
 * injected with MOAT_VIRQ_EOI comes back to the VMM as an EOI exit when
 * the guest ends it, before the guest goes on to report it. Its
 * virtual timer, programmed while the vCPU then waits in WFI, wakes it
 * with the timer's interrupt (27) no earlier than asked.
 */
#include <moat/hypercall.h>

#include "guest_common.h"

#define BADGE 9
#define REPORT_FN 0xc600ff02ul
#define BURST 6 /* more than QEMU's 4 list registers */

__asm__(".section .text.guest_irq, \"ax\"\n"
	".balign 4096\n"
	".global irq_guest_start\n"
	".global irq_guest_end\n"
	"irq_guest_start:\n"
	"	adr x0, 3f\n msr vbar_el1, x0\n"
	"	mov x0, #0xff\n msr S3_0_C4_C6_0, x0\n"      /* ICC_PMR_EL1: all priorities */
	"	mov x0, #1\n msr S3_0_C12_C12_7, x0\n isb\n"  /* ICC_IGRPEN1_EL1 */
	"	msr daifclr, #2\n"                            /* IRQs on */
	"1:	wfi\n b 1b\n"
	"	.balign 2048\n"
	"3:	.skip 0x280\n"                                /* EL1h IRQ vector */
	"	mrs x1, S3_0_C12_C12_0\n"                     /* ICC_IAR1_EL1: acknowledge */
	"	cmp x1, #27\n b.ne 4f\n"
	"	msr cntv_ctl_el0, xzr\n isb\n"               /* the timer's: stop it first */
	"4:	msr S3_0_C12_C12_1, x1\n"                     /* ICC_EOIR1_EL1: end */
	"	movz x0, #0xff02\n movk x0, #0xc600, lsl #16\n hvc #0\n"
	"	cbz x0, 5f\n"                                 /* the VMM asks for a timer: */
	"	mrs x5, cntvct_el0\n add x5, x5, x1\n msr cntv_cval_el0, x5\n"
	"	mov x5, #1\n msr cntv_ctl_el0, x5\n isb\n"  /* x1 ticks from now */
	"5:	eret\n"
	"irq_guest_end:\n"
	".text\n");
extern const char irq_guest_start[], irq_guest_end[];

static moat_cptr_t ep, reply;

static moat_word_t inject_flags(moat_cptr_t vcpu, moat_word_t intid, moat_word_t prio,
				moat_word_t flags)
{
	moat_word_t a[3] = { intid, prio, flags };

	return moat_invoke(vcpu, MOAT_VCPU_INJECT_IRQ, 3, a, 0, NULL);
}

static moat_word_t inject(moat_cptr_t vcpu, moat_word_t intid, moat_word_t prio)
{
	return inject_flags(vcpu, intid, prio, 0);
}

/* The next exit must be the guest's end of `intid` alone; answered, the guest goes on. */
static void expect_eoi(moat_word_t intid)
{
	struct moat_regs r = { .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 2),
			       .mr = { 0, 0 } };

	moat_syscall(MOAT_SYS_REPLY_RECV, &r); /* answers the report before it */
	MOAT_ASSERT_EQ(r.x0, BADGE);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_EOI);
	for (unsigned w = 0; w < 4; w++)
		MOAT_ASSERT_EQ(r.mr[w], w == intid / 64 ? 1ul << (intid % 64) : 0);
}

/* The guest's next report: an interrupt it took. Answers the last with `timer`. */
static moat_word_t report_after(bool answer_last, moat_word_t timer)
{
	struct moat_regs r = { .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 2),
			       .mr = { timer != 0, timer } };

	moat_syscall(answer_last ? MOAT_SYS_REPLY_RECV : MOAT_SYS_RECV, &r);
	MOAT_ASSERT_EQ(r.x0, BADGE);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_HVC);
	MOAT_ASSERT_EQ(r.mr[0], REPORT_FN);
	return r.mr[1];
}

static moat_word_t next_report(bool answer_last)
{
	return report_after(answer_last, 0);
}

int main(void *arg)
{
	moat_cptr_t vcpu;
	moat_word_t prio = 100;
	uint64_t t0;

	rs_init(arg);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_TCB, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL),
		       MOAT_OK);
	ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	reply = rs_make(MOAT_OBJ_REPLY, 0);
	/* Above us: it runs into WFI and blocks there before we go on. */
	guest_start_vcpu(ep, irq_guest_start, irq_guest_end, BADGE, 120, false, &vcpu);
	MOAT_ASSERT_EQ(inject(vcpu, 1020, 0xa0), MOAT_RANGE_ERROR);
	MOAT_ASSERT_EQ(inject(vcpu, 40, 256), MOAT_RANGE_ERROR);

	MOAT_ASSERT_EQ(inject(vcpu, 40, 0xa0), MOAT_OK);
	MOAT_ASSERT_EQ(next_report(false), 40);
	moat_printf("guest: virtual interrupt 40 taken after WFI\n");

	/* Descending priority (a higher value is a lower priority), injected backwards. */
	for (moat_word_t i = BURST; i-- > 0;)
		MOAT_ASSERT_EQ(inject(vcpu, 50 + i, 0x80 + 8 * i), MOAT_OK);
	for (moat_word_t i = 0; i < BURST; i++)
		MOAT_ASSERT_EQ(next_report(true), 50 + i);
	moat_printf("guest: %u interrupts injected at once, all taken in priority order\n", BURST);

	/* One the VMM wants to hear the end of (a level-sensitive line). */
	MOAT_ASSERT_EQ(inject_flags(vcpu, 70, 0xa0, 2), MOAT_INVALID_ARGUMENT);
	MOAT_ASSERT_EQ(inject_flags(vcpu, 256, 0xa0, MOAT_VIRQ_EOI), MOAT_RANGE_ERROR);
	MOAT_ASSERT_EQ(inject_flags(vcpu, 70, 0xa0, MOAT_VIRQ_EOI), MOAT_OK);
	expect_eoi(70);
	MOAT_ASSERT_EQ(report_after(true, 0), 70); /* its report follows, answered by the EOI's */
	moat_printf("guest: the end of interrupt 70 reported to its VMM before the guest went on\n");

	/* Its virtual timer, 10 ms ahead, fires while the vCPU waits in WFI. */
	t0 = rs_now();
	MOAT_ASSERT_EQ(report_after(true, rs_us(10000)), 27);
	MOAT_ASSERT(rs_now() - t0 >= rs_us(10000));
	moat_printf("guest: its virtual timer woke it from WFI after %lu us\n",
		    (unsigned long)((rs_now() - t0) * 1000000 / rs_us(1000000)));
	moat_printf("KTEST PASS\n");
	return 0;
}
