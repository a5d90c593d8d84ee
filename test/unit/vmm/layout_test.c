/* Unit tests for servers/vmm/layout.c: Image headers, placement, and every overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"

#define MIB (1ull << 20)
#define RAM 0x40000000ull

static uint8_t image[4096];

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An arm64 Image header: text_offset, image_size, flags. */
static void header(uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	memset(image, 0, sizeof(image));
	put_le(image + 8, text_offset, 8);
	put_le(image + 16, image_size, 8);
	put_le(image + 24, flags, 8);
	put_le(image + 56, 0x644d5241, 4);
}

static struct layout_input input(uint64_t ram_size, uint64_t initrd_size)
{
	struct layout_input in = {
		.ram_base = RAM,
		.ram_size = ram_size,
		.kernel = image,
		.kernel_size = sizeof(image),
		.initrd_size = initrd_size,
		.kind = LAYOUT_AUTO,
	};

	return in;
}

static void test_linux(void **state)
{
	struct layout_input in;
	struct layout l;

	(void)state;
	header(0, 30 * MIB + 123, 0xa); /* 4 KiB pages, anywhere: accepted */
	in = input(64 * MIB, 5 * MIB + 1);
	assert_null(layout_compute(&in, &l));
	assert_int_equal(l.kind, LAYOUT_LINUX);
	assert_int_equal(l.kernel_ipa, RAM);
	assert_int_equal(l.entry, RAM);
	assert_int_equal(l.kernel_end, RAM + 30 * MIB + 123);
	/* The DTB in the next 2 MiB block of its own, the initrd after it. */
	assert_int_equal(l.dtb_ipa, RAM + 32 * MIB);
	assert_int_equal(l.initrd_ipa, RAM + 34 * MIB);
	assert_int_equal(l.initrd_end, RAM + 39 * MIB + 1);
	/* LAYOUT_LINUX says the same. */
	in.kind = LAYOUT_LINUX;
	assert_null(layout_compute(&in, &l));
	assert_int_equal(l.kind, LAYOUT_LINUX);
}

static void test_text_offset_and_alignment(void **state)
{
	struct layout_input in;
	struct layout l;

	(void)state;
	header(0x80000, 2 * MIB, 0);
	in = input(64 * MIB, 0);
	/* RAM not 2 MiB aligned: the kernel goes from the next boundary. */
	in.ram_base = RAM + 4096;
	assert_null(layout_compute(&in, &l));
	assert_int_equal(l.kernel_ipa, RAM + 2 * MIB + 0x80000);
	assert_int_equal(l.kernel_end, RAM + 4 * MIB + 0x80000);
	assert_int_equal(l.dtb_ipa, RAM + 6 * MIB);
	/* No initrd: an empty range just after the DTB. */
	assert_int_equal(l.initrd_ipa, RAM + 8 * MIB);
	assert_int_equal(l.initrd_end, l.initrd_ipa);
	/* A kernel ending on a boundary: the DTB starts right there. */
	header(0, 4 * MIB, 0);
	in = input(64 * MIB, 0);
	assert_null(layout_compute(&in, &l));
	assert_int_equal(l.dtb_ipa, RAM + 4 * MIB);
	/* Old kernels: image_size 0 means text_offset 0x80000 and the file's size. */
	header(0x1234, 0, 0);
	assert_null(layout_compute(&in, &l));
	assert_int_equal(l.kernel_ipa, RAM + 0x80000);
	assert_int_equal(l.kernel_end, RAM + 0x80000 + sizeof(image));
	assert_int_equal(l.dtb_ipa, RAM + 2 * MIB);
}

static void test_exact_fit(void **state)
{
	struct layout_input in;
	struct layout l;

	(void)state;
	header(0, 2 * MIB, 0);
	/* Kernel, DTB block, initrd filling RAM to its last byte. */
	in = input(8 * MIB, 4 * MIB);
	assert_null(layout_compute(&in, &l));
	assert_int_equal(l.initrd_end, RAM + 8 * MIB);
	in.initrd_size++;
	assert_non_null(layout_compute(&in, &l));
	/* No room for the DTB block. */
	in = input(4 * MIB - 1, 0);
	assert_non_null(layout_compute(&in, &l));
	in = input(4 * MIB, 0);
	assert_null(layout_compute(&in, &l));
	/* The kernel itself does not fit. */
	header(0, 64 * MIB + 1, 0);
	in = input(64 * MIB, 0);
	assert_string_equal(layout_compute(&in, &l), "the kernel does not fit in guest RAM");
}

static void test_bad_headers(void **state)
{
	struct layout_input in;
	struct layout l;

	(void)state;
	header(0, 2 * MIB, 0);
	in = input(64 * MIB, 0);
	in.kind = LAYOUT_LINUX;
	image[56] ^= 1; /* bad magic */
	assert_non_null(layout_compute(&in, &l));
	image[56] ^= 1;
	in.kernel_size = 63; /* too short for a header */
	assert_non_null(layout_compute(&in, &l));
	in.kernel_size = sizeof(image);
	header(0, 2 * MIB, 1); /* big-endian */
	assert_string_equal(layout_compute(&in, &l), "the kernel is big-endian");
	header(0, sizeof(image) - 1, 0); /* the file is larger than image_size */
	assert_non_null(layout_compute(&in, &l));
}

static void test_overflows(void **state)
{
	struct layout_input in;
	struct layout l;

	(void)state;
	in = input(64 * MIB, 0);
	header(UINT64_MAX - 4096, 2 * MIB, 0);
	assert_non_null(layout_compute(&in, &l));
	header(0, UINT64_MAX, 0);
	assert_non_null(layout_compute(&in, &l));
	header(UINT64_MAX / 2, UINT64_MAX / 2, 0);
	assert_non_null(layout_compute(&in, &l));
	/* A kernel ending just below 2^64: the DTB's alignment wraps. */
	header(0, 2 * MIB, 0);
	in.ram_base = UINT64_MAX - 4 * MIB + 1;
	in.ram_size = 4 * MIB - 1;
	assert_non_null(layout_compute(&in, &l));
	/* RAM wrapping, RAM empty, the base's rounding wrapping. */
	in = input(UINT64_MAX, 0);
	assert_non_null(layout_compute(&in, &l));
	in = input(0, 0);
	assert_non_null(layout_compute(&in, &l));
	in = input(1, 0);
	in.ram_base = UINT64_MAX - 1;
	assert_non_null(layout_compute(&in, &l));
	/* An initrd too large to add. */
	in = input(64 * MIB, UINT64_MAX);
	assert_non_null(layout_compute(&in, &l));
	in = input(64 * MIB, UINT64_MAX - RAM - 8 * MIB);
	assert_non_null(layout_compute(&in, &l));
}

static void test_flat(void **state)
{
	struct layout_input in;
	struct layout l;

	(void)state;
	/* No magic: AUTO takes it as flat, at the RAM base itself. */
	memset(image, 0xee, sizeof(image));
	in = input(16 * MIB, MIB);
	in.ram_base = RAM + 4096;
	assert_null(layout_compute(&in, &l));
	assert_int_equal(l.kind, LAYOUT_FLAT);
	assert_int_equal(l.kernel_ipa, RAM + 4096);
	assert_int_equal(l.entry, RAM + 4096);
	assert_int_equal(l.kernel_end, RAM + 4096 + sizeof(image));
	assert_int_equal(l.dtb_ipa, RAM + 2 * MIB);
	assert_int_equal(l.initrd_ipa, RAM + 4 * MIB);
	assert_int_equal(l.initrd_end, RAM + 5 * MIB);
	/* Shorter than a header: still flat under AUTO, refused under LINUX. */
	in.kernel_size = 16;
	assert_null(layout_compute(&in, &l));
	assert_int_equal(l.kind, LAYOUT_FLAT);
	in.kind = LAYOUT_LINUX;
	assert_non_null(layout_compute(&in, &l));
	/* FLAT ignores a header that is there. */
	header(0x80000, 2 * MIB, 0);
	in = input(16 * MIB, 0);
	in.kind = LAYOUT_FLAT;
	assert_null(layout_compute(&in, &l));
	assert_int_equal(l.kind, LAYOUT_FLAT);
	assert_int_equal(l.kernel_ipa, RAM);
	/* Empty, missing, or larger than RAM. */
	in.kernel_size = 0;
	assert_non_null(layout_compute(&in, &l));
	in.kernel = NULL;
	in.kernel_size = 4096;
	assert_non_null(layout_compute(&in, &l));
	in = input(4 * MIB, 0);
	in.kind = LAYOUT_FLAT;
	in.kernel_size = UINT64_MAX;
	assert_non_null(layout_compute(&in, &l));
	in.kernel_size = 4 * MIB + 1;
	assert_non_null(layout_compute(&in, &l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux),	  cmocka_unit_test(test_text_offset_and_alignment),
		cmocka_unit_test(test_exact_fit), cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_overflows), cmocka_unit_test(test_flat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
