/*
 * The console server's portable logic (no system calls; host-tested in
 * test/unit/console_test.c, fuzzed in test/fuzz/console_fuzz.c): assembling
 * each writer's bytes into whole lines prefixed with its name, reading the
 * kernel log ring, and the input escape sequence. Everything read from
 * shared memory reaches these functions as bytes, and any bytes are safe.
 */
#ifndef MOAT_CONSOLE_CORE_H
#define MOAT_CONSOLE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <moat/console.h>
#include <moat/klog.h>

#define CON_NAME_MAX 31	 /* characters of a writer's name */
#define CON_LINE_MAX 160 /* characters of text in one line; longer ones are split */
/* One formatted line: "[" name "] " text "\n". */
#define CON_OUT_LINE_MAX (CON_NAME_MAX + 3 + CON_LINE_MAX + 1)
#define CON_WRITERS	 24 /* kernel log writers with a partial line at once */

/* Where finished lines go: one call per whole line. */
typedef void (*con_emit_fn)(void *ctx, const char *line, size_t len);

/* One writer's partial line. */
struct con_line {
	char name[CON_NAME_MAX + 1];
	size_t len;
	char text[CON_LINE_MAX];
	uint64_t used; /* when it last took a byte (for eviction) */
};

/* `name`: at most CON_NAME_MAX characters are kept, control characters replaced. */
void con_line_init(struct con_line *l, const char *name, size_t name_len);
/*
 * Appends bytes; each newline, and each CON_LINE_MAX characters, ends a
 * line, which goes to emit prefixed with the name. CR is dropped; other
 * control characters (ESC among them) and DEL become '?'; tab stays.
 */
void con_line_feed(struct con_line *l, const uint8_t *p, size_t n, con_emit_fn emit, void *ctx);
/* A partial line, if any, goes out as it is. */
void con_line_flush(struct con_line *l, con_emit_fn emit, void *ctx);

/* The kernel log's writers, by name: a bounded table, the oldest evicted. */
struct con_writers {
	struct con_line line[CON_WRITERS];
	unsigned count;
	uint64_t clock;
};

/* The reader of the kernel log ring (moat/klog.h). */
struct con_klog {
	bool started;	   /* tail is valid: the kernel has attached */
	uint64_t tail;	   /* the next byte to read */
	uint64_t lost;	   /* bytes overwritten before they were read, in all */
	uint64_t reported; /* lost bytes already reported */
	enum { CON_K_SKIP, CON_K_NAME, CON_K_TEXT } state;
	char name[CON_NAME_MAX + 1];
	size_t name_len;
	struct con_line *cur; /* the writer of the current record */
	struct con_writers writers;
};

/*
 * Reads at most `max` new bytes of the ring and turns them into lines.
 * Returns how many bytes were taken (0: nothing new, or not attached yet).
 * Bytes the kernel overwrote before they were read are counted in `lost`,
 * reported as a line, and parsing resumes at the next record.
 */
size_t con_klog_poll(struct con_klog *k, const struct moat_klog *ring, size_t max, con_emit_fn emit,
		     void *ctx);

/* A chunk's length if valid (1-63), else 0: the chunk is dropped. */
size_t con_chunk_len(const struct moat_console_chunk *c);

/* The input escape: Ctrl-A, then 1-9 (that client), n (the next) or Ctrl-A (itself). */
#define CON_ESCAPE 0x01
struct con_escape {
	bool armed;
};
enum con_input { CON_INPUT_NONE, CON_INPUT_BYTE, CON_INPUT_FOCUS, CON_INPUT_NEXT };
/*
 * One input byte: a byte for the focused client (*out), a focus change
 * (*out: the client's number from 0), the next client, or nothing.
 */
enum con_input con_escape_feed(struct con_escape *e, uint8_t b, uint8_t *out);

#endif
