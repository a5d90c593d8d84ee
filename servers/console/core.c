/* The console server's portable logic; see core.h. */
#include "core.h"

static char sanitise(uint8_t b)
{
	return (b < 0x20 && b != '\t') || b == 0x7f ? '?' : (char)b;
}

void con_line_init(struct con_line *l, const char *name, size_t name_len)
{
	size_t i;

	for (i = 0; i < name_len && i < CON_NAME_MAX && name[i]; i++)
		l->name[i] = sanitise((uint8_t)name[i]);
	l->name[i] = 0;
	l->len = 0;
	l->used = 0;
}

static void emit_line(struct con_line *l, con_emit_fn emit, void *ctx)
{
	char out[CON_OUT_LINE_MAX];
	size_t n = 0;

	out[n++] = '[';
	for (size_t i = 0; l->name[i]; i++)
		out[n++] = l->name[i];
	out[n++] = ']';
	out[n++] = ' ';
	for (size_t i = 0; i < l->len; i++)
		out[n++] = l->text[i];
	out[n++] = '\n';
	l->len = 0;
	emit(ctx, out, n);
}

void con_line_feed(struct con_line *l, const uint8_t *p, size_t n, con_emit_fn emit, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r')
			continue;
		if (p[i] == '\n') {
			emit_line(l, emit, ctx);
			continue;
		}
		l->text[l->len++] = sanitise(p[i]);
		if (l->len == CON_LINE_MAX)
			emit_line(l, emit, ctx);
	}
}

void con_line_flush(struct con_line *l, con_emit_fn emit, void *ctx)
{
	if (l->len)
		emit_line(l, emit, ctx);
}

static bool same_name(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (a[i] != b[i])
			return false;
	}
	return a[i] == 0;
}

/* The line of the writer called name (sanitised already), made if new. */
static struct con_line *writer(struct con_writers *w, const char *name, size_t n, con_emit_fn emit,
			       void *ctx)
{
	struct con_line *oldest = &w->line[0];

	for (unsigned i = 0; i < w->count; i++) {
		if (same_name(w->line[i].name, name, n))
			return &w->line[i];
		if (w->line[i].used < oldest->used)
			oldest = &w->line[i];
	}
	if (w->count < CON_WRITERS)
		oldest = &w->line[w->count++];
	else
		con_line_flush(oldest, emit, ctx); /* evicted: its partial line goes out */
	con_line_init(oldest, name, n);
	return oldest;
}

static void report_lost(struct con_klog *k, con_emit_fn emit, void *ctx)
{
	struct con_line l;
	char msg[64] = "kernel log overrun: ";
	size_t n = 20, m = 0;
	char digits[20];
	uint64_t v = k->lost - k->reported;

	do
		digits[m++] = (char)('0' + v % 10);
	while ((v /= 10) && m < sizeof(digits));
	while (m)
		msg[n++] = digits[--m];
	for (const char *s = " bytes lost\n"; *s; s++)
		msg[n++] = *s;
	k->reported = k->lost;
	con_line_init(&l, "console", 7);
	con_line_feed(&l, (const uint8_t *)msg, n, emit, ctx);
}

static void parse(struct con_klog *k, const uint8_t *p, size_t n, con_emit_fn emit, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];

		if (b == MOAT_KLOG_NAME) {
			k->state = CON_K_NAME;
			k->name_len = 0;
		} else if (k->state == CON_K_NAME && b == MOAT_KLOG_TEXT) {
			k->name[k->name_len] = 0;
			for (size_t j = 0; j < k->name_len; j++)
				k->name[j] = sanitise((uint8_t)k->name[j]);
			k->cur = writer(&k->writers, k->name, k->name_len, emit, ctx);
			k->state = CON_K_TEXT;
		} else if (k->state == CON_K_NAME) {
			if (k->name_len < CON_NAME_MAX)
				k->name[k->name_len++] = (char)b;
		} else if (k->state == CON_K_TEXT) {
			k->cur->used = ++k->writers.clock;
			con_line_feed(k->cur, &b, 1, emit, ctx);
		}
	}
}

/* Bytes [from, from + n) of the ring: read once each, relaxed (the kernel may be writing). */
static void copy_out(const struct moat_klog *ring, uint64_t from, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] =
			__atomic_load_n(&ring->data[(from + i) % MOAT_KLOG_DATA], __ATOMIC_RELAXED);
}

/* A start or a jump: the record boundary is unknown until the next name. */
static void resync(struct con_klog *k, uint64_t tail)
{
	k->tail = tail;
	k->state = CON_K_SKIP;
}

size_t con_klog_poll(struct con_klog *k, const struct moat_klog *ring, size_t max, con_emit_fn emit,
		     void *ctx)
{
	uint8_t buf[256];
	uint64_t head, n, taken;

	if (!(__atomic_load_n(&ring->flags, __ATOMIC_ACQUIRE) & MOAT_KLOG_ATTACHED))
		return 0;
	head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	if (!k->started) {
		uint64_t at = __atomic_load_n(&ring->attached_at, __ATOMIC_RELAXED);

		k->started = true;
		resync(k, at <= head ? at : head);
	}
	if (head < k->tail) /* impossible for the kernel; start again at head */
		resync(k, head);
	if (head - k->tail > MOAT_KLOG_DATA) {
		k->lost += head - MOAT_KLOG_DATA - k->tail;
		resync(k, head - MOAT_KLOG_DATA);
	}
	n = head - k->tail;
	if (n > max)
		n = max;
	if (n > sizeof(buf))
		n = sizeof(buf);
	taken = n;
	copy_out(ring, k->tail, buf, n);
	/* The copy before the second look at head: what it overwrote meanwhile is lost. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
	if (head - k->tail > MOAT_KLOG_DATA) {
		uint64_t bad = head - MOAT_KLOG_DATA - k->tail;

		if (bad > n)
			bad = n;
		k->lost += bad;
		resync(k, k->tail + bad);
		n -= bad;
		parse(k, buf + bad, (size_t)n, emit, ctx);
	} else {
		parse(k, buf, (size_t)n, emit, ctx);
	}
	k->tail += n;
	if (k->lost != k->reported)
		report_lost(k, emit, ctx);
	return (size_t)taken;
}

size_t con_chunk_len(const struct moat_console_chunk *c)
{
	return c->len <= MOAT_CONSOLE_CHUNK_DATA ? c->len : 0;
}

enum con_input con_escape_feed(struct con_escape *e, uint8_t b, uint8_t *out)
{
	if (!e->armed) {
		if (b == CON_ESCAPE) {
			e->armed = true;
			return CON_INPUT_NONE;
		}
		*out = b;
		return CON_INPUT_BYTE;
	}
	e->armed = false;
	if (b >= '1' && b <= '9') {
		*out = (uint8_t)(b - '1');
		return CON_INPUT_FOCUS;
	}
	if (b == 'n')
		return CON_INPUT_NEXT;
	if (b == CON_ESCAPE) {
		*out = b;
		return CON_INPUT_BYTE;
	}
	return CON_INPUT_NONE;
}
