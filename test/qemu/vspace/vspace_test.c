/*
 * Address spaces from the root server's side: a new VSpace built from
 * page-table objects and frames, a child thread in it with a CSpace of
 * its own holding one endpoint and one reply object, IPC across the two
 * address spaces, the child's failure to use what it does not hold, the
 * child's fault on memory outside its VSpace delivered to its fault
 * handler (us), and Frame/PageTable errors.
 */
#include <moat/runtime.h>

#define CHILD_CODE 0x1000000ul
#define CHILD_STACK 0x1200000ul
#define ROOT_WINDOW 0x30000000ul
#define LABEL_DIE 200

/* The child: position independent, registers only, no runtime. */
__asm__(".section .text.child, \"ax\"\n"
	".global child_start\n"
	".global child_end\n"
	"child_start:\n"
	"	mov x0, #5\n mov x1, #0\n mov x7, #1\n svc #0\n" /* Call slot 5: empty */
	"	lsr x20, x1, #12\n"
	"	mov x0, #1\n mov x6, #2\n mov x7, #5\n svc #0\n" /* Recv(ep 1, reply 2) */
	"1:	lsr x9, x1, #12\n cmp x9, #200\n b.eq 2f\n"
	"	add x2, x2, #1\n mov x3, x20\n mov x1, #2\n"
	"	mov x0, #1\n mov x6, #2\n mov x7, #2\n svc #0\n b 1b\n" /* ReplyRecv */
	"2:	mov x9, #0x400000\n ldr x9, [x9]\n b 2b\n" /* the root's code: not ours */
	"child_end:\n"
	".text\n");
extern const char child_start[], child_end[];

static const struct moat_bootinfo *bi;
static moat_cptr_t next_free, ut;

static moat_cptr_t make(moat_word_t type, moat_word_t bits)
{
	moat_cptr_t s = next_free++;
	moat_word_t a[5] = { type, bits, MOAT_SLOT_ROOT_CNODE, s, 1 };

	MOAT_ASSERT_EQ(moat_invoke(ut, MOAT_UNTYPED_RETYPE, 5, a, 0, NULL), MOAT_OK);
	return s;
}

static enum moat_error map(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
			   moat_word_t rights, moat_word_t attr)
{
	moat_word_t a[3] = { va, rights, attr };

	moat_ipc_buffer->caps[0] = vspace;
	return moat_invoke(frame, MOAT_FRAME_MAP, 3, a, 1, NULL);
}

static enum moat_error map_table(moat_cptr_t pt, moat_cptr_t vspace, moat_word_t va)
{
	moat_ipc_buffer->caps[0] = vspace;
	return moat_invoke(pt, MOAT_PAGE_TABLE_MAP, 1, &va, 1, NULL);
}

static moat_cptr_t copy_cap(moat_cptr_t src, moat_word_t rights)
{
	moat_cptr_t d = next_free++;
	moat_word_t a[6] = { d, 64, src, 64, rights, 0 };

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_COPY, 5, a, 1, NULL), MOAT_OK);
	return d;
}

/* Builds the child's tables one level at a time, as the errors ask. */
static void build_tables(moat_cptr_t vs, moat_cptr_t frame, moat_word_t va)
{
	moat_word_t out[3];

	for (unsigned level = 1; level <= 3; level++) {
		MOAT_ASSERT_EQ(map(frame, vs, va, MOAT_RIGHT_READ, 0), MOAT_FAILED_LOOKUP);
		MOAT_ASSERT_EQ(moat_invoke(frame, MOAT_FRAME_MAP, 0, NULL, 0, out),
			       MOAT_TRUNCATED_MESSAGE);
		MOAT_ASSERT_EQ(map_table(make(MOAT_OBJ_PAGE_TABLE, 0), vs, va), MOAT_OK);
	}
}

static void check_map_errors(moat_cptr_t vs, moat_cptr_t code)
{
	moat_cptr_t ro = copy_cap(code, MOAT_RIGHT_READ), pt = make(MOAT_OBJ_PAGE_TABLE, 0);
	moat_cptr_t f = make(MOAT_OBJ_FRAME_4K, 0);

	MOAT_ASSERT_EQ(map(f, vs, CHILD_CODE + 4096, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE,
			   MOAT_FRAME_EXECUTE),
		       MOAT_INVALID_ARGUMENT); /* W^X */
	MOAT_ASSERT_EQ(map(f, vs, CHILD_CODE + 16, MOAT_RIGHT_READ, 0), MOAT_ALIGNMENT_ERROR);
	MOAT_ASSERT_EQ(map(f, vs, 1ul << 48, MOAT_RIGHT_READ, 0), MOAT_RANGE_ERROR);
	MOAT_ASSERT_EQ(map(f, vs, CHILD_CODE + 4096, MOAT_RIGHT_WRITE, 0), MOAT_INVALID_ARGUMENT);
	MOAT_ASSERT_EQ(map(f, vs, CHILD_CODE + 4096, MOAT_RIGHT_READ, MOAT_FRAME_DEVICE |
			   MOAT_FRAME_EXECUTE), MOAT_INVALID_ARGUMENT);
	MOAT_ASSERT_EQ(map(ro, vs, CHILD_CODE + 4096, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0),
		       MOAT_ILLEGAL_OPERATION); /* more rights than the capability */
	MOAT_ASSERT_EQ(map(ro, vs, CHILD_CODE, MOAT_RIGHT_READ, 0), MOAT_DELETE_FIRST);
	MOAT_ASSERT_EQ(map(ro, MOAT_SLOT_ROOT_TCB, CHILD_CODE, MOAT_RIGHT_READ, 0),
		       MOAT_INVALID_CAPABILITY);
	MOAT_ASSERT_EQ(map(code, vs, CHILD_CODE + 4096, MOAT_RIGHT_READ, 0),
		       MOAT_ILLEGAL_OPERATION); /* this capability is mapped already */
	MOAT_ASSERT_EQ(map_table(pt, vs, CHILD_CODE), MOAT_DELETE_FIRST);
}

/* A CSpace of 16 slots resolving all 64 bits: guard of 60 zero bits.
 * Slot 1: endpoint, 2: reply object, 3: fault endpoint (badge 0xfa). */
static moat_cptr_t child_cspace(moat_cptr_t ep, moat_cptr_t reply, moat_cptr_t fault)
{
	moat_cptr_t raw = make(MOAT_OBJ_CNODE, 4), cs = next_free++;
	moat_word_t mutate[6] = { cs, 64, raw, 64, 0, 60 };
	moat_word_t cp[5] = { 1, 64, ep, 64, MOAT_RIGHTS_ALL };

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_MUTATE, 6, mutate, 1, NULL),
		       MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(cs, MOAT_CNODE_COPY, 5, cp, 1, NULL), MOAT_OK);
	cp[0] = 2;
	cp[2] = reply;
	MOAT_ASSERT_EQ(moat_invoke(cs, MOAT_CNODE_COPY, 5, cp, 1, NULL), MOAT_OK);
	{
		moat_word_t mint[6] = { 3, 64, fault, 64, MOAT_RIGHT_WRITE, 0xfa };

		MOAT_ASSERT_EQ(moat_invoke(cs, MOAT_CNODE_MINT, 6, mint, 1, NULL), MOAT_OK);
	}
	return cs;
}

static void flush_code(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 4)
		__asm__ volatile("dc cvau, %0" ::"r"(p + i) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	for (size_t i = 0; i < n; i += 4)
		__asm__ volatile("ic ivau, %0" ::"r"(p + i) : "memory");
	__asm__ volatile("dsb ish; isb" ::: "memory");
}

int main(void *arg)
{
	moat_cptr_t vs, code, code_rw, stack, ep, reply, cs, tcb, fault, fault_reply;
	moat_word_t addr[3], addr2[3], fault_ep = 3;
	char *window = (char *)ROOT_WINDOW;
	struct moat_regs r;

	bi = arg;
	ut = bi->untyped_first + bi->untyped_count - 1;
	next_free = bi->empty_first;

	vs = make(MOAT_OBJ_VSPACE, 0);
	code = make(MOAT_OBJ_FRAME_4K, 0);
	stack = make(MOAT_OBJ_FRAME_4K, 0);
	build_tables(vs, code, CHILD_CODE);
	MOAT_ASSERT_EQ(map(code, vs, CHILD_CODE, MOAT_RIGHT_READ, MOAT_FRAME_EXECUTE), MOAT_OK);
	MOAT_ASSERT_EQ(map_table(make(MOAT_OBJ_PAGE_TABLE, 0), vs, CHILD_STACK), MOAT_OK);
	MOAT_ASSERT_EQ(map(stack, vs, CHILD_STACK, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0), MOAT_OK);
	check_map_errors(vs, code);

	/* The same frame, writable in our own space: load the child's code. */
	code_rw = copy_cap(code, MOAT_RIGHTS_ALL);
	MOAT_ASSERT_EQ(map(code_rw, MOAT_SLOT_ROOT_VSPACE, ROOT_WINDOW, MOAT_RIGHT_READ, 0),
		       MOAT_FAILED_LOOKUP);
	MOAT_ASSERT_EQ(map_table(make(MOAT_OBJ_PAGE_TABLE, 0), MOAT_SLOT_ROOT_VSPACE, ROOT_WINDOW),
		       MOAT_OK);
	MOAT_ASSERT_EQ(map(code_rw, MOAT_SLOT_ROOT_VSPACE, ROOT_WINDOW,
			   MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0),
		       MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(code, MOAT_FRAME_GET_ADDRESS, 0, NULL, 0, addr), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(code_rw, MOAT_FRAME_GET_ADDRESS, 0, NULL, 0, addr2), MOAT_OK);
	MOAT_ASSERT_EQ(addr[0], addr2[0]);
	MOAT_ASSERT(addr[0] >= 0x40000000 && (addr[0] & 0xfff) == 0);
	for (const char *p = child_start; p < child_end; p++)
		window[p - child_start] = *p;
	flush_code(window, (size_t)(child_end - child_start));

	ep = make(MOAT_OBJ_ENDPOINT, 0);
	reply = make(MOAT_OBJ_REPLY, 0);
	fault = make(MOAT_OBJ_ENDPOINT, 0);
	fault_reply = make(MOAT_OBJ_REPLY, 0);
	cs = child_cspace(ep, reply, fault);
	tcb = make(MOAT_OBJ_TCB, 0);
	moat_ipc_buffer->caps[0] = cs;
	moat_ipc_buffer->caps[1] = vs;
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_CONFIGURE, 1, &fault_ep, 2, NULL), MOAT_OK);
	{
		moat_word_t regs[2] = { CHILD_CODE, CHILD_STACK + 4096 };
		moat_word_t name[1];
		moat_word_t prio = 200;

		__builtin_memcpy(name, "child\0\0\0", 8);
		MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_WRITE_REGISTERS, 2, regs, 0, NULL), MOAT_OK);
		MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SET_NAME, 1, name, 0, NULL), MOAT_OK);
		MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL), MOAT_OK);
	}
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_RESUME, 0, NULL, 0, NULL), MOAT_OK);

	for (moat_word_t i = 0; i < 20; i++) {
		r = (struct moat_regs){ .x0 = ep, .info = moat_msginfo(1, 0, 0, 1), .mr = { i } };
		moat_syscall(MOAT_SYS_CALL, &r);
		MOAT_ASSERT_EQ(r.mr[0], i + 1);
		MOAT_ASSERT_EQ(r.mr[1], MOAT_FAILED_LOOKUP); /* slot 5 of its CSpace is empty */
	}
	moat_printf("vspace: 20 calls into another address space answered\n");

	/* Told to stop, the child reads our code, which it cannot see: its
	 * fault comes to us. Replying lets it retry (and fault again). */
	r = (struct moat_regs){ .x0 = ep, .info = moat_msginfo(LABEL_DIE, 0, 0, 0) };
	moat_syscall(MOAT_SYS_SEND, &r);
	for (unsigned i = 0; i < 2; i++) {
		r = (struct moat_regs){ .x0 = fault, .x6 = fault_reply };
		moat_syscall(i ? MOAT_SYS_REPLY_RECV : MOAT_SYS_RECV, &r);
		MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_FAULT_VM);
		MOAT_ASSERT_EQ(moat_msginfo_length(r.info), MOAT_FAULT_LENGTH);
		MOAT_ASSERT_EQ(r.x0, 0xfa);
		MOAT_ASSERT(r.mr[0] > CHILD_CODE && r.mr[0] < CHILD_CODE + 4096);
		MOAT_ASSERT_EQ(r.mr[1], 0x400000);
		MOAT_ASSERT_EQ(r.mr[2] >> 26, 0x24); /* data abort from EL0 */
		MOAT_ASSERT_EQ(r.mr[3], 0);          /* a read */
		r.info = 0;
	}
	moat_printf("vspace: child's fault at 0x%lx delivered twice to its handler\n",
		    (unsigned long)r.mr[1]);
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_READ_REGISTERS, 0, NULL, 0, addr), MOAT_OK);
	MOAT_ASSERT(addr[0] > CHILD_CODE && addr[0] < CHILD_CODE + 4096);
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SUSPEND, 0, NULL, 0, NULL), MOAT_OK);

	/* Unmapping takes effect: our window is gone (a read would fault). */
	MOAT_ASSERT_EQ(moat_invoke(code_rw, MOAT_FRAME_UNMAP, 0, NULL, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(map(code_rw, MOAT_SLOT_ROOT_VSPACE, ROOT_WINDOW, MOAT_RIGHT_READ, 0), MOAT_OK);
	MOAT_ASSERT_EQ((unsigned char)window[0], (unsigned char)child_start[0]);
	moat_printf("KTEST PASS\n");
	return 0;
}
