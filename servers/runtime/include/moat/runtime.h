/*
 * The runtime for native domain programs: system call stubs, console
 * output, and assertions. A program provides `int main(void *arg)`; x0 at
 * start (the root server's boot info) is passed as `arg`, and main's
 * return value ends the system in debug builds (0: success).
 */
#ifndef MOAT_RUNTIME_H
#define MOAT_RUNTIME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <moat/bootinfo.h>
#include <moat/ipc_buffer.h>
#include <moat/object.h>
#include <moat/syscall.h>
#include <moat/types.h>

/* The raw system call: registers in, registers out (see moat/syscall.h). */
struct moat_regs {
	moat_word_t x0, info, mr[MOAT_MSG_REGISTERS], x6;
};

static inline void moat_syscall(unsigned sysno, struct moat_regs *r)
{
	register moat_word_t x0 __asm__("x0") = r->x0;
	register moat_word_t x1 __asm__("x1") = r->info;
	register moat_word_t x2 __asm__("x2") = r->mr[0];
	register moat_word_t x3 __asm__("x3") = r->mr[1];
	register moat_word_t x4 __asm__("x4") = r->mr[2];
	register moat_word_t x5 __asm__("x5") = r->mr[3];
	register moat_word_t x6 __asm__("x6") = r->x6;
	register moat_word_t x7 __asm__("x7") = sysno;

	__asm__ volatile("svc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6)
			 : "r"(x7)
			 : "memory");
	r->x0 = x0;
	r->info = x1;
	r->mr[0] = x2;
	r->mr[1] = x3;
	r->mr[2] = x4;
	r->mr[3] = x5;
	r->x6 = x6;
}

/* The system call that does nothing (MOAT_OK): the cost of entering the kernel. */
static inline enum moat_error moat_null(void)
{
	register moat_word_t x1 __asm__("x1");
	register moat_word_t x7 __asm__("x7") = MOAT_SYS_NULL;

	__asm__ volatile("svc #0" : "=r"(x1) : "r"(x7) : "memory");
	return (enum moat_error)moat_msginfo_label(x1);
}

/*
 * What `cap` names in the caller's CSpace: the error code, and on success
 * its type (enum moat_object_type, 0 for an empty slot) and rights.
 */
enum moat_error moat_identify(moat_cptr_t cap, moat_word_t *type, moat_word_t *rights);

/* The calling thread's IPC buffer (set by the runtime at start). */
extern struct moat_ipc_buffer *moat_ipc_buffer;

/*
 * Invokes `cap` with `label` and `n` argument words (and `ncaps` extra
 * capabilities from moat_ipc_buffer->caps). Returns the error code; result
 * words land in out[] (up to 3) when out is not NULL.
 */
enum moat_error moat_invoke(moat_cptr_t cap, moat_word_t label, unsigned n,
			    const moat_word_t *args, unsigned ncaps, moat_word_t *out);

/*
 * Channel `channel`'s shared memory when it has at least `min_bytes` and a
 * signal to the peer (its slot in *signal); NULL if not.
 */
uint8_t *moat_channel_shared(unsigned channel, uint64_t min_bytes, moat_cptr_t *signal);

void moat_signal(moat_cptr_t ntfn);
moat_word_t moat_wait(moat_cptr_t ntfn);
moat_word_t moat_poll(moat_cptr_t ntfn);
void moat_yield(void);
/* The error code of the last moat_signal/wait/poll. */
enum moat_error moat_last_error(void);

void moat_putc(char c);
size_t moat_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void moat_halt(unsigned status);

#define MOAT_ASSERT(cond)                                                           \
	do {                                                                        \
		if (!(cond))                                                        \
			moat_assert_fail(#cond, __FILE__, __LINE__, 0, 0, false);   \
	} while (0)

#define MOAT_ASSERT_EQ(a, b)                                                        \
	do {                                                                        \
		uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);                    \
		if (_a != _b)                                                       \
			moat_assert_fail(#a " == " #b, __FILE__, __LINE__, _a, _b, true); \
	} while (0)

__attribute__((noreturn)) void moat_assert_fail(const char *expr, const char *file, int line,
						uint64_t a, uint64_t b, bool values);

#endif
