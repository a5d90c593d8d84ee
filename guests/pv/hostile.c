/*
 * The PV guest's hostile disk frontend (PV_MODE_HOSTILE, docs/io.md "PV
 * guests"): it writes its own queue the way an attacker would and checks
 * that its VMM refuses every attack and still serves an honest request
 * after each; then it repeats them in every odd slot of blk.c's window,
 * while the honest guest beside it measures its throughput.
 */
#include "pv.h"

#include <libpv/err.h>
#include <libpv/virtq.h>
#include <moat/hypercall.h>
#include <moat/pvio.h>
#include <moat/types.h>

#include "io.h"

#define RAW   16u   /* its queue */
#define FLOOD 2000u /* notifications without anything new, per flood */
_Static_assert(MOAT_PVIO_QUEUE_BYTES(RAW) <= 0x1000, "the queue in its page");

static struct req raw_req __attribute__((aligned(16)));
static uint16_t raw_avail, raw_used;
static uint64_t refused, attacks;

static volatile struct pv_virtq_desc *const raw_desc = (void *)PV_RAW_AREA;
static volatile struct pv_virtq_avail *const raw_av =
	(void *)(PV_RAW_AREA + MOAT_PVIO_AVAIL_OFFSET(RAW));
static volatile struct pv_virtq_used *const raw_us =
	(void *)(PV_RAW_AREA + MOAT_PVIO_USED_OFFSET(RAW));

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
		PV_RAW_AREA[i] = 0;
	raw_avail = raw_used = 0;
	return pv_disk_open(PV_RAW_AREA, RAW);
}

/* Head `head` made available `count` entries on (1: honest), then notified. */
static void publish(uint16_t head, uint16_t count)
{
	raw_av->ring[raw_avail % RAW] = head;
	raw_avail = (uint16_t)(raw_avail + count);
	__asm__ volatile("dmb ishst" ::: "memory");
	raw_av->idx = raw_avail;
	pv_io_call(MOAT_PVIO_NOTIFY, PV_DISK, 0, 0);
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
	raw_req.hdr = (struct blk_hdr){.type = type, .sector = sector};
	desc(0, (uintptr_t)&raw_req.hdr, sizeof(raw_req.hdr), PV_VIRTQ_DESC_F_NEXT, 1);
}

/* An honest read of its first sector: its own disk's, and the queue still works. */
static bool honest(void)
{
	uint32_t len = 0;

	header(VIRTIO_BLK_T_IN, 0);
	desc(1, (uintptr_t)PV_RAW_DATA, SECTOR, PV_VIRTQ_DESC_F_NEXT | PV_VIRTQ_DESC_F_WRITE, 2);
	desc(2, (uintptr_t)&raw_req.status, 1, PV_VIRTQ_DESC_F_WRITE, 0);
	raw_req.status = STATUS_UNSET;
	publish(0, 1);
	return used(&len) && len == SECTOR + 1 && raw_req.status == 0 &&
	       pv_sector_is(PV_RAW_DATA, 'H', 0);
}

enum attack {
	ZERO_LENGTH,   /* a data descriptor of 0 bytes */
	LOOP,	       /* a chain whose next points back to its head */
	OUT_OF_WINDOW, /* a header below RAM */
	PAST_RAM,      /* a buffer running past the end of RAM */
	BAD_NEXT,      /* a next beyond the table */
	OVERSIZE,      /* 1 MiB of data in one request */
	PAST_PV_DISK,  /* sectors beyond its disk */
	ATTACKS
};

static const char *const attack_name[ATTACKS] = {
	"a descriptor of length 0",	 "a chain that loops",
	"a header outside RAM",		 "a buffer past the end of RAM",
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
		desc(1, (uintptr_t)PV_RAW_DATA, 0, w | n, 2);
		return refused_whole();
	case LOOP: /* header, then a readable buffer leading back to the header */
		desc(1, (uintptr_t)PV_RAW_DATA, SECTOR, n, 0);
		return refused_whole();
	case OUT_OF_WINDOW:
		desc(0, PV_RAM_IPA - 0x1000, sizeof(raw_req.hdr), n, 1);
		desc(1, (uintptr_t)PV_RAW_DATA, SECTOR, w | n, 2);
		return refused_whole();
	case PAST_RAM:
		desc(1, PV_RAM_IPA + RAM_BYTES - SECTOR, 2 * SECTOR, w | n, 2);
		return refused_whole();
	case BAD_NEXT:
		desc(1, (uintptr_t)PV_RAW_DATA, SECTOR, w | n, 999);
		return refused_whole();
	case OVERSIZE:
		desc(1, PV_RAM_IPA + RAM_BYTES / 2, 0x100000, w | n, 2);
		return failed();
	default: /* PAST_DISK */
		header(VIRTIO_BLK_T_IN, sectors - 1);
		desc(1, (uintptr_t)PV_RAW_DATA, 2 * SECTOR, w | n, 2);
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
	pv_disk_info(&status);
	if (!(status & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET))
		return false;
	refused++;
	return pv_io_call(MOAT_PVIO_RESET, PV_DISK, 0, 0) == MOAT_OK && raw_open();
}

/* Notifications with nothing new: each costs a hypercall and changes nothing. */
static bool flood(void)
{
	uint16_t before = raw_us->idx;

	for (unsigned i = 0; i < FLOOD; i++)
		pv_io_call(MOAT_PVIO_NOTIFY, PV_DISK, 0, 0);
	attacks += FLOOD;
	return raw_us->idx == before;
}

void pv_hostile_mode(void)
{
	uint64_t status, sectors = pv_disk_info(&status), slot = pv_ms(PV_IO_SLOT_MS),
			 start = pv_ms(PV_IO_WINDOW_START_MS), end = pv_ms(PV_IO_WINDOW_END_MS), t;
	unsigned round = 0, wrong = 0;

	pv_irq_init();
	pv_check("its output through a virtio console", pv_console_open());
	pv_check("a virtio disk through PV I/O", sectors != 0);
	if (!sectors)
		return;
	pv_check("bad calls refused",
		 pv_io_call(MOAT_PVIO_QUEUE, PV_DISK, (uintptr_t)PV_RAW_AREA, RAW) ==
				 MOAT_ILLEGAL_OPERATION &&
			 pv_io_call(MOAT_PVIO_INFO, 7, 0, 0) == MOAT_INVALID_ARGUMENT &&
			 pv_io_call(MOAT_PVIO_NOTIFY, PV_DISK, 0, 0) == MOAT_ILLEGAL_OPERATION);
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
