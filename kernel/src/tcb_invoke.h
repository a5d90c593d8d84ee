/* TCB invocations (decode, then invoke) and finalisation. */
#ifndef MOAT_TCB_INVOKE_H
#define MOAT_TCB_INVOKE_H

#include "invocation.h"
#include "tcb.h"

struct tcb_args {
	uint64_t label;
	struct tcb *target;
	struct tcb *invoker;
	struct cte *src[3]; /* configure: CSpace, VSpace, IPC buffer (or NULL) */
	void *object; /* SetSchedContext, BindNotification: the object */
	uint64_t value;
	unsigned count;
	moat_word_t regs[8];
};

struct kerror tcb_decode(const struct invocation *inv, struct tcb *invoker, struct tcb_args *a);
/* Returns the number of result words in out. */
unsigned tcb_invoke(const struct tcb_args *a, moat_word_t out[3]);

/* The last capability is gone: stop the thread, drop its capabilities. */
void tcb_finalise(struct tcb *t);

#endif
