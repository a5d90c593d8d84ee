/*
 * Helpers for on-target tests that run as the root server: objects retyped
 * from the last untyped into fresh slots of the root CNode, and threads in
 * the root server's own address space.
 */
#ifndef MOAT_RS_TEST_H
#define MOAT_RS_TEST_H

#include <moat/runtime.h>

void rs_init(const struct moat_bootinfo *bi);

/* A fresh empty slot of the root CNode. */
moat_cptr_t rs_slot(void);

/* A new object of `type` (size_bits for variable-sized types). */
moat_cptr_t rs_make(moat_word_t type, moat_word_t size_bits);

/*
 * A new thread running fn(arg) on its own stack (one of RS_THREADS) at
 * priority `prio`, in the root server's CSpace and VSpace, resumed.
 */
#define RS_THREADS 8
moat_cptr_t rs_thread(void (*fn)(moat_word_t), moat_word_t arg, moat_word_t prio);

/*
 * The same with the CSpace root `cspace`, an IPC buffer (a fresh frame
 * mapped at buffer_va in our VSpace; 0: none), resumed only if `resume`.
 */
moat_cptr_t rs_thread_in(void (*fn)(moat_word_t), moat_word_t arg, moat_word_t prio,
			 moat_cptr_t cspace, moat_word_t buffer_va, bool resume);

/*
 * A thread in an address space of its own: one page of position-independent
 * code [start, end) at RS_CHILD_CODE (no stack, no data), and a CSpace of
 * 16 slots resolving all 64 bits whose slots 1..n hold copies of caps[].
 * Returns the TCB; the thread is resumed at `prio`.
 */
/* Copies [start, end) (at most a page) into `frame` and makes it fetchable. */
void rs_load(moat_cptr_t frame, const char *start, const char *end);

#define RS_CHILD_CODE 0x1000000ul
moat_cptr_t rs_child(const char *start, const char *end, const moat_cptr_t *caps, unsigned n,
		     moat_word_t prio);

/* The cycle counter; under QEMU with -icount shift=0 it counts instructions. */
static inline uint64_t rs_cycles(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, pmccntr_el0" : "=r"(v));
	return v;
}

/* The counter (EL0 reads it directly) and its frequency. */
static inline uint64_t rs_now(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

uint64_t rs_us(uint64_t us); /* microseconds in counter ticks */

#endif
