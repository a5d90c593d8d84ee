/*
 * The system the root server builds from its static description
 * (system.h): every domain loaded, the channels between them, and then
 * every domain started.
 */
#ifndef MOAT_ROOT_DOMAINS_H
#define MOAT_ROOT_DOMAINS_H

#include "loader.h"

#define DOMAINS_MAX 16

/* Builds and starts the system; domains reach the root through `ep`. */
void domains_build(moat_cptr_t ep);

/* The domain whose endpoint capability carries `badge`, or NULL. */
const struct domain *domains_by_badge(moat_word_t badge);

#endif
