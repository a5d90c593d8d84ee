/*
 * Device memory and interrupts for a user-level driver, with QEMU's PL031
 * real-time clock as the device: device untyped from the boot info, a
 * device frame mapped uncached, IRQControl_Get, an IRQHandler signalling a
 * badged notification, the line masked until Ack, Clear, and the handler's
 * deletion freeing the line.
 */
#include "rs_test.h"

#define RTC_PA 0x09010000ul
#define RTC_IRQ 34
#define RTC_VA 0x10010000ul /* beside the IPC buffer: its page table exists */

/* PL031 registers. */
#define RTC_DR 0x00
#define RTC_MR 0x04
#define RTC_IMSC 0x10
#define RTC_RIS 0x14
#define RTC_ICR 0x1c

static volatile uint32_t *rtc = (volatile uint32_t *)RTC_VA;

static uint32_t reg(unsigned off)
{
	return rtc[off / 4];
}

static void set_reg(unsigned off, uint32_t v)
{
	rtc[off / 4] = v;
}

/* An alarm at the current second matches at once and raises the line. */
static void raise_alarm(void)
{
	for (unsigned i = 0; i < 5 && !(reg(RTC_RIS) & 1); i++)
		set_reg(RTC_MR, reg(RTC_DR));
	MOAT_ASSERT(reg(RTC_RIS) & 1);
}

static moat_cptr_t device_untyped(const struct moat_bootinfo *bi, uint64_t pa)
{
	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		if (bi->untyped[i].paddr == pa) {
			MOAT_ASSERT(bi->untyped[i].is_device);
			return bi->untyped_first + i;
		}
	}
	MOAT_ASSERT(!"device untyped for the RTC");
	return 0;
}

static enum moat_error retype(moat_cptr_t ut, moat_word_t type, moat_cptr_t slot)
{
	moat_word_t a[5] = { type, 0, MOAT_SLOT_ROOT_CNODE, slot, 1 };

	return moat_invoke(ut, MOAT_UNTYPED_RETYPE, 5, a, 0, NULL);
}

static enum moat_error irq_get(moat_word_t irq, moat_cptr_t slot)
{
	moat_word_t a[4] = { irq, MOAT_SLOT_ROOT_CNODE, slot, 64 };

	return moat_invoke(MOAT_SLOT_IRQ_CONTROL, MOAT_IRQ_CONTROL_GET, 4, a, 0, NULL);
}

static enum moat_error set_notification(moat_cptr_t handler, moat_cptr_t ntfn)
{
	moat_ipc_buffer->caps[0] = ntfn;
	return moat_invoke(handler, MOAT_IRQ_HANDLER_SET_NOTIFICATION, 0, NULL, 1, NULL);
}

static enum moat_error delete(moat_cptr_t slot)
{
	return moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_DELETE, 2, (moat_word_t[]){ slot, 64 },
			   0, NULL);
}

static void map_rtc(const struct moat_bootinfo *bi)
{
	moat_cptr_t ut = device_untyped(bi, RTC_PA), frame = rs_slot(), spare = rs_slot();
	moat_word_t out[3], a[3] = { RTC_VA, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, MOAT_FRAME_CACHED };

	/* Device memory holds frames only, and is never mapped cached. */
	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_NOTIFICATION, spare), MOAT_ILLEGAL_OPERATION);
	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_FRAME_4K, frame), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(frame, MOAT_FRAME_GET_ADDRESS, 0, NULL, 0, out), MOAT_OK);
	MOAT_ASSERT_EQ(out[0], RTC_PA);
	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_VSPACE;
	MOAT_ASSERT_EQ(moat_invoke(frame, MOAT_FRAME_MAP, 3, a, 1, NULL), MOAT_INVALID_ARGUMENT);
	a[2] = MOAT_FRAME_DEVICE;
	MOAT_ASSERT_EQ(moat_invoke(frame, MOAT_FRAME_MAP, 3, a, 1, NULL), MOAT_OK);
}

int main(void *arg)
{
	const struct moat_bootinfo *bi = arg;
	moat_cptr_t handler, again, ntfn, badged;

	rs_init(bi);
	map_rtc(bi);
	set_reg(RTC_IMSC, 1);
	set_reg(RTC_ICR, 1);

	handler = rs_slot();
	again = rs_slot();
	MOAT_ASSERT_EQ(irq_get(26, handler), MOAT_RANGE_ERROR);   /* the kernel's timer */
	MOAT_ASSERT_EQ(irq_get(5000, handler), MOAT_RANGE_ERROR); /* no such line */
	MOAT_ASSERT_EQ(irq_get(RTC_IRQ, MOAT_SLOT_ROOT_TCB), MOAT_DELETE_FIRST);
	MOAT_ASSERT_EQ(irq_get(RTC_IRQ, handler), MOAT_OK);
	MOAT_ASSERT_EQ(irq_get(RTC_IRQ, again), MOAT_REVOKE_FIRST); /* one handler per line */

	ntfn = rs_make(MOAT_OBJ_NOTIFICATION, 0);
	badged = rs_slot();
	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_MINT, 6,
				   (moat_word_t[]){ badged, 64, ntfn, 64, MOAT_RIGHT_WRITE, 0x40 }, 1,
				   NULL),
		       MOAT_OK);
	MOAT_ASSERT_EQ(set_notification(handler, MOAT_SLOT_ROOT_TCB), MOAT_INVALID_CAPABILITY);
	MOAT_ASSERT_EQ(set_notification(handler, badged), MOAT_OK);

	/* The interrupt arrives as the handler's badge. */
	raise_alarm();
	MOAT_ASSERT_EQ(moat_wait(ntfn), 0x40);
	/* Masked until Ack, even with the device still asserting the line. */
	MOAT_ASSERT_EQ(moat_poll(ntfn), 0);
	MOAT_ASSERT_EQ(moat_invoke(handler, MOAT_IRQ_HANDLER_ACK, 0, NULL, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_wait(ntfn), 0x40); /* still asserted: delivered again */
	/* Quiet the device, then Ack: nothing more. */
	set_reg(RTC_ICR, 1);
	MOAT_ASSERT_EQ(moat_invoke(handler, MOAT_IRQ_HANDLER_ACK, 0, NULL, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_poll(ntfn), 0);
	moat_printf("irq: RTC interrupt delivered as badge 0x40, masked until acknowledged\n");

	/* Cleared: the line is off. */
	MOAT_ASSERT_EQ(moat_invoke(handler, MOAT_IRQ_HANDLER_CLEAR, 0, NULL, 0, NULL), MOAT_OK);
	raise_alarm();
	MOAT_ASSERT_EQ(moat_poll(ntfn), 0);
	set_reg(RTC_ICR, 1);

	/* Deleting the handler frees the line for a new one. */
	MOAT_ASSERT_EQ(delete(handler), MOAT_OK);
	MOAT_ASSERT_EQ(irq_get(RTC_IRQ, again), MOAT_OK);
	MOAT_ASSERT_EQ(set_notification(again, badged), MOAT_OK);
	/* Deleting the notification stops delivery instead of leaving a dangling pointer. */
	MOAT_ASSERT_EQ(delete(badged), MOAT_OK);
	MOAT_ASSERT_EQ(delete(ntfn), MOAT_OK);
	raise_alarm();
	MOAT_ASSERT_EQ(moat_invoke(again, MOAT_IRQ_HANDLER_ACK, 0, NULL, 0, NULL), MOAT_OK);
	set_reg(RTC_ICR, 1);
	moat_printf("irq: clear, handler deletion and notification deletion unbind the line\n");
	moat_printf("KTEST PASS\n");
	return 0;
}
