/*
 * The virtio 1.x split virtqueue, byte for byte (virtio spec 2.7): the
 * descriptor table, the available ring (driver to device) and the used ring
 * (device to driver), each in its own area of guest memory. All fields are
 * little-endian, which is the native order of every machine libpv supports.
 * Unmodified Linux guests lay these out with their own vring structures;
 * the unit tests check the two against each other.
 */
#ifndef LIBPV_VIRTQ_H
#define LIBPV_VIRTQ_H

#include <stddef.h>
#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libpv's virtio layout assumes a little-endian machine"
#endif

/* Descriptor flags. */
#define PV_VIRTQ_DESC_F_NEXT	 1u /* next is valid: the chain continues */
#define PV_VIRTQ_DESC_F_WRITE	 2u /* device-writable (else device-readable) */
#define PV_VIRTQ_DESC_F_INDIRECT 4u /* addr/len is a table of descriptors */

/* Available ring flags (driver to device): suppress used-buffer interrupts. */
#define PV_VIRTQ_AVAIL_F_NO_INTERRUPT 1u
/* Used ring flags (device to driver): suppress available-buffer kicks. */
#define PV_VIRTQ_USED_F_NO_NOTIFY 1u

/* Feature bits that change the ring's behaviour. */
#define PV_VIRTIO_F_INDIRECT_DESC (1ull << 28)
#define PV_VIRTIO_F_EVENT_IDX	  (1ull << 29)
#define PV_VIRTIO_F_VERSION_1	  (1ull << 32)

/* Device status bit set when a queue is broken and the driver must reset. */
#define PV_VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40u

/* Split virtqueues have a power-of-two size up to 32768. */
#define PV_VIRTQ_MAX_SIZE 32768u

/* Required alignment of each area's guest address (virtio 1.x). */
#define PV_VIRTQ_DESC_ALIGN  16u
#define PV_VIRTQ_AVAIL_ALIGN 2u
#define PV_VIRTQ_USED_ALIGN  4u

struct pv_virtq_desc {
	uint64_t addr;	/* guest address of the buffer */
	uint32_t len;	/* bytes */
	uint16_t flags; /* PV_VIRTQ_DESC_F_* */
	uint16_t next;	/* index of the next descriptor when F_NEXT */
};

/* Followed by ring[size] and, with EVENT_IDX, used_event (uint16_t). */
struct pv_virtq_avail {
	uint16_t flags;	 /* PV_VIRTQ_AVAIL_F_* */
	uint16_t idx;	 /* free-running count of heads the driver made available */
	uint16_t ring[]; /* heads of descriptor chains */
};

struct pv_virtq_used_elem {
	uint32_t id;  /* head of the returned chain (uint32_t for padding) */
	uint32_t len; /* bytes the device wrote into the chain */
};

/* Followed by ring[size] and, with EVENT_IDX, avail_event (uint16_t). */
struct pv_virtq_used {
	uint16_t flags; /* PV_VIRTQ_USED_F_* */
	uint16_t idx;	/* free-running count of chains the device returned */
	struct pv_virtq_used_elem ring[];
};

_Static_assert(sizeof(struct pv_virtq_desc) == 16, "virtq ABI");
_Static_assert(offsetof(struct pv_virtq_desc, len) == 8, "virtq ABI");
_Static_assert(offsetof(struct pv_virtq_desc, flags) == 12, "virtq ABI");
_Static_assert(offsetof(struct pv_virtq_desc, next) == 14, "virtq ABI");
_Static_assert(sizeof(struct pv_virtq_avail) == 4, "virtq ABI");
_Static_assert(offsetof(struct pv_virtq_avail, idx) == 2, "virtq ABI");
_Static_assert(offsetof(struct pv_virtq_avail, ring) == 4, "virtq ABI");
_Static_assert(sizeof(struct pv_virtq_used_elem) == 8, "virtq ABI");
_Static_assert(sizeof(struct pv_virtq_used) == 4, "virtq ABI");
_Static_assert(offsetof(struct pv_virtq_used, idx) == 2, "virtq ABI");
_Static_assert(offsetof(struct pv_virtq_used, ring) == 4, "virtq ABI");

/* Bytes of each area for a queue of size entries (event fields included). */
static inline uint64_t pv_virtq_desc_bytes(uint32_t size)
{
	return 16ull * size;
}

static inline uint64_t pv_virtq_avail_bytes(uint32_t size)
{
	return 6ull + 2ull * size;
}

static inline uint64_t pv_virtq_used_bytes(uint32_t size)
{
	return 6ull + 8ull * size;
}

/* used_event: written by the driver, the used idx it wants an interrupt at. */
static inline uint16_t *pv_virtq_used_event(struct pv_virtq_avail *avail, uint32_t size)
{
	return &avail->ring[size];
}

/* avail_event: written by the device, the avail idx it wants a kick at. */
static inline uint16_t *pv_virtq_avail_event(struct pv_virtq_used *used, uint32_t size)
{
	return (uint16_t *)(void *)&used->ring[size];
}

#endif
