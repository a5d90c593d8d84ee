/*
 * The network switch (docs/net.md): port 0 is the uplink, the one channel
 * without a virtual NIC (its peer the NIC driver); ports 1.. are the
 * channels the system description gave a virtual NIC (info->vnic[i]),
 * each with the only source MAC its guest may send from. switch.c moves
 * the frames, core.c decides where they go.
 */
#include <moat/counters.h>
#include <moat/domain.h>
#include <moat/net_channel.h>
#include <moat/runtime.h>

#include "switch.h"

static struct net_switch sw;
static struct moat_net_switch_end end[NET_PORTS_MAX];
static unsigned port_channel[NET_PORTS_MAX]; /* port i: this channel */
static const struct moat_domain_info *info;

static void signal_port(void *ctx, unsigned port)
{
	(void)ctx;
	moat_signal(end[port].signal);
}

/*
 * The log line a test looks for, on the first spoofed (malformed) frame of
 * a port and every NET_SWITCH_REPORT_EVERY more:
 *   net: port '<peer>': <n> frame(s) with a spoofed source dropped (rx .., tx .., ...)
 *   net: port '<peer>': <n> malformed frame(s) dropped (rx .., tx .., ...)
 */
static void report(void *ctx, unsigned port, enum net_switch_event why,
		   const struct net_switch_counters *c)
{
	(void)ctx;
	moat_printf("net: port '%s': %lu %s dropped (rx %lu, tx %lu, spoofed %lu, malformed %lu, "
		    "dropped %lu)\n",
		    info->channel[port_channel[port]].peer,
		    (unsigned long)(why == NET_SWITCH_SPOOFED ? c->spoofed : c->malformed),
		    why == NET_SWITCH_SPOOFED ? "frame(s) with a spoofed source"
					      : "malformed frame(s)",
		    (unsigned long)c->rx, (unsigned long)c->tx, (unsigned long)c->spoofed,
		    (unsigned long)c->malformed, (unsigned long)c->dropped);
}

static void print_mac(const char *before, const uint8_t *m, const char *after)
{
	moat_printf("%s%02x:%02x:%02x:%02x:%02x:%02x%s", before, m[0], m[1], m[2], m[3], m[4], m[5],
		    after);
}

/* The channels: one to the NIC driver (no virtual NIC on it), the others guests'. */
static const char *setup(struct net_switch_config *cfg)
{
	int uplink = -1;
	unsigned n = 1;

	for (unsigned c = 0; c < info->channel_count && c < MOAT_DOMAIN_MAX_CHANNELS; c++) {
		const struct moat_vnic_info *v = &info->vnic[c];

		if (!(v->flags & MOAT_VNIC_PRESENT)) {
			if (uplink >= 0)
				return "two channels without a virtual NIC: which is the uplink?";
			uplink = (int)c;
			continue;
		}
		if (n == NET_PORTS_MAX || moat_net_switch_end_init(&end[n], c))
			return "a virtual NIC's channel has too little shared memory or no NOTIFY";
		__builtin_memcpy(cfg->mac[n].b, v->mac, sizeof(v->mac));
		port_channel[n++] = c;
	}
	if (uplink < 0 || moat_net_switch_end_init(&end[0], (unsigned)uplink))
		return "no usable channel to a NIC driver";
	port_channel[0] = (unsigned)uplink;
	cfg->ports = n;
	for (unsigned i = 0; i < n; i++) {
		cfg->rx[i] = &end[i].rx;
		cfg->tx[i] = &end[i].tx;
	}
	return NULL;
}

#ifdef NET_BENCH
/*
 * The benchmark build (net_bench, `./moat bench`): from the first frame of
 * 1000 bytes or more from port 1 to port 2 (the start of the guests' TCP
 * stream) until BENCH_BYTES of frames have gone that way, how many frames
 * that took, the virtual time it took (PMCCNTR_EL0: under -icount shift=0,
 * 1 ns an instruction, and in step with the host's clock while the CPU
 * waits in WFI) and the instructions executed (event counter 0,
 * INST_RETIRED, arch/pmu.h, which does not run in WFI), and how many
 * frames went the other way meanwhile (the receiver's acknowledgements).
 * Everything in between counts: both guests, their VMMs, this switch.
 */
#define BENCH_BYTES (6u << 20) /* less than the 8 MiB stream and its headers */

static struct {
	uint64_t start, bytes, frames, back, instructions;
	uint32_t last; /* the instruction counter at the last frame */
	bool running, done;
} bench;

static void bench_forwarded(void *ctx, unsigned from, unsigned to, uint32_t len)
{
	uint32_t now;

	(void)ctx;
	if (bench.running && !bench.done && from == 2 && to == 1)
		bench.back++;
	if (bench.done || from != 1 || to != 2 || (!bench.running && len < 1000))
		return;
	now = moat_instructions();
	if (!bench.running) {
		bench.running = true;
		bench.start = moat_virtual_ns();
	} else {
		bench.instructions += (uint32_t)(now - bench.last);
	}
	bench.last = now;
	bench.bytes += len;
	bench.frames++;
	if (bench.bytes < BENCH_BYTES)
		return;
	bench.done = true;
	moat_printf("net: bench: %lu bytes of frames from port 1 to port 2 in %lu frames: "
		    "%lu ns of virtual time, %lu instructions; %lu frames back\n",
		    (unsigned long)bench.bytes, (unsigned long)bench.frames,
		    (unsigned long)(moat_virtual_ns() - bench.start),
		    (unsigned long)bench.instructions, (unsigned long)bench.back);
}
#else
#define bench_forwarded NULL
#endif

int main(void *arg)
{
	struct net_switch_config cfg = {.signal = signal_port, .report = report,
					.forwarded = bench_forwarded};
	const char *err;

	info = arg;
	if ((err = setup(&cfg))) {
		moat_printf("net: %s\n", err);
		return 1;
	}
	if (!net_switch_init(&sw, &cfg)) {
		moat_printf("net: the virtual NICs' MACs are zero, multicast or the same\n");
		return 1;
	}
	moat_printf("net: uplink '%s', %u guest port(s)\n", info->channel[port_channel[0]].peer,
		    cfg.ports - 1);
	for (unsigned i = 1; i < cfg.ports; i++) {
		moat_printf("net: port %u '%s', ", i, info->channel[port_channel[i]].peer);
		print_mac("MAC ", cfg.mac[i].b, "\n");
	}
	for (;;) {
		while (net_switch_round(&sw))
			;
		if (net_switch_prepare_wait(&sw))
			moat_wait(MOAT_DOMAIN_SLOT_INBOX);
	}
}
