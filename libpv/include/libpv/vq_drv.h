/*
 * libpv virtqueue, driver side: the side that owns the queue memory and
 * the buffers (Moat's PV guests and native clients of a backend). It adds
 * scatter-gather chains, decides whether to kick the device, and reaps used
 * chains. The device is not trusted either: chains are freed through
 * private links only (the shared descriptor table is never read back), and
 * each used element must name a chain in flight with a plausible length.
 */
#ifndef LIBPV_VQ_DRV_H
#define LIBPV_VQ_DRV_H

#include <stdbool.h>
#include <stdint.h>

#include "virtq.h"
#include "window.h"

/* One buffer as the device sees it. */
struct pv_sg {
	pv_gaddr_t addr;
	uint32_t len; /* non-zero */
	uint32_t pad;
};

/* Private bookkeeping, one per descriptor (caller-provided array of size). */
struct pv_vq_drv_slot {
	uint64_t token;	    /* caller's cookie for the chain headed here */
	uint32_t write_len; /* device-writable bytes of the chain headed here */
	uint16_t next;	    /* private link: free list, or the chain's next descriptor */
	uint16_t ndesc;	    /* descriptors of the chain headed here; 0 if not a head */
};

struct pv_vq_drv_config {
	uint32_t size;		    /* power of two, 1..PV_VIRTQ_MAX_SIZE */
	uint32_t indirect_max;	    /* descriptors per indirect table; 0: none */
	uint64_t features;	    /* negotiated PV_VIRTIO_F_* */
	struct pv_virtq_desc *desc; /* this side's view of the three areas */
	struct pv_virtq_avail *avail;
	struct pv_virtq_used *used;
	struct pv_vq_drv_slot *slots; /* private, size entries */
	/* With INDIRECT_DESC: size * indirect_max descriptors, shared with the
	 * device at indirect_addr; head h uses table h. */
	struct pv_virtq_desc *indirect;
	pv_gaddr_t indirect_addr;
};

struct pv_vq_drv {
	struct pv_virtq_desc *desc;
	struct pv_virtq_avail *avail;
	struct pv_virtq_used *used;
	struct pv_vq_drv_slot *slots;
	struct pv_virtq_desc *indirect;
	uint64_t indirect_addr;
	uint32_t indirect_max; /* 0: no indirect tables */
	uint32_t size;
	uint32_t num_free;
	uint16_t mask;
	uint16_t free_head;  /* first free descriptor (private free list) */
	uint16_t avail_idx;  /* authoritative copy of avail->idx */
	uint16_t kicked_idx; /* avail_idx when the driver last decided on a kick */
	uint16_t last_used;  /* used entries reaped so far */
	uint16_t used_seen;  /* last checked used->idx */
	uint8_t event_idx;
	uint8_t broken;
	uint8_t pad[6];
};

/*
 * Zeroes the three areas and builds the free list. PV_E_INVAL for a bad
 * size, a missing area, or an indirect table without INDIRECT_DESC (or
 * with indirect_max 0 or above size); PV_E_ALIGN for a misaligned area.
 */
int pv_vq_drv_init(struct pv_vq_drv *vq, const struct pv_vq_drv_config *cfg);

/*
 * Adds a chain of n_out device-readable then n_in device-writable buffers
 * and makes it available. Uses an indirect table when there is one and the
 * chain has several buffers. Returns the head index, or PV_E_NOSPC,
 * PV_E_INVAL (no buffers, a zero length, too many), PV_E_BROKEN.
 */
int pv_vq_drv_add(struct pv_vq_drv *vq, const struct pv_sg *sg, uint32_t n_out, uint32_t n_in,
		  uint64_t token);

/* After adding: must the device be kicked? Covers everything since the last call. */
bool pv_vq_drv_kick_needed(struct pv_vq_drv *vq);

/*
 * Reaps one used chain: 1 with its token and written length, 0 when none.
 * A used index or element that the device could not honestly have written
 * (PV_E_PEER_INDEX, PV_E_USED_ID, PV_E_USED_LEN) breaks the queue.
 */
int pv_vq_drv_get_used(struct pv_vq_drv *vq, uint64_t *token, uint32_t *len);

/* Polling: ask the device not to interrupt (a hint; interrupts may still come). */
void pv_vq_drv_disable_cb(struct pv_vq_drv *vq);

/*
 * Before sleeping: asks for an interrupt at the next used chain and checks
 * again. True means nothing is pending and sleeping is safe.
 */
bool pv_vq_drv_prepare_wait(struct pv_vq_drv *vq);

/*
 * The same, but with EVENT_IDX asks for the interrupt only once `n` more
 * chains are used (interrupt coalescing; without it, as prepare_wait).
 * True means fewer than `n` are used since the last reaped, so the
 * interrupt is still to come. The caller must have at least `n` chains
 * in flight, or it may wait for ever.
 */
bool pv_vq_drv_prepare_wait_for(struct pv_vq_drv *vq, uint16_t n);

static inline bool pv_vq_drv_broken(const struct pv_vq_drv *vq)
{
	return vq->broken != 0;
}

static inline uint32_t pv_vq_drv_num_free(const struct pv_vq_drv *vq)
{
	return vq->num_free;
}

#endif
