/*
 * A flattened device tree writer (DTB version 17, Devicetree
 * Specification chapter 5) into a caller's buffer, in one pass: nodes and
 * properties in order, then fdt_write_finish. Nothing is written outside
 * the buffer; once something does not fit, every later call does
 * nothing and finish returns 0.
 *
 * The prefix is fdt_write_ so that host tests can link libfdt beside it.
 */
#ifndef MOAT_VMM_FDT_H
#define MOAT_VMM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fdt_writer {
	uint8_t *buf;
	size_t cap;
	size_t end;	/* the end of the structure block */
	size_t strings; /* bytes of names, stored down from buf + cap */
	unsigned depth; /* nodes begun and not yet ended */
	bool failed;	/* out of space, or calls out of order */
};

void fdt_write_init(struct fdt_writer *w, void *buf, size_t cap);
void fdt_write_begin_node(struct fdt_writer *w, const char *name);
void fdt_write_end_node(struct fdt_writer *w);

/* A property of the current node; `data` may be NULL when `len` is 0. */
void fdt_write_prop(struct fdt_writer *w, const char *name, const void *data, size_t len);
void fdt_write_u32(struct fdt_writer *w, const char *name, uint32_t v);
void fdt_write_u64(struct fdt_writer *w, const char *name, uint64_t v);
void fdt_write_string(struct fdt_writer *w, const char *name, const char *s);
void fdt_write_cells(struct fdt_writer *w, const char *name, const uint32_t *cells, size_t n);

/*
 * Ends the tree (every node must have been ended): moves the names into
 * place and writes the header. The blob's size, or 0 if it did not fit or
 * the calls did not make a tree.
 */
size_t fdt_write_finish(struct fdt_writer *w);

#endif
