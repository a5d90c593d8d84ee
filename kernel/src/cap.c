/*
 * Deleting and revoking capabilities, and deciding when an object has lost
 * its last capability (and is finalised).
 *
 * Emptying a CNode whose last capability is deleted may meet further
 * CNodes, to any depth, and cycles (a CNode holding a capability to
 * itself). Instead of recursing, such a CNode's slot becomes a zombie on an
 * explicit stack; the outermost delete drains the stack, always working on
 * the newest zombie first, and skips the zombie's own slot.
 */
#include "cap.h"

#include "cdt.h"
#include "object.h"

uint64_t cap_object_size(const struct cap *c)
{
	switch (c->type) {
	case CAP_UNTYPED:
	case CAP_FRAME:
		return 1ul << c->bits;
	case CAP_CNODE:
		return 1ul << (c->bits + MOAT_SLOT_SIZE_BITS);
	default:
		return object_size((enum moat_object_type)c->type, 0);
	}
}

bool cap_same_object(const struct cap *a, const struct cap *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case CAP_NULL:
		return false;
	case CAP_IRQ_HANDLER:
		return a->extra == b->extra;
	case CAP_IRQ_CONTROL:
	case CAP_SCHED_CONTROL:
	case CAP_ASID_CONTROL:
	case CAP_KLOG:
		return true;
	default:
		return a->obj == b->obj && a->bits == b->bits;
	}
}

bool cap_is_final(const struct cte *slot)
{
	const struct cap *c = &slot->cap;

	if (c->type == CAP_UNTYPED)
		return !slot->first_child;
	if (slot->first_child)
		return false; /* a copy of this capability exists */
	if (slot->parent && cap_same_object(&slot->parent->cap, c))
		return false;
	return !(slot->prev && cap_same_object(&slot->prev->cap, c)) &&
	       !(slot->next && cap_same_object(&slot->next->cap, c));
}

bool cap_derive(const struct cap *src, struct cap *out)
{
	switch (src->type) {
	case CAP_NULL:
	case CAP_UNTYPED:
	case CAP_ZOMBIE:
	case CAP_IRQ_CONTROL:
	case CAP_ASID_CONTROL:
	case CAP_SCHED_CONTROL:
	case CAP_KLOG:
		return false;
	default:
		*out = *src;
		if (src->type == CAP_FRAME || src->type == CAP_PAGE_TABLE) {
			out->data = 0; /* a copy starts unmapped */
			out->data2 = 0;
			out->extra = 0;
		}
		return true;
	}
}

static struct cte *zombies;
static bool draining;

static void delete_one(struct cte *slot)
{
	struct cap c = slot->cap;
	bool final;

	if (c.type == CAP_NULL || c.type == CAP_ZOMBIE)
		return;
	final = cap_is_final(slot);
	cdt_remove(slot);
	object_cap_deleted(&c);
	if (final && c.type == CAP_CNODE) {
		slot->cap = (struct cap){ .type = CAP_ZOMBIE, .bits = c.bits, .obj = c.obj };
		slot->next = zombies;
		zombies = slot;
		return;
	}
	slot->cap = cap_null();
	if (final)
		object_finalise(&c);
}

/* Empties the newest zombie's CNode; returns when a newer zombie appears or it is done. */
static void drain_one(struct cte *z)
{
	struct cte *slots = (struct cte *)(uintptr_t)z->cap.obj;
	uint64_t n = 1ul << z->cap.bits;

	for (; z->cap.data < n; z->cap.data++) {
		struct cte *s = &slots[z->cap.data];

		if (s == z)
			continue;
		delete_one(s);
		if (zombies != z)
			return;
	}
	zombies = z->next;
	z->next = NULL;
	z->cap = cap_null();
}

void cap_delete(struct cte *slot)
{
	delete_one(slot);
	if (draining)
		return; /* an outer delete is draining the zombie stack */
	draining = true;
	while (zombies)
		drain_one(zombies);
	draining = false;
}

void cap_revoke(struct cte *slot)
{
	struct cte *leaf;

	while ((leaf = cdt_leaf_descendant(slot)))
		cap_delete(leaf);
	if (slot->cap.type == CAP_UNTYPED)
		slot->cap.data = 0; /* all of its memory is free again */
}
