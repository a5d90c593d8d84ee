/*
 * libFuzzer harness for the VMM's virtio block device (servers/vmm/blk.c):
 * the fuzzer is the guest, writing any bytes of its RAM (descriptors,
 * rings, headers) and any register, and the block backend, taking
 * requests and returning completions with any tag, including stale and
 * repeated ones, and resetting the guest. Beyond the sanitizers' checks:
 *
 * - every request's segments lie inside one 2 MiB block of the guest's
 *   RAM (by its physical addresses), there are at most MOAT_BLK_SEGMENTS,
 *   reads and writes carry whole sectors, at most MOAT_BLK_MAX_BYTES,
 *   inside the disk, no write reaches a read-only disk, a flush names
 *   nothing, and no tag is outstanding twice;
 * - at most VBLK_SLOTS requests are outstanding;
 * - a completion returns a chain to the guest (one used element) exactly
 *   when it names a request outstanding from the current generation, and
 *   never otherwise (unknown, repeated, from before a reset).
 *
 * Input: steps of an op byte and its arguments, read as far as they go.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blk.h"
#include "fuzz_input.h"

#define RAM_IPA 0x40000000ull
#define BLOCKS 2
#define RAM_SIZE (BLOCKS * VBLK_BLOCK)
#define SECTORS 4096ull
#define MAX_TAGS 64

static const uint64_t ram_pa[BLOCKS] = { 0x80000000ull, 0x40000000ull };
static uint8_t *ram, *shared;
static struct vblk b;
static struct pv_ring_consumer be_req;
static struct pv_ring_producer be_cpl;
static bool read_only;

/* The backend's view: requests taken and not completed, with their generation. */
static struct {
	uint64_t tag;
	uint32_t gen;
} held[MAX_TAGS];
static unsigned nheld;
static uint64_t done[MAX_TAGS]; /* completed tags, to repeat */
static unsigned ndone;
static uint32_t gen; /* the harness's count of resets */

/* Which invariant failed, on stderr (abort's report does not say). */
static void fail(int line)
{
	fprintf(stderr, "vmm_blk_fuzz: invariant at line %d\n", line);
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

static bool in_ram(const struct moat_blk_segment *s)
{
	for (unsigned k = 0; k < BLOCKS; k++)
		if (s->addr >= ram_pa[k] && s->len <= ram_pa[k] + VBLK_BLOCK - s->addr)
			return true;
	return false;
}

static void check_request(const struct moat_blk_request *r)
{
	uint64_t bytes = 0;

	check(r->count <= MOAT_BLK_SEGMENTS && r->client == 0);
	for (unsigned i = 0; i < r->count; i++) {
		check(r->seg[i].len != 0 && in_ram(&r->seg[i]));
		bytes += r->seg[i].len;
	}
	if (r->op == MOAT_BLK_FLUSH) {
		check(r->count == 0);
	} else {
		check(r->op == MOAT_BLK_READ || (r->op == MOAT_BLK_WRITE && !read_only));
		check(bytes && bytes % MOAT_BLK_SECTOR == 0 && bytes <= MOAT_BLK_MAX_BYTES);
		check(r->sector < SECTORS && bytes / MOAT_BLK_SECTOR <= SECTORS - r->sector);
	}
	for (unsigned i = 0; i < nheld; i++)
		check(held[i].tag != r->tag);
}

static void backend_take(void)
{
	struct moat_blk_request r;

	while (nheld < MAX_TAGS && pv_ring_consume(&be_req, &r, 1) == 1) {
		check_request(&r);
		held[nheld].tag = r.tag;
		held[nheld++].gen = gen;
	}
	check(vblk_outstanding(&b) <= VBLK_SLOTS);
}

/*
 * Completes `tag`: the guest gets one used element for it iff it was held
 * from this generation (and the queue is not broken). The signal may also
 * take new chains; those answered here add their own used elements.
 */
static void complete(uint64_t tag, uint32_t status)
{
	struct moat_blk_completion c = { .tag = tag, .status = status };
	/* A queue not yet set up starts from 0 when the signal sets it up. */
	uint16_t used = b.q.ready ? b.q.vq.used_idx : 0, popped = b.q.ready ? b.q.vq.last_avail : 0;
	uint64_t sent = b.stats.requests;
	bool expect = false;

	for (unsigned i = 0; i < nheld; i++) {
		if (held[i].tag != tag)
			continue;
		expect = held[i].gen == gen && !b.broken;
		held[i] = held[--nheld];
		if (ndone < MAX_TAGS)
			done[ndone++] = tag;
		break;
	}
	if (pv_ring_produce(&be_cpl, &c, 1) != 1)
		return;
	vblk_backend_signal(&b);
	if (!b.broken && b.q.ready) {
		uint16_t local = (uint16_t)((uint16_t)(b.q.vq.last_avail - popped) -
					    (b.stats.requests - sent));

		check((uint16_t)(b.q.vq.used_idx - used) == (uint16_t)(expect + local));
	}
	backend_take();
}

static void mmio(uint16_t off, uint32_t v)
{
	uint64_t x = v;

	off = off % VMMIO_SIZE & ~3u;
	vblk_access(&b, off, 4, true, &x);
	if (off == PV_VMMIO_STATUS && v == 0)
		gen++; /* the guest reset the device */
	backend_take();
}

/* The queue at the start of RAM: desc 0, avail 0x1000, used 0x2000, size 2^(1..8). */
static void handshake(unsigned size_log)
{
	static const uint32_t regs[][2] = {
		{ PV_VMMIO_STATUS, 3 }, { PV_VMMIO_DRIVER_FEATURES_SEL, 1 },
		{ PV_VMMIO_DRIVER_FEATURES, 1 }, { PV_VMMIO_DRIVER_FEATURES_SEL, 0 },
		{ PV_VMMIO_STATUS, 0xb }, { PV_VMMIO_QUEUE_SEL, 0 },
		{ PV_VMMIO_QUEUE_DESC_LOW, (uint32_t)RAM_IPA },
		{ PV_VMMIO_QUEUE_DRIVER_LOW, (uint32_t)RAM_IPA + 0x1000 },
		{ PV_VMMIO_QUEUE_DEVICE_LOW, (uint32_t)RAM_IPA + 0x2000 },
	};

	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		mmio((uint16_t)regs[i][0], regs[i][1]);
	mmio(PV_VMMIO_QUEUE_NUM, 1u << (1 + size_log % 8));
	mmio(PV_VMMIO_QUEUE_READY, 1);
	mmio(PV_VMMIO_STATUS, 0xf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct vblk_config c = { .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE, .ram_pa = ram_pa,
				 .disk_sectors = SECTORS, .kick = noop, .log = log_fn };

	if (!ram) {
		ram = aligned_alloc(4096, RAM_SIZE);
		shared = aligned_alloc(4096, MOAT_BLK_SHARED_BYTES);
	}
	memset(ram, 0, 0x4000); /* the queue; the rest is written only by pokes, left as is */
	memset(shared, 0, MOAT_BLK_SHARED_BYTES);
	read_only = take(&in, 1) & 1;
	c.ram = ram;
	c.shared = shared;
	c.read_only = read_only;
	check(vblk_init(&b, &c) == 0);
	check(pv_ring_consumer_attach(&be_req, shared, MOAT_BLK_COMPLETIONS, MOAT_BLK_RING_ENTRIES,
				      sizeof(struct moat_blk_request)) == 0);
	check(pv_ring_producer_attach(&be_cpl, shared + MOAT_BLK_COMPLETIONS,
				      MOAT_BLK_SHARED_BYTES - MOAT_BLK_COMPLETIONS,
				      MOAT_BLK_RING_ENTRIES, sizeof(struct moat_blk_completion)) == 0);
	nheld = ndone = 0;
	gen = 0;
	while (in.n) {
		switch (take(&in, 1) % 8) {
		case 0: { /* poke guest RAM: near the queue, or around the 2 MiB boundary */
			uint64_t off = take(&in, 2) % 0x4000, len = take(&in, 1) % 33;

			if (take(&in, 1) & 1)
				off += VBLK_BLOCK - 0x2000;
			for (uint64_t i = 0; i < len && in.n; i++)
				ram[off + i] = (uint8_t)take(&in, 1);
			break;
		}
		case 1:
			mmio((uint16_t)take(&in, 2), (uint32_t)take(&in, 4));
			break;
		case 2:
			mmio(PV_VMMIO_QUEUE_NOTIFY, 0);
			break;
		case 3: /* complete a held request */
			if (nheld)
				complete(held[take(&in, 1) % nheld].tag, (uint32_t)take(&in, 1) % 4);
			break;
		case 4: /* a completion with any tag */
			complete(take(&in, 8), (uint32_t)take(&in, 1));
			break;
		case 5: /* one again */
			if (ndone)
				complete(done[take(&in, 1) % ndone], 0);
			break;
		case 6: /* the guest restarts */
			vblk_reset(&b);
			gen++;
			break;
		case 7:
			handshake((unsigned)take(&in, 1));
			break;
		}
	}
	return 0;
}
