/*
 * The IPC fastpath in assembly: Call and ReplyRecv in their commonest case,
 * done on the caller's registers while they are still live, without the
 * kernel stack or any C. It has exactly the semantics of the C fastpath
 * (kernel/src/fastpath.c) and the general path, for a narrower case:
 *
 *   - a short message (registers only, no capabilities);
 *   - one-level CSpaces (the root CNode's guard and radix cover 64 bits);
 *   - the partner already waiting (a receiver with a reply object for Call;
 *     a caller bound to the reply object, not a fault, and no sender
 *     queued, for ReplyRecv; no bound notification on the server);
 *   - neither thread with a scheduling context, the current one serving
 *     no budgeted caller (whose budget would pay for it), and both of a
 *     priority above every ready thread (so neither has a round-robin peer: the
 *     armed timer deadline stays valid, and the caller's time slice, which
 *     is not charged here, matters to nobody);
 *   - the woken thread's VSpace still there.
 *
 * Anything else branches to fastpath_c (vectors.S), which runs the C
 * fastpaths and then the general path, having changed nothing here.
 *
 * Entry: x19 the calling thread's TCB (its context holds x0-x19, x30, PC
 * and SPSR), x0-x7 still the caller's, SP at the caller's context. Free to
 * use: x8-x18 (x0 and x1 are the caller's too, and saved). Exit: the rest
 * of the caller saved, the partner restored (user_restore).
 */
#include "asm.h"

/*
 * Macro arguments are register numbers (x\n and w\n inside).
 *
 * x19's CSpace has one level (the root CNode's guard and radix cover 64
 * bits, as cspace_lookup_fast wants): x\slots = its slots, x\radix, and
 * x\guard = its guard shifted into place. Else to \fail.
 */
.macro cspace_one_level slots, guard, radix, t1, fail
	ldr	w\t1, [x19, #TCB_CSPACE]	/* type, rights, radix, guard bits */
	and	x\radix, x\t1, #0xff
	cmp	x\radix, #CAP_TYPE_CNODE
	b.ne	\fail
	ubfx	x\radix, x\t1, #16, #8
	add	x\t1, x\radix, x\t1, lsr #24	/* radix + guard bits */
	cmp	x\t1, #64
	b.ne	\fail
	ldp	x\slots, x\guard, [x19, #(TCB_CSPACE + CAP_OBJ)]
	lsl	x\guard, x\guard, x\radix
.endm

/* x\slot = the slot x\cptr names, if its guard matches; else to \fail. */
.macro slot_of cptr, slot, slots, guard, radix, t1, fail
	lsr	x\t1, x\cptr, x\radix
	lsl	x\t1, x\t1, x\radix
	cmp	x\t1, x\guard
	b.ne	\fail
	eor	x\t1, x\cptr, x\guard		/* the guard cleared: the index */
	add	x\slot, x\slots, x\t1, lsl #CTE_SIZE_BITS
.endm

/* The capability at x\slot is of \type; w\t1 = type | rights << 8. Else \fail. */
.macro cap_is slot, type, t1, t2, fail
	ldrh	w\t1, [x\slot]
	and	w\t2, w\t1, #0xff
	cmp	w\t2, #\type
	b.ne	\fail
.endm

/* x1 is a message the fastpath carries: no capabilities, at most 4 registers. */
.macro short_message t1, fail
	tst	x1, #MSGINFO_EXTRA_CAPS_MASK
	b.ne	\fail
	and	x\t1, x1, #MSGINFO_LENGTH_MASK
	cmp	x\t1, #4
	b.hi	\fail
.endm

/*
 * The woken thread x\to may run straight away: no scheduling context for
 * it or the current thread, nor a budgeted caller the current thread
 * serves (whose budget pays for its run: tcb.h), both above every ready
 * thread (so neither has a round-robin peer), and its VSpace is there.
 * x\ttbr gets the TTBR0 value of that VSpace.
 */
.macro can_switch to, ttbr, t1, t2, t3, fail
	ldr	x\t1, [x19, #TCB_SC]
	cbnz	x\t1, \fail
	ldr	x\t1, [x19, #TCB_SERVING]
	cbnz	x\t1, \fail
	ldr	x\t1, [x\to, #TCB_SC]
	cbnz	x\t1, \fail
	ldrb	w\t1, [x\to, #TCB_PRIORITY]
	adrp	x\t2, thread_ready
	add	x\t2, x\t2, :lo12:thread_ready
	ldr	x\t3, [x\t2, #SCHED_TOP]
	cbz	x\t3, 1f			/* nothing ready at all */
	clz	x\t3, x\t3
	mov	x\ttbr, #63
	sub	x\t3, x\ttbr, x\t3		/* the highest non-empty word */
	add	x\t2, x\t2, x\t3, lsl #3
	ldr	x\t2, [x\t2, #SCHED_WORDS]
	clz	x\t2, x\t2
	sub	x\t2, x\ttbr, x\t2
	add	x\t3, x\t2, x\t3, lsl #6	/* the highest ready priority */
	cmp	x\t1, x\t3
	b.le	\fail
	/* A peer of the caller may be ready: C charges the caller's time slice. */
	ldrb	w\t1, [x19, #TCB_PRIORITY]
	cmp	x\t1, x\t3
	b.le	\fail
1:	ldrb	w\t1, [x\to, #TCB_VSPACE]
	cmp	w\t1, #CAP_TYPE_VSPACE
	b.ne	\fail
	ldr	x\ttbr, [x\to, #(TCB_VSPACE + CAP_OBJ)]
	and	x\ttbr, x\ttbr, #0xffffffffffff	/* kernel address to physical */
	ldr	w\t1, [x\to, #(TCB_VSPACE + CAP_EXTRA)]	/* the ASID */
	orr	x\ttbr, x\ttbr, x\t1, lsl #48
.endm

/*
 * The switch to x\to (x19 stays blocked): its run starts now (no
 * scheduling context to charge), x\to is current and runnable, in its
 * address space; then the caller is saved whole and x\to restored. The armed timer deadline
 * is left as it is: it was no later than every kernel event, and x\to adds
 * none. If an event is already due, its interrupt is pending and is taken
 * as soon as x\to runs.
 */
.macro switch_to to, ttbr, t1, t2
	mrs	x\t1, tpidr_el2
	mrs	x\t2, cntpct_el0		/* no isb: a few instructions early is now enough */
	str	x\t2, [x\t1, #CPU_RUN_START]	/* run_start = now (the slice goes on: tcb.h) */
	str	x\to, [x\t1, #CPU_CURRENT]
	mov	w\t2, #THREAD_STATE_RUNNABLE
	str	w\t2, [x\to, #TCB_STATE]
	adrp	x\t1, vspace_active_ttbr
	ldr	x\t2, [x\t1, :lo12:vspace_active_ttbr]
	cmp	x\t2, x\ttbr
	b.eq	2f
	str	x\ttbr, [x\t1, :lo12:vspace_active_ttbr]
	msr	ttbr0_el2, x\ttbr
	isb
2:	mov	x0, x\to
	save_rest x19
	b	user_restore
.endm

	.text
	.global	fastpath_call_asm
/* Call on an endpoint whose first receiver waits with a reply object. */
fastpath_call_asm:
	short_message 8, fastpath_c
	cspace_one_level 9, 10, 11, 12, fastpath_c
	slot_of	0, 9, 9, 10, 11, 12, fastpath_c
	cap_is	9, CAP_TYPE_ENDPOINT, 10, 11, fastpath_c
	tbz	w10, #(8 + RIGHT_WRITE_BIT), fastpath_c
	ldp	x10, x11, [x9, #CAP_OBJ]	/* endpoint, badge */
	ldr	x12, [x10, #EP_RECEIVERS]	/* the receiver */
	cbz	x12, fastpath_c
	ldr	x13, [x12, #TCB_IPC_REPLY]	/* its reply object */
	cbz	x13, fastpath_c
	can_switch 12, 14, 15, 16, 17, fastpath_c

	/* The receiver leaves the endpoint's queue (it is the head). */
	ldr	x15, [x12, #TCB_WAIT_NEXT]
	str	x15, [x10, #EP_RECEIVERS]
	cbz	x15, 3f
	str	xzr, [x15, #TCB_WAIT_PREV]
	b	4f
3:	str	xzr, [x10, #(EP_RECEIVERS + 8)]	/* the tail */
4:	stp	xzr, xzr, [x12, #TCB_WAIT_NEXT]	/* wait_next, wait_prev */
	str	xzr, [x12, #TCB_WAITING_ON]
	/* The message: badge, info without capabilities, MR0-MR3. */
	and	x1, x1, #~MSGINFO_CAPS_MASK
	stp	x11, x1, [x12, #CTX_X(0)]
	stp	x2, x3, [x12, #CTX_X(2)]
	stp	x4, x5, [x12, #CTX_X(4)]
	/* The caller is bound to the reply object and waits on it. */
	stp	x19, xzr, [x13, #REPLY_CALLER]	/* caller, no receiver */
	str	xzr, [x12, #TCB_IPC_REPLY]
	str	x13, [x19, #TCB_IPC_REPLY]
	mov	w15, #THREAD_STATE_BLOCKED_REPLY
	str	w15, [x19, #TCB_STATE]
	switch_to 12, 14, 15, 16

	.global	fastpath_reply_recv_asm
/* ReplyRecv answering a Call, with no sender waiting on the endpoint. */
fastpath_reply_recv_asm:
	short_message 8, fastpath_c
	ldr	x8, [x19, #TCB_BOUND]
	cbnz	x8, fastpath_c
	cspace_one_level 9, 10, 11, 12, fastpath_c
	slot_of	6, 13, 9, 10, 11, 12, fastpath_c
	cap_is	13, CAP_TYPE_REPLY, 14, 15, fastpath_c
	ldr	x13, [x13, #CAP_OBJ]		/* the reply object */
	slot_of	0, 9, 9, 10, 11, 12, fastpath_c
	cap_is	9, CAP_TYPE_ENDPOINT, 10, 11, fastpath_c
	tbz	w10, #(8 + RIGHT_READ_BIT), fastpath_c
	ldr	x10, [x9, #CAP_OBJ]		/* the endpoint */
	ldp	x12, x8, [x13, #REPLY_CALLER]	/* caller, receiver */
	cbz	x12, fastpath_c
	cbnz	x8, fastpath_c
	ldr	x8, [x12, #TCB_FAULT_LABEL]	/* a fault's reply restarts: C */
	cbnz	x8, fastpath_c
	ldr	x8, [x10, #EP_SENDERS]
	cbnz	x8, fastpath_c
	can_switch 12, 14, 15, 16, 17, fastpath_c

	/* The reply: the caller unbound, with badge 0, the info and MR0-MR3. */
	str	xzr, [x13, #REPLY_CALLER]
	str	xzr, [x12, #TCB_IPC_REPLY]
	and	x1, x1, #~MSGINFO_CAPS_MASK
	stp	xzr, x1, [x12, #CTX_X(0)]
	stp	x2, x3, [x12, #CTX_X(2)]
	stp	x4, x5, [x12, #CTX_X(4)]
	/* The Recv half: the server waits on the endpoint with the same reply object. */
	stp	xzr, xzr, [x19, #TCB_IPC_BADGE]	/* badge; is_call, can_grant */
	str	x13, [x19, #TCB_IPC_REPLY]
	str	x19, [x13, #REPLY_RECEIVER]
	mov	w15, #THREAD_STATE_BLOCKED_RECV
	str	w15, [x19, #TCB_STATE]
	ldr	x15, [x10, #(EP_RECEIVERS + 8)]	/* the tail */
	stp	xzr, x15, [x19, #TCB_WAIT_NEXT]	/* wait_next, wait_prev */
	add	x16, x10, #EP_RECEIVERS
	str	x16, [x19, #TCB_WAITING_ON]
	cbz	x15, 5f
	str	x19, [x15, #TCB_WAIT_NEXT]
	b	6f
5:	str	x19, [x10, #EP_RECEIVERS]	/* the head */
6:	str	x19, [x10, #(EP_RECEIVERS + 8)]
	switch_to 12, 14, 15, 16
