/*
 * Ethernet frames over a channel (docs/net.md): between a guest's VMM
 * and the network switch (servers/net), and between the switch and the
 * network driver domain (its uplink). The channel's shared memory holds
 * two libpv rings of whole frames, one each way: the switch receives on
 * MOAT_NET_TO_SWITCH and sends on MOAT_NET_FROM_SWITCH; its peer (a VMM,
 * a PV guest's frontend, the driver) the other way round. Each side
 * signals the other's inbox only when the ring's consumer asked to be
 * woken.
 *
 * Frames are copied: each side copies a frame out of the ring into its
 * own memory before it looks at it (the ring is shared with a peer that
 * may change it at any time), so the switch's checks hold for what it
 * forwards.
 */
#ifndef MOAT_NET_H
#define MOAT_NET_H

#include <moat/domain.h>

#define MOAT_NET_FRAME_MIN 14u	 /* an Ethernet header */
#define MOAT_NET_FRAME_MAX 1514u /* no FCS, no jumbo frames */

#define MOAT_NET_FRAME_DATA 1520u /* a frame's room in a ring entry */

/*
 * One ring entry: a frame and its length. Only the head and the frame's
 * bytes cross (libpv's prefix calls, moat_net_frame_bytes): the rest of
 * `data` is left as it was and means nothing. Aligned to 8, as the ring's
 * slots are, so that the copies move words.
 */
struct moat_net_frame {
	_Alignas(8) uint32_t len; /* MOAT_NET_FRAME_MIN..MOAT_NET_FRAME_MAX, else dropped and counted */
	uint32_t reserved;
	uint8_t data[MOAT_NET_FRAME_DATA];
};

_Static_assert(sizeof(struct moat_net_frame) == 1528, "net frame ABI");

#define MOAT_NET_FRAME_HEAD 8u /* len and reserved */

/* The bytes after the head that frame `head` uses (pv_ring_more_fn): its length, at most all of data. */
static inline uint32_t moat_net_frame_more(const void *head)
{
	uint32_t len = ((const struct moat_net_frame *)head)->len;

	return len < MOAT_NET_FRAME_DATA ? len : MOAT_NET_FRAME_DATA;
}

static inline uint32_t moat_net_frame_bytes(const struct moat_net_frame *f)
{
	return MOAT_NET_FRAME_HEAD + moat_net_frame_more(f);
}

#define MOAT_NET_RING_ENTRIES 32u
#define MOAT_NET_RING_BYTES (128u + MOAT_NET_RING_ENTRIES * 1528u) /* 49024 */
#define MOAT_NET_TO_SWITCH 0u	    /* frames the switch receives */
#define MOAT_NET_FROM_SWITCH 49152u /* frames the switch sends */
#define MOAT_NET_SHARED_BYTES (2u * 49152u) /* SHARED_MEMORY of the channel: at least 96K */

#endif
