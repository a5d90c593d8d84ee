/* Building the described system; see domains.h. */
#include "domains.h"

#include "alloc.h"
#include "console.h"
#include "guests.h"
#include "space.h"
#include "string.h"

/* Every channel the root can make: each domain and VMM has at most 8. */
#define CHANNELS_MAX ((DOMAINS_MAX + GUESTS_MAX) * MOAT_DOMAIN_MAX_CHANNELS / 2)

struct channel_ends {
	uint8_t a, b; /* the channel's index among each end's channels */
	bool made;
};

static struct domain domains[DOMAINS_MAX];
static bool ready[DOMAINS_MAX];
static unsigned ndomains;
static struct channel_ends ends[CHANNELS_MAX];

static const char *create(unsigned i, moat_cptr_t ep)
{
	struct domain *d = &domains[i];
	const void *elf;
	size_t size;
	const char *err = loader_find(sys_domains[i].name, &elf, &size);

	*d = (struct domain){ .sys = &sys_domains[i], .badge = i + 1 };
	return err ? err : loader_create(d, elf, size, ep);
}

/* One side of a channel: `d` learns of `peer`, whose inbox it may signal. */
static const char *add_end(struct domain *d, const struct domain *peer, uint64_t shared,
			   uint64_t size, bool notify, unsigned peer_index)
{
	struct moat_channel_info *c = &d->info.channel[d->info.channel_count];
	moat_word_t slot = MOAT_DOMAIN_SLOT_CHANNEL0 + d->info.channel_count;

	if (d->info.channel_count == MOAT_DOMAIN_MAX_CHANNELS ||
	    slot >= MOAT_DOMAIN_CSPACE_SLOTS)
		return "too many channels";
	for (size_t i = 0; i + 1 < MOAT_DOMAIN_NAME_MAX && peer->sys->name[i]; i++)
		c->peer[i] = peer->sys->name[i];
	c->shared = size ? shared : 0;
	c->shared_size = size;
	if (notify) {
		if (alloc_mint(d->cspace, slot, peer->inbox, MOAT_RIGHT_WRITE,
			       MOAT_DOMAIN_CHANNEL_BIT(peer_index)) != MOAT_OK)
			return "cannot give the peer's notification";
		c->signal_slot = slot;
	}
	d->info.channel_count++;
	return NULL;
}

/* Shared pages, mapped in both, at each side's next free shared address. */
static const char *share(struct domain *a, struct domain *b, uint64_t pages)
{
	for (uint64_t k = 0; k < pages; k++) {
		moat_cptr_t frame, copy;
		const char *err = space_new_page(a->vspace, a->shared_next + k * SPACE_PAGE,
						 MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0, NULL, 0, 0,
						 &frame);

		if (err)
			return err;
		if (alloc_derive(frame, MOAT_RIGHTS_ALL, 0, &copy) != MOAT_OK ||
		    space_map(copy, b->vspace, b->shared_next + k * SPACE_PAGE,
			      MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0) != MOAT_OK)
			return "cannot map the shared memory";
	}
	return NULL;
}

static const char *connect(unsigned index, const struct sys_channel *c)
{
	struct domain *a, *b;
	uint64_t bytes = c->shared_pages * SPACE_PAGE;
	unsigned ia, ib;
	const char *err;

	if (c->a >= ndomains || !ready[c->a])
		return "a channel to a domain that is not there";
	a = &domains[c->a];
	if (c->b_guest)
		b = guests_vmm(c->b);
	else
		b = c->b < ndomains && c->b != c->a && ready[c->b] ? &domains[c->b] : NULL;
	if (!b)
		return c->b_guest ? "a channel to a guest that is not there"
				  : "a channel to a domain that is not there";
	ia = (unsigned)a->info.channel_count;
	ib = (unsigned)b->info.channel_count;
	if ((err = share(a, b, c->shared_pages)) ||
	    (err = add_end(a, b, a->shared_next, bytes, c->notify, ib)) ||
	    (err = add_end(b, a, b->shared_next, bytes, c->notify, ia)))
		return err;
	if (c->b_guest && a->sys->kernel_log) /* the console server: the guest's PL011 */
		guests_set_console(c->b, (unsigned)b->info.channel_count - 1);
	if (index < CHANNELS_MAX)
		ends[index] =
			(struct channel_ends){ .a = (uint8_t)ia, .b = (uint8_t)ib, .made = true };
	a->shared_next += bytes;
	b->shared_next += bytes;
	return NULL;
}

void domains_create(moat_cptr_t ep)
{
	const char *err;

	ndomains = sys_domain_count < DOMAINS_MAX ? sys_domain_count : DOMAINS_MAX;
	moat_printf("root: system '%s': %u domains, %u channels, %u guests\n", sys_name,
		    sys_domain_count, sys_channel_count, sys_guest_count);
	for (unsigned i = 0; i < ndomains; i++) {
		if ((err = create(i, ep)))
			moat_printf("root: domain '%s' not started: %s\n", sys_domains[i].name, err);
		ready[i] = !err;
	}
}

void domains_connect(void)
{
	const char *err;

	for (unsigned c = 0; c < sys_channel_count; c++) {
		if ((err = connect(c, &sys_channels[c])))
			moat_printf("root: channel %u not made: %s\n", c, err);
	}
	console_handover(domains, ready, ndomains);
}

void domains_start(void)
{
	const char *err;

	for (unsigned i = 0; i < ndomains; i++) {
		if (!ready[i])
			continue;
		if ((err = loader_start(&domains[i]))) {
			moat_printf("root: domain '%s' not started: %s\n", sys_domains[i].name, err);
			ready[i] = false;
			continue;
		}
		moat_printf("root: started '%s' in an address space of its own\n",
			    sys_domains[i].name);
	}
}

struct domain *domains_get(unsigned i)
{
	return i < ndomains && ready[i] ? &domains[i] : NULL;
}

void domains_refuse(unsigned i, const char *why)
{
	if (i >= ndomains || !ready[i])
		return;
	moat_printf("root: domain '%s' not started: %s\n", sys_domains[i].name, why);
	ready[i] = false;
}

bool domains_channel_ends(unsigned c, unsigned *a_index, unsigned *b_index)
{
	if (c >= CHANNELS_MAX || !ends[c].made)
		return false;
	*a_index = ends[c].a;
	*b_index = ends[c].b;
	return true;
}

const struct domain *domains_by_badge(moat_word_t badge)
{
	return badge >= 1 && badge <= ndomains && ready[badge - 1] ? &domains[badge - 1] : NULL;
}
