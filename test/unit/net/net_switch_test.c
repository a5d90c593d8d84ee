/*
 * Unit tests for servers/net/switch.c over rings in plain memory, this
 * test playing every port's peer: frames delivered whole, bad lengths
 * and spoofed sources dropped, counted and reported on the first and
 * every 64th more, fairness between a flooding port and a quiet one,
 * back-pressure from a full ring with no frame lost or buffer leaked,
 * kicks, and a peer that breaks its ring.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libpv/err.h>

#include "switch.h"

#define PORTS 3 /* the uplink and two guests */

struct peer {
	_Alignas(64) uint8_t mem[MOAT_NET_SHARED_BYTES];
	struct pv_ring_consumer sw_rx; /* the switch's ends */
	struct pv_ring_producer sw_tx;
	struct pv_ring_producer to_switch; /* the peer's */
	struct pv_ring_consumer from_switch;
	unsigned signals;
};

static struct peer peer[PORTS];
static struct net_switch sw;
static unsigned reports[PORTS][2];
static struct net_switch_counters last_report;

static const struct net_mac mac[PORTS] = {
	{{0}},
	{{0x02, 0, 0, 0, 0, 1}},
	{{0x02, 0, 0, 0, 0, 2}},
};
static const struct net_mac host = {{0x52, 0x55, 0x0a, 0, 2, 2}};
static const struct net_mac bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

static void signal_port(void *ctx, unsigned port)
{
	assert_ptr_equal(ctx, &sw);
	peer[port].signals++;
}

static void report(void *ctx, unsigned port, enum net_switch_event why,
		   const struct net_switch_counters *now)
{
	assert_ptr_equal(ctx, &sw);
	reports[port][why]++;
	last_report = *now;
}

static void attach(struct peer *p)
{
	memset(p->mem, 0, sizeof(p->mem));
	p->signals = 0;
	assert_int_equal(pv_ring_consumer_attach(&p->sw_rx, p->mem + MOAT_NET_TO_SWITCH,
						 MOAT_NET_RING_BYTES, MOAT_NET_RING_ENTRIES,
						 sizeof(struct moat_net_frame)),
			 PV_OK);
	assert_int_equal(pv_ring_producer_attach(&p->sw_tx, p->mem + MOAT_NET_FROM_SWITCH,
						 MOAT_NET_RING_BYTES, MOAT_NET_RING_ENTRIES,
						 sizeof(struct moat_net_frame)),
			 PV_OK);
	assert_int_equal(pv_ring_producer_attach(&p->to_switch, p->mem + MOAT_NET_TO_SWITCH,
						 MOAT_NET_RING_BYTES, MOAT_NET_RING_ENTRIES,
						 sizeof(struct moat_net_frame)),
			 PV_OK);
	assert_int_equal(pv_ring_consumer_attach(&p->from_switch, p->mem + MOAT_NET_FROM_SWITCH,
						 MOAT_NET_RING_BYTES, MOAT_NET_RING_ENTRIES,
						 sizeof(struct moat_net_frame)),
			 PV_OK);
}

static int setup(void **state)
{
	struct net_switch_config cfg = {
		.ports = PORTS, .signal = signal_port, .report = report, .ctx = &sw};

	(void)state;
	memset(reports, 0, sizeof(reports));
	memcpy(cfg.mac, mac, sizeof(mac));
	for (unsigned i = 0; i < PORTS; i++) {
		attach(&peer[i]);
		cfg.rx[i] = &peer[i].sw_rx;
		cfg.tx[i] = &peer[i].sw_tx;
	}
	assert_true(net_switch_init(&sw, &cfg));
	return 0;
}

static bool offer(unsigned port, struct net_mac dst, struct net_mac src, uint32_t len, uint8_t tag);
static bool take(unsigned port, struct moat_net_frame *f);
static void run(void);

/* As setup, with `host` learned behind the uplink (its broadcast taken by both guests). */
static int setup_learned(void **state)
{
	struct moat_net_frame f;

	setup(state);
	assert_true(offer(0, bcast, host, 60, 0));
	run();
	assert_true(take(1, &f) && take(2, &f));
	return 0;
}

/* Peer `port` offers a frame of `len` bytes, tagged `tag` in its payload: whether its ring took it.
 */
static bool offer(unsigned port, struct net_mac dst, struct net_mac src, uint32_t len, uint8_t tag)
{
	struct moat_net_frame f;

	memset(&f, tag, sizeof(f));
	memcpy(f.data, dst.b, 6);
	memcpy(f.data + 6, src.b, 6);
	f.len = len;
	return pv_ring_produce(&peer[port].to_switch, &f, 1) == 1;
}

/* Peer `port` takes the next frame the switch gave it: whether there was one. */
static bool take(unsigned port, struct moat_net_frame *f)
{
	return pv_ring_consume(&peer[port].from_switch, f, 1) == 1;
}

static void run(void)
{
	unsigned rounds = 0;

	while (net_switch_round(&sw))
		assert_true(++rounds < 1000);
	assert_true(net_switch_prepare_wait(&sw));
}

static unsigned held_total(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < PORTS; i++)
		n += net_switch_held(&sw, i);
	return n;
}

static void test_init_refuses(void **state)
{
	struct net_switch_config cfg = sw.cfg;

	(void)state;
	cfg.mac[2] = cfg.mac[1];
	assert_false(net_switch_init(&sw, &cfg));
	cfg = (struct net_switch_config){.ports = 1, .report = report};
	cfg.rx[0] = &peer[0].sw_rx;
	cfg.tx[0] = &peer[0].sw_tx;
	assert_false(net_switch_init(&sw, &cfg)); /* no signal callback */
}

/* A guest's frame to the uplink arrives whole; the uplink's reply comes back to it alone. */
static void test_delivered_whole(void **state)
{
	struct moat_net_frame f;
	struct net_switch_counters c;

	(void)state;
	assert_true(offer(1, host, mac[1], 60, 0x11));
	run();
	assert_true(take(0, &f));
	assert_int_equal(f.len, 60);
	assert_memory_equal(f.data, host.b, 6);
	assert_memory_equal(f.data + 6, mac[1].b, 6);
	for (unsigned k = 12; k < 60; k++)
		assert_int_equal(f.data[k], 0x11);
	assert_false(take(2, &f));
	assert_true(offer(0, mac[1], host, NET_FRAME_MAX, 0x22));
	run();
	assert_true(take(1, &f));
	assert_int_equal(f.len, NET_FRAME_MAX);
	assert_int_equal(f.data[NET_FRAME_MAX - 1], 0x22);
	assert_false(take(2, &f));
	net_switch_counters(&sw, 1, &c);
	assert_int_equal(c.rx, 1);
	assert_int_equal(c.tx, 2); /* the broadcast that taught the switch `host`, and the reply */
	assert_int_equal(held_total(), 0);
}

/* A broadcast from the uplink reaches both guests, from one buffer released once both have it. */
static void test_flood(void **state)
{
	struct moat_net_frame f;

	(void)state;
	assert_true(offer(0, bcast, host, 42, 0x33));
	run();
	assert_true(take(1, &f));
	assert_true(take(2, &f));
	assert_false(take(0, &f));
	assert_int_equal(held_total(), 0);
}

/* Bad lengths are dropped and counted as malformed; reported at once, and 64 after the last report.
 */
static void test_bad_lengths(void **state)
{
	struct moat_net_frame f;
	const uint32_t bad[] = {0, MOAT_NET_FRAME_MIN - 1, MOAT_NET_FRAME_MAX + 1, 0xffffffffu};
	struct net_switch_counters c;

	(void)state;
	for (unsigned k = 0; k < 4; k++)
		assert_true(offer(1, host, mac[1], bad[k], 0x44));
	run();
	assert_false(take(0, &f));
	net_switch_counters(&sw, 1, &c);
	assert_int_equal(c.malformed, 4);
	assert_int_equal(c.rx, 0);
	assert_int_equal(reports[1][NET_SWITCH_MALFORMED], 1);
	for (unsigned k = 4; k < 67; k++) {
		assert_true(offer(1, host, mac[1], 3, 0x44));
		run();
	}
	assert_int_equal(reports[1][NET_SWITCH_MALFORMED], 1);
	assert_true(offer(1, host, mac[1], 3, 0x44)); /* 64 after the 4 reported */
	run();
	assert_int_equal(reports[1][NET_SWITCH_MALFORMED], 2);
	assert_int_equal(last_report.malformed, 68);
	assert_int_equal(held_total(), 0);
}

/* A guest's frame with another source is dropped; reported on the first and every 64th more. */
static void test_spoofed(void **state)
{
	struct moat_net_frame f;
	struct net_switch_counters c;

	(void)state;
	assert_true(offer(2, host, mac[1], 60, 0x55));
	run();
	assert_false(take(0, &f));
	assert_false(take(1, &f));
	net_switch_counters(&sw, 2, &c);
	assert_int_equal(c.spoofed, 1);
	assert_int_equal(reports[2][NET_SWITCH_SPOOFED], 1);
	assert_int_equal(last_report.spoofed, 1);
	for (unsigned k = 1; k < 64; k++) {
		assert_true(offer(2, host, host, 60, 0x55));
		run();
	}
	assert_int_equal(reports[2][NET_SWITCH_SPOOFED], 1);
	assert_true(offer(2, host, host, 60, 0x55));
	run();
	assert_int_equal(reports[2][NET_SWITCH_SPOOFED], 2);
	assert_int_equal(last_report.spoofed, 65);
	assert_int_equal(reports[1][NET_SWITCH_SPOOFED], 0);
	assert_int_equal(held_total(), 0);
}

/*
 * Port 1 fills its ring towards the uplink, port 2 sends one frame after
 * it: port 2's frame is taken in the first round, behind at most a burst
 * of port 1's, and reaches the uplink within two rounds, not after port
 * 1's whole ring.
 */
static void test_fair(void **state)
{
	struct moat_net_frame f;
	unsigned from2 = 0, from1 = 0;

	(void)state;
	for (unsigned k = 0; k < MOAT_NET_RING_ENTRIES; k++)
		assert_true(offer(1, host, mac[1], 60, 1));
	assert_true(offer(2, host, mac[2], 60, 2));
	assert_true(net_switch_round(&sw));
	assert_true(net_switch_round(&sw));
	while (take(0, &f)) {
		from1 += f.data[20] == 1;
		from2 += f.data[20] == 2;
	}
	assert_int_equal(from2, 1);
	assert_true(from1 <= 2 * NET_SWITCH_BURST);
	run();
	while (take(0, &f))
		from1 += f.data[20] == 1;
	assert_int_equal(from1, MOAT_NET_RING_ENTRIES);
	assert_int_equal(held_total(), 0);
}

/*
 * The uplink does not read its ring: port 1's frames fill it, then wait
 * in port 1's share of the uplink's queue; beyond that the core drops
 * them (counted). Port 1 waits for room in its own ring, and is woken
 * when the uplink reads and the switch takes more; port 2's pool is never
 * touched. Every frame taken is delivered in order or counted as dropped,
 * and no buffer stays held.
 */
static void test_backpressure(void **state)
{
	struct moat_net_frame f;
	struct net_switch_counters c;
	unsigned sent = 0, got = 0, signals;
	int last = -1;

	(void)state;
	for (unsigned round = 0; round < 3; round++) {
		while (offer(1, host, mac[1], 60, (uint8_t)sent))
			sent++;
		run();
	}
	assert_true(net_switch_held(&sw, 1) <= NET_PORT_HELD);
	assert_int_equal(net_switch_held(&sw, 2), 0);
	while (offer(1, host, mac[1], 60, (uint8_t)sent))
		sent++;
	assert_true(pv_ring_producer_prepare_wait(&peer[1].to_switch)); /* full: port 1 waits */
	signals = peer[1].signals;
	for (;;) {
		if (!take(0, &f)) {
			run();
			if (!take(0, &f))
				break;
		}
		assert_true((int)f.data[20] > last);
		last = f.data[20];
		got++;
	}
	assert_true(peer[1].signals > signals); /* told its ring had room again */
	net_switch_counters(&sw, 1, &c);
	assert_true(c.dropped > 0);
	assert_int_equal(got + c.dropped, sent);
	assert_int_equal(c.rx, sent);
	assert_int_equal(held_total(), 0);
}

/* A peer that breaks its ring is served no more; the other ports go on. */
static void test_broken_peer(void **state)
{
	struct moat_net_frame f;
	struct pv_ring_header *h = (struct pv_ring_header *)(peer[1].mem + MOAT_NET_TO_SWITCH);

	(void)state;
	assert_true(offer(0, mac[1], host, 60, 0x66)); /* learned: host behind the uplink */
	run();
	h->prod += 1000; /* more entries than the ring holds */
	(void)net_switch_round(&sw);
	assert_true(sw.port[1].broken);
	assert_true(offer(2, host, mac[2], 60, 0x77));
	run();
	assert_true(take(0, &f));
	assert_int_equal(f.data[20], 0x77);
	assert_true(offer(0, bcast, host, 60, 0x88));
	run();
	assert_true(take(2, &f));
	assert_int_equal(held_total(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_refuses, setup),
		cmocka_unit_test_setup(test_delivered_whole, setup_learned),
		cmocka_unit_test_setup(test_flood, setup),
		cmocka_unit_test_setup(test_bad_lengths, setup_learned),
		cmocka_unit_test_setup(test_spoofed, setup_learned),
		cmocka_unit_test_setup(test_fair, setup_learned),
		cmocka_unit_test_setup(test_backpressure, setup_learned),
		cmocka_unit_test_setup(test_broken_peer, setup_learned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
