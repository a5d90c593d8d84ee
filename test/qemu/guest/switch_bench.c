/*
 * BENCH guest_switch_* (./moat bench, -icount shift=0): two PV guests
 * (guests/pv) at one priority yielding to each other, one timing each
 * round trip (its exit, the other guest's run up to its own yield, and
 * back). Run twice: both guests using FP/SIMD, then one of them never
 * touching it; the FP-using guest also checks its registers came back
 * intact. The kernel this image is built with switches FP/SIMD as
 * FP_STRATEGY says (eager by owner, or lazy on the first FP instruction:
 * docs/vm.md); the two images give the four figures.
 */
#include <moat/hypercall.h>

#include "guest_common.h"
#include "pv_image.h"

#define PV_MODE_SWITCH_FP 5
#define PV_MODE_SWITCH_NOFP 6
#define PV_REPORT_SWITCH 0xc600ff20ul
#define PV_SWITCH_ROUNDS 200
#define PSCI_SYSTEM_OFF 0x84000008ul

/* Serves both guests until both are off; the FP-using guest's report in best/sum. */
static void serve(moat_cptr_t ep, moat_cptr_t reply, moat_word_t *best, moat_word_t *sum)
{
	struct moat_regs r = { .x0 = ep, .x6 = reply };
	unsigned off = 0;

	moat_syscall(MOAT_SYS_RECV, &r);
	while (off < 2) {
		moat_word_t answer = ~0ul; /* NOT_SUPPORTED */

		MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_GUEST_HVC);
		if (r.mr[0] == PSCI_SYSTEM_OFF) {
			off++;
			r = (struct moat_regs){ .x0 = ep, .x6 = reply };
			if (off < 2)
				moat_syscall(MOAT_SYS_RECV, &r);
			continue;
		}
		if (r.mr[0] == PV_REPORT_SWITCH && r.mr[3]) {
			MOAT_ASSERT_EQ(r.mr[3] >> 1, 0); /* its FP registers all kept */
			*best = r.mr[1];
			*sum = r.mr[2];
			answer = 0;
		} else if (r.mr[0] == PV_REPORT_SWITCH) {
			answer = 0;
		}
		r = (struct moat_regs){ .x0 = ep, .x6 = reply, .info = moat_msginfo(0, 0, 0, 1),
					.mr = { answer } };
		moat_syscall(MOAT_SYS_REPLY_RECV, &r);
	}
}

static void run(moat_cptr_t ep, moat_cptr_t reply, moat_word_t other, const char *name)
{
	struct guest_image a = { pv_image_start, pv_image_end, 32, PV_MODE_SWITCH_FP };
	struct guest_image b = { pv_image_start, pv_image_end, 32, other };
	moat_word_t best = 0, sum = 0;

	/* Below us, so both are ready before either runs. */
	guest_start_image(ep, &a, 1, 100, false, NULL);
	guest_start_image(ep, &b, 2, 100, false, NULL);
	serve(ep, reply, &best, &sum);
	MOAT_ASSERT(best > 0);
	moat_printf("BENCH guest_switch_%s_%s %lu instructions\n", name, FP_STRATEGY,
		    (unsigned long)best);
	moat_printf("BENCH guest_switch_%s_%s_mean %lu instructions\n", name, FP_STRATEGY,
		    (unsigned long)(sum / PV_SWITCH_ROUNDS));
}

int main(void *arg)
{
	moat_cptr_t ep, reply;

	rs_init(arg);
	ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	reply = rs_make(MOAT_OBJ_REPLY, 0);
	run(ep, reply, PV_MODE_SWITCH_FP, "fp_fp");
	run(ep, reply, PV_MODE_SWITCH_NOFP, "fp_nofp");
	moat_printf("bench: done\n");
	return 0;
}
