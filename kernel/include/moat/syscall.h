/*
 * Moat kernel ABI: system calls. A native domain enters with `svc #0`:
 *   x7  system call number (enum moat_syscall)
 *   x0  capability pointer (destination or source); on return from a
 *       receive, the sender's badge
 *   x1  message info (types.h); on return, the received message info
 *   x2-x5  message registers MR0-MR3; the rest are in the IPC buffer
 *   x6  reply object capability pointer (Recv, ReplyRecv)
 * Every other register is preserved.
 */
#ifndef MOAT_ABI_SYSCALL_H
#define MOAT_ABI_SYSCALL_H

enum moat_syscall {
	MOAT_SYS_CALL = 1,        /* send to an endpoint or invoke an object, wait for the reply */
	MOAT_SYS_REPLY_RECV = 2,  /* reply through x6's reply object, then receive on x0 */
	MOAT_SYS_SEND = 3,        /* blocking send / invoke without reply */
	MOAT_SYS_NB_SEND = 4,     /* send only if a receiver waits; else dropped */
	MOAT_SYS_RECV = 5,        /* blocking receive on an endpoint or notification */
	MOAT_SYS_NB_RECV = 6,     /* receive only if something is there */
	MOAT_SYS_REPLY = 7,       /* reply through x6's reply object */
	MOAT_SYS_YIELD = 8,       /* to the next thread of the same priority */
	MOAT_SYS_SIGNAL = 9,      /* signal a notification (badge OR-ed into its word) */
	MOAT_SYS_WAIT = 10,       /* wait on a notification; returns and clears the word */
	MOAT_SYS_POLL = 11,       /* the word without blocking (0 if none) */
	MOAT_SYS_NULL = 12,       /* nothing: returns OK (the cost of entering the kernel) */
	MOAT_SYS_IDENTIFY = 13,   /* type (MR0, enum moat_object_type) and rights (MR1) of x0 */
	MOAT_SYS_DEBUG_PUTC = 64, /* debug builds: one character to the kernel console */
	MOAT_SYS_DEBUG_HALT = 65, /* debug builds: stop the system with status x0 */
	MOAT_SYS_COUNT
};

/*
 * Fault messages. A thread configured with a fault endpoint sends one of
 * these as a Call when it faults, and blocks until the handler replies
 * through its reply object (the faulting thread then retries the
 * instruction; the handler may first change its registers or mappings).
 * Handlers tell faulting threads apart by the badge of the fault endpoint.
 *   MR0 pc, MR1 fault address (FAR), MR2 ESR, MR3 flags.
 */
enum moat_fault {
	MOAT_FAULT_VM = 0xf001,             /* a data or instruction abort */
	MOAT_FAULT_USER_EXCEPTION = 0xf002, /* anything else the thread caused */
	MOAT_FAULT_GUEST_HVC = 0xf003,      /* a vCPU's hypercall for its VMM: MR0-MR3 = x0-x3;
					     * the reply's MR0-MR3 become x0-x3 */
	MOAT_FAULT_GUEST_MMIO = 0xf004,     /* a vCPU's access to an unmapped IPA: MR0 the IPA,
					     * MR1 the access (MOAT_MMIO_*), MR2 the value
					     * written, MR3 the PC; a read's reply MR0 is the
					     * value, and the guest goes on after the access */
	MOAT_FAULT_GUEST_SYSREG = 0xf005,   /* a vCPU's access to a trapped system register:
					     * MR0 its encoding (MOAT_SYSREG_*), MR1 the access
					     * (MOAT_SYSREG_READ, _REGISTER), MR2 the value
					     * written, MR3 the PC; as for MMIO, the reply's
					     * MR0 is a read's value */
	MOAT_FAULT_GUEST_EOI = 0xf006,      /* the guest ended interrupts injected with
					     * MOAT_VIRQ_EOI: MR0-MR3 a bit per INTID 0-255;
					     * the reply resumes it */
};
/*
 * A Recv on an endpoint by a thread with a bound notification returns when
 * that notification is signalled, with this label and the notification
 * word in place of the badge (x0).
 */
#define MOAT_LABEL_NOTIFICATION 0xf000

/* MR1 of MOAT_FAULT_GUEST_MMIO. */
#define MOAT_MMIO_SIZE(a) (1u << ((a) & 3))   /* bytes: 1, 2, 4, 8 */
#define MOAT_MMIO_WRITE (1u << 2)
#define MOAT_MMIO_REGISTER(a) (((a) >> 4) & 31) /* x0-x30; 31: xzr */
#define MOAT_MMIO_SIGNED (1u << 9)            /* a read sign-extends */
#define MOAT_MMIO_64BIT (1u << 10)            /* into an X register, else W */

/* MR0 and MR1 of MOAT_FAULT_GUEST_SYSREG (the ESR's ISS, register aside). */
#define MOAT_SYSREG(op0, op1, crn, crm, op2) \
	((unsigned)(op0) << 20 | (unsigned)(op2) << 17 | (unsigned)(op1) << 14 | \
	 (unsigned)(crn) << 10 | (unsigned)(crm) << 1)
#define MOAT_SYSREG_READ (1u << 0)
#define MOAT_SYSREG_REGISTER(a) (((a) >> 4) & 31)

/*
 * The label of a VMM's reply to a vCPU's fault message that injects a
 * synchronous external abort into the guest instead of resuming it.
 */
#define MOAT_REPLY_INJECT_ABORT 0xf100

#define MOAT_FAULT_FLAG_FETCH (1u << 0)
#define MOAT_FAULT_FLAG_WRITE (1u << 1)
#define MOAT_FAULT_LENGTH 4

#endif
