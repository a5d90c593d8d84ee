/*
 * The two ends of a network channel (moat/net.h) in a domain: the switch
 * side consumes MOAT_NET_TO_SWITCH and produces MOAT_NET_FROM_SWITCH; the
 * port side (a VMM, the NIC driver) the other way round. Signal the peer
 * (moat_signal(signal)) when a ring says a kick is needed.
 */
#ifndef MOAT_NET_CHANNEL_H
#define MOAT_NET_CHANNEL_H

#include <moat/net.h>
#include <libpv/ring.h>

struct moat_net_switch_end {
	struct pv_ring_consumer rx; /* MOAT_NET_TO_SWITCH */
	struct pv_ring_producer tx; /* MOAT_NET_FROM_SWITCH */
	moat_cptr_t signal;
};

struct moat_net_port_end {
	struct pv_ring_producer tx; /* MOAT_NET_TO_SWITCH */
	struct pv_ring_consumer rx; /* MOAT_NET_FROM_SWITCH */
	moat_cptr_t signal;
};

/*
 * Channel `channel`'s rings; PV_E_INVAL if there is no such channel, it has
 * less than MOAT_NET_SHARED_BYTES of shared memory, or no signal.
 */
int moat_net_switch_end_init(struct moat_net_switch_end *e, unsigned channel);
int moat_net_port_end_init(struct moat_net_port_end *e, unsigned channel);

#endif
