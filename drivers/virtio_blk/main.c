/*
 * The virtio block driver domain (docs/io.md): QEMU's virtio-blk-device,
 * served to the block backend over channel 0 (moat/blk.h). Each request
 * is checked (check.c: the memory the root server lets that client name)
 * and goes to the device as it is: the device moves the data to and from
 * the guests' memory, never through here. A completion goes back only
 * once the device has completed the request.
 */
#include <moat/blk_channel.h>
#include <moat/counters.h>
#include <moat/domain.h>
#include <moat/runtime.h>

#include "check.h"
#include "virtio_blk/blk_dev.h"

/* A request at the device: the backend's tag and client, for its completion. */
struct slot {
	uint64_t tag;
	uint32_t client;
	bool busy;
	uint32_t op;	 /* for the benchmark build */
	uint64_t sector;
	uint64_t bytes;
};

static struct blk_dev dev;
static struct moat_blk_server chan;
static const struct moat_blk_ranges *ranges;
static struct slot slots[BLK_MAX_REQUESTS];
/*
 * Completions the backend's full ring has not taken yet: requests are
 * taken only while fewer than BLK_MAX_REQUESTS wait here, and the device
 * completes at most one per slot, so it never overflows.
 */
static struct moat_blk_completion backlog[2 * BLK_MAX_REQUESTS];
static unsigned backlog_count;
static struct moat_blk_request held; /* taken from the ring, waiting for room at the device */
static bool holding;
static uint64_t refused;

#ifdef VIRTIO_BLK_BENCH
/*
 * The benchmark build (virtio_blk_bench, `./moat bench`): before serving
 * its first request, the driver reads and writes BENCH_BYTES itself,
 * sequentially, at BENCH_DEPTH requests of 128 KiB in flight, counting
 * instructions (event counter 0, INST_RETIRED, under -icount: waiting for
 * the device counts nothing); then it counts the same for the guest's
 * stream: from its first request at physical sector BENCH_GUEST_SECTOR
 * until BENCH_BYTES of that operation have completed there. Everything
 * in between counts: the guest, its VMM, the backend, this driver.
 */
#define BENCH_BYTES (32u << 20)
#define BENCH_CHUNK 0x20000u
#define BENCH_DEPTH 8u
#define BENCH_GUEST_SECTOR 4096u
#define BENCH_DIRECT_SECTOR 100000u /* beyond the guest's disk: the direct writes go there */

static struct {
	uint64_t done;	/* of the guest's stream of the operation being measured */
	uint32_t start; /* moat_instructions() at its first request */
	uint32_t op;
	bool running;
} bench = { .op = MOAT_BLK_READ };

/* BENCH_BYTES of `op` by the driver alone, from sector `first`: instructions. */
static uint64_t bench_direct(enum blk_op op, uint64_t first)
{
	uint32_t t0 = moat_instructions();
	uint64_t token;
	unsigned queued = 0, done = 0, n = BENCH_BYTES / BENCH_CHUNK;
	enum blk_status st;

	while (done < n) {
		while (queued < n && queued - done < BENCH_DEPTH &&
		       blk_dev_submit(&dev, op, first + (uint64_t)queued * (BENCH_CHUNK / BLK_SECTOR),
				      BLK_DMA_RESERVED + (queued % BENCH_DEPTH) * BENCH_CHUNK,
				      BENCH_CHUNK, queued) == 0)
			queued++;
		blk_dev_kick(&dev);
		while (blk_dev_complete(&dev, &token, &st) == 1)
			done++;
		/* Wait only with the queue as full as it goes, and only if nothing came meanwhile. */
		if (done < n && (queued - done == BENCH_DEPTH || queued == n) &&
		    blk_dev_prepare_wait(&dev)) {
			moat_wait(MOAT_DOMAIN_SLOT_INBOX);
			blk_dev_interrupt(&dev);
			moat_invoke(MOAT_DOMAIN_SLOT_IRQ, MOAT_IRQ_HANDLER_ACK, 0, NULL, 0, NULL);
		}
	}
	return (uint32_t)(moat_instructions() - t0);
}

/*
 * Before the first request from the backend is served: the driver's own
 * read and write. Not at start, while guests' VMMs load their kernels,
 * whose instructions would count too: now the guest waits for this
 * request.
 */
static void bench_own(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	moat_printf("virtio_blk: bench: its own read of %u MiB: %lu instructions\n",
		    BENCH_BYTES >> 20, (unsigned long)bench_direct(BLK_READ, BENCH_DIRECT_SECTOR));
	moat_printf("virtio_blk: bench: its own write of %u MiB: %lu instructions\n",
		    BENCH_BYTES >> 20, (unsigned long)bench_direct(BLK_WRITE, BENCH_DIRECT_SECTOR));
}

static void bench_submitted(const struct moat_blk_request *q)
{
	bench_own();
	if (!bench.running && q->op == bench.op && q->sector == BENCH_GUEST_SECTOR) {
		bench.running = true;
		bench.done = 0;
		bench.start = moat_instructions();
	}
}

static void bench_completed(uint32_t op, uint64_t sector, uint64_t bytes)
{
	if (!bench.running || op != bench.op || sector < BENCH_GUEST_SECTOR ||
	    sector >= BENCH_GUEST_SECTOR + BENCH_BYTES / BLK_SECTOR)
		return;
	bench.done += bytes;
	if (bench.done < BENCH_BYTES)
		return;
	moat_printf("virtio_blk: bench: the guest's %s of %u MiB: %lu instructions\n",
		    op == MOAT_BLK_READ ? "read" : "write", BENCH_BYTES >> 20,
		    (unsigned long)(uint32_t)(moat_instructions() - bench.start));
	bench.running = false;
	bench.op = op == MOAT_BLK_READ ? MOAT_BLK_WRITE : UINT32_MAX; /* then the writes */
}
#else
static void bench_submitted(const struct moat_blk_request *q)
{
	(void)q;
}

static void bench_completed(uint32_t op, uint64_t sector, uint64_t bytes)
{
	(void)op, (void)sector, (void)bytes;
}
#endif

_Static_assert(sizeof(backlog) / sizeof(backlog[0]) == 2 * BLK_MAX_REQUESTS, "see above");

static void complete(uint64_t tag, uint32_t client, uint32_t status)
{
	backlog[backlog_count++] = (struct moat_blk_completion){ tag, status, client };
}

/* The backlog into the backend's ring, as far as it goes. */
static void send_completions(void)
{
	int32_t n;

	if (!backlog_count)
		return;
	n = pv_ring_produce(&chan.done, backlog, backlog_count);
	if (n <= 0)
		return;
	for (unsigned i = (unsigned)n; i < backlog_count; i++)
		backlog[i - (unsigned)n] = backlog[i];
	backlog_count -= (unsigned)n;
	if (pv_ring_producer_kick_needed(&chan.done))
		moat_signal(chan.signal);
}

/* The device's completions, each for the slot it names. */
static void reap(void)
{
	uint64_t token;
	enum blk_status st;
	int got;

	while ((got = blk_dev_complete(&dev, &token, &st)) > 0) {
		struct slot *s = &slots[token]; /* a token we gave: below BLK_MAX_REQUESTS */

		complete(s->tag, s->client, st == BLK_OK ? MOAT_BLK_OK : MOAT_BLK_IOERR);
		bench_completed(s->op, s->sector, s->bytes);
		s->busy = false;
	}
	if (got < 0)
		moat_printf("virtio_blk: the device broke its queue; nothing more completes\n");
}

static unsigned free_slot(void)
{
	unsigned i = 0;

	while (i < BLK_MAX_REQUESTS && slots[i].busy)
		i++;
	return i;
}

/* One checked request to the device; false if it has no room for it now. */
static bool submit(const struct moat_blk_request *q)
{
	struct blk_dev_segment seg[MOAT_BLK_SEGMENTS];
	enum moat_blk_status st = blk_check_request(ranges, q);
	unsigned i = free_slot();
	uint64_t bytes = 0;
	int err;

	if (st != MOAT_BLK_OK) {
		if (refused++ < 16)
			moat_printf("virtio_blk: request %lu of client %u refused (op %u, %u "
				    "segment(s) at sector %lu): %s\n",
				    (unsigned long)q->tag, q->client, q->op, q->count,
				    (unsigned long)q->sector,
				    st == MOAT_BLK_UNSUPP ? "no such operation"
							  : "memory it may not name, or a bad size");
		complete(q->tag, q->client, st);
		return true;
	}
	if (i == BLK_MAX_REQUESTS)
		return false;
	for (uint32_t k = 0; k < q->count; k++) {
		seg[k] = (struct blk_dev_segment){ q->seg[k].addr, q->seg[k].len };
		bytes += q->seg[k].len;
	}
	bench_submitted(q);
	err = blk_dev_submit_sg(&dev, (enum blk_op)q->op, q->sector, seg, q->count, i);
	if (err == BLK_E_BUSY)
		return false;
	if (err) {
		complete(q->tag, q->client, err == BLK_E_RANGE ? MOAT_BLK_REFUSED : MOAT_BLK_IOERR);
		return true;
	}
	slots[i] = (struct slot){ q->tag, q->client, true, q->op, q->sector, bytes };
	return true;
}

/* Requests from the ring while the device and the backlog have room. */
static void take_requests(void)
{
	bool took = false;

	while (backlog_count < BLK_MAX_REQUESTS) {
		if (!holding) {
			if (pv_ring_consume_prefix(&chan.req, &held, MOAT_BLK_REQUEST_HEAD,
						   moat_blk_request_more) != 1)
				break;
			took = true;
			holding = true;
		}
		if (!submit(&held))
			break;
		holding = false;
	}
	if (took && pv_ring_consumer_kick_needed(&chan.req))
		moat_signal(chan.signal);
	blk_dev_kick(&dev);
}

/* Everything that can move now; true once nothing more can without a signal. */
static bool quiet(void)
{
	reap();
	take_requests();
	send_completions();
	if (!blk_dev_prepare_wait(&dev))
		return false;
	/* While one is held, only a completion can make room: do not ask for requests. */
	if (!holding && backlog_count < BLK_MAX_REQUESTS &&
	    !pv_ring_consumer_prepare_wait(&chan.req))
		return false;
	if (backlog_count && !pv_ring_producer_prepare_wait(&chan.done))
		return false;
	return true;
}

int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	const struct moat_blk_ranges *r = (const struct moat_blk_ranges *)(uintptr_t)MOAT_BLK_RANGES;
	moat_word_t dma_pa = 0;
	const char *err;

	if (!info->device || !info->dma || info->channel_count != 1 ||
	    moat_blk_server_init(&chan, 0)) {
		moat_printf("virtio_blk: needs its device, DMA memory and one channel of %u bytes "
			    "with NOTIFY to its block backend\n",
			    MOAT_BLK_SHARED_BYTES);
		return 1;
	}
	if (moat_invoke(MOAT_DOMAIN_SLOT_DMA(0), MOAT_FRAME_GET_ADDRESS, 0, NULL, 0, &dma_pa) !=
	    MOAT_OK) {
		moat_printf("virtio_blk: the address of its DMA memory is not known\n");
		return 1;
	}
	if ((err = blk_dev_init(&dev, (uintptr_t)info->device, (void *)(uintptr_t)info->dma, dma_pa,
				MOAT_DOMAIN_DMA_BLOCK))) {
		moat_printf("virtio_blk: the device at 0x%lx: %s\n", info->device_paddr, err);
		return 1;
	}
	ranges = r->magic == MOAT_BLK_RANGES_MAGIC ? r : NULL;
	moat_printf("virtio_blk: %lu sectors%s at 0x%lx (INTID %lu) for '%s'; %lu memory "
		    "range(s) its clients may name\n",
		    (unsigned long)dev.sectors, dev.features & (1ull << 5) ? ", read-only" : "",
		    info->device_paddr, info->device_irq, info->channel[0].peer,
		    ranges ? (unsigned long)ranges->count : 0ul);
	moat_blk_device_publish(&chan, dev.sectors,
				dev.features & (1ull << 5) ? MOAT_VDISK_READ_ONLY : 0);
	moat_signal(chan.signal);
	for (;;) {
		moat_word_t word;

		while (!quiet())
			;
		word = moat_wait(MOAT_DOMAIN_SLOT_INBOX);
		if (word & MOAT_DOMAIN_IRQ_BIT) {
			if (blk_dev_interrupt(&dev))
				moat_printf("virtio_blk: the device asks to be reset\n");
			moat_invoke(MOAT_DOMAIN_SLOT_IRQ, MOAT_IRQ_HANDLER_ACK, 0, NULL, 0, NULL);
		}
	}
}
