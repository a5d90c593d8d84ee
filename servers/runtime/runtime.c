/* The domain-program runtime; see moat/runtime.h. */
#include <moat/domain.h>
#include <moat/runtime.h>

#include "fmt.h"

struct moat_ipc_buffer *moat_ipc_buffer;
static enum moat_error last_error;

int main(void *arg);

void moat_runtime_start(void *arg)
{
	/* Every domain has its IPC buffer at the same address (bootinfo.h). */
	moat_ipc_buffer = (struct moat_ipc_buffer *)(uintptr_t)MOAT_DOMAIN_IPC_BUFFER;
	moat_halt((unsigned)main(arg));
}

enum moat_error moat_invoke(moat_cptr_t cap, moat_word_t label, unsigned n,
			    const moat_word_t *args, unsigned ncaps, moat_word_t *out)
{
	struct moat_regs r = { .x0 = cap, .info = moat_msginfo(label, 0, ncaps, n) };

	for (unsigned i = 0; i < n; i++) {
		if (i < MOAT_MSG_REGISTERS)
			r.mr[i] = args[i];
		else
			moat_ipc_buffer->msg[i] = args[i];
	}
	moat_syscall(MOAT_SYS_CALL, &r);
	for (unsigned i = 0; out && i < 3; i++)
		out[i] = r.mr[i];
	return (enum moat_error)moat_msginfo_label(r.info);
}

static moat_word_t notification_op(unsigned sysno, moat_cptr_t ntfn)
{
	struct moat_regs r = { .x0 = ntfn };

	moat_syscall(sysno, &r);
	last_error = (enum moat_error)moat_msginfo_label(r.info);
	return r.x0;
}

void moat_signal(moat_cptr_t ntfn)
{
	notification_op(MOAT_SYS_SIGNAL, ntfn);
}

moat_word_t moat_wait(moat_cptr_t ntfn)
{
	return notification_op(MOAT_SYS_WAIT, ntfn);
}

moat_word_t moat_poll(moat_cptr_t ntfn)
{
	return notification_op(MOAT_SYS_POLL, ntfn);
}

enum moat_error moat_last_error(void)
{
	return last_error;
}

void moat_yield(void)
{
	struct moat_regs r = { 0 };

	moat_syscall(MOAT_SYS_YIELD, &r);
}

enum moat_error moat_identify(moat_cptr_t cap, moat_word_t *type, moat_word_t *rights)
{
	struct moat_regs r = { .x0 = cap };

	moat_syscall(MOAT_SYS_IDENTIFY, &r);
	*type = r.mr[0];
	*rights = r.mr[1];
	return (enum moat_error)moat_msginfo_label(r.info);
}

void moat_putc(char c)
{
	struct moat_regs r = { .x0 = (unsigned char)c };

	moat_syscall(MOAT_SYS_DEBUG_PUTC, &r);
}

static void putc_sink(void *ctx, char c)
{
	(void)ctx;
	moat_putc(c);
}

size_t moat_printf(const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vformat(putc_sink, NULL, fmt, ap);
	va_end(ap);
	return n;
}

void moat_halt(unsigned status)
{
	struct moat_regs r = { .x0 = status };

	moat_syscall(MOAT_SYS_DEBUG_HALT, &r);
	for (;;)
		moat_yield();
}

void moat_assert_fail(const char *expr, const char *file, int line, uint64_t a, uint64_t b,
		      bool values)
{
	moat_printf("KTEST FAIL: assertion `%s` failed at %s:%d", expr, file, line);
	if (values)
		moat_printf(" (left 0x%lx, right 0x%lx)", (unsigned long)a, (unsigned long)b);
	moat_printf("\n");
	moat_halt(1);
}

uint8_t *moat_channel_shared(unsigned channel, uint64_t min_bytes, moat_cptr_t *signal)
{
	const struct moat_domain_info *info =
		(const struct moat_domain_info *)(uintptr_t)MOAT_DOMAIN_INFO;
	const struct moat_channel_info *ch;

	if (channel >= info->channel_count || channel >= MOAT_DOMAIN_MAX_CHANNELS)
		return NULL;
	ch = &info->channel[channel];
	if (!ch->shared || ch->shared_size < min_bytes || !ch->signal_slot)
		return NULL;
	*signal = ch->signal_slot;
	return (uint8_t *)(uintptr_t)ch->shared;
}
