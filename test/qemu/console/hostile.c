/*
 * A hostile console client of the `qemu.console` test: a chunk with a
 * length beyond the entry, then a producer index a whole ring ahead, and
 * a flood of signals. The console server must log and drop both and keep
 * serving the other clients.
 */
#include <moat/console.h>
#include <moat/domain.h>
#include <moat/runtime.h>

int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	const struct moat_channel_info *ch = &info->channel[0];
	struct pv_ring_header *out = (struct pv_ring_header *)(uintptr_t)ch->shared;
	struct moat_console con;
	struct moat_console_chunk bad = {.len = 200};

	if (moat_console_init(&con, 0)) {
		moat_printf("hostile: no console channel\n");
		return 1;
	}
	moat_console_write(&con, "hostile: a fair line first\n", 27);
	pv_ring_produce(&con.out, &bad, 1);
	moat_signal(ch->signal_slot);
	moat_yield();
	__atomic_store_n(&out->prod, out->prod + 2 * MOAT_CONSOLE_ENTRIES, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < 1000; i++)
		moat_signal(ch->signal_slot);
	moat_printf("hostile: done\n");
	for (;;)
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
