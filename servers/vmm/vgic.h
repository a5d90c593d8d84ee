/*
 * The guest's GICv3 distributor and redistributors, emulated from the
 * MMIO accesses the kernel forwards (docs/vm.md). One security state
 * (GICD_CTLR.DS=1), affinity routing always on, SGIs, PPIs and SPIs up to
 * INTID 255, no LPIs or ITS. The kernel owns the list registers: this
 * module only decides what becomes pending and hands each interrupt over
 * once (vgic_next); the kernel keeps it pending until the guest takes it.
 * For a level-sensitive interrupt the kernel also reports when the guest
 * has ended it (MOAT_VIRQ_EOI), and vgic_eoi samples its line again.
 */
#ifndef MOAT_VMM_VGIC_H
#define MOAT_VMM_VGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VGIC_MAX_VCPUS	8
#define VGIC_NR_IRQS	256 /* INTIDs 0-255: SGIs 0-15, PPIs 16-31, SPIs 32-255 */
#define VGIC_NR_PRIVATE 32
#define VGIC_NR_BANKS	(VGIC_NR_IRQS / 32)

#define VGIC_DIST_SIZE	   0x10000ull /* GICD: one 64 KiB frame */
#define VGIC_REDIST_STRIDE 0x20000ull /* GICR per vCPU: RD_base, SGI_base */

/* The state of 32 consecutive INTIDs, one bit (or byte) per INTID. */
struct vgic_bank {
	uint32_t group; /* 1: Group 1 (the only group injected) */
	uint32_t enabled;
	uint32_t pending; /* waiting to be handed to the kernel */
	uint32_t handed;  /* level-sensitive, with the kernel until the guest ends it */
	uint32_t active;  /* as the guest wrote it (the real one is in the LRs) */
	uint32_t level;	  /* the input line, for level-sensitive interrupts */
	uint32_t edge;	  /* 1: edge-triggered, 0: level-sensitive */
	uint8_t prio[32];
};

struct vgic_cpu {
	struct vgic_bank priv; /* SGIs and PPIs of this vCPU */
	bool asleep;	       /* GICR_WAKER.ProcessorSleep: register state only */
};

struct vgic {
	unsigned vcpus;
	bool grp1; /* GICD_CTLR.EnableGrp1 */
	struct vgic_cpu cpu[VGIC_MAX_VCPUS];
	struct vgic_bank spi[VGIC_NR_BANKS]; /* [0] unused: INTIDs < 32 are per vCPU */
	uint64_t irouter[VGIC_NR_IRQS];	     /* GICD_IROUTER<n>, n >= 32 */
	uint8_t handed_to[VGIC_NR_IRQS];     /* the vCPU a handed interrupt went to */
};

/* An interrupt for the kernel to inject. */
struct vgic_irq {
	unsigned vcpu, intid;
	uint8_t prio;
	bool eoi; /* level-sensitive: inject with MOAT_VIRQ_EOI, then vgic_eoi */
};

/* Reset state for `vcpus` vCPUs (1..VGIC_MAX_VCPUS); false if out of range. */
bool vgic_init(struct vgic *g, unsigned vcpus);

/*
 * A guest access at `offset` into the distributor frame, or into the
 * whole redistributor region (vCPU n at n * VGIC_REDIST_STRIDE). Reads
 * store the zero-extended value in *value. False when the access is not
 * one the architecture defines (size, alignment, beyond the last
 * redistributor): the caller injects an abort.
 */
bool vgic_dist_access(struct vgic *g, uint64_t offset, unsigned size, bool write, uint64_t *value);
bool vgic_redist_access(struct vgic *g, uint64_t offset, unsigned size, bool write,
			uint64_t *value);

/*
 * A device's interrupt line. `vcpu` selects the bank for a PPI and is
 * ignored for an SPI. Edge-triggered: a rising edge makes it pending.
 * Level-sensitive: a rising edge while enabled makes it pending, a falling
 * edge takes back a pending state not yet handed over. False for an INTID
 * or vCPU out of range, or an SGI.
 */
bool vgic_set_level(struct vgic *g, unsigned vcpu, unsigned intid, bool level);
/* Makes an interrupt pending as an edge would. False if out of range. */
bool vgic_set_pending(struct vgic *g, unsigned vcpu, unsigned intid);

/*
 * A write of ICC_SGI1R_EL1 by vCPU `from`: the SGI becomes pending on
 * every target (TargetList with Aff3.Aff2.Aff1 and RS, or all but `from`
 * with IRM=1). Targets that are not one of our vCPUs are ignored.
 */
void vgic_sgi(struct vgic *g, uint64_t sgi1r, unsigned from);

/*
 * The next interrupt to inject: pending, enabled, Group 1, Group 1
 * enabled in GICD_CTLR and (an SPI) routed to one of our vCPUs. Its
 * pending state is cleared here: from now on the kernel holds it, and a
 * level-sensitive one is not handed over again before vgic_eoi. False
 * when there is none.
 */
bool vgic_next(struct vgic *g, struct vgic_irq *out);

/*
 * The guest on vCPU `vcpu` ended `intid` (the kernel's MOAT_FAULT_GUEST_EOI):
 * pending again if its line is still high. Ignored unless it was handed to
 * that vCPU.
 */
void vgic_eoi(struct vgic *g, unsigned vcpu, unsigned intid);

/* vCPU `vcpu` was reset, its list registers with it: what it held is ours again. */
void vgic_vcpu_reset(struct vgic *g, unsigned vcpu);

#endif
