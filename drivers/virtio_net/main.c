/*
 * The virtio network driver domain (docs/net.md): QEMU's virtio-net-device
 * as the network switch's uplink, over channel 0 (moat/net.h, the port
 * side). Frames the device receives go into the MOAT_NET_TO_SWITCH ring;
 * frames in the MOAT_NET_FROM_SWITCH ring go to the device. Both are
 * copied (net_dev.h): the switch never sees the DMA memory, the device
 * never sees the ring. At most NIC_BURST frames each way before the
 * other, and no waiting while anything can move.
 */
#include <moat/domain.h>
#include <moat/net_channel.h>
#include <moat/runtime.h>

#include "virtio_net/net_dev.h"

#define NIC_BURST 16

static struct net_dev dev;
static struct moat_net_port_end chan;
static struct moat_net_frame rxf; /* received, waiting for room in the switch's ring */
static bool rx_waiting;
static struct moat_net_frame txf; /* from the switch, waiting for a transmit buffer */
static bool tx_waiting;
static uint64_t bad_frames; /* from the switch, of a bad length */
static bool broken;

/* Device → switch: false once nothing more moves. */
static bool to_switch(void)
{
	unsigned n = 0;

	while (n < NIC_BURST) {
		int32_t put;

		if (!rx_waiting) {
			int len = net_dev_recv(&dev, rxf.data, sizeof(rxf.data));

			if (len < 0)
				broken = true;
			if (len <= 0)
				break;
			rxf.len = (uint32_t)len;
			rx_waiting = true;
		}
		put = pv_ring_produce_prefix(&chan.tx, &rxf, moat_net_frame_bytes(&rxf));
		if (put < 0)
			broken = true;
		if (put != 1)
			break;
		rx_waiting = false;
		n++;
	}
	return n > 0;
}

/* Switch → device. */
static bool from_switch(void)
{
	unsigned n = 0;

	while (n < NIC_BURST) {
		int err;

		if (!tx_waiting) {
			int32_t got = pv_ring_consume_prefix(&chan.rx, &txf, MOAT_NET_FRAME_HEAD,
							moat_net_frame_more);

			if (got < 0)
				broken = true;
			if (got != 1)
				break;
			tx_waiting = true;
		}
		err = net_dev_send(&dev, txf.data, txf.len);
		if (err == NET_E_BUSY)
			break;
		if (err == NET_E_BROKEN)
			broken = true;
		if (err == NET_E_LENGTH && bad_frames++ < 16)
			moat_printf("virtio_net: a frame of %u bytes from the switch dropped\n",
				    txf.len);
		tx_waiting = false;
		if (broken)
			break;
		n++;
	}
	return n > 0;
}

/* Everything that can move now; true once nothing more can without a signal. */
static bool quiet(void)
{
	bool moved = to_switch() | from_switch();

	if (pv_ring_producer_kick_needed(&chan.tx) | pv_ring_consumer_kick_needed(&chan.rx))
		moat_signal(chan.signal);
	if (broken)
		return true;
	if (moved)
		return false;
	if (!rx_waiting) {
		if (!net_dev_prepare_wait(&dev))
			return false;
	} else {
		/* The switch's ring is full: received frames wait in the device meanwhile. */
		if (!pv_ring_producer_prepare_wait(&chan.tx))
			return false;
		/*
		 * Its answer counts those frames too, so only what it says about
		 * sending is used: a freed transmit buffer, or its interrupt asked for.
		 */
		if (tx_waiting) {
			net_dev_prepare_wait(&dev);
			if (dev.tx_free_count)
				return false;
		}
	}
	if (!tx_waiting && !pv_ring_consumer_prepare_wait(&chan.rx))
		return false;
	return true;
}

static bool start(const struct moat_domain_info *info)
{
	moat_word_t dma_pa = 0;
	const char *err;

	if (!info->device || !info->dma || info->channel_count != 1 ||
	    moat_net_port_end_init(&chan, 0)) {
		moat_printf("virtio_net: needs its device, DMA memory and one channel of %u bytes "
			    "with NOTIFY to the network switch\n",
			    MOAT_NET_SHARED_BYTES);
		return false;
	}
	if (moat_invoke(MOAT_DOMAIN_SLOT_DMA(0), MOAT_FRAME_GET_ADDRESS, 0, NULL, 0, &dma_pa) !=
	    MOAT_OK) {
		moat_printf("virtio_net: the address of its DMA memory is not known\n");
		return false;
	}
	if ((err = net_dev_init(&dev, (uintptr_t)info->device, (void *)(uintptr_t)info->dma, dma_pa,
				info->dma_size))) {
		moat_printf("virtio_net: the device at 0x%lx: %s\n",
			    (unsigned long)info->device_paddr, err);
		return false;
	}
	moat_printf("virtio_net: MAC %02x:%02x:%02x:%02x:%02x:%02x at 0x%lx (INTID %lu) for '%s'\n",
		    dev.mac[0], dev.mac[1], dev.mac[2], dev.mac[3], dev.mac[4], dev.mac[5],
		    (unsigned long)info->device_paddr, (unsigned long)info->device_irq,
		    info->channel[0].peer);
	return true;
}

int main(void *arg)
{
	if (!start(arg))
		return 1;
	for (;;) {
		moat_word_t word;

		while (!quiet())
			;
		if (broken) {
			moat_printf(
				"virtio_net: the device or the switch broke a queue; stopped\n");
			for (;;)
				moat_wait(MOAT_DOMAIN_SLOT_INBOX);
		}
		word = moat_wait(MOAT_DOMAIN_SLOT_INBOX);
		if (word & MOAT_DOMAIN_IRQ_BIT) {
			if (net_dev_interrupt(&dev))
				moat_printf("virtio_net: the device asks to be reset\n");
			moat_invoke(MOAT_DOMAIN_SLOT_IRQ, MOAT_IRQ_HANDLER_ACK, 0, NULL, 0, NULL);
		}
	}
}
