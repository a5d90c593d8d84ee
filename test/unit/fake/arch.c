/* Host stand-ins for the arch layer: one CPU, a small ASID space. */
#include "arch/cpu.h"
#include "arch/vspace.h"

static struct cpu cpu;
static unsigned asids_used;

struct cpu *arch_cpu_current(void)
{
	return &cpu;
}

unsigned asid_available(void)
{
	return 16 - asids_used;
}

uint16_t asid_alloc(void)
{
	return (uint16_t)++asids_used;
}

void asid_free(uint16_t asid)
{
	(void)asid;
	asids_used--;
}
