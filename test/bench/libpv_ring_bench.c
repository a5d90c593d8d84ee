/*
 * Host benchmark: libpv's SPSC ring against Concurrency Kit's ck_ring SPSC,
 * side by side in one run. A producer and a consumer thread, pinned to two
 * different cores, move N entries through a 1024-slot ring with busy
 * polling (no notifications), for 8-byte and 64-byte entries. Each
 * configuration runs REPS times, interleaved, and the median rate counts.
 *
 * Prints BENCH lines: the issue 4 ratios (8-byte entries under the plain
 * names, 64-byte ones with _e64) and the absolute rates in messages/s.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ck_ring.h>

#include <libpv/err.h>
#include <libpv/ring.h>

#define SLOTS 1024u
#define BATCH 32u
#define REPS  5

struct e8 {
	uint64_t w[1];
};
struct e64 {
	uint64_t w[8];
};
CK_RING_PROTOTYPE(e64, e64)

enum kind { CK, PV_B1, PV_B32 };

struct run {
	enum kind kind;
	uint32_t esz;
	uint64_t n;
	volatile int go;
	uint64_t sum;
	/* The rings, each in its own memory. */
	struct ck_ring ck;
	void *ck_buf;
	uint8_t *pv_area;
};

static void relax(void)
{
#if defined(__x86_64__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % (int)sysconf(_SC_NPROCESSORS_ONLN), &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void ck_produce(struct run *r)
{
	for (uint64_t i = 1; i <= r->n; i++) {
		if (r->esz == 8) {
			while (!ck_ring_enqueue_spsc(&r->ck, r->ck_buf, (void *)(uintptr_t)i))
				relax();
		} else {
			struct e64 e = {{i, i, i, i, i, i, i, i}};

			while (!ck_ring_enqueue_spsc_e64(&r->ck, r->ck_buf, &e))
				relax();
		}
	}
}

static uint64_t ck_consume(struct run *r)
{
	uint64_t sum = 0;

	for (uint64_t i = 0; i < r->n; i++) {
		if (r->esz == 8) {
			void *v;

			while (!ck_ring_dequeue_spsc(&r->ck, r->ck_buf, &v))
				relax();
			sum += (uintptr_t)v;
		} else {
			struct e64 e;

			while (!ck_ring_dequeue_spsc_e64(&r->ck, r->ck_buf, &e))
				relax();
			sum += e.w[0] + e.w[7] - e.w[3];
		}
	}
	return sum;
}

static void pv_produce(struct run *r)
{
	struct pv_ring_producer p;
	uint64_t buf[BATCH * 8];
	uint32_t words = r->esz / 8, batch = r->kind == PV_B32 ? BATCH : 1;

	if (pv_ring_producer_attach(&p, r->pv_area, pv_ring_bytes(SLOTS, r->esz), SLOTS, r->esz))
		abort();
	for (uint64_t i = 1; i <= r->n;) {
		uint32_t k = r->n - i + 1 < batch ? (uint32_t)(r->n - i + 1) : batch;
		int32_t done;

		for (uint32_t j = 0; j < k; j++)
			for (uint32_t w = 0; w < words; w++)
				buf[j * words + w] = i + j;
		while ((done = pv_ring_produce(&p, buf, k)) == 0)
			relax();
		if (done < 0)
			abort();
		i += (uint32_t)done;
		/* A partial batch: resend the rest from the start next time. */
		if ((uint32_t)done < k)
			continue;
	}
}

static uint64_t pv_consume(struct run *r)
{
	struct pv_ring_consumer c;
	uint64_t buf[BATCH * 8], sum = 0;
	uint32_t words = r->esz / 8, batch = r->kind == PV_B32 ? BATCH : 1;

	if (pv_ring_consumer_attach(&c, r->pv_area, pv_ring_bytes(SLOTS, r->esz), SLOTS, r->esz))
		abort();
	for (uint64_t got = 0; got < r->n;) {
		int32_t n = pv_ring_consume(&c, buf, batch);

		if (n < 0)
			abort();
		if (n == 0) {
			relax();
			continue;
		}
		for (int32_t j = 0; j < n; j++)
			sum += words == 1
				       ? buf[j]
				       : buf[j * words] + buf[j * words + 7] - buf[j * words + 3];
		got += (uint32_t)n;
	}
	return sum;
}

static void *producer(void *arg)
{
	struct run *r = arg;

	pin(0);
	while (!r->go)
		relax();
	if (r->kind == CK)
		ck_produce(r);
	else
		pv_produce(r);
	return NULL;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* One run; returns messages per second. */
static double measure(enum kind kind, uint32_t esz, uint64_t n)
{
	static struct run r;
	pthread_t tp;
	double t0, t1;
	uint64_t sum;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.esz = esz;
	r.n = n;
	r.ck_buf = aligned_alloc(64, SLOTS * 64);
	r.pv_area = aligned_alloc(64, pv_ring_bytes(SLOTS, 64));
	ck_ring_init(&r.ck, SLOTS);
	if (pv_ring_format(r.pv_area, pv_ring_bytes(SLOTS, esz), SLOTS, esz) != PV_OK)
		abort();
	pin(1);
	pthread_create(&tp, NULL, producer, &r);
	t0 = now();
	r.go = 1;
	sum = kind == CK ? ck_consume(&r) : pv_consume(&r);
	t1 = now();
	pthread_join(tp, NULL);
	if (sum != n * (n + 1) / 2) {
		fprintf(stderr, "checksum mismatch: %llu\n", (unsigned long long)sum);
		exit(1);
	}
	free(r.ck_buf);
	free(r.pv_area);
	return (double)n / (t1 - t0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, REPS, sizeof(v[0]), cmp);
	return v[REPS / 2];
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000000;
	static const uint32_t sizes[] = {8, 64};

	for (unsigned s = 0; s < 2; s++) {
		uint32_t esz = sizes[s];
		double ck[REPS], b1[REPS], b32[REPS], mck, m1, m32;
		const char *sfx = esz == 8 ? "" : "_e64";

		for (int i = 0; i < REPS; i++) {
			ck[i] = measure(CK, esz, n);
			b1[i] = measure(PV_B1, esz, n);
			b32[i] = measure(PV_B32, esz, n);
		}
		mck = median(ck);
		m1 = median(b1);
		m32 = median(b32);
		printf("BENCH ring_spsc_vs_ck_b1%s %.2f x\n", sfx, m1 / mck);
		printf("BENCH ring_spsc_vs_ck_b32%s %.2f x\n", sfx, m32 / mck);
		printf("BENCH ring_spsc_ck_e%u %.0f msg/s\n", esz, mck);
		printf("BENCH ring_spsc_libpv_b1_e%u %.0f msg/s\n", esz, m1);
		printf("BENCH ring_spsc_libpv_b32_e%u %.0f msg/s\n", esz, m32);
	}
	return 0;
}
