/*
 * A deliberate kernel fault: a load from an unmapped upper-half address.
 * The run passes only if the kernel reports it (class, fault status, FAR,
 * registers) and then panics, ending QEMU with the panic status.
 */
#include "kernel.h"
#include "kprintf.h"
#include "ktest.h"

#define UNMAPPED 0xffff7000dead0040UL

void kernel_payload(void)
{
	register uint64_t marker __asm__("x19") = 0x1234;
	uint64_t v;

	kprintf("fault: loading from 0x%lx\n", UNMAPPED);
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(UNMAPPED), "r"(marker) : "memory");
	kprintf("fault: load returned 0x%lx\n", v);
	ktest_fail("the load faults", __FILE__, __LINE__);
}
