/*
 * Unit tests for servers/vmm/vcon.c, the guest's virtio console: the
 * test is the guest (two split virtqueues in its RAM, MMIO writes) and
 * the console server (a byte sink with a limit on what it takes, and a
 * source of input). Transmit in one descriptor, in several, of more than
 * one piece; back-pressure (a full console holds the chain, a signal
 * resumes it); chains of the wrong direction and outside RAM refused;
 * the input rule (DRIVER_OK, written to, a buffer posted); input split
 * over buffers; event suppression; a guest's reset; bad configurations.
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
#include "vcon.h"

#define RAM_IPA 0x40000000ull
#define RAM_SIZE 0x100000ull
#define QSIZE 64
#define BUF 0x10000ull /* buffers from here */
#define SINK 8192u

static const uint64_t q_desc[2] = { 0x0000, 0x4000 }, q_avail[2] = { 0x1000, 0x5000 },
		      q_used[2] = { 0x2000, 0x6000 };

static uint8_t *ram;
static struct vcon c;
static uint8_t sink[SINK], input[SINK];
static size_t sunk, room, in_len, in_off;
static unsigned logs, writes_short, reads_empty;
static uint16_t next_desc[2], avail_idx[2];

/* The console server's ring: takes at most `room` bytes more. */
static size_t write_fn(void *ctx, const void *buf, size_t len)
{
	size_t k = len < room ? len : room;

	(void)ctx;
	assert_true(sunk + k <= SINK);
	memcpy(sink + sunk, buf, k);
	sunk += k;
	room -= k;
	writes_short += k < len;
	return k;
}

static size_t read_fn(void *ctx, void *buf, size_t max)
{
	size_t k = in_len - in_off < max ? in_len - in_off : max;

	(void)ctx;
	memcpy(buf, input + in_off, k);
	in_off += k;
	reads_empty += k < max;
	return k;
}

static void log_fn(void *ctx, const char *what, uint64_t v)
{
	(void)ctx, (void)what, (void)v;
	logs++;
}

static void wr(uint64_t off, uint32_t v)
{
	uint64_t x = v;

	assert_true(vcon_access(&c, off, 4, true, &x));
}

static uint32_t rd(uint64_t off)
{
	uint64_t x = 0;

	assert_true(vcon_access(&c, off, 4, false, &x));
	return (uint32_t)x;
}

/* Linux's virtio_mmio probe: VERSION_1, both queues. */
static void handshake(void)
{
	struct probe_queue q[2];

	for (unsigned i = 0; i < 2; i++) {
		q[i] = (struct probe_queue){ RAM_IPA + q_desc[i], RAM_IPA + q_avail[i],
					     RAM_IPA + q_used[i] };
		next_desc[i] = avail_idx[i] = 0;
	}
	linux_probe(&c.mmio, 0, q, 2, QSIZE);
}

static void start(void)
{
	struct vcon_config cfg = { .ram = ram, .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE,
				   .write = write_fn, .read = read_fn, .log = log_fn };

	memset(ram, 0, RAM_SIZE);
	sunk = in_len = in_off = 0;
	room = SINK;
	logs = writes_short = reads_empty = 0;
	assert_int_equal(vcon_init(&c, &cfg), PV_OK);
	handshake();
}

static int setup(void **state)
{
	(void)state;
	ram = aligned_alloc(4096, RAM_SIZE);
	start();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
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

		d[k] = (struct pv_virtq_desc){
			.addr = RAM_IPA + bufs[i].off, .len = bufs[i].len,
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

/* Text at RAM offset off, posted for transmit in one descriptor; returns its head. */
static uint16_t tx_text(uint64_t off, const char *s)
{
	struct buf b = { off, (uint32_t)strlen(s), false };

	memcpy(ram + off, s, b.len);
	return post(VCON_TX, &b, 1);
}

static void rx_buf(uint64_t off, uint32_t len)
{
	struct buf b = { off, len, true };

	post(VCON_RX, &b, 1);
}

static void type(const char *s)
{
	memcpy(input + in_len, s, strlen(s));
	in_len += strlen(s);
}

static void ack(void)
{
	wr(PV_VMMIO_INTERRUPT_ACK, rd(PV_VMMIO_INTERRUPT_STATUS));
}

static void test_config(void **state)
{
	(void)state;
	assert_int_equal(rd(PV_VMMIO_DEVICE_ID), VCON_DEVICE_ID);
	wr(PV_VMMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(PV_VMMIO_DEVICE_FEATURES), 0); /* no SIZE, MULTIPORT, EMERG_WRITE */
	wr(PV_VMMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(PV_VMMIO_DEVICE_FEATURES), 1); /* VERSION_1 */
	assert_int_equal(rd(PV_VMMIO_CONFIG), 0);
	assert_false(vcon_irq_level(&c));
}

static void test_tx(void **state)
{
	uint16_t h;

	(void)state;
	h = tx_text(BUF, "hello, ");
	notify(VCON_TX);
	assert_int_equal(used_idx(VCON_TX), 1);
	assert_int_equal(used(VCON_TX, 0).id, h);
	assert_int_equal(used(VCON_TX, 0).len, 0);
	assert_true(vcon_irq_level(&c));
	ack();
	assert_false(vcon_irq_level(&c));
	{
		struct buf b[3] = { { BUF + 0x100, 3, false }, { BUF + 0x300, 2, false },
				    { BUF + 0x200, 1, false } };

		memcpy(ram + BUF + 0x100, "wor", 3);
		memcpy(ram + BUF + 0x300, "ld", 2);
		memcpy(ram + BUF + 0x200, "\n", 1);
		post(VCON_TX, b, 3);
	}
	notify(VCON_TX);
	assert_int_equal(used_idx(VCON_TX), 2);
	assert_int_equal(sunk, 13);
	assert_memory_equal(sink, "hello, world\n", 13);
	assert_int_equal(logs, 0);
}

/* More than one piece; the console takes part, the chain waits for a signal. */
static void test_tx_backpressure(void **state)
{
	const uint32_t len = 3 * VCON_PIECE + 17;

	(void)state;
	for (uint32_t i = 0; i < len; i++)
		ram[BUF + i] = (uint8_t)i;
	{
		struct buf b = { BUF, len, false };

		post(VCON_TX, &b, 1);
	}
	tx_text(BUF + 0x2000, "next");
	room = 300;
	notify(VCON_TX);
	assert_int_equal(sunk, 300);
	assert_int_equal(used_idx(VCON_TX), 0); /* held, not returned, not dropped */
	assert_false(vcon_irq_level(&c));
	vcon_backend_signal(&c); /* still full: nothing moves, nothing spins */
	assert_int_equal(sunk, 300);
	room = SINK;
	vcon_backend_signal(&c);
	assert_int_equal(used_idx(VCON_TX), 2);
	assert_int_equal(sunk, len + 4);
	for (uint32_t i = 0; i < len; i++)
		assert_int_equal(sink[i], (uint8_t)i);
	assert_memory_equal(sink + len, "next", 4);
	assert_true(vcon_irq_level(&c));
}

static void test_tx_wrong_direction(void **state)
{
	struct buf b[2] = { { BUF, 4, false }, { BUF + 0x100, 4, true } };

	(void)state;
	post(VCON_TX, b, 2);
	tx_text(BUF + 0x200, "ok");
	notify(VCON_TX);
	assert_int_equal(used_idx(VCON_TX), 2);
	assert_int_equal(used(VCON_TX, 0).len, 0);
	assert_int_equal(sunk, 2);
	assert_memory_equal(sink, "ok", 2);
	assert_int_equal(c.stats.bad_chains, 1);
	assert_int_equal(logs, 1);
}

/* Outside RAM, and longer than VCON_CHAIN_MAX: returned, logged, rate-limited. */
static void test_tx_bad_chains(void **state)
{
	(void)state;
	for (unsigned i = 0; i < VCON_LOG_MAX + 4; i++) {
		struct buf b = { i % 2 ? RAM_SIZE - 2 : BUF, i % 2 ? 16 : VCON_CHAIN_MAX + 1,
				 false };

		post(VCON_TX, &b, 1);
	}
	notify(VCON_TX);
	assert_int_equal(used_idx(VCON_TX), VCON_LOG_MAX + 4);
	assert_int_equal(sunk, 0);
	assert_int_equal(c.stats.bad_chains, VCON_LOG_MAX + 4);
	assert_int_equal(logs, VCON_LOG_MAX);
	assert_false(rd(PV_VMMIO_STATUS) & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

/* Input waits for DRIVER_OK, the guest's first write and a buffer. */
static void test_rx_rule(void **state)
{
	(void)state;
	type("ls\n");
	rx_buf(BUF, 64);
	notify(VCON_RX);
	assert_false(vcon_input_ready(&c)); /* never written to: the guest reads another console */
	assert_int_equal(in_off, 0);
	assert_int_equal(used_idx(VCON_RX), 0);
	tx_text(BUF + 0x1000, "$ ");
	notify(VCON_TX);
	assert_int_equal(used_idx(VCON_RX), 1); /* the held buffer got the input */
	assert_int_equal(used(VCON_RX, 0).len, 3);
	assert_memory_equal(ram + BUF, "ls\n", 3);
	assert_false(vcon_input_ready(&c)); /* no buffer left */
	type("x");
	vcon_backend_signal(&c);
	assert_int_equal(in_off, 3); /* left at the console */
	rx_buf(BUF + 0x100, 64);
	assert_true(vcon_input_ready(&c));
	notify(VCON_RX);
	assert_int_equal(used_idx(VCON_RX), 2);
	assert_int_equal(ram[BUF + 0x100], 'x');
	ack();
	rx_buf(BUF + 0x200, 64);
	assert_true(vcon_input_ready(&c)); /* a buffer, and no input: it stays held */
	vcon_backend_signal(&c);
	assert_int_equal(used_idx(VCON_RX), 2);
	assert_false(vcon_irq_level(&c));
}

/* Input longer than the buffers goes on in the next; several descriptors. */
static void test_rx_split(void **state)
{
	struct buf b[2] = { { BUF + 0x100, 3, true }, { BUF + 0x200, 2, true } };

	(void)state;
	tx_text(BUF + 0x1000, "#");
	notify(VCON_TX);
	rx_buf(BUF, 4);
	post(VCON_RX, b, 2);
	type("abcdefghij");
	vcon_backend_signal(&c);
	assert_int_equal(used_idx(VCON_RX), 2);
	assert_int_equal(used(VCON_RX, 0).len, 4);
	assert_int_equal(used(VCON_RX, 1).len, 5);
	assert_memory_equal(ram + BUF, "abcd", 4);
	assert_memory_equal(ram + BUF + 0x100, "efg", 3);
	assert_memory_equal(ram + BUF + 0x200, "hi", 2);
	assert_int_equal(in_off, 9);
}

static void test_rx_wrong_direction(void **state)
{
	struct buf b = { BUF, 8, false };

	(void)state;
	tx_text(BUF + 0x1000, "#");
	notify(VCON_TX);
	type("q");
	post(VCON_RX, &b, 1);
	notify(VCON_RX);
	assert_int_equal(used_idx(VCON_RX), 1);
	assert_int_equal(used(VCON_RX, 0).len, 0);
	assert_int_equal(in_off, 0);
	assert_int_equal(c.stats.bad_chains, 1);
}

/* The guest asks for no interrupts: the line stays low. */
static void test_suppression(void **state)
{
	struct pv_virtq_avail *a = (struct pv_virtq_avail *)(ram + q_avail[VCON_TX]);

	(void)state;
	a->flags = PV_VIRTQ_AVAIL_F_NO_INTERRUPT;
	tx_text(BUF, "quiet");
	notify(VCON_TX);
	assert_int_equal(used_idx(VCON_TX), 1);
	assert_false(vcon_irq_level(&c));
	a->flags = 0;
	tx_text(BUF, "loud");
	notify(VCON_TX);
	assert_true(vcon_irq_level(&c));
}

/* A reset forgets held chains and the rule's state; a new driver starts over. */
static void test_reset(void **state)
{
	(void)state;
	tx_text(BUF, "abc");
	room = 1;
	notify(VCON_TX);
	rx_buf(BUF + 0x100, 8);
	assert_true(vcon_input_ready(&c));
	vcon_reset(&c);
	assert_int_equal(rd(PV_VMMIO_STATUS), 0);
	assert_false(vcon_input_ready(&c));
	room = SINK;
	vcon_backend_signal(&c);
	assert_int_equal(sunk, 1); /* the old driver's chain is gone */
	memset(ram, 0, RAM_SIZE);
	handshake();
	assert_false(vcon_input_ready(&c));
	tx_text(BUF, "new");
	notify(VCON_TX);
	assert_int_equal(used_idx(VCON_TX), 1);
	assert_memory_equal(sink + 1, "new", 3);
}

/* A queue moved while in use: DEVICE_NEEDS_RESET, nothing more served. */
static void test_queue_moved(void **state)
{
	(void)state;
	tx_text(BUF, "a");
	notify(VCON_TX);
	wr(PV_VMMIO_QUEUE_SEL, VCON_TX);
	wr(PV_VMMIO_QUEUE_READY, 0);
	wr(PV_VMMIO_QUEUE_DESC_LOW, (uint32_t)(RAM_IPA + 0x8000));
	wr(PV_VMMIO_QUEUE_READY, 1);
	tx_text(BUF, "b");
	notify(VCON_TX);
	assert_int_equal(sunk, 1);
	assert_true(rd(PV_VMMIO_STATUS) & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_true(vcon_irq_level(&c));
	assert_false(vcon_input_ready(&c));
}

static void test_init_refused(void **state)
{
	struct vcon_config cfg = { .ram = ram, .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE,
				   .write = write_fn, .read = read_fn };
	struct vcon x;

	(void)state;
	cfg.read = NULL;
	assert_int_equal(vcon_init(&x, &cfg), PV_E_INVAL);
	cfg.read = read_fn;
	cfg.ram_ipa = ~0ull - 4;
	assert_int_equal(vcon_init(&x, &cfg), PV_E_INVAL);
	cfg.ram_ipa = RAM_IPA;
	cfg.ram_size = 0;
	assert_int_equal(vcon_init(&x, &cfg), PV_E_INVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_config),		  T(test_tx),		    T(test_tx_backpressure),
		T(test_tx_wrong_direction), T(test_tx_bad_chains),  T(test_rx_rule),
		T(test_rx_split),	  T(test_rx_wrong_direction), T(test_suppression),
		T(test_reset),		  T(test_queue_moved),	    T(test_init_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
