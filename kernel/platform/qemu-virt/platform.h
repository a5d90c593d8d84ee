/*
 * QEMU `virt` machine (virtualization=on, gic-version=3): the physical
 * addresses and interrupt numbers the kernel itself needs. The kernel never
 * reads a device tree; these are fixed by the machine model.
 */
#ifndef MOAT_PLATFORM_H
#define MOAT_PLATFORM_H

#define PLATFORM_NAME "qemu-virt"

#define PLATFORM_RAM_BASE 0x40000000UL
/* Must match -m on the QEMU command line (cmake/MoatTarget.cmake). */
#define PLATFORM_RAM_SIZE (MOAT_RAM_MIB * 0x100000UL)

#define PLATFORM_GICD_BASE 0x08000000UL
#define PLATFORM_GICD_SIZE 0x00010000UL
#define PLATFORM_GICR_BASE 0x080A0000UL
#define PLATFORM_GICR_SIZE 0x00020000UL /* one CPU's RD + SGI frames */

#define PLATFORM_UART_BASE 0x09000000UL
#define PLATFORM_UART_SIZE 0x00001000UL

/*
 * Device memory handed to the root server as device untyped (base, log2
 * size), for user-level drivers. The kernel uses none of it, but the UART
 * until the root server attaches a console driver (klog.h) before it
 * starts the driver that gets it.
 */
#define PLATFORM_DEVICE_REGIONS                                         \
	{ 0x09000000UL, 12 }, /* PL011 UART, INTID 33 (after KLog_Attach) */ \
	{ 0x09010000UL, 12 }, /* PL031 real-time clock, INTID 34 */     \
	{ 0x09030000UL, 12 }, /* PL061 GPIO, INTID 39 */                \
	{ 0x0a000000UL, 14 }, /* 32 virtio-mmio transports, INTID 48+ */

/* Generic timer PPIs (INTIDs). */
#define PLATFORM_IRQ_EL2_PHYS_TIMER 26
#define PLATFORM_IRQ_VIRT_TIMER 27
#define PLATFORM_IRQ_EL1_PHYS_TIMER 30

#endif
