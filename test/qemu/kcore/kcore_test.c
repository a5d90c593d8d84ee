/*
 * The kernel core from the root server's side: every invocation that
 * exists is exercised on its success path and on its documented errors.
 */
#include <moat/runtime.h>

static const struct moat_bootinfo *bi;
static moat_cptr_t next_free;

static moat_cptr_t slot(void)
{
	MOAT_ASSERT(next_free <= bi->empty_last);
	return next_free++;
}

static enum moat_error retype(moat_cptr_t ut, moat_word_t type, moat_word_t bits,
			      moat_cptr_t dest_cnode, moat_word_t index, moat_word_t count)
{
	moat_word_t a[5] = { type, bits, dest_cnode, index, count };

	return moat_invoke(ut, MOAT_UNTYPED_RETYPE, 5, a, 0, NULL);
}

/* CNode operations within the root CNode (which resolves 64 bits). */
static enum moat_error cnode_op(moat_word_t label, moat_cptr_t dest, moat_cptr_t src,
				moat_word_t rights, moat_word_t data)
{
	moat_word_t a[6] = { dest, 64, src, 64, rights, data };

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	return moat_invoke(MOAT_SLOT_ROOT_CNODE, label, 6, a, 1, NULL);
}

static enum moat_error identify(moat_cptr_t cnode, moat_cptr_t index, moat_word_t depth,
				moat_word_t out[3])
{
	moat_word_t a[2] = { index, depth };

	return moat_invoke(cnode, MOAT_CNODE_IDENTIFY, 2, a, 0, out);
}

static enum moat_error single(moat_word_t label, moat_cptr_t index)
{
	moat_word_t a[2] = { index, 64 };

	return moat_invoke(MOAT_SLOT_ROOT_CNODE, label, 2, a, 0, NULL);
}

static void check_bootinfo(void)
{
	moat_word_t id[3];

	MOAT_ASSERT_EQ(bi->magic, MOAT_BOOTINFO_MAGIC);
	MOAT_ASSERT(bi->untyped_count > 0);
	MOAT_ASSERT_EQ(bi->empty_first, bi->untyped_first + bi->untyped_count);
	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		MOAT_ASSERT_EQ(bi->untyped[i].paddr & ((1ull << bi->untyped[i].size_bits) - 1), 0);
		MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, bi->untyped_first + i, 64, id), MOAT_OK);
		MOAT_ASSERT_EQ(id[0], MOAT_OBJ_UNTYPED);
	}
	MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, MOAT_SLOT_ROOT_TCB, 64, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_OBJ_TCB);
	MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, MOAT_SLOT_IRQ_CONTROL, 64, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_CAP_IRQ_CONTROL);
	MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, bi->empty_first, 64, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_OBJ_NULL);
	next_free = bi->empty_first;
}

static void check_retype_errors(moat_cptr_t ut)
{
	moat_cptr_t s = next_free;
	moat_word_t short_args[4] = { MOAT_OBJ_ENDPOINT, 0, MOAT_SLOT_ROOT_CNODE, s };

	MOAT_ASSERT_EQ(retype(ut, 99, 0, MOAT_SLOT_ROOT_CNODE, s, 1), MOAT_INVALID_ARGUMENT);
	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_CNODE, 0, MOAT_SLOT_ROOT_CNODE, s, 1), MOAT_RANGE_ERROR);
	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_ENDPOINT, 0, MOAT_SLOT_ROOT_CNODE, s, 0), MOAT_RANGE_ERROR);
	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_ENDPOINT, 0, MOAT_SLOT_ROOT_CNODE, 4096, 1),
		       MOAT_RANGE_ERROR);
	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_ENDPOINT, 0, MOAT_SLOT_ROOT_CNODE,
			      MOAT_SLOT_ROOT_TCB, 1),
		       MOAT_DELETE_FIRST);
	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_ENDPOINT, 0, MOAT_SLOT_ROOT_TCB, s, 1),
		       MOAT_FAILED_LOOKUP);
	MOAT_ASSERT_EQ(moat_invoke(ut, MOAT_UNTYPED_RETYPE, 4, short_args, 0, NULL),
		       MOAT_TRUNCATED_MESSAGE);
	/* An empty slot, an address outside the CNode's guard, a wrong type. */
	MOAT_ASSERT_EQ(retype(s, MOAT_OBJ_ENDPOINT, 0, MOAT_SLOT_ROOT_CNODE, s, 1),
		       MOAT_FAILED_LOOKUP);
	MOAT_ASSERT_EQ(retype(1ull << 40, MOAT_OBJ_ENDPOINT, 0, MOAT_SLOT_ROOT_CNODE, s, 1),
		       MOAT_FAILED_LOOKUP);
	MOAT_ASSERT_EQ(retype(MOAT_SLOT_ROOT_TCB, MOAT_OBJ_ENDPOINT, 0, MOAT_SLOT_ROOT_CNODE, s, 1),
		       MOAT_ILLEGAL_OPERATION);
	MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, s, 64, (moat_word_t[3]){ 0 }), MOAT_OK);
}

static void check_untyped_accounting(moat_cptr_t ut)
{
	moat_cptr_t small = slot(), a = slot(), b = slot();

	/* A 64 KiB child untyped: one 64 KiB grandchild fits, a second does not. */
	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_UNTYPED, 16, MOAT_SLOT_ROOT_CNODE, small, 1), MOAT_OK);
	MOAT_ASSERT_EQ(retype(small, MOAT_OBJ_UNTYPED, 16, MOAT_SLOT_ROOT_CNODE, a, 1), MOAT_OK);
	MOAT_ASSERT_EQ(retype(small, MOAT_OBJ_ENDPOINT, 0, MOAT_SLOT_ROOT_CNODE, b, 1),
		       MOAT_NOT_ENOUGH_MEMORY);
	/* Untyped capabilities are never copied (two watermarks would overlap). */
	MOAT_ASSERT_EQ(cnode_op(MOAT_CNODE_COPY, b, small, MOAT_RIGHTS_ALL, 0),
		       MOAT_ILLEGAL_OPERATION);
	/* Revoke gives the memory back. */
	MOAT_ASSERT_EQ(single(MOAT_CNODE_REVOKE, small), MOAT_OK);
	MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, a, 64, (moat_word_t[3]){ 0 }), MOAT_OK);
	MOAT_ASSERT_EQ(retype(small, MOAT_OBJ_ENDPOINT, 0, MOAT_SLOT_ROOT_CNODE, b, 1), MOAT_OK);
	MOAT_ASSERT_EQ(single(MOAT_CNODE_DELETE, b), MOAT_OK);
}

static void check_cnode_and_badges(moat_cptr_t ut)
{
	moat_cptr_t n = slot(), ro = slot(), m = slot(), m2 = slot(), mv = slot();
	moat_word_t id[3];

	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_NOTIFICATION, 0, MOAT_SLOT_ROOT_CNODE, n, 1), MOAT_OK);
	/* Read-only copy: may wait, may not signal. */
	MOAT_ASSERT_EQ(cnode_op(MOAT_CNODE_COPY, ro, n, MOAT_RIGHT_READ, 0), MOAT_OK);
	MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, ro, 64, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_OBJ_NOTIFICATION);
	MOAT_ASSERT_EQ(id[1], MOAT_RIGHT_READ);
	moat_signal(ro);
	MOAT_ASSERT_EQ(moat_last_error(), MOAT_ILLEGAL_OPERATION);

	/* A badged mint: its signals arrive OR-ed together. */
	MOAT_ASSERT_EQ(cnode_op(MOAT_CNODE_MINT, m, n, MOAT_RIGHTS_ALL, 0x5), MOAT_OK);
	MOAT_ASSERT_EQ(cnode_op(MOAT_CNODE_MINT, m2, n, MOAT_RIGHTS_ALL, 0x30), MOAT_OK);
	MOAT_ASSERT_EQ(cnode_op(MOAT_CNODE_MINT, slot(), m, MOAT_RIGHTS_ALL, 0x1),
		       MOAT_ILLEGAL_OPERATION); /* already badged */
	MOAT_ASSERT_EQ(cnode_op(MOAT_CNODE_MINT, next_free, n, MOAT_RIGHTS_ALL, 1ull << 48),
		       MOAT_RANGE_ERROR);
	MOAT_ASSERT_EQ(moat_poll(n), 0);
	moat_signal(m);
	moat_signal(m2);
	MOAT_ASSERT_EQ(moat_poll(ro), 0x35);
	MOAT_ASSERT_EQ(moat_poll(n), 0);
	moat_signal(m);
	MOAT_ASSERT_EQ(moat_wait(n), 0x5); /* pending: no blocking */

	/* Move keeps the capability (and its badge), empties the source. */
	MOAT_ASSERT_EQ(cnode_op(MOAT_CNODE_MOVE, mv, m, 0, 0), MOAT_OK);
	MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, m, 64, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_OBJ_NULL);
	MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, mv, 64, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[2], 0x5);
	MOAT_ASSERT_EQ(cnode_op(MOAT_CNODE_MOVE, mv, m2, 0, 0), MOAT_DELETE_FIRST);
	MOAT_ASSERT_EQ(cnode_op(MOAT_CNODE_COPY, next_free, m, MOAT_RIGHTS_ALL, 0),
		       MOAT_FAILED_LOOKUP); /* empty source */

	/* Revoking the original removes every derived capability. */
	MOAT_ASSERT_EQ(single(MOAT_CNODE_REVOKE, n), MOAT_OK);
	for (moat_cptr_t c = ro; c <= mv; c++) {
		MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, c, 64, id), MOAT_OK);
		MOAT_ASSERT_EQ(id[0], MOAT_OBJ_NULL);
	}
	MOAT_ASSERT_EQ(identify(MOAT_SLOT_ROOT_CNODE, n, 64, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_OBJ_NOTIFICATION);
	MOAT_ASSERT_EQ(single(MOAT_CNODE_DELETE, n), MOAT_OK);
	MOAT_ASSERT_EQ(single(MOAT_CNODE_DELETE, n), MOAT_OK); /* deleting nothing is fine */
	moat_signal(n);
	MOAT_ASSERT_EQ(moat_last_error(), MOAT_INVALID_CAPABILITY);
}

static void check_second_level(moat_cptr_t ut)
{
	moat_cptr_t cn = slot();
	moat_word_t id[3];

	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_CNODE, 4, MOAT_SLOT_ROOT_CNODE, cn, 1), MOAT_OK);
	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_ENDPOINT, 0, cn, 15, 1), MOAT_OK);
	MOAT_ASSERT_EQ(retype(ut, MOAT_OBJ_ENDPOINT, 0, cn, 16, 1), MOAT_RANGE_ERROR);
	MOAT_ASSERT_EQ(identify(cn, 15, 4, id), MOAT_OK);
	MOAT_ASSERT_EQ(id[0], MOAT_OBJ_ENDPOINT);
	MOAT_ASSERT_EQ(identify(cn, 15, 5, id), MOAT_FAILED_LOOKUP); /* depth mismatch */
	MOAT_ASSERT_EQ(identify(cn, 15, 0, id), MOAT_RANGE_ERROR);
	/* Deleting the last capability to the CNode deletes what it held. */
	MOAT_ASSERT_EQ(single(MOAT_CNODE_DELETE, cn), MOAT_OK);
	MOAT_ASSERT_EQ(identify(cn, 15, 4, id), MOAT_FAILED_LOOKUP);
}

static void check_syscall_errors(void)
{
	struct moat_regs r = { .x0 = MOAT_SLOT_ROOT_CNODE };

	moat_syscall(200, &r);
	MOAT_ASSERT_EQ(moat_msginfo_label(r.info), MOAT_ILLEGAL_OPERATION);
	moat_wait(MOAT_SLOT_ROOT_TCB);
	MOAT_ASSERT_EQ(moat_last_error(), MOAT_INVALID_CAPABILITY);
	/* Invoking a capability the CNode does not have. */
	MOAT_ASSERT_EQ(moat_invoke(~0ull, MOAT_CNODE_COPY, 0, NULL, 0, NULL), MOAT_FAILED_LOOKUP);
}

int main(void *arg)
{
	moat_cptr_t ut;

	bi = arg;
	check_bootinfo();
	ut = bi->untyped_first + bi->untyped_count - 1;
	check_retype_errors(ut);
	check_untyped_accounting(ut);
	check_cnode_and_badges(ut);
	check_second_level(ut);
	check_syscall_errors();
	moat_printf("kcore: all checks passed\n");
	moat_printf("KTEST PASS\n");
	return 0;
}
