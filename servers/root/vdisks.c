/* Giving out the virtual disks; see vdisks.h. */
#include "vdisks.h"

#include <moat/blk.h>

#include "domains.h"
#include "guests.h"
#include "space.h"

#define BLOCK SPACE_LARGE_PAGE /* guest RAM: 2 MiB frames, moat_vmm_info.ram_pa[] */

_Static_assert(sizeof(struct moat_blk_ranges) <= SPACE_PAGE, "block ranges fit one page");

/* Vdisk i was given out: its server, its VMM and the channel between them are there. */
static bool given[GUESTS_MAX];

/*
 * The disk in its backend's info, at the backend's index of the channel to
 * the guest's VMM (end b of that channel), and in the VMM's info.
 */
static const char *describe(const struct sys_vdisk *v)
{
	const struct sys_channel *c =
		v->channel < sys_channel_count ? &sys_channels[v->channel] : NULL;
	struct domain *server = domains_get(v->server);
	struct moat_vmm_info *info = guests_info(v->guest);
	unsigned is, ig;

	if (!server || !info)
		return "its server or its VMM was not made";
	if (!c || !c->b_guest || c->a != v->server || c->b != v->guest)
		return "the description names no channel between its server and its VMM";
	if (!domains_channel_ends(v->channel, &is, &ig))
		return "the channel between its server and its VMM was not made";
	server->info.vdisk[is] = (struct moat_vdisk_info){
		.first = v->first,
		.sectors = v->sectors,
		.flags = v->read_only ? MOAT_VDISK_READ_ONLY : 0,
	};
	info->blk_channel = ig + 1;
	info->disk_sectors = v->sectors;
	info->disk_flags = v->read_only ? MOAT_VDISK_READ_ONLY : 0;
	return NULL;
}

/* Channel c joins domains x and y (not a guest's VMM) and was made. */
static bool joins(unsigned c, unsigned x, unsigned y)
{
	const struct sys_channel *ch = &sys_channels[c];
	unsigned ia, ib;

	return !ch->b_guest && ((ch->a == x && ch->b == y) || (ch->a == y && ch->b == x)) &&
	       domains_channel_ends(c, &ia, &ib);
}

static bool has_channel(unsigned x, unsigned y)
{
	for (unsigned c = 0; c < sys_channel_count; c++) {
		if (joins(c, x, y))
			return true;
	}
	return false;
}

/* Guest RAM of vdisk i's client, in physically contiguous runs. */
static const char *add_ranges(struct moat_blk_ranges *r, unsigned i)
{
	const struct sys_vdisk *v = &sys_vdisks[i];
	const struct moat_vmm_info *info = guests_info(v->guest);
	unsigned is, ig;
	uint64_t blocks = info->ram_size / BLOCK;

	domains_channel_ends(v->channel, &is, &ig);
	for (uint64_t k = 0; k < blocks && k < MOAT_VMM_RAM_BLOCKS_MAX; k++) {
		struct moat_blk_range *last = r->count ? &r->range[r->count - 1] : NULL;

		if (last && last->client == is && last->base + last->size == info->ram_pa[k]) {
			last->size += BLOCK;
			continue;
		}
		if (r->count == MOAT_BLK_RANGES_MAX)
			return "its guests' RAM is more than 64 physically contiguous ranges";
		r->range[r->count++] = (struct moat_blk_range){
			.base = info->ram_pa[k], .size = BLOCK, .client = is };
	}
	return NULL;
}

/* A driver domain that a backend of a disk has a channel to: its ranges page. */
static const char *give_ranges(unsigned driver)
{
	struct domain *d = domains_get(driver);
	struct moat_blk_ranges r = { .magic = MOAT_BLK_RANGES_MAGIC };
	bool serves = false;
	const char *err;

	if (!d || !d->sys->device)
		return NULL;
	for (unsigned i = 0; i < sys_vdisk_count && i < GUESTS_MAX; i++) {
		if (!has_channel(sys_vdisks[i].server, driver))
			continue;
		serves = true;
		if (given[i] && (err = add_ranges(&r, i)))
			return err;
	}
	if (!serves)
		return NULL;
	return space_new_page(d->vspace, MOAT_BLK_RANGES, MOAT_RIGHT_READ, 0, &r, 0, sizeof(r),
			      NULL);
}

void vdisks_give(void)
{
	const char *err;

	for (unsigned i = 0; i < sys_vdisk_count; i++) {
		const struct sys_vdisk *v = &sys_vdisks[i];
		const char *guest = v->guest < sys_guest_count ? sys_guests[v->guest].name : "?";

		err = i < GUESTS_MAX && v->server < sys_domain_count && v->guest < sys_guest_count
			      ? describe(v)
			      : "more virtual disks than guests";
		if (err) {
			moat_printf("root: guest '%s' has no virtual disk: %s\n", guest, err);
			continue;
		}
		given[i] = true;
		moat_printf("root: guest '%s' has a virtual disk of %lu sectors from sector %lu "
			    "on '%s'%s\n",
			    guest, (unsigned long)v->sectors, (unsigned long)v->first,
			    sys_domains[v->server].name, v->read_only ? ", read-only" : "");
	}
	for (unsigned i = 0; i < sys_domain_count && i < DOMAINS_MAX; i++) {
		if ((err = give_ranges(i)))
			domains_refuse(i, err);
	}
}
