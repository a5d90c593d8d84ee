/*
 * Validation of a whole system description against the platform: every
 * check of the table in docs/system.md. Every error is reported (not just
 * the first), each naming the declarations involved by kind, name and
 * `where`. validate.c holds the checks on declarations, channels and
 * memory; validate_devices.c those on devices and interrupts;
 * validate_vdisks.c those on virtual disks; validate_vnics.c those on
 * virtual NICs.
 */
#ifndef SYSGEN_VALIDATE_H
#define SYSGEN_VALIDATE_H

#include "description.h"
#include "diag.h"
#include "platform.h"

/* plat may be NULL (unreadable, already reported): device and RAM checks are skipped. */
void validate_system(const struct desc *desc, const struct platform *plat, struct diag *d);

/* Drivers' devices: known, not kept by the kernel, no page or INTID given twice. */
void validate_devices(const struct desc *desc, const struct platform *plat, struct diag *d);

/* Virtual disks: guest, backend, sector range, the channel between them. */
void validate_vdisks(const struct desc *desc, struct diag *d);

/* Virtual NICs: guest, switch, MAC, the channel between them. */
void validate_vnics(const struct desc *desc, struct diag *d);

/*
 * What a guest's device served by a domain over a channel needs (vdisk,
 * vnic): the wording of its errors and the channel's size.
 */
struct validate_served {
	const char *kind;	     /* "vdisk" */
	const char *verb;	     /* "serve it": no domain named '...' to <verb> */
	const char *server;	     /* "a block backend": what the server must be */
	const char *over;	     /* "the disk is served over it" */
	const char *rings;	     /* "block": its rings need the channel's memory */
	unsigned long long shared; /* bytes of shared memory the rings need */
};

/* v's `server`: a plain domain, else NULL (reported). */
const struct desc_decl *validate_server(const struct desc *desc, const struct desc_decl *v,
					const struct validate_served *w, struct diag *d);
/* The channel between server s and v's guest: there, large enough, notifying. */
void validate_server_channel(const struct desc *desc, const struct desc_decl *v,
			     const struct desc_decl *s, const struct validate_served *w,
			     struct diag *d);

/* The first channel joining a and b (either way round), or NULL. */
const struct desc_decl *validate_channel_between(const struct desc *desc, const char *a,
						 const char *b);

/*
 * Vnic v's MAC: its `mac` (false if absent or malformed) or, without one,
 * the default 02:4d:4f:00:00:<its guest's index + 1> (false if its guest
 * is unknown).
 */
bool validate_vnic_mac(const struct desc *desc, const struct desc_decl *v, uint8_t mac[6]);

#endif
