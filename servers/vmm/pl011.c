/*
 * PL011 UART emulation. The interrupt status is derived from the state on
 * every read, never latched: TX is raised whenever the transmitter is on
 * (its FIFO is always below any trigger level), RX whenever the receive
 * FIFO holds a byte. ICR therefore has nothing to clear; the driver
 * lowers the line by masking TX (IMSC) and draining RX (DR).
 */
#include "pl011.h"

#define UART_DR	       0x000
#define UART_RSR       0x004 /* RSR on read, ECR on write */
#define UART_FR	       0x018
#define UART_ILPR      0x020
#define UART_IBRD      0x024
#define UART_FBRD      0x028
#define UART_LCR_H     0x02c
#define UART_CR	       0x030
#define UART_IFLS      0x034
#define UART_IMSC      0x038
#define UART_RIS       0x03c
#define UART_MIS       0x040
#define UART_ICR       0x044
#define UART_DMACR     0x048
#define UART_PERIPHID0 0xfe0

#define FR_RXFE (1u << 4)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)

#define LCR_H_FEN (1u << 4)

#define CR_UARTEN (1u << 0)
#define CR_TXE	  (1u << 8)
#define CR_RXE	  (1u << 9)
#define CR_RESET  (CR_TXE | CR_RXE)

#define INT_RX	(1u << 4)
#define INT_TX	(1u << 5)
#define INT_ALL 0x7ffu

#define IFLS_RESET 0x12 /* both trigger levels at half full */

/* PeriphID0-3 (part 0x011, Arm, revision r1p5), then PrimeCell CellID0-3. */
static const uint8_t pl011_ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

void pl011_init(struct pl011 *p, void (*out)(void *ctx, uint8_t c), void *ctx)
{
	p->out = out;
	p->ctx = ctx;
	for (unsigned i = 0; i < PL011_FIFO; i++)
		p->rx[i] = 0;
	p->rx_head = 0;
	p->rx_count = 0;
	p->ilpr = 0;
	p->ibrd = 0;
	p->fbrd = 0;
	p->lcr_h = 0;
	p->cr = CR_RESET;
	p->ifls = IFLS_RESET;
	p->imsc = 0;
	p->dmacr = 0;
}

static unsigned rx_capacity(const struct pl011 *p)
{
	return (p->lcr_h & LCR_H_FEN) ? PL011_FIFO : 1;
}

unsigned pl011_rx_room(const struct pl011 *p)
{
	if ((p->cr & (CR_UARTEN | CR_RXE)) != (CR_UARTEN | CR_RXE))
		return 0;
	return p->rx_count < rx_capacity(p) ? rx_capacity(p) - p->rx_count : 0;
}

bool pl011_input(struct pl011 *p, uint8_t c)
{
	if (!pl011_rx_room(p))
		return false;
	p->rx[(p->rx_head + p->rx_count) % PL011_FIFO] = c;
	p->rx_count++;
	return true;
}

static uint32_t rx_pop(struct pl011 *p)
{
	uint8_t c;

	if (p->rx_count == 0)
		return 0;
	c = p->rx[p->rx_head];
	p->rx_head = (uint8_t)((p->rx_head + 1) % PL011_FIFO);
	p->rx_count--;
	return c; /* error bits [11:8] are always clear */
}

static uint32_t flags(const struct pl011 *p)
{
	uint32_t fr = FR_TXFE;

	if (p->rx_count == 0)
		fr |= FR_RXFE;
	if (p->rx_count >= rx_capacity(p))
		fr |= FR_RXFF;
	return fr;
}

static uint32_t raw_status(const struct pl011 *p)
{
	uint32_t ris = 0;

	if ((p->cr & (CR_UARTEN | CR_TXE)) == (CR_UARTEN | CR_TXE))
		ris |= INT_TX;
	if (p->rx_count != 0)
		ris |= INT_RX;
	return ris;
}

bool pl011_irq_level(const struct pl011 *p)
{
	return (raw_status(p) & p->imsc) != 0;
}

static uint32_t reg_read(struct pl011 *p, uint64_t off)
{
	if (off >= UART_PERIPHID0)
		return pl011_ids[(off - UART_PERIPHID0) / 4];
	switch (off) {
	case UART_DR:
		return rx_pop(p);
	case UART_FR:
		return flags(p);
	case UART_ILPR:
		return p->ilpr;
	case UART_IBRD:
		return p->ibrd;
	case UART_FBRD:
		return p->fbrd;
	case UART_LCR_H:
		return p->lcr_h;
	case UART_CR:
		return p->cr;
	case UART_IFLS:
		return p->ifls;
	case UART_IMSC:
		return p->imsc;
	case UART_RIS:
		return raw_status(p);
	case UART_MIS:
		return raw_status(p) & p->imsc;
	case UART_DMACR:
		return p->dmacr;
	default: /* RSR (no errors), ICR (write-only), test and reserved registers */
		return 0;
	}
}

static void reg_write(struct pl011 *p, uint64_t off, uint32_t v)
{
	switch (off) {
	case UART_DR:
		/* Sent even while disabled, as QEMU does: earlycon may not enable it. */
		p->out(p->ctx, (uint8_t)v);
		break;
	case UART_ILPR:
		p->ilpr = v & 0xff;
		break;
	case UART_IBRD:
		p->ibrd = v & 0xffff;
		break;
	case UART_FBRD:
		p->fbrd = v & 0x3f;
		break;
	case UART_LCR_H:
		p->lcr_h = v & 0xff;
		break;
	case UART_CR:
		p->cr = v & 0xff87; /* bits [6:3] are reserved */
		break;
	case UART_IFLS:
		p->ifls = v & 0x3f;
		break;
	case UART_IMSC:
		p->imsc = v & INT_ALL;
		break;
	case UART_DMACR:
		p->dmacr = v & 0x7;
		break;
	default: /* ECR, ICR: nothing is latched; read-only and reserved: WI */
		break;
	}
}

bool pl011_access(struct pl011 *p, uint64_t off, unsigned size, bool write, uint64_t *value)
{
	uint32_t mask;

	if (off >= PL011_SIZE || off % 4 != 0 || (size != 1 && size != 2 && size != 4))
		return false;
	mask = size == 4 ? UINT32_MAX : (1u << (size * 8)) - 1;
	if (write)
		reg_write(p, off, (uint32_t)*value & mask);
	else
		*value = reg_read(p, off) & mask;
	return true;
}
