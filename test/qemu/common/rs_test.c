/* Root-server test helpers; see rs_test.h. */
#include "rs_test.h"

#define STACK_WORDS 1024

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

moat_cptr_t rs_thread(void (*fn)(moat_word_t), moat_word_t arg, moat_word_t prio)
{
	moat_cptr_t t = rs_make(MOAT_OBJ_TCB, 0);
	moat_word_t fault_ep = 0;
	moat_word_t regs[3] = { (moat_word_t)(uintptr_t)fn, 0, arg };

	MOAT_ASSERT(threads < RS_THREADS);
	regs[1] = (moat_word_t)(uintptr_t)&stacks[threads++][STACK_WORDS];
	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	moat_ipc_buffer->caps[1] = MOAT_SLOT_ROOT_VSPACE;
	MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_CONFIGURE, 1, &fault_ep, 2, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_WRITE_REGISTERS, 3, regs, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL), MOAT_OK);
	MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_RESUME, 0, NULL, 0, NULL), MOAT_OK);
	return t;
}

uint64_t rs_us(uint64_t us)
{
	return us * info->timer_frequency / 1000000;
}
