/*
 * The device tree a guest boots with: its RAM, vCPUs, PSCI over HVC, the
 * emulated GICv3 and PL011, the architected timer and the virtio-mmio
 * devices, at the addresses the VMM emulates them at (QEMU virt's layout
 * by default, so that nothing in a stock arm64 kernel is surprised).
 */
#ifndef MOAT_VMM_DEVTREE_H
#define MOAT_VMM_DEVTREE_H

#include <stddef.h>
#include <stdint.h>

#define DEVTREE_MAX_VCPUS  8
#define DEVTREE_MAX_VIRTIO 32

/* Defaults (QEMU virt): bases and sizes in guest-physical space; SPIs are INTID - 32. */
#define DEVTREE_GICD_BASE     0x08000000ull
#define DEVTREE_GICD_SIZE     0x10000ull
#define DEVTREE_GICR_BASE     0x080a0000ull
#define DEVTREE_GICR_PER_VCPU 0x20000ull
#define DEVTREE_UART_BASE     0x09000000ull
#define DEVTREE_UART_SIZE     0x1000ull
#define DEVTREE_UART_SPI      1u
#define DEVTREE_VIRTIO_BASE   0x0a000000ull
#define DEVTREE_VIRTIO_STRIDE 0x200ull /* also each device's size */
#define DEVTREE_VIRTIO_SPI    16u      /* the first device's; one more each */
#define DEVTREE_RAM_BASE      0x40000000ull

struct devtree_virtio {
	uint64_t base;
	uint32_t spi;
};

struct devtree_config {
	uint64_t ram_base, ram_size;
	unsigned vcpus; /* 1..DEVTREE_MAX_VCPUS; cpu@i has MPIDR Aff0 = i */
	uint64_t gicd_base, gicd_size;
	uint64_t gicr_base, gicr_size; /* every vCPU's redistributor */
	uint64_t uart_base, uart_size;
	uint32_t uart_spi;
	const char *bootargs;		   /* NULL: no bootargs property */
	uint64_t initrd_start, initrd_end; /* equal: no initrd */
	unsigned virtio_count;
	struct devtree_virtio virtio[DEVTREE_MAX_VIRTIO];
};

/* The defaults above for `vcpus` vCPUs, `virtio_count` devices and `ram_size` bytes of RAM. */
void devtree_config_default(struct devtree_config *c, unsigned vcpus, unsigned virtio_count,
			    uint64_t ram_size);

/*
 * Writes the blob into buf[0, cap): its size, or 0 if it does not fit or
 * the configuration is out of range (vCPUs, devices, an initrd that ends
 * before it starts). Nothing is written past cap.
 */
size_t devtree_build(void *buf, size_t cap, const struct devtree_config *c);

#endif
