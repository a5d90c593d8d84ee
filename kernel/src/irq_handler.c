/* IRQControl and IRQHandler; see irq_handler.h. */
#include "irq_handler.h"

#include "arch/irq.h"
#include "cdt.h"
#include "cnode.h"
#include "cspace.h"
#include "kprintf.h"

struct irq_line {
	struct notification *ntfn; /* signalled when it fires, or NULL */
	uint64_t badge;
	bool issued;               /* a handler capability exists */
	bool pending_ack;          /* fired and masked; the driver has not acked */
};

static struct irq_line lines[IRQ_MAX];

struct kerror irq_control_decode(const struct invocation *inv, struct irq_args *a)
{
	struct lookup_result r;
	unsigned limit = arch_irq_lines() < IRQ_MAX ? arch_irq_lines() : IRQ_MAX;
	struct kerror e;

	if (inv->label != MOAT_IRQ_CONTROL_GET)
		return kerror(MOAT_ILLEGAL_OPERATION, "not an IRQControl invocation", 0, 0, 0);
	if (inv->length < 4)
		return kerror(MOAT_TRUNCATED_MESSAGE, "Get takes irq, cnode, index, depth", 4, 0, 0);
	if (inv->mr[0] < IRQ_FIRST_SPI || inv->mr[0] >= limit)
		return KERR_RANGE("not a device interrupt", 0, IRQ_FIRST_SPI, limit - 1);
	a->irq = (unsigned)inv->mr[0];
	if (lines[a->irq].issued)
		return kerror(MOAT_REVOKE_FIRST, "interrupt already has a handler", 0, 0, 0);
	r = cspace_lookup_cap(inv->cspace, inv->mr[1]);
	if (r.fault != LOOKUP_OK || r.slot->cap.type != CAP_CNODE)
		return kerror(MOAT_FAILED_LOOKUP, "destination is not a CNode", 1, r.bits_left, 0);
	e = cnode_lookup(&r.slot->cap, inv->mr[2], inv->mr[3], 2, &a->dest);
	if (e.code != MOAT_OK)
		return e;
	if (!cap_is_null(&a->dest->cap))
		return kerror(MOAT_DELETE_FIRST, "destination slot is occupied", 2, 0, 0);
	a->label = inv->label;
	a->control = inv->slot;
	return kerror_ok();
}

struct kerror irq_handler_decode(const struct invocation *inv, struct irq_args *a)
{
	const struct cap *c;

	a->label = inv->label;
	a->irq = inv->slot->cap.extra;
	switch (inv->label) {
	case MOAT_IRQ_HANDLER_SET_NOTIFICATION:
		if (inv->extra_count < 1 || inv->extra[0]->cap.type != CAP_NOTIFICATION)
			return kerror(MOAT_INVALID_CAPABILITY, "not a notification", 0, 0, 0);
		c = &inv->extra[0]->cap;
		if (!(c->rights & MOAT_RIGHT_WRITE))
			return kerror(MOAT_ILLEGAL_OPERATION, "notification needs the write right", 0,
				      0, 0);
		a->ntfn = cap_ptr(c);
		a->badge = c->data;
		return kerror_ok();
	case MOAT_IRQ_HANDLER_ACK:
	case MOAT_IRQ_HANDLER_CLEAR:
		return kerror_ok();
	default:
		return kerror(MOAT_ILLEGAL_OPERATION, "not an IRQHandler invocation", 0, 0, 0);
	}
}

void irq_invoke(const struct irq_args *a)
{
	struct irq_line *l = &lines[a->irq];

	switch (a->label) {
	case MOAT_IRQ_CONTROL_GET:
		a->dest->cap = (struct cap){ .type = CAP_IRQ_HANDLER, .rights = MOAT_RIGHTS_ALL,
					     .extra = a->irq };
		cdt_insert(a->control, a->dest);
		*l = (struct irq_line){ .issued = true };
		break;
	case MOAT_IRQ_HANDLER_SET_NOTIFICATION:
		l->ntfn = a->ntfn;
		l->badge = a->badge;
		if (!l->pending_ack)
			arch_irq_enable(a->irq);
		break;
	case MOAT_IRQ_HANDLER_ACK:
		l->pending_ack = false;
		if (l->ntfn)
			arch_irq_enable(a->irq);
		break;
	default: /* clear */
		l->ntfn = NULL;
		arch_irq_disable(a->irq);
		break;
	}
}

void irq_user_interrupt(unsigned irq)
{
	struct irq_line *l = irq < IRQ_MAX ? &lines[irq] : NULL;

	/* Masked until acknowledged: the driver must quiet the device first. */
	arch_irq_disable(irq);
	if (!l || !l->ntfn) {
		kprintf("moat: interrupt %u has no handler, masked\n", irq);
		return;
	}
	l->pending_ack = true;
	notification_signal(l->ntfn, l->badge);
}

void irq_handler_finalise(unsigned irq)
{
	if (irq >= IRQ_MAX)
		return;
	arch_irq_disable(irq);
	lines[irq] = (struct irq_line){ 0 };
}

void irq_forget_notification(const struct notification *n)
{
	for (unsigned i = IRQ_FIRST_SPI; i < IRQ_MAX; i++) {
		if (lines[i].ntfn == n) {
			lines[i].ntfn = NULL;
			arch_irq_disable(i);
		}
	}
}
