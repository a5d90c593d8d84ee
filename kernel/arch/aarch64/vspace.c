/* Lower-half address spaces and ASIDs; see arch/vspace.h. */
#include "arch/vspace.h"

#include "arch/mmu.h"
#include "pt.h"
#include "sysreg.h"

static uint64_t empty_table[512] __attribute__((aligned(4096)));
static uint64_t asid_used[ASID_COUNT / 64] = { 1 }; /* ASID 0 reserved */
static unsigned asid_free_count = ASID_COUNT - 1;
static unsigned asid_hint = 1;

void arch_vspace_activate(const struct cap *vspace)
{
	uint64_t ttbr = vspace ? kva_to_pa(cap_ptr(vspace)).bits | ((uint64_t)vspace->extra << 48)
			       : kva_to_pa(empty_table).bits;

	sysreg_write(ttbr0_el2, ttbr);
	isb();
}

unsigned asid_available(void)
{
	return asid_free_count;
}

uint16_t asid_alloc(void)
{
	for (unsigned n = 0; n < ASID_COUNT; n++) {
		unsigned a = (asid_hint + n) % ASID_COUNT;

		if (!(asid_used[a / 64] & (1ul << (a % 64)))) {
			asid_used[a / 64] |= 1ul << (a % 64);
			asid_free_count--;
			asid_hint = a + 1;
			return (uint16_t)a;
		}
	}
	return 0; /* unreachable when asid_available() was checked */
}

void asid_free(uint16_t asid)
{
	if (asid == 0 || !(asid_used[asid / 64] & (1ul << (asid % 64))))
		return;
	asid_used[asid / 64] &= ~(1ul << (asid % 64));
	asid_free_count++;
	/* Nothing tagged with this ASID may outlive it. */
	__asm__ volatile("dsb ishst; tlbi aside1is, %0; dsb ish; isb" ::"r"((uint64_t)asid << 48)
			 : "memory");
}

bool vspace_map_boot(const struct cap *vspace, uint64_t va, paddr_t pa, uint64_t size,
		     unsigned perm, const struct pt_alloc *alloc)
{
	struct pt pt = { .root = kva_to_pa(cap_ptr(vspace)), .upper = false, .alloc = alloc };

	return pt_map(&pt, va_make(va), pa, size, (struct pt_attr){ PT_MEM_NORMAL, perm | PT_USER }) ==
	       PT_OK;
}
