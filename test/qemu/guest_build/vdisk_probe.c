/*
 * The block backend and the block driver of the qemu.guest_build test,
 * one program: each checks what the root server gave it for guest beta's
 * virtual disk (system.cmake). The backend ('blk', no device) finds the
 * disk at its channel to beta, and nothing at its channel to the driver;
 * the driver ('disk') finds beta's RAM as ranges for the backend's client
 * 1 (its channel to beta) on a read-only page.
 */
#include <moat/blk.h>
#include <moat/runtime.h>

#define BLOCK	     0x200000ull
#define BETA_CHANNEL 1 /* blk's channels: 0 to 'disk', 1 to 'beta' */
#define BETA_RAM     (4ull << 20)
#define BETA_FIRST   2048
#define BETA_SECTORS 4096

static bool backend_ok(const struct moat_domain_info *d)
{
	const struct moat_vdisk_info *v = &d->vdisk[BETA_CHANNEL], *none = &d->vdisk[0];

	moat_printf("vdisk_probe: '%s': channel %u to '%s': a virtual disk of %lu sectors from "
		    "sector %lu, flags 0x%lx\n",
		    d->name, BETA_CHANNEL, d->channel[BETA_CHANNEL].peer, (unsigned long)v->sectors,
		    (unsigned long)v->first, (unsigned long)v->flags);
	return d->channel_count == 2 && v->first == BETA_FIRST && v->sectors == BETA_SECTORS &&
	       v->flags == MOAT_VDISK_READ_ONLY && none->sectors == 0 && none->first == 0 &&
	       none->flags == 0;
}

static bool driver_ok(const struct moat_domain_info *d)
{
	const struct moat_blk_ranges *r =
		(const struct moat_blk_ranges *)(uintptr_t)MOAT_BLK_RANGES;
	uint64_t bytes = 0, odd = 0;

	for (uint64_t i = 0; i < r->count && i < MOAT_BLK_RANGES_MAX; i++) {
		const struct moat_blk_range *g = &r->range[i];

		bytes += g->size;
		odd += g->client != BETA_CHANNEL || !g->base || g->base % BLOCK || g->size % BLOCK;
	}
	moat_printf("vdisk_probe: '%s': %lu range(s) of guest RAM, %lu KiB in all, %lu unlike "
		    "beta's\n",
		    d->name, (unsigned long)r->count, (unsigned long)(bytes >> 10),
		    (unsigned long)odd);
	return r->magic == MOAT_BLK_RANGES_MAGIC && r->count >= 1 &&
	       r->count <= MOAT_BLK_RANGES_MAX && bytes == BETA_RAM && odd == 0;
}

int main(void *arg)
{
	const struct moat_domain_info *d = arg;
	bool ok = d->device ? driver_ok(d) : backend_ok(d);

	moat_printf("vdisk_probe: '%s': %s\n", d->name, ok ? "ok" : "WRONG");
	if (d->device) {
		moat_printf("vdisk_probe: '%s': writing to its ranges\n", d->name);
		*(volatile uint64_t *)(uintptr_t)MOAT_BLK_RANGES = 0;
	}
	for (;;)
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
