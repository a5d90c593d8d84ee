/* Giving out the virtual NICs; see vnics.h. */
#include "vnics.h"

#include <moat/vmm.h>

#include "domains.h"
#include "guests.h"

/*
 * The NIC in its switch's info, at the switch's index of the channel to
 * the guest's VMM (end b of that channel), and in the VMM's info.
 */
static const char *describe(const struct sys_vnic *v)
{
	const struct sys_channel *c =
		v->channel < sys_channel_count ? &sys_channels[v->channel] : NULL;
	struct domain *server = domains_get(v->server);
	struct moat_vmm_info *info = guests_info(v->guest);
	struct moat_vnic_info *port;
	unsigned is, ig;

	if (!server || !info)
		return "its switch or its VMM was not made";
	if (!c || !c->b_guest || c->a != v->server || c->b != v->guest)
		return "the description names no channel between its switch and its VMM";
	if (!domains_channel_ends(v->channel, &is, &ig))
		return "the channel between its switch and its VMM was not made";
	port = &server->info.vnic[is];
	*port = (struct moat_vnic_info){ .flags = MOAT_VNIC_PRESENT };
	for (unsigned k = 0; k < sizeof(v->mac); k++) {
		port->mac[k] = v->mac[k];
		info->mac[k] = v->mac[k];
	}
	info->net_channel = ig + 1;
	info->flags |= MOAT_VMM_FLAG_NET;
	return NULL;
}

void vnics_give(void)
{
	for (unsigned i = 0; i < sys_vnic_count; i++) {
		const struct sys_vnic *v = &sys_vnics[i];
		const char *guest = v->guest < sys_guest_count ? sys_guests[v->guest].name : "?";
		const char *err = v->server < sys_domain_count && v->guest < sys_guest_count
					  ? describe(v)
					  : "it names no such guest or switch";
		const uint8_t *m = v->mac;

		if (err) {
			moat_printf("root: guest '%s' has no virtual NIC: %s\n", guest, err);
			continue;
		}
		moat_printf("root: guest '%s' has a virtual NIC %02x:%02x:%02x:%02x:%02x:%02x on "
			    "'%s'\n",
			    guest, m[0], m[1], m[2], m[3], m[4], m[5], sys_domains[v->server].name);
	}
}
