/*
 * EL2 exception vectors. Entries from EL0 save the user registers straight
 * into the current thread's context (the TCB starts with it) and call
 * user_entry(kind), which returns the context to resume: no copies. The
 * kernel stack is empty whenever user code runs, so each entry starts at
 * its top. Entries from EL2 itself (interrupts while idle, and anything
 * unexpected) save a full trap frame on the stack and call trap_entry.
 */
#include "asm.h"

.macro ventry kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X(0)]
	mov	x0, #\kind
	b	trap_common
.endm

/* From EL0: x0/x1 go via the (empty) kernel stack while x0 finds the context. */
.macro uentry kind
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #CPU_CURRENT]
	stp	x2, x3, [x0, #CTX_X(2)]
	mov	x2, #\kind
	b	user_save
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global	exception_vectors
exception_vectors:
	ventry	0	/* current EL, SP_EL0: sync */
	ventry	1	/* irq */
	ventry	2	/* fiq */
	ventry	3	/* serror */
	ventry	4	/* current EL, SP_ELx: sync */
	ventry	5
	ventry	6
	ventry	7
	uentry	8	/* lower EL, AArch64: sync */
	uentry	9	/* irq */
	ventry	10
	ventry	11
	ventry	12	/* lower EL, AArch32 */
	ventry	13
	ventry	14
	ventry	15

user_save:
	stp	x4, x5, [x0, #CTX_X(4)]
	stp	x6, x7, [x0, #CTX_X(6)]
	stp	x8, x9, [x0, #CTX_X(8)]
	stp	x10, x11, [x0, #CTX_X(10)]
	stp	x12, x13, [x0, #CTX_X(12)]
	stp	x14, x15, [x0, #CTX_X(14)]
	stp	x16, x17, [x0, #CTX_X(16)]
	stp	x18, x19, [x0, #CTX_X(18)]
	stp	x20, x21, [x0, #CTX_X(20)]
	stp	x22, x23, [x0, #CTX_X(22)]
	stp	x24, x25, [x0, #CTX_X(24)]
	stp	x26, x27, [x0, #CTX_X(26)]
	stp	x28, x29, [x0, #CTX_X(28)]
	ldp	x4, x5, [sp], #16
	stp	x4, x5, [x0, #CTX_X(0)]
	mrs	x4, sp_el0
	stp	x30, x4, [x0, #CTX_X(30)]
	mrs	x5, elr_el2
	mrs	x6, spsr_el2
	stp	x5, x6, [x0, #CTX_PC]
	mrs	x7, tpidr_el0
	str	x7, [x0, #CTX_TPIDR]
	mov	x0, x2
	mov	x29, xzr
	bl	user_entry
	/* fall through: x0 is the context to resume */

/*
 * void user_restore(struct user_context *ctx): enters EL0 with `ctx`,
 * leaving the kernel stack empty. The SPSR is always EL0t with interrupts
 * unmasked, never what a context says.
 */
	.global	user_restore
user_restore:
	ldr	x1, =__boot_stack_top
	mov	sp, x1
	ldp	x1, x2, [x0, #CTX_SP]
	msr	sp_el0, x1
	msr	elr_el2, x2
	msr	spsr_el2, xzr
	ldr	x3, [x0, #CTX_TPIDR]
	msr	tpidr_el0, x3
	ldp	x2, x3, [x0, #CTX_X(2)]
	ldp	x4, x5, [x0, #CTX_X(4)]
	ldp	x6, x7, [x0, #CTX_X(6)]
	ldp	x8, x9, [x0, #CTX_X(8)]
	ldp	x10, x11, [x0, #CTX_X(10)]
	ldp	x12, x13, [x0, #CTX_X(12)]
	ldp	x14, x15, [x0, #CTX_X(14)]
	ldp	x16, x17, [x0, #CTX_X(16)]
	ldp	x18, x19, [x0, #CTX_X(18)]
	ldp	x20, x21, [x0, #CTX_X(20)]
	ldp	x22, x23, [x0, #CTX_X(22)]
	ldp	x24, x25, [x0, #CTX_X(24)]
	ldp	x26, x27, [x0, #CTX_X(26)]
	ldp	x28, x29, [x0, #CTX_X(28)]
	ldr	x30, [x0, #CTX_X(30)]
	ldp	x0, x1, [x0, #CTX_X(0)]
	eret

trap_common:
	stp	x2, x3, [sp, #FRAME_X(2)]
	stp	x4, x5, [sp, #FRAME_X(4)]
	stp	x6, x7, [sp, #FRAME_X(6)]
	stp	x8, x9, [sp, #FRAME_X(8)]
	stp	x10, x11, [sp, #FRAME_X(10)]
	stp	x12, x13, [sp, #FRAME_X(12)]
	stp	x14, x15, [sp, #FRAME_X(14)]
	stp	x16, x17, [sp, #FRAME_X(16)]
	stp	x18, x19, [sp, #FRAME_X(18)]
	stp	x20, x21, [sp, #FRAME_X(20)]
	stp	x22, x23, [sp, #FRAME_X(22)]
	stp	x24, x25, [sp, #FRAME_X(24)]
	stp	x26, x27, [sp, #FRAME_X(26)]
	stp	x28, x29, [sp, #FRAME_X(28)]
	mrs	x2, sp_el0
	stp	x30, x2, [sp, #FRAME_X(30)]
	add	x3, sp, #FRAME_SIZE
	mrs	x4, elr_el2
	stp	x3, x4, [sp, #FRAME_SP]
	mrs	x5, spsr_el2
	mrs	x6, esr_el2
	stp	x5, x6, [sp, #FRAME_SPSR]
	mrs	x7, far_el2
	str	x7, [sp, #FRAME_FAR]

	mov	x1, x0
	mov	x0, sp
	mov	x29, xzr
	bl	trap_entry
	b	trap_restore

trap_restore:
	ldp	x4, x5, [sp, #FRAME_ELR]
	msr	elr_el2, x4
	msr	spsr_el2, x5
	ldr	x2, [sp, #FRAME_SP_EL0]
	msr	sp_el0, x2
	ldp	x0, x1, [sp, #FRAME_X(0)]
	ldp	x2, x3, [sp, #FRAME_X(2)]
	ldp	x4, x5, [sp, #FRAME_X(4)]
	ldp	x6, x7, [sp, #FRAME_X(6)]
	ldp	x8, x9, [sp, #FRAME_X(8)]
	ldp	x10, x11, [sp, #FRAME_X(10)]
	ldp	x12, x13, [sp, #FRAME_X(12)]
	ldp	x14, x15, [sp, #FRAME_X(14)]
	ldp	x16, x17, [sp, #FRAME_X(16)]
	ldp	x18, x19, [sp, #FRAME_X(18)]
	ldp	x20, x21, [sp, #FRAME_X(20)]
	ldp	x22, x23, [sp, #FRAME_X(22)]
	ldp	x24, x25, [sp, #FRAME_X(24)]
	ldp	x26, x27, [sp, #FRAME_X(26)]
	ldp	x28, x29, [sp, #FRAME_X(28)]
	ldr	x30, [sp, #FRAME_X(30)]
	add	sp, sp, #FRAME_SIZE
	eret
