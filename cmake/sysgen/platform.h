/*
 * The platform as moat-sysgen sees it, read from a flattened device tree
 * (QEMU's own, -machine dumpdtb=): RAM, and every node with the MMIO range
 * and interrupts a driver domain would get, or the reason none may get it.
 */
#ifndef SYSGEN_PLATFORM_H
#define SYSGEN_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define PLAT_IRQ_MAX 8
#define PLAT_DTB_MAX (16u << 20)

/* Why a node cannot be given to a driver domain; PLAT_FREE if it can. */
enum plat_keep {
	PLAT_FREE,
	PLAT_KEEP_GIC,	 /* the interrupt controller, and everything under it */
	PLAT_KEEP_UART,	 /* the kernel's debug UART (/chosen stdout-path) */
	PLAT_KEEP_TIMER, /* the generic timer */
	PLAT_KEEP_RAM,	 /* a memory node */
	PLAT_NO_MMIO,	 /* no usable reg: not a memory-mapped device */
	PLAT_MALFORMED,	 /* reg or interrupts this tool does not understand */
};

struct plat_device {
	char *name; /* node name, "virtio_mmio@a000000" */
	int offset; /* node offset in the DTB */
	enum plat_keep keep;
	const char *why;    /* PLAT_MALFORMED: what is wrong */
	bool mmio;	    /* paddr and size are valid (kept nodes too) */
	uint64_t paddr;	    /* MMIO base (translated to CPU addresses) */
	uint64_t size;	    /* nonzero, and paddr + size does not overflow */
	unsigned irq_count; /* INTIDs in irqs */
	uint32_t irqs[PLAT_IRQ_MAX];
};

struct plat_alias {
	char *name;
	size_t device; /* index into devices */
};

struct platform {
	char *file;
	uint64_t ram_base, ram_size;
	struct plat_device *devices;
	size_t device_count;
	struct plat_alias *aliases;
	size_t alias_count;
};

/* 0 on success; otherwise errors went to d and the platform is empty. */
int plat_load_file(struct platform *plat, const char *path, struct diag *d);
int plat_load_buffer(struct platform *plat, const char *name, const void *fdt, size_t len,
		     struct diag *d);
void plat_free(struct platform *plat);

/* A node by node name, else by alias; NULL if neither. */
const struct plat_device *plat_find(const struct platform *plat, const char *name);
const char *plat_keep_reason(enum plat_keep keep);

#endif
