/* Both ends of a network channel (moat/net.h): its two rings found and attached. */
#include <moat/net.h>
#include <moat/net_channel.h>
#include <libpv/err.h>

_Static_assert(MOAT_NET_TO_SWITCH + MOAT_NET_RING_BYTES <= MOAT_NET_FROM_SWITCH &&
		       MOAT_NET_FROM_SWITCH + MOAT_NET_RING_BYTES <= MOAT_NET_SHARED_BYTES,
	       "the rings fit the channel's shared memory");

/* Channel `channel`'s shared memory, if it is large enough for the rings; NULL if not. */
static uint8_t *area(unsigned channel, moat_cptr_t *signal)
{
	const struct moat_domain_info *info =
		(const struct moat_domain_info *)(uintptr_t)MOAT_DOMAIN_INFO;
	const struct moat_channel_info *ch;

	if (channel >= info->channel_count || channel >= MOAT_DOMAIN_MAX_CHANNELS)
		return NULL;
	ch = &info->channel[channel];
	if (!ch->shared || ch->shared_size < MOAT_NET_SHARED_BYTES || !ch->signal_slot)
		return NULL;
	*signal = ch->signal_slot;
	return (uint8_t *)(uintptr_t)ch->shared;
}

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
	uint8_t *m = area(channel, &e->signal);
	int err;

	if (!m)
		return PV_E_INVAL;
	err = attach_consumer(&e->rx, m, MOAT_NET_TO_SWITCH);
	return err == PV_OK ? attach_producer(&e->tx, m, MOAT_NET_FROM_SWITCH) : err;
}

int moat_net_port_end_init(struct moat_net_port_end *e, unsigned channel)
{
	uint8_t *m = area(channel, &e->signal);
	int err;

	if (!m)
		return PV_E_INVAL;
	err = attach_producer(&e->tx, m, MOAT_NET_TO_SWITCH);
	return err == PV_OK ? attach_consumer(&e->rx, m, MOAT_NET_FROM_SWITCH) : err;
}
