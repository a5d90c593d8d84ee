/*
 * Moat kernel ABI: the IPC buffer, one 4 KiB frame per thread registered
 * with TCB_Configure. The kernel reads and writes it through its own
 * mapping of the frame, never through the thread's address.
 */
#ifndef MOAT_ABI_IPC_BUFFER_H
#define MOAT_ABI_IPC_BUFFER_H

#include <stddef.h>

#include "types.h"

struct moat_ipc_buffer {
	moat_word_t tag;                       /* unused by the kernel */
	moat_word_t msg[MOAT_MSG_MAX_LENGTH];  /* msg[0..3] mirror x2-x5 */
	moat_word_t user_data;                 /* free for the runtime (TLS) */
	moat_cptr_t caps[MOAT_MSG_MAX_EXTRA_CAPS]; /* send: extra caps; receive: badges */
	moat_cptr_t receive_cnode;             /* where a granted capability lands */
	moat_cptr_t receive_index;
	moat_word_t receive_depth;
	moat_word_t reserved[4];
};

_Static_assert(offsetof(struct moat_ipc_buffer, msg) == 8, "IPC buffer ABI");
_Static_assert(offsetof(struct moat_ipc_buffer, caps) == 8 * 122, "IPC buffer ABI");
_Static_assert(sizeof(struct moat_ipc_buffer) == 8 * 132, "IPC buffer ABI");

#endif
