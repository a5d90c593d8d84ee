/*
 * Guest benchmarks under -icount shift=0, where the cycle counter counts
 * instructions: `hvc_null_roundtrip` (the null hypercall from EL1 and
 * back), `mmio_trap_roundtrip` (a load from an emulated register: the
 * exit, the fault message to the VMM, its answer, the load completed), and
 * `virq_inject_latency` (from the VMM's VCPU_InjectIRQ to the guest's IRQ
 * vector, the guest waiting in WFI). The guest times the first two itself
 * with PMCCNTR_EL0 and reports the smallest sample and the total in a
 * hypercall the kernel does not know; the third is timed across both.
 */
#include <moat/hypercall.h>

#include "guest_common.h"

#define ITERATIONS 1000
#define REPORT_FN 0xc600ff00ul /* not a Moat hypercall: it goes to the VMM */

_Static_assert(MOAT_HVC_NULL == 0xc6000000u, "guest code below");

/*
 * Three phases, each reporting to the VMM with a hypercall it does not
 * know (x1 the smallest sample, x2 the sum). x22 iterations left, x23 the
 * smallest, x24 the sum, x25 the cost of the counter reads alone
 * (measured first, subtracted from each sample).
 *   1. the null hypercall;
 *   2. a load from the VMM's emulated register at 0x50000000;
 *   3. interrupts the VMM injects while the guest waits in WFI: the IRQ
 *      vector's first instruction reads the counter and reports it.
 */
__asm__(".section .text.guest_bench, \"ax\"\n"
	".balign 4096\n"
	".global bench_guest_start\n"
	".global bench_guest_end\n"
	"bench_guest_start:\n"
	"	isb\n mrs x5, pmccntr_el0\n isb\n mrs x6, pmccntr_el0\n sub x25, x6, x5\n"
	"	mov x22, #1000\n mov x23, #-1\n mov x24, #0\n"
	"1:	movz x0, #0\n movk x0, #0xc600, lsl #16\n"
	"	isb\n mrs x5, pmccntr_el0\n"
	"	hvc #0\n"
	"	isb\n mrs x6, pmccntr_el0\n"
	"	sub x6, x6, x5\n sub x6, x6, x25\n"
	"	add x24, x24, x6\n cmp x6, x23\n csel x23, x6, x23, lo\n"
	"	subs x22, x22, #1\n b.ne 1b\n"
	"	movz x0, #0xff00\n movk x0, #0xc600, lsl #16\n"
	"	mov x1, x23\n mov x2, x24\n hvc #0\n"
	"	movz x26, #0x5000, lsl #16\n"
	"	mov x22, #1000\n mov x23, #-1\n mov x24, #0\n"
	"2:	isb\n mrs x5, pmccntr_el0\n"
	"	ldr w7, [x26]\n"
	"	isb\n mrs x6, pmccntr_el0\n"
	"	sub x6, x6, x5\n sub x6, x6, x25\n"
	"	add x24, x24, x6\n cmp x6, x23\n csel x23, x6, x23, lo\n"
	"	subs x22, x22, #1\n b.ne 2b\n"
	"	movz x0, #0xff01\n movk x0, #0xc600, lsl #16\n"
	"	mov x1, x23\n mov x2, x24\n hvc #0\n"
	"	adr x0, 4f\n msr vbar_el1, x0\n"
	"	mov x0, #0xff\n msr S3_0_C4_C6_0, x0\n"      /* ICC_PMR_EL1 */
	"	mov x0, #1\n msr S3_0_C12_C12_7, x0\n isb\n"  /* ICC_IGRPEN1_EL1 */
	"	msr daifclr, #2\n"
	"3:	wfi\n b 3b\n"
	"	.balign 2048\n"
	"4:	.skip 0x280\n"                                /* EL1h IRQ vector */
	"	mrs x1, pmccntr_el0\n"                        /* entered: the time */
	"	mrs x2, S3_0_C12_C12_0\n msr S3_0_C12_C12_1, x2\n"  /* IAR, EOIR */
	"	movz x0, #0xff02\n movk x0, #0xc600, lsl #16\n hvc #0\n"
	"	eret\n"
	"bench_guest_end:\n"
	".text\n");
extern const char bench_guest_start[], bench_guest_end[];

_Static_assert(ITERATIONS == 1000, "guest code above");

static moat_cptr_t ep, reply;

/* The guest's next message (answering the last with `value`, for a read). */
static struct moat_regs next(bool first, moat_word_t value)
{
	struct moat_regs r = { .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 1),
			       .mr = { value } };

	moat_syscall(first ? MOAT_SYS_RECV : MOAT_SYS_REPLY_RECV, &r);
	return r;
}

static uint64_t samples[ITERATIONS];

static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;

		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

int main(void *arg)
{
	moat_cptr_t vcpu;
	moat_word_t prio = 100, irq[2] = { 40, 0xa0 };
	struct moat_regs r;
	uint64_t overhead, t0;

	rs_init(arg);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_TCB, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL),
		       MOAT_OK);
	ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	reply = rs_make(MOAT_OBJ_REPLY, 0);
	guest_start_vcpu(ep, bench_guest_start, bench_guest_end, 1, 120, false, &vcpu);

	r = next(true, 0);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_HVC);
	MOAT_ASSERT_EQ(r.mr[0], REPORT_FN);
	moat_printf("BENCH hvc_null_roundtrip %lu instructions\n", r.mr[1]);
	moat_printf("BENCH hvc_null_roundtrip_mean %lu instructions\n", r.mr[2] / ITERATIONS);

	/* Its loads from the emulated register: each a round trip through us. */
	r = next(false, 0);
	for (unsigned i = 0; i < ITERATIONS; i++) {
		MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_MMIO);
		r = next(false, 0x1234);
	}
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_HVC);
	MOAT_ASSERT_EQ(r.mr[0], REPORT_FN + 1);
	moat_printf("BENCH mmio_trap_roundtrip %lu instructions\n", r.mr[1]);
	moat_printf("BENCH mmio_trap_roundtrip_mean %lu instructions\n", r.mr[2] / ITERATIONS);

	/*
	 * Interrupts: from just before our VCPU_InjectIRQ to the guest's IRQ
	 * vector. Its report answered, it waits in WFI again, and we are back.
	 */
	overhead = rs_cycles();
	overhead = rs_cycles() - overhead;
	r = (struct moat_regs){ .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 1) };
	moat_syscall(MOAT_SYS_REPLY, &r); /* its MMIO report answered: on to WFI */
	for (unsigned i = 0; i < ITERATIONS; i++) {
		t0 = rs_cycles();
		MOAT_ASSERT_EQ(moat_invoke(vcpu, MOAT_VCPU_INJECT_IRQ, 2, irq, 0, NULL), MOAT_OK);
		r = (struct moat_regs){ .x0 = ep, .x6 = reply };
		moat_syscall(MOAT_SYS_RECV, &r);
		MOAT_ASSERT_EQ(r.mr[0], REPORT_FN + 2);
		MOAT_ASSERT_EQ(r.mr[2], 40);
		samples[i] = r.mr[1] - t0 - overhead;
		r = (struct moat_regs){ .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 1) };
		moat_syscall(MOAT_SYS_REPLY, &r);
	}
	sort(samples, ITERATIONS);
	moat_printf("BENCH virq_inject_latency %lu instructions\n", samples[ITERATIONS / 2]);
	moat_printf("BENCH virq_inject_latency_min %lu instructions\n", samples[0]);
	moat_printf("bench: done\n");
	return 0;
}
