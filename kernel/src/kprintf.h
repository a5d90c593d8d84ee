/* Kernel console output (debug UART). */
#ifndef MOAT_KPRINTF_H
#define MOAT_KPRINTF_H

#include "types.h"

size_t kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
size_t kvprintf(const char *fmt, va_list ap);

#endif
