/*
 * The network switch's frame mover (switch.h): frames from each port's
 * ring into that port's pool, through the core, and out into the rings of
 * the ports the core picks, a bounded number per port per round.
 */
#include "switch.h"

#define HANDLE(port, k) ((uint64_t)(port) << 8 | (k))

static void release(void *ctx, uint64_t handle)
{
	struct net_switch *s = ctx;
	struct net_switch_port *p = &s->port[handle >> 8];

	/* Only handles we made reach here: the core releases each exactly once. */
	p->buf_used[handle & 0xff] = false;
	p->buf_free++;
}

bool net_switch_init(struct net_switch *s, const struct net_switch_config *cfg)
{
	struct net_core_config cc = {.ports = cfg->ports, .release = release, .ctx = s};

	if (!cfg->signal || !cfg->report || cfg->ports > NET_PORTS_MAX)
		return false;
	__builtin_memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < cfg->ports; i++) {
		if (!cfg->rx[i] || !cfg->tx[i])
			return false;
		s->port[i].rx = cfg->rx[i];
		s->port[i].tx = cfg->tx[i];
		s->port[i].buf_free = NET_PORT_HELD;
		s->port[i].spoof_next = 1;
		s->port[i].malformed_next = 1;
		cc.mac[i] = cfg->mac[i];
	}
	s->ports = cfg->ports;
	s->cfg = *cfg;
	return net_core_init(&s->core, &cc);
}

void net_switch_counters(const struct net_switch *s, unsigned port, struct net_switch_counters *out)
{
	const struct net_switch_port *p = &s->port[port];
	const struct net_port_stats *st = &s->core.port[port].stats;

	*out = (struct net_switch_counters){
		.rx = st->rx,
		.tx = st->tx,
		.spoofed = st->spoofed,
		.malformed = st->malformed + p->bad_len,
		.dropped = p->refused + st->dropped_full,
	};
}

unsigned net_switch_held(const struct net_switch *s, unsigned port)
{
	return NET_PORT_HELD - s->port[port].buf_free;
}

/* A peer broke its ring: its port is served no more, and nothing waits for it. */
static void disconnect(struct net_switch *s, unsigned i)
{
	struct net_switch_port *p = &s->port[i];

	p->broken = true;
	if (p->out_waiting)
		net_core_done(&s->core, i, p->out.ref);
	p->out_waiting = false;
	net_core_reset(&s->core, i);
}

static void report_if_due(struct net_switch *s, unsigned i)
{
	struct net_switch_port *p = &s->port[i];
	struct net_switch_counters c;

	net_switch_counters(s, i, &c);
	if (c.spoofed >= p->spoof_next) {
		p->spoof_next = c.spoofed + NET_SWITCH_REPORT_EVERY;
		s->cfg.report(s->cfg.ctx, i, NET_SWITCH_SPOOFED, &c);
	}
	if (c.malformed >= p->malformed_next) {
		p->malformed_next = c.malformed + NET_SWITCH_REPORT_EVERY;
		s->cfg.report(s->cfg.ctx, i, NET_SWITCH_MALFORMED, &c);
	}
}

/* One frame from port i's ring into a free buffer and the core; false if none was taken. */
static bool take_one(struct net_switch *s, unsigned i)
{
	struct net_switch_port *p = &s->port[i];
	struct moat_net_frame *f;
	unsigned k = 0;
	int32_t got;
	enum net_core_result r;

	if (!p->buf_free)
		return false;
	while (p->buf_used[k]) /* buf_free > 0: one is free */
		k++;
	f = &p->buf[k];
	got = pv_ring_consume_prefix(p->rx, f, MOAT_NET_FRAME_HEAD, moat_net_frame_more);
	if (got < 0)
		disconnect(s, i);
	if (got != 1)
		return false;
	/* f is ours now: the peer can no longer change what is checked here. */
	if (f->len < MOAT_NET_FRAME_MIN || f->len > MOAT_NET_FRAME_MAX) {
		p->bad_len++;
		return true;
	}
	p->buf_used[k] = true;
	p->buf_free--;
	r = net_core_input(&s->core, i, f->data, f->len, HANDLE(i, k));
	if (r == NET_CORE_E_BUSY || r == NET_CORE_E_FULL)
		p->refused++;
	return true;
}

/* Up to NET_SWITCH_BURST frames from port i's ring. */
static bool take_from(struct net_switch *s, unsigned i)
{
	struct net_switch_port *p = &s->port[i];
	unsigned n = 0;

	while (n < NET_SWITCH_BURST && !p->broken && take_one(s, i))
		n++;
	report_if_due(s, i);
	return n > 0;
}

/* Up to NET_SWITCH_BURST frames the core has for port i into its ring. */
static bool give_to(struct net_switch *s, unsigned i)
{
	struct net_switch_port *p = &s->port[i];
	unsigned n = 0;

	while (n < NET_SWITCH_BURST && !p->broken) {
		const struct moat_net_frame *f;
		int32_t put;

		if (!p->out_waiting && !net_core_next(&s->core, i, &p->out))
			break;
		p->out_waiting = true;
		f = &s->port[p->out.handle >> 8].buf[p->out.handle & 0xff];
		put = pv_ring_produce_prefix(p->tx, f, moat_net_frame_bytes(f));
		if (put < 0)
			disconnect(s, i);
		if (put != 1)
			break;
		p->out_waiting = false;
		if (s->cfg.forwarded)
			s->cfg.forwarded(s->cfg.ctx, p->out.ingress, i, p->out.len);
		net_core_done(&s->core, i, p->out.ref);
		n++;
	}
	return n > 0;
}

bool net_switch_round(struct net_switch *s)
{
	bool moved = false;

	for (unsigned n = 0; n < s->ports; n++) {
		unsigned i = (s->first + n) % s->ports;

		if (!s->port[i].broken)
			moved |= take_from(s, i);
	}
	for (unsigned n = 0; n < s->ports; n++) {
		unsigned i = (s->first + n) % s->ports;
		struct net_switch_port *p = &s->port[i];

		if (p->broken) {
			/* Frames still come for it (flooded, or to its MAC): drop them. */
			net_core_reset(&s->core, i);
			continue;
		}
		moved |= give_to(s, i);
		/* One signal per port and round covers both rings: the peer checks both. */
		if (pv_ring_consumer_kick_needed(p->rx) | pv_ring_producer_kick_needed(p->tx))
			s->cfg.signal(s->cfg.ctx, i);
	}
	s->first = (s->first + 1) % s->ports;
	return moved;
}

bool net_switch_prepare_wait(struct net_switch *s)
{
	for (unsigned i = 0; i < s->ports; i++) {
		struct net_switch_port *p = &s->port[i];

		if (p->broken)
			continue;
		/* With a free buffer, wait for frames; without, only other rings can free one. */
		if (p->buf_free && !pv_ring_consumer_prepare_wait(p->rx))
			return false;
		if (p->out_waiting && !pv_ring_producer_prepare_wait(p->tx))
			return false;
	}
	return true;
}
