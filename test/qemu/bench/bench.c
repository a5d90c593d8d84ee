/*
 * Kernel microbenchmarks, run as the root server under QEMU with
 * -icount shift=0, where the cycle counter counts instructions (kernel
 * and user both). Each figure is the median of ITERATIONS samples, with
 * the minimum beside it; see docs/performance.md.
 */
#include "rs_test.h"

#define ITERATIONS 2000
#define WARMUP 100
#define PRIO 100

_Static_assert(MOAT_SYS_RECV == 5 && MOAT_SYS_REPLY_RECV == 2, "server code below");

/* The echo server, in its own address space: slot 1 endpoint, slot 2 reply. */
__asm__(".section .text.bench_server, \"ax\"\n"
	".global server_start\n"
	".global server_end\n"
	"server_start:\n"
	"	mov x0, #1\n mov x6, #2\n mov x7, #5\n svc #0\n"           /* Recv */
	"1:	mov x0, #1\n mov x1, #0\n mov x6, #2\n mov x7, #2\n svc #0\n" /* ReplyRecv */
	"	b 1b\n"
	"server_end:\n"
	".text\n");
extern const char server_start[], server_end[];

static uint64_t samples[ITERATIONS];

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Insertion sort: no libc here, and 2000 samples are quick. */
static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;

		while (j > 0 && cmp(&v[j - 1], &x) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static void report(const char *name, unsigned divisor)
{
	sort(samples, ITERATIONS);
	moat_printf("BENCH %s %lu instructions\n", name, samples[ITERATIONS / 2] / divisor);
	moat_printf("BENCH %s_min %lu instructions\n", name, samples[0] / divisor);
}

/* The cost of reading the counter itself, subtracted from every sample. */
static uint64_t overhead;

static void measure_overhead(void)
{
	for (unsigned i = 0; i < ITERATIONS; i++) {
		uint64_t t0 = rs_cycles(), t1 = rs_cycles();

		samples[i] = t1 - t0;
	}
	sort(samples, ITERATIONS);
	overhead = samples[0];
}

static void bench_null_syscall(void)
{
	/* The system call that does nothing: in and out of the kernel. */
	for (unsigned i = 0; i < ITERATIONS + WARMUP; i++) {
		uint64_t t0 = rs_cycles();

		MOAT_ASSERT_EQ(moat_null(), MOAT_OK);
		if (i >= WARMUP)
			samples[i - WARMUP] = rs_cycles() - t0 - overhead;
	}
	report("null_syscall", 1);
}

static void bench_yield_self(void)
{
	/* Yield with nobody else at our priority: the general path and the scheduler. */
	for (unsigned i = 0; i < ITERATIONS + WARMUP; i++) {
		uint64_t t0 = rs_cycles();

		moat_yield();
		if (i >= WARMUP)
			samples[i - WARMUP] = rs_cycles() - t0 - overhead;
	}
	report("yield_self", 1);
}

static void bench_call_reply(void)
{
	moat_cptr_t ep = rs_make(MOAT_OBJ_ENDPOINT, 0), reply = rs_make(MOAT_OBJ_REPLY, 0);
	moat_cptr_t caps[2] = { ep, reply };

	/* Above us: it is waiting in Recv before our first Call. */
	rs_child(server_start, server_end, caps, 2, PRIO + 1);
	for (unsigned i = 0; i < ITERATIONS + WARMUP; i++) {
		/* The Call as a domain's stub would make it: registers only. */
		register moat_word_t x0 __asm__("x0") = ep;
		register moat_word_t x1 __asm__("x1") = moat_msginfo(1, 0, 0, 1);
		register moat_word_t x2 __asm__("x2") = i;
		register moat_word_t x7 __asm__("x7") = MOAT_SYS_CALL;
		uint64_t t0 = rs_cycles();

		__asm__ volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x2) : "r"(x7) : "memory");
		if (i >= WARMUP)
			samples[i - WARMUP] = rs_cycles() - t0 - overhead;
		MOAT_ASSERT_EQ(moat_msginfo_label(x1), 0);
		MOAT_ASSERT_EQ(x2, i); /* the echo server sends MR0 back */
	}
	report("ipc_call_reply_roundtrip", 1);
}

static moat_cptr_t ntfn;
static volatile uint64_t woke_at;

static void waiter(moat_word_t unused)
{
	(void)unused;
	for (;;) {
		moat_wait(ntfn);
		woke_at = rs_cycles();
	}
}

static void bench_signal_wake(void)
{
	ntfn = rs_make(MOAT_OBJ_NOTIFICATION, 0);
	rs_thread(waiter, 0, PRIO + 1);
	for (unsigned i = 0; i < ITERATIONS + WARMUP; i++) {
		uint64_t t0 = rs_cycles();

		moat_signal(ntfn);
		if (i >= WARMUP)
			samples[i - WARMUP] = woke_at - t0 - overhead;
	}
	report("signal_wake_higher", 1);
}

static void yielder(moat_word_t unused)
{
	(void)unused;
	for (;;)
		moat_yield();
}

static void bench_yield_switch(void)
{
	moat_cptr_t t = rs_thread(yielder, 1, PRIO);

	/* Our Yield runs the other thread, whose Yield runs us: two switches. */
	for (unsigned i = 0; i < ITERATIONS + WARMUP; i++) {
		uint64_t t0 = rs_cycles();

		moat_yield();
		if (i >= WARMUP)
			samples[i - WARMUP] = rs_cycles() - t0 - overhead;
	}
	report("yield_switch", 2);
	MOAT_ASSERT_EQ(moat_invoke(t, MOAT_TCB_SUSPEND, 0, NULL, 0, NULL), MOAT_OK);
}

int main(void *arg)
{
	moat_word_t prio = PRIO;

	rs_init(arg);
	MOAT_ASSERT_EQ(moat_invoke(MOAT_SLOT_ROOT_TCB, MOAT_TCB_SET_PRIORITY, 1, &prio, 0, NULL),
		       MOAT_OK);
	measure_overhead();
	bench_null_syscall();
	bench_yield_self();
	bench_call_reply();
	bench_signal_wake();
	bench_yield_switch();
	moat_printf("bench: done\n");
	return 0;
}
