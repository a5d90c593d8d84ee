/* Kernel console output: into the kernel log (klog.h), as the kernel's own. */
#ifndef MOAT_KPRINTF_H
#define MOAT_KPRINTF_H

#include "types.h"

/*
 * For messages a domain can cause at will (failed invocations, faults):
 * true for the first KLOG_BURST, then for one in KLOG_EVERY, so a hostile
 * domain cannot flood the console. The rest are counted.
 */
#define KLOG_BURST 64
#define KLOG_EVERY 4096
bool klog_allow(void);
uint64_t klog_suppressed(void);

size_t kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
size_t kvprintf(const char *fmt, va_list ap);

#endif
