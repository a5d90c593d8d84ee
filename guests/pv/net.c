/*
 * The PV guest's network frontend over PV I/O (moat/pvio.h, docs/io.md
 * "PV guests"), and PV_MODE_NET, which uses it: two PV guests on the
 * network switch, told apart by the MAC their VMMs give them (the
 * defaults, by their order in the system description: ...:01 pings,
 * ...:02 echoes). The pinger sends frames of its own EtherType to the
 * echoer and checks every echo, resolves QEMU's gateway by ARP through
 * the switch's uplink, and sends what must not get through: a frame with
 * the echoer's MAC as its source (the switch drops and counts it) and
 * frames too short or too long (its VMM refuses them).
 */
#include "pv.h"

#include <libpv/err.h>
#include <libpv/virtio_net.h>
#include <libpv/virtq.h>
#include <libpv/vq_drv.h>
#include <moat/pvio.h>
#include <moat/types.h>

#include "io.h"

#define VIRTIO_ID_NET 1u
#define NET_Q	      16u   /* entries, and buffers, per queue */
#define BUF	      2048u /* a buffer: the header and a frame of up to 1514 bytes */
#define HDR	      ((uint32_t)sizeof(struct pv_virtio_net_hdr))
#define FRAME_MAX     1514u
#define ETHERTYPE     0x88b5u /* IEEE's for local experiments */
#define ROUNDS	      64u
#define PAYLOAD	      256u
#define TRIES	      20u	  /* sends of one frame before giving up on its echo */
#define SPOOFED	      0xffffffffu /* the sequence number of the frame sent with the echoer's MAC */
#define DONE	      0xfffffffeu

#define rx_area PV_NET_RX_AREA
#define tx_area PV_NET_TX_AREA
#define rx_buf	((uint8_t(*)[BUF])PV_NET_BUF)
#define tx_buf	((uint8_t(*)[BUF])(PV_NET_BUF + NET_Q * BUF))
_Static_assert(MOAT_PVIO_QUEUE_BYTES(NET_Q) <= 0x1000 && 2 * NET_Q * BUF <= 0x10000,
	       "each queue in its page, the buffers in their 64 KiB");

static struct pv_vq_drv rxq, txq;
static struct pv_vq_drv_slot rx_slots[NET_Q], tx_slots[NET_Q];
static uint32_t tx_free = (1u << NET_Q) - 1;
static unsigned dev;
static uint8_t mac[6];

#define QUEUE_CONFIG(area, slot_array)                                                             \
	{                                                                                          \
		.size = NET_Q, .features = PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_NET_F_MAC,            \
		.desc = (struct pv_virtq_desc *)(area),                                            \
		.avail = (struct pv_virtq_avail *)((area) + MOAT_PVIO_AVAIL_OFFSET(NET_Q)),        \
		.used = (struct pv_virtq_used *)((area) + MOAT_PVIO_USED_OFFSET(NET_Q)),           \
		.slots = (slot_array),                                                             \
	}
static const struct pv_vq_drv_config rx_config = QUEUE_CONFIG(rx_area, rx_slots);
static const struct pv_vq_drv_config tx_config = QUEUE_CONFIG(tx_area, tx_slots);

static void post(unsigned k)
{
	struct pv_sg sg = {.addr = pv_gaddr((uintptr_t)rx_buf[k]), .len = BUF};

	pv_vq_drv_add(&rxq, &sg, 0, 1, k);
}

/* The VMM's virtio NIC: its MAC, both queues, every receive buffer posted. */
static bool net_open(void)
{
	for (dev = 0; dev < MOAT_PVIO_DEVICES; dev++) {
		struct pv_hvc r = pv_hypercall(MOAT_PVIO_INFO, dev, 0, 0);

		if (r.x0 != MOAT_OK || r.x1 != VIRTIO_ID_NET)
			continue;
		for (unsigned i = 0; i < 6; i++)
			mac[i] = (uint8_t)(r.x2 >> (8 * i));
		if (pv_vq_drv_init(&rxq, &rx_config) != PV_OK ||
		    pv_vq_drv_init(&txq, &tx_config) != PV_OK ||
		    pv_io_call(MOAT_PVIO_START, dev, PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_NET_F_MAC,
			       0) != MOAT_OK ||
		    pv_io_call(MOAT_PVIO_QUEUE, dev, (uintptr_t)rx_area, NET_Q) != MOAT_OK ||
		    pv_io_call(MOAT_PVIO_QUEUE, dev | 1u << 8, (uintptr_t)tx_area, NET_Q) !=
			    MOAT_OK ||
		    pv_io_call(MOAT_PVIO_READY, dev, 0, 0) != MOAT_OK)
			return false;
		for (unsigned k = 0; k < NET_Q; k++)
			post(k);
		pv_io_call(MOAT_PVIO_NOTIFY, dev, 0, 0);
		return true;
	}
	return false;
}

/* Sends `len` bytes (the VMM refuses frames outside 14-1514 bytes); false if the queue broke. */
static bool send(const uint8_t *frame, uint32_t len)
{
	uint64_t token;
	uint32_t used;
	unsigned k;
	int n;

	while ((n = pv_vq_drv_get_used(&txq, &token, &used)) == 1)
		tx_free |= 1u << token;
	while (!tx_free) {
		if (n < 0)
			return false;
		if (pv_vq_drv_prepare_wait(&txq))
			pv_irq_wait();
		while ((n = pv_vq_drv_get_used(&txq, &token, &used)) == 1)
			tx_free |= 1u << token;
	}
	k = (unsigned)__builtin_ctz(tx_free);
	for (unsigned i = 0; i < HDR; i++)
		tx_buf[k][i] = 0; /* no offload asked */
	for (uint32_t i = 0; i < len && i < BUF - HDR; i++)
		tx_buf[k][HDR + i] = frame[i];
	return pv_io_post_out(&txq, &tx_free, k, tx_buf[k], HDR + len, dev | 1u << 8);
}

/* The next frame received, copied to `frame` (its length), or 0 at `deadline`. */
static uint32_t receive(uint8_t *frame, uint64_t deadline)
{
	uint64_t token;
	uint32_t len, n;

	for (;;) {
		int got = pv_vq_drv_get_used(&rxq, &token, &len);

		if (got == 1) {
			n = len > HDR ? len - HDR : 0;
			for (uint32_t i = 0; i < n && i < FRAME_MAX; i++)
				frame[i] = rx_buf[token][HDR + i];
			post((unsigned)token);
			if (pv_vq_drv_kick_needed(&rxq))
				pv_io_call(MOAT_PVIO_NOTIFY, dev, 0, 0);
			if (n)
				return n;
			continue;
		}
		if (got < 0 || pv_now() >= deadline)
			return 0;
		if (pv_vq_drv_prepare_wait(&rxq))
			pv_wait_until(deadline);
	}
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool same(const uint8_t *a, const uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* A frame of ours: to `to`, from `from`, EtherType ETHERTYPE, sequence `seq`, its pattern. */
static uint32_t ours(uint8_t *f, const uint8_t *to, const uint8_t *from, uint32_t seq)
{
	for (unsigned i = 0; i < 6; i++) {
		f[i] = to[i];
		f[6 + i] = from[i];
	}
	f[12] = ETHERTYPE >> 8;
	f[13] = ETHERTYPE & 0xff;
	put32(f + 14, seq);
	for (unsigned i = 0; i < PAYLOAD; i++)
		f[18 + i] = (uint8_t)(seq * 7 + i);
	return 18 + PAYLOAD;
}

static bool is_ours(const uint8_t *f, uint32_t len)
{
	return len >= 18 && f[12] == ETHERTYPE >> 8 && f[13] == (ETHERTYPE & 0xff);
}

static uint8_t frame[FRAME_MAX], echo[FRAME_MAX];

/* Echoes our frames to their sender until the pinger says it is done (or 20 s pass). */
static void echoer(void)
{
	uint64_t deadline = pv_now() + pv_ms(20000);
	unsigned echoed = 0, spoofed = 0, unsent = 0;
	uint32_t len, seq;

	while ((len = receive(frame, deadline))) {
		if (!is_ours(frame, len) || !same(frame, mac, 6))
			continue; /* the pinger's ARP broadcast, or not for us */
		if ((seq = get32(frame + 14)) == DONE)
			break;
		spoofed += seq == SPOOFED || same(frame + 6, mac, 6);
		for (unsigned i = 0; i < 6; i++) {
			frame[i] = frame[6 + i];
			frame[6 + i] = mac[i];
		}
		unsent += !send(frame, len);
		echoed++;
	}
	pv_print("pv: net: echoed %u frame(s), %u with its own MAC as the source\n", echoed,
		 spoofed);
	pv_check("every echo sent", unsent == 0);
	pv_check("the pinger's end arrived", len != 0);
	pv_check("no frame with a spoofed source got through", spoofed == 0);
}

/* Sends sequence `seq` until its echo comes back: whether it did, right. */
static bool ping(const uint8_t *peer, uint32_t seq)
{
	uint32_t len = ours(frame, peer, mac, seq), got;

	for (unsigned t = 0; t < TRIES; t++) {
		uint64_t deadline = pv_now() + pv_ms(100);

		if (!send(frame, len))
			return false;
		while ((got = receive(echo, deadline))) {
			if (is_ours(echo, got) && get32(echo + 14) == seq)
				return got == len && same(echo, mac, 6) &&
				       same(echo + 6, peer, 6) &&
				       same(echo + 12, frame + 12, len - 12);
		}
	}
	return false;
}

/* ARP for QEMU's gateway 10.0.2.2 from 10.0.2.15, through the switch's uplink. */
static void arp(void)
{
	static const uint8_t all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t head[8] = {0, 1, 8, 0, 6, 4, 0, 1}; /* Ethernet, IPv4, request */
	static const uint8_t us[4] = {10, 0, 2, 15}, gw[4] = {10, 0, 2, 2};
	uint64_t deadline = pv_now() + pv_ms(2000);
	uint32_t got;

	for (unsigned i = 0; i < 60; i++)
		frame[i] = 0;
	for (unsigned i = 0; i < 6; i++) {
		frame[i] = all[i];
		frame[6 + i] = mac[i];
		frame[22 + i] = mac[i];
	}
	frame[12] = 0x08;
	frame[13] = 0x06;
	for (unsigned i = 0; i < 8; i++)
		frame[14 + i] = head[i];
	for (unsigned i = 0; i < 4; i++) {
		frame[28 + i] = us[i];
		frame[38 + i] = gw[i];
	}
	pv_check("an ARP request sent", send(frame, 60));
	while ((got = receive(echo, deadline))) {
		if (got >= 42 && echo[12] == 0x08 && echo[13] == 0x06 && echo[21] == 2 &&
		    same(echo + 28, gw, 4) && same(echo, mac, 6)) {
			pv_print("pv: net: ARP: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n",
				 echo[22], echo[23], echo[24], echo[25], echo[26], echo[27]);
			return;
		}
	}
	pv_check("an ARP reply from 10.0.2.2", false);
}

static void pinger(void)
{
	uint8_t peer[6] = {mac[0], mac[1], mac[2], mac[3], mac[4], 2};
	unsigned right = 0;
	uint32_t len;

	for (uint32_t seq = 0; seq < ROUNDS; seq++)
		right += ping(peer, seq);
	pv_print("pv: net: %u of %u echoes right\n", right, ROUNDS);
	pv_check("every echo right", right == ROUNDS);
	arp();
	/* From the echoer's MAC: the switch drops it, so no echo can follow. */
	len = ours(frame, peer, peer, SPOOFED);
	pv_check("a frame with the echoer's MAC sent", send(frame, len));
	/* Too short for an Ethernet header, and longer than 1514 bytes: the VMM refuses both. */
	pv_check("a frame of 10 bytes sent", send(frame, 10));
	pv_check("a frame of 1600 bytes sent", send(frame, 1600));
	pv_check("an echo after them", ping(peer, ROUNDS));
	len = ours(frame, peer, mac, DONE);
	pv_check("the end sent", send(frame, len));
}

void pv_net_mode(void)
{
	pv_irq_init();
	pv_check("its output through a virtio console", pv_console_open());
	if (!net_open()) {
		pv_check("a virtio NIC through PV I/O", false);
		return;
	}
	pv_print("pv: net: MAC %02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	if (mac[5] == 1)
		pinger();
	else
		echoer();
	pv_print("pv: net mode: %u failure(s)\n", pv_io_failures);
}
