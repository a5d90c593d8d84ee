/* Linux's virtio_mmio bring-up, replayed; see linux_probe.h. */
#include "linux_probe.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static void wr(struct vmmio *m, uint64_t off, uint32_t v)
{
	uint64_t x = v;

	assert_true(vmmio_access(m, off, 4, true, &x));
}

void linux_probe(struct vmmio *m, uint32_t features, const struct probe_queue *q, unsigned n,
		 uint32_t size)
{
	uint64_t status = 0;

	wr(m, PV_VMMIO_STATUS, PV_VIRTIO_STATUS_ACKNOWLEDGE | PV_VIRTIO_STATUS_DRIVER);
	wr(m, PV_VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(m, PV_VMMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	wr(m, PV_VMMIO_DRIVER_FEATURES_SEL, 0);
	wr(m, PV_VMMIO_DRIVER_FEATURES, features);
	wr(m, PV_VMMIO_STATUS, 0xb); /* FEATURES_OK */
	for (unsigned i = 0; i < n; i++) {
		wr(m, PV_VMMIO_QUEUE_SEL, i);
		wr(m, PV_VMMIO_QUEUE_NUM, size);
		wr(m, PV_VMMIO_QUEUE_DESC_LOW, (uint32_t)q[i].desc);
		wr(m, PV_VMMIO_QUEUE_DRIVER_LOW, (uint32_t)q[i].avail);
		wr(m, PV_VMMIO_QUEUE_DEVICE_LOW, (uint32_t)q[i].used);
		wr(m, PV_VMMIO_QUEUE_READY, 1);
	}
	assert_true(vmmio_access(m, PV_VMMIO_STATUS, 4, false, &status));
	assert_int_equal(status, 0xb);
	wr(m, PV_VMMIO_STATUS, 0xf); /* DRIVER_OK */
}
