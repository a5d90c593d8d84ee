/*
 * libpv internal: the only ways libpv code touches shared memory.
 *
 * Indices and event fields are accessed with __atomic builtins so the
 * ordering of each access is explicit at the call site. Bulk data (ring
 * entries, descriptors, avail and used ring slots) is copied in one pass
 * between compiler barriers: the compiler can neither read shared memory
 * twice where the source reads it once (the compiler-made double fetch of
 * Xen XSA-155) nor move the copy across the index accesses around it, and
 * ThreadSanitizer still checks those plain accesses for races, which it
 * would not do for atomics. Nothing here calls libc.
 */
#ifndef LIBPV_SYNC_H
#define LIBPV_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libpv targets 64-bit machines: any uint64_t length fits a size_t. */
_Static_assert(sizeof(size_t) == 8 && sizeof(uintptr_t) == 8, "64-bit only");

static inline uint32_t pv_load_acquire32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline uint32_t pv_load_relaxed32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void pv_store_release32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void pv_store_relaxed32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline uint16_t pv_load_acquire16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline uint16_t pv_load_relaxed16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void pv_store_release16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void pv_store_relaxed16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/*
 * Full barrier: orders an earlier store before a later load, which
 * acquire/release cannot. Every use is one half of a store-fence-load
 * pair with the peer (see docs/libpv.md, "Notifications").
 */
static inline void pv_fence_full(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/*
 * Has the index moved from old to new_idx past event, that is, is event in
 * [old, new_idx) in modular arithmetic? The virtio vring_need_event rule;
 * any event value, however hostile, just yields true or false.
 */
static inline bool pv_need_event16(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

static inline bool pv_need_event32(uint32_t event, uint32_t new_idx, uint32_t old)
{
	return new_idx - event - 1 < new_idx - old;
}

/*
 * Whether a virtqueue's peer wants to hear that our index moved from old
 * to now: with VIRTIO_F_EVENT_IDX its event index says, without it the
 * flag it sets to suppress notifications. The fence makes our index store
 * visible before we read either; its pair is the fence in the peer's
 * prepare_wait (store event or flag, fence, load our index).
 */
static inline bool pv_virtq_notify_needed(bool event_idx, const uint16_t *event,
					  const uint16_t *flags, uint16_t suppress, uint16_t now,
					  uint16_t old)
{
	pv_fence_full();
	if (event_idx)
		return pv_need_event16(pv_load_relaxed16(event), now, old);
	return old != now && (pv_load_relaxed16(flags) & suppress) == 0;
}

/* The cache line size shared layouts, wide copies and prefetch hints assume. */
#define PV_CACHE_LINE 64u

/* Word access to bytes of any type: may_alias keeps strict aliasing out of it. */
typedef uint64_t __attribute__((may_alias)) pv_word_t;

/*
 * Sixteen bytes moved as one unit: one SSE register on x86-64, a pair of
 * general registers (LDP/STP) on AArch64, where libpv has no FP/SIMD.
 */
typedef struct {
	uint64_t w[2];
} __attribute__((may_alias)) pv_pair_t;

/*
 * A word at any address: the private side of a copy whose two sides are
 * not alike modulo 8. AArch64 (SCTLR.A clear) and x86-64 load and store
 * it on normal memory as one instruction.
 */
typedef struct {
	uint64_t v;
} __attribute__((packed, may_alias)) pv_uword_t;

/*
 * Copies of at least this many bytes whose sides are not both aligned
 * move words once the shared side is aligned: bytes up to its alignment,
 * words (the private side at any alignment), bytes for the rest. A frame
 * behind a 12-byte virtio-net header is never aligned on both sides.
 */
#define PV_COPY_WORDS_MIN 16u

/* Copy n bytes out of shared memory into private memory, reading each byte once. */
static inline void pv_copy_from_shared(void *dst, const void *src, size_t n)
{
	if ((((uintptr_t)dst | (uintptr_t)src | n) & 7) == 0) {
		const pv_word_t *s = src;
		pv_word_t *d = dst;

		/*
		 * Plain loads, each byte once, fenced off by compiler barriers:
		 * nothing before or after may be merged with them, and callers
		 * only ever look at the private copy (the Xen RING_COPY_REQUEST
		 * rule). Copies of more than a cache line load sixteen bytes at
		 * a time: a batch of entries is mostly cache misses on lines
		 * the peer wrote, and wider loads keep more of those lines in
		 * flight. A line or less is loaded word by word: pair loads
		 * measured slower for single 64-byte entries
		 * (docs/performance.md, "libpv").
		 */
		__asm__ volatile("" ::: "memory");
		if (n > PV_CACHE_LINE) {
			const pv_pair_t *sp = src;
			pv_pair_t *dp = dst;
			size_t i;

			for (i = 0; i < n / 16; i++)
				dp[i] = sp[i];
			if (n & 8)
				d[2 * i] = s[2 * i];
		} else {
			for (size_t i = 0; i < n / 8; i++)
				d[i] = s[i];
		}
		__asm__ volatile("" ::: "memory");
		return;
	}
	const volatile uint8_t *s = src;
	uint8_t *d = dst;

	if (n >= PV_COPY_WORDS_MIN) {
		for (; (uintptr_t)s & 7; n--)
			*d++ = *s++;
		__asm__ volatile("" ::: "memory");
		for (; n >= 8; n -= 8, s += 8, d += 8)
			((pv_uword_t *)d)->v = *(const pv_word_t *)(uintptr_t)s;
		__asm__ volatile("" ::: "memory");
	}
	for (; n; n--)
		*d++ = *s++;
}

/* Copies into shared memory of at least this many bytes store pairs of words. */
#define PV_COPY_PAIR_STORES_MIN 256u

/* Copy n bytes of private memory into shared memory, writing each byte once. */
static inline void pv_copy_to_shared(void *dst, const void *src, size_t n)
{
	if ((((uintptr_t)dst | (uintptr_t)src | n) & 7) == 0) {
		pv_word_t *d = dst;
		const pv_word_t *s = src;

		/*
		 * Word loads: callers fill their entries word by word, and a
		 * wider load of words just stored cannot be forwarded from the
		 * store buffer. Long copies store pairs of words (fewer stores,
		 * which bound a producer of large batches); short ones store
		 * words, because with pair stores the benchmark's one-entry
		 * and small-batch producers ran 5-7 times slower (measured,
		 * docs/performance.md, "libpv").
		 */
		__asm__ volatile("" ::: "memory");
		if (n >= PV_COPY_PAIR_STORES_MIN) {
			pv_pair_t *dp = dst;
			size_t i;

			for (i = 0; i < n / 16; i++) {
				pv_pair_t t = {{s[2 * i], s[2 * i + 1]}};

				dp[i] = t;
			}
			if (n & 8)
				d[2 * i] = s[2 * i];
		} else {
			for (size_t i = 0; i < n / 8; i++)
				d[i] = s[i];
		}
		__asm__ volatile("" ::: "memory");
		return;
	}
	volatile uint8_t *d = dst;
	const uint8_t *s = src;

	if (n >= PV_COPY_WORDS_MIN) {
		for (; (uintptr_t)d & 7; n--)
			*d++ = *s++;
		__asm__ volatile("" ::: "memory");
		for (; n >= 8; n -= 8, s += 8, d += 8)
			*(pv_word_t *)(uintptr_t)d = ((const pv_uword_t *)s)->v;
		__asm__ volatile("" ::: "memory");
	}
	for (; n; n--)
		*d++ = *s++;
}

/*
 * Prefetch hints for shared memory. A hint starts moving a cache line to
 * this core before the copy that reads or writes it; it loads nothing into
 * registers and cannot fault, so the copy stays the only read of the shared
 * bytes (copy once) and no value the peer writes can steer anything. The
 * write hint asks for the line in an exclusive state, so the stores that
 * follow do not each wait for the peer's copy to be invalidated.
 */
static inline void pv_prefetch_read(const void *p)
{
	__builtin_prefetch(p, 0, 3);
}

static inline void pv_prefetch_write(void *p)
{
#if defined(__x86_64__)
	/* GCC emits PREFETCHW for __builtin_prefetch only with -mprfchw, which
	 * no x86-64 baseline includes; every x86-64 host libpv's tests run on
	 * has it (Intel since Broadwell, AMD since the K6-2). */
	__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p, 1, 3); /* AArch64: PRFM PSTL1KEEP */
#endif
}

/* Zero private memory (no libc memset in freestanding builds). */
static inline void pv_zero(void *dst, size_t n)
{
	volatile uint8_t *d = dst;

	for (size_t i = 0; i < n; i++)
		d[i] = 0;
}

static inline bool pv_is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

#endif
