/*
 * A VMM for Moat's PV guest (guests/pv), as a root-server test: it loads
 * the guest's image into 32 pages of guest RAM, starts its vCPU in the
 * mode PV_VMM_MODE, and serves it: PSCI VERSION and SYSTEM_OFF, an
 * emulated device (a page of registers at PV_DEVICE_IPA: offset 0 reads
 * "MOAT", the rest read what was written), and an abort injected for
 * anything else. In test mode the guest checks every hypercall and
 * device path and reports its failures; in fuzz mode it makes 100,000
 * random hypercalls and accesses, and both the kernel and this VMM must
 * still be serving when it powers off. Its vCPU thread's CSpace is ours:
 * channel 7 (MOAT_GUEST_SLOT_CHANNEL(7), slot 9, free in the root's CNode)
 * holds a notification the test mode signals.
 */
#include <moat/hypercall.h>

#include "guest_common.h"
#include "pv_image.h"

#define PV_MODE_TEST 1
#define PV_DEVICE_IPA 0x50000000ul
#define PV_DEVICE_SIZE 0x1000ul
#define PSCI_VERSION 0x84000000ul
#define PSCI_SYSTEM_OFF 0x84000008ul
#define REPORT_FN 0xc600ff10ul
#define BADGE 3
#define CHANNEL_BADGE 0x50

static uint32_t device[PV_DEVICE_SIZE / 4];
static moat_word_t report[3];
static unsigned long served[4]; /* hypercalls, device reads, device writes, aborts */

/* The answer to one message: its label and MR0-MR3. */
struct answer {
	moat_word_t label, mr[4];
	unsigned length;
};

static struct answer hypercall(const moat_word_t *mr, bool *off)
{
	served[0]++;
	switch (mr[0]) {
	case PSCI_VERSION:
		return (struct answer){ .length = 1, .mr = { 0x10001 } }; /* PSCI 1.1 */
	case PSCI_SYSTEM_OFF:
		*off = true;
		return (struct answer){ 0 };
	case REPORT_FN:
		report[0] = mr[1], report[1] = mr[2], report[2] = mr[3];
		return (struct answer){ .length = 1, .mr = { 0 } };
	default:
		return (struct answer){ .length = 1, .mr = { ~0ul } }; /* NOT_SUPPORTED */
	}
}

static struct answer device_access(const moat_word_t *mr)
{
	moat_word_t off = mr[0] - PV_DEVICE_IPA;

	if (mr[0] < PV_DEVICE_IPA || off >= PV_DEVICE_SIZE || (off & 3)) {
		served[3]++;
		return (struct answer){ .label = MOAT_REPLY_INJECT_ABORT };
	}
	if (mr[1] & MOAT_MMIO_WRITE) {
		served[2]++;
		device[off / 4] = (uint32_t)mr[2];
		return (struct answer){ 0 };
	}
	served[1]++;
	return (struct answer){ .length = 1, .mr = { off == 0 ? 0x4d4f4154 : device[off / 4] } };
}

int main(void *arg)
{
	struct guest_image img = { pv_image_start, pv_image_end, 32, PV_VMM_MODE };
	moat_cptr_t ep, reply;
	struct moat_regs r;
	struct answer a = { 0 };
	bool first = true, off = false;

	moat_cptr_t ntfn;
	moat_word_t mint[6] = { MOAT_GUEST_SLOT_CHANNEL(7), 64, 0, 64, MOAT_RIGHT_WRITE,
				CHANNEL_BADGE };

	rs_init(arg);
	device[1] = 0;
	ntfn = rs_make(MOAT_OBJ_NOTIFICATION, 0);
	mint[2] = ntfn;
	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_MINT, 6, mint, 1, NULL), MOAT_OK);
	ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	reply = rs_make(MOAT_OBJ_REPLY, 0);
	moat_printf("vmm: PV guest image of %lu bytes, mode %lu\n",
		    (unsigned long)(pv_image_end - pv_image_start), (unsigned long)PV_VMM_MODE);
	guest_start_image(ep, &img, BADGE, 120, false, NULL);
	while (!off) {
		r = (struct moat_regs){ .x0 = ep, .x6 = reply,
					.info = moat_msginfo(a.label, 0, 0, a.length),
					.mr = { a.mr[0], a.mr[1], a.mr[2], a.mr[3] } };
		moat_syscall(first ? MOAT_SYS_RECV : MOAT_SYS_REPLY_RECV, &r);
		first = false;
		MOAT_ASSERT_EQ(r.x0, BADGE);
		switch (moat_msginfo_label(r.info)) {
		case MOAT_FAULT_GUEST_HVC:
			a = hypercall(r.mr, &off);
			break;
		case MOAT_FAULT_GUEST_MMIO:
			a = device_access(r.mr);
			break;
		default: /* any other fault: an abort for the guest to take */
			served[3]++;
			a = (struct answer){ .label = MOAT_REPLY_INJECT_ABORT };
			break;
		}
	}
	moat_printf("vmm: guest powered off; served %lu hypercalls, %lu device reads, %lu writes, "
		    "%lu aborts injected\n",
		    served[0], served[1], served[2], served[3]);
	if (PV_VMM_MODE == PV_MODE_TEST) {
		MOAT_ASSERT_EQ(report[0], 0); /* the guest's failures */
		MOAT_ASSERT_EQ(report[1], 1); /* the one abort it expected */
		MOAT_ASSERT_EQ(moat_poll(ntfn), CHANNEL_BADGE); /* its notify, once */
		moat_printf("vmm: the guest's notify arrived with badge 0x%x\n", CHANNEL_BADGE);
	} else {
		MOAT_ASSERT_EQ(report[0], 100000);
		MOAT_ASSERT(served[0] > 10000 && served[1] + served[2] > 1000 && served[3] > 1000);
	}
	moat_printf("KTEST PASS\n");
	return 0;
}
