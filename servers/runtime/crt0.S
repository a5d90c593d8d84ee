/* Program entry: the kernel starts a thread here with its stack set up. */
	.section .text.start, "ax"
	.global	_start
_start:
	mov	x29, xzr
	mov	x30, xzr
	bl	moat_runtime_start
1:	b	1b
