/*
 * The guests of the system (system.h sys_guests), built after the
 * domains: for each, a VMM domain named after the guest (loader.c) that
 * holds the guest's RAM, read-only copies of its kernel and initrd, and
 * its suspended vCPU threads (servers/runtime/include/moat/vmm.h). The
 * VMM starts the guest; the root server only logs what it reports.
 */
#ifndef MOAT_ROOT_GUESTS_H
#define MOAT_ROOT_GUESTS_H

#include <moat/vmm.h>

#include "domains.h"

#define GUESTS_MAX 4
/* VMM i's endpoint badge, after every domain's (1..DOMAINS_MAX). */
#define GUESTS_BADGE(i) ((moat_word_t)DOMAINS_MAX + 1 + (i))
/* Where the guest's RAM starts in its own (intermediate physical) address space. */
#define GUESTS_RAM_IPA 0x40000000ull

struct guest {
	const struct sys_guest *sys;
	struct sys_domain vmm_sys; /* the VMM's description, made from the guest's */
	struct domain vmm;
	moat_cptr_t space, ep, reply; /* root slots: GuestSpace, the vCPUs' faults */
	moat_cptr_t vcpu[MOAT_VMM_MAX_VCPUS], tcb[MOAT_VMM_MAX_VCPUS]; /* and the vCPUs' */
	struct moat_vmm_info info;
};

/*
 * Builds every guest's VMM, not yet started; a VMM reaches the root
 * through `ep`. guests_vmm(i): guest i's VMM domain, for its channels,
 * NULL if it was not made. guests_start: every VMM made starts.
 */
void guests_create(moat_cptr_t ep);
struct domain *guests_vmm(unsigned i);
void guests_start(void);
/*
 * Guest i's VMM info page, to be completed before guests_start (its
 * virtual disk, vdisks.h); NULL if it was not made.
 */
struct moat_vmm_info *guests_info(unsigned i);
/* Guest i's PL011 is its VMM's channel `channel`, to the console server. */
void guests_set_console(unsigned i, unsigned channel);

/* The guest whose VMM's endpoint capability carries `badge`, or NULL. */
const struct guest *guests_by_badge(moat_word_t badge);

/* Logs an event its VMM reported (enum moat_guest_event); the reply's label. */
enum moat_error guests_event(const struct guest *g, moat_word_t event);

#endif
