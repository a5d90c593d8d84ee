/*
 * The IPC fastpaths (kernel/arch/aarch64/fastpath.S, kernel/src/fastpath.c)
 * keep the general path's semantics, in the cases they take and at their
 * edges: several servers queued on one endpoint (the queue stays FIFO as
 * they leave it and rejoin it at the tail), the badge and all four message
 * registers carried, a message too long for them (truncated for a receiver
 * without an IPC buffer, as the general path does), a server of lower
 * priority than a ready thread, and a sender already queued when the server
 * answers with ReplyRecv.
 */
#include "rs_test.h"

#define ROOT_PRIO 100
#define SERVERS 3
#define BADGE 0x55
#define LABEL 0x321

static moat_cptr_t ep, badged, replies[SERVERS];
static moat_cptr_t slow_ep, slow_reply, never;
static volatile moat_word_t client_got, client_done;

/* Answers every Call with its id, the badge, the sum of MR0-MR3 and the length. */
static void server(moat_word_t id)
{
	struct moat_regs r = { .x0 = ep, .x6 = replies[id] };

	moat_syscall(MOAT_SYS_RECV, &r);
	for (;;) {
		moat_word_t sum = r.mr[0] + r.mr[1] + r.mr[2] + r.mr[3];

		r = (struct moat_regs){ .x0 = ep, .x6 = replies[id],
					.info = moat_msginfo(moat_msginfo_label(r.info) + 1, 0, 0, 4),
					.mr = { id, r.x0, sum, moat_msginfo_length(r.info) } };
		moat_syscall(MOAT_SYS_REPLY_RECV, &r);
	}
}

static struct moat_regs call(moat_cptr_t to, unsigned length, moat_word_t base)
{
	struct moat_regs r = { .x0 = to, .info = moat_msginfo(LABEL, 0, 0, length),
			       .mr = { base, base + 1, base + 2, base + 3 } };

	moat_syscall(MOAT_SYS_CALL, &r);
	return r;
}

static void check_queue_order(void)
{
	moat_word_t mint[6] = { 0, 64, 0, 64, MOAT_RIGHTS_ALL, BADGE };

	ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	badged = mint[0] = rs_slot();
	mint[2] = ep;
	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_MINT, 6, mint, 1, NULL), MOAT_OK);
	for (unsigned i = 0; i < SERVERS; i++) {
		replies[i] = rs_make(MOAT_OBJ_REPLY, 0);
		rs_thread(server, i, ROOT_PRIO + 10); /* each runs into Recv: queued 0, 1, 2 */
	}
	for (moat_word_t n = 0; n < 30; n++) {
		struct moat_regs r = call(n % 2 ? badged : ep, 4, n * 10);

		MOAT_ASSERT_EQ(moat_msginfo_label(r.info), LABEL + 1);
		MOAT_ASSERT_EQ(moat_msginfo_length(r.info), 4);
		MOAT_ASSERT_EQ(r.mr[0], n % SERVERS); /* the head of the queue, FIFO */
		MOAT_ASSERT_EQ(r.mr[1], n % 2 ? BADGE : 0);
		MOAT_ASSERT_EQ(r.mr[2], 4 * n * 10 + 6);
		MOAT_ASSERT_EQ(r.mr[3], 4);
	}
	/*
	 * Five words: too long for the fastpaths. The general path delivers
	 * what the server, which has no IPC buffer, can take: four (abi.md).
	 */
	MOAT_ASSERT_EQ(call(ep, 5, 7).mr[3], 4);
	moat_printf("fastpath: 31 calls served by 3 queued servers in FIFO order\n");
}

/* A server below its callers' priority: every caller is queued before it runs. */
static void slow_server(moat_word_t unused)
{
	struct moat_regs r = { .x0 = slow_ep, .x6 = slow_reply };

	(void)unused;
	moat_syscall(MOAT_SYS_RECV, &r);
	for (;;) {
		r = (struct moat_regs){ .x0 = slow_ep, .x6 = slow_reply,
					.info = moat_msginfo(0, 0, 0, 1), .mr = { r.mr[0] * 2 } };
		moat_syscall(MOAT_SYS_REPLY_RECV, &r);
	}
}

static void client(moat_word_t unused)
{
	struct moat_regs r = { .x0 = slow_ep, .info = moat_msginfo(1, 0, 0, 1), .mr = { 21 } };

	(void)unused;
	moat_syscall(MOAT_SYS_CALL, &r);
	client_got = r.mr[0];
	client_done = 1;
	moat_wait(never); /* done: out of the way for good */
}

static void check_busy_server(void)
{
	struct moat_regs r;

	slow_ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	slow_reply = rs_make(MOAT_OBJ_REPLY, 0);
	never = rs_make(MOAT_OBJ_NOTIFICATION, 0);
	rs_thread(slow_server, 0, ROOT_PRIO - 10); /* not running yet: we are above it */
	/* The client, above us, calls first and queues: the server is not in Recv yet. */
	rs_thread(client, 0, ROOT_PRIO + 5);
	/*
	 * We queue behind it. The server then takes the client's message, and
	 * its ReplyRecv finds us waiting: the general path, not a fastpath.
	 */
	r = (struct moat_regs){ .x0 = slow_ep, .info = moat_msginfo(1, 0, 0, 1), .mr = { 50 } };
	moat_syscall(MOAT_SYS_CALL, &r);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), 0);
	MOAT_ASSERT_EQ(r.mr[0], 100);
	MOAT_ASSERT_EQ(client_done, 1);
	MOAT_ASSERT_EQ(client_got, 42);
	moat_printf("fastpath: a busy lower-priority server answers both of its callers\n");
}

int main(void *arg)
{
	moat_word_t prio = ROOT_PRIO;

	rs_init(arg);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_TCB, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL),
		       MOAT_OK);
	check_queue_order();
	check_busy_server();
	moat_printf("KTEST PASS\n");
	return 0;
}
