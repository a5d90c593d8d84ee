/*
 * libFuzzer harness for the block backend's core (servers/blk/core.c):
 * the fuzzer is every client at once, sending any request, and the
 * driver, completing dispatched requests in any order. It holds the core
 * to the invariants in core.h:
 *
 * - a dispatched read or write lies inside its client's virtual disk
 *   (physical sectors) and is one the core accepted, in the client's order;
 * - no client has more than BLK_CLIENT_INFLIGHT at the driver;
 * - a FLUSH is dispatched only with nothing else of its client in flight,
 *   and nothing else of that client is dispatched while it is.
 *
 * Input: 1 byte of layout, then 12-byte steps: op, client, sectors (2
 * bytes), sector (8 bytes).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "core.h"

#define STEP 12
#define CLIENTS 3
#define INFLIGHT_MAX (CLIENTS * BLK_CLIENT_INFLIGHT)

static void check(int cond)
{
	if (!cond)
		abort();
}

struct sent {
	unsigned client;
	struct blk_core_req r;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct blk_core c;
	struct blk_vdisk disks[CLIENTS] = {
		{ 0, 64, false }, { 64, 1000, false }, { 2000, 300, true },
	};
	struct sent inflight[INFLIGHT_MAX];
	unsigned n = 0, per[CLIENTS] = { 0 }, flushing[CLIENTS] = { 0 };
	uint64_t accepted[CLIENTS] = { 0 }, dispatched[CLIENTS] = { 0 };

	if (!size)
		return 0;
	if (data[0] & 1)
		disks[1].sectors = 1; /* a tiny disk too */
	check(blk_core_init(&c, disks, CLIENTS, 4096));
	for (size_t at = 1; at + STEP <= size; at += STEP) {
		const uint8_t *s = data + at;
		struct blk_core_req r = { 0 }, out;
		unsigned client = s[1] % (CLIENTS + 1), i;

		if ((s[0] & 3) == 0) { /* a client's request */
			static const uint32_t ops[8] = { 0, 1, 4, 0, 1, 4, 2, 8 };
			uint64_t sec = 0;

			for (int b = 0; b < 8; b++)
				sec |= (uint64_t)s[4 + b] << (8 * b);
			r.op = ops[s[0] >> 5];
			r.sectors = (uint32_t)(s[2] | s[3] << 8) % 300;
			r.sector = s[0] & 4 ? sec : sec % 1100;
			r.tag = client < CLIENTS ? accepted[client] : 0;
			if (blk_core_accept(&c, client, &r) == BLK_CORE_OK)
				accepted[client]++;
		} else if ((s[0] & 3) == 1) { /* the driver takes the next */
			if (!blk_core_next(&c, &i, &out))
				continue;
			check(i < CLIENTS && n < INFLIGHT_MAX);
			check(out.tag == dispatched[i]++); /* in the client's order */
			check(per[i] < BLK_CLIENT_INFLIGHT && !flushing[i]);
			if (out.op == BLK_CORE_FLUSH) {
				check(per[i] == 0);
				flushing[i] = 1;
			} else {
				const struct blk_vdisk *d = &c.client[i].disk;

				check(out.sectors && out.sector >= d->first &&
				      out.sector + out.sectors <= d->first + d->sectors);
				check(out.op != BLK_CORE_WRITE || !d->read_only);
			}
			per[i]++;
			inflight[n++] = (struct sent){ i, out };
		} else if (n) { /* the driver completes one of them */
			unsigned k = s[1] % n;
			struct sent done = inflight[k];

			inflight[k] = inflight[--n];
			per[done.client]--;
			if (done.r.op == BLK_CORE_FLUSH)
				flushing[done.client] = 0;
			blk_core_complete(&c, done.client, done.r.op);
		}
	}
	return 0;
}
