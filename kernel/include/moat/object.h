/* Moat kernel ABI: object types, sizes and invocation labels. */
#ifndef MOAT_ABI_OBJECT_H
#define MOAT_ABI_OBJECT_H

/* Object types for Untyped_Retype (and as reported in CSpace listings). */
enum moat_object_type {
	MOAT_OBJ_NULL = 0,
	MOAT_OBJ_UNTYPED = 1,
	MOAT_OBJ_CNODE = 2,
	MOAT_OBJ_TCB = 3,
	MOAT_OBJ_ENDPOINT = 4,
	MOAT_OBJ_NOTIFICATION = 5,
	MOAT_OBJ_REPLY = 6,
	MOAT_OBJ_SCHED_CONTEXT = 7,
	MOAT_OBJ_FRAME_4K = 8,
	MOAT_OBJ_FRAME_2M = 9,
	MOAT_OBJ_PAGE_TABLE = 10,
	MOAT_OBJ_VSPACE = 11,
	MOAT_OBJ_VCPU = 12,        /* a guest's virtual CPU (docs/vm.md) */
	MOAT_OBJ_GUEST_SPACE = 13, /* a guest's stage-2 address space */
	MOAT_OBJ_TYPE_COUNT,
	/* Capabilities to no retypeable object. */
	MOAT_CAP_IRQ_CONTROL = 32,
	MOAT_CAP_IRQ_HANDLER = 33,
	MOAT_CAP_SCHED_CONTROL = 34,
	MOAT_CAP_ASID_CONTROL = 35,
	MOAT_CAP_KLOG = 36, /* hands the UART from the kernel to a console driver (moat/klog.h) */
};

/* log2 sizes of fixed-size objects. */
#define MOAT_TCB_SIZE_BITS 10
#define MOAT_ENDPOINT_SIZE_BITS 5
#define MOAT_NOTIFICATION_SIZE_BITS 5
#define MOAT_REPLY_SIZE_BITS 5
#define MOAT_SCHED_CONTEXT_SIZE_BITS 7
#define MOAT_PAGE_TABLE_SIZE_BITS 12
#define MOAT_VSPACE_SIZE_BITS 12
#define MOAT_VCPU_SIZE_BITS 12
#define MOAT_GUEST_SPACE_SIZE_BITS 12
#define MOAT_FRAME_4K_SIZE_BITS 12
#define MOAT_FRAME_2M_SIZE_BITS 21
#define MOAT_SLOT_SIZE_BITS 6 /* one CNode slot is 64 bytes */
#define MOAT_UNTYPED_MIN_BITS 4
#define MOAT_UNTYPED_MAX_BITS 47
#define MOAT_CNODE_MAX_RADIX 24

/* Invocation labels: the label of the message sent to an object capability. */
enum moat_invocation {
	MOAT_UNTYPED_RETYPE = 1, /* type, size_bits, cnode, first index in it, count */

	MOAT_CNODE_COPY = 10,    /* dest index/depth, src root, src index/depth, rights */
	MOAT_CNODE_MINT = 11,    /* ... rights, badge */
	MOAT_CNODE_MOVE = 12,
	MOAT_CNODE_MUTATE = 13,  /* move and set badge/guard */
	MOAT_CNODE_DELETE = 14,  /* index, depth */
	MOAT_CNODE_REVOKE = 15,  /* index, depth */
	MOAT_CNODE_IDENTIFY = 16, /* index, depth -> type, rights, badge */

	MOAT_TCB_CONFIGURE = 20, /* cspace, vspace, ipc buffer frame + addr, fault ep */
	MOAT_TCB_SET_PRIORITY = 21,
	MOAT_TCB_SET_MCP = 22,
	MOAT_TCB_SET_SCHED_CONTEXT = 23,
	MOAT_TCB_READ_REGISTERS = 24,
	MOAT_TCB_WRITE_REGISTERS = 25,
	MOAT_TCB_RESUME = 26,
	MOAT_TCB_SUSPEND = 27,
	MOAT_TCB_BIND_NOTIFICATION = 28,
	MOAT_TCB_UNBIND_NOTIFICATION = 29,
	MOAT_TCB_SET_NAME = 30,
	MOAT_TCB_SET_VCPU = 31,  /* vcpu, guest space: the thread runs that guest at EL1 */

	MOAT_FRAME_MAP = 40,     /* vspace, vaddr, rights, attributes */
	MOAT_FRAME_UNMAP = 41,
	MOAT_FRAME_GET_ADDRESS = 42,
	MOAT_PAGE_TABLE_MAP = 43, /* vspace, vaddr */
	MOAT_PAGE_TABLE_UNMAP = 44,
	MOAT_ASID_CONTROL_ASSIGN = 45, /* vspace */

	MOAT_IRQ_CONTROL_GET = 50,     /* irq, dest cnode, index, depth */
	MOAT_IRQ_HANDLER_SET_NOTIFICATION = 51,
	MOAT_IRQ_HANDLER_ACK = 52,
	MOAT_IRQ_HANDLER_CLEAR = 53,

	MOAT_SCHED_CONTROL_CONFIGURE = 60, /* sched context, budget_us, period_us */

	MOAT_VCPU_INJECT_IRQ = 70, /* virtual INTID, priority[, MOAT_VIRQ_EOI]: pending for the guest */
	MOAT_VCPU_RESET = 71,      /* the vCPU as at power-on; its thread's registers zero */
	MOAT_VCPU_READ_REGISTER = 72,  /* enum moat_vcpu_reg: its value */
	MOAT_VCPU_WRITE_REGISTER = 73, /* enum moat_vcpu_reg, value (not the timer's) */

	MOAT_KLOG_ATTACH = 80, /* notification: the kernel log's reader; the UART is the driver's */
};

/*
 * VCPU_InjectIRQ's MR2 (optional): tell the VMM when the guest has ended
 * the interrupt (a MOAT_FAULT_GUEST_EOI exit), as a level-sensitive line
 * needs to be sampled again then. INTIDs 0-255 only.
 */
#define MOAT_VIRQ_EOI (1u << 0)

/*
 * A vCPU's EL1 registers for VCPU_ReadRegister/WriteRegister (its x0-x30,
 * SP_EL0, PC and PSTATE are its thread's: TCB_ReadRegisters). The virtual
 * timer's two are read-only: the kernel forwards that timer. MPIDR is what
 * the guest reads as MPIDR_EL1: a write gives its affinity fields (Aff3 at
 * bits 32-39, Aff2-Aff0 at 0-23; any other bit set is refused), 0 at reset.
 */
enum moat_vcpu_reg {
	MOAT_VCPU_SCTLR, MOAT_VCPU_CPACR, MOAT_VCPU_TTBR0, MOAT_VCPU_TTBR1, MOAT_VCPU_TCR,
	MOAT_VCPU_ESR, MOAT_VCPU_AFSR0, MOAT_VCPU_AFSR1, MOAT_VCPU_FAR, MOAT_VCPU_MAIR,
	MOAT_VCPU_AMAIR, MOAT_VCPU_VBAR, MOAT_VCPU_CONTEXTIDR, MOAT_VCPU_CNTKCTL, MOAT_VCPU_SPSR,
	MOAT_VCPU_ELR, MOAT_VCPU_SP_EL1, MOAT_VCPU_PAR, MOAT_VCPU_TPIDR_EL1, MOAT_VCPU_TPIDRRO,
	MOAT_VCPU_CSSELR, MOAT_VCPU_CNTV_CTL, MOAT_VCPU_CNTV_CVAL, MOAT_VCPU_MPIDR,
	MOAT_VCPU_REG_COUNT,
};

/* Frame attributes for MOAT_FRAME_MAP. */
#define MOAT_FRAME_CACHED 0
#define MOAT_FRAME_UNCACHED 1 /* normal, non-cacheable (DMA buffers) */
#define MOAT_FRAME_DEVICE 2   /* Device-nGnRE (registers) */
#define MOAT_FRAME_EXECUTE (1u << 4)

#endif
