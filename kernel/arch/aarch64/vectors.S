/*
 * EL2 exception vectors. Every entry saves the full register state into a
 * trap frame on the kernel stack and calls trap_entry(frame, kind); the
 * frame's ELR and SPSR are restored from memory, so C may change them.
 */
#include "asm.h"

.macro ventry kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X(0)]
	mov	x0, #\kind
	b	trap_common
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
	ventry	8	/* lower EL, AArch64: sync */
	ventry	9
	ventry	10
	ventry	11
	ventry	12	/* lower EL, AArch32 */
	ventry	13
	ventry	14
	ventry	15

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

/*
 * void trap_return(struct trap_frame *frame): leaves the kernel through
 * `frame` (first entry to user space), starting from the top of the boot
 * stack so that every later entry from EL0 finds the same stack.
 */
	.global	trap_return
trap_return:
	ldr	x1, =__boot_stack_top
	sub	x1, x1, #FRAME_SIZE
	mov	sp, x1
	add	x2, x1, #FRAME_SIZE
1:	ldp	x3, x4, [x0], #16
	stp	x3, x4, [x1], #16
	cmp	x1, x2
	b.lo	1b

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
