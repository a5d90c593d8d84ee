/*
 * The device side of a virtio-mmio transport, version 2 (virtio 1.x spec,
 * 4.2.2), as the VMM presents it to a guest for one virtio device: the
 * registers, the feature and status handshake, each queue's size and
 * addresses, notifications and the interrupt. The device itself (what a
 * queue's buffers mean) is the caller's, through `struct vmmio_ops`.
 * Every register write comes from the guest: sizes, alignment, queue
 * sizes and addresses are checked here, and a queue only becomes ready
 * with values a split virtqueue can have.
 */
#ifndef MOAT_VMM_VIRTIO_MMIO_H
#define MOAT_VMM_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpv/virtio_mmio.h>
#include <libpv/virtq.h>
#include <libpv/vq_dev.h>
#include <libpv/window.h>

#define VMMIO_SIZE 0x200ull /* each device's window (DEVTREE_VIRTIO_STRIDE) */
#define VMMIO_MAX_QUEUES 4
#define VMMIO_QUEUE_MAX 256 /* QueueNumMax: entries per queue, at most */
#define VMMIO_CONFIG_MAX 64 /* bytes of device configuration */

struct vmmio_queue {
	uint32_t num; /* QueueNum as written */
	bool ready;   /* QueueReady: num and the addresses were valid when set */
	uint64_t desc, driver, device; /* guest-physical: descriptors, available, used */
};

struct vmmio_ops {
	void (*notify)(void *ctx, unsigned queue); /* QueueNotify of a ready queue, DRIVER_OK */
	void (*reset)(void *ctx);		   /* the guest reset the device (Status 0) */
};

struct vmmio {
	uint32_t device_id;
	uint64_t device_features;
	uint64_t driver_features;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint32_t status;
	uint32_t interrupt_status;
	uint32_t config_generation;
	unsigned queues;
	struct vmmio_queue q[VMMIO_MAX_QUEUES];
	uint8_t config[VMMIO_CONFIG_MAX];
	unsigned config_size;
	const struct vmmio_ops *ops;
	void *ctx;
};

/*
 * A device of `device_id` offering `features` (PV_VIRTIO_F_VERSION_1 among them),
 * with `queues` queues (1..VMMIO_MAX_QUEUES) and `config_size` bytes of
 * configuration (at most VMMIO_CONFIG_MAX) copied from `config`. False if
 * those are out of range.
 */
bool vmmio_init(struct vmmio *m, uint32_t device_id, uint64_t features, unsigned queues,
		const void *config, unsigned config_size, const struct vmmio_ops *ops, void *ctx);

/*
 * A guest access at `off` in the device's window: 4 bytes, aligned, for
 * the registers; 1, 2 or 4 bytes, aligned, in the configuration (from
 * 0x100, read-only). Reads store the zero-extended value in *value. False
 * for an access the transport does not define: the caller injects an
 * abort.
 */
bool vmmio_access(struct vmmio *m, uint64_t off, unsigned size, bool write, uint64_t *value);

/* The device signals the guest (PV_VMMIO_INT_USED, PV_VMMIO_INT_CONFIG). */
void vmmio_interrupt(struct vmmio *m, uint32_t causes);

/* The interrupt line: some cause not yet acknowledged. */
bool vmmio_irq_level(const struct vmmio *m);

/* The device's queues cannot go on: DEVICE_NEEDS_RESET, and the guest told (config interrupt). */
void vmmio_needs_reset(struct vmmio *m);

/* Queue `q` if the guest has made it ready and the device is running, else NULL. */
const struct vmmio_queue *vmmio_queue(const struct vmmio *m, unsigned q);

/* A queue as a device model serves it: libpv's vq_dev, and what it was set up from. */
struct vmmio_served {
	struct pv_vq_dev vq;
	struct vmmio_queue live; /* the transport's values vq was set up from */
	bool ready;		 /* vq is set up; the device's reset clears it */
};

/*
 * Queue `q` of `m`, served through `s`: set up the first time the queue
 * runs, with vq_dev reading the guest's memory through `win` (chains of at
 * most `max_bytes`, 0: no limit). NULL while the queue does not run, and
 * NULL with *why set when it cannot be served (moved while in use: *err
 * the queue; areas outside the window: *err libpv's error), after which
 * the caller must treat the device as needing a reset.
 */
struct pv_vq_dev *vmmio_serve(const struct vmmio *m, unsigned q, struct vmmio_served *s,
			      const struct pv_window_set *win, uint32_t max_bytes, const char **why,
			      int64_t *err);

/* The features both sides agreed on (valid once FEATURES_OK is set). */
uint64_t vmmio_features(const struct vmmio *m);

#endif
