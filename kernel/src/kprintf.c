/* kprintf: the formatter (fmt.c) writing to the kernel log (klog.c). */
#include "kprintf.h"

#include "fmt.h"
#include "klog.h"

static void console_out(void *ctx, char c)
{
	(void)ctx;
	klog_put(NULL, c);
}

size_t kvprintf(const char *fmt, va_list ap)
{
	return fmt_vformat(console_out, NULL, fmt, ap);
}

size_t kprintf(const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

static uint64_t klog_seen, klog_dropped;

bool klog_allow(void)
{
	klog_seen++;
	if (klog_seen <= KLOG_BURST || klog_seen % KLOG_EVERY == 0)
		return true;
	klog_dropped++;
	return false;
}

uint64_t klog_suppressed(void)
{
	return klog_dropped;
}
