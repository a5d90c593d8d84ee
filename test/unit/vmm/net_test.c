/*
 * Unit tests for servers/vmm/net.c, the guest's virtio network device:
 * the test is the guest (two split virtqueues in its RAM, MMIO writes)
 * and the network switch (the channel's two rings). Transmit of good
 * frames, in one descriptor or spread over several; headers asking for
 * offloads and frames too short or too long refused; receive into
 * buffers of several descriptors, into too small ones; back-pressure
 * both ways (a full transmit ring leaves chains with the guest, a guest
 * without receive buffers leaves frames in the ring); event suppression;
 * a guest's reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libpv/err.h>

#include "linux_probe.h"
#include "net.h"

#define RAM_IPA 0x40000000ull
#define RAM_SIZE 0x100000ull
#define QSIZE 64
#define BUF 0x10000ull /* buffers from here */

/* Each queue's areas, offsets in RAM. */
static const uint64_t q_desc[2] = { 0x0000, 0x4000 }, q_avail[2] = { 0x1000, 0x5000 },
		      q_used[2] = { 0x2000, 0x6000 };
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static uint8_t *ram, *shared;
static struct vnet n;
static struct pv_ring_consumer sw_in;  /* the switch's side of MOAT_NET_TO_SWITCH */
static struct pv_ring_producer sw_out; /* and of MOAT_NET_FROM_SWITCH */
static unsigned kicks, logs;
static uint16_t next_desc[2], avail_idx[2];

static void kick(void *ctx)
{
	(void)ctx;
	kicks++;
}

static void log_fn(void *ctx, const char *what, uint64_t v)
{
	(void)ctx, (void)what, (void)v;
	logs++;
}

static void wr(uint64_t off, uint32_t v)
{
	uint64_t x = v;

	assert_true(vnet_access(&n, off, 4, true, &x));
}

static uint32_t rd(uint64_t off)
{
	uint64_t x = 0;

	assert_true(vnet_access(&n, off, 4, false, &x));
	return (uint32_t)x;
}

/* Linux's virtio_mmio probe: VERSION_1 and `features`, both queues. */
static void handshake(uint32_t features)
{
	struct probe_queue q[2];

	for (unsigned i = 0; i < 2; i++) {
		q[i] = (struct probe_queue){ RAM_IPA + q_desc[i], RAM_IPA + q_avail[i],
					     RAM_IPA + q_used[i] };
		next_desc[i] = avail_idx[i] = 0;
	}
	linux_probe(&n.mmio, features, q, 2, QSIZE);
}

static void start(void)
{
	struct vnet_config c = { .ram = ram, .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE,
				 .shared = shared, .kick = kick, .log = log_fn };

	memcpy(c.mac, mac, sizeof(mac));
	memset(ram, 0, RAM_SIZE);
	memset(shared, 0, MOAT_NET_SHARED_BYTES);
	kicks = logs = 0;
	assert_int_equal(vnet_init(&n, &c), PV_OK);
	assert_int_equal(pv_ring_consumer_attach(&sw_in, shared + MOAT_NET_TO_SWITCH,
						 MOAT_NET_RING_BYTES, MOAT_NET_RING_ENTRIES,
						 sizeof(struct moat_net_frame)),
			 PV_OK);
	assert_int_equal(pv_ring_producer_attach(&sw_out, shared + MOAT_NET_FROM_SWITCH,
						 MOAT_NET_RING_BYTES, MOAT_NET_RING_ENTRIES,
						 sizeof(struct moat_net_frame)),
			 PV_OK);
	handshake((uint32_t)PV_VIRTIO_NET_F_MAC);
}

static int setup(void **state)
{
	(void)state;
	ram = aligned_alloc(4096, RAM_SIZE);
	shared = aligned_alloc(4096, MOAT_NET_SHARED_BYTES);
	start();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	free(shared);
	return 0;
}

struct buf {
	uint64_t off; /* in RAM */
	uint32_t len;
	bool write; /* device-writable */
};

/* A chain of nb buffers made available on queue q; returns its head. */
static uint16_t post(unsigned q, const struct buf *bufs, unsigned nb)
{
	struct pv_virtq_desc *d = (struct pv_virtq_desc *)(ram + q_desc[q]);
	struct pv_virtq_avail *a = (struct pv_virtq_avail *)(ram + q_avail[q]);
	uint16_t head = next_desc[q];

	for (unsigned i = 0; i < nb; i++) {
		uint16_t k = (uint16_t)((next_desc[q] + i) % QSIZE);

		d[k] = (struct pv_virtq_desc){ .addr = RAM_IPA + bufs[i].off, .len = bufs[i].len,
					       .flags = (uint16_t)((bufs[i].write ? PV_VIRTQ_DESC_F_WRITE : 0) |
								   (i + 1 < nb ? PV_VIRTQ_DESC_F_NEXT : 0)),
					       .next = (uint16_t)((k + 1) % QSIZE) };
	}
	next_desc[q] = (uint16_t)((next_desc[q] + nb) % QSIZE);
	a->ring[avail_idx[q] % QSIZE] = head;
	a->idx = ++avail_idx[q];
	return head;
}

static void notify(unsigned q)
{
	wr(PV_VMMIO_QUEUE_NOTIFY, q);
}

static uint16_t used_idx(unsigned q)
{
	return ((struct pv_virtq_used *)(ram + q_used[q]))->idx;
}

static struct pv_virtq_used_elem used(unsigned q, uint16_t i)
{
	return ((struct pv_virtq_used *)(ram + q_used[q]))->ring[i % QSIZE];
}

/* A frame of `len` bytes at RAM offset `off`, byte i = seed + i, behind a header at hdr_off. */
static void frame_at(uint64_t hdr_off, uint64_t off, uint32_t len, uint8_t seed, uint8_t flags,
		     uint8_t gso)
{
	struct pv_virtio_net_hdr h = { .flags = flags, .gso_type = gso };

	memcpy(ram + hdr_off, &h, sizeof(h));
	for (uint32_t i = 0; i < len; i++)
		ram[off + i] = (uint8_t)(seed + i);
}

/* A one-descriptor transmit of a `len`-byte frame at `off`. */
static uint16_t tx_one(uint64_t off, uint32_t len, uint8_t seed)
{
	struct buf b = { off, VNET_HDR + len, false };

	frame_at(off, off + VNET_HDR, len, seed, 0, 0);
	return post(VNET_TX, &b, 1);
}

static bool switch_take(struct moat_net_frame *f)
{
	return pv_ring_consume(&sw_in, f, 1) == 1;
}

static void switch_send(uint32_t len, uint8_t seed)
{
	static struct moat_net_frame f;

	f.len = len;
	for (uint32_t i = 0; i < sizeof(f.data); i++)
		f.data[i] = (uint8_t)(seed + i);
	assert_int_equal(pv_ring_produce(&sw_out, &f, 1), 1);
}

static void check_pattern(const uint8_t *p, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		assert_int_equal(p[i], (uint8_t)(seed + i));
}

static void test_config(void **state)
{
	uint64_t x;

	(void)state;
	assert_int_equal(rd(PV_VMMIO_DEVICE_ID), VNET_DEVICE_ID);
	wr(PV_VMMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(PV_VMMIO_DEVICE_FEATURES),
			 (uint32_t)(PV_VIRTIO_NET_F_MAC | PV_VIRTIO_F_EVENT_IDX));
	wr(PV_VMMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(PV_VMMIO_DEVICE_FEATURES), 1); /* VERSION_1 only */
	for (unsigned i = 0; i < 6; i++) {
		assert_true(vnet_access(&n, PV_VMMIO_CONFIG + i, 1, false, &x));
		assert_int_equal(x, mac[i]);
	}
	assert_false(vnet_access(&n, PV_VMMIO_CONFIG + 6, 1, false, &x)); /* no status field */
}

static void test_tx_good(void **state)
{
	struct moat_net_frame f;
	uint16_t head;

	(void)state;
	head = tx_one(BUF, 60, 7);
	notify(VNET_TX);
	assert_true(switch_take(&f));
	assert_int_equal(f.len, 60);
	check_pattern(f.data, 60, 7);
	assert_false(switch_take(&f));
	assert_int_equal(used_idx(VNET_TX), 1);
	assert_int_equal(used(VNET_TX, 0).id, head);
	assert_int_equal(used(VNET_TX, 0).len, 0);
	assert_true(vnet_irq_level(&n));
	assert_int_equal(kicks, 1);
	assert_int_equal(n.stats.tx_frames, 1);
	wr(PV_VMMIO_INTERRUPT_ACK, PV_VMMIO_INT_USED);
	assert_false(vnet_irq_level(&n));
}

static void test_tx_offload_refused(void **state)
{
	struct buf b = { BUF, VNET_HDR + 100, false };
	struct moat_net_frame f;

	(void)state;
	frame_at(BUF, BUF + VNET_HDR, 100, 0, 1 /* NEEDS_CSUM */, 0);
	post(VNET_TX, &b, 1);
	frame_at(BUF + 0x1000, BUF + 0x1000 + VNET_HDR, 100, 0, 0, 1 /* TCPV4 */);
	b.off = BUF + 0x1000;
	post(VNET_TX, &b, 1);
	notify(VNET_TX);
	assert_false(switch_take(&f));
	assert_int_equal(n.stats.tx_dropped, 2);
	assert_int_equal(used_idx(VNET_TX), 2); /* each chain returned */
	assert_int_equal(used(VNET_TX, 1).len, 0);
	assert_int_equal(logs, 2);
}

static void test_tx_lengths(void **state)
{
	static const uint32_t len[4] = { 13, 1515, MOAT_NET_FRAME_MIN, MOAT_NET_FRAME_MAX };
	struct moat_net_frame f;

	(void)state;
	for (unsigned i = 0; i < 4; i++)
		tx_one(BUF + i * 0x1000, len[i], (uint8_t)i);
	{ /* and a header alone */
		struct buf b = { BUF + 0x8000, VNET_HDR, false };

		frame_at(BUF + 0x8000, BUF + 0x8000, 0, 0, 0, 0);
		post(VNET_TX, &b, 1);
	}
	notify(VNET_TX);
	assert_true(switch_take(&f));
	assert_int_equal(f.len, MOAT_NET_FRAME_MIN);
	check_pattern(f.data, f.len, 2);
	assert_true(switch_take(&f));
	assert_int_equal(f.len, MOAT_NET_FRAME_MAX);
	check_pattern(f.data, f.len, 3);
	assert_false(switch_take(&f));
	assert_int_equal(n.stats.tx_dropped, 3);
	assert_int_equal(used_idx(VNET_TX), 5);
}

static void test_tx_chain_spans(void **state)
{
	/* The header apart, and the frame in three pieces, the first splitting... */
	struct buf b[4] = { { BUF, VNET_HDR, false }, { BUF + 0x1000, 5, false },
			    { BUF + 0x3000, 100, false }, { BUF + 0x5000, 1409, false } };
	/* ...and another with the header split across descriptors. */
	struct buf c[2] = { { BUF + 0x8000, 4, false }, { BUF + 0x9000, 8 + 64, false } };
	struct pv_virtio_net_hdr h = { 0 };
	struct moat_net_frame f;

	(void)state;
	memcpy(ram + BUF, &h, sizeof(h));
	for (uint32_t i = 0; i < 1514; i++) {
		uint64_t at = i < 5 ? BUF + 0x1000 + i : i < 105 ? BUF + 0x3000 + (i - 5)
							    : BUF + 0x5000 + (i - 105);
		ram[at] = (uint8_t)(9 + i);
	}
	post(VNET_TX, b, 4);
	memset(ram + BUF + 0x8000, 0, 4);
	memset(ram + BUF + 0x9000, 0, 8);
	for (uint32_t i = 0; i < 64; i++)
		ram[BUF + 0x9000 + 8 + i] = (uint8_t)(40 + i);
	post(VNET_TX, c, 2);
	notify(VNET_TX);
	assert_true(switch_take(&f));
	assert_int_equal(f.len, 1514);
	check_pattern(f.data, 1514, 9);
	assert_true(switch_take(&f));
	assert_int_equal(f.len, 64);
	check_pattern(f.data, 64, 40);
	assert_int_equal(used_idx(VNET_TX), 2);
}

static void test_tx_writable_refused(void **state)
{
	struct buf b[2] = { { BUF, VNET_HDR + 60, false }, { BUF + 0x1000, 100, true } };
	struct moat_net_frame f;

	(void)state;
	frame_at(BUF, BUF + VNET_HDR, 60, 0, 0, 0);
	post(VNET_TX, b, 2);
	notify(VNET_TX);
	assert_false(switch_take(&f));
	assert_int_equal(n.stats.tx_dropped, 1);
	assert_int_equal(used_idx(VNET_TX), 1);
	assert_int_equal(used(VNET_TX, 0).len, 0);
}

static void test_tx_ring_full(void **state)
{
	struct moat_net_frame f;
	unsigned k = kicks;

	(void)state;
	for (unsigned i = 0; i < MOAT_NET_RING_ENTRIES + 2; i++)
		tx_one(BUF + i * 0x800, 100, (uint8_t)i);
	notify(VNET_TX);
	/* The ring took 32; two chains wait in the available ring, not dropped. */
	assert_int_equal(used_idx(VNET_TX), MOAT_NET_RING_ENTRIES);
	assert_int_equal(n.stats.tx_frames, MOAT_NET_RING_ENTRIES);
	assert_int_equal(n.stats.tx_dropped, 0);
	assert_true(kicks > k);
	/* Another notify changes nothing while the ring is full. */
	notify(VNET_TX);
	assert_int_equal(used_idx(VNET_TX), MOAT_NET_RING_ENTRIES);
	/* The switch takes one: the device asked to be told, and its signal sends one more. */
	assert_true(switch_take(&f));
	check_pattern(f.data, 100, 0);
	assert_true(pv_ring_consumer_kick_needed(&sw_in));
	vnet_backend_signal(&n);
	assert_int_equal(used_idx(VNET_TX), MOAT_NET_RING_ENTRIES + 1);
	while (switch_take(&f))
		;
	assert_true(pv_ring_consumer_kick_needed(&sw_in));
	vnet_backend_signal(&n);
	assert_int_equal(used_idx(VNET_TX), MOAT_NET_RING_ENTRIES + 2);
	assert_true(switch_take(&f));
	check_pattern(f.data, 100, MOAT_NET_RING_ENTRIES + 1);
}

static void test_rx_multi(void **state)
{
	struct buf b[3] = { { BUF, 8, true }, { BUF + 0x1000, 500, true },
			    { BUF + 0x3000, 1100, true } };
	struct pv_virtio_net_hdr h;
	uint16_t head;

	(void)state;
	memset(ram + BUF, 0xee, 8);
	memset(ram + BUF + 0x1000, 0xee, 500);
	head = post(VNET_RX, b, 3);
	notify(VNET_RX); /* nothing to receive yet */
	assert_int_equal(used_idx(VNET_RX), 0);
	switch_send(1000, 3);
	assert_true(pv_ring_producer_kick_needed(&sw_out)); /* the device asked to be told */
	vnet_backend_signal(&n);
	assert_int_equal(used_idx(VNET_RX), 1);
	assert_int_equal(used(VNET_RX, 0).id, head);
	assert_int_equal(used(VNET_RX, 0).len, VNET_HDR + 1000);
	/* The header: 8 bytes in the first buffer, 4 in the second; the frame after it. */
	memcpy(&h, ram + BUF, 8);
	memcpy((uint8_t *)&h + 8, ram + BUF + 0x1000, 4);
	assert_int_equal(h.flags, 0);
	assert_int_equal(h.gso_type, PV_VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(h.hdr_len | h.gso_size | h.csum_start | h.csum_offset, 0);
	assert_int_equal(h.num_buffers, 1);
	check_pattern(ram + BUF + 0x1000 + 4, 496, 3);
	check_pattern(ram + BUF + 0x3000, 504, (uint8_t)(3 + 496));
	assert_true(vnet_irq_level(&n));
	assert_int_equal(n.stats.rx_frames, 1);
}

static void test_rx_no_buffers(void **state)
{
	struct buf b = { BUF, 1526, true };

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		switch_send(100 + i, (uint8_t)i);
	vnet_backend_signal(&n);
	/* No buffers: nothing taken from the ring, no interrupt. */
	assert_int_equal(pv_ring_producer_space(&sw_out), MOAT_NET_RING_ENTRIES - 3);
	assert_false(pv_ring_producer_prepare_wait(&sw_out)); /* not full: nothing to wait for */
	assert_false(vnet_irq_level(&n));
	assert_int_equal(n.stats.rx_frames + n.stats.rx_dropped, 0);
	/* Two buffers, and the guest's notify takes two frames, in order. */
	post(VNET_RX, &b, 1);
	b.off = BUF + 0x1000;
	post(VNET_RX, &b, 1);
	notify(VNET_RX);
	assert_int_equal(used_idx(VNET_RX), 2);
	assert_int_equal(used(VNET_RX, 0).len, VNET_HDR + 100);
	assert_int_equal(used(VNET_RX, 1).len, VNET_HDR + 101);
	check_pattern(ram + BUF + VNET_HDR, 100, 0);
	check_pattern(ram + BUF + 0x1000 + VNET_HDR, 101, 1);
	/* The third waits for the next buffer. */
	b.off = BUF + 0x2000;
	post(VNET_RX, &b, 1);
	notify(VNET_RX);
	assert_int_equal(used_idx(VNET_RX), 3);
	check_pattern(ram + BUF + 0x2000 + VNET_HDR, 102, 2);
	assert_int_equal(n.stats.rx_frames, 3);
	assert_int_equal(n.stats.rx_dropped, 0);
}

static void test_rx_too_small(void **state)
{
	struct buf b = { BUF, VNET_HDR + 199, true };

	(void)state;
	post(VNET_RX, &b, 1);
	b.off = BUF + 0x1000;
	b.len = VNET_HDR + 200;
	post(VNET_RX, &b, 1);
	switch_send(200, 1); /* too big for the first buffer: dropped */
	switch_send(200, 2);
	vnet_backend_signal(&n);
	assert_int_equal(used_idx(VNET_RX), 2);
	assert_int_equal(used(VNET_RX, 0).len, 0);
	assert_int_equal(used(VNET_RX, 1).len, VNET_HDR + 200);
	check_pattern(ram + BUF + 0x1000 + VNET_HDR, 200, 2);
	assert_int_equal(n.stats.rx_dropped, 1);
}

static void test_rx_bad_frame_from_switch(void **state)
{
	struct buf b = { BUF, 1526, true };

	(void)state;
	post(VNET_RX, &b, 1);
	switch_send(13, 0);
	switch_send(2000, 0);
	switch_send(60, 5);
	vnet_backend_signal(&n);
	assert_int_equal(used_idx(VNET_RX), 1);
	assert_int_equal(used(VNET_RX, 0).len, VNET_HDR + 60);
	check_pattern(ram + BUF + VNET_HDR, 60, 5);
	assert_int_equal(n.stats.rx_dropped, 2);
}

static void test_event_suppression(void **state)
{
	struct pv_virtq_avail *tx = (struct pv_virtq_avail *)(ram + q_avail[VNET_TX]);
	struct pv_virtq_avail *rx = (struct pv_virtq_avail *)(ram + q_avail[VNET_RX]);
	struct buf b = { BUF + 0x8000, 1526, true };
	struct moat_net_frame f;

	(void)state;
	tx->flags = PV_VIRTQ_AVAIL_F_NO_INTERRUPT;
	rx->flags = PV_VIRTQ_AVAIL_F_NO_INTERRUPT;
	tx_one(BUF, 60, 0);
	notify(VNET_TX);
	assert_int_equal(used_idx(VNET_TX), 1);
	assert_false(vnet_irq_level(&n));
	post(VNET_RX, &b, 1);
	switch_send(60, 0);
	vnet_backend_signal(&n);
	assert_int_equal(used_idx(VNET_RX), 1);
	assert_false(vnet_irq_level(&n));
	/* Interrupts wanted again: the next used element raises the line. */
	rx->flags = 0;
	post(VNET_RX, &b, 1);
	switch_send(60, 0);
	vnet_backend_signal(&n);
	assert_true(vnet_irq_level(&n));
	assert_true(switch_take(&f));
}

/*
 * With EVENT_IDX (Linux's virtio_net takes it): an interrupt only once the
 * used index passes the driver's used_event, and the next kick asked for
 * through avail_event.
 */
static void test_event_idx(void **state)
{
	uint16_t *tx_used_event = &((struct pv_virtq_avail *)(ram + q_avail[VNET_TX]))->ring[QSIZE];
	uint16_t *rx_used_event = &((struct pv_virtq_avail *)(ram + q_avail[VNET_RX]))->ring[QSIZE];
	uint16_t *tx_avail_event =
		(uint16_t *)&((struct pv_virtq_used *)(ram + q_used[VNET_TX]))->ring[QSIZE];
	struct buf b = { BUF + 0x8000, 1526, true };
	struct moat_net_frame f;

	(void)state;
	wr(PV_VMMIO_STATUS, 0);
	handshake((uint32_t)(PV_VIRTIO_NET_F_MAC | PV_VIRTIO_F_EVENT_IDX));
	*tx_used_event = 1; /* at the second used element, not the first */
	*rx_used_event = 0;
	tx_one(BUF, 60, 0);
	notify(VNET_TX);
	assert_int_equal(used_idx(VNET_TX), 1);
	assert_false(vnet_irq_level(&n));
	assert_int_equal(*tx_avail_event, 1); /* a kick for the chain after the one taken */
	tx_one(BUF, 60, 1);
	notify(VNET_TX);
	assert_int_equal(used_idx(VNET_TX), 2);
	assert_true(vnet_irq_level(&n));
	assert_int_equal(*tx_avail_event, 2);
	wr(PV_VMMIO_INTERRUPT_ACK, PV_VMMIO_INT_USED);
	assert_false(vnet_irq_level(&n));
	post(VNET_RX, &b, 1);
	switch_send(60, 0);
	vnet_backend_signal(&n);
	assert_int_equal(used_idx(VNET_RX), 1);
	assert_true(vnet_irq_level(&n)); /* the first used element passes used_event 0 */
	assert_true(switch_take(&f));
	assert_true(switch_take(&f));
}

static void test_bad_chain_returned(void **state)
{
	struct pv_virtq_desc *d = (struct pv_virtq_desc *)(ram + q_desc[VNET_TX]);
	struct buf b = { BUF, 100, false };
	struct moat_net_frame f;

	(void)state;
	post(VNET_TX, &b, 1);
	d[0].addr = RAM_IPA + RAM_SIZE - 10; /* runs out of RAM */
	tx_one(BUF + 0x1000, 60, 1);
	notify(VNET_TX);
	assert_int_equal(used_idx(VNET_TX), 2);
	assert_int_equal(n.stats.bad_chains, 1);
	assert_true(switch_take(&f));
	check_pattern(f.data, 60, 1);
}

static void test_impossible_ring(void **state)
{
	struct pv_virtq_avail *a = (struct pv_virtq_avail *)(ram + q_avail[VNET_TX]);

	(void)state;
	a->idx = QSIZE + 5; /* more than the ring holds */
	notify(VNET_TX);
	assert_true(rd(PV_VMMIO_STATUS) & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_true(vnet_irq_level(&n));
	/* A reset and a new handshake: it works again. */
	wr(PV_VMMIO_STATUS, 0);
	memset(ram, 0, 0x8000);
	handshake((uint32_t)PV_VIRTIO_NET_F_MAC);
	tx_one(BUF, 60, 0);
	notify(VNET_TX);
	assert_int_equal(n.stats.tx_frames, 1);
}

static void test_reset_rings_keep_working(void **state)
{
	struct buf b = { BUF + 0x4000, 1526, true };
	struct moat_net_frame f;

	(void)state;
	tx_one(BUF, 60, 1);
	notify(VNET_TX);
	switch_send(70, 2); /* in flight when the guest restarts: delivered to the new one */
	vnet_reset(&n);
	assert_int_equal(rd(PV_VMMIO_STATUS), 0);
	memset(ram, 0, RAM_SIZE);
	vnet_backend_signal(&n); /* no queue: nothing touched */
	assert_int_equal(((struct pv_virtq_used *)(ram + q_used[VNET_RX]))->idx, 0);
	handshake((uint32_t)PV_VIRTIO_NET_F_MAC);
	post(VNET_RX, &b, 1);
	tx_one(BUF, 80, 3);
	notify(VNET_TX);
	assert_true(switch_take(&f));
	assert_int_equal(f.len, 60);
	assert_true(switch_take(&f));
	assert_int_equal(f.len, 80);
	assert_int_equal(used_idx(VNET_RX), 1);
	assert_int_equal(used(VNET_RX, 0).len, VNET_HDR + 70);
}

static void test_queue_moved(void **state)
{
	(void)state;
	tx_one(BUF, 60, 0);
	notify(VNET_TX);
	wr(PV_VMMIO_QUEUE_SEL, VNET_TX);
	wr(PV_VMMIO_QUEUE_READY, 0);
	wr(PV_VMMIO_QUEUE_DESC_LOW, (uint32_t)(RAM_IPA + 0x8000));
	wr(PV_VMMIO_QUEUE_READY, 1);
	notify(VNET_TX);
	assert_true(rd(PV_VMMIO_STATUS) & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static void test_init_refused(void **state)
{
	struct vnet_config c = { .ram = ram, .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE };
	struct vnet m;

	(void)state;
	assert_int_equal(vnet_init(&m, &c), PV_E_INVAL); /* no channel */
	c.shared = shared;
	c.ram_size = 0;
	assert_int_equal(vnet_init(&m, &c), PV_E_INVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_config),		   T(test_tx_good),	     T(test_tx_offload_refused),
		T(test_tx_lengths),	   T(test_tx_chain_spans),   T(test_tx_writable_refused),
		T(test_tx_ring_full),	   T(test_rx_multi),	     T(test_rx_no_buffers),
		T(test_rx_too_small),	   T(test_rx_bad_frame_from_switch),
		T(test_event_suppression), T(test_event_idx),	     T(test_bad_chain_returned),
		T(test_impossible_ring),
		T(test_reset_rings_keep_working), T(test_queue_moved), T(test_init_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
