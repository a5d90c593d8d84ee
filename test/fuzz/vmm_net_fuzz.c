/*
 * libFuzzer harness for the VMM's virtio network device
 * (servers/vmm/net.c): the fuzzer is the guest, posting chains on either
 * queue (well formed by construction, from its bytes: segments inside
 * RAM, any lengths, directions and header fields), writing any byte of
 * its RAM and any register, resetting; and the network switch, sending
 * frames of any length and taking what the device transmits. Beyond the
 * sanitizers' checks (the guest's RAM is allocated at its exact size, so
 * a copy from outside it faults):
 *
 * - every frame the switch receives is MOAT_NET_FRAME_MIN..MAX bytes;
 * - each queue's chains are all returned at once: used entries equal the
 *   available entries popped, never more, none left in flight (until
 *   vq_dev finds the available ring impossible);
 * - a receive used element says 0 or a header and a frame's bytes, at
 *   most VNET_HDR + MOAT_NET_FRAME_MAX, as the device pushes it (the link
 *   wraps pv_vq_dev_push: a guest may lay a receive buffer over its own
 *   used ring, which then says anything once the frame is written);
 * - no frame from the switch is lost unaccounted: each one taken from its
 *   ring is received or counted as dropped.
 *
 * Input: a first byte choosing the queues' sizes, then steps of an op
 * byte and its arguments, read as far as they go.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "fuzz_input.h"

#define RAM_IPA 0x40000000ull
#define RAM_SIZE 0x10000ull
#define BUFS 0x2000ull /* chains' buffers from here */

static const uint64_t q_desc[2] = { 0x0000, 0x1000 }, q_avail[2] = { 0x0800, 0x1800 },
		      q_used[2] = { 0x0c00, 0x1c00 };
static uint8_t *ram, *shared;
static struct vnet n;
static struct pv_ring_consumer sw_in;
static struct pv_ring_producer sw_out;
static uint16_t qsize[2], next_desc[2], avail_idx[2];

static void fail(int line)
{
	fprintf(stderr, "vmm_net_fuzz: invariant at line %d\n", line);
	abort();
}
#define check(cond) ((cond) ? (void)0 : fail(__LINE__))

static void noop(void *ctx)
{
	(void)ctx;
}

static void log_fn(void *ctx, const char *what, uint64_t v)
{
	(void)ctx, (void)what, (void)v;
}

int __real_pv_vq_dev_push(struct pv_vq_dev *vq, const struct pv_vq_chain *chain, uint32_t len);

int __wrap_pv_vq_dev_push(struct pv_vq_dev *vq, const struct pv_vq_chain *chain, uint32_t len)
{
	if (vq == &n.q[VNET_RX].vq)
		check(len == 0 || (len >= VNET_HDR + MOAT_NET_FRAME_MIN &&
				   len <= VNET_HDR + MOAT_NET_FRAME_MAX));
	return __real_pv_vq_dev_push(vq, chain, len);
}

static void check_queues(void)
{
	for (unsigned q = 0; q < VNET_QUEUES; q++) {
		const struct pv_vq_dev *vq = &n.q[q].vq;

		if (!n.q[q].ready || vq->broken)
			continue; /* an impossible available ring: its bad head is not returned */
		check(vq->in_flight == 0 && vq->used_idx == vq->last_avail);
	}
	/* Every frame the device took from the switch's ring is accounted for. */
	check(((const struct pv_ring_header *)(shared + MOAT_NET_FROM_SWITCH))->cons ==
	      n.stats.rx_frames + n.stats.rx_dropped);
}

static void switch_take(void)
{
	struct moat_net_frame f;

	while (pv_ring_consume(&sw_in, &f, 1) == 1)
		check(f.len >= MOAT_NET_FRAME_MIN && f.len <= MOAT_NET_FRAME_MAX);
}

static void mmio(uint16_t off, uint32_t v)
{
	uint64_t x = v;

	off = off % VMMIO_SIZE & ~3u;
	vnet_access(&n, off, 4, true, &x);
}

static void handshake(unsigned sizes)
{
	static const uint32_t regs[][2] = {
		{ PV_VMMIO_STATUS, 3 }, { PV_VMMIO_DRIVER_FEATURES_SEL, 1 },
		{ PV_VMMIO_DRIVER_FEATURES, 1 }, { PV_VMMIO_DRIVER_FEATURES_SEL, 0 },
		{ PV_VMMIO_DRIVER_FEATURES, (uint32_t)PV_VIRTIO_NET_F_MAC }, { PV_VMMIO_STATUS, 0xb },
	};

	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		mmio((uint16_t)regs[i][0], regs[i][1]);
	for (unsigned q = 0; q < VNET_QUEUES; q++) {
		qsize[q] = (uint16_t)(1u << (1 + (sizes >> (3 * q)) % 7)); /* 2..128 */
		next_desc[q] = avail_idx[q] = 0;
		memset(ram + q_desc[q], 0, 0x800);
		memset(ram + q_avail[q], 0, 0x800);
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
 * area, of any length up to 1600 bytes, device-writable on the receive
 * queue (mostly) and readable on the transmit queue (mostly); a transmit
 * chain's first bytes a header, zero unless the input says otherwise.
 */
static void post(struct input *in, unsigned q)
{
	struct pv_virtq_desc *d = (struct pv_virtq_desc *)(ram + q_desc[q]);
	struct pv_virtq_avail *a = (struct pv_virtq_avail *)(ram + q_avail[q]);
	unsigned segs = 1 + (unsigned)take(in, 1) % 4, odd = (unsigned)take(in, 1);
	uint16_t head = (uint16_t)(next_desc[q] % qsize[q]);

	if (!qsize[q])
		return;
	for (unsigned i = 0; i < segs; i++) {
		uint16_t k = (uint16_t)((next_desc[q] + i) % qsize[q]);
		uint64_t off = BUFS + take(in, 2) % (RAM_SIZE - BUFS);
		uint32_t len = (uint32_t)(take(in, 2) % 1600);
		bool write = (q == VNET_RX) != ((odd >> i & 0x11) == 0x11);

		if (len > RAM_SIZE - off)
			len = (uint32_t)(RAM_SIZE - off);
		if (q == VNET_TX && i == 0 && len >= VNET_HDR) {
			memset(ram + off, 0, VNET_HDR);
			if (odd & 0x80)
				ram[off + take(in, 1) % VNET_HDR] = (uint8_t)take(in, 1);
		}
		d[k] = (struct pv_virtq_desc){ .addr = RAM_IPA + off, .len = len,
					       .flags = (uint16_t)((write ? PV_VIRTQ_DESC_F_WRITE : 0) |
								   (i + 1 < segs ? PV_VIRTQ_DESC_F_NEXT : 0)),
					       .next = (uint16_t)((k + 1) % qsize[q]) };
	}
	next_desc[q] = (uint16_t)(next_desc[q] + segs);
	a->ring[avail_idx[q] % qsize[q]] = head;
	a->idx = ++avail_idx[q];
}

static void switch_send(struct input *in)
{
	static struct moat_net_frame f;
	uint32_t len = (uint32_t)take(in, 2);

	f.len = len & 0x8000 ? len : len % 1600; /* mostly lengths near the valid ones */
	memset(f.data, (int)take(in, 1), sizeof(f.data));
	pv_ring_produce(&sw_out, &f, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct vnet_config c = { .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE, .kick = noop,
				 .log = log_fn, .mac = { 2, 0, 0, 0, 0, 1 } };

	if (!ram) {
		ram = malloc(RAM_SIZE);
		shared = aligned_alloc(4096, MOAT_NET_SHARED_BYTES);
	}
	memset(ram, 0, RAM_SIZE);
	memset(shared, 0, MOAT_NET_SHARED_BYTES);
	c.ram = ram;
	c.shared = shared;
	check(vnet_init(&n, &c) == 0);
	check(pv_ring_consumer_attach(&sw_in, shared + MOAT_NET_TO_SWITCH, MOAT_NET_RING_BYTES,
				      MOAT_NET_RING_ENTRIES, sizeof(struct moat_net_frame)) == 0);
	check(pv_ring_producer_attach(&sw_out, shared + MOAT_NET_FROM_SWITCH, MOAT_NET_RING_BYTES,
				      MOAT_NET_RING_ENTRIES, sizeof(struct moat_net_frame)) == 0);
	handshake((unsigned)take(&in, 1));
	while (in.n) {
		switch (take(&in, 1) % 10) {
		case 0: { /* poke guest RAM: anywhere, rings and descriptors included */
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
			post(&in, VNET_TX);
			break;
		case 4:
			post(&in, VNET_RX);
			break;
		case 5:
			switch_send(&in);
			break;
		case 6:
			switch_take();
			break;
		case 7: /* the guest restarts */
			vnet_reset(&n);
			break;
		case 8:
			handshake((unsigned)take(&in, 1));
			break;
		case 9:
			vnet_backend_signal(&n);
			break;
		}
		check_queues();
	}
	switch_take();
	return 0;
}
