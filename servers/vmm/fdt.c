/*
 * Flattened device tree writer. The blob is laid out as header (40
 * bytes), memory reservation map (only its 16-byte terminator), structure
 * block, strings block. The structure block grows up from offset 56
 * while property names grow down from the end of the buffer, so neither
 * size has to be known in advance. A name is stored once (a later name
 * that is the tail of a stored one shares it); until finish, a property
 * records where its name is as the distance from the end of the buffer,
 * and finish turns those into offsets once the strings block has moved
 * down to follow the structure block.
 *
 * Invariant: end <= cap - strings, so the two areas never meet; every
 * write is checked against that first (room) and done only if it fits.
 */
#include "fdt.h"

#define FDT_MAGIC	      0xd00dfeedu
#define FDT_VERSION	      17
#define FDT_LAST_COMP_VERSION 16
#define FDT_HEADER_SIZE	      40
#define FDT_RSVMAP_SIZE	      16 /* one empty entry: the terminator */
#define FDT_STRUCT_OFF	      (FDT_HEADER_SIZE + FDT_RSVMAP_SIZE)

#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_END	       9u

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

static bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t load32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void fdt_write_init(struct fdt_writer *w, void *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->end = FDT_STRUCT_OFF;
	w->strings = 0;
	w->depth = 0;
	w->failed = buf == NULL || cap < FDT_STRUCT_OFF;
}

/* Whether `need` more bytes fit between the two areas; fails the writer if not. */
static bool room(struct fdt_writer *w, size_t need)
{
	if (!w->failed && need > w->cap - w->strings - w->end)
		w->failed = true;
	return !w->failed;
}

static void put32(struct fdt_writer *w, uint32_t v)
{
	store32(w->buf + w->end, v);
	w->end += 4;
}

/* `n` bytes then zero padding to a multiple of 4 (room already checked). */
static void put_padded(struct fdt_writer *w, const void *src, size_t n)
{
	const uint8_t *s = src;
	size_t i;

	for (i = 0; i < n; i++)
		w->buf[w->end + i] = s[i];
	for (; i < align4(n); i++)
		w->buf[w->end + i] = 0;
	w->end += align4(n);
}

void fdt_write_begin_node(struct fdt_writer *w, const char *name)
{
	size_t n = str_len(name) + 1;

	if (!room(w, 4 + align4(n)))
		return;
	put32(w, FDT_BEGIN_NODE);
	put_padded(w, name, n);
	w->depth++;
}

void fdt_write_end_node(struct fdt_writer *w)
{
	if (w->depth == 0)
		w->failed = true;
	if (!room(w, 4))
		return;
	put32(w, FDT_END_NODE);
	w->depth--;
}

/* A stored name ending in the same `n` bytes (NUL included), as its distance from the end. */
static size_t find_name(const struct fdt_writer *w, const char *name, size_t n)
{
	const uint8_t *lo = w->buf + (w->cap - w->strings);

	for (size_t i = 0; i + n <= w->strings; i++)
		if (bytes_equal(lo + i, (const uint8_t *)name, n))
			return w->strings - i;
	return 0;
}

/*
 * The header of a property of `len` bytes, its name stored if new; the
 * caller then puts the value. False (nothing written) if it does not fit.
 */
static bool prop_begin(struct fdt_writer *w, const char *name, size_t len)
{
	size_t n = str_len(name) + 1, dist;

	if (w->depth == 0 || len > w->cap)
		w->failed = true;
	if (w->failed)
		return false;
	dist = find_name(w, name, n);
	if (!room(w, 12 + align4(len) + (dist == 0 ? n : 0)))
		return false;
	if (dist == 0) {
		w->strings += n;
		dist = w->strings;
		for (size_t i = 0; i < n; i++)
			w->buf[w->cap - dist + i] = (uint8_t)name[i];
	}
	put32(w, FDT_PROP);
	put32(w, (uint32_t)len);
	put32(w, (uint32_t)dist); /* made an offset by fdt_write_finish */
	return true;
}

void fdt_write_prop(struct fdt_writer *w, const char *name, const void *data, size_t len)
{
	if (prop_begin(w, name, len))
		put_padded(w, data, len);
}

void fdt_write_u32(struct fdt_writer *w, const char *name, uint32_t v)
{
	uint8_t b[4];

	store32(b, v);
	fdt_write_prop(w, name, b, sizeof(b));
}

void fdt_write_u64(struct fdt_writer *w, const char *name, uint64_t v)
{
	uint8_t b[8];

	store32(b, (uint32_t)(v >> 32));
	store32(b + 4, (uint32_t)v);
	fdt_write_prop(w, name, b, sizeof(b));
}

void fdt_write_string(struct fdt_writer *w, const char *name, const char *s)
{
	fdt_write_prop(w, name, s, str_len(s) + 1);
}

void fdt_write_cells(struct fdt_writer *w, const char *name, const uint32_t *cells, size_t n)
{
	if (n > w->cap / 4) {
		w->failed = true;
		return;
	}
	if (!prop_begin(w, name, 4 * n))
		return;
	for (size_t i = 0; i < n; i++)
		put32(w, cells[i]);
}

/* Turns every property's name distance into an offset in a strings block of `total` bytes. */
static void fix_names(struct fdt_writer *w, size_t total)
{
	size_t at = FDT_STRUCT_OFF;

	while (at < w->end) {
		uint32_t token = load32(w->buf + at);

		at += 4;
		if (token == FDT_BEGIN_NODE) {
			size_t n = 0;

			while (w->buf[at + n] != 0)
				n++;
			at += align4(n + 1);
		} else if (token == FDT_PROP) {
			uint32_t len = load32(w->buf + at);

			store32(w->buf + at + 4, (uint32_t)(total - load32(w->buf + at + 4)));
			at += 8 + align4(len);
		}
	}
}

static void write_header(struct fdt_writer *w, size_t total)
{
	static const uint32_t fixed[] = {
		FDT_MAGIC, 0, 0, 0, FDT_HEADER_SIZE, FDT_VERSION, FDT_LAST_COMP_VERSION, 0, 0, 0};
	uint8_t *h = w->buf;

	for (unsigned i = 0; i < 10; i++)
		store32(h + 4 * i, fixed[i]);
	store32(h + 4, (uint32_t)total);
	store32(h + 8, FDT_STRUCT_OFF);
	store32(h + 12, (uint32_t)w->end);
	store32(h + 32, (uint32_t)w->strings);
	store32(h + 36, (uint32_t)(w->end - FDT_STRUCT_OFF));
	for (unsigned i = 0; i < FDT_RSVMAP_SIZE; i++)
		h[FDT_HEADER_SIZE + i] = 0;
}

size_t fdt_write_finish(struct fdt_writer *w)
{
	size_t from, total;

	/* A tree: at least the root begun, every node ended; sizes fit 32 bits. */
	if (w->depth != 0 || w->end == FDT_STRUCT_OFF || w->end + 4 + w->strings > UINT32_MAX)
		w->failed = true;
	if (!room(w, 4))
		return 0;
	put32(w, FDT_END);
	fix_names(w, w->strings);
	/* Down to follow the structure block; it only moves down, so copy upwards. */
	from = w->cap - w->strings;
	for (size_t i = 0; i < w->strings; i++)
		w->buf[w->end + i] = w->buf[from + i];
	total = w->end + w->strings;
	write_header(w, total);
	w->failed = true; /* the writer is spent */
	return total;
}
