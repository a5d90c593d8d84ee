/*
 * Moat kernel ABI: hypercalls. A guest vCPU enters the kernel with
 * `hvc #0`: x0 the function (SMC Calling Convention numbering: Moat's own
 * calls are fast SMC64 calls of the vendor-specific hypervisor service,
 * owner 6), x1-x3 arguments; x0 returns the result (enum moat_error).
 * Any other function (PSCI among them) goes to the guest's VMM as a
 * MOAT_FAULT_GUEST_HVC message (moat/syscall.h). See docs/vm.md.
 */
#ifndef MOAT_ABI_HYPERCALL_H
#define MOAT_ABI_HYPERCALL_H

#define MOAT_HVC_BASE 0xc6000000u
#define MOAT_HVC_NULL (MOAT_HVC_BASE + 0)          /* nothing: the cost of an exit */
#define MOAT_HVC_CONSOLE_WRITE (MOAT_HVC_BASE + 1) /* x1 IPA, x2 length (<= 256) */
#define MOAT_HVC_YIELD (MOAT_HVC_BASE + 2)         /* the rest of its time slice to others */
#define MOAT_HVC_NOTIFY (MOAT_HVC_BASE + 3)        /* x1 a channel id (< 8): signal its peer */

/*
 * Channel i's notification, as the system description bound it: a
 * capability with the write right at this slot of the vCPU thread's own
 * CSpace (slot 1 is its fault endpoint).
 */
#define MOAT_HVC_CHANNELS 8
#define MOAT_GUEST_SLOT_CHANNEL(i) (2u + (i))

#define MOAT_HVC_CONSOLE_MAX 256

#endif
