/*
 * The two ends of a block channel (moat/blk.h) in a domain: the client
 * (a VMM, or the backend towards its driver) produces requests and
 * consumes completions; the server (the backend towards its clients, or
 * the driver) the other way round. Signal the peer (moat_signal(signal))
 * when the ring says a kick is needed.
 */
#ifndef MOAT_BLK_CHANNEL_H
#define MOAT_BLK_CHANNEL_H

#include <moat/blk.h>
#include <libpv/ring.h>

struct moat_blk_client {
	struct pv_ring_producer req;
	struct pv_ring_consumer done;
	moat_cptr_t signal;
	volatile struct moat_blk_device *device;
};

struct moat_blk_server {
	struct pv_ring_consumer req;
	struct pv_ring_producer done;
	moat_cptr_t signal;
	volatile struct moat_blk_device *device;
};

/* Channel `channel`'s rings; PV_E_INVAL if it has too little shared memory or no signal. */
int moat_blk_client_init(struct moat_blk_client *c, unsigned channel);
int moat_blk_server_init(struct moat_blk_server *s, unsigned channel);

/* The driver's description of the disk, once it has published it. */
bool moat_blk_device_ready(const struct moat_blk_client *c, struct moat_blk_device *out);
/* The driver publishes it, once, before its first signal. */
void moat_blk_device_publish(struct moat_blk_server *s, uint64_t sectors, uint64_t flags);

#endif
