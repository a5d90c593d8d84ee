/*
 * The kernel log from the root server's side (docs/console.md): its frame
 * maps read-only only, KLog cannot be copied and KLog_Attach checks its
 * argument; DebugPutc bytes are records naming the thread; after the
 * Attach the kernel no longer prints (the lines written then must not
 * reach the UART: the test forbids them), signals the notification for a
 * line and for half a ring without one, and never waits for a reader. The
 * verdict after the Attach is the exit status: DebugHalt still prints.
 */
#include <moat/klog.h>

#include "rs_test.h"

#define KLOG_VA 0x10010000ul /* beside the IPC buffer: its page table exists */
#define BADGE 0x50

static const struct moat_klog *ring = (const struct moat_klog *)KLOG_VA;

/* The last n bytes before head equal s. */
static bool ends_with(const char *s, size_t n)
{
	uint64_t head = ring->head;

	for (size_t i = 0; i < n; i++) {
		if (ring->data[(head - n + i) % MOAT_KLOG_DATA] != (uint8_t)s[i])
			return false;
	}
	return true;
}

static enum moat_error copy(moat_cptr_t dst, moat_cptr_t src, moat_word_t rights,
			    moat_word_t badge)
{
	moat_word_t a[6] = { dst, 64, src, 64, rights, badge };

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	return moat_invoke(MOAT_SLOT_ROOT_CNODE, badge ? MOAT_CNODE_MINT : MOAT_CNODE_COPY, 6, a,
			   1, NULL);
}

static enum moat_error map(moat_cptr_t frame, moat_word_t rights)
{
	moat_word_t a[3] = { KLOG_VA, rights, MOAT_FRAME_CACHED };

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_VSPACE;
	return moat_invoke(frame, MOAT_FRAME_MAP, 3, a, 1, NULL);
}

static enum moat_error attach(moat_cptr_t ntfn, moat_word_t label)
{
	moat_ipc_buffer->caps[0] = ntfn;
	return moat_invoke(MOAT_SLOT_KLOG, label, 0, NULL, ntfn ? 1 : 0, NULL);
}

int main(void *arg)
{
	static const char rec[] = "\x01" "root\x02" "klog: a record\n";
	static const char after[] = "\x01" "root\x02" "klog: after the handover\n";
	moat_cptr_t frame, ntfn, reader, read_only;
	uint64_t head;

	rs_init(arg);
	frame = rs_slot();
	MOAT_ASSERT(copy(rs_slot(), MOAT_SLOT_KLOG, MOAT_RIGHTS_ALL, 0) != MOAT_OK);
	MOAT_ASSERT_EQ(copy(frame, MOAT_SLOT_KLOG_FRAME, MOAT_RIGHTS_ALL, 0), MOAT_OK);
	MOAT_ASSERT_EQ(map(frame, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE), MOAT_ILLEGAL_OPERATION);
	MOAT_ASSERT_EQ(map(frame, MOAT_RIGHT_READ), MOAT_OK);
	MOAT_ASSERT_EQ(ring->magic, MOAT_KLOG_MAGIC);
	MOAT_ASSERT_EQ(ring->flags, 0);
	moat_printf("klog: a record\n");
	MOAT_ASSERT(ends_with(rec, sizeof(rec) - 1));

	ntfn = rs_make(MOAT_OBJ_NOTIFICATION, 0);
	reader = rs_slot();
	read_only = rs_slot();
	MOAT_ASSERT_EQ(copy(reader, ntfn, MOAT_RIGHTS_ALL, BADGE), MOAT_OK);
	MOAT_ASSERT_EQ(copy(read_only, ntfn, MOAT_RIGHT_READ, 0), MOAT_OK);
	MOAT_ASSERT_EQ(attach(0, MOAT_KLOG_ATTACH), MOAT_INVALID_CAPABILITY);
	MOAT_ASSERT_EQ(attach(frame, MOAT_KLOG_ATTACH), MOAT_INVALID_CAPABILITY);
	MOAT_ASSERT_EQ(attach(read_only, MOAT_KLOG_ATTACH), MOAT_ILLEGAL_OPERATION);
	MOAT_ASSERT_EQ(attach(reader, MOAT_KLOG_ATTACH + 1), MOAT_ILLEGAL_OPERATION);
	MOAT_ASSERT_EQ(ring->flags, 0);
	moat_printf("klog: frame read-only, KLog not copied, bad attaches refused: ok\n");

	head = ring->head;
	MOAT_ASSERT_EQ(attach(reader, MOAT_KLOG_ATTACH), MOAT_OK);
	MOAT_ASSERT_EQ(ring->flags, MOAT_KLOG_ATTACHED);
	MOAT_ASSERT_EQ(ring->attached_at, head);
	MOAT_ASSERT_EQ(moat_poll(ntfn), 0);
	moat_printf("klog: after the handover\n");
	MOAT_ASSERT(ends_with(after, sizeof(after) - 1));
	MOAT_ASSERT_EQ(moat_poll(ntfn), BADGE);

	/* No newline, no signal; until half a ring has been written. */
	for (unsigned i = 0; i < MOAT_KLOG_DATA / 2 - 64; i++)
		moat_putc('x');
	MOAT_ASSERT_EQ(moat_poll(ntfn), 0);
	for (unsigned i = 0; i < 128; i++)
		moat_putc('x');
	MOAT_ASSERT_EQ(moat_poll(ntfn), BADGE);
	/* Three rings more with nobody reading: the kernel overwrites. */
	head = ring->head;
	for (unsigned i = 0; i < 3 * MOAT_KLOG_DATA; i++)
		moat_putc('x');
	MOAT_ASSERT_EQ(ring->head - head, 3 * MOAT_KLOG_DATA);
	moat_printf("\n");
	return 0;
}
