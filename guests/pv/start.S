/*
 * The PV guest's entry at EL1 (MMU off): a stack, the bss cleared, its
 * exception vectors, then pv_main(x0 = the mode its VMM passes). When
 * main returns, PSCI SYSTEM_OFF.
 */
	.section .text.start, "ax"
	.global	_start
_start:
	mov	x19, x0
	ldr	x0, =__stack_top
	mov	sp, x0
	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	ldr	x0, =pv_vectors
	msr	vbar_el1, x0
	isb
	mov	x0, x19
	bl	pv_main
	movz	x0, #0x0008
	movk	x0, #0x8400, lsl #16	/* PSCI SYSTEM_OFF */
	hvc	#0
3:	wfi
	b	3b

/*
 * Exceptions taken at EL1 (an abort its VMM injected, for one): counted,
 * and the faulting instruction skipped. Interrupts are not used here.
 */
	.section .vectors, "ax"
	.balign	2048
pv_vectors:
	.skip	0x200
	/* current EL with SP_ELx, synchronous */
	stp	x0, x1, [sp, #-16]!
	ldr	x0, =pv_exceptions
	ldr	x1, [x0]
	add	x1, x1, #1
	str	x1, [x0]
	mrs	x0, elr_el1
	add	x0, x0, #4
	msr	elr_el1, x0
	ldp	x0, x1, [sp], #16
	eret
