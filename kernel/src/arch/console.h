/* The kernel's debug console: a polled UART. */
#ifndef MOAT_ARCH_CONSOLE_H
#define MOAT_ARCH_CONSOLE_H

void arch_console_init(void);
void arch_console_putc(char c);

#endif
