/*
 * The system description (<name>.system, docs/system.md): its declarations
 * as parsed, before validation. The text is untrusted: lines and names are
 * bounded, numbers are overflow-checked, and a value that did not parse is
 * marked invalid so that later checks skip it instead of piling up errors.
 */
#ifndef SYSGEN_DESCRIPTION_H
#define SYSGEN_DESCRIPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define DESC_LINE_MAX	   4096	      /* characters in one line, without the newline */
#define DESC_FILE_MAX	   (4u << 20) /* bytes in one description */
#define DESC_DECL_MAX	   4096	      /* declarations; keeps domain indices in uint16_t */
#define DESC_NAME_MAX	   64	      /* characters in one name */
#define DESC_PAGE_SIZE	   4096
#define DESC_DEFAULT_STACK 16384 /* a domain's stack when `stack` is absent */
#define DESC_DEFAULT_VCPUS 1	 /* a guest's vCPUs when `vcpus` is absent */
#define DESC_DEFAULT_GUEST_PRIORITY 100 /* a guest's vCPU thread when `priority` is absent */

enum desc_kind {
	DESC_SYSTEM,
	DESC_DOMAIN,
	DESC_DRIVER,
	DESC_CHANNEL,
	DESC_GUEST,
	DESC_VDISK,
	DESC_VNIC
};

/* Every key any block may hold; which kinds accept which is in description.c. */
enum desc_field {
	DESC_F_PLATFORM,
	DESC_F_PROGRAM,
	DESC_F_DEVICE,
	DESC_F_PRIORITY,
	DESC_F_BUDGET_US,
	DESC_F_PERIOD_US,
	DESC_F_STACK,
	DESC_F_HEAP,
	DESC_F_DMA,
	DESC_F_SHARED_MEMORY,
	DESC_F_NOTIFY,
	DESC_F_KERNEL,
	DESC_F_INITRD,
	DESC_F_BOOTARGS,
	DESC_F_MEMORY,
	DESC_F_VCPUS,
	DESC_F_DISK,
	DESC_F_NET,
	DESC_F_CONSOLE,
	DESC_F_VMM,
	DESC_F_KERNEL_LOG,
	DESC_F_SERVER,
	DESC_F_FIRST,
	DESC_F_SECTORS,
	DESC_F_READ_ONLY,
	DESC_F_MAC,
	DESC_F_WHERE,
	DESC_F_COUNT
};
_Static_assert(DESC_F_COUNT <= 32, "present and invalid hold one bit per field");

struct desc_decl {
	enum desc_kind kind;
	char *name;	  /* the block's name; a channel's first domain; a vdisk's or vnic's guest */
	char *peer;	  /* a channel's second domain, else NULL */
	char *where;	  /* the `where` value, or "<file>:<line>" of the block */
	uint32_t present; /* one bit per enum desc_field: the key was given */
	uint32_t invalid; /* ... and its value did not parse (already reported) */
	char *text[DESC_F_COUNT];
	uint64_t num[DESC_F_COUNT];
};

struct desc {
	char *file; /* the description's path, for messages */
	struct desc_decl *decls;
	size_t count;
};

/* Parse a description; errors go to d. Whatever parsed is kept in desc.
 * desc_parse_file is false if the file could not be read at all. */
bool desc_parse_file(struct desc *desc, const char *path, struct diag *d);
void desc_parse_buffer(struct desc *desc, const char *file, const char *buf, size_t len,
		       struct diag *d);
void desc_free(struct desc *desc);

const char *desc_kind_name(enum desc_kind kind);
/* The key was given with a valid value. */
bool desc_has(const struct desc_decl *decl, enum desc_field f);
uint64_t desc_num(const struct desc_decl *decl, enum desc_field f, uint64_t absent);
const char *desc_text(const struct desc_decl *decl, enum desc_field f, const char *absent);
/* The first domain, driver or guest called name, or NULL. */
const struct desc_decl *desc_find(const struct desc *desc, const char *name);
/* A domain's or driver's index in sys_domains (domains and drivers in order). */
size_t desc_domain_index(const struct desc *desc, const struct desc_decl *decl);
/* (For a guest: its index among the guests.) */
bool desc_is_domain(const struct desc_decl *decl);

#endif
