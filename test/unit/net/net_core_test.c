/*
 * Unit tests for servers/net/core.c: learning, flooding, no hairpin,
 * anti-spoofing, pinned guest MACs, malformed frames, full queues,
 * the per-port bounds, and every buffer released exactly once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core.h"

#define PORTS	 4 /* the uplink and three guests */
#define HANDLES	 4096
#define SHARE	 (NET_EGRESS_QUEUE / (PORTS - 1))

static struct net_core c;
static unsigned released[HANDLES];
static uint64_t next_handle;

static const struct net_mac guest[PORTS] = {
	{ { 0 } },
	{ { 0x52, 0x54, 0, 0, 0, 1 } },
	{ { 0x52, 0x54, 0, 0, 0, 2 } },
	{ { 0x52, 0x54, 0, 0, 0, 3 } },
};
static const struct net_mac bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct net_mac mcast = { { 0x01, 0x00, 0x5e, 0, 0, 1 } };

static void release(void *ctx, uint64_t handle)
{
	assert_ptr_equal(ctx, &c);
	assert_true(handle < HANDLES);
	released[handle]++;
}

static struct net_core_config config(void)
{
	struct net_core_config cfg = { .ports = PORTS, .release = release, .ctx = &c };

	memcpy(cfg.mac, guest, sizeof(guest));
	return cfg;
}

static int setup(void **state)
{
	struct net_core_config cfg = config();

	(void)state;
	memset(released, 0, sizeof(released));
	next_handle = 0;
	assert_true(net_core_init(&c, &cfg));
	return 0;
}

/* An external host's MAC, behind the uplink. */
static struct net_mac host(unsigned n)
{
	return (struct net_mac){ { 0x02, 0, 0, 0, (uint8_t)(n >> 8), (uint8_t)n } };
}

/* Port `port` sends `len` bytes from `src` to `dst`; the handle used is in *h if wanted. */
static enum net_core_result send_len(unsigned port, struct net_mac dst, struct net_mac src,
				     uint32_t len, uint64_t *h)
{
	static uint8_t frame[NET_FRAME_MAX + 1];
	uint64_t handle = next_handle++;

	memset(frame, 0xaa, sizeof(frame));
	memcpy(frame, dst.b, 6);
	memcpy(frame + 6, src.b, 6);
	if (h)
		*h = handle;
	return net_core_input(&c, port, frame, len, handle);
}

static enum net_core_result send(unsigned port, struct net_mac dst, struct net_mac src)
{
	return send_len(port, dst, src, 64, 0);
}

/* The handle of the next frame for `port`, finished with at once; -1 if none. */
static int64_t take(unsigned port)
{
	struct net_core_frame f;

	if (!net_core_next(&c, port, &f))
		return -1;
	assert_int_not_equal(f.ingress, port);
	net_core_done(&c, port, f.ref);
	return (int64_t)f.handle;
}

/* How many frames wait for `port`, taking them all. */
static unsigned drain(unsigned port)
{
	unsigned n = 0;

	while (take(port) >= 0)
		n++;
	return n;
}

/* Every handle given so far has been released exactly once. */
static void all_released_once(void)
{
	for (uint64_t h = 0; h < next_handle; h++)
		assert_int_equal(released[h], 1);
}

static void init_refusals(void **state)
{
	struct net_core x;
	struct net_core_config cfg = config();

	(void)state;
	cfg.ports = 0;
	assert_false(net_core_init(&x, &cfg));
	cfg.ports = NET_PORTS_MAX + 1;
	assert_false(net_core_init(&x, &cfg));
	cfg = config();
	cfg.release = 0;
	assert_false(net_core_init(&x, &cfg));
	cfg = config();
	cfg.mac[3] = guest[1]; /* two guests, one MAC */
	assert_false(net_core_init(&x, &cfg));
	cfg.mac[3] = mcast;
	assert_false(net_core_init(&x, &cfg));
	cfg.mac[3] = (struct net_mac){ { 0 } };
	assert_false(net_core_init(&x, &cfg));
	cfg.ports = 3; /* port 3's MAC no longer matters */
	assert_true(net_core_init(&x, &cfg));
	cfg.ports = 1;
	assert_true(net_core_init(&x, &cfg));
}

static void flooding(void **state)
{
	const struct net_mac to[3] = { bcast, mcast, host(1) }; /* host(1): not learned yet */

	(void)state;
	for (unsigned k = 0; k < 3; k++) {
		assert_int_equal(send(1, to[k], guest[1]), NET_CORE_FORWARDED);
		assert_int_equal(drain(0), 1);
		assert_int_equal(drain(1), 0); /* never back to the sender */
		assert_int_equal(drain(2), 1);
		assert_int_equal(drain(3), 1);
	}
	all_released_once();
}

static void learning(void **state)
{
	(void)state;
	assert_int_equal(send(0, guest[2], host(1)), NET_CORE_FORWARDED);
	assert_int_equal(drain(2), 1);
	/* host(1) is known behind the uplink now: guests 2 and 3 do not see frames to it. */
	assert_int_equal(send(1, host(1), guest[1]), NET_CORE_FORWARDED);
	assert_int_equal(drain(0), 1);
	assert_int_equal(drain(2), 0);
	assert_int_equal(drain(3), 0);
	/* Guests' MACs are known without learning. */
	assert_int_equal(send(3, guest[1], guest[3]), NET_CORE_FORWARDED);
	assert_int_equal(drain(0) + drain(2), 0);
	assert_int_equal(drain(1), 1);
	assert_int_equal(c.port[0].stats.rx, 1);
	all_released_once();
}

static void lru_replacement(void **state)
{
	(void)state;
	for (unsigned n = 0; n < NET_FDB_ENTRIES; n++) {
		assert_int_equal(send(0, guest[1], host(n)), NET_CORE_FORWARDED);
		assert_int_equal(drain(1), 1);
	}
	assert_int_equal(send(0, guest[1], host(0)), NET_CORE_FORWARDED); /* seen again */
	assert_int_equal(send(0, guest[1], host(NET_FDB_ENTRIES)), NET_CORE_FORWARDED);
	drain(1);
	/* host(1) was the least recently seen: forgotten, so flooded. */
	assert_int_equal(send(2, host(1), guest[2]), NET_CORE_FORWARDED);
	assert_int_equal(drain(0) + drain(1) + drain(3), 3);
	for (unsigned n = 0; n <= NET_FDB_ENTRIES; n++) {
		if (n == 1)
			continue;
		assert_int_equal(send(2, host(n), guest[2]), NET_CORE_FORWARDED);
		assert_int_equal(drain(0), 1);
		assert_int_equal(drain(1) + drain(3), 0);
	}
	all_released_once();
}

static void no_hairpin(void **state)
{
	uint64_t h;

	(void)state;
	assert_int_equal(send_len(2, guest[2], guest[2], 64, &h), NET_CORE_FILTERED);
	assert_int_equal(released[h], 1);
	assert_int_equal(send(0, guest[1], host(5)), NET_CORE_FORWARDED);
	assert_int_equal(send_len(0, host(5), host(6), 64, &h), NET_CORE_FILTERED);
	assert_int_equal(released[h], 1);
	assert_int_equal(drain(0) + drain(2) + drain(3), 0);
	assert_int_equal(drain(1), 1);
	all_released_once();
}

static void anti_spoofing(void **state)
{
	(void)state;
	assert_int_equal(send(1, bcast, guest[2]), NET_CORE_E_SPOOFED); /* another guest's */
	assert_int_equal(send(1, guest[3], host(7)), NET_CORE_E_SPOOFED);
	assert_int_equal(send(1, bcast, (struct net_mac){ { 0 } }), NET_CORE_E_SPOOFED);
	assert_int_equal(c.port[1].stats.spoofed, 3);
	assert_int_equal(c.port[1].stats.rx, 0);
	for (unsigned p = 0; p < PORTS; p++)
		assert_int_equal(drain(p), 0);
	/* A spoofed source is not learned: frames to host(7) still flood. */
	assert_int_equal(send(2, host(7), guest[2]), NET_CORE_FORWARDED);
	assert_int_equal(drain(0) + drain(1) + drain(3), 3);
	/* The uplink may send from any unicast source. */
	assert_int_equal(send(0, guest[3], host(8)), NET_CORE_FORWARDED);
	assert_int_equal(drain(3), 1);
	assert_int_equal(c.port[0].stats.spoofed, 0);
	all_released_once();
}

static void pinned_macs(void **state)
{
	(void)state;
	/* A frame from outside claiming guest 1's MAC goes on but moves nothing. */
	assert_int_equal(send(0, guest[2], guest[1]), NET_CORE_FORWARDED);
	assert_int_equal(c.port[0].stats.pinned, 1);
	assert_int_equal(drain(2), 1);
	assert_int_equal(send(2, guest[1], guest[2]), NET_CORE_FORWARDED);
	assert_int_equal(drain(0) + drain(3), 0);
	assert_int_equal(drain(1), 1);
	/* Nor does the uplink sending to guest 1's MAC reach anyone else. */
	assert_int_equal(send(0, guest[1], host(1)), NET_CORE_FORWARDED);
	assert_int_equal(drain(2) + drain(3), 0);
	assert_int_equal(drain(1), 1);
	all_released_once();
}

static void malformed(void **state)
{
	(void)state;
	assert_int_equal(send_len(1, bcast, guest[1], 13, 0), NET_CORE_E_MALFORMED);
	assert_int_equal(send_len(1, bcast, guest[1], NET_FRAME_MAX + 1, 0), NET_CORE_E_MALFORMED);
	assert_int_equal(send_len(1, bcast, guest[1], 0, 0), NET_CORE_E_MALFORMED);
	assert_int_equal(send_len(1, bcast, guest[1], UINT32_MAX, 0), NET_CORE_E_MALFORMED);
	assert_int_equal(send(0, guest[1], bcast), NET_CORE_E_MALFORMED); /* group source */
	assert_int_equal(send(0, guest[1], mcast), NET_CORE_E_MALFORMED);
	assert_int_equal(c.port[1].stats.malformed, 4);
	assert_int_equal(c.port[0].stats.malformed, 2);
	for (unsigned p = 0; p < PORTS; p++)
		assert_int_equal(drain(p), 0);
	assert_int_equal(send_len(1, guest[2], guest[1], NET_FRAME_MIN, 0), NET_CORE_FORWARDED);
	assert_int_equal(send_len(1, guest[2], guest[1], NET_FRAME_MAX, 0), NET_CORE_FORWARDED);
	assert_int_equal(drain(2), 2);
	/* No such port: refused, and the buffer still released. */
	assert_int_equal(send(PORTS, bcast, host(1)), NET_CORE_E_PORT);
	all_released_once();
}

static void full_queue(void **state)
{
	struct net_core_frame f;
	uint64_t h;

	(void)state;
	for (unsigned k = 0; k < SHARE; k++)
		assert_int_equal(send(1, guest[2], guest[1]), NET_CORE_FORWARDED);
	assert_int_equal(send_len(1, guest[2], guest[1], 64, &h), NET_CORE_E_FULL);
	assert_int_equal(released[h], 1);
	assert_int_equal(c.port[2].stats.dropped_full, 1);
	/* A flood from guest 1 still reaches the others; only port 2's copy is dropped. */
	assert_int_equal(send(1, bcast, guest[1]), NET_CORE_FORWARDED);
	assert_int_equal(c.port[2].stats.dropped_full, 2);
	assert_int_equal(drain(0) + drain(3), 2);
	/* The other senders have their own share of port 2's queue. */
	assert_int_equal(send(3, guest[2], guest[3]), NET_CORE_FORWARDED);
	assert_int_equal(send(0, guest[2], host(1)), NET_CORE_FORWARDED);
	assert_int_equal(c.port[2].stats.dropped_full, 2);
	/* FIFO: theirs come after guest 1's, not later. */
	for (unsigned k = 0; k < SHARE; k++) {
		assert_true(net_core_next(&c, 2, &f));
		assert_int_equal(f.ingress, 1);
		net_core_done(&c, 2, f.ref);
	}
	assert_true(net_core_next(&c, 2, &f) && f.ingress == 3);
	net_core_done(&c, 2, f.ref);
	assert_true(net_core_next(&c, 2, &f) && f.ingress == 0);
	net_core_done(&c, 2, f.ref);
	all_released_once();
}

/* Guest 2 takes guest 1's frames but never finishes with them. */
static void held_bound(void **state)
{
	struct net_core_frame f;
	unsigned refs[NET_PORT_HELD], n = 0;

	(void)state;
	while (n < NET_PORT_HELD) {
		assert_int_equal(send(1, guest[2], guest[1]), NET_CORE_FORWARDED);
		assert_true(net_core_next(&c, 2, &f));
		refs[n++] = f.ref;
	}
	assert_int_equal(send(1, guest[2], guest[1]), NET_CORE_E_BUSY);
	assert_int_equal(send(1, guest[3], guest[1]), NET_CORE_E_BUSY);
	assert_int_equal(c.port[1].stats.busy, 2);
	/* The others are unaffected, also towards guest 2. */
	assert_int_equal(send(0, guest[2], host(1)), NET_CORE_FORWARDED);
	assert_int_equal(send(3, guest[2], guest[3]), NET_CORE_FORWARDED);
	assert_int_equal(drain(2), 2);
	net_core_done(&c, 2, refs[0]);
	assert_int_equal(send(1, guest[3], guest[1]), NET_CORE_FORWARDED);
	assert_int_equal(send(1, guest[3], guest[1]), NET_CORE_E_BUSY);
	assert_int_equal(drain(3), 1);
	for (unsigned k = 1; k < n; k++)
		net_core_done(&c, 2, refs[k]);
	all_released_once();
}

static void release_once(void **state)
{
	struct net_core_frame f[PORTS];
	uint64_t h;

	(void)state;
	assert_int_equal(send_len(1, bcast, guest[1], 100, &h), NET_CORE_FORWARDED);
	for (unsigned p = 0; p < PORTS; p++) {
		if (p == 1) {
			assert_false(net_core_next(&c, p, &f[p]));
			continue;
		}
		assert_true(net_core_next(&c, p, &f[p]));
		assert_int_equal(f[p].handle, h);
		assert_int_equal(f[p].len, 100);
		assert_int_equal(f[p].ingress, 1);
	}
	net_core_done(&c, 0, f[0].ref);
	net_core_done(&c, 0, f[0].ref); /* twice: ignored */
	net_core_done(&c, 1, f[0].ref); /* not port 1's: ignored */
	net_core_done(&c, 2, NET_REFS + 5);
	net_core_done(&c, 9, f[0].ref);
	net_core_done(&c, 2, f[2].ref);
	assert_int_equal(released[h], 0); /* port 3 still has it */
	net_core_done(&c, 3, f[3].ref);
	assert_int_equal(released[h], 1);
	net_core_done(&c, 3, f[3].ref);
	assert_int_equal(released[h], 1);
	assert_int_equal(c.port[1].held, 0);
	all_released_once();
}

static void reset(void **state)
{
	struct net_core_frame f;
	uint64_t h1, h2;

	(void)state;
	assert_int_equal(send_len(1, bcast, guest[1], 64, &h1), NET_CORE_FORWARDED);
	assert_int_equal(send_len(3, guest[2], guest[3], 64, &h2), NET_CORE_FORWARDED);
	assert_true(net_core_next(&c, 2, &f)); /* h1, in use */
	net_core_reset(&c, 2);
	assert_int_equal(released[h2], 1);
	assert_int_equal(drain(2), 0);
	assert_int_equal(drain(0) + drain(3), 2);
	assert_int_equal(released[h1], 0);
	net_core_done(&c, 2, f.ref);
	all_released_once();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_refusals),
		cmocka_unit_test_setup(flooding, setup),
		cmocka_unit_test_setup(learning, setup),
		cmocka_unit_test_setup(lru_replacement, setup),
		cmocka_unit_test_setup(no_hairpin, setup),
		cmocka_unit_test_setup(anti_spoofing, setup),
		cmocka_unit_test_setup(pinned_macs, setup),
		cmocka_unit_test_setup(malformed, setup),
		cmocka_unit_test_setup(full_queue, setup),
		cmocka_unit_test_setup(held_bound, setup),
		cmocka_unit_test_setup(release_once, setup),
		cmocka_unit_test_setup(reset, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
