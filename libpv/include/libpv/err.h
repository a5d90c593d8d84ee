/*
 * libpv error codes. Functions that can fail return a negative enum pv_err;
 * zero or a positive count means success. Errors named PV_E_PEER_* or
 * describing a descriptor come from the other side of shared memory: the
 * caller reports them and, if the queue is now broken, resets it.
 */
#ifndef LIBPV_ERR_H
#define LIBPV_ERR_H

enum pv_err {
	PV_OK = 0,
	PV_E_INVAL = -1,      /* a bad argument from this side's own caller */
	PV_E_NOSPC = -2,      /* no room: ring full, no free descriptors, window table full */
	PV_E_BROKEN = -3,     /* the queue was marked broken earlier; reset it */
	PV_E_PEER_INDEX = -4, /* the peer's index jumped by more than the size or went back */
	PV_E_HEAD = -5,	      /* an available ring entry names no descriptor */
	PV_E_LENGTH = -6,     /* zero length, or lengths beyond the limit or overflowing */
	PV_E_WINDOW = -7,     /* an address range outside every shared window */
	PV_E_PERM = -8,	      /* inside a window that lacks the needed read/write right */
	PV_E_DIRECTION = -9,  /* device-readable descriptor after a device-writable one */
	PV_E_LOOP = -10,      /* chain longer than the queue size: a loop */
	PV_E_NEXT = -11,      /* a next index outside its descriptor table */
	PV_E_INDIRECT = -12,  /* indirect descriptor not negotiated, nested, chained or mis-sized */
	PV_E_CHAIN_FULL = -13, /* chain has more segments than the caller's chain storage */
	PV_E_USED_ID = -14,    /* a used element names no chain in flight */
	PV_E_USED_LEN = -15,   /* a used length beyond what the chain could hold */
	PV_E_ALIGN = -16,      /* a shared area is misaligned */
};

/* A short constant description of err, for logs ("?" for unknown values). */
const char *pv_err_name(int err);

#endif
