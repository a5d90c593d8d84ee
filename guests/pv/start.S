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

/* vCPU 1 from PSCI CPU_ON, x0 its context: a stack of its own, then CPU_OFF. */
	.global	pv_secondary_entry
pv_secondary_entry:
	ldr	x1, =__stack2_top
	mov	sp, x1
	ldr	x1, =pv_vectors
	msr	vbar_el1, x1
	isb
	bl	pv_secondary
	movz	x0, #0x0002
	movk	x0, #0x8400, lsl #16	/* PSCI CPU_OFF */
	hvc	#0
1:	wfi
	b	1b

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

/*
 * FP/SIMD registers for the FP mode (pv.c): pv_fp_fill(x0) sets V<i> to
 * (x0 + i, ~(x0 + i)) and FPCR's rounding mode to x0 & 3; pv_fp_check(x0)
 * returns how many of those 33 values are not what pv_fp_fill(x0) left.
 */
	.text
	.arch	armv8.1-a+fp+simd
	.global	pv_fp_fill
pv_fp_fill:
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	add	x1, x0, #\i
	mvn	x2, x1
	fmov	d\i, x1
	mov	v\i\().d[1], x2
	.endr
	and	x1, x0, #3
	lsl	x1, x1, #22
	msr	fpcr, x1
	ret

	.global	pv_fp_check
pv_fp_check:
	mov	x3, #0
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	add	x1, x0, #\i
	mov	x2, v\i\().d[0]
	cmp	x1, x2
	cinc	x3, x3, ne
	mvn	x1, x1
	mov	x2, v\i\().d[1]
	cmp	x1, x2
	cinc	x3, x3, ne
	.endr
	and	x1, x0, #3
	lsl	x1, x1, #22
	mrs	x2, fpcr
	cmp	x1, x2
	cinc	x3, x3, ne
	mov	x0, x3
	ret

/*
 * One sample of the switch benchmark (pv.c): the cycle counter (which
 * counts instructions under -icount) across a yield hypercall to the other
 * guest and, if x0 is not 0, one FP instruction after it.
 */
	.global	pv_switch_sample
pv_switch_sample:
	movz	x1, #0x0002
	movk	x1, #0xc600, lsl #16	/* MOAT_HVC_YIELD */
	mov	x5, x0
	isb
	mrs	x6, pmccntr_el0
	mov	x0, x1
	hvc	#0
	cbz	x5, 1f
	fmov	x3, d0
1:	isb
	mrs	x7, pmccntr_el0
	sub	x0, x7, x6
	ret
