/*
 * Unit tests for servers/vmm/devtree.c: the guest's device tree read back
 * with the host's libfdt, node by node and property by property (and no
 * property more than expected), and every short buffer refused cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "devtree.h"

#define BUF	   16384
#define GUARD	   64
#define GUARD_BYTE 0x5a

static uint8_t blob[BUF];

static int node(const char *path)
{
	int n = fdt_path_offset(blob, path);

	if (n < 0)
		fail_msg("no node %s", path);
	return n;
}

static const void *prop(int n, const char *name, int len)
{
	int got;
	const void *p = fdt_getprop(blob, n, name, &got);

	if (p == NULL)
		fail_msg("no property %s", name);
	assert_int_equal(got, len);
	return p;
}

static void expect_cells(int n, const char *name, const uint32_t *cells, int count)
{
	const fdt32_t *p = prop(n, name, 4 * count);

	for (int i = 0; i < count; i++)
		assert_int_equal(fdt32_to_cpu(p[i]), cells[i]);
}

static void expect_u32(int n, const char *name, uint32_t v)
{
	expect_cells(n, name, &v, 1);
}

static void expect_u64(int n, const char *name, uint64_t v)
{
	const uint32_t cells[2] = {(uint32_t)(v >> 32), (uint32_t)v};

	expect_cells(n, name, cells, 2);
}

static void expect_reg(int n, uint64_t base, uint64_t size)
{
	const uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
				   (uint32_t)size};

	expect_cells(n, "reg", cells, 4);
}

static void expect_bytes(int n, const char *name, const char *s, int len)
{
	assert_memory_equal(prop(n, name, len), s, (size_t)len);
}

#define expect_str(n, name, s) expect_bytes(n, name, s, (int)sizeof(s))

static void expect_props(int n, int count)
{
	int p, seen = 0;

	fdt_for_each_property_offset(p, blob, n) seen++;
	assert_int_equal(seen, count);
}

static void expect_subnodes(int n, int count)
{
	int c, seen = 0;

	fdt_for_each_subnode(c, blob, n) seen++;
	assert_int_equal(seen, count);
}

static void config(struct devtree_config *c)
{
	devtree_config_default(c, 2, 2, 256ull << 20);
	c->bootargs = "console=ttyAMA0 earlycon";
	c->initrd_start = 0x44400000;
	c->initrd_end = 0x44512345;
}

static void check_root_chosen_memory(void)
{
	int root = node("/"), n;

	expect_props(root, 5);
	expect_u32(root, "#address-cells", 2);
	expect_u32(root, "#size-cells", 2);
	expect_str(root, "compatible", "linux,dummy-virt");
	expect_str(root, "model", "moat-virt");
	expect_u32(root, "interrupt-parent", 1);
	/* chosen, memory, cpus, psci, intc, timer, apb-pclk, pl011, 2 virtio. */
	expect_subnodes(root, 10);

	n = node("/chosen");
	expect_props(n, 4);
	expect_str(n, "bootargs", "console=ttyAMA0 earlycon");
	expect_str(n, "stdout-path", "/pl011@9000000");
	expect_u64(n, "linux,initrd-start", 0x44400000);
	expect_u64(n, "linux,initrd-end", 0x44512345);

	n = node("/memory@40000000");
	expect_props(n, 2);
	expect_str(n, "device_type", "memory");
	expect_reg(n, 0x40000000, 256ull << 20);
}

static void check_cpus_psci(void)
{
	char path[32];
	int n = node("/cpus");

	expect_props(n, 2);
	expect_u32(n, "#address-cells", 1);
	expect_u32(n, "#size-cells", 0);
	expect_subnodes(n, 2);
	for (unsigned i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
		n = node(path);
		expect_props(n, 4);
		expect_str(n, "device_type", "cpu");
		expect_str(n, "compatible", "arm,armv8");
		expect_u32(n, "reg", i);
		expect_str(n, "enable-method", "psci");
	}
	n = node("/psci");
	expect_props(n, 2);
	expect_str(n, "compatible", "arm,psci-1.0\0arm,psci-0.2");
	expect_str(n, "method", "hvc");
}

static void check_gic_timer(void)
{
	static const uint32_t gic_reg[8] = {0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0x40000};
	static const uint32_t timer[12] = {1, 13, 0xf04, 1, 14, 0xf04, 1, 11, 0xf04, 1, 10, 0xf04};
	int n = node("/intc@8000000");

	expect_props(n, 6);
	expect_str(n, "compatible", "arm,gic-v3");
	expect_u32(n, "#interrupt-cells", 3);
	prop(n, "interrupt-controller", 0);
	expect_u32(n, "#redistributor-regions", 1);
	expect_cells(n, "reg", gic_reg, 8);
	expect_u32(n, "phandle", 1);
	assert_int_equal(fdt_node_offset_by_phandle(blob, 1), n);

	n = node("/timer");
	expect_props(n, 3);
	expect_str(n, "compatible", "arm,armv8-timer");
	expect_cells(n, "interrupts", timer, 12);
	prop(n, "always-on", 0);
}

static void check_uart_clock(void)
{
	static const uint32_t irq[3] = {0, 1, 4}, clocks[2] = {2, 2};
	int n = node("/apb-pclk");

	expect_props(n, 5);
	expect_str(n, "compatible", "fixed-clock");
	expect_u32(n, "#clock-cells", 0);
	expect_u32(n, "clock-frequency", 24000000);
	expect_str(n, "clock-output-names", "clk24mhz");
	expect_u32(n, "phandle", 2);
	assert_int_equal(fdt_node_offset_by_phandle(blob, 2), n);

	n = node("/pl011@9000000");
	expect_props(n, 5);
	expect_str(n, "compatible", "arm,pl011\0arm,primecell");
	expect_reg(n, 0x09000000, 0x1000);
	expect_cells(n, "interrupts", irq, 3);
	expect_str(n, "clock-names", "uartclk\0apb_pclk");
	expect_cells(n, "clocks", clocks, 2);
}

static void check_virtio(void)
{
	static const char *paths[2] = {"/virtio_mmio@a000000", "/virtio_mmio@a000200"};

	for (unsigned i = 0; i < 2; i++) {
		const uint32_t irq[3] = {0, 16 + i, 1};
		int n = node(paths[i]);

		expect_props(n, 4);
		expect_str(n, "compatible", "virtio,mmio");
		expect_reg(n, 0x0a000000 + 0x200 * i, 0x200);
		expect_cells(n, "interrupts", irq, 3);
		prop(n, "dma-coherent", 0);
	}
}

static void test_default_tree(void **state)
{
	struct devtree_config c;
	size_t size;

	(void)state;
	config(&c);
	size = devtree_build(blob, sizeof(blob), &c);
	assert_true(size > 0);
	assert_int_equal(fdt_check_full(blob, size), 0);
	assert_int_equal(fdt_totalsize(blob), size);
	check_root_chosen_memory();
	check_cpus_psci();
	check_gic_timer();
	check_uart_clock();
	check_virtio();
}

static void test_other_layout(void **state)
{
	struct devtree_config c;
	int n;

	(void)state;
	devtree_config_default(&c, 8, 0, 1ull << 32);
	c.ram_base = 0x880000000ull;
	c.uart_base = 0x1c090000;
	c.uart_spi = 5;
	c.gicd_base = 0x2f000000;
	assert_true(devtree_build(blob, sizeof(blob), &c) > 0);
	assert_int_equal(fdt_check_full(blob, fdt_totalsize(blob)), 0);
	n = node("/chosen");
	/* No bootargs, no initrd. */
	expect_props(n, 1);
	expect_str(n, "stdout-path", "/pl011@1c090000");
	n = node("/pl011@1c090000");
	const uint32_t irq[3] = {0, 5, 4};
	expect_cells(n, "interrupts", irq, 3);
	expect_reg(node("/memory@880000000"), 0x880000000ull, 1ull << 32);
	expect_subnodes(node("/cpus"), 8);
	expect_u32(node("/cpus/cpu@7"), "reg", 7);
	const uint32_t gic_reg[8] = {0, 0x2f000000, 0, 0x10000, 0, 0x080a0000, 0, 0x100000};
	expect_cells(node("/intc@2f000000"), "reg", gic_reg, 8);
	assert_true(fdt_path_offset(blob, "/virtio_mmio@a000000") < 0);
	/* An empty bootargs is still a property. */
	c.bootargs = "";
	assert_true(devtree_build(blob, sizeof(blob), &c) > 0);
	expect_bytes(node("/chosen"), "bootargs", "", 1);
}

static void test_bad_config(void **state)
{
	struct devtree_config c;

	(void)state;
	config(&c);
	c.vcpus = 0;
	assert_int_equal(devtree_build(blob, sizeof(blob), &c), 0);
	c.vcpus = DEVTREE_MAX_VCPUS + 1;
	assert_int_equal(devtree_build(blob, sizeof(blob), &c), 0);
	config(&c);
	c.virtio_count = DEVTREE_MAX_VIRTIO + 1;
	assert_int_equal(devtree_build(blob, sizeof(blob), &c), 0);
	config(&c);
	c.initrd_end = c.initrd_start - 1;
	assert_int_equal(devtree_build(blob, sizeof(blob), &c), 0);
	/* The default clamps the device count. */
	devtree_config_default(&c, 1, 1000, 1 << 30);
	assert_int_equal(c.virtio_count, DEVTREE_MAX_VIRTIO);
	assert_true(devtree_build(blob, sizeof(blob), &c) > 0);
	assert_int_equal(fdt_check_full(blob, fdt_totalsize(blob)), 0);
	expect_reg(node("/virtio_mmio@a003e00"), 0x0a003e00, 0x200);
}

/* Every capacity up to the full size: 0 back, nothing written past cap. */
static void test_every_short_buffer(void **state)
{
	struct devtree_config c;
	size_t size;

	(void)state;
	config(&c);
	size = devtree_build(blob, sizeof(blob), &c);
	assert_true(size > 0);
	for (size_t cap = 0; cap <= size; cap++) {
		uint8_t *buf = malloc(cap + GUARD);
		size_t got;

		assert_non_null(buf);
		memset(buf, GUARD_BYTE, cap + GUARD);
		got = devtree_build(buf, cap, &c);
		assert_int_equal(got, cap < size ? 0 : size);
		if (got != 0)
			assert_memory_equal(buf, blob, size);
		for (size_t i = cap; i < cap + GUARD; i++)
			assert_int_equal(buf[i], GUARD_BYTE);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_tree),
		cmocka_unit_test(test_other_layout),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_every_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
