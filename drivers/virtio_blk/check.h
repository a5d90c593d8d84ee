/*
 * What the block driver checks of each request from its backend before
 * the device sees it (docs/io.md): portable, host-tested. The request is
 * the driver's private copy.
 */
#ifndef MOAT_DRIVERS_BLK_CHECK_H
#define MOAT_DRIVERS_BLK_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include <moat/blk.h>

/*
 * MOAT_BLK_OK when `q` may go to the device: a known operation, at most
 * MOAT_BLK_SEGMENTS non-empty segments (none for a flush) adding up to
 * whole sectors, at most MOAT_BLK_MAX_BYTES, each segment wholly inside
 * one range `r` gives q->client. Else MOAT_BLK_UNSUPP (the operation) or
 * MOAT_BLK_REFUSED. `r` NULL (the root gave us none): nothing but flushes.
 */
enum moat_blk_status blk_check_request(const struct moat_blk_ranges *r,
				       const struct moat_blk_request *q);

#endif
