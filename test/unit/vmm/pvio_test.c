/*
 * Unit tests for servers/vmm/pvio.c: the PV guest's hypercall transport
 * over a real virtio-mmio transport model (virtio_mmio.c) with two
 * queues. The handshake each call makes, the fixed queue layout, calls
 * out of order or with bad arguments refused (and counted), a device's
 * interrupt acknowledged and injected once it is the guest's, and
 * anything that is no PV I/O call left to the caller.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <moat/types.h>

#include "pvio.h"
#include "virtio_mmio.h"

#define FEATURES (PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_EVENT_IDX)
#define INTID	 48u

static struct vmmio m;
static struct pvio p;
static unsigned notified[2], resets, injected;
static uint32_t last_intid;
/* Six bytes, as a NIC's MAC: INFO must give them though a 4-byte read at 4 is refused. */
static const uint8_t config[6] = {0x00, 0x20, 0, 0, 0, 0x5a};

static void notify(void *ctx, unsigned q)
{
	(void)ctx;
	notified[q]++;
}

static void on_reset(void *ctx)
{
	(void)ctx;
	resets++;
}

static const struct vmmio_ops mops = {notify, on_reset};

static bool access(void *ctx, unsigned dev, uint64_t off, unsigned size, bool write, uint64_t *v)
{
	assert_null(ctx);
	assert_int_equal(dev, 0); /* pvio never reaches a device it was not given */
	return vmmio_access(&m, off, size, write, v);
}

static void inject(void *ctx, uint32_t intid)
{
	(void)ctx;
	injected++;
	last_intid = intid;
}

static int setup(void **state)
{
	static const struct pvio_ops ops = {access, inject, NULL};
	uint32_t intid = INTID;

	(void)state;
	assert_true(
		vmmio_init(&m, 2, FEATURES | (1ull << 9), 2, config, sizeof(config), &mops, NULL));
	pvio_init(&p, &ops, 1, &intid);
	notified[0] = notified[1] = resets = injected = 0;
	return 0;
}

static uint64_t call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t out[4])
{
	uint64_t x[4] = {fn, a1, a2, a3};

	assert_true(pvio_call(&p, x, out));
	return out[0];
}

static uint64_t call0(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t out[4];

	return call(fn, a1, a2, a3, out);
}

static void info(void **state)
{
	uint64_t out[4];

	(void)state;
	assert_int_equal(call(MOAT_PVIO_INFO, 0, 0, 0, out), MOAT_OK);
	assert_int_equal(out[1], 2);
	assert_int_equal(out[2], 0x5a0000002000ull);
	assert_int_equal(out[3], INTID); /* status 0 above it */
}

static void not_ours(void **state)
{
	uint64_t x[4] = {MOAT_PVIO_BASE - 1, 0, 0, 0}, out[4];

	(void)state;
	assert_false(pvio_call(&p, x, out)); /* PSCI's, or the guest's mistake, not ours */
	x[0] = MOAT_PVIO_RESET + 1;
	assert_false(pvio_call(&p, x, out));
	assert_int_equal(p.calls, 0);
}

static void bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(call0(MOAT_PVIO_INFO, 1, 0, 0), MOAT_INVALID_ARGUMENT); /* no device 1 */
	assert_int_equal(call0(MOAT_PVIO_INFO, 1u << 16, 0, 0), MOAT_INVALID_ARGUMENT);
	assert_int_equal(call0(MOAT_PVIO_START, 1u << 8, FEATURES, 0), MOAT_INVALID_ARGUMENT);
	assert_int_equal(p.refused, 3);
	assert_int_equal(m.status, 0); /* nothing reached the device */
}

static void out_of_order(void **state)
{
	(void)state;
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 0, 0x40001000, 16), MOAT_ILLEGAL_OPERATION);
	assert_int_equal(call0(MOAT_PVIO_READY, 0, 0, 0), MOAT_ILLEGAL_OPERATION);
	assert_int_equal(call0(MOAT_PVIO_NOTIFY, 0, 0, 0), MOAT_ILLEGAL_OPERATION);
	assert_int_equal(call0(MOAT_PVIO_START, 0, FEATURES, 0), MOAT_OK);
	assert_int_equal(call0(MOAT_PVIO_NOTIFY, 0, 0, 0), MOAT_ILLEGAL_OPERATION);
	assert_int_equal(notified[0], 0);
	assert_false(pvio_owns(&p, 1));
}

static void features_refused(void **state)
{
	(void)state;
	/* No VERSION_1, then one the device does not offer: FEATURES_OK does not stick. */
	assert_int_equal(call0(MOAT_PVIO_START, 0, PV_VIRTIO_F_EVENT_IDX, 0),
			 MOAT_ILLEGAL_OPERATION);
	assert_int_equal(call0(MOAT_PVIO_START, 0, FEATURES | (1ull << 40), 0),
			 MOAT_ILLEGAL_OPERATION);
	assert_false(pvio_owns(&p, 0));
}

static void bad_queues(void **state)
{
	(void)state;
	assert_int_equal(call0(MOAT_PVIO_START, 0, FEATURES, 0), MOAT_OK);
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 0, 0x40001008, 16), MOAT_INVALID_ARGUMENT);
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 0, 0x40001000, 0), MOAT_INVALID_ARGUMENT);
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 0, 0x40001000, 24), MOAT_INVALID_ARGUMENT);
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 0, 0x40001000, 512), MOAT_INVALID_ARGUMENT);
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 0, ~0ull - 0xff, 16), MOAT_INVALID_ARGUMENT);
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 2u << 8, 0x40001000, 16), MOAT_INVALID_ARGUMENT);
	assert_false(m.q[0].ready);
	assert_false(m.q[1].ready);
}

static void handshake(void **state)
{
	uint64_t out[4];

	(void)state;
	assert_int_equal(call0(MOAT_PVIO_START, 0, FEATURES, 0), MOAT_OK);
	assert_true(pvio_owns(&p, 0));
	assert_int_equal(m.driver_features, FEATURES);
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 0, 0x40001000, 64), MOAT_OK);
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 1u << 8, 0x40003000, 8), MOAT_OK);
	/* A queue once set stays as it is until a reset: a second call is refused. */
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 1u << 8, 0x40005000, 16), MOAT_ILLEGAL_OPERATION);
	assert_int_equal(m.q[1].desc, 0x40003000);
	assert_true(m.q[0].ready);
	assert_int_equal(m.q[0].num, 64);
	assert_int_equal(m.q[0].desc, 0x40001000);
	assert_int_equal(m.q[0].driver, 0x40001000 + 16 * 64);
	assert_int_equal(m.q[0].device, 0x40001000 + MOAT_PVIO_USED_OFFSET(64));
	assert_int_equal(MOAT_PVIO_USED_OFFSET(64) % 4, 0);
	assert_true(MOAT_PVIO_USED_OFFSET(64) >= 16 * 64 + 6 + 2 * 64 + 2);
	assert_int_equal(m.q[1].driver, 0x40003000 + 16 * 8);
	assert_int_equal(call0(MOAT_PVIO_READY, 0, 0, 0), MOAT_OK);
	assert_true(m.status & PV_VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 0, 0x40001000, 64), MOAT_ILLEGAL_OPERATION);
	assert_int_equal(call0(MOAT_PVIO_NOTIFY, 1u << 8, 0, 0), MOAT_OK);
	assert_int_equal(notified[1], 1);
	assert_int_equal(call(MOAT_PVIO_INFO, 0, 0, 0, out), MOAT_OK);
	assert_int_equal(out[3] >> 32, m.status);
	assert_int_equal(call0(MOAT_PVIO_RESET, 0, 0, 0), MOAT_OK);
	assert_int_equal(m.status, 0);
	assert_true(resets >= 1);
}

static void interrupts(void **state)
{
	(void)state;
	vmmio_interrupt(&m, PV_VMMIO_INT_USED);
	pvio_deliver(&p);
	assert_int_equal(injected, 0); /* not started by hypercall: the vGIC's line */
	assert_int_equal(call0(MOAT_PVIO_START, 0, FEATURES, 0), MOAT_OK);
	assert_int_equal(call0(MOAT_PVIO_QUEUE, 0, 0x40001000, 16), MOAT_OK);
	assert_int_equal(call0(MOAT_PVIO_READY, 0, 0, 0), MOAT_OK);
	vmmio_interrupt(&m, PV_VMMIO_INT_USED);
	pvio_deliver(&p);
	assert_int_equal(injected, 1);
	assert_int_equal(last_intid, INTID);
	assert_false(vmmio_irq_level(&m)); /* acknowledged for the guest */
	pvio_deliver(&p);
	assert_int_equal(injected, 1); /* nothing new: nothing injected */
	pvio_reset(&p);
	assert_false(pvio_owns(&p, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(info, setup),
		cmocka_unit_test_setup(not_ours, setup),
		cmocka_unit_test_setup(bad_arguments, setup),
		cmocka_unit_test_setup(out_of_order, setup),
		cmocka_unit_test_setup(features_refused, setup),
		cmocka_unit_test_setup(bad_queues, setup),
		cmocka_unit_test_setup(handshake, setup),
		cmocka_unit_test_setup(interrupts, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
