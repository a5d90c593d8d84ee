/* The device side of virtio-mmio version 2; see virtio_mmio.h. */
#include "virtio_mmio.h"

#include <libpv/err.h>
#include <libpv/virtio_mmio.h>

#define VENDOR 0x54414f4du /* "MOAT" */

bool vmmio_init(struct vmmio *m, uint32_t device_id, uint64_t features, unsigned queues,
		const void *config, unsigned config_size, const struct vmmio_ops *ops, void *ctx)
{
	if (!queues || queues > VMMIO_MAX_QUEUES || config_size > VMMIO_CONFIG_MAX ||
	    !(features & PV_VIRTIO_F_VERSION_1))
		return false;
	*m = (struct vmmio){ .device_id = device_id, .device_features = features,
			     .queues = queues, .config_size = config_size, .ops = ops, .ctx = ctx };
	for (unsigned i = 0; i < config_size; i++)
		m->config[i] = ((const uint8_t *)config)[i];
	return true;
}

/* Status 0: everything the guest set is forgotten, as at power-on. */
static void reset(struct vmmio *m)
{
	m->driver_features = 0;
	m->device_features_sel = m->driver_features_sel = m->queue_sel = 0;
	m->status = 0;
	m->interrupt_status = 0;
	for (unsigned i = 0; i < VMMIO_MAX_QUEUES; i++)
		m->q[i] = (struct vmmio_queue){ 0 };
	if (m->ops && m->ops->reset)
		m->ops->reset(m->ctx);
}

/*
 * Status bits only accumulate (clearing them takes a reset). FEATURES_OK
 * sticks only for features the device offered, VERSION_1 among them;
 * DRIVER_OK only after FEATURES_OK.
 */
static void write_status(struct vmmio *m, uint32_t v)
{
	uint32_t add = v & ~m->status;

	if (v == 0) {
		reset(m);
		return;
	}
	if ((add & PV_VIRTIO_STATUS_FEATURES_OK) &&
	    ((m->driver_features & ~m->device_features) ||
	     !(m->driver_features & PV_VIRTIO_F_VERSION_1)))
		add &= ~PV_VIRTIO_STATUS_FEATURES_OK;
	if ((add & PV_VIRTIO_STATUS_DRIVER_OK) &&
	    !((m->status | add) & PV_VIRTIO_STATUS_FEATURES_OK))
		add &= ~PV_VIRTIO_STATUS_DRIVER_OK;
	m->status |= add;
}

static struct vmmio_queue *selected(struct vmmio *m)
{
	return m->queue_sel < m->queues ? &m->q[m->queue_sel] : NULL;
}

/* QueueReady 1: only with a size and addresses a split virtqueue may have. */
static void make_ready(struct vmmio_queue *q)
{
	q->ready = q->num && q->num <= VMMIO_QUEUE_MAX && !(q->num & (q->num - 1)) &&
		   q->desc % 16 == 0 && q->driver % 2 == 0 && q->device % 4 == 0;
}

static void set_half(uint64_t *field, bool high, uint32_t v)
{
	*field = high ? (*field & 0xffffffffull) | (uint64_t)v << 32
		      : (*field & ~0xffffffffull) | v;
}

static bool write_reg(struct vmmio *m, uint64_t off, uint32_t v)
{
	struct vmmio_queue *q = selected(m);
	bool configurable = q && !q->ready; /* a queue's registers, before it is ready */

	switch (off) {
	case PV_VMMIO_DEVICE_FEATURES_SEL:
		m->device_features_sel = v;
		return true;
	case PV_VMMIO_DRIVER_FEATURES:
		/* Only while negotiating: after DRIVER, before FEATURES_OK; the rest ignored. */
		if ((m->status & PV_VIRTIO_STATUS_DRIVER) && !(m->status & PV_VIRTIO_STATUS_FEATURES_OK) &&
		    m->driver_features_sel < 2)
			set_half(&m->driver_features, m->driver_features_sel == 1, v);
		return true;
	case PV_VMMIO_DRIVER_FEATURES_SEL:
		m->driver_features_sel = v;
		return true;
	case PV_VMMIO_QUEUE_SEL:
		m->queue_sel = v;
		return true;
	case PV_VMMIO_QUEUE_NUM:
		if (configurable)
			q->num = v;
		return true;
	case PV_VMMIO_QUEUE_READY:
		if (q && v == 1 && !q->ready)
			make_ready(q);
		else if (q && v == 0)
			q->ready = false;
		return true;
	case PV_VMMIO_QUEUE_NOTIFY:
		if (v < m->queues && m->q[v].ready && (m->status & PV_VIRTIO_STATUS_DRIVER_OK) &&
		    m->ops && m->ops->notify)
			m->ops->notify(m->ctx, v);
		return true;
	case PV_VMMIO_INTERRUPT_ACK:
		m->interrupt_status &= ~v;
		return true;
	case PV_VMMIO_STATUS:
		write_status(m, v);
		return true;
	case PV_VMMIO_QUEUE_DESC_LOW: case PV_VMMIO_QUEUE_DESC_HIGH:
		if (configurable)
			set_half(&q->desc, off == PV_VMMIO_QUEUE_DESC_HIGH, v);
		return true;
	case PV_VMMIO_QUEUE_DRIVER_LOW: case PV_VMMIO_QUEUE_DRIVER_HIGH:
		if (configurable)
			set_half(&q->driver, off == PV_VMMIO_QUEUE_DRIVER_HIGH, v);
		return true;
	case PV_VMMIO_QUEUE_DEVICE_LOW: case PV_VMMIO_QUEUE_DEVICE_HIGH:
		if (configurable)
			set_half(&q->device, off == PV_VMMIO_QUEUE_DEVICE_HIGH, v);
		return true;
	case PV_VMMIO_SHM_SEL:
		return true; /* no shared memory regions */
	case PV_VMMIO_MAGIC: case PV_VMMIO_VERSION_REG: case PV_VMMIO_DEVICE_ID: case PV_VMMIO_VENDOR_ID:
	case PV_VMMIO_DEVICE_FEATURES: case PV_VMMIO_QUEUE_NUM_MAX: case PV_VMMIO_INTERRUPT_STATUS:
	case PV_VMMIO_CONFIG_GENERATION:
		return true; /* read-only: the write is ignored */
	default:
		return off >= PV_VMMIO_SHM_LEN_LOW && off <= PV_VMMIO_SHM_BASE_HIGH;
	}
}

static bool read_reg(struct vmmio *m, uint64_t off, uint64_t *value)
{
	const struct vmmio_queue *q = selected(m);
	uint32_t v;

	switch (off) {
	case PV_VMMIO_MAGIC: v = PV_VMMIO_MAGIC_VALUE; break;
	case PV_VMMIO_VERSION_REG: v = PV_VMMIO_VERSION; break;
	case PV_VMMIO_DEVICE_ID: v = m->device_id; break;
	case PV_VMMIO_VENDOR_ID: v = VENDOR; break;
	case PV_VMMIO_DEVICE_FEATURES:
		v = m->device_features_sel < 2
			    ? (uint32_t)(m->device_features >> (32 * m->device_features_sel))
			    : 0;
		break;
	case PV_VMMIO_QUEUE_NUM_MAX: v = q ? VMMIO_QUEUE_MAX : 0; break;
	case PV_VMMIO_QUEUE_READY: v = q && q->ready; break;
	case PV_VMMIO_INTERRUPT_STATUS: v = m->interrupt_status; break;
	case PV_VMMIO_STATUS: v = m->status; break;
	case PV_VMMIO_CONFIG_GENERATION: v = m->config_generation; break;
	case PV_VMMIO_QUEUE_NUM: v = q ? q->num : 0; break;
	case PV_VMMIO_QUEUE_DESC_LOW: v = q ? (uint32_t)q->desc : 0; break;
	case PV_VMMIO_QUEUE_DESC_HIGH: v = q ? (uint32_t)(q->desc >> 32) : 0; break;
	case PV_VMMIO_QUEUE_DRIVER_LOW: v = q ? (uint32_t)q->driver : 0; break;
	case PV_VMMIO_QUEUE_DRIVER_HIGH: v = q ? (uint32_t)(q->driver >> 32) : 0; break;
	case PV_VMMIO_QUEUE_DEVICE_LOW: v = q ? (uint32_t)q->device : 0; break;
	case PV_VMMIO_QUEUE_DEVICE_HIGH: v = q ? (uint32_t)(q->device >> 32) : 0; break;
	default:
		if (off < PV_VMMIO_SHM_LEN_LOW || off > PV_VMMIO_SHM_BASE_HIGH)
			return false; /* write-only or undefined */
		v = 0xffffffffu; /* no shared memory region: length and base all ones */
	}
	*value = v;
	return true;
}

bool vmmio_access(struct vmmio *m, uint64_t off, unsigned size, bool write, uint64_t *value)
{
	if (off >= VMMIO_SIZE || (size != 1 && size != 2 && size != 4) || off % size)
		return false;
	if (off >= PV_VMMIO_CONFIG) {
		uint64_t v = 0;

		if (off - PV_VMMIO_CONFIG + size > m->config_size)
			return false;
		if (write)
			return true; /* the configuration is the device's to change */
		for (unsigned i = 0; i < size; i++)
			v |= (uint64_t)m->config[off - PV_VMMIO_CONFIG + i] << (8 * i);
		*value = v;
		return true;
	}
	if (size != 4)
		return false;
	return write ? write_reg(m, off, (uint32_t)*value) : read_reg(m, off, value);
}

void vmmio_interrupt(struct vmmio *m, uint32_t causes)
{
	m->interrupt_status |= causes & (PV_VMMIO_INT_USED | PV_VMMIO_INT_CONFIG);
}

bool vmmio_irq_level(const struct vmmio *m)
{
	return m->interrupt_status != 0;
}

void vmmio_needs_reset(struct vmmio *m)
{
	m->status |= PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	vmmio_interrupt(m, PV_VMMIO_INT_CONFIG);
}

/* Whether two setups of a queue are the same: one moved while in use is not. */
static bool queue_same(const struct vmmio_queue *a, const struct vmmio_queue *b)
{
	return a->num == b->num && a->desc == b->desc && a->driver == b->driver &&
	       a->device == b->device;
}

const struct vmmio_queue *vmmio_queue(const struct vmmio *m, unsigned q)
{
	return q < m->queues && m->q[q].ready && (m->status & PV_VIRTIO_STATUS_DRIVER_OK) ? &m->q[q]
										      : NULL;
}

struct pv_vq_dev *vmmio_serve(const struct vmmio *m, unsigned q, struct vmmio_served *s,
			      const struct pv_window_set *win, uint32_t max_bytes, const char **why,
			      int64_t *err)
{
	const struct vmmio_queue *t = vmmio_queue(m, q);
	struct pv_vq_dev_config c;
	int e;

	*why = NULL;
	if (!t)
		return NULL;
	if (s->ready) {
		if (queue_same(t, &s->live))
			return &s->vq;
		*why = "a queue was moved while in use";
		*err = q;
		return NULL;
	}
	c = (struct pv_vq_dev_config){ .size = t->num, .max_bytes = max_bytes,
				       .features = vmmio_features(m), .desc = pv_gaddr(t->desc),
				       .avail = pv_gaddr(t->driver), .used = pv_gaddr(t->device),
				       .win = win };
	if ((e = pv_vq_dev_init(&s->vq, &c)) != PV_OK) {
		*why = "a queue's areas are not in RAM";
		*err = e;
		return NULL;
	}
	s->live = *t;
	s->ready = true;
	return &s->vq;
}

uint64_t vmmio_features(const struct vmmio *m)
{
	return m->status & PV_VIRTIO_STATUS_FEATURES_OK ? m->driver_features : 0;
}
