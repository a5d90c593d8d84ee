/*
 * The PL011 console driver (docs/console.md): the UART's registers and
 * interrupt, and one channel to the console server (moat/console.h). The
 * root server gives it the kernel's debug UART only after the kernel has
 * stopped using it. Bytes from the console server are transmitted (LF as
 * CR LF); received bytes, taken from the FIFO when the receive or receive
 * timeout interrupt fires, go to the console server. Neither direction
 * buffers more than one chunk: what does not fit the ring is dropped.
 */
#include <moat/console.h>
#include <moat/domain.h>
#include <moat/runtime.h>

#define UART_DR	  0x000
#define UART_FR	  0x018
#define UART_LCRH 0x02c
#define UART_CR	  0x030
#define UART_IMSC 0x038
#define UART_ICR  0x044

#define FR_RXFE	    (1u << 4)
#define FR_TXFF	    (1u << 5)
#define LCRH_FEN    (1u << 4)
#define LCRH_WLEN_8 (3u << 5)
#define CR_UARTEN   (1u << 0)
#define CR_TXE	    (1u << 8)
#define CR_RXE	    (1u << 9)
#define INT_RX	    (1u << 4)
#define INT_RT	    (1u << 6)
#define INT_ALL	    0x7ffu

static volatile uint32_t *regs;
static struct moat_console console;
static uint64_t rx_dropped;

static uint32_t rd(unsigned off)
{
	return regs[off / 4];
}

static void wr(unsigned off, uint32_t v)
{
	regs[off / 4] = v;
}

static void put(uint8_t c)
{
	while (rd(UART_FR) & FR_TXFF)
		;
	wr(UART_DR, c);
}

static void transmit(void)
{
	uint8_t buf[MOAT_CONSOLE_CHUNK_DATA];
	size_t n;

	while ((n = moat_console_read(&console, buf, sizeof(buf)))) {
		for (size_t i = 0; i < n; i++) {
			if (buf[i] == '\n')
				put('\r');
			put(buf[i]);
		}
	}
}

/*
 * The receive FIFO, emptied into the console server's ring. The interrupt
 * is cleared first: a byte that arrives after the last look at the FIFO
 * raises it again, where clearing it afterwards would lose it (the UART
 * raises RX only as the FIFO goes from empty to not), leaving the byte
 * and every later one unread.
 */
static void receive(void)
{
	uint8_t buf[MOAT_CONSOLE_CHUNK_DATA];
	size_t n = 0;

	wr(UART_ICR, INT_RX | INT_RT);
	while (!(rd(UART_FR) & FR_RXFE)) {
		buf[n++] = (uint8_t)rd(UART_DR);
		if (n == sizeof(buf)) {
			rx_dropped += n - moat_console_write(&console, buf, n);
			n = 0;
		}
	}
	if (n)
		rx_dropped += n - moat_console_write(&console, buf, n);
}

int main(void *arg)
{
	const struct moat_domain_info *info = arg;

	if (!info->device || !info->channel_count || moat_console_init(&console, 0)) {
		moat_printf("pl011: needs its device and a console channel\n");
		return 1;
	}
	regs = (volatile uint32_t *)(uintptr_t)info->device;
	/* The kernel left the UART at 115200 8N1 with FIFOs; only interrupts change. */
	wr(UART_LCRH, LCRH_WLEN_8 | LCRH_FEN);
	wr(UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
	wr(UART_ICR, INT_ALL);
	wr(UART_IMSC, INT_RX | INT_RT);
	moat_printf("pl011: UART at 0x%lx, INTID %lu, for console '%s'\n", info->device_paddr,
		    info->device_irq, info->channel[0].peer);
	for (;;) {
		moat_word_t word = moat_wait(MOAT_DOMAIN_SLOT_INBOX);

		if (word & MOAT_DOMAIN_IRQ_BIT) {
			receive();
			moat_invoke(MOAT_DOMAIN_SLOT_IRQ, MOAT_IRQ_HANDLER_ACK, 0, NULL, 0, NULL);
		}
		transmit();
	}
}
