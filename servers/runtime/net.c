/* Both ends of a network channel (moat/net.h): its two rings found and attached. */
#include <moat/net.h>
#include <moat/net_channel.h>
#include <libpv/err.h>
#include <moat/runtime.h>

_Static_assert(MOAT_NET_TO_SWITCH + MOAT_NET_RING_BYTES <= MOAT_NET_FROM_SWITCH &&
		       MOAT_NET_FROM_SWITCH + MOAT_NET_RING_BYTES <= MOAT_NET_SHARED_BYTES,
	       "the rings fit the channel's shared memory");


static int attach_consumer(struct pv_ring_consumer *c, uint8_t *m, uint32_t at)
{
	return pv_ring_consumer_attach(c, m + at, MOAT_NET_RING_BYTES, MOAT_NET_RING_ENTRIES,
				       sizeof(struct moat_net_frame));
}

static int attach_producer(struct pv_ring_producer *p, uint8_t *m, uint32_t at)
{
	return pv_ring_producer_attach(p, m + at, MOAT_NET_RING_BYTES, MOAT_NET_RING_ENTRIES,
				       sizeof(struct moat_net_frame));
}

int moat_net_switch_end_init(struct moat_net_switch_end *e, unsigned channel)
{
	uint8_t *m = moat_channel_shared(channel, MOAT_NET_SHARED_BYTES, &e->signal);
	int err;

	if (!m)
		return PV_E_INVAL;
	err = attach_consumer(&e->rx, m, MOAT_NET_TO_SWITCH);
	return err == PV_OK ? attach_producer(&e->tx, m, MOAT_NET_FROM_SWITCH) : err;
}

int moat_net_port_end_init(struct moat_net_port_end *e, unsigned channel)
{
	uint8_t *m = moat_channel_shared(channel, MOAT_NET_SHARED_BYTES, &e->signal);
	int err;

	if (!m)
		return PV_E_INVAL;
	err = attach_producer(&e->tx, m, MOAT_NET_TO_SWITCH);
	return err == PV_OK ? attach_consumer(&e->rx, m, MOAT_NET_FROM_SWITCH) : err;
}
