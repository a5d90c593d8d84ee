/* System call entry: decodes the registers of the calling thread. */
#ifndef MOAT_SYSCALL_H
#define MOAT_SYSCALL_H

#include "tcb.h"

/*
 * Handles the system call `t` just made (its registers are in t->ctx) and
 * leaves the results there. `t` may be blocked afterwards.
 */
void syscall_handle(struct tcb *t);

#endif
