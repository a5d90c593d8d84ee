/*
 * The network switch of the qemu.guest_build test: it prints the table of
 * virtual NICs the root server gave it (system.cmake) and checks it: alpha's
 * port at its channel 0 with the MAC the description gives, beta's at its
 * channel 1 with the default (02:4d:4f:00:00:<guest index + 1>), and
 * nothing at the other entries.
 */
#include <moat/domain.h>
#include <moat/runtime.h>

/* The switch's channels: 0 to 'alpha', 1 to 'beta'. */
static const struct {
	const char *peer;
	uint8_t mac[6];
} ports[] = {
	{ "alpha", { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } },
	{ "beta", { 0x02, 0x4d, 0x4f, 0x00, 0x00, 0x02 } },
};

#define PORTS (sizeof(ports) / sizeof(ports[0]))

static bool same_name(const char *a, const char *b)
{
	for (unsigned i = 0; i < MOAT_DOMAIN_NAME_MAX; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return false;
}

static bool port_ok(const struct moat_domain_info *d, unsigned i)
{
	const struct moat_vnic_info *v = &d->vnic[i];
	const uint8_t *m = v->mac;
	bool ok = v->flags == (i < PORTS ? MOAT_VNIC_PRESENT : 0) && v->reserved == 0;

	for (unsigned k = 0; k < sizeof(v->mac); k++)
		ok = ok && m[k] == (i < PORTS ? ports[i].mac[k] : 0);
	if (i < PORTS) {
		ok = ok && same_name(d->channel[i].peer, ports[i].peer);
		moat_printf("vnic_probe: '%s': channel %u to '%s': MAC "
			    "%02x:%02x:%02x:%02x:%02x:%02x, flags 0x%x\n",
			    d->name, i, d->channel[i].peer, m[0], m[1], m[2], m[3], m[4], m[5],
			    v->flags);
	}
	return ok;
}

int main(void *arg)
{
	const struct moat_domain_info *d = arg;
	unsigned wrong = 0;

	for (unsigned i = 0; i < MOAT_DOMAIN_MAX_CHANNELS; i++)
		wrong += !port_ok(d, i);
	moat_printf("vnic_probe: '%s': %lu channels, %u vnic entries wrong: %s\n", d->name,
		    (unsigned long)d->channel_count, wrong,
		    d->channel_count == PORTS && wrong == 0 ? "ok" : "WRONG");
	for (;;)
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
