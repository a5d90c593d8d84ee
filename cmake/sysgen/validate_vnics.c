/*
 * Checks on virtual NICs (see validate.h): each names a guest and a
 * network switch that exist, a plain domain as the switch, a MAC that is
 * six hex bytes, unicast and not all zero, and no other vnic's (the
 * defaults included), one vnic per guest, and a channel between switch
 * and guest that can carry the frame rings (moat/net.h).
 */
#include <stdio.h>
#include <string.h>

#include "validate.h"

#define NET_SHARED_BYTES 98304ull /* moat/net.h: MOAT_NET_SHARED_BYTES */
#define MAC_TEXT	 18	  /* "aa:bb:cc:dd:ee:ff" and its NUL */

typedef unsigned long long ull;

static bool present(const struct desc_decl *decl, enum desc_field f)
{
	return decl->present & (1u << f);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "aa:bb:cc:dd:ee:ff", exactly: two hex digits a byte, ':' between. */
static bool parse_mac(const char *text, uint8_t mac[6])
{
	if (strlen(text) != MAC_TEXT - 1)
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit(text[3 * i]), lo = hex_digit(text[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static void format_mac(const uint8_t mac[6], char text[MAC_TEXT])
{
	snprintf(text, MAC_TEXT, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

bool validate_vnic_mac(const struct desc *desc, const struct desc_decl *v, uint8_t mac[6])
{
	const struct desc_decl *g = desc_find(desc, v->name);
	size_t index;

	if (present(v, DESC_F_MAC))
		return desc_has(v, DESC_F_MAC) && parse_mac(desc_text(v, DESC_F_MAC, ""), mac);
	if (!g || g->kind != DESC_GUEST)
		return false;
	index = desc_domain_index(desc, g);
	memcpy(mac, (const uint8_t[6]){ 0x02, 0x4d, 0x4f, 0, 0, (uint8_t)(index + 1) }, 6);
	return true;
}

static void check_mac(const struct desc_decl *v, struct diag *d)
{
	const char *text = desc_text(v, DESC_F_MAC, NULL);
	uint8_t mac[6];

	if (!text)
		return;
	if (!parse_mac(text, mac)) {
		diag_error(d, v->where,
			   "vnic '%s': mac '%s' is not six hex bytes separated by ':' "
			   "(aa:bb:cc:dd:ee:ff)",
			   v->name, text);
		return;
	}
	if (mac[0] & 1)
		diag_error(d, v->where,
			   "vnic '%s': mac %s is a multicast address (the low bit of its first "
			   "byte is set); a guest's MAC is unicast",
			   v->name, text);
	else if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		diag_error(d, v->where, "vnic '%s': mac %s is all zero", v->name, text);
}

/* The switch: a plain domain, not a driver or a guest. */
static const struct validate_served served = {
	.kind = "vnic",
	.verb = "switch it",
	.server = "a network switch",
	.over = "the NIC is a port of the switch over it",
	.rings = "frame",
	.shared = NET_SHARED_BYTES,
};



/* Against the vnics before it: one per guest, no MAC twice. */
static void check_others(const struct desc *desc, size_t i, struct diag *d)
{
	const struct desc_decl *v = &desc->decls[i];
	uint8_t mac[6], other[6];
	bool has_mac = validate_vnic_mac(desc, v, mac);
	char text[MAC_TEXT];

	for (size_t j = 0; j < i; j++) {
		const struct desc_decl *o = &desc->decls[j];

		if (o->kind != DESC_VNIC)
			continue;
		if (!strcmp(o->name, v->name)) {
			diag_error(d, v->where,
				   "vnic '%s': guest '%s' already has a virtual NIC (%s); at most "
				   "one per guest",
				   v->name, v->name, o->where);
		} else if (has_mac && validate_vnic_mac(desc, o, other) && !memcmp(mac, other, 6)) {
			format_mac(mac, text);
			diag_error(d, v->where, "vnic '%s': mac %s is vnic '%s''s too (%s)%s",
				   v->name, text, o->name, o->where,
				   present(v, DESC_F_MAC) && present(o, DESC_F_MAC)
					   ? ""
					   : " (a vnic without mac has 02:4d:4f:00:00:<its guest's "
					     "index + 1>)");
		}
	}
}

void validate_vnics(const struct desc *desc, struct diag *d)
{
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *v = &desc->decls[i];
		const struct desc_decl *s, *g;

		if (v->kind != DESC_VNIC)
			continue;
		g = desc_find(desc, v->name);
		if (!g || g->kind != DESC_GUEST) {
			diag_error(d, v->where, "vnic '%s': no guest named '%s'", v->name, v->name);
			g = NULL;
		}
		check_mac(v, d);
		s = validate_server(desc, v, &served, d);
		if (s && g)
			validate_server_channel(desc, v, s, &served, d);
		check_others(desc, i, d);
	}
}
