/*
 * The root server of the default system. It receives every capability the
 * kernel hands out at boot; for now it reports what it was given and then
 * waits (the system description that it will instantiate comes next).
 */
#include <moat/runtime.h>

int main(void *arg)
{
	const struct moat_bootinfo *bi = arg;
	uint64_t total = 0;
	moat_word_t args[5] = { MOAT_OBJ_NOTIFICATION, 0, MOAT_SLOT_ROOT_CNODE, 0, 1 };
	moat_cptr_t ntfn;

	if (bi->magic != MOAT_BOOTINFO_MAGIC) {
		moat_printf("root: bad boot info\n");
		return 2;
	}
	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		if (!bi->untyped[i].is_device)
			total += 1ull << bi->untyped[i].size_bits;
	}
	moat_printf("root: running at EL0, %lu untyped regions, %lu KiB free\n",
		    (unsigned long)bi->untyped_count, (unsigned long)(total >> 10));

	ntfn = bi->empty_first;
	args[3] = ntfn;
	/* The last untyped is RAM (device regions come first). */
	if (moat_invoke(bi->untyped_first + bi->untyped_count - 1, MOAT_UNTYPED_RETYPE, 5, args,
			0, NULL) != MOAT_OK) {
		moat_printf("root: cannot make a notification\n");
		return 2;
	}
	moat_printf("root: idle\n");
	for (;;)
		moat_wait(ntfn);
}
