/*
 * libFuzzer harness for the console server's parsing of untrusted bytes
 * (servers/console/core.c): the kernel log ring with any contents and any
 * index values (written between and instead of polls), clients' chunks of
 * any length byte, and input bytes through the escape state machine. Every
 * line it emits must be one whole line: "[name] text\n", bounded, with no
 * control character but tab.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

static struct moat_klog ring;
static struct con_klog klog;
static struct con_line client;

static void check(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	if (len < 4 || len > CON_OUT_LINE_MAX || line[0] != '[' || line[len - 1] != '\n')
		abort();
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			abort();
	}
	if (!memchr(line, ']', len))
		abort();
}

static uint64_t take(const uint8_t **p, size_t *n, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t) * *p << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct con_escape esc = {0};

	memset(&ring, 0, sizeof(ring));
	memset(&klog, 0, sizeof(klog));
	con_line_init(&client, "client", 6);
	while (size) {
		unsigned op = (unsigned)take(&data, &size, 1) % 6;
		uint64_t v;
		uint8_t b;

		switch (op) {
		case 0: /* the kernel writes bytes */
			v = take(&data, &size, 1);
			for (uint64_t i = 0; i < v && size; i++)
				ring.data[(ring.head++) % MOAT_KLOG_DATA] =
					(uint8_t)take(&data, &size, 1);
			break;
		case 1: /* any indices and flags at all */
			ring.head += (int16_t)take(&data, &size, 2) * 37;
			ring.attached_at = take(&data, &size, 2);
			ring.flags = (uint32_t)take(&data, &size, 1);
			break;
		case 2:
			con_klog_poll(&klog, &ring, (size_t)take(&data, &size, 1) * 3, check, NULL);
			break;
		case 3: { /* a client's chunk, length byte and all */
			struct moat_console_chunk c;
			size_t n = size < sizeof(c) ? size : sizeof(c);

			memset(&c, 0, sizeof(c));
			memcpy(&c, data, n);
			data += n;
			size -= n;
			con_line_feed(&client, c.data, con_chunk_len(&c), check, NULL);
			break;
		}
		case 4:
			con_escape_feed(&esc, (uint8_t)take(&data, &size, 1), &b);
			break;
		default:
			con_line_flush(&client, check, NULL);
			break;
		}
	}
	while (con_klog_poll(&klog, &ring, 256, check, NULL))
		;
	return 0;
}
