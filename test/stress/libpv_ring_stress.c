/*
 * Host stress test of the libpv SPSC ring: a producer and a consumer
 * thread on different cores, random batch sizes and random delays, every
 * entry carrying a sequence number and a checksum that the consumer
 * verifies. Notifications in both directions go through futexes, exactly
 * as the ring's protocol says (prepare_wait, then sleep only if it says
 * so; kick only if kick_needed says so), and the sleeps have no timeout:
 * a lost wakeup hangs a thread, and the watchdog then fails the test.
 *
 * Built twice: under ThreadSanitizer and under AddressSanitizer + UBSan.
 *
 * Usage: libpv_ring_stress [messages] [--drop-kicks]
 * --drop-kicks loses one needed kick in 4096 on purpose, and the 64th if
 * none was lost before it (a run that slept little needed too few kicks
 * to lose one by chance, and passed): the test must then fail (it is
 * registered as a test that must fail).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libpv/err.h>
#include <libpv/ring.h>

#define CAP	      64u
#define BATCH_MAX     32u
#define STALL_SECONDS 10

struct entry {
	uint64_t seq;
	uint64_t a, b;
	uint64_t sum;
};

static _Alignas(64) uint8_t area[PV_RING_HEADER_BYTES + CAP * sizeof(struct entry)];
static uint32_t bell_c, bell_p;	  /* futex words: consumer's and producer's bell */
static _Atomic uint64_t progress; /* entries consumed, for the watchdog */
static _Atomic uint64_t sleeps_c, sleeps_p, kicks_c, kicks_p, dropped;
static uint64_t total = 10000000;
static int drop_kicks;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static struct entry make_entry(uint64_t seq)
{
	struct entry e = {seq, mix(seq), mix(seq ^ 0x5555), 0};

	e.sum = e.seq * 3 + (e.a ^ (e.b << 1));
	return e;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random delays: mostly none, sometimes a spin, rarely a real sleep. */
static void maybe_delay(uint64_t *s)
{
	uint64_t r = rng(s);

	if ((r & 0xff) == 0) {
		for (volatile uint32_t i = 0; i < (r >> 8) % 2000; i++)
			;
	} else if ((r & 0xffff) == 1) {
		struct timespec ts = {0, (long)((r >> 16) % 50000)};

		nanosleep(&ts, NULL);
	} else if ((r & 0xfff) == 2) {
		sched_yield();
	}
}

static void futex_wait(uint32_t *word, uint32_t seen)
{
	/* No timeout: a lost wakeup must hang. EAGAIN: the bell rang already. */
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

static void ring_bell(uint32_t *word)
{
	__atomic_fetch_add(word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % (int)sysconf(_SC_NPROCESSORS_ONLN), &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void kick_consumer(uint64_t *s)
{
	if (drop_kicks && (rng(s) % 4096 == 0 ||
			   (atomic_load(&kicks_c) == 63 && !atomic_load(&dropped)))) {
		atomic_fetch_add(&dropped, 1);
		return;
	}
	atomic_fetch_add(&kicks_c, 1);
	ring_bell(&bell_c);
}

static void *producer(void *arg)
{
	struct pv_ring_producer p;
	struct entry batch[BATCH_MAX];
	uint64_t seq = 0, s = 0x9e3779b97f4a7c15ull;

	(void)arg;
	pin(0);
	if (pv_ring_producer_attach(&p, area, sizeof(area), CAP, sizeof(struct entry)) != PV_OK)
		abort();
	while (seq < total) {
		uint32_t n = 1 + (uint32_t)(rng(&s) % BATCH_MAX);
		int32_t done;

		if (n > total - seq)
			n = (uint32_t)(total - seq);
		for (uint32_t i = 0; i < n; i++)
			batch[i] = make_entry(seq + i);
		while ((done = pv_ring_produce(&p, batch, n)) == 0) {
			uint32_t b = __atomic_load_n(&bell_p, __ATOMIC_SEQ_CST);

			if (pv_ring_producer_prepare_wait(&p)) {
				atomic_fetch_add(&sleeps_p, 1);
				futex_wait(&bell_p, b);
			}
		}
		if (done < 0) {
			fprintf(stderr, "produce: %s\n", pv_err_name(done));
			exit(1);
		}
		seq += (uint32_t)done;
		if (pv_ring_producer_kick_needed(&p))
			kick_consumer(&s);
		maybe_delay(&s);
	}
	return NULL;
}

static void check_entry(const struct entry *e, uint64_t expect)
{
	struct entry want = make_entry(expect);

	if (memcmp(e, &want, sizeof(want)) != 0) {
		fprintf(stderr, "entry %llu: got seq %llu sum %llx, want sum %llx\n",
			(unsigned long long)expect, (unsigned long long)e->seq,
			(unsigned long long)e->sum, (unsigned long long)want.sum);
		exit(1);
	}
}

static void *consumer(void *arg)
{
	struct pv_ring_consumer c;
	struct entry batch[BATCH_MAX];
	uint64_t seq = 0, s = 0x2545f4914f6cdd1dull;

	(void)arg;
	pin(1);
	if (pv_ring_consumer_attach(&c, area, sizeof(area), CAP, sizeof(struct entry)) != PV_OK)
		abort();
	while (seq < total) {
		uint32_t want = 1 + (uint32_t)(rng(&s) % BATCH_MAX);
		int32_t n = pv_ring_consume(&c, batch, want);

		if (n < 0) {
			fprintf(stderr, "consume: %s\n", pv_err_name(n));
			exit(1);
		}
		if (n == 0) {
			uint32_t b = __atomic_load_n(&bell_c, __ATOMIC_SEQ_CST);

			if (pv_ring_consumer_prepare_wait(&c)) {
				atomic_fetch_add(&sleeps_c, 1);
				futex_wait(&bell_c, b);
			}
			continue;
		}
		for (int32_t i = 0; i < n; i++)
			check_entry(&batch[i], seq + (uint64_t)i);
		seq += (uint64_t)n;
		atomic_store(&progress, seq);
		if (pv_ring_consumer_kick_needed(&c)) {
			atomic_fetch_add(&kicks_p, 1);
			ring_bell(&bell_p);
		}
		maybe_delay(&s);
	}
	return NULL;
}

/* Fails the test when no entry has moved for STALL_SECONDS: a lost wakeup. */
static void *watchdog(void *arg)
{
	uint64_t last = 0;
	int still = 0;

	(void)arg;
	for (;;) {
		uint64_t now;

		sleep(1);
		now = atomic_load(&progress);
		still = now == last ? still + 1 : 0;
		last = now;
		if (still >= STALL_SECONDS) {
			fprintf(stderr,
				"libpv_ring_stress: no progress for %d s at %llu of %llu entries "
				"(lost wakeup?) consumer sleeps %llu, producer sleeps %llu, "
				"dropped kicks %llu\n",
				STALL_SECONDS, (unsigned long long)now, (unsigned long long)total,
				(unsigned long long)atomic_load(&sleeps_c),
				(unsigned long long)atomic_load(&sleeps_p),
				(unsigned long long)atomic_load(&dropped));
			_exit(1);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tp, tc, tw;
	struct timespec t0, t1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--drop-kicks") == 0)
			drop_kicks = 1;
		else
			total = strtoull(argv[i], NULL, 0);
	}
	if (pv_ring_format(area, sizeof(area), CAP, sizeof(struct entry)) != PV_OK)
		abort();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&tw, NULL, watchdog, NULL);
	pthread_detach(tw);
	pthread_create(&tc, NULL, consumer, NULL);
	pthread_create(&tp, NULL, producer, NULL);
	pthread_join(tp, NULL);
	pthread_join(tc, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("libpv_ring_stress: %llu entries verified in %.1f s; consumer slept %llu, "
	       "producer slept %llu, kicks %llu/%llu\n",
	       (unsigned long long)atomic_load(&progress),
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (unsigned long long)atomic_load(&sleeps_c),
	       (unsigned long long)atomic_load(&sleeps_p),
	       (unsigned long long)atomic_load(&kicks_c),
	       (unsigned long long)atomic_load(&kicks_p));
	if (atomic_load(&progress) != total)
		return 1;
	/* The test must have exercised the sleeping paths to mean anything. */
	if (atomic_load(&sleeps_c) == 0 || atomic_load(&sleeps_p) == 0) {
		fprintf(stderr,
			"libpv_ring_stress: a side never slept; the wakeup paths went untested\n");
		return 1;
	}
	return 0;
}
