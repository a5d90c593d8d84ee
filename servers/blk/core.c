/* The block backend's core; see core.h. */
#include "core.h"

bool blk_core_init(struct blk_core *c, const struct blk_vdisk *disks, unsigned clients,
		   uint64_t disk_sectors)
{
	if (clients > BLK_CLIENTS_MAX)
		return false;
	*c = (struct blk_core){ .clients = clients };
	for (unsigned i = 0; i < clients; i++) {
		const struct blk_vdisk *d = &disks[i];

		if (!d->sectors || d->first > disk_sectors || d->sectors > disk_sectors - d->first)
			return false;
		for (unsigned j = 0; j < i; j++) {
			const struct blk_vdisk *e = &disks[j];

			if (d->first < e->first + e->sectors && e->first < d->first + d->sectors)
				return false;
		}
		c->client[i].disk = *d;
	}
	return true;
}

static enum blk_core_error check(const struct blk_vdisk *d, const struct blk_core_req *r)
{
	switch (r->op) {
	case BLK_CORE_FLUSH:
		return r->sectors || r->sector ? BLK_CORE_E_RANGE : BLK_CORE_OK;
	case BLK_CORE_WRITE:
		if (d->read_only)
			return BLK_CORE_E_READ_ONLY;
		/* fall through */
	case BLK_CORE_READ:
		if (r->sectors > BLK_REQUEST_MAX_SECTORS)
			return BLK_CORE_E_SIZE;
		if (!r->sectors || r->sector > d->sectors || r->sectors > d->sectors - r->sector)
			return BLK_CORE_E_RANGE;
		return BLK_CORE_OK;
	default:
		return BLK_CORE_E_OP;
	}
}

enum blk_core_error blk_core_accept(struct blk_core *c, unsigned i, const struct blk_core_req *r)
{
	struct blk_client *cl;
	enum blk_core_error e;

	if (i >= c->clients)
		return BLK_CORE_E_OP;
	cl = &c->client[i];
	e = cl->count == BLK_CLIENT_QUEUE ? BLK_CORE_E_FULL : check(&cl->disk, r);
	if (e != BLK_CORE_OK) {
		cl->refused++;
		return e;
	}
	cl->queue[(cl->head + cl->count) % BLK_CLIENT_QUEUE] = *r;
	cl->count++;
	return BLK_CORE_OK;
}

/* Whether client i's oldest waiting request may go to the driver now. */
static bool may_send(const struct blk_client *cl)
{
	if (!cl->count || cl->barrier || cl->inflight == BLK_CLIENT_INFLIGHT)
		return false;
	return cl->queue[cl->head].op != BLK_CORE_FLUSH || cl->inflight == 0;
}

bool blk_core_next(struct blk_core *c, unsigned *i, struct blk_core_req *out)
{
	for (unsigned k = 0; k < c->clients; k++) {
		unsigned n = (c->turn + k) % c->clients;
		struct blk_client *cl = &c->client[n];

		if (!may_send(cl))
			continue;
		*out = cl->queue[cl->head];
		cl->head = (cl->head + 1) % BLK_CLIENT_QUEUE;
		cl->count--;
		cl->inflight++;
		if (out->op == BLK_CORE_FLUSH)
			cl->barrier = true;
		else
			out->sector += cl->disk.first;
		c->turn = (n + 1) % c->clients;
		*i = n;
		return true;
	}
	return false;
}

void blk_core_complete(struct blk_core *c, unsigned i, uint32_t op)
{
	struct blk_client *cl;

	if (i >= c->clients || !c->client[i].inflight)
		return; /* the caller's bookkeeping is wrong: nothing to undo */
	cl = &c->client[i];
	cl->inflight--;
	if (op == BLK_CORE_FLUSH)
		cl->barrier = false;
}
