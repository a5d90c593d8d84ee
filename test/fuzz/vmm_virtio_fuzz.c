/*
 * libFuzzer harness for the VMM's virtio-mmio transport
 * (servers/vmm/virtio_mmio.c): the fuzzer is the guest, writing and
 * reading any offset with any size and value, and the device side,
 * raising interrupts. Beyond the sanitizers' checks, it holds the model to
 * what a virtio device relies on:
 *
 * - an access is refused exactly when it is not 4 aligned bytes at a
 *   register, or 1, 2 or 4 aligned bytes inside the configuration;
 * - identification registers never change;
 * - a ready queue has a power-of-two size up to QueueNumMax and aligned
 *   areas, and none of it changes while it stays ready;
 * - FEATURES_OK is set only for offered features with VERSION_1,
 *   DRIVER_OK only with FEATURES_OK; vmmio_queue() returns a queue only
 *   when it is ready and the driver is running;
 * - a notification reaches the device only for a queue vmmio_queue()
 *   returns.
 *
 * Input: 8-byte steps: op, offset (2 bytes), size, value (4 bytes).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "virtio_mmio.h"

#define STEP 8
#define FEATURES (PV_VIRTIO_F_VERSION_1 | (1ull << 9) | (1ull << 29))

static struct vmmio m;
static struct vmmio_queue frozen[VMMIO_MAX_QUEUES];

static void check(int cond)
{
	if (!cond)
		abort();
}

static void notify(void *ctx, unsigned q)
{
	(void)ctx;
	check(vmmio_queue(&m, q) != NULL);
}

static void reset(void *ctx)
{
	(void)ctx;
}

static const struct vmmio_ops ops = { notify, reset };

/* The registers a guest may read, or write (a write to a read-only one is ignored). */
static bool defined(uint64_t off, bool write)
{
	static const uint16_t readable[] = { 0x000, 0x004, 0x008, 0x00c, 0x010, 0x034, 0x038,
					     0x044, 0x060, 0x070, 0x080, 0x084, 0x090, 0x094,
					     0x0a0, 0x0a4, 0x0b0, 0x0b4, 0x0b8, 0x0bc, 0x0fc };
	static const uint16_t write_only[] = { 0x014, 0x020, 0x024, 0x030, 0x050, 0x064, 0x0ac };

	for (size_t i = 0; i < sizeof(readable) / sizeof(readable[0]); i++)
		if (off == readable[i])
			return true;
	for (size_t i = 0; write && i < sizeof(write_only) / sizeof(write_only[0]); i++)
		if (off == write_only[i])
			return true;
	return false;
}

/* Whether the transport must refuse the access. */
static bool refused_ok(uint64_t off, unsigned size, bool write)
{
	if (off >= VMMIO_SIZE)
		return true;
	if (off >= 0x100)
		return (size != 1 && size != 2 && size != 4) || off % size || off - 0x100 + size > 8;
	return size != 4 || !defined(off, write);
}

static void check_invariants(void)
{
	uint64_t v = 0;

	check(vmmio_access(&m, 0x000, 4, false, &v) && v == 0x74726976);
	check(vmmio_access(&m, 0x004, 4, false, &v) && v == 2);
	check(vmmio_access(&m, 0x008, 4, false, &v) && v == 2);
	if (m.status & PV_VIRTIO_STATUS_FEATURES_OK)
		check(!(m.driver_features & ~FEATURES) && (m.driver_features & PV_VIRTIO_F_VERSION_1));
	if (m.status & PV_VIRTIO_STATUS_DRIVER_OK)
		check(m.status & PV_VIRTIO_STATUS_FEATURES_OK);
	for (unsigned i = 0; i < VMMIO_MAX_QUEUES; i++) {
		const struct vmmio_queue *q = &m.q[i];

		if (!q->ready) {
			check(vmmio_queue(&m, i) == NULL);
			continue;
		}
		check(i < m.queues && q->num && q->num <= VMMIO_QUEUE_MAX &&
		      !(q->num & (q->num - 1)) && q->desc % 16 == 0 && q->driver % 2 == 0 &&
		      q->device % 4 == 0);
		if (frozen[i].ready)
			check(q->num == frozen[i].num && q->desc == frozen[i].desc &&
			      q->driver == frozen[i].driver && q->device == frozen[i].device);
		check((vmmio_queue(&m, i) != NULL) == !!(m.status & PV_VIRTIO_STATUS_DRIVER_OK));
	}
	for (unsigned i = 0; i < VMMIO_MAX_QUEUES; i++)
		frozen[i] = m.q[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t config[8] = { 0, 0x20 };
	static const unsigned sizes[8] = { 4, 4, 4, 4, 1, 2, 8, 3 };

	check(vmmio_init(&m, 2, FEATURES, 2, config, sizeof(config), &ops, NULL));
	for (unsigned i = 0; i < VMMIO_MAX_QUEUES; i++)
		frozen[i] = m.q[i];
	for (size_t at = 0; at + STEP <= size; at += STEP) {
		const uint8_t *s = data + at;
		uint64_t off = (uint64_t)(s[1] | s[2] << 8) & 0x3ff;
		unsigned width = sizes[s[3] & 7];
		uint64_t v = (uint64_t)s[4] | (uint64_t)s[5] << 8 | (uint64_t)s[6] << 16 |
			     (uint64_t)s[7] << 24;
		bool ok;

		if ((s[0] & 3) == 3) { /* the device side */
			vmmio_interrupt(&m, (uint32_t)v);
			check(vmmio_irq_level(&m) == (m.interrupt_status != 0));
			continue;
		}
		if (s[0] & 4) /* mostly registers, in a sensible order */
			off &= 0xfc;
		ok = vmmio_access(&m, off, width, s[0] & 1, &v);
		check(ok == !refused_ok(off, width, s[0] & 1));
		if (ok && !(s[0] & 1))
			check(v >> (8 * width) == 0);
		check_invariants();
	}
	return 0;
}
