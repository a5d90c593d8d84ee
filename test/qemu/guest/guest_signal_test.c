/*
 * A signal that wakes a native waiter while a vCPU's event falls due.
 *
 * The guest (a vCPU above everyone) re-arms its virtual timer every
 * 200 us and waits in WFI in between. Below it, this root server signals
 * a notification that a thread between the two waits on, as fast as it
 * can: each signal wakes the waiter, and some signals find the guest's
 * timer due already, so the kernel must make the vCPU, not the waiter,
 * run next, and enter it as a guest. Afterwards an injected interrupt
 * makes the guest report how many timer interrupts it took; a vCPU
 * resumed any other way (as a native thread, say) faults or stops
 * counting instead.
 */
#include <moat/hypercall.h>

#include "guest_common.h"

#define BADGE 11
#define REPORT_FN 0xc600ff02ul
#define ROOT_PRIO 100
#define WAITER_PRIO 150
#define GUEST_PRIO 200

__asm__(".section .text.guest_signal, \"ax\"\n"
	".balign 4096\n"
	".global signal_guest_start\n"
	".global signal_guest_end\n"
	"signal_guest_start:\n"
	"	adr x0, 3f\n msr vbar_el1, x0\n"
	"	mov x0, #0xff\n msr S3_0_C4_C6_0, x0\n"      /* ICC_PMR_EL1: all priorities */
	"	mov x0, #1\n msr S3_0_C12_C12_7, x0\n isb\n"  /* ICC_IGRPEN1_EL1 */
	"	mov x6, #0\n"                                 /* timer interrupts taken */
	"	bl 6f\n"
	"	msr daifclr, #2\n"                            /* IRQs on */
	"1:	wfi\n b 1b\n"
	/* Arms the virtual timer 12288 ticks (about 200 us) ahead. */
	"6:	mrs x5, cntvct_el0\n add x5, x5, #3, lsl #12\n msr cntv_cval_el0, x5\n"
	"	mov x5, #1\n msr cntv_ctl_el0, x5\n isb\n ret\n"
	"	.balign 2048\n"
	"3:	.skip 0x280\n"                                /* EL1h IRQ vector */
	"	mrs x1, S3_0_C12_C12_0\n"                     /* ICC_IAR1_EL1: acknowledge */
	"	cmp x1, #27\n b.ne 4f\n"
	"	msr cntv_ctl_el0, xzr\n isb\n"               /* the timer's: count, re-arm */
	"	add x6, x6, #1\n"
	"	mov x7, x30\n bl 6b\n mov x30, x7\n"
	"	msr S3_0_C12_C12_1, x1\n eret\n"              /* ICC_EOIR1_EL1: end */
	"4:	msr S3_0_C12_C12_1, x1\n"                     /* any other: report the count */
	"	movz x0, #0xff02\n movk x0, #0xc600, lsl #16\n mov x1, x6\n hvc #0\n"
	"	eret\n"
	"signal_guest_end:\n"
	".text\n");
extern const char signal_guest_start[], signal_guest_end[];

static moat_cptr_t ntfn;
static volatile uint64_t wakes;

static void waiter(moat_word_t arg)
{
	(void)arg;
	for (;;) {
		moat_wait(ntfn);
		wakes++;
	}
}

int main(void *arg)
{
	moat_cptr_t ep, reply, vcpu;
	moat_word_t prio = ROOT_PRIO, args[3] = { 40, 0xa0, 0 };
	uint64_t t0, signals = 0;
	struct moat_regs r;

	rs_init(arg);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_TCB, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL),
		       MOAT_OK);
	ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	reply = rs_make(MOAT_OBJ_REPLY, 0);
	ntfn = rs_make(MOAT_OBJ_NOTIFICATION, 0);
	rs_thread(waiter, 0, WAITER_PRIO); /* runs into its first wait */
	guest_start_vcpu(ep, signal_guest_start, signal_guest_end, BADGE, GUEST_PRIO, false, &vcpu);

	t0 = rs_now();
	while (rs_now() - t0 < rs_us(300000)) {
		moat_signal(ntfn);
		signals++;
	}
	moat_printf("guest_signal: %lu signals, %lu wakes of the waiter in 300 ms\n",
		    (unsigned long)signals, (unsigned long)wakes);
	/* Each signal found the waiter waiting: it is above us. */
	MOAT_ASSERT_EQ(wakes, signals);

	MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_INJECT_IRQ, 3, args, 0, NULL), MOAT_OK);
	r = (struct moat_regs){ .x0 = ep, .x6 = reply };
	moat_syscall(MOAT_SYS_RECV, &r);
	if (moat_msginfo_label(r.info) != MOAT_FAULT_GUEST_HVC)
		moat_printf("guest_signal: the vCPU stopped instead: exit 0x%lx, MR0-MR3 0x%lx 0x%lx "
			    "0x%lx 0x%lx\n",
			    (unsigned long)moat_msginfo_label(r.info), (unsigned long)r.mr[0],
			    (unsigned long)r.mr[1], (unsigned long)r.mr[2], (unsigned long)r.mr[3]);
	MOAT_ASSERT_EQ(r.x0, BADGE);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_HVC);
	MOAT_ASSERT_EQ(r.mr[0], REPORT_FN);
	moat_printf("guest_signal: the guest took %lu timer interrupts meanwhile\n",
		    (unsigned long)r.mr[1]);
	/* About 1,500 at 200 us: far fewer means its events were lost. */
	MOAT_ASSERT(r.mr[1] >= 300);
	moat_printf("KTEST PASS\n");
	return 0;
}
