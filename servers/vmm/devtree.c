/*
 * The guest's device tree, written with fdt.c. Node names carry their
 * unit address in lower-case hex without leading zeros, as the
 * Devicetree Specification asks (and as /chosen/stdout-path must match).
 * The root uses two address and two size cells, so every reg is
 * <base-hi base-lo size-hi size-lo>.
 */
#include "devtree.h"
#include "fdt.h"

#define PHANDLE_GIC   1u
#define PHANDLE_CLOCK 2u

/* Interrupt specifier (arm,gic-v3 binding): type, number, flags. */
#define IRQ_SPI		 0u
#define IRQ_PPI		 1u
#define IRQ_EDGE_RISING	 1u
#define IRQ_LEVEL_HIGH	 4u
#define IRQ_PPI_ALL_CPUS 0xf00u

#define UART_CLOCK_HZ 24000000u

#define NAME_MAX_LEN 48

void devtree_config_default(struct devtree_config *c, unsigned vcpus, unsigned virtio_count,
			    uint64_t ram_size)
{
	if (virtio_count > DEVTREE_MAX_VIRTIO)
		virtio_count = DEVTREE_MAX_VIRTIO;
	c->ram_base = DEVTREE_RAM_BASE;
	c->ram_size = ram_size;
	c->vcpus = vcpus;
	c->gicd_base = DEVTREE_GICD_BASE;
	c->gicd_size = DEVTREE_GICD_SIZE;
	c->gicr_base = DEVTREE_GICR_BASE;
	c->gicr_size = DEVTREE_GICR_PER_VCPU * vcpus;
	c->uart_base = DEVTREE_UART_BASE;
	c->uart_size = DEVTREE_UART_SIZE;
	c->uart_spi = DEVTREE_UART_SPI;
	c->bootargs = NULL;
	c->initrd_start = 0;
	c->initrd_end = 0;
	c->virtio_count = virtio_count;
	for (unsigned i = 0; i < DEVTREE_MAX_VIRTIO; i++) {
		c->virtio[i].base = DEVTREE_VIRTIO_BASE + DEVTREE_VIRTIO_STRIDE * i;
		c->virtio[i].spi = DEVTREE_VIRTIO_SPI + i;
	}
}

/*
 * "prefix@<hex addr>" into out, which has room for NAME_MAX_LEN - 1
 * bytes: a prefix (ours are short; a long one is cut), '@', up to 16
 * digits and the NUL.
 */
static const char *unit_name(char *out, const char *prefix, uint64_t addr)
{
	char hex[16];
	size_t n = 0, k = 0;

	for (; n < NAME_MAX_LEN - 19 && prefix[n] != '\0'; n++)
		out[n] = prefix[n];
	out[n++] = '@';
	do {
		hex[k++] = "0123456789abcdef"[addr & 0xf];
		addr >>= 4;
	} while (addr != 0);
	while (k > 0)
		out[n++] = hex[--k];
	out[n] = '\0';
	return out;
}

static void reg(struct fdt_writer *w, uint64_t base, uint64_t size)
{
	const uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
				   (uint32_t)size};

	fdt_write_cells(w, "reg", cells, 4);
}

static void irq(struct fdt_writer *w, uint32_t type, uint32_t number, uint32_t flags)
{
	const uint32_t cells[3] = {type, number, flags};

	fdt_write_cells(w, "interrupts", cells, 3);
}

static void chosen(struct fdt_writer *w, const struct devtree_config *c)
{
	char name[NAME_MAX_LEN];

	name[0] = '/';
	unit_name(name + 1, "pl011", c->uart_base);
	fdt_write_begin_node(w, "chosen");
	if (c->bootargs != NULL)
		fdt_write_string(w, "bootargs", c->bootargs);
	fdt_write_string(w, "stdout-path", name);
	if (c->initrd_end > c->initrd_start) {
		fdt_write_u64(w, "linux,initrd-start", c->initrd_start);
		fdt_write_u64(w, "linux,initrd-end", c->initrd_end);
	}
	fdt_write_end_node(w);
}

static void memory(struct fdt_writer *w, const struct devtree_config *c)
{
	char name[NAME_MAX_LEN];

	fdt_write_begin_node(w, unit_name(name, "memory", c->ram_base));
	fdt_write_string(w, "device_type", "memory");
	reg(w, c->ram_base, c->ram_size);
	fdt_write_end_node(w);
}

static void cpus(struct fdt_writer *w, const struct devtree_config *c)
{
	char name[NAME_MAX_LEN];

	fdt_write_begin_node(w, "cpus");
	fdt_write_u32(w, "#address-cells", 1);
	fdt_write_u32(w, "#size-cells", 0);
	for (unsigned i = 0; i < c->vcpus; i++) {
		fdt_write_begin_node(w, unit_name(name, "cpu", i));
		fdt_write_string(w, "device_type", "cpu");
		fdt_write_string(w, "compatible", "arm,armv8");
		fdt_write_u32(w, "reg", i);
		fdt_write_string(w, "enable-method", "psci");
		fdt_write_end_node(w);
	}
	fdt_write_end_node(w);
}

static void psci(struct fdt_writer *w)
{
	static const char compatible[] = "arm,psci-1.0\0arm,psci-0.2";

	fdt_write_begin_node(w, "psci");
	fdt_write_prop(w, "compatible", compatible, sizeof(compatible));
	fdt_write_string(w, "method", "hvc");
	fdt_write_end_node(w);
}

static void gic(struct fdt_writer *w, const struct devtree_config *c)
{
	const uint32_t regs[8] = {
		(uint32_t)(c->gicd_base >> 32), (uint32_t)c->gicd_base,
		(uint32_t)(c->gicd_size >> 32), (uint32_t)c->gicd_size,
		(uint32_t)(c->gicr_base >> 32), (uint32_t)c->gicr_base,
		(uint32_t)(c->gicr_size >> 32), (uint32_t)c->gicr_size,
	};
	char name[NAME_MAX_LEN];

	fdt_write_begin_node(w, unit_name(name, "intc", c->gicd_base));
	fdt_write_string(w, "compatible", "arm,gic-v3");
	fdt_write_u32(w, "#interrupt-cells", 3);
	fdt_write_prop(w, "interrupt-controller", NULL, 0);
	fdt_write_u32(w, "#redistributor-regions", 1);
	fdt_write_cells(w, "reg", regs, 8);
	fdt_write_u32(w, "phandle", PHANDLE_GIC);
	fdt_write_end_node(w);
}

static void timer(struct fdt_writer *w)
{
	/* Secure, non-secure physical, virtual, hypervisor: PPIs 13, 14, 11, 10. */
	static const uint32_t ppis[4] = {13, 14, 11, 10};
	uint32_t cells[12];

	for (unsigned i = 0; i < 4; i++) {
		cells[3 * i] = IRQ_PPI;
		cells[3 * i + 1] = ppis[i];
		cells[3 * i + 2] = IRQ_PPI_ALL_CPUS | IRQ_LEVEL_HIGH;
	}
	fdt_write_begin_node(w, "timer");
	fdt_write_string(w, "compatible", "arm,armv8-timer");
	fdt_write_cells(w, "interrupts", cells, 12);
	fdt_write_prop(w, "always-on", NULL, 0);
	fdt_write_end_node(w);
}

static void uart(struct fdt_writer *w, const struct devtree_config *c)
{
	static const char compatible[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	static const uint32_t clocks[2] = {PHANDLE_CLOCK, PHANDLE_CLOCK};
	char name[NAME_MAX_LEN];

	fdt_write_begin_node(w, "apb-pclk");
	fdt_write_string(w, "compatible", "fixed-clock");
	fdt_write_u32(w, "#clock-cells", 0);
	fdt_write_u32(w, "clock-frequency", UART_CLOCK_HZ);
	fdt_write_string(w, "clock-output-names", "clk24mhz");
	fdt_write_u32(w, "phandle", PHANDLE_CLOCK);
	fdt_write_end_node(w);

	fdt_write_begin_node(w, unit_name(name, "pl011", c->uart_base));
	fdt_write_prop(w, "compatible", compatible, sizeof(compatible));
	reg(w, c->uart_base, c->uart_size);
	irq(w, IRQ_SPI, c->uart_spi, IRQ_LEVEL_HIGH);
	fdt_write_prop(w, "clock-names", clock_names, sizeof(clock_names));
	fdt_write_cells(w, "clocks", clocks, 2);
	fdt_write_end_node(w);
}

static void virtio(struct fdt_writer *w, const struct devtree_config *c)
{
	char name[NAME_MAX_LEN];

	for (unsigned i = 0; i < c->virtio_count; i++) {
		fdt_write_begin_node(w, unit_name(name, "virtio_mmio", c->virtio[i].base));
		fdt_write_string(w, "compatible", "virtio,mmio");
		reg(w, c->virtio[i].base, DEVTREE_VIRTIO_STRIDE);
		irq(w, IRQ_SPI, c->virtio[i].spi, IRQ_EDGE_RISING);
		fdt_write_prop(w, "dma-coherent", NULL, 0);
		fdt_write_end_node(w);
	}
}

size_t devtree_build(void *buf, size_t cap, const struct devtree_config *c)
{
	struct fdt_writer w;

	if (c->vcpus == 0 || c->vcpus > DEVTREE_MAX_VCPUS || c->virtio_count > DEVTREE_MAX_VIRTIO ||
	    c->initrd_end < c->initrd_start)
		return 0;
	fdt_write_init(&w, buf, cap);
	fdt_write_begin_node(&w, "");
	fdt_write_u32(&w, "#address-cells", 2);
	fdt_write_u32(&w, "#size-cells", 2);
	fdt_write_string(&w, "compatible", "linux,dummy-virt");
	fdt_write_string(&w, "model", "moat-virt");
	fdt_write_u32(&w, "interrupt-parent", PHANDLE_GIC);
	chosen(&w, c);
	memory(&w, c);
	cpus(&w, c);
	psci(&w);
	gic(&w, c);
	timer(&w);
	uart(&w, c);
	virtio(&w, c);
	fdt_write_end_node(&w);
	return fdt_write_finish(&w);
}
