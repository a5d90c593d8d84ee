/* The register state saved on every exception entry (vectors.S). */
#ifndef MOAT_TRAP_H
#define MOAT_TRAP_H

#include "types.h"

struct trap_frame {
	uint64_t x[31];
	uint64_t sp_el0;
	uint64_t sp; /* SP_EL2 at the time of the exception */
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
	uint64_t pad;
};

_Static_assert(sizeof(struct trap_frame) == 38 * 8, "trap frame layout (asm.h FRAME_*)");
_Static_assert(offsetof(struct trap_frame, elr) == 33 * 8, "FRAME_ELR");
_Static_assert(offsetof(struct trap_frame, far) == 36 * 8, "FRAME_FAR");

void trap_entry(struct trap_frame *frame, unsigned kind);
/* Into the thread the scheduler chooses (at boot; after FASTPATH_RESCHEDULE). */
NORETURN void trap_schedule_enter(void);

struct user_context;
struct user_context *user_entry(unsigned kind);
/* Enters EL0 with `ctx` on an empty kernel stack (vectors.S). */
NORETURN void user_restore(struct user_context *ctx);
/* Enters the guest with `ctx` (its PSTATE as it is: EL1 or EL0 of the guest). */
NORETURN void guest_restore(struct user_context *ctx);

#endif
