/*
 * Reads the platform from a flattened device tree with libfdt: RAM (the
 * memory nodes' reg), and every node's MMIO range (reg, in the parent's
 * #address-cells/#size-cells, translated through the buses' ranges) and
 * interrupts (the GIC's 3-cell form). The kernel's own devices are marked
 * kept: the interrupt controller and its children, the debug UART named
 * by /chosen stdout-path, the timer. The DTB is checked with
 * fdt_check_full before anything reads it.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

#define DEPTH_MAX	32
#define GIC_SPI_BASE	32
#define GIC_SPI_COUNT	988
#define GIC_PPI_BASE	16
#define GIC_PPI_COUNT	16
#define DEBUG_UART_NAME "pl011@9000000"

struct walk {
	const void *fdt;
	struct platform *plat;
	struct diag *diag;
	int parents[DEPTH_MAX]; /* offsets of the nodes on the path to the current one */
	enum plat_keep keep[DEPTH_MAX];
	int gic;  /* the root's interrupt parent, or -1 */
	int uart; /* the stdout-path node, or -1 */
	size_t cap;
};

static void *plat_alloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		fprintf(stderr, "moat-sysgen: out of memory\n");
		exit(1);
	}
	return p;
}

static char *plat_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(plat_alloc(NULL, n), s, n);
}

/* One or two cells, big endian, as one number. */
static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_ld(&p[i]);
	return v;
}

static bool cells_ok(int cells)
{
	return cells == 1 || cells == 2;
}

/* Maps a child-bus range through one bus's `ranges`; false if it cannot. */
static bool translate_one(const void *fdt, int bus, int up, uint64_t *addr, uint64_t size)
{
	int len, cac = fdt_address_cells(fdt, bus), pac = fdt_address_cells(fdt, up);
	int sc = fdt_size_cells(fdt, bus), entry = cac + pac + sc;
	const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);

	if (!r || len < 0)
		return false;
	if (len == 0)
		return true; /* empty ranges: identity */
	if (!cells_ok(cac) || !cells_ok(pac) || !cells_ok(sc) || len % (4 * entry))
		return false;
	for (int i = 0; i < len / 4; i += entry) {
		uint64_t child = read_cells(r + i, cac), parent = read_cells(r + i + cac, pac);
		uint64_t span = read_cells(r + i + cac + pac, sc), off = *addr - child;

		if (*addr >= child && off < span && size <= span - off && parent + off >= parent) {
			*addr = parent + off;
			return true;
		}
	}
	return false;
}

static bool translate(const struct walk *w, int depth, uint64_t *addr, uint64_t size)
{
	for (int level = depth - 1; level >= 1; level--) {
		if (!translate_one(w->fdt, w->parents[level], w->parents[level - 1], addr, size))
			return false;
	}
	return true;
}

static void set_malformed(struct plat_device *dev, const char *why)
{
	dev->mmio = false;
	if (dev->keep == PLAT_FREE || dev->keep == PLAT_NO_MMIO) {
		dev->keep = PLAT_MALFORMED;
		dev->why = why;
	}
}

/* reg as one contiguous range: several entries must follow each other. */
static void read_reg(const struct walk *w, int depth, struct plat_device *dev)
{
	int len, parent = w->parents[depth - 1];
	int ac = fdt_address_cells(w->fdt, parent), sc = fdt_size_cells(w->fdt, parent);
	const fdt32_t *reg = fdt_getprop(w->fdt, dev->offset, "reg", &len);
	uint64_t base, size;

	if (!reg || !cells_ok(ac) || !cells_ok(sc)) {
		if (dev->keep == PLAT_FREE)
			dev->keep = PLAT_NO_MMIO;
		return;
	}
	if (len <= 0 || len % (4 * (ac + sc)))
		return set_malformed(dev, "its reg is not a list of (address, size) entries");
	base = read_cells(reg, ac);
	size = read_cells(reg + ac, sc);
	for (int i = ac + sc; i < len / 4; i += ac + sc) {
		uint64_t next = read_cells(reg + i, ac), more = read_cells(reg + i + ac, sc);

		if (next != base + size || size + more < size)
			return set_malformed(dev, "it has several separate register ranges");
		size += more;
	}
	if (size == 0 || base + size < base)
		return set_malformed(dev, "its register range is empty or wraps around");
	if (!translate(w, depth, &base, size))
		return set_malformed(dev, "its registers are not mapped by its bus's ranges");
	dev->mmio = true;
	dev->paddr = base;
	dev->size = size;
}

static void read_interrupts(const struct walk *w, struct plat_device *dev)
{
	int len;
	const fdt32_t *p = fdt_getprop(w->fdt, dev->offset, "interrupts", &len);

	if (!p)
		return;
	if (len <= 0 || len % 12)
		return set_malformed(dev, "its interrupts are not in the GIC's 3-cell form");
	if (len / 12 > PLAT_IRQ_MAX)
		return set_malformed(dev, "it has more than 8 interrupts");
	for (int i = 0; i < len / 4; i += 3) {
		uint32_t type = fdt32_ld(&p[i]), n = fdt32_ld(&p[i + 1]);

		if (type == 0 && n < GIC_SPI_COUNT)
			dev->irqs[dev->irq_count++] = GIC_SPI_BASE + n;
		else if (type == 1 && n < GIC_PPI_COUNT)
			dev->irqs[dev->irq_count++] = GIC_PPI_BASE + n;
		else
			return set_malformed(dev,
					     "it has an interrupt that is neither SPI nor PPI");
	}
}

static bool is_memory(const void *fdt, int node)
{
	int len;
	const char *type = fdt_getprop(fdt, node, "device_type", &len);

	return type && len == 7 && !memcmp(type, "memory", 7);
}

static enum plat_keep classify(const struct walk *w, int node, int depth, const char *name)
{
	if (w->keep[depth - 1] == PLAT_KEEP_GIC || node == w->gic)
		return PLAT_KEEP_GIC;
	if (!fdt_node_check_compatible(w->fdt, node, "arm,armv8-timer"))
		return PLAT_KEEP_TIMER;
	if (is_memory(w->fdt, node))
		return PLAT_KEEP_RAM;
	if (node == w->uart || !strcmp(name, DEBUG_UART_NAME))
		return PLAT_KEEP_UART;
	return PLAT_FREE;
}

/* RAM: the span of every memory node's reg entries. */
static void add_ram(struct walk *w, const struct plat_device *dev)
{
	struct platform *plat = w->plat;

	if (!dev->mmio)
		return;
	if (!plat->ram_size || dev->paddr < plat->ram_base)
		plat->ram_base = dev->paddr;
	if (plat->ram_size + dev->size >= plat->ram_size)
		plat->ram_size += dev->size;
}

static void add_node(struct walk *w, int node, int depth)
{
	struct platform *plat = w->plat;
	const char *name = fdt_get_name(w->fdt, node, NULL);
	struct plat_device dev = {.name = plat_strdup(name ? name : "?"), .offset = node};

	dev.keep = classify(w, node, depth, dev.name);
	w->keep[depth] = dev.keep;
	read_reg(w, depth, &dev);
	read_interrupts(w, &dev);
	if (dev.keep == PLAT_KEEP_RAM)
		add_ram(w, &dev);
	if (plat->device_count == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		plat->devices = plat_alloc(plat->devices, w->cap * sizeof(dev));
	}
	plat->devices[plat->device_count++] = dev;
}

static int find_offset(const struct platform *plat, int offset)
{
	for (size_t i = 0; i < plat->device_count; i++) {
		if (plat->devices[i].offset == offset)
			return (int)i;
	}
	return -1;
}

static void read_aliases(struct walk *w)
{
	struct platform *plat = w->plat;
	int prop, node = fdt_path_offset(w->fdt, "/aliases");

	if (node < 0)
		return;
	fdt_for_each_property_offset(prop, w->fdt, node)
	{
		const char *name;
		int len, dev;
		const char *path = fdt_getprop_by_offset(w->fdt, prop, &name, &len);

		if (!path || len <= 0 || path[len - 1] != '\0' || !name)
			continue;
		dev = find_offset(plat, fdt_path_offset(w->fdt, path));
		if (dev < 0)
			continue;
		plat->aliases =
			plat_alloc(plat->aliases, (plat->alias_count + 1) * sizeof(*plat->aliases));
		plat->aliases[plat->alias_count].name = plat_strdup(name);
		plat->aliases[plat->alias_count++].device = (size_t)dev;
	}
}

/* The kernel's debug UART: /chosen stdout-path, a path or an alias, ":options" cut. */
static int find_stdout(const void *fdt)
{
	int len, chosen = fdt_path_offset(fdt, "/chosen");
	const char *path = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "stdout-path", &len);
	const char *colon;

	if (!path || len <= 0 || path[len - 1] != '\0')
		return -1;
	colon = strchr(path, ':');
	len = colon ? (int)(colon - path) : (int)strlen(path);
	if (path[0] == '/')
		return fdt_path_offset_namelen(fdt, path, len);
	path = fdt_get_alias_namelen(fdt, path, len);
	return path ? fdt_path_offset(fdt, path) : -1;
}

static int find_gic(const void *fdt)
{
	int len;
	const fdt32_t *ph = fdt_getprop(fdt, 0, "interrupt-parent", &len);

	return ph && len == 4 ? fdt_node_offset_by_phandle(fdt, fdt32_ld(ph)) : -1;
}

static int walk_tree(struct walk *w)
{
	int depth = 0, node;

	w->parents[0] = 0;
	w->keep[0] = PLAT_FREE;
	for (node = fdt_next_node(w->fdt, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(w->fdt, node, &depth)) {
		if (depth >= DEPTH_MAX) {
			diag_error(w->diag, w->plat->file, "nodes nested more than %d deep",
				   DEPTH_MAX);
			return -1;
		}
		w->parents[depth] = node;
		add_node(w, node, depth);
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND) {
		diag_error(w->diag, w->plat->file, "bad device tree: %s", fdt_strerror(node));
		return -1;
	}
	return 0;
}

int plat_load_buffer(struct platform *plat, const char *name, const void *fdt, size_t len,
		     struct diag *d)
{
	struct walk w = {.fdt = fdt, .plat = plat, .diag = d};
	int err;

	memset(plat, 0, sizeof(*plat));
	plat->file = plat_strdup(name);
	err = len < FDT_V17_SIZE ? -FDT_ERR_TRUNCATED : fdt_check_full(fdt, len);
	if (err) {
		diag_error(d, name, "not a usable device tree: %s", fdt_strerror(err));
		return -1;
	}
	w.gic = find_gic(fdt);
	w.uart = find_stdout(fdt);
	if (walk_tree(&w)) {
		plat_free(plat);
		plat->file = plat_strdup(name);
		return -1;
	}
	read_aliases(&w);
	if (!plat->ram_size) {
		diag_error(d, name, "the device tree has no memory node with a usable reg");
		return -1;
	}
	return 0;
}

int plat_load_file(struct platform *plat, const char *path, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	int err = errno; /* before anything else can change it */
	void *buf = plat_alloc(NULL, PLAT_DTB_MAX);
	size_t len = 0;
	int r;

	if (f) {
		len = fread(buf, 1, PLAT_DTB_MAX, f);
		err = ferror(f) ? errno : 0;
		fclose(f);
	}
	if (!f || err || len == 0 || len == PLAT_DTB_MAX) {
		memset(plat, 0, sizeof(*plat));
		plat->file = plat_strdup(path);
		diag_error(d, path, "cannot read the platform device tree: %s",
			   f && !err ? "empty, or larger than 16 MiB" : strerror(err));
		free(buf);
		return -1;
	}
	r = plat_load_buffer(plat, path, buf, len, d);
	free(buf);
	return r;
}

void plat_free(struct platform *plat)
{
	for (size_t i = 0; i < plat->device_count; i++)
		free(plat->devices[i].name);
	for (size_t i = 0; i < plat->alias_count; i++)
		free(plat->aliases[i].name);
	free(plat->devices);
	free(plat->aliases);
	free(plat->file);
	memset(plat, 0, sizeof(*plat));
}

const struct plat_device *plat_find(const struct platform *plat, const char *name)
{
	for (size_t i = 0; i < plat->device_count; i++) {
		if (!strcmp(plat->devices[i].name, name))
			return &plat->devices[i];
	}
	for (size_t i = 0; i < plat->alias_count; i++) {
		if (!strcmp(plat->aliases[i].name, name))
			return &plat->devices[plat->aliases[i].device];
	}
	return NULL;
}

const char *plat_keep_reason(enum plat_keep keep)
{
	switch (keep) {
	case PLAT_KEEP_GIC:
		return "the kernel keeps the interrupt controller";
	case PLAT_KEEP_UART:
		return "the kernel keeps it as its debug UART";
	case PLAT_KEEP_TIMER:
		return "the kernel keeps the timer";
	case PLAT_KEEP_RAM:
		return "it is RAM";
	case PLAT_NO_MMIO:
		return "it has no MMIO registers (no reg), so it is not a device a driver can get";
	case PLAT_FREE:
	case PLAT_MALFORMED:
		break;
	}
	return "it is not a usable device";
}
