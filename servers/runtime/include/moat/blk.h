/*
 * Block requests over a channel (docs/io.md, "The block path"): between a
 * guest's VMM and the block backend (servers/blk), and between the backend
 * and the block driver domain. The channel's shared memory holds two libpv
 * rings: requests from the client at MOAT_BLK_REQUESTS, completions back at
 * MOAT_BLK_COMPLETIONS. Each side signals the other's inbox only when the
 * ring's consumer asked to be woken (pv_ring_*_kick_needed).
 *
 * Data is never in these rings: a request names its buffers by physical
 * address (segments), which the device reads or writes directly. A VMM
 * names only its own guest's RAM; the backend checks the sector range
 * against the client's virtual disk, puts the physical sector and its own
 * client number in, and passes the segments on untouched; the driver
 * checks every segment against the memory the root server says that
 * client may name (struct moat_blk_ranges) before the device sees it.
 */
#ifndef MOAT_BLK_H
#define MOAT_BLK_H

#include <moat/domain.h>

#define MOAT_BLK_SECTOR 512u
#define MOAT_BLK_SEGMENTS 16u	  /* per request: a chain of at most this many data buffers */
#define MOAT_BLK_MAX_BYTES 0x20000u /* per request: 256 sectors */

enum moat_blk_op {
	MOAT_BLK_READ = 0,  /* the device writes the segments */
	MOAT_BLK_WRITE = 1, /* the device reads them */
	MOAT_BLK_FLUSH = 4, /* every write completed before it is durable; no segments */
};

enum moat_blk_status {
	MOAT_BLK_OK = 0,
	MOAT_BLK_IOERR = 1,  /* the device failed it */
	MOAT_BLK_UNSUPP = 2, /* not an operation we know */
	MOAT_BLK_REFUSED = 3, /* a check failed: range, size, segments, read-only, full */
};

struct moat_blk_segment {
	uint64_t addr; /* physical */
	uint32_t len;  /* bytes; the segments' sum is whole sectors */
	uint32_t reserved;
};

struct moat_blk_request {
	uint64_t tag;	 /* the client's, returned in the completion */
	uint32_t op;	 /* enum moat_blk_op */
	uint32_t count;	 /* segments used */
	uint64_t sector; /* in the client's virtual disk; from the backend: physical */
	uint32_t client; /* set by the backend for the driver; 0 from a VMM */
	uint32_t reserved;
	struct moat_blk_segment seg[MOAT_BLK_SEGMENTS];
};

struct moat_blk_completion {
	uint64_t tag;
	uint32_t status; /* enum moat_blk_status */
	uint32_t client; /* as in the request */
};

_Static_assert(sizeof(struct moat_blk_request) == 288, "block request ABI");
_Static_assert(sizeof(struct moat_blk_completion) == 16, "block completion ABI");

/*
 * A request crosses its ring as its first MOAT_BLK_REQUEST_HEAD bytes and
 * the segments it uses, no more (pv_ring_produce_prefix and
 * pv_ring_consume_prefix): most have one segment, and the whole entry is
 * 288 bytes. A count beyond MOAT_BLK_SEGMENTS brings MOAT_BLK_SEGMENTS
 * along, and is refused by whoever checks it.
 */
#define MOAT_BLK_REQUEST_HEAD 32u
_Static_assert(__builtin_offsetof(struct moat_blk_request, seg) == MOAT_BLK_REQUEST_HEAD,
	       "block request ABI: the head");

static inline uint32_t moat_blk_request_more(const void *head)
{
	uint32_t n = ((const struct moat_blk_request *)head)->count;

	return (n < MOAT_BLK_SEGMENTS ? n : MOAT_BLK_SEGMENTS) *
	       (uint32_t)sizeof(struct moat_blk_segment);
}

static inline uint32_t moat_blk_request_bytes(const struct moat_blk_request *r)
{
	return MOAT_BLK_REQUEST_HEAD + moat_blk_request_more(r);
}

/* The channel's shared memory. */
#define MOAT_BLK_RING_ENTRIES 32u
#define MOAT_BLK_REQUESTS 0u	    /* 128 + 32 * 288 = 9344 bytes */
#define MOAT_BLK_COMPLETIONS 9344u /* 128 + 32 * 16 = 640 bytes */
#define MOAT_BLK_DEVICE 12288u      /* struct moat_blk_device: the driver's channel only */
#define MOAT_BLK_SHARED_BYTES 16384u /* SHARED_MEMORY of the channel: at least this */

/*
 * The physical disk, as the driver found it: written once by the driver
 * into its channel to the backend, `magic` last, before it signals the
 * backend the first time. The backend serves no client before it is there.
 */
#define MOAT_BLK_DEVICE_MAGIC 0x594441455259424bull /* "KBYREADY" */
struct moat_blk_device {
	uint64_t sectors;
	uint64_t flags; /* MOAT_VDISK_READ_ONLY: the device is read-only */
	uint64_t magic;
};

/*
 * What the root server tells a driver domain it may give its device, per
 * backend client (docs/io.md): the RAM of the guest whose virtual disk
 * that client is, as physical ranges. At MOAT_DOMAIN_INFO + 4096 in a
 * block driver domain.
 */
#define MOAT_BLK_RANGES_MAX 64u
struct moat_blk_range {
	uint64_t base, size;
	uint32_t client; /* the backend's channel index of that guest */
	uint32_t reserved;
};
struct moat_blk_ranges {
	uint64_t magic;
	uint64_t count;
	struct moat_blk_range range[MOAT_BLK_RANGES_MAX];
};
#define MOAT_BLK_RANGES_MAGIC 0x5345474e41524b42ull /* "BKRANGES" */
#define MOAT_BLK_RANGES (MOAT_DOMAIN_INFO + 4096)

#endif
