/*
 * Guest benchmarks under -icount shift=0, where the cycle counter counts
 * instructions: `hvc_null_roundtrip`, the null hypercall from EL1 and back
 * (the exit, the world switch out and in, the dispatch). The guest times
 * ITERATIONS calls itself with PMCCNTR_EL0 and reports the smallest and
 * the total to its VMM (this root server) in a hypercall the kernel does
 * not know.
 */
#include <moat/hypercall.h>

#include "guest_common.h"

#define ITERATIONS 1000
#define REPORT_FN 0xc600ff00ul /* not a Moat hypercall: it goes to the VMM */

_Static_assert(MOAT_HVC_NULL == 0xc6000000u, "guest code below");

/*
 * x22 iterations left, x23 the smallest sample, x24 the sum, x25 the cost
 * of the counter reads alone (measured first, subtracted from each sample).
 */
__asm__(".section .text.guest_bench, \"ax\"\n"
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
	"	b .\n"
	"bench_guest_end:\n"
	".text\n");
extern const char bench_guest_start[], bench_guest_end[];

_Static_assert(ITERATIONS == 1000, "guest code above");

int main(void *arg)
{
	moat_cptr_t ep, reply;
	struct moat_regs r;

	rs_init(arg);
	ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	reply = rs_make(MOAT_OBJ_REPLY, 0);
	guest_start_vcpu(ep, bench_guest_start, bench_guest_end, 1, 120, false, NULL);
	r = (struct moat_regs){ .x0 = ep, .x6 = reply };
	moat_syscall(MOAT_SYS_RECV, &r);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_HVC);
	MOAT_ASSERT_EQ(r.mr[0], REPORT_FN);
	moat_printf("BENCH hvc_null_roundtrip %lu instructions\n", r.mr[1]);
	moat_printf("BENCH hvc_null_roundtrip_mean %lu instructions\n", r.mr[2] / ITERATIONS);
	moat_printf("bench: done\n");
	return 0;
}
