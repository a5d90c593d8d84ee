/*
 * The network switch's frame mover (docs/net.md): the rings of each port's
 * channel on one side, the core (core.h) on the other. Portable: the rings
 * are given attached, and signalling and reporting are callbacks, so the
 * host tests run it over rings in plain memory.
 *
 * Per round (net_switch_round), in round-robin order starting one port
 * further each time, every port gets at most NET_SWITCH_BURST frames taken
 * from its ring and at most NET_SWITCH_BURST put into its ring: a port that
 * floods waits in its own ring, and cannot starve the others. A frame is
 * taken from a ring only into a free buffer of that port's own pool
 * (NET_PORT_HELD buffers, the core's bound), so no port uses up another's.
 *
 * Counters (struct net_switch_counters): rx/spoofed/malformed count what a
 * port sent, tx what it was given; dropped counts its frames the core
 * refused (busy, every destination full) and copies for it dropped because
 * its sender's share of its queue was used. A report callback runs when a
 * port's spoofed or malformed counter first becomes non-zero, and again
 * every NET_SWITCH_REPORT_EVERY more.
 */
#ifndef MOAT_NET_SWITCH_H
#define MOAT_NET_SWITCH_H

#include <moat/net.h>
#include <libpv/ring.h>

#include "core.h"

#define NET_SWITCH_BURST	8 /* frames per port per direction per round */
#define NET_SWITCH_REPORT_EVERY 64u

struct net_switch_counters {
	uint64_t rx, tx, spoofed, malformed, dropped;
};

enum net_switch_event { NET_SWITCH_SPOOFED, NET_SWITCH_MALFORMED };

struct net_switch_config {
	unsigned ports;				    /* port 0 the uplink */
	struct net_mac mac[NET_PORTS_MAX];	    /* guests' MACs; mac[0] unused */
	struct pv_ring_consumer *rx[NET_PORTS_MAX]; /* the port's MOAT_NET_TO_SWITCH */
	struct pv_ring_producer *tx[NET_PORTS_MAX]; /* its MOAT_NET_FROM_SWITCH */
	void (*signal)(void *ctx, unsigned port);   /* wake the port's peer */
	void (*report)(void *ctx, unsigned port, enum net_switch_event why,
		       const struct net_switch_counters *now);
	/* Optional (the benchmark build): a frame of `len` bytes went from port `from` to `to`. */
	void (*forwarded)(void *ctx, unsigned from, unsigned to, uint32_t len);
	void *ctx;
};

struct net_switch_port {
	struct pv_ring_consumer *rx;
	struct pv_ring_producer *tx;
	struct moat_net_frame buf[NET_PORT_HELD]; /* frames from this port, private copies */
	bool buf_used[NET_PORT_HELD];
	unsigned buf_free;
	struct net_core_frame out; /* taken from the core, waiting for room in tx */
	bool out_waiting;
	bool broken; /* a ring the peer broke: served no more */
	uint64_t bad_len, refused, spoof_next, malformed_next;
};

struct net_switch {
	struct net_core core;
	struct net_switch_port port[NET_PORTS_MAX];
	unsigned ports, first;
	struct net_switch_config cfg;
};

/* False if the core refuses the ports (core.h) or a ring or callback is missing. */
bool net_switch_init(struct net_switch *s, const struct net_switch_config *cfg);

/* One round over every port; true if any frame moved. */
bool net_switch_round(struct net_switch *s);

/*
 * After a round in which nothing moved: asks each ring to wake us when it
 * can move more. True if sleeping until a signal is now safe.
 */
bool net_switch_prepare_wait(struct net_switch *s);

/* Port `port`'s counters. */
void net_switch_counters(const struct net_switch *s, unsigned port,
			 struct net_switch_counters *out);

/* Buffers of `port`'s pool in use (held by the core, or being sent). */
unsigned net_switch_held(const struct net_switch *s, unsigned port);

#endif
