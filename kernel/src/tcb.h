/*
 * Thread control blocks. A TCB is a kernel object (1 KiB, retyped from
 * untyped); its CSpace and VSpace roots are capability slots of its own,
 * children of the capabilities they were configured from.
 */
#ifndef MOAT_TCB_H
#define MOAT_TCB_H

#include <moat/ipc_buffer.h>

#include "cap.h"
#include "context.h"
#include "sched.h"

enum thread_state {
	THREAD_INACTIVE = 0,     /* never started, or suspended */
	THREAD_RUNNABLE,         /* running or in a ready queue */
	THREAD_BLOCKED_NOTIFICATION,
};

struct notification;

struct tcb {
	struct user_context ctx;
	struct sched_link run;
	struct tcb *wait_next; /* in the queue of the object it is blocked on */
	struct tcb *wait_prev;
	struct notification *waiting_on;
	enum thread_state state;
	uint8_t priority;
	uint8_t mcp; /* highest priority it may give itself or others */
	struct cte cspace;
	struct cte vspace;
	struct moat_ipc_buffer *ipc_buffer; /* kernel address of the buffer frame */
	char name[32];
};

_Static_assert(sizeof(struct tcb) <= (1u << MOAT_TCB_SIZE_BITS), "TCB object size");

#endif
