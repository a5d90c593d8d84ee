/*
 * The NIC driver program's test (qemu.net_nic): this domain plays the
 * network switch on the driver's one channel (the switch end of
 * moat/net.h) while drivers/virtio_net serves QEMU's virtio-net-device on
 * its user-mode network (slirp: the gateway 10.0.2.2, us 10.0.2.15). It
 * sends an ARP request for the gateway through the driver, expects the
 * reply back through it, then a burst of echo requests that fills more
 * than half the ring and the device's transmit queue, and a frame of a
 * bad length the driver must drop.
 */
#include <moat/domain.h>
#include <moat/net_channel.h>
#include <moat/runtime.h>

#define OUR_IP	     0x0a00020fu /* 10.0.2.15 */
#define GW_IP	     0x0a000202u /* 10.0.2.2 */
#define ETH_ARP	     0x0806u
#define ETH_IP	     0x0800u
#define ARP_AT	     14u
#define IP_AT	     14u
#define ICMP_AT	     (IP_AT + 20u)
#define PAYLOAD	     56u
#define ECHO_FRAME   (ICMP_AT + 8u + PAYLOAD)
#define PINGS	     24u /* in one burst: most of the ring, and of the device's transmit queue */
#define WAIT_SECONDS 5u

/* QEMU's default MAC for the first NIC: the driver prints the one it found. */
static const uint8_t nic_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static struct moat_net_switch_end chan;
static struct moat_net_frame f;
static uint8_t gw_mac[6];
static unsigned failures;

static void check(bool ok, const char *what)
{
	moat_printf("net_nic: %s: %s\n", what, ok ? "ok" : "WRONG");
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

static uint32_t checksum(const uint8_t *p, unsigned n)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static uint64_t now(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static uint64_t seconds(unsigned s)
{
	uint64_t hz;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
	return hz * s;
}

/* One frame to the driver (the switch's FROM_SWITCH ring): whether the ring took it. */
static bool send(const struct moat_net_frame *out)
{
	if (pv_ring_produce(&chan.tx, out, 1) != 1)
		return false;
	if (pv_ring_producer_kick_needed(&chan.tx))
		moat_signal(chan.signal);
	return true;
}

/* The next frame from the driver within WAIT_SECONDS into f: whether one came. */
static bool receive(void)
{
	uint64_t deadline = now() + seconds(WAIT_SECONDS);

	while (now() < deadline) {
		if (pv_ring_consume(&chan.rx, &f, 1) == 1) {
			if (pv_ring_consumer_kick_needed(&chan.rx))
				moat_signal(chan.signal);
			return true;
		}
		moat_yield();
	}
	return false;
}

static void ethernet(struct moat_net_frame *o, const uint8_t *to, uint32_t type)
{
	__builtin_memcpy(o->data, to, 6);
	__builtin_memcpy(o->data + 6, nic_mac, 6);
	put16(o->data + 12, type);
}

static void resolve_gateway(void)
{
	static struct moat_net_frame req;
	uint8_t *a = req.data + ARP_AT;
	const uint8_t *r = f.data + ARP_AT;
	bool got = false;

	ethernet(&req, broadcast, ETH_ARP);
	put16(a, 1);
	put16(a + 2, ETH_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	__builtin_memcpy(a + 8, nic_mac, 6);
	put32(a + 14, OUR_IP);
	put32(a + 24, GW_IP);
	req.len = ARP_AT + 28;
	check(send(&req), "an ARP request for 10.0.2.2 into the driver's ring");
	while (!got && receive())
		got = f.len >= ARP_AT + 28 && get16(f.data + 12) == ETH_ARP && get16(r + 6) == 2;
	check(got && get32(r + 14) == GW_IP && get32(r + 24) == OUR_IP &&
		      !__builtin_memcmp(f.data, nic_mac, 6),
	      "the gateway's ARP reply comes back through the driver");
	__builtin_memcpy(gw_mac, r + 8, 6);
	moat_printf("net_nic: ARP: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", gw_mac[0],
		    gw_mac[1], gw_mac[2], gw_mac[3], gw_mac[4], gw_mac[5]);
}

static void echo_request(struct moat_net_frame *o, unsigned seq)
{
	uint8_t *ip = o->data + IP_AT, *icmp = o->data + ICMP_AT;

	ethernet(o, gw_mac, ETH_IP);
	__builtin_memset(ip, 0, ECHO_FRAME - IP_AT);
	ip[0] = 0x45;
	put16(ip + 2, ECHO_FRAME - IP_AT);
	put16(ip + 4, seq);
	ip[8] = 64;
	ip[9] = 1;
	put32(ip + 12, OUR_IP);
	put32(ip + 16, GW_IP);
	put16(ip + 10, checksum(ip, 20));
	icmp[0] = 8;
	put16(icmp + 4, 0x4d54);
	put16(icmp + 6, seq);
	for (unsigned k = 0; k < PAYLOAD; k++)
		icmp[8 + k] = (uint8_t)(seq * 37u + k);
	put16(icmp + 2, checksum(icmp, 8 + PAYLOAD));
	o->len = ECHO_FRAME;
}

/* A burst of echo requests into the ring at once, then every reply, each checked. */
static void ping_gateway(void)
{
	static struct moat_net_frame req;
	uint32_t seen = 0;
	unsigned good = 0, sent = 0;

	for (unsigned s = 1; s <= PINGS; s++) {
		echo_request(&req, s);
		sent += send(&req);
	}
	while (good < sent && receive()) {
		const uint8_t *icmp = f.data + ICMP_AT;
		unsigned seq = get16(icmp + 6);
		bool ok = f.len >= ECHO_FRAME && get16(f.data + 12) == ETH_IP &&
			  f.data[IP_AT + 9] == 1 && icmp[0] == 0 && get16(icmp + 4) == 0x4d54 &&
			  seq >= 1 && seq <= PINGS && !(seen >> seq & 1) &&
			  checksum(icmp, 8 + PAYLOAD) == 0;

		for (unsigned k = 0; ok && k < PAYLOAD; k++)
			ok = icmp[8 + k] == (uint8_t)(seq * 37u + k);
		if (ok) {
			seen |= 1u << seq;
			good++;
		}
	}
	moat_printf("net_nic: echo: %u sent, %u of %u replies right\n", sent, good, PINGS);
	check(sent == PINGS && good == PINGS, "every echo request through the driver answered");
}

int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	static struct moat_net_frame bad;

	if (info->channel_count != 1 || moat_net_switch_end_init(&chan, 0)) {
		moat_printf("net_nic: needs one channel of %u bytes with NOTIFY\n",
			    MOAT_NET_SHARED_BYTES);
		return 1;
	}
	moat_printf("net_nic: the switch's end of the channel to '%s'\n", info->channel[0].peer);
	resolve_gateway();
	ping_gateway();
	ethernet(&bad, broadcast, 0x88b5);
	bad.len = MOAT_NET_FRAME_MIN - 1;
	check(send(&bad), "a frame of 13 bytes into the driver's ring");
	resolve_gateway(); /* the driver goes on after it */
	moat_printf("net_nic: %u check(s) failed\n", failures);
	for (;;)
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
