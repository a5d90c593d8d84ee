/*
 * The IPC fastpath: Call and ReplyRecv in their common case (a short
 * message in registers, no capabilities, the other side already waiting)
 * skip the general dispatch and its repeated lookups. Anything else
 * returns false, having changed nothing, and takes the general path, which
 * has the same semantics. Which thread runs next is, as always, the
 * scheduler's choice on the way out.
 */
#ifndef MOAT_FASTPATH_H
#define MOAT_FASTPATH_H

#include "tcb.h"

bool fastpath_call(struct tcb *caller);
bool fastpath_reply_recv(struct tcb *server);

#endif
