/*
 * The VMM of one guest (docs/vm.md): what it holds while it serves the
 * guest's exits. main.c runs the loop and answers hypercalls and PSCI;
 * boot.c (re)loads the guest; the device models are vgic.c and pl011.c.
 */
#ifndef MOAT_VMM_VMM_H
#define MOAT_VMM_VMM_H

#include <moat/runtime.h>
#include <moat/vmm.h>

#include "pl011.h"
#include "vgic.h"

/* The guest's physical map (devtree.h has the same as defaults). */
#define VMM_GICD_IPA 0x08000000ull
#define VMM_GICR_IPA 0x080a0000ull
#define VMM_UART_IPA 0x09000000ull
#define VMM_UART_SIZE 0x1000ull
#define VMM_UART_INTID 33

struct vmm {
	const struct moat_vmm_info *info;
	uint8_t *ram;         /* the guest's RAM in our space */
	const uint8_t *files; /* its kernel and initrd */
	struct vgic gic;
	struct pl011 uart;
	bool line_start;      /* the console is at the start of a line */
	unsigned boots;
};

/*
 * (Re)starts the guest: its RAM scrubbed, kernel, initrd and device tree
 * loaded, vCPU 0 reset and resumed at the kernel's entry. NULL, or why not.
 */
const char *vmm_boot(struct vmm *vm);
/* The guest stops for good (vCPU suspended). */
void vmm_stop(struct vmm *vm);
/* An event for the root server's log. */
void vmm_event(enum moat_guest_event e);

#endif
