/* A native thread's user-mode register state (EL0, AArch64). */
#ifndef MOAT_CONTEXT_H
#define MOAT_CONTEXT_H

#include "types.h"

/*
 * The layout suits the entry code (vectors.S): pairs saved and restored
 * together sit side by side (sp with tpidr, pc with spsr).
 */
struct user_context {
	uint64_t x[31];
	uint64_t sp;    /* SP_EL0 */
	uint64_t tpidr; /* TPIDR_EL0 */
	uint64_t pc;    /* restored through ELR_EL2 */
	uint64_t spsr;  /* as saved on entry; only its NZCV flags are ever restored */
};

_Static_assert(offsetof(struct user_context, sp) == 31 * 8, "CTX_SP (asm.h)");
_Static_assert(offsetof(struct user_context, tpidr) == 32 * 8, "CTX_TPIDR (asm.h)");
_Static_assert(offsetof(struct user_context, pc) == 33 * 8, "CTX_PC (asm.h)");
_Static_assert(offsetof(struct user_context, spsr) == 34 * 8, "CTX_SPSR (asm.h)");

/* Syscall argument and result registers, by name. */
#define REG_CPTR 0
#define REG_INFO 1
#define REG_MR0 2
#define REG_REPLY 6
#define REG_SYSNO 7

#endif
