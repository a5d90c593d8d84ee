/* Root-server test helpers; see rs_test.h. */
#include "rs_test.h"

#define STACK_WORDS 1024
#define WINDOW 0x30000000ul /* where we write a child's code */

static const struct moat_bootinfo *info;
static moat_cptr_t next_free, untyped;
static unsigned threads;
static uint64_t stacks[RS_THREADS][STACK_WORDS] __attribute__((aligned(16)));

void rs_init(const struct moat_bootinfo *bi)
{
	info = bi;
	untyped = bi->untyped_first + bi->untyped_count - 1;
	next_free = bi->empty_first;
}

moat_cptr_t rs_slot(void)
{
	MOAT_ASSERT(next_free <= info->empty_last);
	return next_free++;
}

moat_cptr_t rs_make(moat_word_t type, moat_word_t size_bits)
{
	moat_cptr_t s = rs_slot();
	moat_word_t a[5] = { type, size_bits, MOAT_SLOT_ROOT_CNODE, s, 1 };

	MOAT_ASSERT_EQ(moat_invoke(untyped, MOAT_UNTYPED_RETYPE, 5, a, 0, NULL), MOAT_OK);
	return s;
}

static enum moat_error map(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
			   moat_word_t rights, moat_word_t attr);

moat_cptr_t rs_thread_in(void (*fn)(moat_word_t), moat_word_t arg, moat_word_t prio,
			 moat_cptr_t cspace, moat_word_t buffer_va, bool resume)
{
	moat_cptr_t t = rs_make(MOAT_OBJ_TCB, 0), buf = 0;
	moat_word_t fault_ep = 0;
	moat_word_t regs[3] = { (moat_word_t)(uintptr_t)fn, 0, arg };

	MOAT_ASSERT(threads < RS_THREADS);
	regs[1] = (moat_word_t)(uintptr_t)&stacks[threads++][STACK_WORDS];
	if (buffer_va) {
		buf = rs_make(MOAT_OBJ_FRAME_4K, 0);
		MOAT_ASSERT_EQ(map(buf, MOAT_SLOT_ROOT_VSPACE, buffer_va,
				   MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0),
			       MOAT_OK);
	}
	moat_ipc_buffer->caps[0] = cspace;
	moat_ipc_buffer->caps[1] = MOAT_SLOT_ROOT_VSPACE;
	moat_ipc_buffer->caps[2] = buf;
	MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_CONFIGURE, 1, &fault_ep, buf ? 3 : 2, NULL),
		       MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_WRITE_REGISTERS, 3, regs, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL), MOAT_OK);
	if (resume)
		MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_RESUME, 0, NULL, 0, NULL), MOAT_OK);
	return t;
}

moat_cptr_t rs_thread(void (*fn)(moat_word_t), moat_word_t arg, moat_word_t prio)
{
	return rs_thread_in(fn, arg, prio, MOAT_SLOT_ROOT_CNODE, 0, true);
}

uint64_t rs_us(uint64_t us)
{
	return us * info->timer_frequency / 1000000;
}

static enum moat_error map(moat_cptr_t frame, moat_cptr_t vspace, moat_word_t va,
			   moat_word_t rights, moat_word_t attr)
{
	moat_word_t a[3] = { va, rights, attr };

	moat_ipc_buffer->caps[0] = vspace;
	return moat_invoke(frame, MOAT_FRAME_MAP, 3, a, 1, NULL);
}

static void map_tables(moat_cptr_t vspace, moat_word_t va, unsigned levels)
{
	for (unsigned i = 0; i < levels; i++) {
		moat_ipc_buffer->caps[0] = vspace;
		MOAT_ASSERT_EQ(moat_invoke(rs_make(MOAT_OBJ_PAGE_TABLE, 0), MOAT_PAGE_TABLE_MAP, 1,
					   &va, 1, NULL),
			       MOAT_OK);
	}
}

static moat_cptr_t copy(moat_cptr_t dest_cnode, moat_word_t dest, moat_word_t depth,
			moat_cptr_t src)
{
	moat_word_t a[5] = { dest, depth, src, 64, MOAT_RIGHTS_ALL };

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(dest_cnode, MOAT_CNODE_COPY, 5, a, 1, NULL), MOAT_OK);
	return dest;
}

/* Writes code through a second mapping and makes it visible to fetches. */
void rs_load(moat_cptr_t frame, const char *start, const char *end)
{
	static bool window_table;
	char *w = (char *)WINDOW;
	moat_cptr_t rw = copy(MOAT_SLOT_ROOT_CNODE, rs_slot(), 64, frame);
	moat_word_t del[2] = { rw, 64 };

	if (!window_table) {
		map_tables(MOAT_SLOT_ROOT_VSPACE, WINDOW, 1);
		window_table = true;
	}
	MOAT_ASSERT_EQ(map(rw, MOAT_SLOT_ROOT_VSPACE, WINDOW, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0),
		       MOAT_OK);
	for (const char *p = start; p < end; p++)
		w[p - start] = *p;
	for (long i = 0; i < end - start; i += 4)
		__asm__ volatile("dc cvau, %0" ::"r"(w + i) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	for (long i = 0; i < end - start; i += 4)
		__asm__ volatile("ic ivau, %0" ::"r"(w + i) : "memory");
	__asm__ volatile("dsb ish; isb" ::: "memory");
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_DELETE, 2, del, 0, NULL),
		       MOAT_OK);
}

moat_cptr_t rs_child(const char *start, const char *end, const moat_cptr_t *caps, unsigned n,
		     moat_word_t prio)
{
	moat_cptr_t vs = rs_make(MOAT_OBJ_VSPACE, 0), code = rs_make(MOAT_OBJ_FRAME_4K, 0);
	moat_cptr_t raw = rs_make(MOAT_OBJ_CNODE, 4), cs = rs_slot(), tcb;
	moat_word_t mutate[6] = { cs, 64, raw, 64, 0, 60 }; /* guard: 60 zero bits */
	moat_word_t regs[2] = { RS_CHILD_CODE, 0 }, fault_ep = 0;

	MOAT_ASSERT(end - start <= 4096 && n < 16);
	map_tables(vs, RS_CHILD_CODE, 3);
	MOAT_ASSERT_EQ(map(code, vs, RS_CHILD_CODE, MOAT_RIGHT_READ, MOAT_FRAME_EXECUTE), MOAT_OK);
	rs_load(code, start, end);
	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_MUTATE, 6, mutate, 1, NULL),
		       MOAT_OK);
	for (unsigned i = 0; i < n; i++)
		copy(cs, i + 1, 64, caps[i]);
	tcb = rs_make(MOAT_OBJ_TCB, 0);
	moat_ipc_buffer->caps[0] = cs;
	moat_ipc_buffer->caps[1] = vs;
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_CONFIGURE, 1, &fault_ep, 2, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_WRITE_REGISTERS, 2, regs, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(tcb, MOAT_TCB_RESUME, 0, NULL, 0, NULL), MOAT_OK);
	return tcb;
}
