/*
 * The fastpaths: the system calls that the entry code (vectors.S) completes
 * without saving the caller's whole context, switching straight to the
 * thread they wake.
 *
 * Call and ReplyRecv in their common case (a short message in registers,
 * no capabilities, a one-level CSpace, the other side already waiting, and
 * the woken thread the one the scheduler would choose, with nothing else
 * due) skip the general dispatch, its repeated lookups and the scheduler;
 * Signal and the null system call are short anyway. None of them reads or
 * writes the caller's registers beyond x0-x7, nor its PC. Whatever they do
 * not take returns NULL having changed nothing, and goes the general way,
 * which has the same semantics.
 */
#ifndef MOAT_FASTPATH_H
#define MOAT_FASTPATH_H

#include "tcb.h"

/*
 * The entry code's dispatch table, by system call number (those from
 * FASTPATH_TABLE_SIZE up take the general path). An entry gets a
 * system call from `t` (x0-x19, x30, PC and SPSR saved in its context) and
 * returns the context to resume, or NULL to take the general path; the
 * calls without an entry take it at once.
 */
typedef struct user_context *(*fastpath_fn)(struct tcb *t);
#define FASTPATH_TABLE_SIZE 32
extern const fastpath_fn fastpath_table[FASTPATH_TABLE_SIZE];

/*
 * What an entry returns having completed the call when the next thread
 * is the general scheduler's to choose (it may be a vCPU, which only the
 * general exit enters as a guest): the entry code saves the caller whole
 * and goes there (trap_schedule_enter, traps.c).
 */
#define FASTPATH_RESCHEDULE_VALUE 1 /* asm.h: FASTPATH_RESCHEDULE_ASM */
#define FASTPATH_RESCHEDULE ((struct user_context *)FASTPATH_RESCHEDULE_VALUE)

#endif
