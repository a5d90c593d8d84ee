/*
 * The kernel log ring (ABI: moat/klog.h, docs/console.md). All console
 * output of the kernel and of DebugPutc goes through klog_put. Before a
 * console driver attaches, every byte is also printed on the UART at once;
 * afterwards the kernel leaves the UART alone and signals the attached
 * notification (from klog_flush, on the way out of the kernel) after a
 * newline or half a ring of output. Nothing here reads memory a domain
 * can write; the reader finds overruns from the indices.
 *   KLog_Attach: extra cap 0 a notification with the write right (its
 *   badge is delivered). Again: another notification; there is no detach.
 */
#ifndef MOAT_KLOG_H
#define MOAT_KLOG_H

#include "invocation.h"
#include "notification.h"

struct klog_args {
	struct notification *ntfn;
	uint64_t badge;
};

/* One byte from `writer` (NULL: the kernel itself). */
void klog_put(const struct tcb *writer, char c);

/* Whether a domain's line on the log is not finished yet (its last byte was no newline). */
bool klog_line_open(void);

/* Signals the attached notification if output is waiting: on the way out. */
void klog_flush(void);

/* From now on print straight to the UART (panics, halts): the last resort. */
void klog_emergency(void);

/* The page the root server's read-only frame capability names. */
void *klog_page(void);

struct kerror klog_decode(const struct invocation *inv, struct klog_args *a);
void klog_invoke(const struct klog_args *a);

/* `n` is going away: the log stops signalling it. */
void klog_forget_notification(const struct notification *n);

#endif
