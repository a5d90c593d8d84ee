/*
 * libpv virtqueue, device side: the side that serves a queue whose memory
 * belongs to the driver (a guest, or a native client of a backend), and so
 * the side that must assume the driver is hostile. The three areas and every
 * buffer are reached only through the memory windows the driver shared. Each
 * available head and each descriptor is copied once into private memory and
 * validated there; the resulting chain (struct pv_vq_chain) is private and
 * is all the caller ever looks at.
 */
#ifndef LIBPV_VQ_DEV_H
#define LIBPV_VQ_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "virtq.h"
#include "window.h"

struct pv_vq_dev_config {
	uint32_t size;			 /* power of two, 1..PV_VIRTQ_MAX_SIZE */
	uint32_t max_bytes;		 /* limit on a chain's total length; 0: 2^32 - 1 */
	uint64_t features;		 /* negotiated PV_VIRTIO_F_* */
	pv_gaddr_t desc, avail, used;	 /* the driver's addresses of the three areas */
	const struct pv_window_set *win; /* what the driver shared; must outlive the queue */
};

/*
 * One validated buffer of a chain, in the driver's address space, and
 * where the window set maps it on this side (valid while the set is
 * unchanged, as every window must outlive the queue).
 */
struct pv_vq_seg {
	pv_gaddr_t addr;
	uint32_t len;	/* non-zero; addr + len lies in a window with the right permission */
	uint32_t write; /* 1: device-writable, 0: device-readable */
	uint8_t *host;	/* addr's view here: len bytes, shared with the driver */
};

/*
 * A popped chain, private to the device. Readable segments come first
 * (n_out of them), then writable ones (n_in). seg points at caller storage
 * of max_seg entries.
 */
struct pv_vq_chain {
	struct pv_vq_seg *seg;
	uint32_t max_seg;
	uint16_t head; /* the descriptor index to return in the used ring */
	uint16_t n_out;
	uint16_t n_in;
	uint16_t pad;
	uint32_t out_bytes; /* sum of readable lengths */
	uint32_t in_bytes;  /* sum of writable lengths */
};

struct pv_vq_dev {
	const struct pv_window_set *win;
	struct pv_virtq_desc *desc; /* this side's views, checked against the windows once */
	struct pv_virtq_avail *avail;
	struct pv_virtq_used *used;
	uint32_t size;
	uint32_t max_bytes;
	uint16_t mask;
	uint16_t last_avail; /* available entries popped so far */
	uint16_t avail_seen; /* last checked avail->idx */
	uint16_t used_idx;   /* authoritative copy of used->idx */
	uint16_t signalled;  /* used_idx when the device last decided on an interrupt */
	uint16_t in_flight;  /* popped chains not yet pushed */
	uint8_t event_idx;
	uint8_t indirect;
	uint8_t broken;
	uint8_t pad;
};

/*
 * Checks the configuration: size, alignment (PV_E_ALIGN), and that each
 * area lies in a window with the rights the device needs (PV_E_WINDOW,
 * PV_E_PERM). Writes nothing to shared memory: the driver formats the rings.
 */
int pv_vq_dev_init(struct pv_vq_dev *vq, const struct pv_vq_dev_config *cfg);

/*
 * Pops the next available chain into chain. Returns 1 with a chain, 0 when
 * none is available, or a negative error:
 *  - PV_E_PEER_INDEX, PV_E_HEAD: the available ring is impossible; the
 *    queue is now broken (set DEVICE_NEEDS_RESET);
 *  - PV_E_BROKEN: it was broken before;
 *  - any other error rejects this one chain: chain->head is valid, no
 *    segments are, and the caller returns it with pv_vq_dev_push(vq,
 *    chain, 0) after reporting the error.
 */
int pv_vq_dev_pop(struct pv_vq_dev *vq, struct pv_vq_chain *chain);

/*
 * Returns a popped chain to the driver with len bytes written (at most
 * chain->in_bytes) and publishes it. PV_E_INVAL if nothing is in flight or
 * len is too large; PV_E_BROKEN if the queue is broken.
 */
int pv_vq_dev_push(struct pv_vq_dev *vq, const struct pv_vq_chain *chain, uint32_t len);

/* After pushing: must the driver be interrupted? Covers everything since the last call. */
bool pv_vq_dev_interrupt_needed(struct pv_vq_dev *vq);

/* Polling: ask the driver not to kick (a hint; kicks may still come). */
void pv_vq_dev_disable_notify(struct pv_vq_dev *vq);

/*
 * Before sleeping: asks for a kick at the next available chain and checks
 * again. True means nothing is available and sleeping is safe.
 */
bool pv_vq_dev_prepare_wait(struct pv_vq_dev *vq);

/*
 * Copies len bytes from offset off of the chain's readable part into dst
 * (private memory), or len bytes from src into its writable part at off.
 * PV_E_LENGTH if the range does not fit the chain.
 */
int pv_vq_chain_read(const struct pv_vq_dev *vq, const struct pv_vq_chain *chain, uint32_t off,
		     void *dst, uint32_t len);
int pv_vq_chain_write(const struct pv_vq_dev *vq, const struct pv_vq_chain *chain, uint32_t off,
		      const void *src, uint32_t len);

static inline bool pv_vq_dev_broken(const struct pv_vq_dev *vq)
{
	return vq->broken != 0;
}

#endif
