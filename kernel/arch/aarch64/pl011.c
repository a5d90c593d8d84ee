/* PL011 UART, polled transmit only: the kernel's debug console. */
#include "arch/console.h"

#include "arch/mmu.h"
#include "platform.h"
#include "sysreg.h"

#define UART_DR 0x000
#define UART_FR 0x018
#define UART_IBRD 0x024
#define UART_FBRD 0x028
#define UART_LCRH 0x02c
#define UART_CR 0x030
#define UART_IMSC 0x038

#define FR_TXFF (1u << 5)
#define LCRH_FEN (1u << 4)
#define LCRH_WLEN_8 (3u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

static uintptr_t uart(void)
{
	return device_kva(PLATFORM_UART_BASE);
}

void arch_console_init(void)
{
	mmio_write32(uart() + UART_CR, 0);
	mmio_write32(uart() + UART_IMSC, 0);
	/* 115200 baud from the 24 MHz reference clock of QEMU's virt board. */
	mmio_write32(uart() + UART_IBRD, 13);
	mmio_write32(uart() + UART_FBRD, 1);
	mmio_write32(uart() + UART_LCRH, LCRH_WLEN_8 | LCRH_FEN);
	mmio_write32(uart() + UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
}

void arch_console_putc(char c)
{
	while (mmio_read32(uart() + UART_FR) & FR_TXFF)
		;
	mmio_write8(uart() + UART_DR, (uint8_t)c);
}
