/* Constants shared by assembly and C (EL2 with VHE). */
#ifndef MOAT_ASM_H
#define MOAT_ASM_H

#define KERNEL_PHYS_OFFSET_ASM 0xffff000000000000

#define HCR_TGE (1 << 27)
#define HCR_E2H (1 << 34)

/* SCTLR_EL2 in its E2H=1 (EL1-like) layout. */
#define SCTLR_M (1 << 0)
#define SCTLR_C (1 << 2)
#define SCTLR_SA (1 << 3)
#define SCTLR_SA0 (1 << 4)
#define SCTLR_I (1 << 12)
#define SCTLR_DZE (1 << 14) /* EL0 may use DC ZVA */
#define SCTLR_UCT (1 << 15) /* EL0 may read CTR_EL0 */
#define SCTLR_UCI (1 << 26) /* EL0 may clean/invalidate caches by VA (code loading) */
#define SCTLR_RES1 ((1 << 11) | (1 << 20) | (1 << 22) | (1 << 23) | (1 << 28) | (1 << 29))
#define SCTLR_VALUE                                                                    \
	(SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I | SCTLR_DZE |    \
	 SCTLR_UCT | SCTLR_UCI)

/* TCR_EL2 in its E2H=1 (TCR_EL1) layout: 48-bit VAs in both halves, 4 KiB
 * granule, write-back inner-shareable walks, 48-bit PAs, 16-bit ASIDs. */
#define TCR_T0SZ(n) (n)
#define TCR_EPD0 (1 << 7)
#define TCR_IRGN0_WB (1 << 8)
#define TCR_ORGN0_WB (1 << 10)
#define TCR_SH0_INNER (3 << 12)
#define TCR_T1SZ(n) ((n) << 16)
#define TCR_IRGN1_WB (1 << 24)
#define TCR_ORGN1_WB (1 << 26)
#define TCR_SH1_INNER (3 << 28)
#define TCR_TG1_4K (2 << 30)
#define TCR_IPS_48 (5 << 32)
#define TCR_AS (1 << 36)
#define TCR_VALUE                                                                      \
	(TCR_T0SZ(16) | TCR_IRGN0_WB | TCR_ORGN0_WB | TCR_SH0_INNER | TCR_T1SZ(16) |   \
	 TCR_IRGN1_WB | TCR_ORGN1_WB | TCR_SH1_INNER | TCR_TG1_4K | TCR_IPS_48 | TCR_AS)

/* Boot map: 1 GiB blocks at level 1 (device below RAM, RAM normal). */
#define BOOT_BLOCK_DEVICE ((1 << 0) | (0 << 2) | (1 << 10) | (3 << 53))
#define BOOT_BLOCK_NORMAL ((1 << 0) | (1 << 2) | (3 << 8) | (1 << 10) | (1 << 54))
#define PT_MAIR_ASM 0x44ff04

/* struct user_context (context.h), at the start of struct tcb. */
#define CTX_X(n) ((n)*8)
#define CTX_SP (31 * 8)
#define CTX_TPIDR (32 * 8)
#define CTX_PC (33 * 8)
#define CTX_SPSR (34 * 8)
/* User-visible PSTATE bits restored from a context: NZCV only (EL0t). */
#define CTX_SPSR_MASK 0xf0000000
/* struct cpu (kernel/src/arch/cpu.h): the current thread, the kernel stack. */
#define CPU_CURRENT 8
#define CPU_KSTACK 16
/* For fastpath.S, checked against the C definitions in traps.c. */
#define TCB_FAULT_LABEL 280
#define TCB_WAIT_NEXT 344 /* wait_prev follows */
#define TCB_WAIT_PREV 352
#define TCB_WAITING_ON 360
#define TCB_IPC_BADGE 368 /* is_call and can_grant follow */
#define TCB_IPC_REPLY 384
#define TCB_STATE 392
#define TCB_PRIORITY 396
#define TCB_CSPACE 400 /* struct cap */
#define TCB_VSPACE 464
#define TCB_SC 608
#define TCB_BOUND 616
#define TCB_SERVING 624
#define CAP_EXTRA 4
#define CAP_OBJ 8 /* data follows */
#define CTE_SIZE_BITS 6
#define EP_SENDERS 0
#define EP_RECEIVERS 16 /* head, tail */
#define REPLY_CALLER 0 /* receiver follows */
#define REPLY_RECEIVER 8
#define CPU_RUN_START 48
#define SCHED_TOP 0
#define SCHED_WORDS 8
#define THREAD_STATE_RUNNABLE 1
#define THREAD_STATE_BLOCKED_RECV 4
#define THREAD_STATE_BLOCKED_REPLY 5
#define CAP_TYPE_CNODE 2
#define CAP_TYPE_ENDPOINT 4
#define CAP_TYPE_REPLY 6
#define CAP_TYPE_VSPACE 11
#define RIGHT_READ_BIT 0
#define RIGHT_WRITE_BIT 1
/* Message info fields (the layout of moat/types.h, moat_msginfo). */
#define MSGINFO_EXTRA_CAPS_MASK 0x180
#define MSGINFO_CAPS_MASK 0xf80 /* extra_caps and caps_unwrapped */
#define MSGINFO_LENGTH_MASK 0x7f

/* Entries of fastpath_table (fastpath.h): system calls 0-31 (ccmp's range). */
#define FASTPATH_TABLE_ENTRIES 32
/* What an entry returns for "the scheduler chooses" (FASTPATH_RESCHEDULE). */
#define FASTPATH_RESCHEDULE_ASM 1
/* The system calls fastpath.S takes (moat/syscall.h). */
#define MOAT_SYS_CALL_ASM 1
#define MOAT_SYS_REPLY_RECV_ASM 2
/* ESR_EL2.EC of an SVC and an HVC from AArch64. */
#define ESR_EC_SHIFT 26
#define ESR_EC_SVC64_ASM 0x15
#define ESR_EC_HVC64_ASM 0x16
/* moat/hypercall.h: the hypercall the vectors answer themselves. */
#define MOAT_HVC_NULL_ASM 0xc6000000

/* Trap frame layout (see trap.h). */
#define FRAME_X(n) ((n)*8)
#define FRAME_SP_EL0 (31 * 8)
#define FRAME_SP (32 * 8)
#define FRAME_ELR (33 * 8)
#define FRAME_SPSR (34 * 8)
#define FRAME_ESR (35 * 8)
#define FRAME_FAR (36 * 8)
#define FRAME_SIZE (38 * 8)

#ifdef __ASSEMBLER__
/* The rest of a thread's registers into its context at \ctx (x2, x3 scratch). */
.macro save_rest ctx
	stp	x20, x21, [\ctx, #CTX_X(20)]
	stp	x22, x23, [\ctx, #CTX_X(22)]
	stp	x24, x25, [\ctx, #CTX_X(24)]
	stp	x26, x27, [\ctx, #CTX_X(26)]
	stp	x28, x29, [\ctx, #CTX_X(28)]
	mrs	x2, sp_el0
	mrs	x3, tpidr_el0
	stp	x2, x3, [\ctx, #CTX_SP]
.endm

/*
 * The caller-saved registers x2-x19 and x30 back from the context at \ctx:
 * all an exception entry saves besides x0 and x1, which each return path
 * sets itself.
 */
.macro restore_caller_saved ctx
	ldp	x2, x3, [\ctx, #CTX_X(2)]
	ldp	x4, x5, [\ctx, #CTX_X(4)]
	ldp	x6, x7, [\ctx, #CTX_X(6)]
	ldp	x8, x9, [\ctx, #CTX_X(8)]
	ldp	x10, x11, [\ctx, #CTX_X(10)]
	ldp	x12, x13, [\ctx, #CTX_X(12)]
	ldp	x14, x15, [\ctx, #CTX_X(14)]
	ldp	x16, x17, [\ctx, #CTX_X(16)]
	ldp	x18, x19, [\ctx, #CTX_X(18)]
	ldr	x30, [\ctx, #CTX_X(30)]
.endm
#endif

#endif
