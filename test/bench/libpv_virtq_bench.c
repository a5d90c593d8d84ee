/*
 * Host benchmark: one virtqueue request round trip through libpv's two
 * sides in one thread: the driver adds a 64-byte request and a 64-byte
 * response buffer and decides on a kick, the device pops the chain,
 * copies the request out, writes the response, pushes it and decides on
 * an interrupt, and the driver reaps it. With EVENT_IDX and indirect
 * descriptors negotiated. Prints `BENCH virtq_roundtrip <ns> ns`, the
 * median of REPS runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpv/err.h>
#include <libpv/vq_dev.h>
#include <libpv/vq_drv.h>

#define QSIZE 256u
#define GBASE 0x40000000ull
#define REPS  5

static _Alignas(4096) uint8_t guest[0x20000];

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static double measure(uint64_t n)
{
	static struct pv_vq_drv_slot slots[QSIZE];
	struct pv_window_set win;
	struct pv_vq_drv drv;
	struct pv_vq_dev dev;
	struct pv_vq_seg seg[4];
	struct pv_vq_chain chain = {.seg = seg, .max_seg = 4};
	uint64_t feat = PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_EVENT_IDX | PV_VIRTIO_F_INDIRECT_DESC;
	struct pv_vq_drv_config dc = {
		.size = QSIZE,
		.features = feat,
		.desc = (void *)guest,
		.avail = (void *)(guest + 0x1000),
		.used = (void *)(guest + 0x2000),
		.slots = slots,
		.indirect = (void *)(guest + 0x4000),
		.indirect_addr = {GBASE + 0x4000},
		.indirect_max = 2,
	};
	struct pv_vq_dev_config vc = {
		.size = QSIZE,
		.features = feat,
		.desc = {GBASE},
		.avail = {GBASE + 0x1000},
		.used = {GBASE + 0x2000},
		.win = &win,
	};
	struct pv_sg sg[2] = {{{GBASE + 0x10000}, 64, 0}, {{GBASE + 0x10040}, 64, 0}};
	uint8_t req[64], resp[64];
	uint64_t token, kicks = 0, irqs = 0;
	uint32_t len;
	double t0, t1;

	pv_window_set_init(&win);
	if (pv_window_add(&win, pv_gaddr(GBASE), sizeof(guest), guest,
			  PV_WINDOW_READ | PV_WINDOW_WRITE) ||
	    pv_vq_drv_init(&drv, &dc) || pv_vq_dev_init(&dev, &vc))
		abort();
	memset(resp, 0x5a, sizeof(resp));
	t0 = now();
	for (uint64_t i = 0; i < n; i++) {
		if (pv_vq_drv_add(&drv, sg, 1, 1, i) < 0)
			abort();
		kicks += pv_vq_drv_kick_needed(&drv);
		if (pv_vq_dev_pop(&dev, &chain) != 1 ||
		    pv_vq_chain_read(&dev, &chain, 0, req, sizeof(req)) != PV_OK ||
		    pv_vq_chain_write(&dev, &chain, 0, resp, sizeof(resp)) != PV_OK ||
		    pv_vq_dev_push(&dev, &chain, sizeof(resp)) != PV_OK)
			abort();
		irqs += pv_vq_dev_interrupt_needed(&dev);
		if (pv_vq_drv_get_used(&drv, &token, &len) != 1 || token != i || len != 64)
			abort();
		(void)pv_vq_drv_prepare_wait(&drv);
		(void)pv_vq_dev_prepare_wait(&dev);
	}
	t1 = now();
	if (kicks != n || irqs != n) /* both sides re-armed every time */
		abort();
	return (t1 - t0) * 1e9 / (double)n;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 2000000;
	double v[REPS];

	for (int i = 0; i < REPS; i++)
		v[i] = measure(n);
	qsort(v, REPS, sizeof(v[0]), cmp);
	printf("BENCH virtq_roundtrip %.0f ns\n", v[REPS / 2]);
	return 0;
}
