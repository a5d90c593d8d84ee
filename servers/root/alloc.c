/* The root server's slots, objects and capability operations; see alloc.h. */
#include "alloc.h"

static const struct moat_bootinfo *bi;
static moat_cptr_t next_free, ram;

void alloc_init(const struct moat_bootinfo *info)
{
	bi = info;
	next_free = bi->empty_first;
	ram = bi->untyped_first + bi->untyped_count - 1; /* device regions come first */
}

const struct moat_bootinfo *alloc_bootinfo(void)
{
	return bi;
}

moat_cptr_t alloc_slot(void)
{
	return next_free <= bi->empty_last ? next_free++ : 0;
}

enum moat_error alloc_from(moat_cptr_t untyped, moat_word_t type, moat_word_t size_bits,
			   unsigned count, moat_cptr_t *first)
{
	moat_word_t a[5] = { type, size_bits, MOAT_SLOT_ROOT_CNODE, next_free, count };

	enum moat_error e;

	if (count == 0 || next_free + count - 1 > bi->empty_last)
		return MOAT_NOT_ENOUGH_MEMORY;
	if ((e = moat_invoke(untyped, MOAT_UNTYPED_RETYPE, 5, a, 0, NULL)) != MOAT_OK)
		return e;
	*first = next_free;
	next_free += count;
	return MOAT_OK;
}

enum moat_error alloc_objects(moat_word_t type, moat_word_t size_bits, unsigned count,
			      moat_cptr_t *first)
{
	return alloc_from(ram, type, size_bits, count, first);
}

static enum moat_error copy_or_mint(moat_word_t label, moat_cptr_t dest_cnode, moat_word_t index,
				    moat_cptr_t src, moat_word_t rights, moat_word_t badge)
{
	moat_word_t a[6] = { index, 64, src, 64, rights, badge };

	moat_ipc_buffer->caps[0] = MOAT_SLOT_ROOT_CNODE;
	return moat_invoke(dest_cnode, label, label == MOAT_CNODE_MINT ? 6 : 5, a, 1, NULL);
}

enum moat_error alloc_copy(moat_cptr_t dest_cnode, moat_word_t index, moat_cptr_t src,
			   moat_word_t rights, moat_word_t badge)
{
	return badge ? alloc_mint(dest_cnode, index, src, rights, badge)
		     : copy_or_mint(MOAT_CNODE_COPY, dest_cnode, index, src, rights, 0);
}

enum moat_error alloc_mint(moat_cptr_t dest_cnode, moat_word_t index, moat_cptr_t src,
			   moat_word_t rights, moat_word_t badge)
{
	return copy_or_mint(MOAT_CNODE_MINT, dest_cnode, index, src, rights, badge);
}

enum moat_error alloc_derive(moat_cptr_t src, moat_word_t rights, moat_word_t badge,
			     moat_cptr_t *out)
{
	if (!(*out = alloc_slot()))
		return MOAT_NOT_ENOUGH_MEMORY;
	return alloc_copy(MOAT_SLOT_ROOT_CNODE, *out, src, rights, badge);
}

enum moat_error alloc_delete(moat_cptr_t slot)
{
	moat_word_t a[2] = { slot, 64 };

	return moat_invoke(MOAT_SLOT_ROOT_CNODE, MOAT_CNODE_DELETE, 2, a, 0, NULL);
}
