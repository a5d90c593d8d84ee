/*
 * The block backend's portable core (docs/io.md, "The block path"): each
 * client's virtual disk, the checks every request passes before anything
 * is done with it, and the order in which clients' requests go to the
 * driver. No I/O here: the caller feeds requests in and takes the next
 * one to dispatch; data buffers are opaque to this file.
 *
 * Invariants the caller relies on (unit-tested and fuzzed):
 * - a dispatched request lies inside its client's virtual disk, and its
 *   sector is the physical one;
 * - a client never has more than BLK_CLIENT_INFLIGHT requests at the
 *   driver, and one client cannot keep another's requests waiting beyond
 *   a round of the others (round robin, one request per turn);
 * - a FLUSH goes to the driver only once every earlier request of its
 *   client has completed, and no later request of that client goes
 *   before the FLUSH has completed.
 */
#ifndef MOAT_BLK_CORE_H
#define MOAT_BLK_CORE_H

#include <stdbool.h>
#include <stdint.h>

#define BLK_CLIENTS_MAX 8
#define BLK_CLIENT_QUEUE 64   /* requests accepted but not yet dispatched, per client */
#define BLK_CLIENT_INFLIGHT 16 /* at the driver at once, per client */
#define BLK_REQUEST_MAX_SECTORS 256u /* 128 KiB per request */

enum blk_core_op { BLK_CORE_READ = 0, BLK_CORE_WRITE = 1, BLK_CORE_FLUSH = 4 };

/* Why a request was refused. */
enum blk_core_error {
	BLK_CORE_OK = 0,
	BLK_CORE_E_OP,	  /* not read, write or flush */
	BLK_CORE_E_RANGE, /* outside the virtual disk, or no sectors (a flush: any) */
	BLK_CORE_E_SIZE,  /* more than BLK_REQUEST_MAX_SECTORS */
	BLK_CORE_E_FULL,  /* BLK_CLIENT_QUEUE waiting already */
	BLK_CORE_E_READ_ONLY,
};

struct blk_core_req {
	uint64_t tag;	  /* the caller's */
	uint32_t op;	  /* enum blk_core_op */
	uint32_t sectors; /* 0 for a flush */
	uint64_t sector;  /* in the virtual disk; once dispatched, on the physical disk */
};

struct blk_vdisk {
	uint64_t first;	  /* its first sector on the physical disk */
	uint64_t sectors; /* its size */
	bool read_only;
};

struct blk_client {
	struct blk_vdisk disk;
	struct blk_core_req queue[BLK_CLIENT_QUEUE]; /* FIFO */
	unsigned head, count;
	unsigned inflight;
	bool barrier; /* a FLUSH is at the driver: nothing else of this client goes */
	uint64_t refused;
};

struct blk_core {
	struct blk_client client[BLK_CLIENTS_MAX];
	unsigned clients;
	unsigned turn; /* the client whose turn is next */
};

/*
 * `clients` virtual disks (at most BLK_CLIENTS_MAX) on a physical disk of
 * `disk_sectors`. False if any lies outside it or two overlap: a system
 * description with such disks is refused whole.
 */
bool blk_core_init(struct blk_core *c, const struct blk_vdisk *disks, unsigned clients,
		   uint64_t disk_sectors);

/* Client `i`'s request, checked and queued; BLK_CORE_OK or why not (counted). */
enum blk_core_error blk_core_accept(struct blk_core *c, unsigned i, const struct blk_core_req *r);

/*
 * The next request to give the driver, if any client has one it may
 * send: true with the client in *i and the request (physical sector) in
 * *out.
 */
bool blk_core_next(struct blk_core *c, unsigned *i, struct blk_core_req *out);

/* One of client i's dispatched requests completed (`op` is its operation). */
void blk_core_complete(struct blk_core *c, unsigned i, uint32_t op);

#endif
