/*
 * The root server: reports the memory it was given, builds the system its
 * image describes (domains.c, then guests.c, the channels, then the
 * virtual disks and NICs: vdisks.c, vnics.c), and then supervises it: requests on its
 * endpoint, guest events from VMMs, and the domains' faults, reported
 * with the domain's name and the decoded syndrome. A faulted domain is
 * left stopped; the others carry on.
 */
#include <moat/runtime.h>

#include "alloc.h"
#include "domains.h"
#include "esr.h"
#include "guests.h"
#include "vdisks.h"
#include "vnics.h"

#define LABEL_HELLO 1
#define LABEL_DONE 2 /* a domain that has nothing left to do; never answered */

static void report_memory(const struct moat_bootinfo *bi)
{
	uint64_t total = 0;

	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		if (!bi->untyped[i].is_device)
			total += 1ull << bi->untyped[i].size_bits;
	}
	moat_printf("root: running at EL0, %lu untyped regions, %lu KiB free\n",
		    (unsigned long)bi->untyped_count, (unsigned long)(total >> 10));
}

static void report_fault(const struct domain *d, moat_word_t label, const moat_word_t *mr)
{
	char iss[96];
	unsigned ec = (unsigned)ESR_EC(mr[2]);

	esr_describe_iss(mr[2], iss, sizeof(iss));
	moat_printf("root: domain '%s' faulted: %s at 0x%lx, pc 0x%lx, ESR 0x%lx%s; left stopped\n",
		    d->sys->name, label == MOAT_FAULT_VM ? "memory fault" : "exception", mr[1], mr[0],
		    mr[2], mr[3] & MOAT_FAULT_FLAG_WRITE ? " (write)" : "");
	moat_printf("root:   %s: %s\n", esr_class_name(ec), iss);
}

/* MOAT_ROOT_GUEST_EVENT: only a guest's VMM may report on its guest. */
static enum moat_error guest_event(const struct domain *d, const struct guest *g, moat_word_t info,
				   const moat_word_t *mr)
{
	if (!g) {
		moat_printf("root: '%s' sent a guest event but is no guest's VMM; refused\n",
			    d->sys->name);
		return MOAT_ILLEGAL_OPERATION;
	}
	if (moat_msginfo_length(info) < 1) {
		moat_printf("root: guest '%s' sent an event without its word; refused\n",
			    g->sys->name);
		return MOAT_TRUNCATED_MESSAGE;
	}
	return guests_event(g, mr[0]);
}

/*
 * A request or a fault from a domain (g: the guest it is the VMM of, or
 * NULL); true if it gets a reply, whose label and words go into *out.
 */
static bool handle(const struct domain *d, const struct guest *g, moat_word_t info,
		   const moat_word_t *mr, struct moat_regs *out)
{
	moat_word_t label = moat_msginfo_label(info);

	switch (label) {
	case MOAT_FAULT_VM:
	case MOAT_FAULT_USER_EXCEPTION:
		report_fault(d, label, mr);
		return false;
	case LABEL_DONE:
		moat_printf("root: '%s' has finished\n", d->sys->name);
		return false;
	case LABEL_HELLO:
		moat_printf("root: '%s' says hello (%lu)\n", d->sys->name, mr[0]);
		out->info = moat_msginfo(0, 0, 0, 1);
		out->mr[0] = mr[0] + 1;
		return true;
	case MOAT_ROOT_GUEST_EVENT:
		out->info = moat_msginfo(guest_event(d, g, info, mr), 0, 0, 0);
		return true;
	default:
		moat_printf("root: '%s' sent unknown request %lu; refused\n", d->sys->name, label);
		out->info = moat_msginfo(MOAT_ILLEGAL_OPERATION, 0, 0, 0);
		return true;
	}
}

static void serve(moat_cptr_t ep, moat_cptr_t reply)
{
	struct moat_regs r = { .x0 = ep, .x6 = reply };

	moat_syscall(MOAT_SYS_RECV, &r);
	for (;;) {
		const struct guest *g = guests_by_badge(r.x0);
		const struct domain *d = g ? &g->vmm : domains_by_badge(r.x0);
		struct moat_regs out = { .x0 = ep, .x6 = reply };
		bool answer = d && handle(d, g, r.info, r.mr, &out);

		r = out;
		moat_syscall(answer ? MOAT_SYS_REPLY_RECV : MOAT_SYS_RECV, &r);
	}
}

int main(void *arg)
{
	const struct moat_bootinfo *bi = arg;
	moat_cptr_t ep, reply;

	if (bi->magic != MOAT_BOOTINFO_MAGIC) {
		moat_printf("root: bad boot info\n");
		return 2;
	}
	alloc_init(bi);
	report_memory(bi);
	if (alloc_object(MOAT_OBJ_ENDPOINT, 0, &ep) != MOAT_OK ||
	    alloc_object(MOAT_OBJ_REPLY, 0, &reply) != MOAT_OK) {
		moat_printf("root: cannot make its endpoint\n");
		return 2;
	}
	domains_create(ep);
	guests_create(ep);
	domains_connect();
	vdisks_give();
	vnics_give();
	domains_start();
	guests_start();
	moat_printf("root: idle\n");
	serve(ep, reply);
	return 0;
}
