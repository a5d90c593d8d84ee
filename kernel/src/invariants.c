/* The debug invariant checker; see invariants.h. */
#include "invariants.h"

#include "panic.h"
#include "phys.h"
#include "sched_context.h"
#include "thread.h"

#define MAX_CNODE_DEPTH 4
#define MAX_CHILDREN 100000

static const struct cap *root;
static uint64_t runs;

void invariants_set_root(const struct cap *root_cnode)
{
	root = root_cnode;
}

/* Physical base of the object a capability names. */
static uint64_t object_pa(const struct cap *c)
{
	if (c->type == CAP_UNTYPED || c->type == CAP_FRAME)
		return c->obj;
	return kva_to_phys(cap_ptr(c)).bits;
}

static void check_links(const struct cte *s)
{
	unsigned n = 0;

	if (s->next)
		CHECK(s->next->prev == s && s->next->parent == s->parent);
	if (s->prev)
		CHECK(s->prev->next == s);
	else if (s->parent)
		CHECK(s->parent->first_child == s);
	for (const struct cte *c = s->first_child; c; c = c->next) {
		CHECK(c->parent == s && !cap_is_null(&c->cap));
		CHECK(++n < MAX_CHILDREN);
	}
}

static void check_untyped(const struct cte *s)
{
	uint64_t base = s->cap.obj, size = 1ull << s->cap.bits, used = 0;
	const struct cte *prev = NULL;

	CHECK(s->cap.data <= size);
	for (const struct cte *c = s->first_child; c; prev = c, c = c->next) {
		uint64_t pa = object_pa(&c->cap), len = cap_object_size(&c->cap);

		CHECK(pa >= base && pa + len <= base + s->cap.data);
		/* Copies spliced in when an object's first capability went are adjacent. */
		if (!prev || !cap_same_object(&prev->cap, &c->cap))
			used += len;
	}
	CHECK(used <= s->cap.data);
}

static void check_cnode(const struct cap *cnode, unsigned depth)
{
	struct cte *slots = cap_ptr(cnode);

	for (uint64_t i = 0; i < (1ull << cnode->bits); i++) {
		const struct cte *s = &slots[i];

		if (cap_is_null(&s->cap)) {
			CHECK(!s->parent && !s->first_child && !s->next && !s->prev);
			continue;
		}
		check_links(s);
		if (s->cap.type == CAP_UNTYPED)
			check_untyped(s);
		if (s->cap.type == CAP_CNODE && s->cap.obj != cnode->obj && depth < MAX_CNODE_DEPTH)
			check_cnode(&s->cap, depth + 1);
	}
}

uint64_t invariants_check(void)
{
	if (root)
		check_cnode(root, 1);
	thread_check();
	sched_context_check();
	return ++runs;
}
