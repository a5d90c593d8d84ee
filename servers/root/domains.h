/*
 * The system the root server builds from its static description
 * (system.h): every domain loaded (domains_create), then every guest's
 * VMM (guests.h), the channels between them all (domains_connect), and
 * then every domain started.
 */
#ifndef MOAT_ROOT_DOMAINS_H
#define MOAT_ROOT_DOMAINS_H

#include "loader.h"

#define DOMAINS_MAX 16

/* Loads every domain; domains reach the root through `ep`. */
void domains_create(moat_cptr_t ep);
/* Makes the channels, to domains and to guests' VMMs (guests_vmm()). */
void domains_connect(void);
/* Starts every domain that was made whole. */
void domains_start(void);

/* Domain i if it was made whole (and not refused since), else NULL. */
struct domain *domains_get(unsigned i);
/* Domain i is not started: logs why. */
void domains_refuse(unsigned i, const char *why);
/*
 * Channel c (sys_channels) was made: its index among end a's channels and
 * among end b's (domain or guest's VMM). False if it was not made.
 */
bool domains_channel_ends(unsigned c, unsigned *a_index, unsigned *b_index);

/* The domain whose endpoint capability carries `badge`, or NULL. */
const struct domain *domains_by_badge(moat_word_t badge);

#endif
