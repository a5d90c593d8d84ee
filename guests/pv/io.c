/*
 * The PV guest's block frontend over PV I/O (moat/pvio.h, docs/io.md "PV
 * guests"), and the two modes that use it: PV_MODE_BLK, an honest client
 * that checks its disk and measures its read throughput, and
 * PV_MODE_HOSTILE, a frontend that writes its queue the way an attacker
 * would and checks that every attack is refused.
 *
 * The modes share one clock, the virtual counter (CNTVOFF is 0 for every
 * guest): from PV_IO_WINDOW_START to PV_IO_WINDOW_END, the hostile guest
 * attacks in every odd slot of PV_IO_SLOT_MS and only spins in the even
 * ones, and the honest guest counts the bytes it read in each kind of
 * slot. Their ratio is its throughput under attack over its throughput
 * undisturbed, in one run, under the same host load.
 */
#include "pv.h"

#include <libpv/err.h>
#include <libpv/virtq.h>
#include <libpv/vq_drv.h>
#include <moat/hypercall.h>
#include <moat/pvio.h>
#include <moat/types.h>

#define DISK 0u /* the VMM's first virtio device: the disk */
#define VIRTIO_ID_BLOCK 2u
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define SECTOR 512u
#define STATUS_UNSET 0xffu

#define QUEUE 128u	   /* the honest guest's queue: 32 requests of 3 descriptors fit */
#define DEPTH 8u	   /* its requests in flight */
#define CHUNK 0x10000u	   /* bytes per read */
#define RAW 16u		   /* the hostile guest's queue */
#define CON_QUEUE 16u	   /* the console's transmitq: lines in flight */
#define VIRTIO_ID_CONSOLE 3u
#define FLOOD 2000u	   /* notifications without anything new, per flood */
#define RAM_BYTES 0x800000ul /* both guests' MEMORY (test/qemu/pvio/system.cmake) */
#define BENCH_QD 32u		/* requests in flight, at most (the QD32 benchmark) */
#define BENCH_CHUNK 0x20000u	/* as virtio_blk_bench's own: 8 requests of 128 KiB */
#define BENCH_DEPTH 8u
#define BENCH_BYTES (32u << 20)
#define BENCH_FIRST 2048u /* its sector 2048: where virtio_blk_bench watches (FIRST 2048) */

/*
 * The queues and data buffers, at 1 MiB into RAM, past the image: the
 * other modes run in far less RAM, so none of this is in the image's bss.
 */
#define IO_AREA PV_IO_AREA
#define queue_area ((uint8_t *)IO_AREA)			 /* 4 KiB */
#define raw_area ((uint8_t *)(IO_AREA + 0x1000))	 /* 4 KiB */
#define data ((uint8_t(*)[CHUNK])(IO_AREA + 0x10000))	 /* DEPTH chunks */
#define raw_data ((uint8_t *)(IO_AREA + 0x10000 + DEPTH * CHUNK)) /* one chunk */
#define con_area ((uint8_t *)(IO_AREA + 0x2000))	 /* 4 KiB: the console's transmitq */
#define con_rx_area ((uint8_t *)(IO_AREA + 0x3000)) /* 4 KiB: its receiveq, never filled */
#define con_buf ((char(*)[MOAT_HVC_CONSOLE_MAX])(IO_AREA + 0x4000)) /* CON_QUEUE lines */
#define bench_data ((uint8_t *)(IO_AREA + 0x300000)) /* 1 MiB */
_Static_assert(MOAT_PVIO_QUEUE_BYTES(QUEUE) <= 0x1000 && MOAT_PVIO_QUEUE_BYTES(RAW) <= 0x1000,
	       "each queue in its page");

/* Each sector of a guest's disk, as pv_io_test.py writes it: tag, then the sector's number. */
struct sector_head {
	char tag[8]; /* "moat-pv" and the guest's letter */
	uint64_t sector;
};

struct blk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

/* One request's header and status byte, as the device sees them. */
struct req {
	struct blk_hdr hdr;
	uint8_t status;
	uint8_t pad[15];
};

unsigned pv_io_failures;

void pv_check(const char *what, bool ok)
{
	pv_print("pv: %s: %s\n", what, ok ? "ok" : "WRONG");
	pv_io_failures += !ok;
}

uint64_t pv_now(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

uint64_t pv_ms(uint64_t n)
{
	uint64_t f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f / 1000 * n;
}

/* The GIC's virtual CPU interface: every priority, group 1 on. */
void pv_irq_init(void)
{
	__asm__ volatile("msr s3_0_c4_c6_0, %0" : : "r"(0xfful)); /* ICC_PMR_EL1 */
	__asm__ volatile("msr s3_0_c12_c12_7, %0; isb" : : "r"(1ul)); /* ICC_IGRPEN1_EL1 */
}

/* Sleeps until an interrupt is pending (they stay masked), then takes and ends it. */
void pv_irq_wait(void)
{
	uint64_t intid;

	__asm__ volatile("dsb sy; wfi");
	__asm__ volatile("mrs %0, s3_0_c12_c12_0" : "=r"(intid)); /* ICC_IAR1_EL1 */
	if (intid < 1020)
		__asm__ volatile("msr s3_0_c12_c12_1, %0; isb" : : "r"(intid)); /* ICC_EOIR1_EL1 */
}

void pv_wait_until(uint64_t t)
{
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" : : "r"(t), "r"(1ul));
	pv_irq_wait();
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(0ul));
}

static void sleep_until(uint64_t t)
{
	while (pv_now() < t)
		pv_wait_until(t);
}

uint64_t pv_io_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return pv_hypercall(fn, a1, a2, a3).x0;
}

/* The disk's capacity in sectors, 0 if there is none; *status its virtio status byte. */
static uint64_t disk_info(uint64_t *status)
{
	struct pv_hvc r = pv_hypercall(MOAT_PVIO_INFO, DISK, 0, 0);

	*status = r.x3 >> 32;
	return r.x0 == MOAT_OK && r.x1 == VIRTIO_ID_BLOCK ? r.x2 : 0;
}

/* Queue 0 of the disk at `area`, `n` entries: started, set, ready. */
static bool disk_open(void *area, uint64_t n)
{
	return pv_io_call(MOAT_PVIO_START, DISK, PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_EVENT_IDX, 0) ==
		       MOAT_OK &&
	       pv_io_call(MOAT_PVIO_QUEUE, DISK, (uintptr_t)area, n) == MOAT_OK &&
	       pv_io_call(MOAT_PVIO_READY, DISK, 0, 0) == MOAT_OK;
}

static bool sector_is(const uint8_t *p, char letter, uint64_t sector)
{
	const struct sector_head *h = (const struct sector_head *)p;
	static const char tag[7] = "moat-pv";

	for (unsigned i = 0; i < 7; i++)
		if (h->tag[i] != tag[i])
			return false;
	return h->tag[7] == letter && h->sector == sector;
}

/* ---- The console: a virtio console's transmitq, when the VMM has one ---- */

static struct pv_vq_drv con;
static struct pv_vq_drv_slot con_slots[CON_QUEUE];
static uint32_t con_free = (1u << CON_QUEUE) - 1; /* lines not with the device */
static unsigned con_dev = MOAT_PVIO_DEVICES;	   /* none yet */
static const struct pv_vq_drv_config con_config = {
	.size = CON_QUEUE,
	.features = PV_VIRTIO_F_VERSION_1,
	.desc = (struct pv_virtq_desc *)con_area,
	.avail = (struct pv_virtq_avail *)(con_area + MOAT_PVIO_AVAIL_OFFSET(CON_QUEUE)),
	.used = (struct pv_virtq_used *)(con_area + MOAT_PVIO_USED_OFFSET(CON_QUEUE)),
	.slots = con_slots,
};

/* The VMM's virtio console, if it has one, for pv_print from now on. */
bool pv_console_open(void)
{
	for (unsigned d = 0; d < MOAT_PVIO_DEVICES; d++) {
		struct pv_hvc r = pv_hypercall(MOAT_PVIO_INFO, d, 0, 0);

		if (r.x0 != MOAT_OK || r.x1 != VIRTIO_ID_CONSOLE)
			continue;
		if (pv_vq_drv_init(&con, &con_config) == PV_OK &&
		    pv_io_call(MOAT_PVIO_START, d, PV_VIRTIO_F_VERSION_1, 0) == MOAT_OK &&
		    pv_io_call(MOAT_PVIO_QUEUE, d, (uintptr_t)con_rx_area, CON_QUEUE) == MOAT_OK &&
		    pv_io_call(MOAT_PVIO_QUEUE, d | 1u << 8, (uintptr_t)con_area, CON_QUEUE) ==
			    MOAT_OK &&
		    pv_io_call(MOAT_PVIO_READY, d, 0, 0) == MOAT_OK)
			con_dev = d;
		break;
	}
	return con_dev != MOAT_PVIO_DEVICES;
}

bool pv_console_write(const char *text, size_t n)
{
	struct pv_sg sg;
	uint64_t token;
	uint32_t len;
	unsigned k;
	int got;

	if (con_dev == MOAT_PVIO_DEVICES || n == 0 || n > MOAT_HVC_CONSOLE_MAX)
		return false;
	while (!con_free) { /* every line with the device: wait for one back */
		if ((got = pv_vq_drv_get_used(&con, &token, &len)) == 1 && token < CON_QUEUE)
			con_free |= 1u << token;
		else if (got < 0 || got == 1)
			return false; /* the queue broke: the hypercall console from now on */
		else if (pv_vq_drv_prepare_wait(&con))
			pv_irq_wait();
	}
	k = (unsigned)__builtin_ctz(con_free);
	for (size_t i = 0; i < n; i++)
		con_buf[k][i] = text[i];
	sg = (struct pv_sg){ .addr = pv_gaddr((uintptr_t)con_buf[k]), .len = (uint32_t)n };
	if (pv_vq_drv_add(&con, &sg, 1, 0, k) < 0)
		return false;
	con_free &= ~(1u << k);
	if (pv_vq_drv_kick_needed(&con))
		pv_io_call(MOAT_PVIO_NOTIFY, con_dev | 1u << 8, 0, 0);
	return true;
}

/* ---- The honest client ---- */

static struct pv_vq_drv_slot slots[QUEUE];
static struct req reqs[BENCH_QD] __attribute__((aligned(16)));
static struct pv_vq_drv vq;
static const struct pv_vq_drv_config vq_config = {
	.size = QUEUE,
	.features = PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_EVENT_IDX,
	.desc = (struct pv_virtq_desc *)queue_area,
	.avail = (struct pv_virtq_avail *)(queue_area + MOAT_PVIO_AVAIL_OFFSET(QUEUE)),
	.used = (struct pv_virtq_used *)(queue_area + MOAT_PVIO_USED_OFFSET(QUEUE)),
	.slots = slots,
};

static void kick(void)
{
	if (pv_vq_drv_kick_needed(&vq))
		pv_io_call(MOAT_PVIO_NOTIFY, DISK, 0, 0);
}

/* Request k (its header and status) for `len` bytes at `buf`, made available; not kicked. */
static bool add_at(unsigned k, uint32_t type, uint64_t sector, uint8_t *buf, uint32_t len)
{
	struct pv_sg sg[3] = {
		{ .addr = pv_gaddr((uintptr_t)&reqs[k].hdr), .len = sizeof(struct blk_hdr) },
		{ .addr = pv_gaddr((uintptr_t)buf), .len = len },
		{ .addr = pv_gaddr((uintptr_t)&reqs[k].status), .len = 1 },
	};
	bool read = type == VIRTIO_BLK_T_IN;

	reqs[k].hdr = (struct blk_hdr){ .type = type, .sector = sector };
	reqs[k].status = STATUS_UNSET;
	if (len == 0) {
		sg[1] = sg[2];
		if (pv_vq_drv_add(&vq, sg, 1, 1, k) < 0)
			return false;
	} else if (pv_vq_drv_add(&vq, sg, read ? 1 : 2, read ? 2 : 1, k) < 0) {
		return false;
	}
	return true;
}

static bool submit(unsigned k, uint32_t type, uint64_t sector, uint32_t len)
{
	if (!add_at(k, type, sector, data[k], len))
		return false;
	kick();
	return true;
}

/*
 * The next completed request (its index), waiting for it; -1 if the queue
 * broke. Waiting, it asks to be interrupted only once `batch` have completed.
 */
static int reap_batch(uint16_t batch)
{
	uint64_t token;
	uint32_t len;
	int n;

	for (;;) {
		if ((n = pv_vq_drv_get_used(&vq, &token, &len)) == 1)
			return token < BENCH_QD ? (int)token : -1;
		if (n < 0)
			return -1;
		if (pv_vq_drv_prepare_wait_for(&vq, batch))
			pv_irq_wait();
	}
}

static int reap(void)
{
	return reap_batch(1);
}

/* One request, waited for: its status byte. */
static unsigned one(uint32_t type, uint64_t sector, uint32_t len)
{
	int k;

	if (!submit(0, type, sector, len) || (k = reap()) != 0)
		return 0x100;
	return reqs[0].status;
}

static unsigned heads_wrong(const uint8_t *p, uint64_t first, uint32_t sectors)
{
	unsigned wrong = 0;

	for (uint32_t s = 0; s < sectors; s++)
		wrong += !sector_is(p + s * SECTOR, 'V', first + s);
	return wrong;
}

void pv_blk_mode(void)
{
	uint64_t status, sectors = disk_info(&status), next = 0, bytes[2] = { 0, 0 }, wrong = 0;
	uint64_t slot = pv_ms(PV_IO_SLOT_MS), start = pv_ms(PV_IO_WINDOW_START_MS),
		 end = pv_ms(PV_IO_WINDOW_END_MS), percent;
	uint32_t chunk_sectors = CHUNK / SECTOR;
	unsigned reads = 0;

	pv_irq_init();
	pv_check("its output through a virtio console", pv_console_open());
	pv_check("a virtio disk through PV I/O", sectors >= 2 * DEPTH * chunk_sectors);
	if (!sectors)
		return;
	pv_print("pv: blk: %lu sectors\n", sectors);
	pv_check("its queue set up by hypercall",
	      pv_vq_drv_init(&vq, &vq_config) == PV_OK && disk_open(queue_area, QUEUE));
	pv_check("a read of its first 128 sectors", one(VIRTIO_BLK_T_IN, 0, CHUNK) == 0 &&
						 heads_wrong(data[0], 0, chunk_sectors) == 0);
	for (uint32_t s = 0; s < chunk_sectors; s++)
		data[0][s * SECTOR + 7] = 'W'; /* "moat-pvW": written by the guest */
	pv_check("a write of 128 sectors at its last chunk",
	      one(VIRTIO_BLK_T_OUT, sectors - chunk_sectors, CHUNK) == 0);
	pv_check("a flush", one(VIRTIO_BLK_T_FLUSH, 0, 0) == 0);
	pv_check("a read past its disk refused", one(VIRTIO_BLK_T_IN, sectors, SECTOR) == 1);

	/* Sequential reads, DEPTH in flight, over the disk but its last chunk, until `end`. */
	/*
	 * From half a second before the window, so that what the disk lets
	 * through at first (a throttled disk's burst) is over before it.
	 */
	sleep_until(start - pv_ms(500)); /* the hostile guest, below us, does its first attacks */
	for (unsigned k = 0; k < DEPTH; k++, next += chunk_sectors)
		submit(k, VIRTIO_BLK_T_IN, next, CHUNK);
	for (;;) {
		int k = reap();
		uint64_t t = pv_now(), first;

		if (k < 0) {
			pv_check("the queue stays whole", false);
			return;
		}
		if (reqs[k].status != 0) {
			pv_check("every read succeeds", false);
			return;
		}
		first = reqs[k].hdr.sector;
		if (first < sectors - chunk_sectors) /* not the chunk it wrote */
			wrong += heads_wrong(data[k], first, chunk_sectors);
		if (t >= end)
			break;
		if (t >= start) {
			bytes[(t - start) / slot % 2] += CHUNK;
			reads++;
		}
		if (next + chunk_sectors > sectors - chunk_sectors)
			next = 0;
		submit((unsigned)k, VIRTIO_BLK_T_IN, next, CHUNK);
		next += chunk_sectors;
	}
	percent = bytes[0] ? bytes[1] * 100 / bytes[0] : 0;
	pv_print("pv: blk: %u reads of 64 KiB: %lu KiB in quiet slots, %lu KiB in attacked "
		 "slots: %lu%%\n",
		 reads, bytes[0] >> 10, bytes[1] >> 10, percent);
	pv_check("every sector read is its own disk's", wrong == 0);
	pv_check("under attack, at least 90% of the undisturbed throughput", percent >= 90);
	pv_print("pv: blk mode: %u failure(s)\n", pv_io_failures);
}

/* ---- The benchmarks (./moat bench, guests/linux/blk_bench.py --pv) ---- */

/*
 * `bytes` of `type` from sector `first`, in requests of `chunk` bytes,
 * `depth` in flight (buffers at bench_data). It waits for `batch`
 * completions at a time (at most `depth`), takes every one there is, and
 * makes as many new requests available before it decides on one kick.
 * False on an error.
 */
static bool stream(uint32_t type, uint64_t first, uint64_t bytes, uint32_t chunk, unsigned depth,
		   uint16_t batch)
{
	uint64_t n = bytes / chunk, queued = 0, done = 0, token;
	uint32_t len;
	int got;

	for (unsigned k = 0; k < depth && queued < n; k++, queued++)
		if (!add_at(k, type, first + queued * (chunk / SECTOR), bench_data + k * chunk, chunk))
			return false;
	kick();
	while (done < n) {
		uint64_t in_flight = queued - done;

		got = reap_batch((uint16_t)(in_flight < batch ? in_flight : batch));
		do {
			if (got < 0 || reqs[got].status != 0)
				return false;
			done++;
			if (queued < n &&
			    !add_at((unsigned)got, type, first + queued++ * (chunk / SECTOR),
				    bench_data + (unsigned)got * chunk, chunk))
				return false;
		} while ((got = pv_vq_drv_get_used(&vq, &token, &len)) == 1 &&
			 (got = token < BENCH_QD ? (int)token : -1) >= 0);
		if (got < 0)
			return false;
		kick();
	}
	return true;
}

void pv_blk_bench_mode(bool qd32)
{
	uint64_t status, sectors = disk_info(&status);

	pv_irq_init();
	pv_check("its output through a virtio console", pv_console_open());
	pv_check("a virtio disk big enough", sectors >= BENCH_FIRST + BENCH_BYTES / SECTOR);
	pv_check("its queue set up by hypercall",
		 pv_vq_drv_init(&vq, &vq_config) == PV_OK && disk_open(queue_area, QUEUE));
	if (pv_io_failures)
		return;
	if (qd32) {
		/* 32 reads of 4 KiB in flight, 8192 in all, interrupts 16 completions at a time. */
		pv_check("8192 reads of 4 KiB, 32 in flight",
			 stream(VIRTIO_BLK_T_IN, BENCH_FIRST, 8192ull * 4096, 4096, BENCH_QD, 16));
	} else {
		/* As the driver's own: 8 requests of 128 KiB in flight. */
		pv_check("a read of 32 MiB", stream(VIRTIO_BLK_T_IN, BENCH_FIRST, BENCH_BYTES,
						    BENCH_CHUNK, BENCH_DEPTH, 1));
		pv_check("a write of 32 MiB", stream(VIRTIO_BLK_T_OUT, BENCH_FIRST, BENCH_BYTES,
						     BENCH_CHUNK, BENCH_DEPTH, 1) &&
						      one(VIRTIO_BLK_T_FLUSH, 0, 0) == 0);
	}
	pv_print("pv: blk bench mode: %u failure(s)\n", pv_io_failures);
}

/* ---- The hostile frontend ---- */

static struct req raw_req __attribute__((aligned(16)));
static uint16_t raw_avail, raw_used;
static uint64_t refused, attacks;

static volatile struct pv_virtq_desc *const raw_desc = (void *)raw_area;
static volatile struct pv_virtq_avail *const raw_av =
	(void *)(raw_area + MOAT_PVIO_AVAIL_OFFSET(RAW));
static volatile struct pv_virtq_used *const raw_us =
	(void *)(raw_area + MOAT_PVIO_USED_OFFSET(RAW));

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	raw_desc[i].addr = addr;
	raw_desc[i].len = len;
	raw_desc[i].flags = flags;
	raw_desc[i].next = next;
}

static bool raw_open(void)
{
	for (unsigned i = 0; i < MOAT_PVIO_QUEUE_BYTES(RAW); i++)
		raw_area[i] = 0;
	raw_avail = raw_used = 0;
	return disk_open(raw_area, RAW);
}

/* Head `head` made available `count` entries on (1: honest), then notified. */
static void publish(uint16_t head, uint16_t count)
{
	raw_av->ring[raw_avail % RAW] = head;
	raw_avail = (uint16_t)(raw_avail + count);
	__asm__ volatile("dmb ishst" ::: "memory");
	raw_av->idx = raw_avail;
	pv_io_call(MOAT_PVIO_NOTIFY, DISK, 0, 0);
}

/* Waits (spinning: this guest is below everyone) for the used element of the last chain. */
static bool used(uint32_t *len)
{
	for (uint64_t spins = 0; raw_us->idx == raw_used; spins++) {
		if (spins > 50000000ul)
			return false;
	}
	*len = raw_us->ring[raw_used % RAW].len;
	raw_used++;
	return true;
}

/* A chain the VMM must refuse whole: returned at once with nothing written. */
static bool refused_whole(void)
{
	uint32_t len = 1;

	publish(0, 1);
	attacks++;
	if (!used(&len) || len != 0)
		return false;
	refused++;
	return true;
}

/* A well-formed chain whose request the VMM must fail: status IOERR. */
static bool failed(void)
{
	uint32_t len = 0;

	raw_req.status = STATUS_UNSET;
	publish(0, 1);
	attacks++;
	if (!used(&len) || len != 1 || raw_req.status != 1)
		return false;
	refused++;
	return true;
}

static void header(uint32_t type, uint64_t sector)
{
	raw_req.hdr = (struct blk_hdr){ .type = type, .sector = sector };
	desc(0, (uintptr_t)&raw_req.hdr, sizeof(raw_req.hdr), PV_VIRTQ_DESC_F_NEXT, 1);
}

/* An honest read of its first sector: its own disk's, and the queue still works. */
static bool honest(void)
{
	uint32_t len = 0;

	header(VIRTIO_BLK_T_IN, 0);
	desc(1, (uintptr_t)raw_data, SECTOR, PV_VIRTQ_DESC_F_NEXT | PV_VIRTQ_DESC_F_WRITE, 2);
	desc(2, (uintptr_t)&raw_req.status, 1, PV_VIRTQ_DESC_F_WRITE, 0);
	raw_req.status = STATUS_UNSET;
	publish(0, 1);
	return used(&len) && len == SECTOR + 1 && raw_req.status == 0 &&
	       sector_is(raw_data, 'H', 0);
}

enum attack {
	ZERO_LENGTH,   /* a data descriptor of 0 bytes */
	LOOP,	       /* a chain whose next points back to its head */
	OUT_OF_WINDOW, /* a header below RAM */
	PAST_RAM,      /* a buffer running past the end of RAM */
	BAD_NEXT,      /* a next beyond the table */
	OVERSIZE,      /* 1 MiB of data in one request */
	PAST_DISK,     /* sectors beyond its disk */
	ATTACKS
};

static const char *const attack_name[ATTACKS] = {
	"a descriptor of length 0",     "a chain that loops",
	"a header outside RAM",	        "a buffer past the end of RAM",
	"a next index beyond the table", "a request of 1 MiB",
	"a read past its disk",
};

static bool attack(enum attack a, uint64_t sectors)
{
	uint16_t w = PV_VIRTQ_DESC_F_WRITE, n = PV_VIRTQ_DESC_F_NEXT;

	header(VIRTIO_BLK_T_IN, 0);
	desc(2, (uintptr_t)&raw_req.status, 1, w, 0);
	switch (a) {
	case ZERO_LENGTH:
		desc(1, (uintptr_t)raw_data, 0, w | n, 2);
		return refused_whole();
	case LOOP: /* header, then a readable buffer leading back to the header */
		desc(1, (uintptr_t)raw_data, SECTOR, n, 0);
		return refused_whole();
	case OUT_OF_WINDOW:
		desc(0, PV_RAM_IPA - 0x1000, sizeof(raw_req.hdr), n, 1);
		desc(1, (uintptr_t)raw_data, SECTOR, w | n, 2);
		return refused_whole();
	case PAST_RAM:
		desc(1, PV_RAM_IPA + RAM_BYTES - SECTOR, 2 * SECTOR, w | n, 2);
		return refused_whole();
	case BAD_NEXT:
		desc(1, (uintptr_t)raw_data, SECTOR, w | n, 999);
		return refused_whole();
	case OVERSIZE:
		desc(1, PV_RAM_IPA + RAM_BYTES / 2, 0x100000, w | n, 2);
		return failed();
	default: /* PAST_DISK */
		header(VIRTIO_BLK_T_IN, sectors - 1);
		desc(1, (uintptr_t)raw_data, 2 * SECTOR, w | n, 2);
		return failed();
	}
}

/* The available index jumps by far more than the queue holds: the queue must break. */
static bool index_jump(void)
{
	uint64_t status;

	header(VIRTIO_BLK_T_IN, 0);
	attacks++;
	publish(0, 1000);
	disk_info(&status);
	if (!(status & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET))
		return false;
	refused++;
	return pv_io_call(MOAT_PVIO_RESET, DISK, 0, 0) == MOAT_OK && raw_open();
}

/* Notifications with nothing new: each costs a hypercall and changes nothing. */
static bool flood(void)
{
	uint16_t before = raw_us->idx;

	for (unsigned i = 0; i < FLOOD; i++)
		pv_io_call(MOAT_PVIO_NOTIFY, DISK, 0, 0);
	attacks += FLOOD;
	return raw_us->idx == before;
}

void pv_hostile_mode(void)
{
	uint64_t status, sectors = disk_info(&status), slot = pv_ms(PV_IO_SLOT_MS),
			 start = pv_ms(PV_IO_WINDOW_START_MS), end = pv_ms(PV_IO_WINDOW_END_MS), t;
	unsigned round = 0, wrong = 0;

	pv_irq_init();
	pv_check("its output through a virtio console", pv_console_open());
	pv_check("a virtio disk through PV I/O", sectors != 0);
	if (!sectors)
		return;
	pv_check("bad calls refused", pv_io_call(MOAT_PVIO_QUEUE, DISK, (uintptr_t)raw_area, RAW) ==
					   MOAT_ILLEGAL_OPERATION &&
					   pv_io_call(MOAT_PVIO_INFO, 7, 0, 0) == MOAT_INVALID_ARGUMENT &&
					   pv_io_call(MOAT_PVIO_NOTIFY, DISK, 0, 0) ==
						   MOAT_ILLEGAL_OPERATION);
	pv_check("its queue set up by hypercall", raw_open());
	pv_check("an honest read", honest());
	for (unsigned a = 0; a < ATTACKS; a++) {
		bool ok = attack((enum attack)a, sectors);

		pv_print("pv: hostile: %s refused: %s\n", attack_name[a], ok ? "ok" : "WRONG");
		pv_io_failures += !ok;
		pv_check("an honest read after it", honest());
	}
	pv_check("an index jump breaks the queue, a reset mends it", index_jump() && honest());
	pv_check("a flood of notifications changes nothing", flood() && honest());

	/* The same again, in every odd slot of the window, spinning in the even ones. */
	while ((t = pv_now()) < end) {
		if (t < start || (t - start) / slot % 2 == 0)
			continue;
		for (unsigned a = 0; a < ATTACKS; a++)
			wrong += !attack((enum attack)a, sectors);
		if (round++ % 8 == 0)
			wrong += !index_jump();
		wrong += !flood() + !honest();
	}
	pv_print("pv: hostile: %u rounds of attacks in the window, %lu attacks, %lu chains "
		 "refused, %u not as expected\n",
		 round, attacks, refused, wrong);
	pv_io_failures += wrong != 0;
	pv_print("pv: hostile mode: %u failure(s)\n", pv_io_failures);
}
