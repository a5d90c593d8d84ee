/*
 * libFuzzer harness for the VMM's virtio console (servers/vmm/vcon.c):
 * the fuzzer is the guest, posting chains on either queue (well formed
 * by construction, from its bytes: segments inside RAM, any lengths,
 * mostly the right direction), writing any byte of its RAM and any
 * register, resetting; and the console server, taking output into a
 * ring whose room it sets and supplying input. Beyond the sanitizers'
 * checks (the guest's RAM is allocated at its exact size, so a copy from
 * outside it faults):
 *
 * - each queue holds at most one chain: used entries plus the one held
 *   equal the available entries popped (until vq_dev finds the available
 *   ring impossible);
 * - a transmit used element says 0 bytes; a receive one at most
 *   VCON_CHAIN_MAX, as the device pushes it (the link wraps
 *   pv_vq_dev_push: the guest may write anywhere in its RAM, its used
 *   rings too, and may lay a receive buffer over them, so what a used
 *   ring says afterwards proves nothing);
 * - no input is lost: every byte taken from the console is in a receive
 *   element the device pushed (while the device is not broken), and the
 *   device counted it as written;
 * - the console never gets more than it had room for, nor more than the
 *   device counted.
 *
 * Input: a first byte choosing the queues' sizes, then steps of an op
 * byte and its arguments, read as far as they go.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpv/err.h>

#include "vcon.h"
#include "fuzz_input.h"

#define RAM_IPA 0x40000000ull
#define RAM_SIZE 0x10000ull
#define BUFS 0x2000ull /* chains' buffers from here */

/* Each queue's areas, apart at the largest size (128). */
static const uint64_t q_desc[2] = { 0x0000, 0x1000 }, q_avail[2] = { 0x0800, 0x1800 },
		      q_used[2] = { 0x0a00, 0x1a00 };
#define USED_BYTES 0x600ull
static uint8_t *ram;
static struct vcon c;
static uint16_t qsize[2], next_desc[2], avail_idx[2];
static uint64_t room, sunk, supply, taken, delivered;
static bool lost; /* input may have gone with a broken device */

static void fail(int line)
{
	fprintf(stderr, "vmm_vcon_fuzz: invariant at line %d\n", line);
	abort();
}
#define check(cond) ((cond) ? (void)0 : fail(__LINE__))

static size_t write_fn(void *ctx, const void *buf, size_t len)
{
	size_t k = len < room ? len : (size_t)room;

	(void)ctx, (void)buf;
	room -= k;
	sunk += k;
	return k;
}

static size_t read_fn(void *ctx, void *buf, size_t max)
{
	size_t k = max < supply ? max : (size_t)supply;

	(void)ctx;
	memset(buf, 'i', k);
	supply -= k;
	taken += k;
	return k;
}

static void log_fn(void *ctx, const char *what, uint64_t v)
{
	(void)ctx, (void)what, (void)v;
}

int __real_pv_vq_dev_push(struct pv_vq_dev *vq, const struct pv_vq_chain *chain, uint32_t len);

int __wrap_pv_vq_dev_push(struct pv_vq_dev *vq, const struct pv_vq_chain *chain, uint32_t len)
{
	int err = __real_pv_vq_dev_push(vq, chain, len);

	check(vq == &c.q[VCON_TX].srv.vq ? len == 0 : len <= VCON_CHAIN_MAX);
	if (err == PV_OK && vq == &c.q[VCON_RX].srv.vq)
		delivered += len;
	return err;
}

static void check_queues(void)
{
	for (unsigned q = 0; q < VCON_QUEUES; q++) {
		const struct pv_vq_dev *vq = &c.q[q].srv.vq;

		if (!c.q[q].srv.ready || vq->broken)
			continue; /* an impossible available ring: its bad head is not returned */
		check(vq->in_flight == (c.q[q].held ? 1u : 0u));
		check((uint16_t)(vq->used_idx + vq->in_flight) == vq->last_avail);
	}
	lost |= c.broken;
	check(c.stats.rx_bytes == taken);
	check(lost || delivered == taken);
	check(sunk == c.stats.tx_bytes);
}

static void mmio(uint16_t off, uint32_t v)
{
	uint64_t x = v;

	off = off % VMMIO_SIZE & ~3u;
	vcon_access(&c, off, 4, true, &x);
}

static void handshake(unsigned sizes)
{
	static const uint32_t regs[][2] = {
		{ PV_VMMIO_STATUS, 3 },		    { PV_VMMIO_DRIVER_FEATURES_SEL, 1 },
		{ PV_VMMIO_DRIVER_FEATURES, 1 },    { PV_VMMIO_DRIVER_FEATURES_SEL, 0 },
		{ PV_VMMIO_DRIVER_FEATURES, 0 },    { PV_VMMIO_STATUS, 0xb },
	};

	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		mmio((uint16_t)regs[i][0], regs[i][1]);
	for (unsigned q = 0; q < VCON_QUEUES; q++) {
		qsize[q] = (uint16_t)(1u << (1 + (sizes >> (3 * q)) % 7)); /* 2..128 */
		next_desc[q] = avail_idx[q] = 0;
		memset(ram + q_desc[q], 0, 0x800);
		memset(ram + q_avail[q], 0, 0x200);
		memset(ram + q_used[q], 0, USED_BYTES);
		mmio(PV_VMMIO_QUEUE_SEL, q);
		mmio(PV_VMMIO_QUEUE_NUM, qsize[q]);
		mmio(PV_VMMIO_QUEUE_DESC_LOW, (uint32_t)(RAM_IPA + q_desc[q]));
		mmio(PV_VMMIO_QUEUE_DRIVER_LOW, (uint32_t)(RAM_IPA + q_avail[q]));
		mmio(PV_VMMIO_QUEUE_DEVICE_LOW, (uint32_t)(RAM_IPA + q_used[q]));
		mmio(PV_VMMIO_QUEUE_READY, 1);
	}
	mmio(PV_VMMIO_STATUS, 0xf);
}

/*
 * A chain on queue q from the input: 1..4 segments inside the buffer
 * area, of any length up to 4 KiB, device-writable on the receive queue
 * (mostly) and readable on the transmit queue (mostly).
 */
static void post(struct input *in, unsigned q)
{
	struct pv_virtq_desc *d = (struct pv_virtq_desc *)(ram + q_desc[q]);
	struct pv_virtq_avail *a = (struct pv_virtq_avail *)(ram + q_avail[q]);
	unsigned segs = 1 + (unsigned)take(in, 1) % 4, odd = (unsigned)take(in, 1);
	uint16_t head;

	if (!qsize[q])
		return;
	head = (uint16_t)(next_desc[q] % qsize[q]);
	for (unsigned i = 0; i < segs; i++) {
		uint16_t k = (uint16_t)((next_desc[q] + i) % qsize[q]);
		uint64_t off = BUFS + take(in, 2) % (RAM_SIZE - BUFS);
		uint32_t len = (uint32_t)(take(in, 2) % 4096);
		bool write = (q == VCON_RX) != ((odd >> i & 0x11) == 0x11);

		if (len > RAM_SIZE - off)
			len = (uint32_t)(RAM_SIZE - off);
		d[k] = (struct pv_virtq_desc){
			.addr = RAM_IPA + off, .len = len,
			.flags = (uint16_t)((write ? PV_VIRTQ_DESC_F_WRITE : 0) |
					    (i + 1 < segs ? PV_VIRTQ_DESC_F_NEXT : 0)),
			.next = (uint16_t)((k + 1) % qsize[q]) };
	}
	next_desc[q] = (uint16_t)(next_desc[q] + segs);
	a->ring[avail_idx[q] % qsize[q]] = head;
	a->idx = ++avail_idx[q];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct vcon_config cfg = { .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE, .write = write_fn,
				   .read = read_fn, .log = log_fn };

	if (!ram)
		ram = malloc(RAM_SIZE);
	memset(ram, 0, RAM_SIZE);
	cfg.ram = ram;
	room = sunk = supply = taken = delivered = 0;
	lost = false;
	check(vcon_init(&c, &cfg) == 0);
	handshake((unsigned)take(&in, 1));
	while (in.n) {
		switch (take(&in, 1) % 10) {
		case 0: { /* poke guest RAM: descriptors and rings included */
			uint64_t off = take(&in, 2) % RAM_SIZE, len = take(&in, 1) % 17;

			for (uint64_t i = 0; i < len && off + i < RAM_SIZE && in.n; i++)
				ram[off + i] = (uint8_t)take(&in, 1);
			break;
		}
		case 1:
			mmio((uint16_t)take(&in, 2), (uint32_t)take(&in, 4));
			break;
		case 2:
			mmio(PV_VMMIO_QUEUE_NOTIFY, (uint32_t)take(&in, 1) % 3);
			break;
		case 3:
			post(&in, VCON_TX);
			break;
		case 4:
			post(&in, VCON_RX);
			break;
		case 5: /* the console server takes some output and signals */
			room += take(&in, 2);
			vcon_backend_signal(&c);
			break;
		case 6: /* input arrives */
			supply += take(&in, 1);
			vcon_backend_signal(&c);
			break;
		case 7: /* the guest restarts */
			vcon_reset(&c);
			break;
		case 8:
			handshake((unsigned)take(&in, 1));
			break;
		case 9:
			vcon_input_ready(&c);
			break;
		}
		check_queues();
	}
	return 0;
}
