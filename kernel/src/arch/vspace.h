/*
 * Native domains' address spaces (the lower half, TTBR0_EL2, one ASID each).
 * A VSpace object is its level-0 table; the ASID lives in its capability.
 */
#ifndef MOAT_ARCH_VSPACE_H
#define MOAT_ARCH_VSPACE_H

#include "cap.h"

/*
 * ASIDs name VSpaces for the TLB and for the kernel: a mapping records the
 * ASID of its VSpace, and is only touched again if the ASID still names
 * that VSpace. 4096 of them (ASID 0 is the kernel's empty space).
 */
#define ASID_COUNT 4096

/* Switches the lower half to `vspace` (NULL: nothing mapped). */
void arch_vspace_activate(const struct cap *vspace);

/* ASIDs: allocation never fails once asid_available() said enough are left. */
unsigned asid_available(void);
uint16_t asid_alloc(void *vspace_root);
/*
 * A guest's stage-2 space (GuestSpace) takes an ID from the same table,
 * below GUEST_SPACE_IDS: it is the guest's VMID (8 bits). Its mappings use
 * stage-2 descriptors and its TLB entries are flushed by VMID.
 */
#define GUEST_SPACE_IDS 256
unsigned guest_ids_available(void);
uint16_t asid_alloc_guest(void *root);

/* The physical address `va` maps to through a 4 KiB page, if it does. */
bool vspace_translate(void *root, uint64_t va, paddr_t *pa);
void asid_free(uint16_t asid);
/* The VSpace root an ASID names, or NULL. */
void *asid_lookup(uint16_t asid);

/* Frame mapping into a VSpace (kernel address of its root table). */
enum vspace_result {
	VSPACE_OK,
	VSPACE_MISSING_TABLE, /* *level: the first table level that is missing */
	VSPACE_EXISTS,        /* something is mapped there already */
};

enum vspace_result vspace_check_map(void *root, uint64_t va, unsigned size_bits,
				    unsigned *level);
void vspace_map(void *root, uint16_t asid, uint64_t va, paddr_t pa, unsigned size_bits,
		unsigned perm, unsigned mem);
/* Removes the mapping at va if it still maps pa; flushes it from the TLB. */
void vspace_unmap(void *root, uint16_t asid, uint64_t va, paddr_t pa, unsigned size_bits);

/* Page-table objects: where one would go, and putting it there. */
enum vspace_result vspace_check_table(void *root, uint64_t va, unsigned *level);
void vspace_install_table(void *root, uint64_t va, paddr_t table);
/* Unlinks the table at `level` covering va if it is `table`. */
void vspace_remove_table(void *root, uint16_t asid, uint64_t va, paddr_t table);

/*
 * Maps [va, va + size) of a VSpace to physical memory, allocating missing
 * tables from `alloc`. Used by the kernel to build the root server.
 */
struct pt_alloc;
bool vspace_map_boot(const struct cap *vspace, uint64_t va, paddr_t pa, uint64_t size,
		     unsigned perm, const struct pt_alloc *alloc);

#endif
