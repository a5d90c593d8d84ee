/*
 * The kernel's debug invariant checker (builds with MOAT_INVARIANTS): run
 * periodically while domains make system calls, it panics on the first
 * broken invariant, since that is a kernel bug, never bad input.
 *  - derivation tree: parent, child and sibling links agree both ways;
 *  - untyped accounting: the watermark stays within the untyped, and its
 *    children are distinct objects inside [base, base + watermark);
 *  - scheduler: the bitmap matches the queues, queued threads are runnable
 *    with budget, at their own priority; the release queue is ordered.
 */
#ifndef MOAT_INVARIANTS_H
#define MOAT_INVARIANTS_H

#include "cap.h"

/* The CSpace walked for the tree checks (the root server's CNode). */
void invariants_set_root(const struct cap *root_cnode);

/* Runs every check; returns how many checks have run so far. */
uint64_t invariants_check(void);

#endif
