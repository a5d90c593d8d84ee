/*
 * Checks on drivers' devices (see validate.h): each names a device of the
 * platform that the kernel does not keep, and no two drivers get the same
 * device, a page of each other's devices (drivers get whole 4 KiB pages,
 * and virtio-mmio transports are only 0x200 apart) or the same INTID. The
 * kernel's debug UART may go to a driver: the root server then hands the
 * kernel's console over to it (docs/console.md), which needs one domain
 * that reads the kernel log (`kernel_log`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

#define LABEL_MAX (2 * DESC_NAME_MAX + 512)

struct given {
	const struct desc_decl *driver;
	const struct plat_device *dev;
};

static uint64_t first_page(const struct plat_device *dev)
{
	return dev->paddr & ~(uint64_t)(DESC_PAGE_SIZE - 1);
}

static uint64_t last_page(const struct plat_device *dev)
{
	return (dev->paddr + dev->size - 1) & ~(uint64_t)(DESC_PAGE_SIZE - 1);
}

static bool share_page(const struct plat_device *a, const struct plat_device *b)
{
	return first_page(a) <= last_page(b) && first_page(b) <= last_page(a);
}

/* The page both cover: the higher of the two first pages. */
static unsigned long long shared_page(const struct plat_device *a, const struct plat_device *b)
{
	return first_page(a) > first_page(b) ? first_page(a) : first_page(b);
}

/* "'virtio_mmio@a000000'", or "'net0' (node 'virtio_mmio@a000000')" for an alias. */
static const char *dev_label(char *buf, const struct given *g)
{
	const char *asked = g->driver->text[DESC_F_DEVICE];

	if (strcmp(asked, g->dev->name))
		snprintf(buf, LABEL_MAX, "'%s' (node '%s')", asked, g->dev->name);
	else
		snprintf(buf, LABEL_MAX, "'%s'", asked);
	return buf;
}

static const struct plat_device *resolve(const struct desc_decl *drv, const struct platform *plat,
					 struct diag *d)
{
	const char *name = desc_text(drv, DESC_F_DEVICE, NULL);
	const struct plat_device *dev;

	if (!name)
		return NULL; /* absent or bad: reported already */
	dev = plat_find(plat, name);
	if (!dev) {
		diag_error(d, drv->where, "driver '%s': device '%s' is not on the platform (%s)",
			   drv->name, name, plat->file);
		return NULL;
	}
	if (dev->keep != PLAT_FREE && dev->keep != PLAT_KEEP_UART) {
		diag_error(d, drv->where,
			   "driver '%s': device '%s' cannot be given to a driver: %s", drv->name,
			   name,
			   dev->keep == PLAT_MALFORMED ? dev->why : plat_keep_reason(dev->keep));
		return NULL;
	}
	if (dev->irq_count > 1) {
		diag_error(d, drv->where,
			   "driver '%s': device '%s' has %u interrupts; a driver domain gets one",
			   drv->name, name, dev->irq_count);
		return NULL;
	}
	return dev;
}

static void check_pair(const struct given *a, const struct given *b, struct diag *d)
{
	char la[LABEL_MAX], lb[LABEL_MAX];

	if (a->dev == b->dev) {
		diag_error(d, b->driver->where,
			   "driver '%s': device %s is already given to driver '%s' (%s)",
			   b->driver->name, dev_label(lb, b), a->driver->name, a->driver->where);
		return;
	}
	if (share_page(a->dev, b->dev))
		diag_error(d, b->driver->where,
			   "driver '%s': device %s and device %s of driver '%s' (%s) share a page "
			   "(0x%llx); drivers get whole 4 KiB pages",
			   b->driver->name, dev_label(lb, b), dev_label(la, a), a->driver->name,
			   a->driver->where, shared_page(a->dev, b->dev));
	if (a->dev->irq_count && b->dev->irq_count && a->dev->irqs[0] == b->dev->irqs[0])
		diag_error(d, b->driver->where,
			   "driver '%s': interrupt INTID %u (device %s) is already given to driver "
			   "'%s' (device %s, %s)",
			   b->driver->name, b->dev->irqs[0], dev_label(lb, b), a->driver->name,
			   dev_label(la, a), a->driver->where);
}

/* A driver's device must not share a page or an INTID with one the kernel keeps. */
static void check_kept(const struct given *g, const struct platform *plat, struct diag *d)
{
	char label[LABEL_MAX];

	for (size_t i = 0; i < plat->device_count; i++) {
		const struct plat_device *k = &plat->devices[i];
		bool irq = false;

		if (k->keep == PLAT_FREE || k->keep == PLAT_KEEP_RAM || k->keep == PLAT_MALFORMED ||
		    k == g->dev)
			continue;
		for (unsigned n = 0; n < k->irq_count && g->dev->irq_count; n++)
			irq |= k->irqs[n] == g->dev->irqs[0];
		if ((k->mmio && share_page(k, g->dev)) || irq)
			diag_error(d, g->driver->where,
				   "driver '%s': device %s shares %s with '%s': %s",
				   g->driver->name, dev_label(label, g),
				   irq ? "an interrupt" : "a page", k->name,
				   plat_keep_reason(k->keep));
	}
}

/* A driver of the kernel's UART needs exactly one domain reading the kernel log. */
static void check_kernel_log(const struct desc *desc, const struct given *given, size_t n,
			     struct diag *d)
{
	const struct desc_decl *reader = NULL;

	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *decl = &desc->decls[i];

		if (decl->kind != DESC_DOMAIN || !desc_num(decl, DESC_F_KERNEL_LOG, 0))
			continue;
		if (reader)
			diag_error(d, decl->where,
				   "domain '%s': only one domain reads the kernel log, and domain "
				   "'%s' (%s) does",
				   decl->name, reader->name, reader->where);
		else
			reader = decl;
	}
	for (size_t i = 0; i < n; i++) {
		if (given[i].dev->keep == PLAT_KEEP_UART && !reader)
			diag_error(d, given[i].driver->where,
				   "driver '%s': device '%s' is the kernel's debug UART: the system "
				   "needs a domain with KERNEL_LOG to read the kernel's log",
				   given[i].driver->name, given[i].dev->name);
	}
}

void validate_devices(const struct desc *desc, const struct platform *plat, struct diag *d)
{
	struct given *given = calloc(desc->count ? desc->count : 1, sizeof(*given));
	size_t n = 0;

	if (!given) {
		diag_error(d, desc->file, "out of memory");
		return;
	}
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *drv = &desc->decls[i];
		const struct plat_device *dev;

		if (drv->kind != DESC_DRIVER || !(dev = resolve(drv, plat, d)))
			continue;
		given[n] = (struct given){.driver = drv, .dev = dev};
		check_kept(&given[n], plat, d);
		for (size_t j = 0; j < n; j++)
			check_pair(&given[j], &given[n], d);
		n++;
	}
	check_kernel_log(desc, given, n, d);
	free(given);
}
