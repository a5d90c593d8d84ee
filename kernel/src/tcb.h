/*
 * Thread control blocks. A TCB is a kernel object (1 KiB, retyped from
 * untyped); its CSpace and VSpace roots are capability slots of its own,
 * children of the capabilities they were configured from.
 */
#ifndef MOAT_TCB_H
#define MOAT_TCB_H

#include <moat/ipc_buffer.h>

#include <moat/syscall.h>

#include "cap.h"
#include "context.h"
#include "sched.h"

enum thread_state {
	THREAD_INACTIVE = 0,     /* never started, or suspended */
	THREAD_RUNNABLE,         /* running or in a ready queue */
	THREAD_BLOCKED_NOTIFICATION,
	THREAD_BLOCKED_SEND,     /* queued on an endpoint with a message */
	THREAD_BLOCKED_RECV,     /* queued on an endpoint for a message */
	THREAD_BLOCKED_REPLY,    /* made a Call; waits on its reply object */
	THREAD_BLOCKED_VIRQ,     /* a vCPU in WFI: waits for a virtual interrupt */
};

struct tcb;
struct reply;
struct sched_context;
struct notification;
struct vcpu;

/* FIFO of threads blocked on one object (endpoint or notification). */
struct thread_queue {
	struct tcb *head;
	struct tcb *tail;
};

/* What a thread blocked in IPC is doing, set when it blocks. */
struct ipc_state {
	uint64_t badge;      /* sender: the badge of the capability it sent with */
	bool is_call;        /* sender: wants a reply */
	bool can_grant;      /* sender: may transfer capabilities */
	struct reply *reply; /* receiver: where to bind a caller; caller: bound to */
};

/* A fault being delivered: the message it sends instead of its registers. */
struct fault_state {
	uint64_t label; /* enum moat_fault; 0 when not faulting */
	uint64_t mr[MOAT_FAULT_LENGTH];
};

struct tcb {
	struct user_context ctx;
	struct fault_state fault;
	struct sched_link run;
	struct tcb *wait_next; /* in the queue of the object it is blocked on */
	struct tcb *wait_prev;
	struct thread_queue *waiting_on;
	struct ipc_state ipc;
	enum thread_state state;
	uint8_t priority;
	uint8_t mcp; /* highest priority it may give itself or others */
	struct cte cspace;
	struct cte vspace;
	struct cte ipc_frame;
	struct moat_ipc_buffer *ipc_buffer; /* kernel address of the buffer frame */
	moat_cptr_t fault_ep;               /* in its own CSpace; 0: none */
	struct sched_context *sc;           /* its budget; NULL: unlimited */
	struct notification *bound;         /* signals wake it from Recv too */
	/*
	 * The reply object it last took a budgeted caller into, until that
	 * caller is answered: without a scheduling context of its own, it
	 * runs on that caller's budget (schedule.c). NULL: none.
	 */
	struct reply *serving;
	char name[32];
	struct vcpu *vcpu; /* a vCPU thread runs this guest CPU at EL1 (vcpu.h); else NULL */
	/*
	 * Of its round-robin time slice, the time it has run since it last
	 * went behind its peers: kept while others run in between (a thread
	 * woken above it, say), so that it cannot start its slice again by
	 * waking one.
	 */
	uint64_t slice_used;
};

_Static_assert(sizeof(struct tcb) <= (1u << MOAT_TCB_SIZE_BITS), "TCB object size");

/* For reports: the thread's name, or "(unnamed)". */
static inline const char *tcb_name(const struct tcb *t)
{
	return t->name[0] ? t->name : "(unnamed)";
}

#endif
