/*
 * The network backend's portable core (docs/net.md): a virtual L2 switch.
 * Port 0 is the uplink (the physical NIC's driver), the others are guests'
 * virtual NICs, each with the MAC the system description assigns it. No
 * I/O and no allocation here: the caller feeds frames in and takes the
 * next one for each port; frame buffers are the caller's, named by an
 * opaque handle, and only the 12 address bytes of a frame are read.
 *
 * Ownership: every handle given to net_core_input is released exactly
 * once, through the configured callback, whatever the result: at once if
 * the frame goes nowhere, else when the last port it was queued for has
 * taken it (net_core_next) and finished with it (net_core_done), or had
 * it dropped (net_core_reset). The bytes must not change while the handle
 * is held: the caller copies a guest's frame into private memory first,
 * or the checks below would not hold for what is sent.
 *
 * Invariants the caller relies on (unit-tested and fuzzed):
 * - a frame never goes back to its ingress port, and goes to each port at
 *   most once; a known unicast destination gets it alone;
 * - a frame from a guest port carries that port's assigned MAC as its
 *   source, and every frame forwarded is 14..1514 bytes with a unicast
 *   source; a guest's MAC is pinned to its port: no frame from elsewhere
 *   moves it;
 * - one ingress port holds at most NET_PORT_HELD frames (accepted, not yet
 *   released), in slots of its own: no port can use up another's;
 * - in each egress queue one ingress port has at most `share` =
 *   NET_EGRESS_QUEUE / (ports - 1) copies. The shares fit the queue, so a
 *   copy is dropped for a full queue only when its own ingress port's
 *   share there is used, never because of another port, and it waits
 *   behind at most NET_EGRESS_QUEUE - 1 others (each queue is FIFO).
 *
 * Learning: a table of NET_FDB_ENTRIES (MAC -> port), learned from the
 * source of accepted frames, least recently seen replaced when full (no
 * clock needed). Guests' MACs are never in it: they are pinned, so with
 * the spoofing check only the uplink learns. A stale entry therefore only
 * ever sends a frame to the uplink instead of flooding it; no aging needed.
 */
#ifndef MOAT_NET_CORE_H
#define MOAT_NET_CORE_H

#include <stdbool.h>
#include <stdint.h>

#define NET_PORTS_MAX	 8
#define NET_UPLINK	 0
#define NET_FDB_ENTRIES	 64
#define NET_EGRESS_QUEUE 32 /* copies waiting for one egress port */
#define NET_PORT_HELD	 32 /* frames one ingress port has in the switch at once */
#define NET_FRAME_MIN	 14 /* an Ethernet header */
#define NET_FRAME_MAX	 1514
#define NET_REFS	 (NET_PORTS_MAX * NET_PORT_HELD) /* net_core_frame.ref < this */

_Static_assert(NET_PORTS_MAX <= 16, "a frame's ports are a 16-bit mask");
_Static_assert(NET_PORT_HELD <= 256 && NET_EGRESS_QUEUE <= 255, "8-bit slots and counts");

/* What became of a frame. Everything but FORWARDED released it already. */
enum net_core_result {
	NET_CORE_FORWARDED = 0, /* queued for at least one port */
	NET_CORE_FILTERED,	/* nowhere to go: its destination is behind its ingress port */
	NET_CORE_E_PORT,	/* no such port */
	NET_CORE_E_MALFORMED,	/* not 14..1514 bytes, or a multicast source (counted) */
	NET_CORE_E_SPOOFED,	/* a guest's frame without its assigned source MAC (counted) */
	NET_CORE_E_BUSY,	/* its port holds NET_PORT_HELD frames already (counted) */
	NET_CORE_E_FULL,	/* every destination's queue was full for it (counted there) */
};

struct net_mac {
	uint8_t b[6];
};

/* Per port; rx, malformed, spoofed, busy and pinned count its input, the others its output. */
struct net_port_stats {
	uint64_t rx;	       /* frames that passed the checks (and were learned from) */
	uint64_t tx;	       /* copies taken by net_core_next */
	uint64_t malformed;
	uint64_t spoofed;
	uint64_t busy;
	uint64_t pinned;       /* the uplink's frames with a guest's source: sent on, not learned */
	uint64_t dropped_full; /* copies for this port dropped: the sender's share was used */
};

/* One accepted frame, in the sender's slots. Free while `pending` is 0. */
struct net_frame {
	uint64_t handle;
	uint16_t len;
	uint16_t pending; /* ports still to take it or to finish with it */
	uint16_t taken;	  /* of those, the ones that have it (net_core_next) */
};

/* A copy waiting for an egress port: which ingress port's frame, which slot. */
struct net_copy {
	uint8_t ingress, slot;
};

struct net_port {
	struct net_mac mac; /* assigned (guest ports only) */
	struct net_copy queue[NET_EGRESS_QUEUE]; /* FIFO */
	unsigned head, count;
	uint8_t queued_from[NET_PORTS_MAX]; /* copies in `queue` per ingress port */
	struct net_frame frame[NET_PORT_HELD]; /* this port's frames in the switch */
	unsigned held;			       /* slots in use */
	struct net_port_stats stats;
};

struct net_fdb_entry {
	struct net_mac mac;
	uint8_t port;
	bool used;
	uint64_t seen; /* net_core.clock when it last appeared as a source */
};

typedef void (*net_release_fn)(void *ctx, uint64_t handle);

struct net_core_config {
	unsigned ports;			    /* 1..NET_PORTS_MAX, port 0 the uplink */
	struct net_mac mac[NET_PORTS_MAX]; /* each guest port's MAC; mac[0] unused */
	net_release_fn release;
	void *ctx;
};

struct net_core {
	struct net_port port[NET_PORTS_MAX];
	unsigned ports;
	unsigned share; /* copies of one ingress port an egress queue takes */
	struct net_fdb_entry fdb[NET_FDB_ENTRIES];
	uint64_t clock;
	net_release_fn release;
	void *ctx;
};

/* What net_core_next hands out: `ref` names it to net_core_done. */
struct net_core_frame {
	uint64_t handle;
	uint32_t len;
	unsigned ingress;
	unsigned ref;
};

/*
 * False if the ports are not 1..NET_PORTS_MAX, there is no release
 * callback, or a guest's MAC is zero, multicast or another guest's: a
 * system description with such ports is refused whole.
 */
bool net_core_init(struct net_core *c, const struct net_core_config *cfg);

/*
 * Port `port`'s frame `len` bytes at `frame`, in `handle`'s buffer:
 * checked, its source learned, queued for its destinations. The handle is
 * the core's from now on (see above); `frame` is read only during the call.
 */
enum net_core_result net_core_input(struct net_core *c, unsigned port, const uint8_t *frame,
				    uint32_t len, uint64_t handle);

/* The next frame for `port` to send, if any: true with it in *out. */
bool net_core_next(struct net_core *c, unsigned port, struct net_core_frame *out);

/*
 * `port` has finished with the frame net_core_next gave it as `ref`; the
 * last port to finish releases its handle. A ref `port` does not hold is
 * ignored: the caller's bookkeeping is wrong, and nothing is undone.
 */
void net_core_done(struct net_core *c, unsigned port, unsigned ref);

/*
 * Drops every copy waiting for `port` (its peer went away or restarts);
 * frames it has taken stay its until net_core_done.
 */
void net_core_reset(struct net_core *c, unsigned port);

#endif
