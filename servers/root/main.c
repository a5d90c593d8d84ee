/*
 * The root server: reports the memory it was given, starts every program
 * packed into the image as a domain of its own (loader.c), and then serves
 * them: requests on its endpoint, and their faults, reported with the
 * domain's name.
 */
#include <moat/runtime.h>

#include "loader.h"

#define MAX_DOMAINS 16
#define DOMAIN_PRIO 100
#define LABEL_HELLO 1
#define LABEL_DONE 2 /* a domain that has nothing left to do; never answered */

static const struct moat_bootinfo *bi;
static moat_cptr_t next_free, ram;
static struct domain domains[MAX_DOMAINS];
static unsigned ndomains;

moat_cptr_t root_slot(void)
{
	return next_free <= bi->empty_last ? next_free++ : 0;
}

enum moat_error root_make(moat_word_t type, moat_word_t size_bits, moat_cptr_t *out)
{
	moat_word_t a[5] = { type, size_bits, MOAT_SLOT_ROOT_CNODE, 0, 1 };

	if (!(a[3] = root_slot()))
		return MOAT_NOT_ENOUGH_MEMORY;
	*out = a[3];
	return moat_invoke(ram, MOAT_UNTYPED_RETYPE, 5, a, 0, NULL);
}

static void report_memory(void)
{
	uint64_t total = 0;

	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		if (!bi->untyped[i].is_device)
			total += 1ull << bi->untyped[i].size_bits;
	}
	moat_printf("root: running at EL0, %lu untyped regions, %lu KiB free\n",
		    (unsigned long)bi->untyped_count, (unsigned long)(total >> 10));
}

/* Every program in the image's archive, each in a domain of its own. */
static void start_domains(moat_cptr_t ep)
{
	const struct moat_programs *p = (const struct moat_programs *)(uintptr_t)bi->programs;
	uint64_t header;

	if (bi->programs_size < sizeof(*p) || p->magic != MOAT_PROGRAMS_MAGIC) {
		moat_printf("root: no program archive in the image\n");
		return;
	}
	header = sizeof(*p) + p->count * sizeof(p->entry[0]);
	if (p->count > MAX_DOMAINS || header > bi->programs_size) {
		moat_printf("root: program archive is corrupt (%lu programs)\n", p->count);
		return;
	}
	for (uint64_t i = 0; i < p->count; i++) {
		const struct moat_program_entry *e = &p->entry[i];
		struct domain *d = &domains[ndomains];
		const char *err;

		if (e->name[MOAT_PROGRAM_NAME_MAX - 1] || e->offset > bi->programs_size ||
		    e->size > bi->programs_size - e->offset) {
			moat_printf("root: program %lu: bad archive entry\n", i);
			continue;
		}
		*d = (struct domain){ .name = e->name, .badge = ndomains + 1 };
		err = loader_start(d, (const uint8_t *)p + e->offset, e->size, ep, DOMAIN_PRIO);
		if (err) {
			moat_printf("root: program '%s' not started: %s\n", e->name, err);
			continue;
		}
		moat_printf("root: started '%s' in an address space of its own\n", e->name);
		ndomains++;
	}
}

static const struct domain *domain_of(moat_word_t badge)
{
	return badge >= 1 && badge <= ndomains ? &domains[badge - 1] : NULL;
}

/* A request or a fault from a domain; true if it gets a reply. */
static bool handle(const struct domain *d, moat_word_t label, const moat_word_t *mr)
{
	switch (label) {
	case MOAT_FAULT_VM:
	case MOAT_FAULT_USER_EXCEPTION:
		moat_printf("root: domain '%s' faulted: %s at 0x%lx, pc 0x%lx, ESR 0x%lx%s; "
			    "left stopped\n",
			    d->name, label == MOAT_FAULT_VM ? "memory fault" : "exception", mr[1],
			    mr[0], mr[2], mr[3] & MOAT_FAULT_FLAG_WRITE ? " (write)" : "");
		return false;
	case LABEL_DONE:
		moat_printf("root: '%s' has finished\n", d->name);
		return false;
	case LABEL_HELLO:
		moat_printf("root: '%s' says hello (%lu)\n", d->name, mr[0]);
		return true;
	default:
		moat_printf("root: '%s' sent unknown request %lu\n", d->name, label);
		return true;
	}
}

static void serve(moat_cptr_t ep, moat_cptr_t reply)
{
	struct moat_regs r = { .x0 = ep, .x6 = reply };

	moat_syscall(MOAT_SYS_RECV, &r);
	for (;;) {
		const struct domain *d = domain_of(r.x0);
		moat_word_t label = moat_msginfo_label(r.info);
		bool answer = d && handle(d, label, r.mr);

		if (answer) {
			r = (struct moat_regs){ .x0 = ep, .x6 = reply,
						.info = moat_msginfo(0, 0, 0, 1),
						.mr = { r.mr[0] + 1 } };
			moat_syscall(MOAT_SYS_REPLY_RECV, &r);
		} else {
			r = (struct moat_regs){ .x0 = ep, .x6 = reply };
			moat_syscall(MOAT_SYS_RECV, &r);
		}
	}
}

int main(void *arg)
{
	moat_cptr_t ep, reply;

	bi = arg;
	if (bi->magic != MOAT_BOOTINFO_MAGIC) {
		moat_printf("root: bad boot info\n");
		return 2;
	}
	next_free = bi->empty_first;
	ram = bi->untyped_first + bi->untyped_count - 1; /* device regions come first */
	report_memory();
	if (root_make(MOAT_OBJ_ENDPOINT, 0, &ep) != MOAT_OK ||
	    root_make(MOAT_OBJ_REPLY, 0, &reply) != MOAT_OK) {
		moat_printf("root: cannot make its endpoint\n");
		return 2;
	}
	start_domains(ep);
	moat_printf("root: idle\n");
	serve(ep, reply);
	return 0;
}
