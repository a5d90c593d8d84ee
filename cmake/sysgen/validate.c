/*
 * Checks on the declarations themselves (see validate.h): the system
 * block, names, domains' priorities, budgets, sizes and programs,
 * channels, guests, and whether everything fits in the platform's RAM.
 */
#include <stdio.h>
#include <string.h>

#include "files.h"
#include "validate.h"

#define PRIORITY_MAX	   255
#define BUDGET_MIN_US	   100
#define PERIOD_MAX_US	   3600000000ull /* 1 h */
#define GUEST_PRIORITY_MAX 254		 /* its VMM runs at priority + 1 */
#define GUEST_VCPUS_MAX	   8		/* moat/vmm.h: MOAT_VMM_MAX_VCPUS */
#define GUEST_BLOCK	   (2ull << 20) /* guest RAM and the VMM's copies of its files: 2 MiB frames */
#define DMA_MAX		   (8ull << 20) /* moat/domain.h: MOAT_DOMAIN_DMA_BLOCKS 2 MiB blocks */
#define GUEST_NAME_MAX	   24		/* "<name>.kernel" fits the archive's names */
#define PROGRAM_NAME_MAX   31		/* moat/bootinfo.h: MOAT_PROGRAM_NAME_MAX - 1 */
#define BOOTARGS_MAX	   511		/* moat/vmm.h: MOAT_VMM_BOOTARGS_MAX - 1 */
#define RESERVED_RAM	   (64ull << 20) /* the kernel and the root server */
#define PLATFORM_NAME	   "qemu-virt"
#define WHY_MAX		   256

typedef unsigned long long ull;

#define KIND(decl) desc_kind_name((decl)->kind)

static bool is_named(const struct desc_decl *decl)
{
	return desc_is_domain(decl) || decl->kind == DESC_GUEST;
}

/* Given, whether or not its value parsed (a bad value was reported already). */
static bool present(const struct desc_decl *decl, enum desc_field f)
{
	return decl->present & (1u << f);
}

static const struct desc_decl *first_system(const struct desc *desc)
{
	for (size_t i = 0; i < desc->count; i++) {
		if (desc->decls[i].kind == DESC_SYSTEM)
			return &desc->decls[i];
	}
	return NULL;
}

static void check_system(const struct desc *desc, struct diag *d)
{
	const struct desc_decl *sys = first_system(desc);
	const char *platform;
	size_t domains = 0;

	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *decl = &desc->decls[i];

		domains += is_named(decl); /* a guest brings its VMM domain */
		if (decl->kind == DESC_SYSTEM && sys && decl != sys)
			diag_error(
				d, decl->where,
				"system '%s': a second system block (the first is system '%s', %s)",
				decl->name, sys->name, sys->where);
	}
	if (!sys) {
		diag_error(d, desc->file, "the description has no system block");
		return;
	}
	platform = desc_text(sys, DESC_F_PLATFORM, NULL);
	if (!present(sys, DESC_F_PLATFORM))
		diag_error(d, sys->where, "system '%s': no platform given", sys->name);
	else if (platform && strcmp(platform, PLATFORM_NAME))
		diag_error(d, sys->where, "system '%s': unknown platform '%s' (known: %s)",
			   sys->name, platform, PLATFORM_NAME);
	if (!domains)
		diag_error(d, sys->where, "system '%s': declares no domain or guest", sys->name);
}

/* Domains, drivers and guests share one name space. */
static void check_names(const struct desc *desc, struct diag *d)
{
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *a = &desc->decls[i];

		for (size_t j = 0; is_named(a) && j < i; j++) {
			const struct desc_decl *b = &desc->decls[j];

			if (is_named(b) && !strcmp(a->name, b->name)) {
				diag_error(d, a->where,
					   "%s '%s': the name is already used by %s '%s' (%s)",
					   KIND(a), a->name, KIND(b), b->name, b->where);
				break;
			}
		}
	}
}

static void check_budget(const struct desc_decl *decl, struct diag *d)
{
	bool budget = present(decl, DESC_F_BUDGET_US), period = present(decl, DESC_F_PERIOD_US);
	ull b = desc_num(decl, DESC_F_BUDGET_US, 0), p = desc_num(decl, DESC_F_PERIOD_US, 0);

	if (budget != period) {
		diag_error(d, decl->where, "%s '%s': %s without %s: give both or neither",
			   KIND(decl), decl->name, budget ? "budget_us" : "period_us",
			   budget ? "period_us" : "budget_us");
		return;
	}
	if (!desc_has(decl, DESC_F_BUDGET_US) || !desc_has(decl, DESC_F_PERIOD_US))
		return;
	if (b < BUDGET_MIN_US)
		diag_error(d, decl->where,
			   "%s '%s': budget_us %llu is below the kernel's minimum of %d us",
			   KIND(decl), decl->name, b, BUDGET_MIN_US);
	if (p > PERIOD_MAX_US)
		diag_error(d, decl->where,
			   "%s '%s': period_us %llu is above the kernel's maximum of %llu us (1 h)",
			   KIND(decl), decl->name, p, PERIOD_MAX_US);
	if (b > p)
		diag_error(d, decl->where,
			   "%s '%s': budget_us %llu is larger than its period_us %llu", KIND(decl),
			   decl->name, b, p);
}

/* Whole pages; zero allowed only where the size may be absent (heap, shared memory). */
static void check_pages(const struct desc_decl *decl, enum desc_field f, const char *key,
			bool nonzero, struct diag *d)
{
	const char *label = decl->kind == DESC_CHANNEL ? "channel" : KIND(decl);
	char name[2 * DESC_NAME_MAX + 8];
	ull v;

	if (!desc_has(decl, f))
		return;
	v = decl->num[f];
	snprintf(name, sizeof(name), decl->peer ? "'%s' '%s'" : "'%s'", decl->name,
		 decl->peer ? decl->peer : "");
	if (nonzero && v == 0)
		diag_error(d, decl->where, "%s %s: %s is 0; it needs at least one 4 KiB page",
			   label, name, key);
	else if (v % DESC_PAGE_SIZE)
		diag_error(d, decl->where, "%s %s: %s %llu is not a whole number of 4 KiB pages",
			   label, name, key, v);
}

static void check_program(const struct desc_decl *decl, struct diag *d)
{
	const char *program = desc_text(decl, DESC_F_PROGRAM, NULL);
	char why[WHY_MAX];

	if (!present(decl, DESC_F_PROGRAM))
		diag_error(d, decl->where, "%s '%s': no program given", KIND(decl), decl->name);
	else if (program && !files_program(program, why, sizeof(why)))
		diag_error(d, decl->where, "%s '%s': program '%s' %s", KIND(decl), decl->name,
			   program, why);
}

/* A driver's DMA memory: whole 2 MiB blocks (each physically contiguous), at most 8 MiB. */
static void check_dma(const struct desc_decl *decl, struct diag *d)
{
	ull v = desc_num(decl, DESC_F_DMA, 0);

	if (!present(decl, DESC_F_DMA) || (decl->invalid & (1u << DESC_F_DMA)))
		return;
	if (!v || v % GUEST_BLOCK)
		diag_error(d, decl->where, "driver '%s': dma %llu is not a non-zero multiple of 2 MiB",
			   decl->name, v);
	else if (v > DMA_MAX)
		diag_error(d, decl->where, "driver '%s': dma %llu is more than 8 MiB", decl->name, v);
}

static void check_domain(const struct desc_decl *decl, struct diag *d)
{
	check_program(decl, d);
	if (!present(decl, DESC_F_PRIORITY))
		diag_error(d, decl->where, "%s '%s': no priority given", KIND(decl), decl->name);
	else if (desc_num(decl, DESC_F_PRIORITY, 0) > PRIORITY_MAX)
		diag_error(d, decl->where, "%s '%s': priority %llu is outside 0-%d", KIND(decl),
			   decl->name, (ull)decl->num[DESC_F_PRIORITY], PRIORITY_MAX);
	if (decl->kind == DESC_DRIVER && !present(decl, DESC_F_DEVICE))
		diag_error(d, decl->where, "driver '%s': no device given", decl->name);
	check_budget(decl, d);
	check_pages(decl, DESC_F_STACK, "stack", true, d);
	check_pages(decl, DESC_F_HEAP, "heap", false, d);
	check_dma(decl, d);
}

static void check_channel_end(const struct desc *desc, const struct desc_decl *ch, const char *name,
			      struct diag *d)
{
	const struct desc_decl *end = desc_find(desc, name);

	if (!end)
		diag_error(d, ch->where, "channel '%s' '%s': no domain, driver or guest named '%s'",
			   ch->name, ch->peer, name);
}

static bool same_pair(const struct desc_decl *a, const struct desc_decl *b)
{
	return (!strcmp(a->name, b->name) && !strcmp(a->peer, b->peer)) ||
	       (!strcmp(a->name, b->peer) && !strcmp(a->peer, b->name));
}

static void check_channel(const struct desc *desc, size_t i, struct diag *d)
{
	const struct desc_decl *ch = &desc->decls[i];

	const struct desc_decl *a = desc_find(desc, ch->name), *b = desc_find(desc, ch->peer);

	check_channel_end(desc, ch, ch->name, d);
	if (strcmp(ch->name, ch->peer))
		check_channel_end(desc, ch, ch->peer, d);
	if (a && b && a->kind == DESC_GUEST && b->kind == DESC_GUEST && a != b)
		diag_error(d, ch->where,
			   "channel '%s' '%s': both are guests; a guest's VMM has channels to "
			   "domains and drivers only",
			   ch->name, ch->peer);
	if (!strcmp(ch->name, ch->peer))
		diag_error(d, ch->where, "channel '%s' '%s': connects '%s' to itself", ch->name,
			   ch->peer, ch->name);
	for (size_t j = 0; j < i; j++) {
		const struct desc_decl *other = &desc->decls[j];

		if (other->kind == DESC_CHANNEL && same_pair(ch, other)) {
			diag_error(d, ch->where,
				   "channel '%s' '%s': '%s' and '%s' already have a channel (%s)",
				   ch->name, ch->peer, other->name, other->peer, other->where);
			break;
		}
	}
	check_pages(ch, DESC_F_SHARED_MEMORY, "shared_memory", false, d);
}

const struct desc_decl *validate_channel_between(const struct desc *desc, const char *a,
						 const char *b)
{
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *c = &desc->decls[i];

		if (c->kind == DESC_CHANNEL && ((!strcmp(c->name, a) && !strcmp(c->peer, b)) ||
						(!strcmp(c->name, b) && !strcmp(c->peer, a))))
			return c;
	}
	return NULL;
}

const struct desc_decl *validate_server(const struct desc *desc, const struct desc_decl *v,
					const struct validate_served *w, struct diag *d)
{
	const char *name = desc_text(v, DESC_F_SERVER, NULL);
	const struct desc_decl *s = name ? desc_find(desc, name) : NULL;

	if (!(v->present & (1u << DESC_F_SERVER))) {
		diag_error(d, v->where, "%s '%s': no server given", w->kind, v->name);
		return NULL;
	}
	if (!name)
		return NULL;
	if (!s) {
		diag_error(d, v->where, "%s '%s': no domain named '%s' to %s", w->kind, v->name,
			   name, w->verb);
		return NULL;
	}
	if (s->kind != DESC_DOMAIN) {
		diag_error(d, v->where, "%s '%s': server '%s' is a %s (%s); %s is a plain domain",
			   w->kind, v->name, name, desc_kind_name(s->kind), s->where, w->server);
		return NULL;
	}
	return s;
}

void validate_server_channel(const struct desc *desc, const struct desc_decl *v,
			     const struct desc_decl *s, const struct validate_served *w,
			     struct diag *d)
{
	const struct desc_decl *c = validate_channel_between(desc, s->name, v->name);
	ull shared;

	if (!c) {
		diag_error(d, v->where, "%s '%s': no channel between server '%s' and guest '%s' (%s)",
			   w->kind, v->name, s->name, v->name, w->over);
		return;
	}
	shared = desc_num(c, DESC_F_SHARED_MEMORY, 0);
	if (shared < w->shared)
		diag_error(d, v->where,
			   "%s '%s': channel '%s' '%s' (%s) has shared_memory %llu; the %s rings "
			   "need at least %llu",
			   w->kind, v->name, c->name, c->peer, c->where, shared, w->rings, w->shared);
	if (!desc_num(c, DESC_F_NOTIFY, 0))
		diag_error(d, v->where,
			   "%s '%s': channel '%s' '%s' (%s) has no notify; the %s rings need it",
			   w->kind, v->name, c->name, c->peer, c->where, w->rings);
}

static ull add_sat(ull a, ull b)
{
	return a + b < a ? ~0ull : a + b;
}

/* Whole 2 MiB blocks, saturating. */
static ull blocks_of(ull v)
{
	return v > ~0ull - (GUEST_BLOCK - 1) ? ~0ull : (v + GUEST_BLOCK - 1) & ~(GUEST_BLOCK - 1);
}

/*
 * A guest's kernel or initrd is in RAM three times: in the kernel image, in
 * the root server's copy of the image's archive, and in its VMM's read-only
 * copy (whole 2 MiB frames). 0 if the file is not there (reported apart).
 */
static ull guest_file_bytes(const struct desc_decl *g, enum desc_field f)
{
	const char *path = desc_text(g, f, NULL);
	char why[WHY_MAX];
	uint64_t size;

	if (!path || !files_regular(path, &size, why, sizeof(why)))
		return 0;
	return add_sat(add_sat(size, size), blocks_of(size));
}

static void check_guest_file(const struct desc_decl *g, enum desc_field f, const char *key,
			     struct diag *d)
{
	const char *path = desc_text(g, f, NULL);
	char why[WHY_MAX];
	uint64_t size;

	if (!path)
		return;
	if (!files_regular(path, &size, why, sizeof(why)))
		diag_error(d, g->where, "guest '%s': %s '%s' %s", g->name, key, path, why);
	else if (size == 0 && f != DESC_F_DISK)
		diag_error(d, g->where, "guest '%s': %s '%s' is empty", g->name, key, path);
}

/* The VMM program: an AArch64 executable whose name in the image fits the archive. */
static void check_vmm(const struct desc_decl *g, struct diag *d)
{
	const char *path = desc_text(g, DESC_F_VMM, NULL);
	char why[WHY_MAX];
	size_t len;

	if (!present(g, DESC_F_VMM)) {
		diag_error(d, g->where, "guest '%s': no vmm program given", g->name);
		return;
	}
	if (!path)
		return;
	if (!files_program(path, why, sizeof(why))) {
		diag_error(d, g->where, "guest '%s': vmm '%s' %s", g->name, path, why);
		return;
	}
	files_program_name(path, &len);
	if (len == 0 || len > PROGRAM_NAME_MAX)
		diag_error(d, g->where,
			   "guest '%s': vmm '%s': its name in the image (the file name without "
			   "'.elf') must have 1-%d characters",
			   g->name, path, PROGRAM_NAME_MAX);
}

static void check_guest_memory(const struct desc_decl *g, struct diag *d)
{
	ull v = desc_num(g, DESC_F_MEMORY, 0);

	if (!desc_has(g, DESC_F_MEMORY))
		return;
	if (v == 0)
		diag_error(d, g->where, "guest '%s': memory is 0; it needs at least 2 MiB",
			   g->name);
	else if (v % GUEST_BLOCK)
		diag_error(d, g->where,
			   "guest '%s': memory %llu is not a multiple of 2 MiB (2097152 bytes)",
			   g->name, v);
}

static void check_guest(const struct desc_decl *g, struct diag *d)
{
	ull vcpus = desc_num(g, DESC_F_VCPUS, DESC_DEFAULT_VCPUS);
	ull prio = desc_num(g, DESC_F_PRIORITY, DESC_DEFAULT_GUEST_PRIORITY);
	size_t name_len = strlen(g->name), args_len = strlen(desc_text(g, DESC_F_BOOTARGS, ""));

	if (name_len > GUEST_NAME_MAX)
		diag_error(d, g->where,
			   "guest '%s': the name has %zu characters, at most %d (the image holds "
			   "its files as '<name>.kernel' and '<name>.initrd')",
			   g->name, name_len, GUEST_NAME_MAX);
	if (!present(g, DESC_F_KERNEL))
		diag_error(d, g->where, "guest '%s': no kernel given", g->name);
	if (!present(g, DESC_F_MEMORY))
		diag_error(d, g->where, "guest '%s': no memory given", g->name);
	check_guest_memory(g, d);
	if (vcpus == 0)
		diag_error(d, g->where, "guest '%s': vcpus is 0; a guest needs one", g->name);
	else if (vcpus > GUEST_VCPUS_MAX)
		diag_error(d, g->where,
			   "guest '%s': vcpus %llu: at most %d (the emulated GIC's redistributors)",
			   g->name, vcpus, GUEST_VCPUS_MAX);
	if (prio > GUEST_PRIORITY_MAX)
		diag_error(
			d, g->where,
			"guest '%s': priority %llu is outside 0-%d (its VMM runs at priority + 1)",
			g->name, prio, GUEST_PRIORITY_MAX);
	check_budget(g, d);
	if (args_len > BOOTARGS_MAX)
		diag_error(d, g->where, "guest '%s': bootargs have %zu characters, at most %d",
			   g->name, args_len, BOOTARGS_MAX);
	check_vmm(g, d);
	check_guest_file(g, DESC_F_KERNEL, "kernel", d);
	check_guest_file(g, DESC_F_INITRD, "initrd", d);
	check_guest_file(g, DESC_F_DISK, "disk", d);
}

/*
 * Everything the root server allocates must fit beside the kernel: guests'
 * RAM and files, every domain's stack and heap (a guest's VMM is a domain
 * with the default stack), and the channels' shared memory.
 */
static void check_memory(const struct desc *desc, const struct platform *plat, struct diag *d)
{
	const struct desc_decl *sys = first_system(desc);
	ull guests = 0, files = 0, native = 0, shared = 0, total, avail;

	avail = plat->ram_size > RESERVED_RAM ? plat->ram_size - RESERVED_RAM : 0;
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *decl = &desc->decls[i];
		bool guest = decl->kind == DESC_GUEST;
		ull mem = desc_num(decl, DESC_F_MEMORY, 0);

		if (guest && mem > avail)
			diag_error(d, decl->where,
				   "guest '%s': memory %llu bytes is more than the %llu bytes of "
				   "RAM available",
				   decl->name, mem, avail);
		if (guest) {
			guests = add_sat(guests, mem);
			files = add_sat(files, guest_file_bytes(decl, DESC_F_KERNEL));
			files = add_sat(files, guest_file_bytes(decl, DESC_F_INITRD));
		}
		native = add_sat(native,
				 desc_num(decl, DESC_F_STACK,
					  desc_is_domain(decl) || guest ? DESC_DEFAULT_STACK : 0));
		native = add_sat(native, desc_num(decl, DESC_F_HEAP, 0));
		native = add_sat(native, desc_num(decl, DESC_F_DMA, 0));
		shared = add_sat(shared, desc_num(decl, DESC_F_SHARED_MEMORY, 0));
	}
	total = add_sat(add_sat(add_sat(guests, files), native), shared);
	if (total > avail)
		diag_error(d, sys ? sys->where : desc->file,
			   "system '%s': needs %llu bytes of memory (guest memory %llu, "
			   "guest files %llu, domain stacks, heaps and DMA %llu, shared memory %llu), "
			   "more than the %llu bytes available (platform RAM %llu minus 64 MiB "
			   "reserved for the kernel and root server)",
			   sys ? sys->name : "?", total, guests, files, native, shared, avail,
			   (ull)plat->ram_size);
}

/*
 * What the root server can build (servers/root/domains.h DOMAINS_MAX,
 * moat/domain.h MOAT_DOMAIN_MAX_CHANNELS): more is refused here, not at boot.
 */
#define ROOT_MAX_DOMAINS  16
#define ROOT_MAX_CHANNELS 8
#define ROOT_MAX_GUESTS	  4 /* servers/root/guests.h GUESTS_MAX */

static unsigned channels_of(const struct desc *desc, const char *name)
{
	unsigned n = 0;

	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *c = &desc->decls[i];

		n += c->kind == DESC_CHANNEL && (!strcmp(c->name, name) || !strcmp(c->peer, name));
	}
	return n;
}

static void check_limits(const struct desc *desc, struct diag *d)
{
	unsigned domains = 0, guests = 0;

	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *decl = &desc->decls[i];
		unsigned n;

		if (decl->kind == DESC_GUEST && ++guests == ROOT_MAX_GUESTS + 1)
			diag_error(d, decl->where, "guest '%s': more than %d guests in one system",
				   decl->name, ROOT_MAX_GUESTS);
		if (!desc_is_domain(decl) && decl->kind != DESC_GUEST)
			continue;
		if ((n = channels_of(desc, decl->name)) > ROOT_MAX_CHANNELS)
			diag_error(d, decl->where, "%s '%s': %u channels, at most %d per domain",
				   KIND(decl), decl->name, n, ROOT_MAX_CHANNELS);
		if (decl->kind == DESC_GUEST)
			continue;
		if (++domains == ROOT_MAX_DOMAINS + 1)
			diag_error(d, decl->where,
				   "%s '%s': more than %d domains and drivers in one system",
				   KIND(decl), decl->name, ROOT_MAX_DOMAINS);
	}
}

void validate_system(const struct desc *desc, const struct platform *plat, struct diag *d)
{
	check_system(desc, d);
	check_names(desc, d);
	check_limits(desc, d);
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *decl = &desc->decls[i];

		if (desc_is_domain(decl))
			check_domain(decl, d);
		else if (decl->kind == DESC_CHANNEL)
			check_channel(desc, i, d);
		else if (decl->kind == DESC_GUEST)
			check_guest(decl, d);
	}
	validate_vdisks(desc, d);
	validate_vnics(desc, d);
	if (plat) {
		validate_devices(desc, plat, d);
		check_memory(desc, plat, d);
	}
}
