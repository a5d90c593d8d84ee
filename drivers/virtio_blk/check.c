/* The block driver's checks of its backend's requests; see check.h. */
#include "check.h"

/* Whether [addr, addr + len) lies wholly inside one of the client's ranges. */
static bool allowed(const struct moat_blk_ranges *r, uint32_t client, uint64_t addr, uint64_t len)
{
	uint64_t n = r ? r->count : 0;

	if (n > MOAT_BLK_RANGES_MAX)
		n = MOAT_BLK_RANGES_MAX;
	for (uint64_t i = 0; i < n; i++) {
		const struct moat_blk_range *g = &r->range[i];

		if (g->client == client && addr >= g->base && addr - g->base <= g->size &&
		    len <= g->size - (addr - g->base))
			return true;
	}
	return false;
}

enum moat_blk_status blk_check_request(const struct moat_blk_ranges *r,
				       const struct moat_blk_request *q)
{
	uint64_t total = 0;

	if (q->op != MOAT_BLK_READ && q->op != MOAT_BLK_WRITE && q->op != MOAT_BLK_FLUSH)
		return MOAT_BLK_UNSUPP;
	if (q->count > MOAT_BLK_SEGMENTS || (q->op == MOAT_BLK_FLUSH) != (q->count == 0))
		return MOAT_BLK_REFUSED;
	for (uint32_t k = 0; k < q->count; k++) {
		const struct moat_blk_segment *s = &q->seg[k];

		if (!s->len || !allowed(r, q->client, s->addr, s->len))
			return MOAT_BLK_REFUSED;
		total += s->len;
	}
	if (total % MOAT_BLK_SECTOR || total > MOAT_BLK_MAX_BYTES)
		return MOAT_BLK_REFUSED;
	return MOAT_BLK_OK;
}
