/* Building the guests' VMM domains; see guests.h. */
#include "guests.h"

#include "alloc.h"
#include "fmt.h"
#include "space.h"
#include "string.h"

#define RW		 (MOAT_RIGHT_READ | MOAT_RIGHT_WRITE)
#define BLOCK		 SPACE_LARGE_PAGE /* guest RAM and the files' copies: 2 MiB frames */
#define PRIORITY_MAX	 254		  /* the vCPU thread's; its VMM runs at priority + 1 */
#define VMM_STACK_PAGES	 4		  /* the default domain stack, 16 KiB */
#define VCPU_CSPACE_BITS 4 /* the vCPU thread's CSpace: its fault endpoint, channels from slot 2 */
#define VCPU_FAULT_SLOT	 1

_Static_assert((int)MOAT_VMM_SLOT_FAULT_EP >=
			       (int)MOAT_DOMAIN_SLOT_CHANNEL0 + MOAT_DOMAIN_MAX_CHANNELS &&
		       MOAT_VMM_SLOT_VCPU(MOAT_VMM_MAX_VCPUS - 1) < MOAT_DOMAIN_CSPACE_SLOTS,
	       "the guest's slots lie after the channels' and inside the CSpace");

static struct guest guests[GUESTS_MAX];
static bool made[GUESTS_MAX];    /* its VMM is whole, waiting to start */
static bool running[GUESTS_MAX]; /* and started */
static char why[128]; /* a failure's reason, when it names something */

/* The guest's files in the image's archive. */
struct files {
	const uint8_t *vmm, *kernel, *initrd;
	size_t vmm_size, kernel_size, initrd_size;
};

static uint64_t blocks(uint64_t bytes)
{
	return (bytes + BLOCK - 1) / BLOCK;
}

/* "<guest><suffix>" in the archive: the file or why not. */
static const char *find_file(const char *guest, const char *suffix, const uint8_t **data,
			     size_t *size)
{
	char name[MOAT_PROGRAM_NAME_MAX];
	const char *err;

	if (fmt_snprintf(name, sizeof(name), "%s%s", guest, suffix) >= sizeof(name))
		return "its name is too long for the image's archive";
	if ((err = loader_find(name, (const void **)data, size))) {
		fmt_snprintf(why, sizeof(why), "'%s': %s", name, err);
		return why;
	}
	if (!*size) {
		fmt_snprintf(why, sizeof(why), "'%s' in the image is empty", name);
		return why;
	}
	return NULL;
}

/* Everything checked before anything is made: the description and the archive. */
static const char *check(const struct sys_guest *s, struct files *f)
{
	uint64_t need, free = alloc_free_bytes();
	const char *err;

	*f = (struct files){ 0 };
	if (s->vcpus < 1 || s->vcpus > MOAT_VMM_MAX_VCPUS)
		return "it needs 1 to 8 vCPUs";
	if (s->priority > PRIORITY_MAX)
		return "its priority is above 254";
	if (!s->memory || s->memory % BLOCK)
		return "its memory is not a non-zero multiple of 2 MiB";
	if (s->bootargs && strlen(s->bootargs) >= MOAT_VMM_BOOTARGS_MAX)
		return "its bootargs are longer than 511 characters";
	if (!s->vmm)
		return "no VMM program given";
	if ((err = loader_find(s->vmm, (const void **)&f->vmm, &f->vmm_size))) {
		fmt_snprintf(why, sizeof(why), "VMM program '%s': %s", s->vmm, err);
		return why;
	}
	if ((err = find_file(s->name, ".kernel", &f->kernel, &f->kernel_size)) ||
	    (s->initrd && (err = find_file(s->name, ".initrd", &f->initrd, &f->initrd_size))))
		return err;
	need = s->memory + (blocks(f->kernel_size) + blocks(f->initrd_size)) * BLOCK;
	if (need > free) {
		fmt_snprintf(why, sizeof(why), "it needs %lu KiB of memory, %lu KiB are free",
			     (unsigned long)(need >> 10), (unsigned long)(free >> 10));
		return why;
	}
	return NULL;
}

/*
 * Each 2 MiB of RAM in the VMM and, through a copy of the frame, in the
 * guest; its physical address in the VMM's info (for block requests).
 */
static const char *map_ram(struct guest *g)
{
	for (uint64_t off = 0, k = 0; off < g->sys->memory; off += BLOCK, k++) {
		moat_word_t pa[3] = { 0 };
		moat_cptr_t frame, copy;

		if (alloc_object(MOAT_OBJ_FRAME_2M, 0, &frame) != MOAT_OK)
			return "out of memory for its RAM";
		if (moat_invoke(frame, MOAT_FRAME_GET_ADDRESS, 0, NULL, 0, pa) != MOAT_OK)
			return "cannot find its RAM's physical address";
		if (k < MOAT_VMM_RAM_BLOCKS_MAX)
			g->info.ram_pa[k] = pa[0];
		if (space_map_large(frame, g->vmm.vspace, MOAT_VMM_GUEST_RAM + off, RW, 0) !=
		    MOAT_OK)
			return "cannot map its RAM into the VMM";
		if (alloc_derive(frame, MOAT_RIGHTS_ALL, 0, &copy) != MOAT_OK ||
		    space_map_large(copy, g->space, GUESTS_RAM_IPA + off, RW, MOAT_FRAME_EXECUTE) !=
			    MOAT_OK)
			return "cannot map its RAM into its GuestSpace";
	}
	return NULL;
}

/* A read-only copy of a file at `offset` in the VMM's files area. */
static const char *copy_file(struct guest *g, const uint8_t *data, size_t size, uint64_t offset)
{
	for (uint64_t done = 0; done < size; done += BLOCK) {
		moat_cptr_t frame;
		const char *err;

		if (alloc_object(MOAT_OBJ_FRAME_2M, 0, &frame) != MOAT_OK)
			return "out of memory for the copies of its files";
		if ((err = space_fill_large(frame, data + done,
					    size - done < BLOCK ? size - done : BLOCK)))
			return err;
		if (space_map_large(frame, g->vmm.vspace, MOAT_VMM_GUEST_FILES + offset + done,
				    MOAT_RIGHT_READ, 0) != MOAT_OK)
			return "cannot map its files into the VMM";
	}
	return NULL;
}

/* vCPU i's thread, bound to its VCPU and the GuestSpace, left suspended. */
static const char *make_vcpu(struct guest *g, unsigned i)
{
	moat_word_t name[4] = { 0 }, prio = g->sys->priority, fault_ep = VCPU_FAULT_SLOT;
	moat_cptr_t cs;
	const char *err;

	if (alloc_object(MOAT_OBJ_VCPU, 0, &g->vcpu[i]) != MOAT_OK ||
	    alloc_object(MOAT_OBJ_TCB, 0, &g->tcb[i]) != MOAT_OK)
		return "out of memory for its vCPUs";
	if ((err = loader_cnode(VCPU_CSPACE_BITS, &cs)))
		return err;
	if (alloc_mint(cs, VCPU_FAULT_SLOT, g->ep, MOAT_RIGHT_WRITE, MOAT_VMM_VCPU_BADGE(i)) !=
	    MOAT_OK)
		return "cannot give the vCPU thread its fault endpoint";
	/* Configure takes a VSpace (the VMM's will do); SetVCPU puts the GuestSpace there. */
	moat_ipc_buffer->caps[0] = cs;
	moat_ipc_buffer->caps[1] = g->vmm.vspace;
	if (moat_invoke(g->tcb[i], MOAT_TCB_CONFIGURE, 1, &fault_ep, 2, NULL) != MOAT_OK)
		return "cannot configure the vCPU thread";
	moat_ipc_buffer->caps[0] = g->vcpu[i];
	moat_ipc_buffer->caps[1] = g->space;
	if (moat_invoke(g->tcb[i], MOAT_TCB_SET_VCPU, 0, NULL, 2, NULL) != MOAT_OK)
		return "cannot bind the VCPU to its thread";
	fmt_snprintf((char *)name, sizeof(name), "%s.vcpu%u", g->sys->name, i);
	if (moat_invoke(g->tcb[i], MOAT_TCB_SET_NAME, 4, name, 0, NULL) != MOAT_OK ||
	    moat_invoke(g->tcb[i], MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL) != MOAT_OK)
		return "cannot name the vCPU thread or set its priority";
	return loader_sched_context(g->tcb[i], g->sys->budget_us, g->sys->period_us);
}

static const char *make_vcpus(struct guest *g)
{
	const char *err = NULL;

	for (unsigned i = 0; i < g->sys->vcpus && !err; i++)
		err = make_vcpu(g, i);
	return err;
}

/* The slots of enum moat_vmm_slot, and nothing else. */
static const char *give_objects(struct guest *g)
{
	moat_cptr_t cs = g->vmm.cspace;

	if (alloc_copy(cs, MOAT_VMM_SLOT_FAULT_EP, g->ep, MOAT_RIGHT_READ, 0) != MOAT_OK ||
	    alloc_copy(cs, MOAT_VMM_SLOT_REPLY, g->reply, MOAT_RIGHTS_ALL, 0) != MOAT_OK)
		return "cannot give the VMM the guest's objects";
	for (unsigned i = 0; i < g->sys->vcpus; i++) {
		if (alloc_copy(cs, MOAT_VMM_SLOT_VCPU_TCB(i), g->tcb[i], MOAT_RIGHTS_ALL, 0) !=
			    MOAT_OK ||
		    alloc_copy(cs, MOAT_VMM_SLOT_VCPU(i), g->vcpu[i], MOAT_RIGHTS_ALL, 0) != MOAT_OK)
			return "cannot give the VMM the guest's vCPUs";
	}
	return NULL;
}

static void fill_info(struct guest *g, const struct files *f)
{
	struct moat_vmm_info *i = &g->info;
	const struct sys_guest *s = g->sys;

	i->magic = MOAT_VMM_INFO_MAGIC;
	loader_copy_name(i->guest, s->name, sizeof(i->guest));
	i->ram_ipa = GUESTS_RAM_IPA;
	i->ram_size = s->memory;
	i->vcpus = s->vcpus;
	i->kernel_offset = 0;
	i->kernel_size = f->kernel_size;
	i->initrd_offset = f->initrd_size ? blocks(f->kernel_size) * BLOCK : 0;
	i->initrd_size = f->initrd_size;
	i->flags = (s->net ? MOAT_VMM_FLAG_NET : 0) | (s->console ? MOAT_VMM_FLAG_CONSOLE : 0) |
		   (s->disk ? MOAT_VMM_FLAG_DISK : 0);
	loader_copy_name(i->bootargs, s->bootargs ? s->bootargs : "", sizeof(i->bootargs));
}

static const char *build(unsigned i, moat_cptr_t ep)
{
	struct guest *g = &guests[i];
	const struct sys_guest *s = &sys_guests[i];
	struct files f;
	const char *err = check(s, &f);

	if (err)
		return err;
	*g = (struct guest){ .sys = s };
	g->vmm_sys = (struct sys_domain){ .name = s->name,
					  .priority = (uint8_t)(s->priority + 1),
					  .stack_pages = VMM_STACK_PAGES };
	g->vmm = (struct domain){ .sys = &g->vmm_sys, .badge = GUESTS_BADGE(i) };
	if ((err = loader_create(&g->vmm, f.vmm, f.vmm_size, ep)))
		return err;
	/* Its inbox ends the VMM's wait for an exit too (MOAT_LABEL_NOTIFICATION). */
	moat_ipc_buffer->caps[0] = g->vmm.inbox;
	if (moat_invoke(g->vmm.tcb, MOAT_TCB_BIND_NOTIFICATION, 0, NULL, 1, NULL) != MOAT_OK)
		return "cannot bind the VMM's inbox to its thread";
	if (alloc_object(MOAT_OBJ_ENDPOINT, 0, &g->ep) != MOAT_OK ||
	    alloc_object(MOAT_OBJ_REPLY, 0, &g->reply) != MOAT_OK ||
	    alloc_object(MOAT_OBJ_GUEST_SPACE, 0, &g->space) != MOAT_OK)
		return "out of memory or guest IDs for its objects";
	fill_info(g, &f);
	if ((err = map_ram(g)) || (err = copy_file(g, f.kernel, f.kernel_size, 0)) ||
	    (err = copy_file(g, f.initrd, f.initrd_size, g->info.initrd_offset)) ||
	    (err = make_vcpus(g)) || (err = give_objects(g)))
		return err;
	return NULL;
}

void guests_create(moat_cptr_t ep)
{
	for (unsigned i = 0; i < sys_guest_count; i++) {
		const char *err =
			i < GUESTS_MAX ? build(i, ep) : "more guests than the root builds (4)";

		if (err)
			moat_printf("root: guest '%s' not started: %s\n", sys_guests[i].name, err);
		made[i] = !err;
	}
}

struct domain *guests_vmm(unsigned i)
{
	return i < GUESTS_MAX && made[i] ? &guests[i].vmm : NULL;
}

struct moat_vmm_info *guests_info(unsigned i)
{
	return i < GUESTS_MAX && made[i] ? &guests[i].info : NULL;
}

void guests_set_console(unsigned i, unsigned channel)
{
	if (i < GUESTS_MAX && made[i])
		guests[i].info.console_channel = channel + 1;
}

void guests_start(void)
{
	for (unsigned i = 0; i < sys_guest_count && i < GUESTS_MAX; i++) {
		const struct sys_guest *s = &sys_guests[i];
		const char *err;

		if (!made[i])
			continue;
		/* Its info page now: the channels are made, the console's among them. */
		if ((err = space_new_page(guests[i].vmm.vspace, MOAT_VMM_INFO, MOAT_RIGHT_READ, 0,
					  &guests[i].info, 0, sizeof(guests[i].info), NULL)) ||
		    (err = loader_start(&guests[i].vmm))) {
			moat_printf("root: guest '%s' not started: %s\n", s->name, err);
			continue;
		}
		running[i] = true;
		moat_printf("root: started the VMM of guest '%s' (program '%s'): %lu MiB of RAM, "
			    "%u vCPU%s, kernel %lu bytes, initrd %lu bytes\n",
			    s->name, s->vmm, (unsigned long)(s->memory >> 20), (unsigned)s->vcpus,
			    s->vcpus == 1 ? "" : "s",
			    (unsigned long)guests[i].info.kernel_size,
			    (unsigned long)guests[i].info.initrd_size);
	}
}

const struct guest *guests_by_badge(moat_word_t badge)
{
	moat_word_t i = badge - GUESTS_BADGE(0);

	return badge >= GUESTS_BADGE(0) && i < GUESTS_MAX && running[i] ? &guests[i] : NULL;
}

enum moat_error guests_event(const struct guest *g, moat_word_t event)
{
	static const char *const what[] = {
		[MOAT_GUEST_STARTED] = "started",
		[MOAT_GUEST_RESET] = "reset",
		[MOAT_GUEST_POWER_OFF] = "powered off",
		[MOAT_GUEST_CRASHED] = "crashed",
	};

	if (event >= sizeof(what) / sizeof(what[0]) || !what[event]) {
		moat_printf("root: guest '%s' sent unknown event %lu; refused\n", g->sys->name,
			    (unsigned long)event);
		return MOAT_INVALID_ARGUMENT;
	}
	moat_printf("root: guest '%s' %s; free memory %lu KiB\n", g->sys->name, what[event],
		    (unsigned long)(alloc_free_bytes() >> 10));
	return MOAT_OK;
}
