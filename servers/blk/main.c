/*
 * The block backend (docs/io.md, "The block path"): one physical disk,
 * behind the block driver's channel, shared as the virtual disks the
 * system description gives its other channels (info->vdisk[i]). Every
 * request is checked and ordered by core.c; this file moves requests and
 * completions between the rings. It never sees the data: requests name
 * their clients' memory by physical address, and only the driver, which
 * checks those addresses, hands them to the device.
 */
#include <moat/blk_channel.h>
#include <moat/domain.h>
#include <moat/runtime.h>

#include "core.h"

/*
 * A request accepted from a client: our own copy, until its completion,
 * which goes to the driver as it is once the core lets it go (with the
 * physical sector and our tag in place of the client's).
 */
struct held {
	struct moat_blk_request req;
	uint64_t client_tag;
	bool used;
};

#define HELD_PER_CLIENT (BLK_CLIENT_QUEUE + BLK_CLIENT_INFLIGHT)

static struct blk_core core;
static struct moat_blk_client driver;
static struct moat_blk_server client[BLK_CLIENTS_MAX];
static unsigned client_channel[BLK_CLIENTS_MAX]; /* core client i: this channel */
static struct held held[BLK_CLIENTS_MAX][HELD_PER_CLIENT];
static unsigned held_count[BLK_CLIENTS_MAX];
static struct moat_blk_request *out; /* taken from the core, waiting for room in the driver's ring */

static unsigned free_held(unsigned i)
{
	unsigned k = 0;

	while (held[i][k].used) /* held_count[i] < HELD_PER_CLIENT: one is free */
		k++;
	return k;
}

/* Client i's completion of its request; false while its ring is full. */
static bool answer(unsigned i, uint64_t tag, uint32_t status)
{
	struct moat_blk_completion c = { .tag = tag, .status = status };

	if (pv_ring_produce(&client[i].done, &c, 1) != 1)
		return false;
	if (pv_ring_producer_kick_needed(&client[i].done))
		moat_signal(client[i].signal);
	return true;
}

/* Whether client i's ring has room for the answer to every request it has here, and one more. */
static bool room_for_one(unsigned i)
{
	return held_count[i] < HELD_PER_CLIENT &&
	       held_count[i] < pv_ring_producer_space(&client[i].done);
}

/*
 * Client i's requests into the core while it can hold them and their
 * answers can go back: a request is taken from the ring only with room
 * for it, so a client that floods waits in its own ring.
 */
static void take_from(unsigned i)
{
	bool took = false;

	while (room_for_one(i)) {
		unsigned k = free_held(i);
		struct held *h = &held[i][k];
		struct moat_blk_request *q = &h->req;
		struct blk_core_req r;
		uint64_t bytes = 0;
		enum blk_core_error e;

		/* Copied out of the ring once, into the place that holds it. */
		if (pv_ring_consume_prefix(&client[i].req, q, MOAT_BLK_REQUEST_HEAD,
					   moat_blk_request_more) != 1)
			break;
		took = true;
		r = (struct blk_core_req){ .tag = k, .op = q->op, .sector = q->sector };
		for (uint32_t s = 0; s < q->count && s < MOAT_BLK_SEGMENTS; s++)
			bytes += q->seg[s].len;
		r.sectors = (uint32_t)(bytes / MOAT_BLK_SECTOR);
		if (q->count > MOAT_BLK_SEGMENTS || bytes % MOAT_BLK_SECTOR ||
		    bytes > MOAT_BLK_MAX_BYTES || (q->op == MOAT_BLK_FLUSH) != (q->count == 0))
			e = BLK_CORE_E_SIZE;
		else
			e = blk_core_accept(&core, i, &r);
		if (e != BLK_CORE_OK) {
			answer(i, q->tag, e == BLK_CORE_E_OP ? MOAT_BLK_UNSUPP : MOAT_BLK_REFUSED);
			continue;
		}
		h->client_tag = q->tag;
		q->client = client_channel[i];
		h->used = true;
		held_count[i]++;
	}
	if (took && pv_ring_consumer_kick_needed(&client[i].req))
		moat_signal(client[i].signal);
}

/* Requests the core lets go, to the driver, with the physical sector. */
static void dispatch(void)
{
	bool sent = false;

	for (;;) {
		unsigned i;
		struct blk_core_req r;

		if (!out) {
			if (!blk_core_next(&core, &i, &r))
				break;
			out = &held[i][r.tag].req;
			out->sector = r.sector;
			out->tag = (uint64_t)i << 32 | r.tag; /* whose, and which of its held */
		}
		if (pv_ring_produce_prefix(&driver.req, out, moat_blk_request_bytes(out)) != 1)
			break;
		out = NULL;
		sent = true;
	}
	if (sent && pv_ring_producer_kick_needed(&driver.req))
		moat_signal(driver.signal);
}

/* The driver's completions, each back to its client. */
static void collect(void)
{
	struct moat_blk_completion c;
	bool took = false;

	while (pv_ring_consume(&driver.done, &c, 1) == 1) {
		unsigned i = (unsigned)(c.tag >> 32), k = (unsigned)c.tag;

		took = true;
		if (i >= core.clients || k >= HELD_PER_CLIENT || !held[i][k].used) {
			moat_printf("blk: the driver completed request 0x%lx, which it does not "
				    "have; ignored\n",
				    (unsigned long)c.tag);
			continue;
		}
		blk_core_complete(&core, i, held[i][k].req.op);
		/* Room for it was kept when the request was taken (room_for_one). */
		answer(i, held[i][k].client_tag, c.status);
		held[i][k].used = false;
		held_count[i]--;
	}
	if (took && pv_ring_consumer_kick_needed(&driver.done))
		moat_signal(driver.signal);
}

/*
 * Whether client i has nothing for us until it signals: with room for one
 * more request, none is waiting in its ring; without, its answers ring
 * needs the client to take some before one more fits (unless what it has
 * here fills the ring or the backend's share, which only the driver's
 * completions change).
 */
static bool client_quiet(unsigned i)
{
	unsigned need = held_count[i] + 1;

	if (room_for_one(i))
		return pv_ring_consumer_prepare_wait(&client[i].req);
	if (need > HELD_PER_CLIENT || need > pv_ring_producer_capacity(&client[i].done))
		return true;
	return pv_ring_producer_prepare_wait_for(&client[i].done, need);
}

static bool quiet(void)
{
	collect();
	for (unsigned i = 0; i < core.clients; i++)
		take_from(i);
	dispatch();
	if (!pv_ring_consumer_prepare_wait(&driver.done))
		return false;
	if (out && !pv_ring_producer_prepare_wait(&driver.req))
		return false;
	for (unsigned i = 0; i < core.clients; i++)
		if (!client_quiet(i))
			return false;
	return true;
}

/* The channels: one to the driver (no virtual disk on it), the others clients. */
static const char *setup(const struct moat_domain_info *info, struct blk_vdisk *disks,
			 int *driver_channel)
{
	unsigned n = 0;

	*driver_channel = -1;
	for (unsigned c = 0; c < info->channel_count && c < MOAT_DOMAIN_MAX_CHANNELS; c++) {
		const struct moat_vdisk_info *v = &info->vdisk[c];

		if (!v->sectors) {
			if (*driver_channel >= 0)
				return "two channels without a virtual disk: which is the driver?";
			*driver_channel = (int)c;
			continue;
		}
		if (n == BLK_CLIENTS_MAX || moat_blk_server_init(&client[n], c))
			return "a virtual disk's channel has too little shared memory or no NOTIFY";
		disks[n] = (struct blk_vdisk){ v->first, v->sectors, v->flags & MOAT_VDISK_READ_ONLY };
		client_channel[n++] = c;
	}
	if (*driver_channel < 0 || moat_blk_client_init(&driver, (unsigned)*driver_channel))
		return "no usable channel to a block driver";
	core.clients = n;
	return NULL;
}

int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	struct blk_vdisk disks[BLK_CLIENTS_MAX];
	struct moat_blk_device dev;
	int driver_channel;
	const char *err = setup(info, disks, &driver_channel);
	unsigned n = core.clients;

	if (err) {
		moat_printf("blk: %s\n", err);
		return 1;
	}
	while (!moat_blk_device_ready(&driver, &dev))
		moat_wait(MOAT_DOMAIN_SLOT_INBOX); /* the driver signals once it has published it */
	if (!blk_core_init(&core, disks, n, dev.sectors)) {
		moat_printf("blk: the virtual disks do not fit the disk of %lu sectors, or overlap\n",
			    (unsigned long)dev.sectors);
		return 1;
	}
	for (unsigned i = 0; i < n; i++)
		moat_printf("blk: '%s' gets sectors %lu-%lu of '%s'%s\n",
			    info->channel[client_channel[i]].peer, (unsigned long)disks[i].first,
			    (unsigned long)(disks[i].first + disks[i].sectors - 1),
			    info->channel[driver_channel].peer,
			    disks[i].read_only ? ", read-only" : "");
	for (;;) {
		while (!quiet())
			;
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
	}
}
