/* Both ends of a block channel (moat/blk.h): its two rings found and attached. */
#include <moat/blk.h>
#include <moat/blk_channel.h>
#include <libpv/err.h>
#include <moat/runtime.h>


int moat_blk_client_init(struct moat_blk_client *c, unsigned channel)
{
	uint8_t *m = moat_channel_shared(channel, MOAT_BLK_SHARED_BYTES, &c->signal);
	int err;

	if (!m)
		return PV_E_INVAL;
	err = pv_ring_producer_attach(&c->req, m + MOAT_BLK_REQUESTS,
				      MOAT_BLK_COMPLETIONS - MOAT_BLK_REQUESTS,
				      MOAT_BLK_RING_ENTRIES, sizeof(struct moat_blk_request));
	if (err == PV_OK)
		err = pv_ring_consumer_attach(&c->done, m + MOAT_BLK_COMPLETIONS,
					      MOAT_BLK_DEVICE - MOAT_BLK_COMPLETIONS,
					      MOAT_BLK_RING_ENTRIES,
					      sizeof(struct moat_blk_completion));
	c->device = (volatile struct moat_blk_device *)(m + MOAT_BLK_DEVICE);
	return err;
}

int moat_blk_server_init(struct moat_blk_server *s, unsigned channel)
{
	uint8_t *m = moat_channel_shared(channel, MOAT_BLK_SHARED_BYTES, &s->signal);
	int err;

	if (!m)
		return PV_E_INVAL;
	err = pv_ring_consumer_attach(&s->req, m + MOAT_BLK_REQUESTS,
				      MOAT_BLK_COMPLETIONS - MOAT_BLK_REQUESTS,
				      MOAT_BLK_RING_ENTRIES, sizeof(struct moat_blk_request));
	if (err == PV_OK)
		err = pv_ring_producer_attach(&s->done, m + MOAT_BLK_COMPLETIONS,
					      MOAT_BLK_DEVICE - MOAT_BLK_COMPLETIONS,
					      MOAT_BLK_RING_ENTRIES,
					      sizeof(struct moat_blk_completion));
	s->device = (volatile struct moat_blk_device *)(m + MOAT_BLK_DEVICE);
	return err;
}

bool moat_blk_device_ready(const struct moat_blk_client *c, struct moat_blk_device *out)
{
	if (c->device->magic != MOAT_BLK_DEVICE_MAGIC)
		return false;
	__asm__ volatile("dmb ishld" ::: "memory"); /* the fields after the magic */
	out->sectors = c->device->sectors;
	out->flags = c->device->flags;
	out->magic = MOAT_BLK_DEVICE_MAGIC;
	return true;
}

void moat_blk_device_publish(struct moat_blk_server *s, uint64_t sectors, uint64_t flags)
{
	s->device->sectors = sectors;
	s->device->flags = flags;
	__asm__ volatile("dmb ishst" ::: "memory"); /* the fields before the magic */
	s->device->magic = MOAT_BLK_DEVICE_MAGIC;
}
