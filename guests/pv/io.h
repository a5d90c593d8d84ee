/*
 * What the PV guest's PV I/O modes share (moat/pvio.h, docs/io.md "PV
 * guests"; io.c): where in RAM each keeps its queues and buffers (from
 * PV_IO_AREA, past the image, so none of it is in the image's bss: other
 * modes run in far less RAM), the virtio-blk requests its disk modes make
 * (blk.c, hostile.c) and the sectors pv_io_test.py writes.
 */
#ifndef MOAT_PV_IO_H
#define MOAT_PV_IO_H

#include <stdbool.h>
#include <stdint.h>

#include <moat/pvio.h>

#include "pv.h"

#define PV_DISK		   0u /* the VMM's first virtio device: the disk */
#define VIRTIO_ID_BLOCK	   2u
#define VIRTIO_BLK_T_IN	   0u
#define VIRTIO_BLK_T_OUT   1u
#define VIRTIO_BLK_T_FLUSH 4u
#define SECTOR		   512u
#define STATUS_UNSET	   0xffu      /* a status byte the device has not written */
#define RAM_BYTES	   0x800000ul /* the disk modes' MEMORY (test/qemu/pvio) */

/* The areas, each queue in a page of its own. */
#define PV_QUEUE_AREA  ((uint8_t *)PV_IO_AREA)		  /* blk.c's queue */
#define PV_RAW_AREA    ((uint8_t *)(PV_IO_AREA + 0x1000)) /* hostile.c's queue */
#define PV_CON_AREA    ((uint8_t *)(PV_IO_AREA + 0x2000)) /* the console's transmitq */
#define PV_CON_RX_AREA ((uint8_t *)(PV_IO_AREA + 0x3000)) /* its receiveq, never filled */
#define PV_CON_BUF     (PV_IO_AREA + 0x4000)		  /* its lines, 4 KiB */
#define PV_NET_RX_AREA ((uint8_t *)(PV_IO_AREA + 0x5000)) /* net.c's queues */
#define PV_NET_TX_AREA ((uint8_t *)(PV_IO_AREA + 0x6000))
#define PV_DATA	       (PV_IO_AREA + 0x10000)		    /* blk.c's buffers, 512 KiB */
#define PV_RAW_DATA    ((uint8_t *)(PV_IO_AREA + 0x90000))  /* hostile.c's, 64 KiB */
#define PV_NET_BUF     (PV_IO_AREA + 0x200000)		    /* net.c's, 64 KiB */
#define PV_BENCH_DATA  ((uint8_t *)(PV_IO_AREA + 0x300000)) /* the benchmarks', 1 MiB */

/* Each sector of a guest's disk, as pv_io_test.py writes it: tag, then the sector's number. */
struct sector_head {
	char tag[8]; /* "moat-pv" and the guest's letter */
	uint64_t sector;
};

struct blk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

/* One request's header and status byte, as the device sees them. */
struct req {
	struct blk_hdr hdr;
	uint8_t status;
	uint8_t pad[15];
};

/* The disk's capacity in sectors, 0 if there is none; *status its virtio status byte. */
uint64_t pv_disk_info(uint64_t *status);
/* Queue 0 of the disk at `area`, `n` entries: started, set, ready. */
bool pv_disk_open(void *area, uint64_t n);
/* The sector at p is sector `sector` of the disk of guest `letter`. */
bool pv_sector_is(const uint8_t *p, char letter, uint64_t sector);

#endif
