/*
 * libFuzzer harness for the network backend's switch (servers/net/core.c):
 * the fuzzer is every port at once, sending any frame (spoofed, malformed,
 * to any address), and every port's consumer, taking frames, finishing
 * with them in any order (or twice), and resetting ports. It holds the
 * core to the invariants in core.h on every step:
 *
 * - no frame reaches its ingress port, or any port twice; a frame to a
 *   guest's MAC reaches that guest only; frames from one port reach
 *   another in the order they were sent;
 * - nothing forwarded is malformed, or from a guest without its MAC;
 * - the per-port bounds (held frames, each sender's share of a queue),
 *   and a copy dropped for a full queue only when its sender's share
 *   there was used;
 * - every handle is released exactly once, only when no port holds or
 *   awaits it, and all are released once everything is drained.
 *
 * Input: 1 byte of layout (the number of ports), then 4-byte steps: op,
 * port, and two selectors.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define STEP	 4
#define HANDLES	 8192
#define HOSTS	 80 /* more than NET_FDB_ENTRIES: replacement happens */
#define OUTS_MAX (NET_PORTS_MAX * NET_EGRESS_QUEUE + NET_REFS)

static void check(int cond)
{
	if (!cond)
		abort();
}

/* What the harness knows of each frame it sent. */
struct sent {
	unsigned ingress, len;
	struct net_mac dst, src;
	enum net_core_result r;
	unsigned released;
	uint16_t delivered; /* ports that took it */
	uint16_t holding;   /* of those, the ones not yet done */
};

/* A frame a port has taken and not finished with. */
struct out {
	unsigned port, ref;
	uint64_t handle;
};

static struct net_core c;
static struct sent sent[HANDLES];
static unsigned handles;
static struct out outs[OUTS_MAX];
static unsigned nouts;
static int64_t last_from[NET_PORTS_MAX][NET_PORTS_MAX]; /* [ingress][egress]: FIFO */

static void release(void *ctx, uint64_t h)
{
	check(ctx == &c && h < handles);
	check(sent[h].released++ == 0);
	check(!sent[h].holding);
}

static struct net_mac guest_mac(unsigned i)
{
	return (struct net_mac){ { 0x52, 0x54, 0, 0, 0, (uint8_t)i } };
}

static struct net_mac host_mac(unsigned n)
{
	return (struct net_mac){ { 0x02, 0, 0, 0, 0, (uint8_t)n } };
}

static struct net_mac pick_mac(uint8_t sel)
{
	static const struct net_mac bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	static const struct net_mac mcast = { { 0x33, 0x33, 0, 0, 0, 1 } };

	switch (sel >> 5) {
	case 0:
	case 1:
		return guest_mac(sel % NET_PORTS_MAX);
	case 2:
		return bcast;
	case 3:
		return mcast;
	default:
		return host_mac(sel % HOSTS);
	}
}

static bool mac_eq(struct net_mac a, struct net_mac b)
{
	return !memcmp(a.b, b.b, 6);
}

/* The core's own bookkeeping agrees with itself and with the bounds. */
static void check_state(void)
{
	check(c.share * (c.ports > 1 ? c.ports - 1 : 1) <= NET_EGRESS_QUEUE);
	for (unsigned e = 0; e < c.ports; e++) {
		const struct net_port *p = &c.port[e];
		unsigned from[NET_PORTS_MAX] = { 0 }, held = 0;

		check(p->count <= NET_EGRESS_QUEUE);
		for (unsigned k = 0; k < p->count; k++) {
			struct net_copy q = p->queue[(p->head + k) % NET_EGRESS_QUEUE];
			const struct net_frame *f = &c.port[q.ingress].frame[q.slot];

			check(q.ingress < c.ports && q.ingress != e && q.slot < NET_PORT_HELD);
			check((f->pending & (1u << e)) && !(f->taken & (1u << e)));
			from[q.ingress]++;
		}
		for (unsigned i = 0; i < c.ports; i++)
			check(from[i] == p->queued_from[i] && from[i] <= c.share);
		for (unsigned s = 0; s < NET_PORT_HELD; s++) {
			const struct net_frame *f = &p->frame[s];

			if (!f->pending)
				continue;
			held++;
			check(f->handle < handles && !sent[f->handle].released);
			check(!(f->pending & (1u << e)) && (f->taken & ~f->pending) == 0);
		}
		check(held == p->held && held <= NET_PORT_HELD);
	}
}

static unsigned frame_len(uint8_t op)
{
	static const unsigned lens[8] = { 13, 14, 64, 1514, 1515, 0, 60, 1000 };

	return lens[op >> 5];
}

static void input(unsigned port, uint8_t op, uint8_t a, uint8_t b)
{
	static uint8_t frame[NET_FRAME_MAX + 1];
	uint8_t share_before[NET_PORTS_MAX] = { 0 };
	uint64_t full_before[NET_PORTS_MAX];
	unsigned held_before = port < c.ports ? c.port[port].held : 0;
	struct sent *s = &sent[handles];

	*s = (struct sent){ .ingress = port, .len = frame_len(op), .dst = pick_mac(a) };
	if (b & 0x80) /* anything */
		s->src = pick_mac(b);
	else /* its own */
		s->src = port == NET_UPLINK ? host_mac(b % HOSTS) : guest_mac(port);
	for (unsigned e = 0; e < c.ports; e++) {
		full_before[e] = c.port[e].stats.dropped_full;
		if (port < c.ports)
			share_before[e] = c.port[e].queued_from[port];
	}
	memset(frame, op, sizeof(frame));
	memcpy(frame, s->dst.b, 6);
	memcpy(frame + 6, s->src.b, 6);
	s->r = net_core_input(&c, port, frame, s->len, handles++);
	check(s->released == (s->r != NET_CORE_FORWARDED));
	if (port >= c.ports) {
		check(s->r == NET_CORE_E_PORT);
		return;
	}
	if (s->len < NET_FRAME_MIN || s->len > NET_FRAME_MAX || (s->src.b[0] & 1))
		check(s->r == NET_CORE_E_MALFORMED);
	else if (port != NET_UPLINK && !mac_eq(s->src, guest_mac(port)))
		check(s->r == NET_CORE_E_SPOOFED);
	else if (held_before == NET_PORT_HELD)
		check(s->r == NET_CORE_E_BUSY);
	else
		check(s->r == NET_CORE_FORWARDED || s->r == NET_CORE_E_FULL ||
		      (s->r == NET_CORE_FILTERED && !(s->dst.b[0] & 1))); /* floods go somewhere */
	/* A copy is dropped for a full queue only once its sender's share there is used. */
	for (unsigned e = 0; e < c.ports; e++) {
		uint64_t d = c.port[e].stats.dropped_full - full_before[e];

		check(d <= 1 && (!d || share_before[e] == c.share));
	}
}

static void take(unsigned port, bool keep)
{
	struct net_core_frame f;
	struct sent *s;

	if (!net_core_next(&c, port, &f)) {
		check(port >= c.ports || !c.port[port].count);
		return;
	}
	check(port < c.ports && f.handle < handles && f.ref < NET_REFS);
	s = &sent[f.handle];
	check(s->r == NET_CORE_FORWARDED && !s->released);
	check(f.ingress == s->ingress && f.len == s->len);
	check(f.ingress != port && !(s->delivered & (1u << port))); /* no hairpin, once */
	check(s->len >= NET_FRAME_MIN && s->len <= NET_FRAME_MAX && !(s->src.b[0] & 1));
	check(f.ingress == NET_UPLINK || mac_eq(s->src, guest_mac(f.ingress))); /* not spoofed */
	if (!(s->dst.b[0] & 1) && s->dst.b[0] == 0x52 && s->dst.b[5] && s->dst.b[5] < c.ports)
		check(port == s->dst.b[5]); /* a guest's MAC: that guest only */
	check((int64_t)f.handle > last_from[f.ingress][port]);
	last_from[f.ingress][port] = (int64_t)f.handle;
	s->delivered |= (uint16_t)(1u << port);
	s->holding |= (uint16_t)(1u << port);
	if (keep) {
		check(nouts < OUTS_MAX);
		outs[nouts++] = (struct out){ port, f.ref, f.handle };
		return;
	}
	s->holding &= (uint16_t)~(1u << port);
	net_core_done(&c, port, f.ref);
}

/* Finish with a kept frame; `again` also repeats it, which must change nothing. */
static void finish(unsigned k, bool again)
{
	struct out o = outs[k];

	outs[k] = outs[--nouts];
	sent[o.handle].holding &= (uint16_t)~(1u << o.port);
	net_core_done(&c, o.port, o.ref);
	if (again) {
		unsigned released = sent[o.handle].released;

		net_core_done(&c, o.port, o.ref);
		check(sent[o.handle].released == released);
	}
}

/* A done for a ref `port` does not hold changes nothing. */
static void stray_done(unsigned port, unsigned ref)
{
	unsigned before = 0, after = 0;

	for (unsigned k = 0; k < nouts; k++)
		if (outs[k].port == port && outs[k].ref == ref)
			return; /* it does */
	for (unsigned h = 0; h < handles; h++)
		before += sent[h].released;
	net_core_done(&c, port, ref);
	for (unsigned h = 0; h < handles; h++)
		after += sent[h].released;
	check(before == after);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_core_config cfg = { .release = release, .ctx = &c };

	if (!size)
		return 0;
	cfg.ports = 2 + data[0] % (NET_PORTS_MAX - 1);
	for (unsigned i = 1; i < cfg.ports; i++)
		cfg.mac[i] = guest_mac(i);
	check(net_core_init(&c, &cfg));
	handles = nouts = 0;
	memset(last_from, 0xff, sizeof(last_from)); /* -1 */
	for (size_t at = 1; at + STEP <= size && handles < HANDLES; at += STEP) {
		const uint8_t *s = data + at;
		unsigned port = s[1] % (cfg.ports + 1);

		switch (s[0] & 3) {
		case 0:
		case 1:
			input(port, s[0], s[2], s[3]);
			break;
		case 2:
			take(port, s[2] & 1);
			break;
		default:
			if (nouts && (s[2] & 1))
				finish(s[3] % nouts, s[2] & 2);
			else if (s[2] & 4)
				net_core_reset(&c, port);
			else
				stray_done(port, s[3] * 3u);
		}
		check_state();
	}
	/* Everything drained: every handle released exactly once. */
	while (nouts)
		finish(0, false);
	for (unsigned p = 0; p < cfg.ports; p++)
		while (c.port[p].count)
			take(p, false);
	check_state();
	for (unsigned h = 0; h < handles; h++)
		check(sent[h].released == 1);
	return 0;
}
