/* Capability derivation tree; see cdt.h. */
#include "cdt.h"

void cdt_insert(struct cte *parent, struct cte *child)
{
	struct cte *last = parent->first_child;

	child->parent = parent;
	child->first_child = NULL;
	child->next = NULL;
	if (!last) {
		child->prev = NULL;
		parent->first_child = child;
		return;
	}
	while (last->next)
		last = last->next;
	last->next = child;
	child->prev = last;
}

/* Replaces `old` by the (possibly empty) list first..last in old's siblings. */
static void splice(struct cte *old, struct cte *first, struct cte *last)
{
	struct cte *before = old->prev, *after = old->next;

	if (!first) {
		first = after;
		last = before;
	} else {
		first->prev = before;
		last->next = after;
	}
	if (before)
		before->next = first;
	else if (old->parent)
		old->parent->first_child = first;
	if (after)
		after->prev = last;
}

void cdt_remove(struct cte *slot)
{
	struct cte *first = slot->first_child, *last = first;

	for (struct cte *c = first; c; c = c->next) {
		c->parent = slot->parent;
		last = c;
	}
	splice(slot, first, last);
	slot->parent = slot->first_child = slot->next = slot->prev = NULL;
}

void cdt_move(struct cte *from, struct cte *to)
{
	*to = *from;
	if (to->prev)
		to->prev->next = to;
	else if (to->parent)
		to->parent->first_child = to;
	if (to->next)
		to->next->prev = to;
	for (struct cte *c = to->first_child; c; c = c->next)
		c->parent = to;
	*from = (struct cte){ .cap = cap_null() };
}

struct cte *cdt_leaf_descendant(const struct cte *slot)
{
	struct cte *c = slot->first_child;

	if (!c)
		return NULL;
	while (c->first_child)
		c = c->first_child;
	return c;
}
