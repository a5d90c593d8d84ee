/*
 * The virtio network driver's own test (qemu.net_direct): a driver domain
 * for QEMU's virtio-net-device on its user-mode network (slirp: the
 * gateway 10.0.2.2, us 10.0.2.15). It asks for the gateway's MAC address
 * with ARP, pings the gateway in bursts and checks every reply, checks
 * that the driver refuses frames of bad lengths, waits for the device's
 * interrupt twice, and finally plays a hostile device by forging used
 * elements, which the driver must drop or refuse.
 */
#include <moat/domain.h>
#include <moat/runtime.h>

#include "virtio_net/net_dev.h"

#define OUR_IP 0x0a00020fu /* 10.0.2.15 */
#define GW_IP 0x0a000202u  /* 10.0.2.2 */
#define ETH_ARP 0x0806u
#define ETH_IP 0x0800u
#define ETH_LOCAL 0x88b5u /* IEEE local experimental: slirp ignores it */
#define ARP_REQUEST 1u
#define ARP_REPLY 2u
#define ICMP_ECHO_REPLY 0u
#define ICMP_ECHO 8u
#define PING_ID 0x4d54u
#define PING_PAYLOAD 56u
#define PING_BURSTS 3u
#define PING_BURST 16u /* requests in flight: more than half the transmit queue */
#define PINGS (PING_BURSTS * PING_BURST)
#define WAIT_SECONDS 5u /* for an answer, before it counts as lost */

/* Offsets in a frame. */
#define ETH_TYPE 12u
#define ARP_AT 14u
#define IP_AT 14u
#define ICMP_AT (IP_AT + 20u)
#define ECHO_FRAME (ICMP_AT + 8u + PING_PAYLOAD)

static struct net_dev dev;
static const struct moat_domain_info *info;
static unsigned failures, interrupts, others;
static uint8_t frame[NET_FRAME_MAX];
static uint8_t gw_mac[NET_MAC_SIZE];

static void check(bool ok, const char *what)
{
	moat_printf("net_direct: %s: %s\n", what, ok ? "ok" : "WRONG");
	failures += !ok;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

static bool same(const uint8_t *a, const uint8_t *b, unsigned n)
{
	return __builtin_memcmp(a, b, n) == 0;
}

/* The Internet checksum (RFC 1071) of n bytes: 0 over data that carries a right one. */
static uint32_t checksum(const uint8_t *p, unsigned n)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void print_mac(const char *before, const uint8_t *m, const char *after)
{
	moat_printf("%s%02x:%02x:%02x:%02x:%02x:%02x%s", before, m[0], m[1], m[2], m[3], m[4], m[5],
		    after);
}

static uint64_t now(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static uint64_t seconds(unsigned s)
{
	uint64_t f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f * s;
}

/* Takes the device's interrupt if it came; else lets others run. */
static void idle(void)
{
	if (!net_dev_prepare_wait(&dev))
		return;
	if (moat_poll(MOAT_DOMAIN_SLOT_INBOX) & MOAT_DOMAIN_IRQ_BIT) {
		if (net_dev_interrupt(&dev))
			moat_printf("net_direct: the device asks for a reset\n");
		moat_invoke(MOAT_DOMAIN_SLOT_IRQ, MOAT_IRQ_HANDLER_ACK, 0, NULL, 0, NULL);
		interrupts++;
	} else {
		moat_yield();
	}
}

static void ethernet(uint8_t *f, const uint8_t *to, uint32_t type)
{
	__builtin_memcpy(f, to, NET_MAC_SIZE);
	__builtin_memcpy(f + 6, dev.mac, NET_MAC_SIZE);
	put16(f + ETH_TYPE, type);
}

/* An ARP packet (RFC 826) for IPv4 over Ethernet from us. */
static unsigned arp(uint8_t *f, const uint8_t *to, uint32_t op, const uint8_t *tha, uint32_t tpa)
{
	uint8_t *a = f + ARP_AT;

	ethernet(f, to, ETH_ARP);
	put16(a, 1);
	put16(a + 2, ETH_IP);
	a[4] = NET_MAC_SIZE;
	a[5] = 4;
	put16(a + 6, op);
	__builtin_memcpy(a + 8, dev.mac, NET_MAC_SIZE);
	put32(a + 14, OUR_IP);
	__builtin_memcpy(a + 18, tha, NET_MAC_SIZE);
	put32(a + 24, tpa);
	return ARP_AT + 28;
}

/* Answers an ARP request for our address (slirp asks when it forgot us). */
static void answer_arp(const uint8_t *f, unsigned len)
{
	uint8_t reply[ARP_AT + 28];

	if (len < ARP_AT + 28 || get16(f + ETH_TYPE) != ETH_ARP || get16(f + ARP_AT + 6) != ARP_REQUEST ||
	    get32(f + ARP_AT + 24) != OUR_IP)
		return;
	net_dev_send(&dev, reply, arp(reply, f + ARP_AT + 8, ARP_REPLY, f + ARP_AT + 8,
				      get32(f + ARP_AT + 14)));
}

/*
 * The next frame that `wanted` accepts, within WAIT_SECONDS: its length,
 * 0 if none came, or the driver's error. Others are answered or counted.
 */
static int receive(bool (*wanted)(const uint8_t *, unsigned))
{
	uint64_t deadline = now() + seconds(WAIT_SECONDS);

	while (now() < deadline) {
		int n = net_dev_recv(&dev, frame, sizeof(frame));

		if (n < 0 || (n > 0 && wanted(frame, (unsigned)n)))
			return n;
		if (n > 0) {
			answer_arp(frame, (unsigned)n);
			others++;
		} else {
			idle();
		}
	}
	return 0;
}

static bool is_arp_reply(const uint8_t *f, unsigned len)
{
	return len >= ARP_AT + 28 && get16(f + ETH_TYPE) == ETH_ARP &&
	       get16(f + ARP_AT + 6) == ARP_REPLY;
}

/* (b) Asks for the gateway's MAC address. */
static void resolve_gateway(void)
{
	static const uint8_t broadcast[NET_MAC_SIZE] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t none[NET_MAC_SIZE];
	uint8_t req[ARP_AT + 28];
	const uint8_t *a = frame + ARP_AT;
	int n;

	check(net_dev_send(&dev, req, arp(req, broadcast, ARP_REQUEST, none, GW_IP)) == 0,
	      "an ARP request for 10.0.2.2 sent");
	n = receive(is_arp_reply);
	if (n <= 0) {
		moat_printf("net_direct: no ARP reply (%d)\n", n);
		failures++;
		return;
	}
	__builtin_memcpy(gw_mac, a + 8, NET_MAC_SIZE);
	print_mac("net_direct: ARP: 10.0.2.2 is at ", gw_mac, "\n");
	check(get32(a + 14) == GW_IP && get32(a + 24) == OUR_IP && same(a + 18, dev.mac, 6) &&
		      same(frame, dev.mac, 6),
	      "the ARP reply comes from 10.0.2.2 and is for us");
}

static uint8_t payload_byte(unsigned seq, unsigned k)
{
	return (uint8_t)(seq * 37u + k * 11u + (k >> 3));
}

/* An ICMP echo request (RFC 792) to the gateway in an IPv4 packet (RFC 791). */
static void echo_request(uint8_t *f, unsigned seq)
{
	uint8_t *ip = f + IP_AT, *icmp = f + ICMP_AT;

	ethernet(f, gw_mac, ETH_IP);
	__builtin_memset(ip, 0, ECHO_FRAME - IP_AT);
	ip[0] = 0x45; /* version 4, five words of header */
	put16(ip + 2, ECHO_FRAME - IP_AT);
	put16(ip + 4, seq); /* identification */
	put16(ip + 6, 0x4000); /* don't fragment */
	ip[8] = 64; /* time to live */
	ip[9] = 1;  /* ICMP */
	put32(ip + 12, OUR_IP);
	put32(ip + 16, GW_IP);
	put16(ip + 10, checksum(ip, 20));
	icmp[0] = ICMP_ECHO;
	put16(icmp + 4, PING_ID);
	put16(icmp + 6, seq);
	for (unsigned k = 0; k < PING_PAYLOAD; k++)
		icmp[8 + k] = payload_byte(seq, k);
	put16(icmp + 2, checksum(icmp, 8 + PING_PAYLOAD));
}

static bool is_icmp(const uint8_t *f, unsigned len)
{
	return len >= ICMP_AT + 8 && get16(f + ETH_TYPE) == ETH_IP && f[IP_AT + 9] == 1;
}

static uint32_t first_reply_checksum;

/* Whether `f` is the right reply to echo `seq` of this burst: every field checked. */
static bool echo_reply_ok(const uint8_t *f, unsigned len, unsigned *seq)
{
	const uint8_t *ip = f + IP_AT, *icmp;
	unsigned ihl = (ip[0] & 15u) * 4, total = get16(ip + 2);

	if (ip[0] >> 4 != 4 || ihl < 20 || total < ihl + 8 + PING_PAYLOAD ||
	    total > len - IP_AT || checksum(ip, ihl) != 0 || get32(ip + 12) != GW_IP ||
	    get32(ip + 16) != OUR_IP || !same(f, dev.mac, 6))
		return false;
	icmp = ip + ihl;
	*seq = get16(icmp + 6);
	if (icmp[0] != ICMP_ECHO_REPLY || icmp[1] != 0 || get16(icmp + 4) != PING_ID ||
	    total - ihl != 8 + PING_PAYLOAD || checksum(icmp, total - ihl) != 0)
		return false;
	for (unsigned k = 0; k < PING_PAYLOAD; k++) {
		if (icmp[8 + k] != payload_byte(*seq, k))
			return false;
	}
	if (*seq == 1)
		first_reply_checksum = get16(icmp + 2);
	return true;
}

/* Sends a burst of echo requests, then takes their replies: how many came right. */
static unsigned ping_burst(unsigned first)
{
	uint8_t req[ECHO_FRAME];
	uint32_t seen = 0; /* bit i: reply to first + i */
	unsigned good = 0;

	for (unsigned i = 0; i < PING_BURST; i++) {
		echo_request(req, first + i);
		if (net_dev_send(&dev, req, sizeof(req)) != 0)
			return good;
	}
	while (good < PING_BURST) {
		unsigned seq;
		int n = receive(is_icmp);

		if (n <= 0)
			break;
		if (!echo_reply_ok(frame, (unsigned)n, &seq) || seq < first || seq >= first + PING_BURST ||
		    (seen >> (seq - first) & 1)) {
			moat_printf("net_direct: a wrong echo reply (%d bytes)\n", n);
			continue;
		}
		seen |= 1u << (seq - first);
		good++;
	}
	return good;
}

/* (c) Pings the gateway. */
static void ping_gateway(void)
{
	unsigned good = 0;

	for (unsigned b = 0; b < PING_BURSTS; b++)
		good += ping_burst(1 + b * PING_BURST);
	moat_printf("net_direct: echo: %u of %u replies right (id 0x%x, seq 1-%u, %u-byte payloads), "
		    "the first's ICMP checksum 0x%04x\n",
		    good, PINGS, PING_ID, PINGS, PING_PAYLOAD, first_reply_checksum);
	check(good == PINGS, "every echo request answered, each reply checked");
}

/* (d) Frames of bad lengths are refused; the bounds themselves are not. */
static void bad_sends(void)
{
	static const uint8_t broadcast[NET_MAC_SIZE] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[NET_FRAME_MAX + 1] = { 0 };
	uint64_t sent = dev.stats.tx_frames;

	ethernet(f, broadcast, ETH_LOCAL);
	check(net_dev_send(&dev, f, NET_FRAME_MIN - 1) == NET_E_LENGTH,
	      "a frame of 13 bytes is refused");
	check(net_dev_send(&dev, f, NET_FRAME_MAX + 1) == NET_E_LENGTH,
	      "a frame of 1515 bytes is refused");
	check(net_dev_send(&dev, f, 0) == NET_E_LENGTH, "an empty frame is refused");
	check(dev.stats.tx_frames == sent, "nothing refused was sent");
	check(net_dev_send(&dev, f, NET_FRAME_MIN) == 0 && net_dev_send(&dev, f, NET_FRAME_MAX) == 0,
	      "frames of 14 and 1514 bytes are sent");
	check(net_dev_recv(&dev, f, NET_FRAME_MAX - 1) == NET_E_SPACE,
	      "a receive buffer under 1514 bytes is refused");
}

/* The hostile device: a used element it never should have written, in the receive queue. */
static void forge_used(uint32_t len, uint8_t gso_type)
{
	volatile struct pv_virtq_used *u = dev.rx.used;
	uint16_t head = dev.rx.avail->ring[(uint16_t)(dev.rx.avail_idx - 1) & (NET_QUEUE_SIZE - 1)];
	uint16_t idx = u->idx;

	/* The newest buffer posted: in flight, so only what the element says can be wrong. */
	dev.dma[dev.rx.desc[head].addr - dev.dma_pa + 1] = gso_type; /* the header's gso_type */
	u->ring[idx & (NET_QUEUE_SIZE - 1)].id = head;
	u->ring[idx & (NET_QUEUE_SIZE - 1)].len = len;
	__asm__ volatile("dmb ish" ::: "memory");
	u->idx = (uint16_t)(idx + 1);
}

/* (d) Received frames are checked: played last, since it breaks the queue. */
static void hostile_device(void)
{
	uint8_t f[NET_FRAME_MAX];
	uint64_t dropped = dev.stats.rx_dropped;

	forge_used(NET_HDR_SIZE + NET_FRAME_MIN - 1, 0);
	check(net_dev_recv(&dev, f, sizeof(f)) == 0 && dev.stats.rx_dropped == dropped + 1,
	      "a frame shorter than an Ethernet header is dropped");
	forge_used(NET_HDR_SIZE + 60, 1);
	check(net_dev_recv(&dev, f, sizeof(f)) == 0 && dev.stats.rx_dropped == dropped + 2,
	      "a frame with offload state never negotiated is dropped");
	forge_used(NET_HDR_SIZE + NET_FRAME_MAX + 1, 0);
	check(net_dev_recv(&dev, f, sizeof(f)) == NET_E_BROKEN,
	      "a frame longer than its buffer breaks the queue");
	check(net_dev_send(&dev, f, 60) == NET_E_BROKEN, "a broken device sends nothing");
}

/* Waits for the interrupt count to reach n (frames that came are taken): whether it did. */
static bool interrupted(unsigned n)
{
	uint64_t deadline = now() + seconds(WAIT_SECONDS);

	while (interrupts < n && now() < deadline) {
		if (net_dev_recv(&dev, frame, sizeof(frame)) == 0)
			idle();
	}
	return interrupts >= n;
}

/*
 * Polling found the replies before the interrupt could be taken: wait for
 * it now, and for another after a second ARP exchange, so the
 * acknowledgement (at the device and IRQHandler_Ack) is seen to rearm it.
 */
static void interrupt(void)
{
	bool first = interrupted(1);

	resolve_gateway();
	check(first && interrupted(interrupts + 1),
	      "the device's interrupt arrives, and again after it is acknowledged");
}

/* (a) Brings the device up. */
static bool start(void)
{
	moat_word_t pa[3] = { 0 };
	const char *err;

	if (!info->dma || moat_invoke(MOAT_DOMAIN_SLOT_DMA(0), MOAT_FRAME_GET_ADDRESS, 0, NULL, 0,
				      pa) != MOAT_OK) {
		moat_printf("net_direct: no DMA memory\n");
		return false;
	}
	if ((err = net_dev_init(&dev, info->device, (void *)(uintptr_t)info->dma, pa[0],
				info->dma_size))) {
		moat_printf("net_direct: %s\n", err);
		return false;
	}
	moat_printf("net_direct: virtio-net at 0x%lx (INTID %lu), features 0x%lx, ",
		    (unsigned long)info->device_paddr, (unsigned long)info->device_irq,
		    (unsigned long)dev.features);
	print_mac("MAC ", dev.mac, "\n");
	return true;
}

int main(void *arg)
{
	info = arg;
	if (!start())
		return 1;
	resolve_gateway();
	ping_gateway();
	bad_sends();
	interrupt();
	moat_printf("net_direct: %lu frames sent, %lu received (%u others), %lu dropped\n",
		    (unsigned long)dev.stats.tx_frames, (unsigned long)dev.stats.rx_frames, others,
		    (unsigned long)dev.stats.rx_dropped);
	hostile_device();
	moat_printf("net_direct: %u check(s) failed\n", failures);
	for (;;)
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
