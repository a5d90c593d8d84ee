/*
 * EL2 exception vectors.
 *
 * While a native thread runs, SP_EL2 points at its context (struct
 * user_context, at the start of its TCB): user_restore leaves it there. An
 * entry from EL0 therefore saves registers straight into the thread's
 * context, needing no scratch register, and only then moves to the CPU's
 * kernel stack.
 *
 * Every entry from EL0 first saves what C code may clobber: x0-x18 and x30
 * (and x19, which holds the context here), with the PC and SPSR. A system
 * call then goes to fastpath_syscall(), which either completes it without
 * reading or writing the rest of the caller's context and returns the
 * context to resume, or returns NULL. Back in the same thread, only those
 * registers are restored: x20-x29, SP_EL0 and TPIDR_EL0 never left the CPU.
 * Switching threads first saves the rest of the old one. Faults, interrupts
 * and the system calls the fastpaths leave complete the save and go through
 * user_entry(); a full context is restored after it.
 *
 * Entries from EL2 itself (interrupts while idle, and anything unexpected)
 * save a trap frame on the kernel stack and call trap_entry.
 */
#include "asm.h"

.macro ventry kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X(0)]
	mov	x0, #\kind
	b	trap_common
.endm

/*
 * From EL0: x0-x19, x30, PC and SPSR into the context at SP; x19 then
 * holds the context. x16-x18 are the scratch registers here: x0-x7 are
 * still the caller's when a system call reaches fastpath.S.
 */
.macro save_entry
	stp	x0, x1, [sp, #CTX_X(0)]
	stp	x2, x3, [sp, #CTX_X(2)]
	stp	x4, x5, [sp, #CTX_X(4)]
	stp	x6, x7, [sp, #CTX_X(6)]
	stp	x8, x9, [sp, #CTX_X(8)]
	stp	x10, x11, [sp, #CTX_X(10)]
	stp	x12, x13, [sp, #CTX_X(12)]
	stp	x14, x15, [sp, #CTX_X(14)]
	stp	x16, x17, [sp, #CTX_X(16)]
	stp	x18, x19, [sp, #CTX_X(18)]
	str	x30, [sp, #CTX_X(30)]
	mrs	x16, elr_el2
	mrs	x17, spsr_el2
	stp	x16, x17, [sp, #CTX_PC]
	mov	x19, sp
.endm

/*
 * Synchronous from EL0: a system call goes to the assembly fastpath (Call,
 * ReplyRecv) or to the table (fastpath_c); anything else is a fault.
 */
.macro uentry_sync
	.balign	0x80
	save_entry
	mrs	x18, esr_el2
	lsr	x18, x18, #ESR_EC_SHIFT
	cmp	x18, #ESR_EC_SVC64_ASM
	b.ne	el0_not_svc
	cmp	x7, #MOAT_SYS_REPLY_RECV_ASM
	b.hi	fastpath_c
	cmp	x7, #MOAT_SYS_CALL_ASM
	b.eq	fastpath_call_asm
	b.hi	fastpath_reply_recv_asm
	b	fastpath_c
.endm

.macro uentry_irq
	.balign	0x80
	save_entry
	b	el0_irq
.endm

/* SP: this CPU's kernel stack, empty. */
.macro to_kernel_stack
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #CPU_KSTACK]
	mov	sp, x0
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
	uentry_sync		/* lower EL, AArch64: sync */
	uentry_irq		/* irq */
	ventry	10
	ventry	11
	ventry	12	/* lower EL, AArch32 */
	ventry	13
	ventry	14
	ventry	15

/*
 * A system call goes through fastpath_table (x7 is still the caller's
 * number): an entry completes the call and returns the context to resume,
 * or returns NULL for the general path; a NULL entry goes there at once.
 * fastpath.S branches here for what it does not take.
 */
	.global	fastpath_c
fastpath_c:
	to_kernel_stack
	cmp	x7, #(FASTPATH_TABLE_ENTRIES - 1)
	b.hi	el0_other_svc
	adrp	x1, fastpath_table
	add	x1, x1, :lo12:fastpath_table
	ldr	x1, [x1, x7, lsl #3]
	cbz	x1, el0_other_svc
	mov	x0, x19
	blr	x1
	cbz	x0, el0_other_svc
	cmp	x0, x19
	b.ne	el0_switch
	/*
	 * The same thread: restore what was saved on entry. ELR_EL2 and
	 * SPSR_EL2 still hold its PC and flags: the fastpaths never change a
	 * caller's PC, and the kernel's own exceptions (interrupts while it
	 * idles) restore both.
	 */
	mov	sp, x0
	restore_caller_saved sp
	ldp	x0, x1, [sp, #CTX_X(0)]
	eret

/*
 * Not a system call: a guest's hypercall (only a guest can execute hvc), a
 * fault or an exception. The null hypercall is answered here: nothing of
 * the guest's state but the registers saved on entry was touched, so it
 * goes straight back (ELR_EL2, SPSR_EL2, HCR_EL2 and its EL1 registers
 * are still its own). Everything else takes the general path.
 */
el0_not_svc:
	cmp	x18, #ESR_EC_HVC64_ASM
	b.ne	el0_other
	movz	x16, #(MOAT_HVC_NULL_ASM & 0xffff)
	movk	x16, #(MOAT_HVC_NULL_ASM >> 16), lsl #16
	cmp	x0, x16
	b.ne	el0_other
	mov	x0, xzr				/* MOAT_OK */
	ldr	x1, [sp, #CTX_X(1)]
	restore_caller_saved sp
	eret

/*
 * A fastpath chose another thread (x0), or left the choice to the general
 * scheduler (FASTPATH_RESCHEDULE): the old one (x19) is saved whole first.
 */
el0_switch:
	save_rest x19
	cmp	x0, #FASTPATH_RESCHEDULE_ASM
	b.ne	user_restore
	mov	x29, xzr
	b	trap_schedule_enter

/* A fault, or a system call for the general path. */
el0_other:
	to_kernel_stack
el0_other_svc:
	mov	x0, #8
	b	el0_general
el0_irq:
	to_kernel_stack
	mov	x0, #9
el0_general:
	save_rest x19
	mov	x29, xzr
	bl	user_entry
	/* fall through: x0 is the context to resume */

/*
 * void user_restore(struct user_context *ctx): enters EL0 with `ctx`, SP
 * at the context. The SPSR is EL0t with interrupts unmasked and the
 * context's condition flags, never anything else a context says.
 */
	.global	user_restore
user_restore:
	mov	sp, x0
	ldp	x1, x2, [x0, #CTX_SP]
	msr	sp_el0, x1
	msr	tpidr_el0, x2
	ldp	x1, x2, [x0, #CTX_PC]
	and	x2, x2, #CTX_SPSR_MASK
restore_rest:
	msr	elr_el2, x1
	msr	spsr_el2, x2
	restore_caller_saved x0
	ldp	x20, x21, [x0, #CTX_X(20)]
	ldp	x22, x23, [x0, #CTX_X(22)]
	ldp	x24, x25, [x0, #CTX_X(24)]
	ldp	x26, x27, [x0, #CTX_X(26)]
	ldp	x28, x29, [x0, #CTX_X(28)]
	ldp	x0, x1, [x0, #CTX_X(0)]
	eret

/*
 * void guest_restore(struct user_context *ctx): as user_restore, for a vCPU
 * thread: the saved PSTATE is the guest's (EL1h, EL1t or EL0t with its own
 * DAIF), written only by the hardware on exit or checked where set.
 */
	.global	guest_restore
guest_restore:
	mov	sp, x0
	ldp	x1, x2, [x0, #CTX_SP]
	msr	sp_el0, x1
	msr	tpidr_el0, x2
	ldp	x1, x2, [x0, #CTX_PC]
	b	restore_rest

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
