/*
 * A domain that checks what its system description gave it, and nothing
 * more: exactly the capabilities a domain with one channel holds, a
 * channel that works, and no way to reach another domain's device or
 * memory. It ends by touching the driver's device address, which is not
 * mapped here: the root server reports the fault and the driver carries on.
 */
#include <moat/domain.h>
#include <moat/runtime.h>

#define SHARED_MAGIC 0x5ca1ab1e

static unsigned failures;

static void check(bool ok, const char *what)
{
	moat_printf("probe: %s: %s\n", what, ok ? "ok" : "WRONG");
	failures += !ok;
}

/* Slot by slot: the type and rights this domain must hold (0: empty). */
static void check_cspace(void)
{
	unsigned held = 0, wrong = 0;
	moat_word_t type, rights;

	for (moat_cptr_t slot = 0; slot < MOAT_DOMAIN_CSPACE_SLOTS; slot++) {
		moat_word_t type, rights, want = 0, want_rights = 0;

		if (moat_identify(slot, &type, &rights) != MOAT_OK) {
			wrong++;
			continue;
		}
		if (slot == MOAT_DOMAIN_SLOT_ROOT)
			want = MOAT_OBJ_ENDPOINT, want_rights = MOAT_RIGHT_WRITE;
		else if (slot == MOAT_DOMAIN_SLOT_INBOX)
			want = MOAT_OBJ_NOTIFICATION, want_rights = MOAT_RIGHT_READ;
		else if (slot == MOAT_DOMAIN_SLOT_CHANNEL0)
			want = MOAT_OBJ_NOTIFICATION, want_rights = MOAT_RIGHT_WRITE;
		if (type != want || (want && rights != want_rights)) {
			moat_printf("probe: slot %lu holds type %lu rights %lu\n", slot, type, rights);
			wrong++;
		}
		held += type != 0;
	}
	moat_printf("probe: %u capabilities in %u slots\n", held, MOAT_DOMAIN_CSPACE_SLOTS);
	check(held == 3 && wrong == 0, "CSpace holds exactly its declared capabilities");
	/* An address beyond the 32 slots does not resolve: its guard bits are not zero. */
	check(moat_identify(MOAT_DOMAIN_CSPACE_SLOTS, &type, &rights) == MOAT_FAILED_LOOKUP,
	      "an address outside the CSpace fails to resolve");
}

/*
 * Every way to get at other frames: map or retype through any slot that is
 * not one of the three IPC capabilities checked above (a Call on those is
 * a message, not an invocation). All must fail.
 */
static void check_no_mapping(void)
{
	moat_word_t args[5] = { MOAT_DOMAIN_DEVICE, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE,
				MOAT_FRAME_DEVICE, 0, 1 };
	unsigned tried = 0, refused = 0;

	for (moat_cptr_t slot = 0; slot < MOAT_DOMAIN_CSPACE_SLOTS; slot++) {
		if (slot == MOAT_DOMAIN_SLOT_ROOT || slot == MOAT_DOMAIN_SLOT_INBOX ||
		    slot == MOAT_DOMAIN_SLOT_CHANNEL0)
			continue;
		moat_ipc_buffer->caps[0] = slot;
		refused += moat_invoke(slot, MOAT_FRAME_MAP, 3, args, 1, NULL) != MOAT_OK;
		refused += moat_invoke(slot, MOAT_UNTYPED_RETYPE, 5, args, 0, NULL) != MOAT_OK;
		tried += 2;
	}
	check(tried == 2 * (MOAT_DOMAIN_CSPACE_SLOTS - 3) && refused == tried, "mapping or retyping anything is refused");
}

int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	const struct moat_channel_info *c = &info->channel[0];
	volatile uint64_t *shared = (volatile uint64_t *)(uintptr_t)c->shared;

	moat_printf("probe: domain '%s', %lu channel(s), device %lx\n", info->name,
		    info->channel_count, info->device);
	check(info->magic == MOAT_DOMAIN_INFO_MAGIC && info->channel_count == 1 &&
		      info->device == 0 && c->shared_size == 4096 &&
		      c->signal_slot == MOAT_DOMAIN_SLOT_CHANNEL0,
	      "info page describes one channel and no device");
	check_cspace();
	check_no_mapping();
	shared[0] = SHARED_MAGIC;
	moat_signal(c->signal_slot);
	moat_printf("probe: %u check(s) failed\n", failures);
	moat_printf("probe: reading the driver's device address 0x%lx\n",
		    (unsigned long)MOAT_DOMAIN_DEVICE);
	return (int)*(volatile uint32_t *)(uintptr_t)MOAT_DOMAIN_DEVICE;
}
