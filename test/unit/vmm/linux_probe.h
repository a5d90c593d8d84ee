/*
 * What Linux's virtio_mmio driver does to bring a device up, as the VMM
 * device tests replay it on a device's transport (struct vmmio): status
 * ACKNOWLEDGE | DRIVER, VERSION_1 and the low feature word, FEATURES_OK,
 * each queue's size and three areas, READY, the status read back, then
 * DRIVER_OK.
 */
#ifndef MOAT_TEST_LINUX_PROBE_H
#define MOAT_TEST_LINUX_PROBE_H

#include <stdint.h>

#include "virtio_mmio.h"

struct probe_queue {
	uint64_t desc, avail, used; /* guest addresses */
};

void linux_probe(struct vmmio *m, uint32_t features, const struct probe_queue *q, unsigned n,
		 uint32_t size);

#endif
