/*
 * The console's channel protocol (docs/console.md). A console client (a
 * native domain, a guest's VMM) and the console driver each talk to the
 * console server over one moat_channel(... SHARED_MEMORY 4K NOTIFY): the
 * shared page holds two libpv SPSC rings of MOAT_CONSOLE_ENTRIES chunks,
 * one toward the console server (a client's output; the driver's received
 * input) and one from it (a client's input; the bytes the driver
 * transmits). The root server hands the page over zeroed, which is the
 * formatted state of both rings. A notification on the channel means
 * "look at the rings"; either side may be hostile, so every chunk is
 * copied once and its length checked.
 *
 * The client side, for the domain's channel `channel`:
 *   moat_console_init   attach to the rings of that channel
 *   moat_console_write  queue bytes (returns how many fit; never blocks)
 *   moat_console_read   take the input that has arrived (never blocks)
 */
#ifndef MOAT_CONSOLE_H
#define MOAT_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include <libpv/ring.h>
#include <moat/types.h>

#define MOAT_CONSOLE_CHUNK_BYTES  64u	/* one ring entry */
#define MOAT_CONSOLE_CHUNK_DATA	  63u	/* bytes one entry carries, at most */
#define MOAT_CONSOLE_ENTRIES	  16u	/* per ring */
#define MOAT_CONSOLE_TO_SERVER	  0u	/* offset of the ring toward the console server */
#define MOAT_CONSOLE_FROM_SERVER  2048u /* offset of the ring from the console server */
#define MOAT_CONSOLE_SHARED_BYTES 4096u /* the channel's shared memory, at least */

/* One ring entry: len (1-63) bytes of data; a bad length drops the entry. */
struct moat_console_chunk {
	uint8_t len;
	uint8_t data[MOAT_CONSOLE_CHUNK_DATA];
};

_Static_assert(sizeof(struct moat_console_chunk) == MOAT_CONSOLE_CHUNK_BYTES, "console ABI");
_Static_assert(PV_RING_HEADER_BYTES + MOAT_CONSOLE_ENTRIES * MOAT_CONSOLE_CHUNK_BYTES <=
		       MOAT_CONSOLE_FROM_SERVER,
	       "console ABI: the rings do not overlap");
_Static_assert(MOAT_CONSOLE_FROM_SERVER + PV_RING_HEADER_BYTES +
			       MOAT_CONSOLE_ENTRIES * MOAT_CONSOLE_CHUNK_BYTES <=
		       MOAT_CONSOLE_SHARED_BYTES,
	       "console ABI: both rings fit the page");

/* A client's private state. */
struct moat_console {
	struct pv_ring_producer out;
	struct pv_ring_consumer in;
	moat_cptr_t signal;		/* the console server's inbox, 0: none */
	struct moat_console_chunk held; /* input taken from the ring, not yet read */
	unsigned held_off;
};

/* 0, or a libpv error (enum pv_err) if the channel has no usable shared page. */
int moat_console_init(struct moat_console *c, unsigned channel);
size_t moat_console_write(struct moat_console *c, const void *buf, size_t len);
size_t moat_console_read(struct moat_console *c, void *buf, size_t max);

#endif
