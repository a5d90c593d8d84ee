/*
 * Validation of a whole system description against the platform: every
 * check of the table in docs/system.md. Every error is reported (not just
 * the first), each naming the declarations involved by kind, name and
 * `where`. validate.c holds the checks on declarations, channels and
 * memory; validate_devices.c those on devices and interrupts;
 * validate_vdisks.c those on virtual disks.
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

#endif
