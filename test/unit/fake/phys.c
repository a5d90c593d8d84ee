/* Host implementation of phys.h over a static arena; see fake_phys.h. */
#include "fake/fake_phys.h"

#include <assert.h>
#include <string.h>

#include "phys.h"

static unsigned char arena[FAKE_PHYS_SIZE] __attribute__((aligned(1 << 21)));

void fake_phys_reset(void)
{
	memset(arena, 0xa5, sizeof(arena));
}

paddr_t fake_phys_base(void)
{
	return pa_make(FAKE_PHYS_BASE);
}

void *phys_to_kva(paddr_t pa)
{
	assert(pa.bits >= FAKE_PHYS_BASE && pa.bits < FAKE_PHYS_BASE + FAKE_PHYS_SIZE);
	return arena + (pa.bits - FAKE_PHYS_BASE);
}

paddr_t kva_to_phys(const void *kva)
{
	const unsigned char *p = kva;

	assert(p >= arena && p < arena + sizeof(arena));
	return pa_make(FAKE_PHYS_BASE + (uint64_t)(p - arena));
}
