/*
 * Unit tests for servers/vmm/fdt.c: blobs it writes are read back with
 * the host's libfdt; every buffer size short of the blob fails cleanly
 * without a byte written past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "fdt.h"

#define GUARD	   64
#define GUARD_BYTE 0xa5

/* A small tree using every kind of property. */
static size_t build(void *buf, size_t cap)
{
	static const uint32_t cells[3] = {1, 0x80000000u, 0xdeadbeef};
	static const char list[] = "one\0two";
	struct fdt_writer w;

	fdt_write_init(&w, buf, cap);
	fdt_write_begin_node(&w, "");
	fdt_write_u32(&w, "#address-cells", 2);
	fdt_write_string(&w, "model", "test");
	fdt_write_begin_node(&w, "a@10");
	fdt_write_u64(&w, "big", 0x0123456789abcdefull);
	fdt_write_cells(&w, "reg", cells, 3);
	fdt_write_prop(&w, "flag", NULL, 0);
	fdt_write_prop(&w, "list", list, sizeof(list));
	fdt_write_begin_node(&w, "inner");
	fdt_write_u32(&w, "reg", 7);
	fdt_write_cells(&w, "empty-cells", cells, 0);
	fdt_write_end_node(&w);
	fdt_write_end_node(&w);
	fdt_write_begin_node(&w, "b");
	fdt_write_string(&w, "odd", "12345");  /* 6 bytes: padding */
	fdt_write_u32(&w, "address-cells", 3); /* the tail of "#address-cells" */
	fdt_write_end_node(&w);
	fdt_write_end_node(&w);
	return fdt_write_finish(&w);
}

static uint32_t cell(const void *p, unsigned i)
{
	return fdt32_to_cpu(((const fdt32_t *)p)[i]);
}

static void test_read_back(void **state)
{
	uint8_t buf[1024];
	const void *p;
	size_t size = build(buf, sizeof(buf));
	int len, node;

	(void)state;
	assert_true(size > 0);
	assert_int_equal(fdt_check_full(buf, size), 0);
	assert_int_equal(fdt_totalsize(buf), size);
	assert_int_equal(fdt_version(buf), 17);
	assert_int_equal(fdt_last_comp_version(buf), 16);
	assert_int_equal(fdt_off_mem_rsvmap(buf), 40);
	assert_int_equal(fdt_num_mem_rsv(buf), 0);
	assert_int_equal(fdt_boot_cpuid_phys(buf), 0);
	assert_int_equal(fdt_off_dt_struct(buf), 56);
	assert_int_equal(fdt_off_dt_strings(buf), 56 + fdt_size_dt_struct(buf));
	assert_int_equal(size, fdt_off_dt_strings(buf) + fdt_size_dt_strings(buf));

	p = fdt_getprop(buf, 0, "#address-cells", &len);
	assert_non_null(p);
	assert_int_equal(len, 4);
	assert_int_equal(cell(p, 0), 2);
	p = fdt_getprop(buf, 0, "model", &len);
	assert_int_equal(len, 5);
	assert_string_equal(p, "test");

	node = fdt_path_offset(buf, "/a@10");
	assert_true(node > 0);
	p = fdt_getprop(buf, node, "big", &len);
	assert_int_equal(len, 8);
	assert_int_equal(cell(p, 0), 0x01234567);
	assert_int_equal(cell(p, 1), 0x89abcdef);
	p = fdt_getprop(buf, node, "reg", &len);
	assert_int_equal(len, 12);
	assert_int_equal(cell(p, 0), 1);
	assert_int_equal(cell(p, 1), 0x80000000u);
	assert_int_equal(cell(p, 2), 0xdeadbeef);
	p = fdt_getprop(buf, node, "flag", &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_int_equal(fdt_stringlist_count(buf, node, "list"), 2);
	assert_int_equal(fdt_stringlist_search(buf, node, "list", "two"), 1);

	node = fdt_path_offset(buf, "/a@10/inner");
	assert_true(node > 0);
	p = fdt_getprop(buf, node, "reg", &len);
	assert_int_equal(len, 4);
	assert_int_equal(cell(p, 0), 7);
	assert_non_null(fdt_getprop(buf, node, "empty-cells", &len));
	assert_int_equal(len, 0);

	node = fdt_path_offset(buf, "/b");
	assert_true(node > 0);
	p = fdt_getprop(buf, node, "odd", &len);
	assert_int_equal(len, 6);
	assert_string_equal(p, "12345");
	p = fdt_getprop(buf, node, "address-cells", &len);
	assert_int_equal(cell(p, 0), 3);
	assert_true(fdt_next_subnode(buf, fdt_path_offset(buf, "/a@10")) == node);
	assert_int_equal(fdt_next_subnode(buf, node), -FDT_ERR_NOTFOUND);
}

static void test_names_stored_once(void **state)
{
	static const char names[] = "#address-cells\0model\0big\0reg\0flag\0list\0empty-cells\0odd";
	uint8_t buf[1024];

	(void)state;
	assert_true(build(buf, sizeof(buf)) > 0);
	/* "reg" twice and "address-cells" as a tail: stored once each. */
	assert_int_equal(fdt_size_dt_strings(buf), sizeof(names));
}

/* Every capacity below the blob's size: 0 back and not a byte touched past cap. */
static void test_every_short_buffer(void **state)
{
	uint8_t full[1024];
	size_t size = build(full, sizeof(full));

	(void)state;
	assert_true(size > 0);
	for (size_t cap = 0; cap <= size + 8; cap++) {
		uint8_t *buf = malloc(cap + GUARD);

		assert_non_null(buf);
		memset(buf, GUARD_BYTE, cap + GUARD);
		size_t got = build(buf, cap);

		if (cap < size) {
			assert_int_equal(got, 0);
		} else {
			assert_int_equal(got, size);
			assert_memory_equal(buf, full, size);
		}
		for (size_t i = cap; i < cap + GUARD; i++)
			assert_int_equal(buf[i], GUARD_BYTE);
		free(buf);
	}
}

static void test_misuse(void **state)
{
	uint8_t buf[256];
	struct fdt_writer w;

	(void)state;
	/* Nothing at all. */
	fdt_write_init(&w, buf, sizeof(buf));
	assert_int_equal(fdt_write_finish(&w), 0);
	/* A property outside any node. */
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_u32(&w, "x", 1);
	fdt_write_begin_node(&w, "");
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w), 0);
	/* An end without a begin. */
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_end_node(&w);
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w), 0);
	/* A node left open. */
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_begin_node(&w, "child");
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w), 0);
	/* No buffer. */
	fdt_write_init(&w, NULL, 4096);
	fdt_write_begin_node(&w, "");
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w), 0);
	/* A length or cell count beyond any buffer. */
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_prop(&w, "huge", buf, SIZE_MAX);
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w), 0);
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_cells(&w, "huge", (const uint32_t *)buf, SIZE_MAX / 2);
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w), 0);
	/* The smallest tree; and a finished writer writes nothing more. */
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w), 56 + 16); /* begin, name, end, FDT_END */
	assert_int_equal(fdt_check_full(buf, 72), 0);
	fdt_write_begin_node(&w, "late");
	assert_int_equal(fdt_write_finish(&w), 0);
	assert_int_equal(fdt_check_full(buf, 72), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_names_stored_once),
		cmocka_unit_test(test_every_short_buffer),
		cmocka_unit_test(test_misuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
