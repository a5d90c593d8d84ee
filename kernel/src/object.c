/*
 * Per-type facts used by the generic capability code. New object types add
 * a case here and keep their own logic in their own file.
 */
#include "object.h"

#include "arch/vspace.h"
#include "endpoint.h"
#include "frame.h"
#include "irq_handler.h"
#include "klog.h"
#include "notification.h"
#include "phys.h"
#include "sched_context.h"
#include "tcb_invoke.h"
#include "vcpu.h"

uint64_t object_size(enum moat_object_type type, unsigned size_bits)
{
	switch (type) {
	case MOAT_OBJ_UNTYPED:
		return 1ul << size_bits;
	case MOAT_OBJ_CNODE:
		return 1ul << (size_bits + MOAT_SLOT_SIZE_BITS);
	case MOAT_OBJ_TCB:
		return 1ul << MOAT_TCB_SIZE_BITS;
	case MOAT_OBJ_ENDPOINT:
		return 1ul << MOAT_ENDPOINT_SIZE_BITS;
	case MOAT_OBJ_NOTIFICATION:
		return 1ul << MOAT_NOTIFICATION_SIZE_BITS;
	case MOAT_OBJ_REPLY:
		return 1ul << MOAT_REPLY_SIZE_BITS;
	case MOAT_OBJ_SCHED_CONTEXT:
		return 1ul << MOAT_SCHED_CONTEXT_SIZE_BITS;
	case MOAT_OBJ_FRAME_4K:
		return 1ul << MOAT_FRAME_4K_SIZE_BITS;
	case MOAT_OBJ_FRAME_2M:
		return 1ul << MOAT_FRAME_2M_SIZE_BITS;
	case MOAT_OBJ_PAGE_TABLE:
		return 1ul << MOAT_PAGE_TABLE_SIZE_BITS;
	case MOAT_OBJ_VSPACE:
		return 1ul << MOAT_VSPACE_SIZE_BITS;
	case MOAT_OBJ_VCPU:
		return 1ul << MOAT_VCPU_SIZE_BITS;
	case MOAT_OBJ_GUEST_SPACE:
		return 1ul << MOAT_GUEST_SPACE_SIZE_BITS;
	default:
		return 0;
	}
}

struct cap object_create(enum moat_object_type type, unsigned size_bits, paddr_t pa,
			 bool device)
{
	struct cap c = { .type = (uint8_t)type, .rights = MOAT_RIGHTS_ALL };

	switch (type) {
	case MOAT_OBJ_UNTYPED:
		c.obj = pa.bits;
		c.bits = (uint8_t)size_bits;
		c.flags = device ? CAP_FLAG_DEVICE : 0;
		break;
	case MOAT_OBJ_FRAME_4K:
	case MOAT_OBJ_FRAME_2M:
		c.type = CAP_FRAME;
		c.obj = pa.bits;
		c.bits = type == MOAT_OBJ_FRAME_4K ? MOAT_FRAME_4K_SIZE_BITS
						   : MOAT_FRAME_2M_SIZE_BITS;
		c.flags = device ? CAP_FLAG_DEVICE : 0;
		break;
	case MOAT_OBJ_CNODE:
		c.obj = (uint64_t)(uintptr_t)phys_to_kva(pa);
		c.bits = (uint8_t)size_bits;
		break;
	case MOAT_OBJ_VSPACE:
		c.obj = (uint64_t)(uintptr_t)phys_to_kva(pa);
		c.extra = asid_alloc(cap_ptr(&c)); /* untyped decode checked one is free */
		break;
	case MOAT_OBJ_GUEST_SPACE:
		c.obj = (uint64_t)(uintptr_t)phys_to_kva(pa);
		c.extra = asid_alloc_guest(cap_ptr(&c)); /* as for VSpace */
		break;
	default:
		c.obj = (uint64_t)(uintptr_t)phys_to_kva(pa);
		break;
	}
	return c;
}

void object_cap_deleted(const struct cap *c)
{
	/* Mappings belong to the capability that made them. */
	if (c->type == CAP_FRAME || c->type == CAP_PAGE_TABLE) {
		struct cap copy = *c;

		frame_cap_unmap(&copy);
	}
}

void object_finalise(const struct cap *c)
{
	switch (c->type) {
	case CAP_ENDPOINT:
		endpoint_finalise(cap_ptr(c));
		break;
	case CAP_NOTIFICATION:
		irq_forget_notification(cap_ptr(c));
		klog_forget_notification(cap_ptr(c));
		notification_finalise(cap_ptr(c));
		break;
	case CAP_REPLY:
		reply_finalise(cap_ptr(c));
		break;
	case CAP_TCB:
		tcb_finalise(cap_ptr(c));
		break;
	case CAP_IRQ_HANDLER:
		irq_handler_finalise(c->extra);
		break;
	case CAP_SCHED_CONTEXT:
		sched_context_finalise(cap_ptr(c));
		break;
	case CAP_VSPACE:
	case CAP_GUEST_SPACE:
		asid_free((uint16_t)c->extra);
		break;
	case CAP_VCPU:
		vcpu_finalise(cap_ptr(c));
		break;
	default:
		/* Untyped, frames and CNodes (emptied by cap_delete): nothing more. */
		break;
	}
}
