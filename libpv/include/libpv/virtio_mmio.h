/*
 * The virtio-mmio transport's register layout, version 2 (virtio 1.x
 * spec, 4.2.2): shared by the driver side (drivers/virtio) and the device
 * side the VMM presents to guests (servers/vmm/virtio_mmio.c).
 */
#ifndef LIBPV_VIRTIO_MMIO_H
#define LIBPV_VIRTIO_MMIO_H

#define PV_VMMIO_MAGIC_VALUE 0x74726976u /* "virt" */
#define PV_VMMIO_VERSION 2u

/* Register offsets; all 32-bit. */
#define PV_VMMIO_MAGIC 0x000
#define PV_VMMIO_VERSION_REG 0x004
#define PV_VMMIO_DEVICE_ID 0x008
#define PV_VMMIO_VENDOR_ID 0x00c
#define PV_VMMIO_DEVICE_FEATURES 0x010
#define PV_VMMIO_DEVICE_FEATURES_SEL 0x014
#define PV_VMMIO_DRIVER_FEATURES 0x020
#define PV_VMMIO_DRIVER_FEATURES_SEL 0x024
#define PV_VMMIO_QUEUE_SEL 0x030
#define PV_VMMIO_QUEUE_NUM_MAX 0x034
#define PV_VMMIO_QUEUE_NUM 0x038
#define PV_VMMIO_QUEUE_READY 0x044
#define PV_VMMIO_QUEUE_NOTIFY 0x050
#define PV_VMMIO_INTERRUPT_STATUS 0x060
#define PV_VMMIO_INTERRUPT_ACK 0x064
#define PV_VMMIO_STATUS 0x070
#define PV_VMMIO_QUEUE_DESC_LOW 0x080
#define PV_VMMIO_QUEUE_DESC_HIGH 0x084
#define PV_VMMIO_QUEUE_DRIVER_LOW 0x090 /* the available ring */
#define PV_VMMIO_QUEUE_DRIVER_HIGH 0x094
#define PV_VMMIO_QUEUE_DEVICE_LOW 0x0a0 /* the used ring */
#define PV_VMMIO_QUEUE_DEVICE_HIGH 0x0a4
#define PV_VMMIO_SHM_SEL 0x0ac
#define PV_VMMIO_SHM_LEN_LOW 0x0b0
#define PV_VMMIO_SHM_BASE_HIGH 0x0bc
#define PV_VMMIO_CONFIG_GENERATION 0x0fc
#define PV_VMMIO_CONFIG 0x100 /* the device-specific configuration */

/* Status bits. */
#define PV_VIRTIO_STATUS_ACKNOWLEDGE 1u
#define PV_VIRTIO_STATUS_DRIVER 2u
#define PV_VIRTIO_STATUS_DRIVER_OK 4u
#define PV_VIRTIO_STATUS_FEATURES_OK 8u
#define PV_VIRTIO_STATUS_FAILED 128u

/* InterruptStatus bits. */
#define PV_VMMIO_INT_USED 1u   /* a used buffer */
#define PV_VMMIO_INT_CONFIG 2u /* the configuration changed */

/* Device IDs. */
#define PV_VIRTIO_ID_NET 1u
#define PV_VIRTIO_ID_BLOCK 2u

#endif
