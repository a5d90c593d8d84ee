/*
 * libFuzzer harness for the VMM's PV I/O transport (servers/vmm/pvio.c)
 * over two real virtio-mmio transport models (virtio_mmio.c): the fuzzer
 * is the PV guest, making any hypercall with any arguments, and the
 * devices, raising interrupts. Beyond the sanitizers' checks, it holds:
 *
 * - only PV I/O functions are taken, and each answers MOAT_OK,
 *   MOAT_INVALID_ARGUMENT or MOAT_ILLEGAL_OPERATION;
 * - no access reaches a device it was not given, or past its window;
 * - a queue set with MOAT_OK is ready with exactly the fixed layout;
 * - a notification succeeds only with DRIVER_OK;
 * - interrupts are injected only for devices started by hypercall, with
 *   their INTID, and leave their line low.
 *
 * Input: 16-byte steps: function, device and queue (2 bytes), size (1),
 * then the area (8 bytes) and what the devices do (4).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <moat/types.h>

#include "pvio.h"
#include "virtio_mmio.h"

#define STEP	 16
#define DEVICES	 2u
#define FEATURES (PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_EVENT_IDX)

static struct vmmio m[DEVICES];
static struct pvio p;
static uint32_t injected_for;

static void check(int cond)
{
	if (!cond)
		abort();
}

static void notify(void *ctx, unsigned q)
{
	(void)ctx;
	(void)q;
}

static void on_reset(void *ctx)
{
	(void)ctx;
}

static const struct vmmio_ops mops = {notify, on_reset};

static bool access(void *ctx, unsigned dev, uint64_t off, unsigned size, bool write, uint64_t *v)
{
	(void)ctx;
	check(dev < DEVICES && off < VMMIO_SIZE && size <= 4);
	return vmmio_access(&m[dev], off, size, write, v);
}

static void inject(void *ctx, uint32_t intid)
{
	(void)ctx;
	check(intid == 40 || intid == 41);
	check(pvio_owns(&p, intid - 40));
	injected_for |= 1u << (intid - 40);
}

static uint64_t get(const uint8_t *d, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)d[i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pvio_ops ops = {access, inject, NULL};
	static const uint8_t config[6] = {1, 2, 3, 4, 5, 6};
	uint32_t intid[DEVICES] = {40, 41};

	check(vmmio_init(&m[0], 2, FEATURES, 2, config, 6, &mops, NULL));
	check(vmmio_init(&m[1], 1, FEATURES, 1, config, 4, &mops, NULL));
	pvio_init(&p, &ops, DEVICES, intid);
	for (size_t at = 0; at + STEP <= size; at += STEP) {
		const uint8_t *s = data + at;
		uint64_t fn = MOAT_PVIO_BASE + s[0] % 8 - 1; /* one below and one above too */
		uint64_t a1 = get(s + 1, 2), n = s[3] & 0x80 ? 1u << (s[3] & 15) : s[3];
		uint64_t area = get(s + 4, 8), acts = get(s + 12, 4);
		uint64_t x[4] = {fn, a1, s[0] & 0x80 ? FEATURES : area, n}, out[4];
		unsigned dev = (unsigned)(a1 & 0xff), q = (unsigned)(a1 >> 8 & 0xff);
		bool taken;

		if (fn == MOAT_PVIO_QUEUE)
			x[2] = area;
		taken = pvio_call(&p, x, out);
		check(taken == (fn >= MOAT_PVIO_INFO && fn <= MOAT_PVIO_RESET));
		if (!taken)
			continue;
		check(out[0] == MOAT_OK || out[0] == MOAT_INVALID_ARGUMENT ||
		      out[0] == MOAT_ILLEGAL_OPERATION);
		if (out[0] == MOAT_OK && fn == MOAT_PVIO_QUEUE) {
			const struct vmmio_queue *vq = &m[dev].q[q];

			check(dev < DEVICES && q < m[dev].queues && vq->ready && vq->num == n);
			check(vq->desc == area && vq->driver == area + MOAT_PVIO_AVAIL_OFFSET(n) &&
			      vq->device == area + MOAT_PVIO_USED_OFFSET(n));
		}
		if (out[0] == MOAT_OK && fn == MOAT_PVIO_NOTIFY)
			check(m[dev].status & PV_VIRTIO_STATUS_DRIVER_OK);
		for (unsigned d = 0; d < DEVICES; d++)
			if (acts >> d & 1)
				vmmio_interrupt(&m[d], PV_VMMIO_INT_USED);
		injected_for = 0;
		pvio_deliver(&p);
		for (unsigned d = 0; d < DEVICES; d++)
			if (pvio_owns(&p, d))
				check(!vmmio_irq_level(&m[d]));
		if (acts >> 8 & 1)
			pvio_reset(&p);
	}
	return 0;
}
