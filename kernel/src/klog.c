/* The kernel log ring; see klog.h and moat/klog.h. */
#include "klog.h"

#include <moat/klog.h>
#include <moat/object.h>

#include "arch/console.h"

static struct moat_klog page __attribute__((aligned(MOAT_KLOG_BYTES))) = {
	.magic = MOAT_KLOG_MAGIC,
};

static struct {
	bool attached, emergency, pending;
	bool line_start;	   /* the last byte ended a line (or none yet) */
	const struct tcb *writer;  /* of the open record */
	uint64_t signalled;	   /* head at the last signal */
	struct notification *ntfn; /* attached: signalled when there is output */
	uint64_t badge;
} klog = {.line_start = true};

static void uart_put(char c)
{
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

static void ring_put(uint8_t b)
{
	uint64_t head = page.head;

	page.data[head % MOAT_KLOG_DATA] = b;
	/* The byte before the index: a reader that sees head sees the byte. */
	__atomic_store_n(&page.head, head + 1, __ATOMIC_RELEASE);
}

static uint8_t printable(char c)
{
	return c >= 0x20 && c < 0x7f ? (uint8_t)c : '?';
}

static void open_record(const struct tcb *writer)
{
	const char *name = writer ? tcb_name(writer) : "kernel";

	ring_put(MOAT_KLOG_NAME);
	for (unsigned i = 0; i < MOAT_KLOG_NAME_MAX && name[i]; i++)
		ring_put(printable(name[i]));
	ring_put(MOAT_KLOG_TEXT);
	klog.writer = writer;
}

void klog_put(const struct tcb *writer, char c)
{
	if (klog.emergency || !klog.attached)
		uart_put(c);
	if (klog.emergency)
		return;
	if (klog.line_start || writer != klog.writer)
		open_record(writer);
	ring_put(c == MOAT_KLOG_NAME || c == MOAT_KLOG_TEXT ? '?' : (uint8_t)c);
	klog.line_start = c == '\n';
	if (klog.attached && (c == '\n' || page.head - klog.signalled >= MOAT_KLOG_DATA / 2))
		klog.pending = true;
}

bool klog_line_open(void)
{
	return !klog.line_start && klog.writer != NULL;
}

void klog_flush(void)
{
	if (!klog.pending)
		return;
	klog.pending = false;
	klog.signalled = page.head;
	if (klog.ntfn)
		notification_signal(klog.ntfn, klog.badge);
}

void klog_emergency(void)
{
	klog.emergency = true;
}

void *klog_page(void)
{
	return &page;
}

struct kerror klog_decode(const struct invocation *inv, struct klog_args *a)
{
	const struct cap *c;

	if (inv->label != MOAT_KLOG_ATTACH)
		return kerror(MOAT_ILLEGAL_OPERATION, "not a KLog invocation", 0, 0, 0);
	if (inv->extra_count < 1 || inv->extra[0]->cap.type != CAP_NOTIFICATION)
		return kerror(MOAT_INVALID_CAPABILITY, "not a notification", 0, 0, 0);
	c = &inv->extra[0]->cap;
	if (!(c->rights & MOAT_RIGHT_WRITE))
		return kerror(MOAT_ILLEGAL_OPERATION, "notification needs the write right", 0, 0,
			      0);
	a->ntfn = cap_ptr(c);
	a->badge = c->data;
	return kerror_ok();
}

void klog_invoke(const struct klog_args *a)
{
	klog.ntfn = a->ntfn;
	klog.badge = a->badge;
	if (klog.attached)
		return;
	klog.attached = true;
	klog.line_start = true; /* the reader starts at a record */
	page.attached_at = page.head;
	__atomic_store_n(&page.flags, MOAT_KLOG_ATTACHED, __ATOMIC_RELEASE);
}

void klog_forget_notification(const struct notification *n)
{
	if (klog.ntfn == n)
		klog.ntfn = NULL;
}
