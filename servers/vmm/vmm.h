/*
 * The VMM of one guest (docs/vm.md): what it holds while it serves the
 * guest's exits. main.c runs the loop and answers hypercalls and PSCI;
 * boot.c (re)loads the guest; the device models are vgic.c, pl011.c,
 * blk.c, net.c and vcon.c (over virtio_mmio.c).
 */
#ifndef MOAT_VMM_VMM_H
#define MOAT_VMM_VMM_H

#include <moat/console.h>
#include <moat/runtime.h>
#include <moat/vmm.h>

#include "blk.h"
#include "devtree.h"
#include "net.h"
#include "pl011.h"
#include "pvio.h"
#include "vcon.h"
#include "vgic.h"

/* SPIs are INTIDs from 32 (the device tree numbers them from 0). */
#define VMM_SPI_INTID(spi) (32u + (spi))
#define VMM_PV_IRQ_PRIORITY 0xa0u /* a PV guest's device interrupts, injected directly */

struct vmm {
	const struct moat_vmm_info *info;
	uint8_t *ram;         /* the guest's RAM in our space */
	const uint8_t *files; /* its kernel and initrd */
	struct devtree_config dt; /* the guest's physical map: its tree and our MMIO dispatch */
	struct vgic gic;
	struct pl011 uart;
	bool line_start;      /* the console is at the start of a line */
	bool console;         /* the PL011 is on a channel to the console server: */
	struct moat_console con;
	bool disk;            /* a virtio block device, the first virtio-mmio slot: */
	struct vblk blk;
	moat_cptr_t blk_signal; /* the block backend's inbox */
	bool nic;             /* a virtio network device, the next virtio-mmio slot: */
	unsigned net_slot;    /* its slot: 1 after a disk, else 0 */
	struct vnet net;
	moat_cptr_t net_signal; /* the network switch's inbox */
	bool hvc;             /* a virtio console on `con`, the next virtio-mmio slot: */
	unsigned vcon_slot;   /* its slot: after the disk and the NIC */
	struct vcon vcon;
	struct pvio pvio;     /* the PV guest's hypercall transport to those devices */
	bool on[MOAT_VMM_MAX_VCPUS]; /* PSCI's view: the vCPU runs (or waits to) */
	unsigned boots;
};

/*
 * (Re)starts the guest: every vCPU stopped, its RAM scrubbed, kernel,
 * initrd and device tree loaded, vCPU 0 reset and resumed at the kernel's
 * entry. NULL, or why not.
 */
const char *vmm_boot(struct vmm *vm);
/*
 * vCPU i from its reset state (MMU off, EL1h, interrupts masked, MPIDR
 * Aff0 = i) at `pc` with x0 = `x0`; false (and logged) if the kernel
 * refused. Stopping suspends it.
 */
bool vmm_vcpu_start(struct vmm *vm, unsigned i, uint64_t pc, uint64_t x0);
void vmm_vcpu_stop(struct vmm *vm, unsigned i);
/* The guest stops for good (every vCPU suspended). */
void vmm_stop(struct vmm *vm);
/* An event for the root server's log. */
void vmm_event(enum moat_guest_event e);

#endif
