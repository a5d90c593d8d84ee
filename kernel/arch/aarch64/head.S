/*
 * Entry point and arm64 Image header. The boot loader (QEMU -kernel, or
 * U-Boot booti) enters at the first byte with the MMU off, at EL2, x0 =
 * device tree (unused: the kernel never parses one).
 *
 * Before any C runs we turn on VHE (E2H), build a two-page boot map that
 * the lower half (identity) and upper half (linear map) share, switch the
 * MMU on, and jump to the linked, upper-half address.
 */
#include "asm.h"

	.section .text.head, "ax"
	.global _head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset: load 512 KiB into RAM */
	.quad	__image_size		/* image_size, including bss */
	.quad	0x2			/* flags: little endian, 4 KiB pages */
	.quad	0, 0, 0			/* reserved */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* no PE/COFF header */

primary_entry:
	msr	daifset, #0xf
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	not_el2

	ldr	x9, =(HCR_E2H | HCR_TGE)
	msr	hcr_el2, x9
	msr	cptr_el2, xzr		/* FP/SIMD traps: the kernel uses none */
	isb

	/* Boot tables (physical addresses; the MMU is off). */
	adrp	x1, boot_l0
	adrp	x2, boot_l1
	mov	x3, x1
	add	x4, x1, #(2 * 4096)
1:	stp	xzr, xzr, [x3], #16
	cmp	x3, x4
	b.lo	1b
	orr	x3, x2, #3		/* L0[0] -> L1 table */
	str	x3, [x1]
	ldr	x3, =BOOT_BLOCK_DEVICE	/* L1[0]: 0-1 GiB, devices */
	str	x3, [x2]
	ldr	x3, =(0x40000000 | BOOT_BLOCK_NORMAL)	/* L1[1]: first GiB of RAM */
	str	x3, [x2, #8]

	ldr	x3, =PT_MAIR_ASM
	msr	mair_el2, x3
	ldr	x3, =TCR_VALUE
	msr	tcr_el2, x3
	msr	ttbr0_el2, x1
	msr	ttbr1_el2, x1
	dsb	ish
	tlbi	alle2
	ic	iallu
	dsb	ish
	isb
	ldr	x3, =SCTLR_VALUE
	msr	sctlr_el2, x3
	isb

	ldr	x9, =high_entry
	br	x9

high_entry:
	msr	spsel, #1
	ldr	x9, =__boot_stack_top
	mov	sp, x9
	ldr	x9, =__bss_start
	ldr	x10, =__bss_end
2:	cmp	x9, x10
	b.hs	3f
	stp	xzr, xzr, [x9], #16
	b	2b
3:	ldr	x9, =exception_vectors
	msr	vbar_el2, x9
	isb
	mov	x29, xzr
	mov	x30, xzr
	bl	kernel_main
4:	wfi
	b	4b

/* Not at EL2: say so on the UART (physical address, MMU off) and stop. */
not_el2:
	adr	x1, not_el2_msg
	mov	x2, #0x09000000
5:	ldrb	w3, [x1], #1
	cbz	w3, 6f
	strb	w3, [x2]
	b	5b
6:	wfe
	b	6b
not_el2_msg:
	.asciz	"moat: entered below EL2; needs -machine virt,virtualization=on\r\n"
	.balign	4

/*
 * void arch_mmu_load_ttbr1(uint64_t root_pa)
 * Installs new upper-half tables. It runs from the identity map while the
 * switch happens, so no instruction is fetched through a half-updated map.
 */
	.global arch_mmu_load_ttbr1
arch_mmu_load_ttbr1:
	adr	x1, 7f
	ldr	x2, =KERNEL_PHYS_OFFSET_ASM
	sub	x1, x1, x2
	br	x1
7:	dsb	ishst
	msr	ttbr1_el2, x0
	isb
	tlbi	alle2
	dsb	ish
	isb
	ret

	.section .boot_pt, "aw", %nobits
	.balign	4096
boot_l0:
	.space	4096
boot_l1:
	.space	4096
