/*
 * Moat kernel ABI: the kernel log ring (docs/console.md). Everything the
 * kernel prints, and every domain's DebugPutc, goes into one page of
 * kernel memory. The root server holds a read-only frame capability to it
 * (MOAT_SLOT_KLOG_FRAME) and the KLog capability (MOAT_SLOT_KLOG) whose
 * KLog_Attach hands the UART to a console driver: from then on the kernel
 * never touches the UART (but for panics) and signals the notification
 * given to Attach when there is output. Until then it prints every byte
 * itself as it is written.
 *
 * The page is written by the kernel only; a reader never writes it (it is
 * mapped read-only) and keeps its own read index. The stream is a sequence
 * of records, each a line or part of one from one writer:
 *   MOAT_KLOG_NAME, the writer's name (1-31 bytes from 0x20-0x7e),
 *   MOAT_KLOG_TEXT, the text (no MOAT_KLOG_NAME/TEXT bytes in it).
 * A record starts before every line and whenever the writer changes, so
 * lines of different writers never mix in one record, and a reader that
 * lost bytes resynchronises at the next MOAT_KLOG_NAME.
 */
#ifndef MOAT_ABI_KLOG_H
#define MOAT_ABI_KLOG_H

#include <stddef.h>

#include "types.h"

#define MOAT_KLOG_MAGIC	   0x31474f4c4b54414dull /* "MATKLOG1" */
#define MOAT_KLOG_BYTES	   4096u		 /* the whole page */
#define MOAT_KLOG_HEADER   64u
#define MOAT_KLOG_DATA	   (MOAT_KLOG_BYTES - MOAT_KLOG_HEADER) /* ring bytes (not a power of two) */
#define MOAT_KLOG_NAME_MAX 31
#define MOAT_KLOG_NAME	   0x01u /* starts a record: the writer's name follows */
#define MOAT_KLOG_TEXT	   0x02u /* ends the name: the text follows */
#define MOAT_KLOG_ATTACHED 1u	 /* flags: a console driver has the UART */

struct moat_klog {
	uint64_t magic;
	/*
	 * Bytes written since boot, free-running (64 bits: never wraps).
	 * Byte i is at data[i % MOAT_KLOG_DATA] until byte i + MOAT_KLOG_DATA
	 * overwrites it. Stored with release order after the bytes.
	 */
	uint64_t head;
	/* With MOAT_KLOG_ATTACHED: the kernel printed the bytes before this itself. */
	uint64_t attached_at;
	uint32_t flags;
	uint32_t pad;
	uint64_t reserved[4];
	uint8_t data[MOAT_KLOG_DATA];
};

_Static_assert(offsetof(struct moat_klog, head) == 8, "klog ABI");
_Static_assert(offsetof(struct moat_klog, attached_at) == 16, "klog ABI");
_Static_assert(offsetof(struct moat_klog, flags) == 24, "klog ABI");
_Static_assert(offsetof(struct moat_klog, data) == MOAT_KLOG_HEADER, "klog ABI");
_Static_assert(sizeof(struct moat_klog) == MOAT_KLOG_BYTES, "klog ABI");

#endif
