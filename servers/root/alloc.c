/* The root server's slots, objects and capability operations; see alloc.h. */
#include "alloc.h"

static const struct moat_bootinfo *bi;
static moat_cptr_t next_free;

/*
 * How far each untyped has been retyped: the kernel's watermark, mirrored
 * (Untyped_Retype aligns each object to its size). The root server never
 * deletes what it retypes, so the watermark only grows.
 */
static uint64_t used[MOAT_BOOTINFO_MAX_UNTYPED];

void alloc_init(const struct moat_bootinfo *info)
{
	bi = info;
	next_free = bi->empty_first;
}

const struct moat_bootinfo *alloc_bootinfo(void)
{
	return bi;
}

moat_cptr_t alloc_slot(void)
{
	return next_free <= bi->empty_last ? next_free++ : 0;
}

/* Bytes of one object, as the kernel counts them (kernel/src/object.c); 0: unknown. */
static uint64_t object_bytes(moat_word_t type, moat_word_t size_bits)
{
	switch (type) {
	case MOAT_OBJ_UNTYPED:
		return size_bits < 64 ? 1ull << size_bits : 0;
	case MOAT_OBJ_CNODE:
		return size_bits + MOAT_SLOT_SIZE_BITS < 64 ? 1ull << (size_bits + MOAT_SLOT_SIZE_BITS)
							     : 0;
	case MOAT_OBJ_TCB:
		return 1ull << MOAT_TCB_SIZE_BITS;
	case MOAT_OBJ_ENDPOINT:
	case MOAT_OBJ_NOTIFICATION:
	case MOAT_OBJ_REPLY:
		return 1ull << MOAT_ENDPOINT_SIZE_BITS;
	case MOAT_OBJ_SCHED_CONTEXT:
		return 1ull << MOAT_SCHED_CONTEXT_SIZE_BITS;
	case MOAT_OBJ_FRAME_2M:
		return 1ull << MOAT_FRAME_2M_SIZE_BITS;
	case MOAT_OBJ_FRAME_4K:
	case MOAT_OBJ_PAGE_TABLE:
	case MOAT_OBJ_VSPACE:
	case MOAT_OBJ_VCPU:
	case MOAT_OBJ_GUEST_SPACE:
		return 1ull << 12;
	default:
		return 0;
	}
}

_Static_assert(MOAT_NOTIFICATION_SIZE_BITS == MOAT_ENDPOINT_SIZE_BITS &&
		       MOAT_REPLY_SIZE_BITS == MOAT_ENDPOINT_SIZE_BITS,
	       "endpoints, notifications and replies share a size above");
_Static_assert(MOAT_PAGE_TABLE_SIZE_BITS == 12 && MOAT_VSPACE_SIZE_BITS == 12 &&
		       MOAT_VCPU_SIZE_BITS == 12 && MOAT_GUEST_SPACE_SIZE_BITS == 12 &&
		       MOAT_FRAME_4K_SIZE_BITS == 12,
	       "4 KiB objects above");

/* Where `count` objects of `bytes` each would start in untyped i, or ~0: they do not fit. */
static uint64_t fit(uint64_t i, uint64_t bytes, unsigned count)
{
	uint64_t size = 1ull << bi->untyped[i].size_bits;
	uint64_t start = (used[i] + bytes - 1) & ~(bytes - 1);

	if (start < used[i] || start > size || count > (size - start) / bytes)
		return ~0ull;
	return start;
}

enum moat_error alloc_from(moat_cptr_t untyped, moat_word_t type, moat_word_t size_bits,
			   unsigned count, moat_cptr_t *first)
{
	moat_word_t a[5] = { type, size_bits, MOAT_SLOT_ROOT_CNODE, next_free, count };
	uint64_t i = untyped - bi->untyped_first, bytes = object_bytes(type, size_bits);
	enum moat_error e;

	if (count == 0 || next_free + count - 1 > bi->empty_last)
		return MOAT_NOT_ENOUGH_MEMORY;
	if ((e = moat_invoke(untyped, MOAT_UNTYPED_RETYPE, 5, a, 0, NULL)) != MOAT_OK)
		return e;
	if (i < bi->untyped_count && i < MOAT_BOOTINFO_MAX_UNTYPED && bytes) {
		uint64_t start = fit(i, bytes, count);

		/* The kernel knows better should the mirror disagree: count it full. */
		used[i] = start == ~0ull ? 1ull << bi->untyped[i].size_bits : start + count * bytes;
	}
	*first = next_free;
	next_free += count;
	return MOAT_OK;
}

/* First fit over the RAM untyped, in the order the kernel lists them. */
enum moat_error alloc_objects(moat_word_t type, moat_word_t size_bits, unsigned count,
			      moat_cptr_t *first)
{
	uint64_t bytes = object_bytes(type, size_bits);

	if (!bytes)
		return MOAT_INVALID_ARGUMENT;
	for (uint64_t i = 0; i < bi->untyped_count && i < MOAT_BOOTINFO_MAX_UNTYPED; i++) {
		if (!bi->untyped[i].is_device && fit(i, bytes, count) != ~0ull)
			return alloc_from(bi->untyped_first + i, type, size_bits, count, first);
	}
	return MOAT_NOT_ENOUGH_MEMORY;
}

uint64_t alloc_free_bytes(void)
{
	uint64_t free = 0;

	for (uint64_t i = 0; i < bi->untyped_count && i < MOAT_BOOTINFO_MAX_UNTYPED; i++) {
		if (!bi->untyped[i].is_device)
			free += (1ull << bi->untyped[i].size_bits) - used[i];
	}
	return free;
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
