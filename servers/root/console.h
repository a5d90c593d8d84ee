/*
 * Handing the kernel's console over (docs/console.md): the driver of the
 * kernel's debug UART gets its registers only once the kernel has stopped
 * using them, and the domain declared KERNEL_LOG reads the kernel log.
 */
#ifndef MOAT_ROOT_CONSOLE_H
#define MOAT_ROOT_CONSOLE_H

#include "loader.h"

/*
 * Before any domain starts: maps the kernel log into the reader (if one is
 * declared) and, if a driver of the kernel's UART is declared too, attaches
 * the reader's inbox to the kernel log (KLog_Attach), so that the kernel
 * leaves the UART to the driver. A UART driver that cannot have it is not
 * started (ready[i] false), so kernel and driver never both drive the UART.
 */
void console_handover(struct domain *domains, bool *ready, unsigned n);

#endif
