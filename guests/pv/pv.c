/* The PV guest's main program; see pv.h. */
#include "pv.h"

#include <moat/hypercall.h>
#include <moat/types.h>

#include "fmt.h"

#define PSCI_VERSION 0x84000000ul
#define PSCI_CPU_ON 0xc4000003ul
#define PSCI_AFFINITY_INFO 0xc4000004ul
#define PSCI_INVALID_PARAMETERS (~1ul) /* -2 */
#define PSCI_ALREADY_ON (~3ul)         /* -4 */
#define PSCI_INVALID_ADDRESS (~8ul)    /* -9 */
#define AFFINITY_ON 0ul
#define AFFINITY_OFF 1ul
#define SMP_WAIT_ROUNDS 100000u /* yields before giving up on the other vCPU */
#define FUZZ_STEPS 100000
#define REPORT_FN 0xc600ff10ul /* for its VMM: the results of a run */

volatile uint64_t pv_exceptions;

struct pv_hvc pv_hypercall(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (struct pv_hvc){ x0, x1, x2, x3 };
}

void pv_print(const char *fmt, ...)
{
	char buf[MOAT_HVC_CONSOLE_MAX];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (!pv_console_write(buf, n))
		pv_hypercall(MOAT_HVC_CONSOLE_WRITE, (uint64_t)(uintptr_t)buf, n, 0);
}

static unsigned failures;

static void expect(const char *what, uint64_t got, uint64_t want)
{
	pv_print("pv: %s: %s\n", what, got == want ? "ok" : "WRONG");
	failures += got != want;
}

/* Every hypercall, and each with what it must refuse. */
static void test_mode(void)
{
	static const char across[] = "pv: a message across a page boundary\n";
	char *page_end = (char *)(((uintptr_t)&pv_exceptions + 0x1000) & ~0xffful) - 8;

	expect("null hypercall", pv_hypercall(MOAT_HVC_NULL, 1, 2, 3).x0, MOAT_OK);
	expect("console write", pv_hypercall(MOAT_HVC_CONSOLE_WRITE, (uintptr_t)"pv: hi\n", 7, 0).x0,
	       MOAT_OK);
	for (unsigned i = 0; i < sizeof(across) - 1; i++)
		page_end[i] = across[i];
	expect("console write across pages",
	       pv_hypercall(MOAT_HVC_CONSOLE_WRITE, (uintptr_t)page_end, sizeof(across) - 1, 0).x0,
	       MOAT_OK);
	expect("console write too long",
	       pv_hypercall(MOAT_HVC_CONSOLE_WRITE, (uintptr_t)page_end, MOAT_HVC_CONSOLE_MAX + 1, 0)
		       .x0,
	       MOAT_RANGE_ERROR);
	expect("console write outside RAM",
	       pv_hypercall(MOAT_HVC_CONSOLE_WRITE, PV_DEVICE_IPA, 4, 0).x0, MOAT_INVALID_ARGUMENT);
	expect("console write wrapping",
	       pv_hypercall(MOAT_HVC_CONSOLE_WRITE, ~0ul - 2, 8, 0).x0, MOAT_INVALID_ARGUMENT);
	expect("an unknown Moat call goes to the VMM",
	       pv_hypercall(MOAT_HVC_BASE + 0x77, 0, 0, 0).x0, ~0ul /* its NOT_SUPPORTED */);
	expect("PSCI VERSION from the VMM", pv_hypercall(PSCI_VERSION, 0, 0, 0).x0, 0x10001);
	expect("yield", pv_hypercall(MOAT_HVC_YIELD, 0, 0, 0).x0, MOAT_OK);
	expect("notify on its channel 7", pv_hypercall(MOAT_HVC_NOTIFY, 7, 0, 0).x0, MOAT_OK);
	expect("notify on a channel that is no notification",
	       pv_hypercall(MOAT_HVC_NOTIFY, 0, 0, 0).x0, MOAT_INVALID_CAPABILITY);
	expect("notify on channel 8", pv_hypercall(MOAT_HVC_NOTIFY, 8, 0, 0).x0, MOAT_RANGE_ERROR);
	expect("notify on channel ~0", pv_hypercall(MOAT_HVC_NOTIFY, ~0ul, 0, 0).x0,
	       MOAT_RANGE_ERROR);
	expect("device read from the VMM", *(volatile uint32_t *)PV_DEVICE_IPA, 0x4d4f4154);
	*(volatile uint32_t *)(PV_DEVICE_IPA + 4) = 0x1234;
	expect("device write seen by the VMM", *(volatile uint32_t *)(PV_DEVICE_IPA + 4), 0x1234);
	expect("an access outside RAM and devices aborts", (*(volatile uint8_t *)0x60000000, pv_exceptions), 1);
	pv_print("pv: test mode: %u failure(s)\n", failures);
	pv_hypercall(REPORT_FN, failures, pv_exceptions, 0);
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ul;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static uint64_t rnd_ipa(void)
{
	switch (rnd() % 5) {
	case 0:
		return PV_DEVICE_IPA + rnd() % PV_DEVICE_SIZE;
	case 4: /* servers/vmm's GIC distributor, redistributor, PL011 */
		return (uint64_t[]){ 0x08000000ul, 0x080a0000ul, 0x09000000ul }[rnd() % 3] +
		       rnd() % 0x20000;
	case 1:
		return 0x40000000ul + rnd() % 0x20000; /* around its RAM */
	case 2:
		return rnd() & 0xfffffffffffful;
	default:
		return rnd();
	}
}

/* Random hypercalls and accesses, as a hostile guest would make them. */
static void fuzz_mode(void)
{
	uint64_t accesses = 0;

	for (unsigned step = 0; step < FUZZ_STEPS; step++) {
		uint64_t r = rnd(), ipa = rnd_ipa() & ~7ul;

		if (r % 3 == 0) {
			uint64_t fn = r & 8 ? MOAT_HVC_BASE + (rnd() % 4) : rnd();

			if (fn == 0x84000008ul || fn == 0x84000009ul) /* SYSTEM_OFF/RESET: later */
				fn = PSCI_VERSION;
			pv_hypercall(fn, rnd_ipa(), rnd() % 512, rnd());
		} else if (ipa >= 0x40000000ul && ipa < 0x40020000ul) {
			continue; /* its own memory, code and stack: not a target */
		} else if (r % 3 == 1) {
			accesses++;
			(void)*(volatile uint64_t *)ipa;
		} else {
			accesses++;
			*(volatile uint32_t *)ipa = (uint32_t)rnd();
		}
	}
	pv_print("pv: fuzz mode: %u steps, %lu device accesses, %lu exceptions\n", FUZZ_STEPS,
		 accesses, pv_exceptions);
	pv_hypercall(REPORT_FN, FUZZ_STEPS, accesses, pv_exceptions);
}

/*
 * Its FP/SIMD registers filled with a pattern of its own (the seed), then
 * a yield to whoever else runs, then checked: the kernel must have kept
 * them across every switch to another guest that uses them too.
 */
static void fp_mode(uint64_t seed)
{
	uint64_t wrong = 0;

	for (uint64_t round = 0; round < PV_FP_ROUNDS; round++) {
		uint64_t v = seed << 32 | round << 8;

		pv_fp_fill(v);
		pv_hypercall(MOAT_HVC_YIELD, 0, 0, 0);
		wrong += pv_fp_check(v);
	}
	pv_print("pv: FP mode, seed %lu: %u rounds, %lu register(s) wrong\n", seed, PV_FP_ROUNDS,
		 wrong);
}

/*
 * The cost of switching to another guest and back: yields, timed, with
 * this guest's FP registers in use (its own pattern, and one FP
 * instruction right after each yield) or never touched.
 */
static void switch_mode(bool fp)
{
	uint64_t best = ~0ul, sum = 0, wrong = 0;

	for (uint64_t round = 0; round < PV_SWITCH_ROUNDS; round++) {
		uint64_t t;

		if (fp)
			pv_fp_fill(round);
		t = pv_switch_sample(fp);
		if (fp)
			wrong += pv_fp_check(round); /* kept across the switches, too */
		best = t < best ? t : best;
		sum += t;
	}
	/* x3: whether it used FP, and how many of its registers came back wrong. */
	pv_hypercall(PV_REPORT_SWITCH, best, sum, fp | wrong << 1);
}

/* Interrupts masked, never yielding: only its budget stops it. */
static void spin_mode(void)
{
	__asm__ volatile("msr daifset, #0xf");
	for (uint64_t round = 1;; round++) {
		for (volatile uint64_t i = 0; i < 20000000; i++)
			;
		pv_print("pv: spinning with interrupts masked, round %lu\n", round);
	}
}

/* Big-endian 32-bit word of the device tree. */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The decimal number after `key` (e.g. "pv.mode=") in the device tree at
 * `dtb` (its VMM's, searched within the header's size and 64 KiB), or 0.
 */
static uint64_t devtree_number(const uint8_t *dtb, const char *key)
{
	uint32_t size;

	if (be32(dtb) != 0xd00dfeed)
		return 0;
	size = be32(dtb + 4) < 0x10000 ? be32(dtb + 4) : 0x10000;
	for (uint32_t i = 0; i < size; i++) {
		uint32_t k = 0;
		uint64_t v = 0;

		while (key[k] && i + k < size && dtb[i + k] == (uint8_t)key[k])
			k++;
		if (key[k])
			continue;
		for (i += k; i < size && dtb[i] >= '0' && dtb[i] <= '9' && v < 1000000; i++)
			v = v * 10 + (dtb[i] - '0');
		return v;
	}
	return 0;
}

static volatile uint64_t smp_up, smp_go, smp_context, smp_mpidr;

/* vCPU 1, started by CPU_ON: reports what it was given, waits, returns to CPU_OFF. */
void pv_secondary(uint64_t context)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	pv_print("pv: vCPU up with context 0x%lx, MPIDR 0x%lx\n", context, mpidr);
	smp_context = context;
	smp_mpidr = mpidr;
	smp_up = smp_up + 1;
	for (unsigned i = 0; i < SMP_WAIT_ROUNDS && !smp_go; i++)
		pv_hypercall(MOAT_HVC_YIELD, 0, 0, 0);
	smp_go = 0;
}

static uint64_t affinity(uint64_t target, uint64_t level)
{
	return pv_hypercall(PSCI_AFFINITY_INFO, target, level, 0).x0;
}

static uint64_t cpu_on(uint64_t target, uint64_t entry, uint64_t context)
{
	return pv_hypercall(PSCI_CPU_ON, target, entry, context).x0;
}

/* Yields until `*word` is `want` (or `to_off`: vCPU 1 is off); whether it happened. */
static bool smp_wait(volatile uint64_t *word, uint64_t want, bool to_off)
{
	for (unsigned i = 0; i < SMP_WAIT_ROUNDS; i++) {
		if (to_off ? affinity(1, 0) == AFFINITY_OFF : *word == want)
			return true;
		pv_hypercall(MOAT_HVC_YIELD, 0, 0, 0);
	}
	return false;
}

/* PSCI for a guest of two vCPUs: bad CPU_ONs refused, vCPU 1 started and off twice. */
static void smp_mode(void)
{
	uint64_t entry = (uintptr_t)pv_secondary_entry;

	expect("vCPU 1 is off at boot", affinity(1, 0), AFFINITY_OFF);
	expect("AFFINITY_INFO of a vCPU that does not exist", affinity(2, 0),
	       PSCI_INVALID_PARAMETERS);
	expect("AFFINITY_INFO at level 1", affinity(1, 1), PSCI_INVALID_PARAMETERS);
	expect("CPU_ON of itself", cpu_on(0, entry, 0), PSCI_ALREADY_ON);
	expect("CPU_ON of a vCPU that does not exist", cpu_on(2, entry, 0),
	       PSCI_INVALID_PARAMETERS);
	expect("CPU_ON of Aff1 1", cpu_on(0x100, entry, 0), PSCI_INVALID_PARAMETERS);
	expect("CPU_ON with a bit outside the affinity fields", cpu_on(1ul << 31 | 1, entry, 0),
	       PSCI_INVALID_PARAMETERS);
	expect("CPU_ON at an entry outside RAM", cpu_on(1, 0x1000, 0), PSCI_INVALID_ADDRESS);
	expect("CPU_ON at an entry wrapping RAM", cpu_on(1, PV_RAM_IPA - 4, 0),
	       PSCI_INVALID_ADDRESS);
	for (uint64_t round = 1; round <= 2; round++) {
		expect("CPU_ON of vCPU 1", cpu_on(1, entry, 0x5ec0 + round), 0);
		expect("CPU_ON of vCPU 1 while it is on", cpu_on(1, entry, 0), PSCI_ALREADY_ON);
		expect("vCPU 1 came up", smp_wait(&smp_up, round, false), true);
		expect("vCPU 1 got its context", smp_context, 0x5ec0 + round);
		expect("vCPU 1 reads MPIDR Aff0 1", smp_mpidr & 0xff00fffffful, 1);
		expect("AFFINITY_INFO of vCPU 1 while it runs", affinity(1, 0), AFFINITY_ON);
		smp_go = 1;
		expect("vCPU 1 went off by CPU_OFF", smp_wait(NULL, 0, true), true);
	}
	pv_print("pv: smp mode: %u failure(s)\n", failures);
}

void pv_main(uint64_t mode)
{
	uint64_t seed = 0;

	if (mode >= PV_RAM_IPA) {
		const uint8_t *dtb = (const uint8_t *)(uintptr_t)mode;

		mode = devtree_number(dtb, "pv.mode=");
		seed = devtree_number(dtb, "pv.seed=");
	}
	pv_print("pv: Moat PV guest at EL1, mode %lu\n", mode);
	if (mode == PV_MODE_TEST)
		test_mode();
	else if (mode == PV_MODE_FUZZ)
		fuzz_mode();
	else if (mode == PV_MODE_SPIN)
		spin_mode();
	else if (mode == PV_MODE_FP)
		fp_mode(seed);
	else if (mode == PV_MODE_SWITCH_FP || mode == PV_MODE_SWITCH_NOFP)
		switch_mode(mode == PV_MODE_SWITCH_FP);
	else if (mode == PV_MODE_SMP)
		smp_mode();
	else if (mode == PV_MODE_BLK)
		pv_blk_mode();
	else if (mode == PV_MODE_HOSTILE)
		pv_hostile_mode();
	else if (mode == PV_MODE_NET)
		pv_net_mode();
	else if (mode == PV_MODE_BLK_BENCH || mode == PV_MODE_BLK_QD32)
		pv_blk_bench_mode(mode == PV_MODE_BLK_QD32);
	else if (mode == PV_MODE_CPU_STATE)
		pv_cpu_state_mode();
}
