/*
 * Checks on virtual disks (see validate.h): each names a guest and a block
 * backend that exist, a plain domain as the backend, a sector range that
 * is not empty, does not overflow and does not overlap another disk of the
 * same backend, one disk per guest, a channel between backend and guest
 * that can carry the block rings (moat/blk.h), and a guest whose RAM fits
 * its VMM's table of physical addresses (moat/vmm.h).
 */
#include <string.h>

#include "validate.h"

#define BLK_SHARED_BYTES 16384ull	  /* moat/blk.h: MOAT_BLK_SHARED_BYTES */
#define VDISK_RAM_MAX	 (256ull << 21) /* moat/vmm.h: MOAT_VMM_RAM_BLOCKS_MAX 2 MiB blocks */
#define SECTOR_BYTES	 512ull		  /* moat/blk.h: MOAT_BLK_SECTOR */

typedef unsigned long long ull;

static bool present(const struct desc_decl *decl, enum desc_field f)
{
	return decl->present & (1u << f);
}

/* Its range is usable: both numbers parsed, not empty, no overflow. */
static bool range_ok(const struct desc_decl *v)
{
	ull first = desc_num(v, DESC_F_FIRST, 0), sectors = desc_num(v, DESC_F_SECTORS, 0);

	return desc_has(v, DESC_F_FIRST) && desc_has(v, DESC_F_SECTORS) && sectors &&
	       first + sectors >= first && first + sectors <= ~0ull / SECTOR_BYTES;
}

static void check_range(const struct desc_decl *v, struct diag *d)
{
	ull first = desc_num(v, DESC_F_FIRST, 0), sectors = desc_num(v, DESC_F_SECTORS, 0);

	if (!present(v, DESC_F_FIRST))
		diag_error(d, v->where, "vdisk '%s': no first sector given", v->name);
	if (!present(v, DESC_F_SECTORS))
		diag_error(d, v->where, "vdisk '%s': no sectors given", v->name);
	if (!desc_has(v, DESC_F_FIRST) || !desc_has(v, DESC_F_SECTORS))
		return;
	if (!sectors)
		diag_error(d, v->where, "vdisk '%s': sectors is 0; a disk needs at least one",
			   v->name);
	else if (!range_ok(v))
		diag_error(d, v->where,
			   "vdisk '%s': first %llu + sectors %llu overflows (its end in bytes "
			   "must fit 64 bits)",
			   v->name, first, sectors);
}

/* The block backend: a plain domain, with a channel to the guest for the block rings. */
static const struct validate_served served = {
	.kind = "vdisk",
	.verb = "serve it",
	.server = "a block backend",
	.over = "the disk is served over it",
	.rings = "block",
	.shared = BLK_SHARED_BYTES,
};

static const struct desc_decl *check_guest(const struct desc *desc, const struct desc_decl *v,
					   struct diag *d)
{
	const struct desc_decl *g = desc_find(desc, v->name);
	ull memory;

	if (!g || g->kind != DESC_GUEST) {
		diag_error(d, v->where, "vdisk '%s': no guest named '%s'", v->name, v->name);
		return NULL;
	}
	memory = desc_num(g, DESC_F_MEMORY, 0);
	if (memory > VDISK_RAM_MAX)
		diag_error(d, v->where,
			   "vdisk '%s': guest '%s' has memory %llu bytes; a guest with a virtual "
			   "disk has at most 512 MiB (%s)",
			   v->name, g->name, memory, g->where);
	return g;
}


/* Against the vdisks before it: one per guest, no overlap on one server. */
static void check_others(const struct desc *desc, size_t i, struct diag *d)
{
	const struct desc_decl *v = &desc->decls[i];
	const char *server = desc_text(v, DESC_F_SERVER, "");

	for (size_t j = 0; j < i; j++) {
		const struct desc_decl *o = &desc->decls[j];
		ull vf = desc_num(v, DESC_F_FIRST, 0), vs = desc_num(v, DESC_F_SECTORS, 0);
		ull of = desc_num(o, DESC_F_FIRST, 0), os = desc_num(o, DESC_F_SECTORS, 0);

		if (o->kind != DESC_VDISK)
			continue;
		if (!strcmp(o->name, v->name))
			diag_error(d, v->where,
				   "vdisk '%s': guest '%s' already has a virtual disk (%s); at "
				   "most one per guest",
				   v->name, v->name, o->where);
		else if (!strcmp(desc_text(o, DESC_F_SERVER, ""), server) && *server &&
			 range_ok(v) && range_ok(o) && vf < of + os && of < vf + vs)
			diag_error(d, v->where,
				   "vdisk '%s': sectors %llu-%llu on server '%s' overlap vdisk "
				   "'%s''s %llu-%llu (%s)",
				   v->name, vf, vf + vs - 1, server, o->name, of, of + os - 1,
				   o->where);
	}
}

void validate_vdisks(const struct desc *desc, struct diag *d)
{
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *v = &desc->decls[i];
		const struct desc_decl *s, *g;

		if (v->kind != DESC_VDISK)
			continue;
		check_range(v, d);
		s = validate_server(desc, v, &served, d);
		g = check_guest(desc, v, d);
		if (s && g)
			validate_server_channel(desc, v, s, &served, d);
		check_others(desc, i, d);
	}
}
