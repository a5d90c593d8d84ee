/* The console client (moat/console.h): both rings of one channel, no blocking. */
#include <moat/console.h>
#include <moat/domain.h>
#include <moat/runtime.h>

#include <libpv/err.h>

int moat_console_init(struct moat_console *c, unsigned channel)
{
	const struct moat_domain_info *info =
		(const struct moat_domain_info *)(uintptr_t)MOAT_DOMAIN_INFO;
	const struct moat_channel_info *ch;
	uint8_t *shared;
	int err;

	*c = (struct moat_console){0};
	if (channel >= info->channel_count || channel >= MOAT_DOMAIN_MAX_CHANNELS)
		return PV_E_INVAL;
	ch = &info->channel[channel];
	if (!ch->shared || ch->shared_size < MOAT_CONSOLE_SHARED_BYTES)
		return PV_E_INVAL;
	shared = (uint8_t *)(uintptr_t)ch->shared;
	err = pv_ring_producer_attach(&c->out, shared + MOAT_CONSOLE_TO_SERVER,
				      MOAT_CONSOLE_FROM_SERVER, MOAT_CONSOLE_ENTRIES,
				      MOAT_CONSOLE_CHUNK_BYTES);
	if (err == PV_OK)
		err = pv_ring_consumer_attach(&c->in, shared + MOAT_CONSOLE_FROM_SERVER,
					      MOAT_CONSOLE_SHARED_BYTES - MOAT_CONSOLE_FROM_SERVER,
					      MOAT_CONSOLE_ENTRIES, MOAT_CONSOLE_CHUNK_BYTES);
	c->signal = ch->signal_slot;
	return err;
}

size_t moat_console_write(struct moat_console *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		struct moat_console_chunk chunk = {0};
		size_t n =
			len - done < MOAT_CONSOLE_CHUNK_DATA ? len - done : MOAT_CONSOLE_CHUNK_DATA;

		chunk.len = (uint8_t)n;
		for (size_t i = 0; i < n; i++)
			chunk.data[i] = p[done + i];
		if (pv_ring_produce(&c->out, &chunk, 1) != 1)
			break;
		done += n;
	}
	if (done && c->signal && pv_ring_producer_kick_needed(&c->out))
		moat_signal(c->signal);
	return done;
}

/* The next chunk from the ring into c->held; false if none (or broken). */
static bool take(struct moat_console *c)
{
	for (int tries = 0; tries < 2; tries++) {
		if (pv_ring_consume(&c->in, &c->held, 1) == 1) {
			c->held_off = 0;
			if (c->held.len > MOAT_CONSOLE_CHUNK_DATA)
				c->held.len = 0; /* a bad length: dropped */
			if (c->signal && pv_ring_consumer_kick_needed(&c->in))
				moat_signal(c->signal);
			return true;
		}
		/* Empty: ask for a kick, and look again in case input just came. */
		if (pv_ring_consumer_prepare_wait(&c->in))
			return false;
	}
	return false;
}

size_t moat_console_read(struct moat_console *c, void *buf, size_t max)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < max) {
		if (c->held_off >= c->held.len && !take(c))
			break;
		while (done < max && c->held_off < c->held.len)
			p[done++] = c->held.data[c->held_off++];
	}
	return done;
}
