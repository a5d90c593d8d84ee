/* Unit tests for servers/console/core.c: lines, prefixes, the kernel log reader, the escape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core.h"

static char out[16384];
static size_t out_len;
static unsigned lines;

static void capture(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	assert_true(out_len + len < sizeof(out));
	memcpy(out + out_len, line, len);
	out_len += len;
	out[out_len] = 0;
	lines++;
}

static int reset(void **state)
{
	(void)state;
	out_len = 0;
	out[0] = 0;
	lines = 0;
	return 0;
}

static void feed(struct con_line *l, const char *s)
{
	con_line_feed(l, (const uint8_t *)s, strlen(s), capture, NULL);
}

static void line_prefixed(void **state)
{
	struct con_line l;

	(void)state;
	con_line_init(&l, "alpha", 5);
	feed(&l, "hel");
	assert_int_equal(lines, 0);
	feed(&l, "lo\r\nsecond\n");
	assert_string_equal(out, "[alpha] hello\n[alpha] second\n");
}

static void line_split_and_flushed(void **state)
{
	struct con_line l;
	char text[2 * CON_LINE_MAX + 6], want[3 * CON_OUT_LINE_MAX];

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = 0;
	con_line_init(&l, "w", 1);
	feed(&l, text);
	assert_int_equal(lines, 2);
	con_line_flush(&l, capture, NULL);
	assert_int_equal(lines, 3);
	snprintf(want, sizeof(want), "[w] %.*s\n[w] %.*s\n[w] xxxxx\n", CON_LINE_MAX, text,
		 CON_LINE_MAX, text);
	assert_string_equal(out, want);
	con_line_flush(&l, capture, NULL); /* nothing left */
	assert_int_equal(lines, 3);
}

static void line_sanitised(void **state)
{
	struct con_line l;

	(void)state;
	con_line_init(&l,
		      "a\x1b"
		      "bcdefghijklmnopqrstuvwxyz0123456789",
		      40);
	feed(&l, "\x1b[2Jx\x7f\t\x01\xc3\xa9\n");
	assert_string_equal(out, "[a?bcdefghijklmnopqrstuvwxyz0123] ?[2Jx?\t?\xc3\xa9\n");
}

static void chunk_lengths(void **state)
{
	struct moat_console_chunk c = {0};

	(void)state;
	assert_int_equal(con_chunk_len(&c), 0);
	c.len = 63;
	assert_int_equal(con_chunk_len(&c), 63);
	c.len = 64;
	assert_int_equal(con_chunk_len(&c), 0);
	c.len = 255;
	assert_int_equal(con_chunk_len(&c), 0);
}

static struct moat_klog ring;

/* Appends bytes as the kernel does: at head % DATA, head moving on. */
static void ring_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ring.data[(ring.head + i) % MOAT_KLOG_DATA] = (uint8_t)s[i];
	ring.head += n;
}

static void ring_puts(const char *s)
{
	ring_write(s, strlen(s));
}

static void ring_attach(uint64_t at)
{
	memset(&ring, 0, sizeof(ring));
	ring.magic = MOAT_KLOG_MAGIC;
	ring.head = at;
	ring.attached_at = at;
	ring.flags = MOAT_KLOG_ATTACHED;
}

static void poll_all(struct con_klog *k)
{
	for (int i = 0; i < 1000 && con_klog_poll(k, &ring, 63, capture, NULL); i++)
		;
}

static void klog_waits_for_attach(void **state)
{
	struct con_klog k = {0};

	(void)state;
	ring_attach(0);
	ring.flags = 0;
	ring_puts("\x01"
		  "kernel\x02"
		  "printed by the kernel itself\n");
	assert_int_equal(con_klog_poll(&k, &ring, 63, capture, NULL), 0);
	assert_int_equal(lines, 0);
}

static void klog_records_make_whole_lines(void **state)
{
	struct con_klog k = {0};

	(void)state;
	ring_attach(7);
	ring_puts("\x01"
		  "alpha\x02"
		  "ab\x01"
		  "beta\x02"
		  "xy\x01"
		  "kernel\x02"
		  "moat: tick\n");
	ring_puts("\x01"
		  "alpha\x02"
		  "c\n\x01"
		  "beta\x02"
		  "z\n");
	poll_all(&k);
	assert_string_equal(out, "[kernel] moat: tick\n[alpha] abc\n[beta] xyz\n");
	assert_int_equal(k.lost, 0);
}

static void klog_starts_at_attach(void **state)
{
	struct con_klog k = {0};

	(void)state;
	ring_attach(0);
	ring_puts("\x01"
		  "root\x02"
		  "before the handover\n");
	ring.attached_at = ring.head;
	ring_puts("\x01"
		  "root\x02"
		  "after\n");
	poll_all(&k);
	assert_string_equal(out, "[root] after\n");
}

static void klog_overrun_counted_and_resynchronised(void **state)
{
	struct con_klog k = {0};
	char filler[MOAT_KLOG_DATA];

	(void)state;
	ring_attach(0);
	ring_puts("\x01"
		  "a\x02"
		  "seen\n");
	poll_all(&k);
	reset(NULL);
	/* More than a ring while the reader sleeps: the oldest bytes are gone. */
	memset(filler, 'f', sizeof(filler));
	ring_puts("\x01"
		  "a\x02"
		  "lost line\n");
	ring_write(filler, sizeof(filler));
	ring_puts("\x01"
		  "b\x02"
		  "after\n");
	poll_all(&k);
	/* The 13 bytes of the first record and 9 of the filler. */
	assert_int_equal(k.lost, 13 + 9);
	assert_string_equal(out, "[console] kernel log overrun: 22 bytes lost\n[b] after\n");
}

static void klog_impossible_indices(void **state)
{
	struct con_klog k = {0};

	(void)state;
	ring_attach(100);
	ring.attached_at = 5000; /* beyond head: start at head */
	poll_all(&k);
	ring_puts("\x01"
		  "a\x02"
		  "one\n");
	poll_all(&k);
	assert_string_equal(out, "[a] one\n");
	reset(NULL);
	ring.head = 3; /* going back: start again there, at the next record */
	poll_all(&k);
	ring_puts("text without its record\n\x01"
		  "a\x02"
		  "two\n");
	poll_all(&k);
	assert_string_equal(out, "[a] two\n");
}

static void klog_writers_evicted(void **state)
{
	struct con_klog k = {0};
	char rec[32];

	(void)state;
	ring_attach(0);
	for (unsigned i = 0; i <= CON_WRITERS; i++) {
		snprintf(rec, sizeof(rec),
			 "\x01"
			 "w%u\x02"
			 "part%u",
			 i, i);
		ring_puts(rec);
	}
	poll_all(&k);
	/* The first writer's partial line went out when the last one came. */
	assert_string_equal(out, "[w0] part0\n");
	ring_puts("\x01"
		  "w1\x02"
		  " end\n");
	poll_all(&k);
	assert_string_equal(out, "[w0] part0\n[w1] part1 end\n");
}

static void escape_sequences(void **state)
{
	struct con_escape e = {0};
	uint8_t b = 0;

	(void)state;
	assert_int_equal(con_escape_feed(&e, 'x', &b), CON_INPUT_BYTE);
	assert_int_equal(b, 'x');
	assert_int_equal(con_escape_feed(&e, CON_ESCAPE, &b), CON_INPUT_NONE);
	assert_int_equal(con_escape_feed(&e, '2', &b), CON_INPUT_FOCUS);
	assert_int_equal(b, 1);
	assert_int_equal(con_escape_feed(&e, CON_ESCAPE, &b), CON_INPUT_NONE);
	assert_int_equal(con_escape_feed(&e, 'n', &b), CON_INPUT_NEXT);
	assert_int_equal(con_escape_feed(&e, 'n', &b), CON_INPUT_BYTE);
	assert_int_equal(b, 'n');
	assert_int_equal(con_escape_feed(&e, CON_ESCAPE, &b), CON_INPUT_NONE);
	assert_int_equal(con_escape_feed(&e, CON_ESCAPE, &b), CON_INPUT_BYTE);
	assert_int_equal(b, CON_ESCAPE);
	assert_int_equal(con_escape_feed(&e, CON_ESCAPE, &b), CON_INPUT_NONE);
	assert_int_equal(con_escape_feed(&e, '0', &b), CON_INPUT_NONE); /* unknown: dropped */
	assert_int_equal(con_escape_feed(&e, '1', &b), CON_INPUT_BYTE);
	assert_int_equal(b, '1');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(line_prefixed, reset),
		cmocka_unit_test_setup(line_split_and_flushed, reset),
		cmocka_unit_test_setup(line_sanitised, reset),
		cmocka_unit_test_setup(chunk_lengths, reset),
		cmocka_unit_test_setup(klog_waits_for_attach, reset),
		cmocka_unit_test_setup(klog_records_make_whole_lines, reset),
		cmocka_unit_test_setup(klog_starts_at_attach, reset),
		cmocka_unit_test_setup(klog_overrun_counted_and_resynchronised, reset),
		cmocka_unit_test_setup(klog_impossible_indices, reset),
		cmocka_unit_test_setup(klog_writers_evicted, reset),
		cmocka_unit_test_setup(escape_sequences, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
