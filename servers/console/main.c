/*
 * The console server (docs/console.md). Channel 0 goes to the console
 * driver (drivers/pl011), every other channel to a client. It turns the
 * kernel log and each client's output into whole lines prefixed with the
 * writer's name and queues them for the driver; input from the driver goes
 * to the client that has the focus, which Ctrl-A 1-9 / Ctrl-A n change.
 * Every client is hostile: its chunks are copied once and checked, a ring
 * it breaks ends its service, and it gets at most a few chunks of work per
 * round, so that no client can stall the others or the kernel log.
 */
#include <moat/console.h>
#include <moat/domain.h>
#include <moat/runtime.h>

#include <libpv/err.h>

#include "core.h"
#include "fmt.h"

#define FIFO_BYTES 16384
/*
 * What one chunk (or one kernel log step of as many bytes) may add to the
 * FIFO, at most: a line per byte, each at most a whole line long (the
 * text before it may have come earlier), and the overrun report.
 */
#define RESERVE (MOAT_CONSOLE_CHUNK_DATA * CON_OUT_LINE_MAX + 64)
_Static_assert(RESERVE < FIFO_BYTES, "the FIFO holds a chunk's worst case");
#define CHUNKS_PER_ROUND 4 /* per client per round */

struct port {
	char name[MOAT_DOMAIN_NAME_MAX];
	struct pv_ring_consumer rx; /* toward the server: output, or the driver's input */
	struct pv_ring_producer tx; /* from the server: input, or what the driver sends */
	moat_cptr_t signal;
	struct con_line line; /* a client's partial line */
	bool dead;
	uint64_t dropped; /* input chunks its ring had no room for */
	uint64_t bad;	  /* chunks with a bad length */
};

static struct port ports[MOAT_DOMAIN_MAX_CHANNELS];
static unsigned nports;
static unsigned focus; /* a client's port, 1 ... nports - 1 */
static struct con_escape escape;
static struct con_klog klog;
static const struct moat_klog *klog_ring;

/* Formatted lines waiting for room in the driver's ring. */
static char fifo[FIFO_BYTES];
static size_t fifo_start, fifo_len;
static uint64_t fifo_dropped;

static void emit(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	if (FIFO_BYTES - fifo_len < len) {
		fifo_dropped++; /* RESERVE keeps the sources within it: only our own lines */
		return;
	}
	for (size_t i = 0; i < len; i++)
		fifo[(fifo_start + fifo_len + i) % FIFO_BYTES] = line[i];
	fifo_len += len;
}

static bool room(void)
{
	return FIFO_BYTES - fifo_len >= RESERVE;
}

/* The console's own line. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	struct con_line l;
	char text[CON_LINE_MAX];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	con_line_init(&l, "console", 7);
	con_line_feed(&l, (const uint8_t *)text, n < sizeof(text) ? n : sizeof(text) - 1, emit, 0);
	con_line_flush(&l, emit, 0);
}

static void announce_focus(void)
{
	if (focus < nports)
		say("input goes to '%s' (Ctrl-A 1-%u: a client, Ctrl-A n: the next)",
		    ports[focus].name, nports - 1);
}

static void kill_port(struct port *p, int err)
{
	p->dead = true;
	say("'%s' broke its ring (%s): no longer served", p->name, pv_err_name(err));
}

/* FIFO bytes into the driver's ring, a chunk at a time. */
static bool flush(void)
{
	struct port *d = &ports[0];
	bool moved = false;

	while (fifo_len && !d->dead) {
		struct moat_console_chunk c = {0};
		int32_t r;

		c.len = (uint8_t)(fifo_len < MOAT_CONSOLE_CHUNK_DATA ? fifo_len
								     : MOAT_CONSOLE_CHUNK_DATA);
		for (unsigned i = 0; i < c.len; i++)
			c.data[i] = (uint8_t)fifo[(fifo_start + i) % FIFO_BYTES];
		r = pv_ring_produce(&d->tx, &c, 1);
		if (r < 0)
			kill_port(d, r);
		if (r != 1)
			break;
		fifo_start = (fifo_start + c.len) % FIFO_BYTES;
		fifo_len -= c.len;
		moved = true;
	}
	if (moved && pv_ring_producer_kick_needed(&d->tx))
		moat_signal(d->signal);
	return moved;
}

/* One chunk from p's ring into *c: 1, 0 (none) or a broken ring (negative). */
static int take(struct port *p, struct moat_console_chunk *c)
{
	int32_t r = pv_ring_consume(&p->rx, c, 1);

	if (r < 0)
		kill_port(p, r);
	else if (r == 1 && !con_chunk_len(c)) {
		if (!p->bad++) /* logged once: a flood of bad chunks is no flood of lines */
			say("'%s' sent a chunk of %u bytes: dropped", p->name, c->len);
		c->len = 0;
	}
	return r;
}

static void focus_on(unsigned port)
{
	if (port >= 1 && port < nports && port != focus) {
		focus = port;
		announce_focus();
	}
}

/* Input bytes for the focused client, one chunk. */
static void deliver(const uint8_t *b, size_t n)
{
	struct port *p = &ports[focus];
	struct moat_console_chunk c = {.len = (uint8_t)n};

	if (!n || focus >= nports || p->dead)
		return;
	for (size_t i = 0; i < n; i++)
		c.data[i] = b[i];
	if (pv_ring_produce(&p->tx, &c, 1) != 1) {
		if (!p->dropped++)
			say("input for '%s' dropped: it does not read it", p->name);
		return;
	}
	if (pv_ring_producer_kick_needed(&p->tx))
		moat_signal(p->signal);
}

static bool serve_input(void)
{
	struct moat_console_chunk c;
	bool moved = false;

	while (!ports[0].dead && room() && take(&ports[0], &c) == 1) {
		uint8_t out[MOAT_CONSOLE_CHUNK_DATA], b;
		size_t n = 0;

		moved = true;
		for (unsigned i = 0; i < c.len; i++) {
			switch (con_escape_feed(&escape, c.data[i], &b)) {
			case CON_INPUT_BYTE:
				out[n++] = b;
				break;
			case CON_INPUT_FOCUS:
				deliver(out, n);
				n = 0;
				focus_on(b + 1u);
				break;
			case CON_INPUT_NEXT:
				deliver(out, n);
				n = 0;
				focus_on(focus + 1 < nports ? focus + 1 : 1);
				break;
			default:
				break;
			}
		}
		deliver(out, n);
	}
	if (moved && pv_ring_consumer_kick_needed(&ports[0].rx))
		moat_signal(ports[0].signal);
	return moved;
}

static bool serve_client(struct port *p)
{
	struct moat_console_chunk c;
	unsigned taken = 0;

	while (!p->dead && taken < CHUNKS_PER_ROUND && room() && take(p, &c) == 1) {
		con_line_feed(&p->line, c.data, c.len, emit, 0);
		taken++;
	}
	if (taken && pv_ring_consumer_kick_needed(&p->rx))
		moat_signal(p->signal);
	return taken;
}

static bool serve_output(void)
{
	bool moved = false;

	while (klog_ring && room() &&
	       con_klog_poll(&klog, klog_ring, MOAT_CONSOLE_CHUNK_DATA, emit, 0))
		moved = true;
	for (unsigned i = 1; i < nports; i++)
		moved |= serve_client(&ports[i]);
	return moved;
}

/*
 * Nothing moved: true if sleeping until a signal loses nothing. With the
 * FIFO full, only the driver's kick (room in its ring) can unblock us, so
 * the clients' pending chunks do not count as work.
 */
static bool idle(void)
{
	if (fifo_len && !ports[0].dead && !pv_ring_producer_prepare_wait(&ports[0].tx))
		return false;
	if (!room())
		return true;
	for (unsigned i = 0; i < nports; i++) {
		if (!ports[i].dead && !pv_ring_consumer_prepare_wait(&ports[i].rx))
			return false;
	}
	return true;
}

static const char *open_port(struct port *p, const struct moat_channel_info *ch)
{
	uint8_t *shared = (uint8_t *)(uintptr_t)ch->shared;

	for (unsigned i = 0; i + 1 < sizeof(p->name) && ch->peer[i]; i++)
		p->name[i] = ch->peer[i];
	con_line_init(&p->line, p->name, sizeof(p->name));
	p->signal = ch->signal_slot;
	if (!ch->shared || ch->shared_size < MOAT_CONSOLE_SHARED_BYTES || !ch->signal_slot)
		return "needs 4 KiB of shared memory and a notification";
	if (pv_ring_consumer_attach(&p->rx, shared + MOAT_CONSOLE_TO_SERVER,
				    MOAT_CONSOLE_FROM_SERVER, MOAT_CONSOLE_ENTRIES,
				    MOAT_CONSOLE_CHUNK_BYTES) != PV_OK ||
	    pv_ring_producer_attach(&p->tx, shared + MOAT_CONSOLE_FROM_SERVER,
				    MOAT_CONSOLE_SHARED_BYTES - MOAT_CONSOLE_FROM_SERVER,
				    MOAT_CONSOLE_ENTRIES, MOAT_CONSOLE_CHUNK_BYTES) != PV_OK)
		return "its rings are not in a state to attach to";
	return NULL;
}

int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	const char *err;

	nports = info->channel_count < MOAT_DOMAIN_MAX_CHANNELS ? (unsigned)info->channel_count
								: MOAT_DOMAIN_MAX_CHANNELS;
	if (!nports || !info->klog) {
		moat_printf("console: needs a channel to its driver and the kernel log\n");
		return 1;
	}
	klog_ring = (const struct moat_klog *)(uintptr_t)info->klog;
	for (unsigned i = 0; i < nports; i++) {
		if ((err = open_port(&ports[i], &info->channel[i]))) {
			ports[i].dead = true;
			say("channel to '%s' not served: %s", ports[i].name, err);
		}
	}
	say("%u client(s); the driver is '%s'", nports - 1, ports[0].name);
	focus = 1;
	announce_focus();
	for (;;) {
		bool moved = serve_input() | serve_output();

		moved |= flush();
		if (!moved && idle())
			moat_wait(MOAT_DOMAIN_SLOT_INBOX);
	}
}
