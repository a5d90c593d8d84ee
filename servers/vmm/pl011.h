/*
 * The guest's PL011 UART (Arm DDI 0183), as Linux's amba-pl011 driver and
 * earlycon use it. Output never backs up: every byte written to DR goes
 * straight to the `out` callback, so the TX FIFO always looks empty.
 * Input comes from pl011_input() into a 16-byte RX FIFO (1 byte while
 * LCR_H.FEN is clear, as in hardware). No DMA, modem lines, loopback or
 * receive errors.
 */
#ifndef MOAT_VMM_PL011_H
#define MOAT_VMM_PL011_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PL011_SIZE 0x1000ull
#define PL011_FIFO 16

struct pl011 {
	void (*out)(void *ctx, uint8_t c);
	void *ctx;
	uint8_t rx[PL011_FIFO];
	uint8_t rx_head, rx_count; /* the oldest byte, how many */
	uint16_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr;
};

/* Reset state; `out` receives every byte the guest transmits. */
void pl011_init(struct pl011 *p, void (*out)(void *ctx, uint8_t c), void *ctx);

/*
 * A guest access at `off` in the 4 KiB frame: 1, 2 or 4 bytes at a
 * register's (4-byte aligned) offset; reads store the zero-extended value
 * in *value. False for anything else: the caller injects an abort.
 */
bool pl011_access(struct pl011 *p, uint64_t off, unsigned size, bool write, uint64_t *value);

/* A byte from the console. False (dropped) if the FIFO is full or the
 * receiver is off (CR.UARTEN and CR.RXE). */
bool pl011_input(struct pl011 *p, uint8_t c);
/* How many bytes pl011_input() would take now (0 with the receiver off). */
unsigned pl011_rx_room(const struct pl011 *p);

/* The interrupt line (UARTINTR: RIS & IMSC != 0), for vgic_set_level. */
bool pl011_irq_level(const struct pl011 *p);

#endif
