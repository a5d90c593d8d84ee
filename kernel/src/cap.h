/*
 * Capabilities and capability slots (CTEs).
 *
 * A capability names one kernel object and carries rights plus a few
 * type-specific fields. A slot holds one capability and its place in the
 * derivation tree (cdt.h). Slots live only inside CNode objects (and the
 * few the kernel keeps itself), never anywhere user space can write.
 */
#ifndef MOAT_CAP_H
#define MOAT_CAP_H

#include <moat/object.h>
#include <moat/types.h>

#include "types.h"

enum cap_type {
	CAP_NULL = MOAT_OBJ_NULL,
	CAP_UNTYPED = MOAT_OBJ_UNTYPED,
	CAP_CNODE = MOAT_OBJ_CNODE,
	CAP_TCB = MOAT_OBJ_TCB,
	CAP_ENDPOINT = MOAT_OBJ_ENDPOINT,
	CAP_NOTIFICATION = MOAT_OBJ_NOTIFICATION,
	CAP_REPLY = MOAT_OBJ_REPLY,
	CAP_SCHED_CONTEXT = MOAT_OBJ_SCHED_CONTEXT,
	CAP_FRAME = MOAT_OBJ_FRAME_4K, /* both sizes; `bits` says which */
	CAP_PAGE_TABLE = MOAT_OBJ_PAGE_TABLE,
	CAP_VSPACE = MOAT_OBJ_VSPACE,
	CAP_VCPU = MOAT_OBJ_VCPU,
	CAP_GUEST_SPACE = MOAT_OBJ_GUEST_SPACE,
	CAP_IRQ_CONTROL = MOAT_CAP_IRQ_CONTROL,
	CAP_IRQ_HANDLER = MOAT_CAP_IRQ_HANDLER,
	CAP_SCHED_CONTROL = MOAT_CAP_SCHED_CONTROL,
	CAP_ASID_CONTROL = MOAT_CAP_ASID_CONTROL,
	CAP_KLOG = MOAT_CAP_KLOG,
	/* A CNode being emptied after its last capability was deleted. */
	CAP_ZOMBIE = 63,
};

/*
 * Field use by type:
 *   UNTYPED   obj: physical base, bits: size, data: watermark (bytes used),
 *             flags: CAP_FLAG_DEVICE
 *   CNODE     obj: slots, bits: radix, flags: guard bits, data: guard
 *   ENDPOINT, NOTIFICATION   obj: object, data: badge
 *   FRAME     obj: physical base, bits: 12 or 21, data: mapped vaddr,
 *             extra: mapped ASID (0 when unmapped), flags: CAP_FLAG_DEVICE,
 *             data2: the VSpace it is mapped in (valid while the ASID is)
 *   PAGE_TABLE obj: table, data: mapped vaddr, extra: ASID, data2: VSpace
 *   VSPACE    obj: root table, extra: ASID (0: none yet)
 *   GUEST_SPACE obj: stage-2 root table, extra: its ID, which is the VMID
 *   VCPU      obj: struct vcpu
 *   IRQ_HANDLER extra: interrupt number
 *   ZOMBIE    obj: the CNode's slots, bits: radix, data: next slot to clear
 *   others    obj: object
 */
struct cap {
	uint8_t type;
	uint8_t rights;
	uint8_t bits;
	uint8_t flags;
	uint32_t extra;
	uint64_t obj;
	uint64_t data;
	uint64_t data2;
};

#define CAP_FLAG_DEVICE 1

struct cte {
	struct cap cap;
	struct cte *parent;
	struct cte *first_child;
	struct cte *next; /* siblings */
	struct cte *prev;
};

_Static_assert(sizeof(struct cte) <= (1u << MOAT_SLOT_SIZE_BITS), "slot size");

static inline struct cap cap_null(void)
{
	return (struct cap){ .type = CAP_NULL };
}

static inline bool cap_is_null(const struct cap *c)
{
	return c->type == CAP_NULL;
}

/* Kernel pointer to the object of a capability whose obj is a pointer. */
static inline void *cap_ptr(const struct cap *c)
{
	return (void *)(uintptr_t)c->obj;
}

/* Size of the object a capability names, in bytes. */
uint64_t cap_object_size(const struct cap *c);

/* Whether two capabilities name the same object. */
bool cap_same_object(const struct cap *a, const struct cap *b);

/*
 * The capability a copy of `src` gets (frames start unmapped). False for
 * capabilities that can only be moved: untyped (two watermarks would hand
 * out the same memory twice) and the control capabilities.
 */
bool cap_derive(const struct cap *src, struct cap *out);

/* Whether deleting this capability would leave its object unreachable. */
bool cap_is_final(const struct cte *slot);

/*
 * Empties `slot`. If it held the last capability to its object, the object
 * is finalised (threads released, mappings removed, CNodes emptied).
 */
void cap_delete(struct cte *slot);

/* Deletes every capability derived from the one in `slot`. */
void cap_revoke(struct cte *slot);

#endif
