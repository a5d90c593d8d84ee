/*
 * Capability transfer over IPC: a capability moves only with the grant
 * right on the sender's endpoint capability, only into the empty slot the
 * receiver names in its IPC buffer, and arrives as a child of the sender's
 * (so revoking the sender's removes it).
 */
#include "rs_test.h"

#define RECEIVER_IPC 0x10030000ul /* beside our IPC buffer: the page table exists */
#define PRIO 100

static struct moat_ipc_buffer *const rbuf = (struct moat_ipc_buffer *)RECEIVER_IPC;
static moat_cptr_t ep, landing;
static volatile moat_word_t got_info, got_badge;
static volatile unsigned received;

/* Receives forever into `landing`, recording what arrived. */
static void receiver(moat_word_t unused)
{
	(void)unused;
	for (;;) {
		struct moat_regs r = { .x0 = ep };

		rbuf->receive_cnode = MOAT_SLOT_ROOT_CNODE;
		rbuf->receive_index = landing;
		rbuf->receive_depth = 64;
		moat_syscall(MOAT_SYS_RECV, &r);
		got_info = r.info;
		got_badge = r.x0;
		received++;
	}
}

static moat_cptr_t mint(moat_cptr_t src, moat_word_t rights, moat_word_t badge)
{
	moat_cptr_t d = rs_slot();
	moat_word_t a[6] = { d, 64, src, 64, rights, badge };

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_MINT, 6, a, 1, NULL), MOAT_OK);
	return d;
}

/* Sends one message carrying `cap` through `via`; returns the arrived info. */
static moat_word_t send_cap(moat_cptr_t via, moat_cptr_t cap)
{
	unsigned before = received;

	moat_ipc_buffer->caps[0] = cap;
	moat_syscall(MOAT_SYS_SEND, &(struct moat_regs){ .x0 = via,
							 .info = moat_msginfo(7, 0, 1, 0) });
	MOAT_ASSERT_EQ(received, before + 1); /* it runs above us at once */
	return got_info;
}

static moat_word_t identify(moat_cptr_t slot, moat_word_t out[3])
{
	return moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_IDENTIFY, 2,
			   (moat_word_t[]){ slot, 64 }, 0, out);
}

int main(void *arg)
{
	moat_cptr_t ntfn, with_grant, without_grant, given;
	moat_word_t id[3], prio = PRIO;

	rs_init(arg);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_TCB, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL),
		       MOAT_OK);
	ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	landing = rs_slot();
	rs_thread_in(receiver, 0, PRIO + 1, MOAT_SLOT_ROOT_CNODE, RECEIVER_IPC, true);
	ntfn = rs_make(MOAT_OBJ_NOTIFICATION, 0);
	with_grant = mint(ep, MOAT_RIGHT_WRITE | MOAT_RIGHT_GRANT, 0x11);
	without_grant = mint(ep, MOAT_RIGHT_WRITE, 0x22);
	given = mint(ntfn, MOAT_RIGHT_WRITE, 0x33); /* what we hand over: badged, write only */

	/* No grant right: the message arrives, the capability does not. */
	MOAT_ASSERT_EQ(moat_msginfo_extra_caps(send_cap(without_grant, given)), 0);
	MOAT_ASSERT_EQ(got_badge, 0x22);
	MOAT_ASSERT_EQ(identify(landing, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_OBJ_NULL);

	/* With it: a copy lands in the named slot, rights and badge kept. */
	MOAT_ASSERT_EQ(moat_msginfo_extra_caps(send_cap(with_grant, given)), 1);
	MOAT_ASSERT_EQ(moat_msginfo_label(got_info), 7);
	MOAT_ASSERT_EQ(got_badge, 0x11);
	MOAT_ASSERT_EQ(identify(landing, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_OBJ_NOTIFICATION);
	MOAT_ASSERT_EQ(id[1], MOAT_RIGHT_WRITE);
	MOAT_ASSERT_EQ(id[2], 0x33);

	/* The landing slot is now occupied: the next transfer is dropped. */
	MOAT_ASSERT_EQ(moat_msginfo_extra_caps(send_cap(with_grant, given)), 0);
	/* A capability we do not hold cannot be sent. */
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_DELETE, 2,
				   (moat_word_t[]){ landing, 64 }, 0, NULL),
		       MOAT_OK);
	MOAT_ASSERT_EQ(moat_msginfo_extra_caps(send_cap(with_grant, rs_slot())), 0);
	MOAT_ASSERT_EQ(identify(landing, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_OBJ_NULL);

	/* The transferred copy is a child of ours: revoking ours removes it. */
	MOAT_ASSERT_EQ(moat_msginfo_extra_caps(send_cap(with_grant, given)), 1);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_REVOKE, 2,
				   (moat_word_t[]){ given, 64 }, 0, NULL),
		       MOAT_OK);
	MOAT_ASSERT_EQ(identify(landing, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_OBJ_NULL);
	moat_printf("grant: capabilities move only with the grant right, into the named slot\n");
	moat_printf("KTEST PASS\n");
	return 0;
}
