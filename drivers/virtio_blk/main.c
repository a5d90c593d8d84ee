/*
 * The virtio block driver domain (docs/io.md): QEMU's virtio-blk-device,
 * served to the block backend over channel 0 (moat/blk.h). Each request
 * is checked (check.c: the memory the root server lets that client name)
 * and goes to the device as it is: the device moves the data to and from
 * the guests' memory, never through here. A completion goes back only
 * once the device has completed the request.
 */
#include <moat/blk_channel.h>
#include <moat/domain.h>
#include <moat/runtime.h>

#include "check.h"
#include "virtio_blk/blk_dev.h"

/* A request at the device: the backend's tag and client, for its completion. */
struct slot {
	uint64_t tag;
	uint32_t client;
	bool busy;
};

static struct blk_dev dev;
static struct moat_blk_server chan;
static const struct moat_blk_ranges *ranges;
static struct slot slots[BLK_MAX_REQUESTS];
/* Completions the backend's full ring has not taken yet: at most one per slot, and refusals. */
static struct moat_blk_completion backlog[2 * BLK_MAX_REQUESTS];
static unsigned backlog_count;
static struct moat_blk_request held; /* taken from the ring, waiting for room at the device */
static bool holding;
static uint64_t refused;

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
	for (uint32_t k = 0; k < q->count; k++)
		seg[k] = (struct blk_dev_segment){ q->seg[k].addr, q->seg[k].len };
	err = blk_dev_submit_sg(&dev, (enum blk_op)q->op, q->sector, seg, q->count, i);
	if (err == BLK_E_BUSY)
		return false;
	if (err) {
		complete(q->tag, q->client, err == BLK_E_RANGE ? MOAT_BLK_REFUSED : MOAT_BLK_IOERR);
		return true;
	}
	slots[i] = (struct slot){ q->tag, q->client, true };
	return true;
}

/* Requests from the ring while the device and the backlog have room. */
static void take_requests(void)
{
	bool took = false;

	while (backlog_count + 1 < sizeof(backlog) / sizeof(backlog[0])) {
		if (!holding) {
			if (pv_ring_consume(&chan.req, &held, 1) != 1)
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
