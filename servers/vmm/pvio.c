/* PV I/O's hypercalls as virtio-mmio register accesses; see pvio.h. */
#include "pvio.h"

#include <libpv/virtio_mmio.h>
#include <libpv/virtq.h>
#include <moat/types.h>

#define QUEUE_MAX 256u

void pvio_init(struct pvio *p, const struct pvio_ops *ops, unsigned devices, const uint32_t *intid)
{
	*p = (struct pvio){.ops = *ops,
			   .devices = devices < MOAT_PVIO_DEVICES ? devices : MOAT_PVIO_DEVICES};
	for (unsigned i = 0; i < p->devices; i++)
		p->intid[i] = intid[i];
}

static uint64_t rd(struct pvio *p, unsigned dev, uint64_t off)
{
	uint64_t v = 0;

	if (!p->ops.access(p->ops.ctx, dev, off, 4, false, &v))
		return 0;
	return v;
}

static bool wr(struct pvio *p, unsigned dev, uint64_t off, uint64_t v)
{
	return p->ops.access(p->ops.ctx, dev, off, 4, true, &v);
}

/* The first 8 bytes of the device's configuration, as far as it has them (a byte at a time). */
static uint64_t config8(struct pvio *p, unsigned dev)
{
	uint64_t v = 0, b;

	for (unsigned i = 0; i < 8; i++) {
		if (!p->ops.access(p->ops.ctx, dev, PV_VMMIO_CONFIG + i, 1, false, &b))
			break;
		v |= (b & 0xff) << (8 * i);
	}
	return v;
}

static bool wr64(struct pvio *p, unsigned dev, uint64_t low, uint64_t v)
{
	return wr(p, dev, low, (uint32_t)v) && wr(p, dev, low + 4, v >> 32);
}

/* Reset, ACKNOWLEDGE, DRIVER, the guest's features, FEATURES_OK read back. */
static uint64_t start(struct pvio *p, unsigned dev, uint64_t features)
{
	uint32_t s = PV_VIRTIO_STATUS_ACKNOWLEDGE | PV_VIRTIO_STATUS_DRIVER;

	wr(p, dev, PV_VMMIO_STATUS, 0);
	wr(p, dev, PV_VMMIO_STATUS, PV_VIRTIO_STATUS_ACKNOWLEDGE);
	wr(p, dev, PV_VMMIO_STATUS, s);
	for (unsigned sel = 0; sel < 2; sel++) {
		wr(p, dev, PV_VMMIO_DRIVER_FEATURES_SEL, sel);
		wr(p, dev, PV_VMMIO_DRIVER_FEATURES, (uint32_t)(features >> (32 * sel)));
	}
	wr(p, dev, PV_VMMIO_STATUS, s | PV_VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(p, dev, PV_VMMIO_STATUS) & PV_VIRTIO_STATUS_FEATURES_OK))
		return MOAT_ILLEGAL_OPERATION; /* features it does not offer, or no VERSION_1 */
	p->owned[dev] = true;
	return MOAT_OK;
}

static uint64_t queue(struct pvio *p, unsigned dev, unsigned q, uint64_t base, uint64_t n)
{
	uint32_t s = (uint32_t)rd(p, dev, PV_VMMIO_STATUS);

	if (!(s & PV_VIRTIO_STATUS_FEATURES_OK) || (s & PV_VIRTIO_STATUS_DRIVER_OK))
		return MOAT_ILLEGAL_OPERATION;
	if (base % 16 || n == 0 || n > QUEUE_MAX || (n & (n - 1)) ||
	    base + MOAT_PVIO_QUEUE_BYTES(n) < base)
		return MOAT_INVALID_ARGUMENT;
	wr(p, dev, PV_VMMIO_QUEUE_SEL, q);
	if (n > rd(p, dev, PV_VMMIO_QUEUE_NUM_MAX))
		return MOAT_INVALID_ARGUMENT; /* no such queue (0), or smaller */
	if (rd(p, dev, PV_VMMIO_QUEUE_READY))
		return MOAT_ILLEGAL_OPERATION; /* set already: it stays as it is until a reset */
	wr(p, dev, PV_VMMIO_QUEUE_NUM, n);
	wr64(p, dev, PV_VMMIO_QUEUE_DESC_LOW, base);
	wr64(p, dev, PV_VMMIO_QUEUE_DRIVER_LOW, base + MOAT_PVIO_AVAIL_OFFSET(n));
	wr64(p, dev, PV_VMMIO_QUEUE_DEVICE_LOW, base + MOAT_PVIO_USED_OFFSET(n));
	wr(p, dev, PV_VMMIO_QUEUE_READY, 1);
	return rd(p, dev, PV_VMMIO_QUEUE_READY) ? MOAT_OK : MOAT_INVALID_ARGUMENT;
}

static uint64_t ready(struct pvio *p, unsigned dev)
{
	uint32_t s = (uint32_t)rd(p, dev, PV_VMMIO_STATUS);

	if (!(s & PV_VIRTIO_STATUS_FEATURES_OK))
		return MOAT_ILLEGAL_OPERATION;
	wr(p, dev, PV_VMMIO_STATUS, s | PV_VIRTIO_STATUS_DRIVER_OK);
	s = (uint32_t)rd(p, dev, PV_VMMIO_STATUS);
	return (s & PV_VIRTIO_STATUS_DRIVER_OK) && !(s & PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		       ? MOAT_OK
		       : MOAT_ILLEGAL_OPERATION;
}

static uint64_t notify(struct pvio *p, unsigned dev, unsigned q)
{
	if (!(rd(p, dev, PV_VMMIO_STATUS) & PV_VIRTIO_STATUS_DRIVER_OK))
		return MOAT_ILLEGAL_OPERATION;
	wr(p, dev, PV_VMMIO_QUEUE_NOTIFY, q);
	return MOAT_OK;
}

bool pvio_call(struct pvio *p, const uint64_t x[4], uint64_t out[4])
{
	unsigned dev = (unsigned)(x[1] & 0xff), q = (unsigned)(x[1] >> 8 & 0xff);
	uint64_t r;

	if (x[0] < MOAT_PVIO_INFO || x[0] > MOAT_PVIO_RESET)
		return false;
	p->calls++;
	out[1] = out[2] = out[3] = 0;
	if (dev >= p->devices || x[1] >> 16 ||
	    ((x[0] != MOAT_PVIO_QUEUE && x[0] != MOAT_PVIO_NOTIFY) && q)) {
		p->refused++;
		out[0] = MOAT_INVALID_ARGUMENT;
		return true;
	}
	switch (x[0]) {
	case MOAT_PVIO_INFO:
		out[1] = rd(p, dev, PV_VMMIO_DEVICE_ID);
		out[2] = config8(p, dev);
		out[3] = p->intid[dev] | rd(p, dev, PV_VMMIO_STATUS) << 32;
		r = MOAT_OK;
		break;
	case MOAT_PVIO_START:
		r = start(p, dev, x[2]);
		break;
	case MOAT_PVIO_QUEUE:
		r = queue(p, dev, q, x[2], x[3]);
		break;
	case MOAT_PVIO_READY:
		r = ready(p, dev);
		break;
	case MOAT_PVIO_NOTIFY:
		r = notify(p, dev, q);
		break;
	default: /* MOAT_PVIO_RESET */
		wr(p, dev, PV_VMMIO_STATUS, 0);
		r = MOAT_OK;
		break;
	}
	p->refused += r != MOAT_OK;
	out[0] = r;
	return true;
}

bool pvio_owns(const struct pvio *p, unsigned dev)
{
	return dev < p->devices && p->owned[dev];
}

void pvio_deliver(struct pvio *p)
{
	for (unsigned dev = 0; dev < p->devices; dev++) {
		uint64_t causes;

		if (!p->owned[dev] || !(causes = rd(p, dev, PV_VMMIO_INTERRUPT_STATUS)))
			continue;
		wr(p, dev, PV_VMMIO_INTERRUPT_ACK, causes);
		p->ops.inject(p->ops.ctx, p->intid[dev]);
	}
}

void pvio_reset(struct pvio *p)
{
	for (unsigned dev = 0; dev < p->devices; dev++)
		p->owned[dev] = false;
}
