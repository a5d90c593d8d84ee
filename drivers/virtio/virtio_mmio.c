/* The virtio-mmio transport; see virtio_mmio.h. */
#include "virtio_mmio.h"

#define POLLS_MAX 1000000u /* reads before a reset, or a config read, counts as failed */

static uint32_t rd(struct virtio_mmio *m, unsigned off)
{
	uint32_t v = m->regs[off / 4];

	__asm__ volatile("dmb oshld" ::: "memory"); /* later loads see what it says */
	return v;
}

static uint8_t rd8(struct virtio_mmio *m, unsigned off)
{
	uint8_t v = ((volatile uint8_t *)m->regs)[off];

	__asm__ volatile("dmb oshld" ::: "memory");
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
	wr(m, PV_VMMIO_STATUS, rd(m, PV_VMMIO_STATUS) | PV_VIRTIO_STATUS_FAILED);
}

const char *virtio_mmio_start(struct virtio_mmio *m, uintptr_t regs, uint32_t device_id,
			      uint64_t wanted, uint64_t *features)
{
	uint64_t offered;

	m->regs = (volatile uint32_t *)regs;
	if (rd(m, PV_VMMIO_MAGIC) != PV_VMMIO_MAGIC_VALUE)
		return "no virtio-mmio device there (bad magic)";
	if (rd(m, PV_VMMIO_VERSION_REG) != PV_VMMIO_VERSION)
		return "a legacy virtio-mmio device (version 1): QEMU needs "
		       "-global virtio-mmio.force-legacy=false";
	if (rd(m, PV_VMMIO_DEVICE_ID) != device_id)
		return rd(m, PV_VMMIO_DEVICE_ID) ? "another kind of virtio device" : "no device plugged in";
	wr(m, PV_VMMIO_STATUS, 0); /* reset, then wait for it to read back 0 */
	for (unsigned i = 0; rd(m, PV_VMMIO_STATUS); i++) {
		if (i == POLLS_MAX)
			return "the device does not finish its reset";
	}
	wr(m, PV_VMMIO_STATUS, PV_VIRTIO_STATUS_ACKNOWLEDGE);
	wr(m, PV_VMMIO_STATUS, PV_VIRTIO_STATUS_ACKNOWLEDGE | PV_VIRTIO_STATUS_DRIVER);
	wr(m, PV_VMMIO_DEVICE_FEATURES_SEL, 0);
	offered = rd(m, PV_VMMIO_DEVICE_FEATURES);
	wr(m, PV_VMMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)rd(m, PV_VMMIO_DEVICE_FEATURES) << 32;
	*features = offered & wanted;
	if (!(*features & PV_VIRTIO_F_VERSION_1)) {
		fail(m);
		return "the device does not offer VIRTIO_F_VERSION_1";
	}
	wr(m, PV_VMMIO_DRIVER_FEATURES_SEL, 0);
	wr(m, PV_VMMIO_DRIVER_FEATURES, (uint32_t)*features);
	wr(m, PV_VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(m, PV_VMMIO_DRIVER_FEATURES, (uint32_t)(*features >> 32));
	wr(m, PV_VMMIO_STATUS, rd(m, PV_VMMIO_STATUS) | PV_VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(m, PV_VMMIO_STATUS) & PV_VIRTIO_STATUS_FEATURES_OK)) {
		fail(m);
		return "the device refused our features";
	}
	return NULL;
}

const char *virtio_mmio_queue(struct virtio_mmio *m, unsigned q, uint32_t size, uint64_t desc,
			      uint64_t avail, uint64_t used)
{
	uint32_t max;

	wr(m, PV_VMMIO_QUEUE_SEL, q);
	if (rd(m, PV_VMMIO_QUEUE_READY))
		return "the queue is in use already";
	max = rd(m, PV_VMMIO_QUEUE_NUM_MAX);
	if (!max)
		return "the device has no such queue";
	if (!size || (size & (size - 1)) || size > max)
		return "queue size not a power of two within the device's maximum";
	wr(m, PV_VMMIO_QUEUE_NUM, size);
	wr64(m, PV_VMMIO_QUEUE_DESC_LOW, desc);
	wr64(m, PV_VMMIO_QUEUE_DRIVER_LOW, avail);
	wr64(m, PV_VMMIO_QUEUE_DEVICE_LOW, used);
	wr(m, PV_VMMIO_QUEUE_READY, 1);
	return NULL;
}

void virtio_mmio_ready(struct virtio_mmio *m)
{
	wr(m, PV_VMMIO_STATUS, rd(m, PV_VMMIO_STATUS) | PV_VIRTIO_STATUS_DRIVER_OK);
}

void virtio_mmio_notify(struct virtio_mmio *m, unsigned q)
{
	wr(m, PV_VMMIO_QUEUE_NOTIFY, q);
}

uint32_t virtio_mmio_interrupt(struct virtio_mmio *m)
{
	uint32_t causes = rd(m, PV_VMMIO_INTERRUPT_STATUS);

	wr(m, PV_VMMIO_INTERRUPT_ACK, causes);
	return causes;
}

uint32_t virtio_mmio_status(struct virtio_mmio *m)
{
	return rd(m, PV_VMMIO_STATUS);
}

uint32_t virtio_mmio_config32(struct virtio_mmio *m, unsigned offset)
{
	return rd(m, PV_VMMIO_CONFIG + offset);
}

bool virtio_mmio_config64(struct virtio_mmio *m, unsigned offset, uint64_t *value)
{
	for (unsigned i = 0; i < POLLS_MAX; i++) {
		uint32_t gen = rd(m, PV_VMMIO_CONFIG_GENERATION);

		*value = rd(m, PV_VMMIO_CONFIG + offset) |
			 (uint64_t)rd(m, PV_VMMIO_CONFIG + offset + 4) << 32;
		if (rd(m, PV_VMMIO_CONFIG_GENERATION) == gen)
			return true;
	}
	return false;
}

bool virtio_mmio_config_bytes(struct virtio_mmio *m, unsigned offset, uint8_t *buf, unsigned n)
{
	for (unsigned i = 0; i < POLLS_MAX; i++) {
		uint32_t gen = rd(m, PV_VMMIO_CONFIG_GENERATION);

		for (unsigned k = 0; k < n; k++)
			buf[k] = rd8(m, PV_VMMIO_CONFIG + offset + k);
		if (rd(m, PV_VMMIO_CONFIG_GENERATION) == gen)
			return true;
	}
	return false;
}
