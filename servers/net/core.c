/* The network backend's switch; see core.h. */
#include "core.h"

/* A frame's addresses, copied once from its bytes and never re-read. */
struct net_hdr {
	struct net_mac dst, src;
};

static bool mac_equal(const struct net_mac *a, const struct net_mac *b)
{
	for (unsigned i = 0; i < 6; i++)
		if (a->b[i] != b->b[i])
			return false;
	return true;
}

/* Group bit: multicast, broadcast included. */
static bool mac_multicast(const struct net_mac *m)
{
	return m->b[0] & 1;
}

static bool mac_zero(const struct net_mac *m)
{
	static const struct net_mac zero;

	return mac_equal(m, &zero);
}

static uint16_t all_ports(const struct net_core *c)
{
	return (uint16_t)((1u << c->ports) - 1);
}

bool net_core_init(struct net_core *c, const struct net_core_config *cfg)
{
	if (!cfg->ports || cfg->ports > NET_PORTS_MAX || !cfg->release)
		return false;
	for (unsigned i = 1; i < cfg->ports; i++) {
		const struct net_mac *m = &cfg->mac[i];

		if (mac_zero(m) || mac_multicast(m))
			return false;
		for (unsigned j = 1; j < i; j++)
			if (mac_equal(m, &cfg->mac[j]))
				return false;
	}
	*c = (struct net_core){ .ports = cfg->ports, .release = cfg->release, .ctx = cfg->ctx };
	/* The ports but the ingress share each queue; with one port nothing is ever queued. */
	c->share = cfg->ports > 1 ? NET_EGRESS_QUEUE / (cfg->ports - 1) : NET_EGRESS_QUEUE;
	for (unsigned i = 1; i < cfg->ports; i++)
		c->port[i].mac = cfg->mac[i];
	return true;
}

/* The guest port `m` is pinned to, or -1. */
static int pinned_port(const struct net_core *c, const struct net_mac *m)
{
	for (unsigned i = 1; i < c->ports; i++)
		if (mac_equal(m, &c->port[i].mac))
			return (int)i;
	return -1;
}

static struct net_fdb_entry *fdb_find(struct net_core *c, const struct net_mac *m)
{
	for (unsigned i = 0; i < NET_FDB_ENTRIES; i++)
		if (c->fdb[i].used && mac_equal(m, &c->fdb[i].mac))
			return &c->fdb[i];
	return 0;
}

/* A free entry, else the least recently seen. */
static struct net_fdb_entry *fdb_victim(struct net_core *c)
{
	struct net_fdb_entry *v = &c->fdb[0];

	for (unsigned i = 0; i < NET_FDB_ENTRIES; i++) {
		struct net_fdb_entry *e = &c->fdb[i];

		if (!e->used)
			return e;
		if (e->seen < v->seen)
			v = e;
	}
	return v;
}

/* `src` is behind `port`, unless it is a guest's: those never move. */
static void learn(struct net_core *c, unsigned port, const struct net_mac *src)
{
	struct net_fdb_entry *e;
	int p = pinned_port(c, src);

	if (p >= 0) {
		if ((unsigned)p != port)
			c->port[port].stats.pinned++;
		return;
	}
	e = fdb_find(c, src);
	if (!e) {
		e = fdb_victim(c);
		*e = (struct net_fdb_entry){ .mac = *src, .used = true };
	}
	e->port = (uint8_t)port;
	e->seen = ++c->clock;
}

/* The ports a frame from `port` to `dst` goes to. */
static uint16_t destinations(struct net_core *c, unsigned port, const struct net_mac *dst)
{
	uint16_t flood = all_ports(c) & (uint16_t)~(1u << port);
	const struct net_fdb_entry *e;
	int p;

	if (mac_multicast(dst))
		return flood;
	p = pinned_port(c, dst);
	if (p < 0) {
		e = fdb_find(c, dst);
		if (!e)
			return flood;
		p = e->port;
	}
	return (unsigned)p == port ? 0 : (uint16_t)(1u << p);
}

/* The checks a frame passes before the switch looks at it further. */
static enum net_core_result check(struct net_core *c, unsigned port, const uint8_t *frame,
				  uint32_t len, struct net_hdr *h)
{
	struct net_port *p = &c->port[port];

	if (len < NET_FRAME_MIN || len > NET_FRAME_MAX) {
		p->stats.malformed++;
		return NET_CORE_E_MALFORMED;
	}
	for (unsigned i = 0; i < 6; i++) {
		h->dst.b[i] = frame[i];
		h->src.b[i] = frame[6 + i];
	}
	if (mac_multicast(&h->src)) {
		p->stats.malformed++;
		return NET_CORE_E_MALFORMED;
	}
	if (port != NET_UPLINK && !mac_equal(&h->src, &p->mac)) {
		p->stats.spoofed++;
		return NET_CORE_E_SPOOFED;
	}
	if (p->held == NET_PORT_HELD) {
		p->stats.busy++;
		return NET_CORE_E_BUSY;
	}
	return NET_CORE_FORWARDED;
}

/* A copy of ingress `in`'s frame in `slot` for egress `out`, if its share there allows. */
static bool enqueue(struct net_core *c, unsigned out, unsigned in, unsigned slot)
{
	struct net_port *e = &c->port[out];

	if (e->queued_from[in] == c->share || e->count == NET_EGRESS_QUEUE) {
		e->stats.dropped_full++;
		return false;
	}
	e->queue[(e->head + e->count) % NET_EGRESS_QUEUE] =
		(struct net_copy){ .ingress = (uint8_t)in, .slot = (uint8_t)slot };
	e->count++;
	e->queued_from[in]++;
	return true;
}

static unsigned free_slot(const struct net_port *p)
{
	unsigned s = 0;

	while (p->frame[s].pending) /* check() saw p->held < NET_PORT_HELD */
		s++;
	return s;
}

enum net_core_result net_core_input(struct net_core *c, unsigned port, const uint8_t *frame,
				    uint32_t len, uint64_t handle)
{
	enum net_core_result r = NET_CORE_E_PORT;
	struct net_hdr h;
	struct net_port *p;
	uint16_t to, queued = 0;
	unsigned slot;

	if (port < c->ports)
		r = check(c, port, frame, len, &h);
	if (r != NET_CORE_FORWARDED) {
		c->release(c->ctx, handle);
		return r;
	}
	p = &c->port[port];
	p->stats.rx++;
	learn(c, port, &h.src);
	to = destinations(c, port, &h.dst);
	slot = free_slot(p);
	for (unsigned e = 0; e < c->ports; e++)
		if ((to & (1u << e)) && enqueue(c, e, port, slot))
			queued |= (uint16_t)(1u << e);
	if (!queued) {
		c->release(c->ctx, handle);
		return to ? NET_CORE_E_FULL : NET_CORE_FILTERED;
	}
	p->frame[slot] =
		(struct net_frame){ .handle = handle, .len = (uint16_t)len, .pending = queued };
	p->held++;
	return NET_CORE_FORWARDED;
}

/* `port` no longer needs ingress `in`'s frame in `slot`; the last one releases it. */
static void drop_ref(struct net_core *c, unsigned port, unsigned in, unsigned slot)
{
	struct net_port *p = &c->port[in];
	struct net_frame *f = &p->frame[slot];

	f->pending &= (uint16_t)~(1u << port);
	f->taken &= (uint16_t)~(1u << port);
	if (f->pending)
		return;
	p->held--;
	c->release(c->ctx, f->handle);
}

/* The oldest copy waiting for `port`, taken off its queue. */
static struct net_copy dequeue(struct net_port *e)
{
	struct net_copy k = e->queue[e->head];

	e->head = (e->head + 1) % NET_EGRESS_QUEUE;
	e->count--;
	e->queued_from[k.ingress]--;
	return k;
}

bool net_core_next(struct net_core *c, unsigned port, struct net_core_frame *out)
{
	struct net_port *e;
	struct net_copy k;
	struct net_frame *f;

	if (port >= c->ports || !c->port[port].count)
		return false;
	e = &c->port[port];
	k = dequeue(e);
	f = &c->port[k.ingress].frame[k.slot];
	f->taken |= (uint16_t)(1u << port);
	e->stats.tx++;
	*out = (struct net_core_frame){
		.handle = f->handle,
		.len = f->len,
		.ingress = k.ingress,
		.ref = k.ingress * NET_PORT_HELD + k.slot,
	};
	return true;
}

void net_core_done(struct net_core *c, unsigned port, unsigned ref)
{
	unsigned in = ref / NET_PORT_HELD, slot = ref % NET_PORT_HELD;

	if (port >= c->ports || in >= c->ports)
		return;
	if (!(c->port[in].frame[slot].taken & (1u << port)))
		return; /* not one `port` holds: nothing to undo */
	drop_ref(c, port, in, slot);
}

void net_core_reset(struct net_core *c, unsigned port)
{
	struct net_port *e;

	if (port >= c->ports)
		return;
	e = &c->port[port];
	while (e->count) {
		struct net_copy k = dequeue(e);

		drop_ref(c, port, k.ingress, k.slot);
	}
}
