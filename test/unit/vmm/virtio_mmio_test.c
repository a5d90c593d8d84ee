/*
 * Unit tests for servers/vmm/virtio_mmio.c: the handshake as Linux's
 * virtio_mmio driver does it, and what a guest must not get away with:
 * features the device did not offer, clearing status bits, queues of a
 * size or alignment a split virtqueue cannot have, changes to a ready
 * queue, notifications before DRIVER_OK, odd sizes and offsets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "virtio_mmio.h"

#define MAGIC 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define DEV_FEATURES 0x010
#define DEV_FEATURES_SEL 0x014
#define DRV_FEATURES 0x020
#define DRV_FEATURES_SEL 0x024
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_READY 0x044
#define QUEUE_NOTIFY 0x050
#define INT_STATUS 0x060
#define INT_ACK 0x064
#define STATUS 0x070
#define DESC_LOW 0x080
#define DRIVER_LOW 0x090
#define DEVICE_LOW 0x0a0
#define DEVICE_HIGH 0x0a4
#define SHM_LEN_LOW 0x0b0
#define CONFIG 0x100

#define ACK PV_VIRTIO_STATUS_ACKNOWLEDGE
#define DRV PV_VIRTIO_STATUS_DRIVER
#define FOK PV_VIRTIO_STATUS_FEATURES_OK
#define DOK PV_VIRTIO_STATUS_DRIVER_OK

#define FEATURES (PV_VIRTIO_F_VERSION_1 | (1ull << 9)) /* VERSION_1, a block FLUSH */

static struct vmmio m;
static unsigned notified[VMMIO_MAX_QUEUES], resets;
static const uint8_t config[8] = { 0x00, 0x20, 0, 0, 0, 0, 0, 0 }; /* capacity 8192 */

static void notify(void *ctx, unsigned q)
{
	assert_ptr_equal(ctx, &m);
	notified[q]++;
}

static void on_reset(void *ctx)
{
	assert_ptr_equal(ctx, &m);
	resets++;
}

static const struct vmmio_ops ops = { notify, on_reset };

static int setup(void **state)
{
	(void)state;
	for (unsigned i = 0; i < VMMIO_MAX_QUEUES; i++)
		notified[i] = 0;
	resets = 0;
	assert_true(vmmio_init(&m, 2, FEATURES, 2, config, sizeof(config), &ops, &m));
	return 0;
}

static uint64_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_true(vmmio_access(&m, off, 4, false, &v));
	return v;
}

static void wr(uint64_t off, uint64_t v)
{
	assert_true(vmmio_access(&m, off, 4, true, &v));
}

/* Linux's order: reset, ACK, DRIVER, features, FEATURES_OK. */
static void negotiate(uint64_t features)
{
	wr(STATUS, 0);
	wr(STATUS, ACK);
	wr(STATUS, ACK | DRV);
	wr(DRV_FEATURES_SEL, 1);
	wr(DRV_FEATURES, features >> 32);
	wr(DRV_FEATURES_SEL, 0);
	wr(DRV_FEATURES, (uint32_t)features);
	wr(STATUS, ACK | DRV | FOK);
}

static void queue(unsigned q, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(QUEUE_SEL, q);
	wr(QUEUE_NUM, num);
	wr(DESC_LOW, desc);
	wr(DESC_LOW + 4, desc >> 32);
	wr(DRIVER_LOW, avail);
	wr(DRIVER_LOW + 4, avail >> 32);
	wr(DEVICE_LOW, used);
	wr(DEVICE_HIGH, used >> 32);
	wr(QUEUE_READY, 1);
}

static void identity(void **state)
{
	(void)state;
	assert_int_equal(rd(MAGIC), 0x74726976);
	assert_int_equal(rd(VERSION), 2);
	assert_int_equal(rd(DEVICE_ID), 2);
	wr(DEV_FEATURES_SEL, 0);
	assert_int_equal(rd(DEV_FEATURES), 1u << 9);
	wr(DEV_FEATURES_SEL, 1);
	assert_int_equal(rd(DEV_FEATURES), 1);
	wr(DEV_FEATURES_SEL, 7);
	assert_int_equal(rd(DEV_FEATURES), 0);
	wr(MAGIC, 0); /* read-only */
	assert_int_equal(rd(MAGIC), 0x74726976);
	assert_int_equal(rd(SHM_LEN_LOW), 0xffffffffu); /* no shared memory region */
}

static void handshake(void **state)
{
	(void)state;
	negotiate(FEATURES);
	assert_int_equal(rd(STATUS), ACK | DRV | FOK);
	assert_int_equal(vmmio_features(&m), FEATURES);
	queue(0, 128, 0x40001000, 0x40002000, 0x40003000);
	assert_int_equal(rd(QUEUE_READY), 1);
	assert_null(vmmio_queue(&m, 0)); /* not before DRIVER_OK */
	wr(QUEUE_NOTIFY, 0);
	assert_int_equal(notified[0], 0);
	wr(STATUS, ACK | DRV | FOK | DOK);
	assert_non_null(vmmio_queue(&m, 0));
	assert_int_equal(vmmio_queue(&m, 0)->desc, 0x40001000);
	assert_int_equal(vmmio_queue(&m, 0)->device, 0x40003000);
	wr(QUEUE_NOTIFY, 0);
	assert_int_equal(notified[0], 1);
	wr(QUEUE_NOTIFY, 1); /* queue 1 is not ready */
	wr(QUEUE_NOTIFY, 9); /* no queue 9 */
	assert_int_equal(notified[1], 0);
}

static void features_not_offered(void **state)
{
	(void)state;
	negotiate(FEATURES | (1ull << 28)); /* INDIRECT_DESC: not offered */
	assert_int_equal(rd(STATUS) & FOK, 0);
	negotiate(1ull << 9); /* no VERSION_1 */
	assert_int_equal(rd(STATUS) & FOK, 0);
	wr(STATUS, ACK | DRV | DOK); /* DRIVER_OK without FEATURES_OK */
	assert_int_equal(rd(STATUS) & DOK, 0);
}

static void features_frozen(void **state)
{
	(void)state;
	negotiate(FEATURES);
	wr(DRV_FEATURES, 0); /* after FEATURES_OK: ignored */
	assert_int_equal(vmmio_features(&m), FEATURES);
}

static void status_only_grows(void **state)
{
	(void)state;
	negotiate(FEATURES);
	wr(STATUS, ACK); /* clearing without a reset: ignored */
	assert_int_equal(rd(STATUS), ACK | DRV | FOK);
	wr(STATUS, 0);
	assert_int_equal(rd(STATUS), 0);
	assert_int_equal(resets, 2); /* negotiate's own reset, and this one */
	assert_int_equal(vmmio_features(&m), 0);
}

static void bad_queues(void **state)
{
	static const struct {
		uint32_t num;
		uint64_t desc, avail, used;
	} bad[] = {
		{ 0, 0x1000, 0x2000, 0x3000 },	  /* no size */
		{ 100, 0x1000, 0x2000, 0x3000 },  /* not a power of two */
		{ 512, 0x1000, 0x2000, 0x3000 },  /* above QueueNumMax */
		{ 64, 0x1008, 0x2000, 0x3000 },	  /* descriptors not 16-aligned */
		{ 64, 0x1000, 0x2001, 0x3000 },	  /* available ring odd */
		{ 64, 0x1000, 0x2000, 0x3002 },	  /* used ring not 4-aligned */
	};

	(void)state;
	negotiate(FEATURES);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wr(QUEUE_READY, 0);
		queue(0, bad[i].num, bad[i].desc, bad[i].avail, bad[i].used);
		assert_int_equal(rd(QUEUE_READY), 0);
	}
	wr(QUEUE_SEL, 5); /* no such queue: nothing to configure */
	assert_int_equal(rd(QUEUE_NUM_MAX), 0);
	wr(QUEUE_NUM, 64);
	wr(QUEUE_READY, 1);
	assert_int_equal(rd(QUEUE_READY), 0);
}

static void ready_queue_frozen(void **state)
{
	(void)state;
	negotiate(FEATURES);
	queue(1, 64, 0x40001000, 0x40002000, 0x40003000);
	wr(QUEUE_NUM, 32);
	wr(DESC_LOW, 0x50000000);
	assert_int_equal(rd(QUEUE_NUM), 64);
	assert_int_equal(rd(DESC_LOW), 0x40001000);
	wr(QUEUE_READY, 0); /* the driver takes it back: then it may change it */
	wr(QUEUE_NUM, 32);
	assert_int_equal(rd(QUEUE_NUM), 32);
}

static void interrupt(void **state)
{
	(void)state;
	assert_false(vmmio_irq_level(&m));
	vmmio_interrupt(&m, PV_VMMIO_INT_USED | 0x80);
	assert_true(vmmio_irq_level(&m));
	assert_int_equal(rd(INT_STATUS), PV_VMMIO_INT_USED);
	wr(INT_ACK, PV_VMMIO_INT_USED);
	assert_false(vmmio_irq_level(&m));
}

static void config_space(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_true(vmmio_access(&m, CONFIG, 4, false, &v));
	assert_int_equal(v, 0x2000);
	assert_true(vmmio_access(&m, CONFIG + 1, 1, false, &v));
	assert_int_equal(v, 0x20);
	assert_true(vmmio_access(&m, CONFIG + 2, 2, false, &v));
	assert_int_equal(v, 0);
	v = 0xff;
	assert_true(vmmio_access(&m, CONFIG, 1, true, &v)); /* ignored */
	assert_true(vmmio_access(&m, CONFIG, 4, false, &v));
	assert_int_equal(v, 0x2000);
	assert_false(vmmio_access(&m, CONFIG + 8, 4, false, &v)); /* past the config */
	assert_false(vmmio_access(&m, CONFIG + 6, 4, false, &v)); /* misaligned */
}

static void bad_accesses(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_false(vmmio_access(&m, MAGIC, 2, false, &v));   /* registers: 4 bytes */
	assert_false(vmmio_access(&m, MAGIC, 8, false, &v));
	assert_false(vmmio_access(&m, VERSION + 1, 4, false, &v));
	assert_false(vmmio_access(&m, 0x0e0, 4, false, &v));   /* undefined */
	assert_false(vmmio_access(&m, QUEUE_NOTIFY, 4, false, &v)); /* write-only */
	assert_false(vmmio_access(&m, VMMIO_SIZE, 4, false, &v));
	assert_false(vmmio_access(&m, ~0ull - 3, 4, false, &v));
}

static void init_limits(void **state)
{
	struct vmmio x;

	(void)state;
	assert_false(vmmio_init(&x, 2, FEATURES, 0, NULL, 0, &ops, &x));
	assert_false(vmmio_init(&x, 2, FEATURES, VMMIO_MAX_QUEUES + 1, NULL, 0, &ops, &x));
	assert_false(vmmio_init(&x, 2, FEATURES, 1, config, VMMIO_CONFIG_MAX + 1, &ops, &x));
	assert_false(vmmio_init(&x, 2, 1ull << 9, 1, NULL, 0, &ops, &x));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(identity, setup),
		cmocka_unit_test_setup(handshake, setup),
		cmocka_unit_test_setup(features_not_offered, setup),
		cmocka_unit_test_setup(features_frozen, setup),
		cmocka_unit_test_setup(status_only_grows, setup),
		cmocka_unit_test_setup(bad_queues, setup),
		cmocka_unit_test_setup(ready_queue_frozen, setup),
		cmocka_unit_test_setup(interrupt, setup),
		cmocka_unit_test_setup(config_space, setup),
		cmocka_unit_test_setup(bad_accesses, setup),
		cmocka_unit_test(init_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
