/* The virtio-mmio transport; see virtio_mmio.h. */
#include "virtio_mmio.h"

#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_DEVICE_FEATURES 0x010
#define REG_DEVICE_FEATURES_SEL 0x014
#define REG_DRIVER_FEATURES 0x020
#define REG_DRIVER_FEATURES_SEL 0x024
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_READY 0x044
#define REG_QUEUE_NOTIFY 0x050
#define REG_INTERRUPT_STATUS 0x060
#define REG_INTERRUPT_ACK 0x064
#define REG_STATUS 0x070
#define REG_QUEUE_DESC 0x080
#define REG_QUEUE_AVAIL 0x090
#define REG_QUEUE_USED 0x0a0
#define REG_CONFIG_GENERATION 0x0fc
#define REG_CONFIG 0x100

#define MAGIC 0x74726976u /* "virt" */
#define RESET_POLLS 1000000u /* reads of the status before a reset counts as failed */

static uint32_t rd(struct virtio_mmio *m, unsigned off)
{
	uint32_t v = m->regs[off / 4];

	__asm__ volatile("dmb oshld" ::: "memory"); /* later loads see what it says */
	return v;
}

static void wr(struct virtio_mmio *m, unsigned off, uint32_t v)
{
	__asm__ volatile("dmb oshst" ::: "memory"); /* earlier stores reach the device first */
	m->regs[off / 4] = v;
}

static void wr64(struct virtio_mmio *m, unsigned off, uint64_t v)
{
	wr(m, off, (uint32_t)v);
	wr(m, off + 4, (uint32_t)(v >> 32));
}

static void fail(struct virtio_mmio *m)
{
	wr(m, REG_STATUS, rd(m, REG_STATUS) | VIRTIO_STATUS_FAILED);
}

const char *virtio_mmio_start(struct virtio_mmio *m, uintptr_t regs, uint32_t device_id,
			      uint64_t wanted, uint64_t *features)
{
	uint64_t offered;

	m->regs = (volatile uint32_t *)regs;
	if (rd(m, REG_MAGIC) != MAGIC)
		return "no virtio-mmio device there (bad magic)";
	if (rd(m, REG_VERSION) != 2)
		return "a legacy virtio-mmio device (version 1): QEMU needs "
		       "-global virtio-mmio.force-legacy=false";
	if (rd(m, REG_DEVICE_ID) != device_id)
		return rd(m, REG_DEVICE_ID) ? "another kind of virtio device" : "no device plugged in";
	wr(m, REG_STATUS, 0); /* reset, then wait for it to read back 0 */
	for (unsigned i = 0; rd(m, REG_STATUS); i++) {
		if (i == RESET_POLLS)
			return "the device does not finish its reset";
	}
	wr(m, REG_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(m, REG_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(m, REG_DEVICE_FEATURES_SEL, 0);
	offered = rd(m, REG_DEVICE_FEATURES);
	wr(m, REG_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)rd(m, REG_DEVICE_FEATURES) << 32;
	*features = offered & wanted;
	if (!(*features & VIRTIO_F_VERSION_1)) {
		fail(m);
		return "the device does not offer VIRTIO_F_VERSION_1";
	}
	wr(m, REG_DRIVER_FEATURES_SEL, 0);
	wr(m, REG_DRIVER_FEATURES, (uint32_t)*features);
	wr(m, REG_DRIVER_FEATURES_SEL, 1);
	wr(m, REG_DRIVER_FEATURES, (uint32_t)(*features >> 32));
	wr(m, REG_STATUS, rd(m, REG_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(m, REG_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		fail(m);
		return "the device refused our features";
	}
	return NULL;
}

const char *virtio_mmio_queue(struct virtio_mmio *m, unsigned q, uint32_t size, uint64_t desc,
			      uint64_t avail, uint64_t used)
{
	uint32_t max;

	wr(m, REG_QUEUE_SEL, q);
	if (rd(m, REG_QUEUE_READY))
		return "the queue is in use already";
	max = rd(m, REG_QUEUE_NUM_MAX);
	if (!max)
		return "the device has no such queue";
	if (!size || (size & (size - 1)) || size > max)
		return "queue size not a power of two within the device's maximum";
	wr(m, REG_QUEUE_NUM, size);
	wr64(m, REG_QUEUE_DESC, desc);
	wr64(m, REG_QUEUE_AVAIL, avail);
	wr64(m, REG_QUEUE_USED, used);
	wr(m, REG_QUEUE_READY, 1);
	return NULL;
}

void virtio_mmio_ready(struct virtio_mmio *m)
{
	wr(m, REG_STATUS, rd(m, REG_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

void virtio_mmio_notify(struct virtio_mmio *m, unsigned q)
{
	wr(m, REG_QUEUE_NOTIFY, q);
}

uint32_t virtio_mmio_interrupt(struct virtio_mmio *m)
{
	uint32_t causes = rd(m, REG_INTERRUPT_STATUS);

	wr(m, REG_INTERRUPT_ACK, causes);
	return causes;
}

uint32_t virtio_mmio_status(struct virtio_mmio *m)
{
	return rd(m, REG_STATUS);
}

uint32_t virtio_mmio_config32(struct virtio_mmio *m, unsigned offset)
{
	return rd(m, REG_CONFIG + offset);
}

uint64_t virtio_mmio_config64(struct virtio_mmio *m, unsigned offset)
{
	uint32_t gen;
	uint64_t v;

	do {
		gen = rd(m, REG_CONFIG_GENERATION);
		v = rd(m, REG_CONFIG + offset) | (uint64_t)rd(m, REG_CONFIG + offset + 4) << 32;
	} while (rd(m, REG_CONFIG_GENERATION) != gen);
	return v;
}
