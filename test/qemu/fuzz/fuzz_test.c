/*
 * The hostile-domain fuzzer. A thread with a CSpace of its own (every kind
 * of object capability in it) issues random system calls: random syscall
 * numbers, capability pointers, labels, arguments, message lengths, extra
 * capabilities and IPC-buffer contents. It runs above us, so we run only
 * when it blocks or stops; we then restart it (Suspend cancels whatever it
 * was blocked in), check that an echo server in another address space
 * still answers, and let it go on. The kernel, built with MOAT_INVARIANTS,
 * checks its invariants every 1024 system calls and panics if one breaks.
 */
#include "rs_test.h"

#ifndef FUZZ_CALLS
#define FUZZ_CALLS 100000
#endif
#define FUZZ_SEED 0x2545f4914f6cdd1dull
#define PRIO 100
#define HOSTILE_IPC 0x10020000ul /* beside our IPC buffer: the page table exists */
#define SLOTS_BITS 6

/* Echo server: slot 1 endpoint, slot 2 reply; answers with MR0 + 1. */
__asm__(".section .text.fuzz_echo, \"ax\"\n"
	".global echo_start\n"
	".global echo_end\n"
	"echo_start:\n"
	"	mov x0, #1\n mov x6, #2\n mov x7, #5\n svc #0\n"
	"1:	add x2, x2, #1\n mov x1, #1\n mov x0, #1\n mov x6, #2\n mov x7, #2\n svc #0\n"
	"	b 1b\n"
	"echo_end:\n"
	".text\n");
extern const char echo_start[], echo_end[];

static struct moat_ipc_buffer *const hbuf = (struct moat_ipc_buffer *)HOSTILE_IPC;
static volatile uint64_t calls;
static uint64_t rng = FUZZ_SEED;
static moat_cptr_t victim_ntfn;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Mostly a slot of its CSpace (often an occupied one), sometimes anything. */
static moat_word_t rnd_cptr(void)
{
	uint64_t r = rnd();

	if (r % 16 == 0)
		return rnd();
	return (r >> 8) % (r % 4 ? 16 : 1u << SLOTS_BITS);
}

static const moat_word_t labels[] = {
	MOAT_UNTYPED_RETYPE,	      MOAT_CNODE_COPY,
	MOAT_CNODE_MINT,	      MOAT_CNODE_MOVE,
	MOAT_CNODE_MUTATE,	      MOAT_CNODE_DELETE,
	MOAT_CNODE_REVOKE,	      MOAT_CNODE_IDENTIFY,
	MOAT_TCB_CONFIGURE,	      MOAT_TCB_SET_PRIORITY,
	MOAT_TCB_SET_MCP,	      MOAT_TCB_SET_SCHED_CONTEXT,
	MOAT_TCB_READ_REGISTERS,      MOAT_TCB_WRITE_REGISTERS,
	MOAT_TCB_RESUME,	      MOAT_TCB_SUSPEND,
	MOAT_TCB_BIND_NOTIFICATION,   MOAT_TCB_UNBIND_NOTIFICATION,
	MOAT_TCB_SET_NAME,	      MOAT_TCB_SET_VCPU,
	MOAT_FRAME_MAP,
	MOAT_FRAME_UNMAP,	      MOAT_FRAME_GET_ADDRESS,
	MOAT_PAGE_TABLE_MAP,	      MOAT_PAGE_TABLE_UNMAP,
	MOAT_IRQ_CONTROL_GET,	      MOAT_IRQ_HANDLER_SET_NOTIFICATION,
	MOAT_IRQ_HANDLER_ACK,	      MOAT_SCHED_CONTROL_CONFIGURE,
	MOAT_VCPU_INJECT_IRQ,	      MOAT_VCPU_RESET,
	MOAT_VCPU_READ_REGISTER,      MOAT_VCPU_WRITE_REGISTER,
};

static moat_word_t rnd_label(void)
{
	uint64_t r = rnd();

	return r % 8 ? labels[(r >> 8) % (sizeof(labels) / sizeof(labels[0]))] : (r >> 8) & 0xffff;
}

/* Arguments: small numbers (types, sizes, slots, depths) more often than not. */
static moat_word_t rnd_arg(void)
{
	uint64_t r = rnd();

	switch (r % 6) {
	case 0:
		return rnd();
	case 1:
		return 64;
	case 2:
		return (r >> 8) % 16;
	case 3:
		return ((r >> 8) % 64) << 12; /* page-aligned addresses */
	default:
		return (r >> 8) % 64;
	}
}

static const unsigned sysnos[] = {
	MOAT_SYS_CALL,	  MOAT_SYS_CALL,     MOAT_SYS_CALL,  MOAT_SYS_SEND, MOAT_SYS_NB_SEND,
	MOAT_SYS_RECV,	  MOAT_SYS_NB_RECV,  MOAT_SYS_REPLY, MOAT_SYS_REPLY_RECV,
	MOAT_SYS_YIELD,	  MOAT_SYS_SIGNAL,   MOAT_SYS_WAIT,  MOAT_SYS_POLL,
};

static unsigned rnd_sysno(void)
{
	uint64_t r = rnd();
	unsigned n = (unsigned)((r >> 8) % 128);

	if (r % 16)
		return sysnos[(r >> 16) % (sizeof(sysnos) / sizeof(sysnos[0]))];
	/* Any number, except the debug ones that would end or spam the run. */
	return n == MOAT_SYS_DEBUG_HALT || n == MOAT_SYS_DEBUG_PUTC ? MOAT_SYS_YIELD : n;
}

static void fill_ipc_buffer(void)
{
	for (unsigned i = 0; i < 8; i++)
		hbuf->msg[rnd() % MOAT_MSG_MAX_LENGTH] = rnd_arg();
	for (unsigned i = 0; i < MOAT_MSG_MAX_EXTRA_CAPS; i++)
		hbuf->caps[i] = rnd_cptr();
	hbuf->receive_cnode = rnd_cptr();
	hbuf->receive_index = rnd_arg();
	hbuf->receive_depth = rnd_arg();
}

static void hostile(moat_word_t unused)
{
	(void)unused;
	while (calls < FUZZ_CALLS) {
		struct moat_regs r;
		uint64_t shape = rnd();

		fill_ipc_buffer();
		r.x0 = rnd_cptr();
		r.info = shape % 16 ? moat_msginfo(rnd_label(), 0, (shape >> 8) % 4,
						   (unsigned)((shape >> 16) % 130))
				    : rnd();
		for (unsigned i = 0; i < MOAT_MSG_REGISTERS; i++)
			r.mr[i] = rnd_arg();
		r.x6 = rnd_cptr();
		calls++;
		moat_syscall(rnd_sysno(), &r);
	}
	/* Done: stop by faulting (no fault handler, so the kernel suspends us). */
	__asm__ volatile("str xzr, [%0]" ::"r"(8ul) : "memory");
}

static void victim(moat_word_t unused)
{
	(void)unused;
	for (;;)
		moat_wait(victim_ntfn);
}

static void copy_into(moat_cptr_t cnode, moat_word_t slot, moat_cptr_t src, moat_word_t rights,
		      moat_word_t label)
{
	moat_word_t a[6] = { slot, 64, src, 64, rights, 0x5 };

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(cnode, label, label == MOAT_CNODE_MOVE ? 4 : 6, a, 1, NULL),
		       MOAT_OK);
}

/* Its CSpace: every object type, some copies with fewer rights or badges. */
static moat_cptr_t hostile_cspace(void)
{
	moat_cptr_t raw = rs_make(MOAT_OBJ_CNODE, SLOTS_BITS), cs = rs_slot();
	moat_word_t mutate[6] = { cs, 64, raw, 64, 0, 64 - SLOTS_BITS };
	moat_cptr_t ep = rs_make(MOAT_OBJ_ENDPOINT, 0), ntfn = rs_make(MOAT_OBJ_NOTIFICATION, 0);
	moat_word_t sc_args[2] = { 1000, 10000 };
	moat_cptr_t sc = rs_make(MOAT_OBJ_SCHED_CONTEXT, 0);

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_MUTATE, 6, mutate, 1, NULL),
		       MOAT_OK);
	victim_ntfn = rs_make(MOAT_OBJ_NOTIFICATION, 0);
	copy_into(cs, 1, cs, MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	copy_into(cs, 2, ep, MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	copy_into(cs, 3, ntfn, MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	copy_into(cs, 4, rs_make(MOAT_OBJ_REPLY, 0), MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	copy_into(cs, 5, rs_thread(victim, 0, PRIO - 10), MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	copy_into(cs, 6, rs_make(MOAT_OBJ_UNTYPED, 16), 0, MOAT_CNODE_MOVE);
	copy_into(cs, 7, rs_make(MOAT_OBJ_FRAME_4K, 0), MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	copy_into(cs, 8, rs_make(MOAT_OBJ_PAGE_TABLE, 0), MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	copy_into(cs, 9, rs_make(MOAT_OBJ_VSPACE, 0), MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	moat_ipc_buffer->caps[0] = sc;
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_SCHED_CONTROL, MOAT_SCHED_CONTROL_CONFIGURE, 2, sc_args,
				   1, NULL),
		       MOAT_OK);
	copy_into(cs, 10, sc, MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	copy_into(cs, 11, ep, MOAT_RIGHT_WRITE, MOAT_CNODE_MINT);
	copy_into(cs, 12, rs_make(MOAT_OBJ_VCPU, 0), MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	copy_into(cs, 13, ntfn, MOAT_RIGHT_READ, MOAT_CNODE_COPY);
	copy_into(cs, 14, victim_ntfn, MOAT_RIGHT_WRITE, MOAT_CNODE_MINT);
	copy_into(cs, 15, rs_make(MOAT_OBJ_FRAME_4K, 0), MOAT_RIGHT_READ, MOAT_CNODE_COPY);
	copy_into(cs, 16, rs_make(MOAT_OBJ_GUEST_SPACE, 0), MOAT_RIGHTS_ALL, MOAT_CNODE_COPY);
	return cs;
}

static moat_word_t hostile_sp;

static moat_cptr_t hostile_thread(moat_cptr_t cs)
{
	moat_cptr_t tcb = rs_thread_in(hostile, 0, PRIO + 1, cs, HOSTILE_IPC, false);
	moat_word_t name = 0x656c6974736f68, regs[3]; /* "hostile" */

	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SET_NAME, 1, &name, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_READ_REGISTERS, 0, NULL, 0, regs), MOAT_OK);
	hostile_sp = regs[1];
	return tcb;
}

/* From the top of its loop: Suspend cancels any IPC it was blocked in. */
static void restart(moat_cptr_t tcb)
{
	moat_word_t regs[2] = { (moat_word_t)(uintptr_t)hostile, hostile_sp };

	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SUSPEND, 0, NULL, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_WRITE_REGISTERS, 2, regs, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_RESUME, 0, NULL, 0, NULL), MOAT_OK);
}

static void ping(moat_cptr_t ep, moat_word_t i)
{
	struct moat_regs r = { .x0 = ep, .info = moat_msginfo(1, 0, 0, 1), .mr = { i } };

	moat_syscall(MOAT_SYS_CALL, &r);
	MOAT_ASSERT_EQ(r.mr[0], i + 1);
}

int main(void *arg)
{
	moat_cptr_t echo_ep, echo_caps[2], tcb;
	moat_word_t prio = PRIO;
	uint64_t restarts = 0, pings = 0, next_report = FUZZ_CALLS / 5;

	rs_init(arg);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_TCB, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL),
		       MOAT_OK);
	echo_ep = rs_make(MOAT_OBJ_ENDPOINT, 0);
	echo_caps[0] = echo_ep;
	echo_caps[1] = rs_make(MOAT_OBJ_REPLY, 0);
	rs_child(echo_start, echo_end, echo_caps, 2, PRIO + 2);
	tcb = hostile_thread(hostile_cspace());
	moat_printf("fuzz: %u random system calls from a hostile thread, seed 0x%llx\n",
		    FUZZ_CALLS, FUZZ_SEED);

	/* We run only while it is blocked or stopped. */
	while (calls < FUZZ_CALLS) {
		ping(echo_ep, pings++);
		restart(tcb);
		restarts++;
		if (calls >= next_report) {
			moat_printf("fuzz: %lu calls, %lu restarts\n", calls, restarts);
			next_report += FUZZ_CALLS / 5;
		}
	}
	ping(echo_ep, pings++);
	moat_printf("fuzz: %lu calls done, %lu restarts, echo server answered all %lu pings\n",
		    calls, restarts, pings);
	moat_printf("KTEST PASS\n");
	return 0;
}
