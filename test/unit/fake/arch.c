/*
 * Host stand-ins for the arch layer: one CPU and a small ASID table. The
 * host tests make no mappings; the mapping entry points abort if reached.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/cpu.h"
#include "arch/irq.h"
#include "arch/timer.h"
#include "arch/vcpu.h"
#include "irq.h"
#include "arch/vspace.h"
#include "fake_time.h"
#include "klog.h"
#include "kprintf.h"

static struct cpu cpu;
static void *asids[16];

struct cpu *arch_cpu_current(void)
{
	return &cpu;
}

/* An interrupt controller with 64 lines; the tests read what is enabled. */
bool fake_irq_enabled[64];

unsigned arch_irq_lines(void)
{
	return 64;
}

void arch_irq_enable(unsigned intid)
{
	fake_irq_enabled[intid] = true;
}

void arch_irq_disable(unsigned intid)
{
	fake_irq_enabled[intid] = false;
}

/* The counter: 1 MHz, advanced by the tests themselves. */
uint64_t fake_now;

uint64_t arch_timer_freq(void)
{
	return 1000000;
}

uint64_t arch_timer_now(void)
{
	return fake_now;
}

unsigned asid_available(void)
{
	unsigned n = 0;

	for (unsigned i = 1; i < 16; i++)
		n += !asids[i];
	return n;
}

uint16_t asid_alloc(void *root)
{
	for (uint16_t i = 1; i < 16; i++) {
		if (!asids[i]) {
			asids[i] = root;
			return i;
		}
	}
	abort();
}

void asid_free(uint16_t asid)
{
	asids[asid] = NULL;
}

void *asid_lookup(uint16_t asid)
{
	return asid < 16 ? asids[asid] : NULL;
}

enum vspace_result vspace_check_map(void *root, uint64_t va, unsigned size_bits,
				    unsigned *level)
{
	(void)root, (void)va, (void)size_bits, (void)level;
	abort();
}

void vspace_map(void *root, uint16_t asid, uint64_t va, paddr_t pa, unsigned size_bits,
		unsigned perm, unsigned mem)
{
	(void)root, (void)asid, (void)va, (void)pa, (void)size_bits, (void)perm, (void)mem;
	abort();
}

void vspace_unmap(void *root, uint16_t asid, uint64_t va, paddr_t pa, unsigned size_bits)
{
	(void)root, (void)asid, (void)va, (void)pa, (void)size_bits;
	abort();
}

enum vspace_result vspace_check_table(void *root, uint64_t va, unsigned *level)
{
	(void)root, (void)va, (void)level;
	abort();
}

void vspace_install_table(void *root, uint64_t va, paddr_t table)
{
	(void)root, (void)va, (void)table;
	abort();
}

void vspace_remove_table(void *root, uint16_t asid, uint64_t va, paddr_t table)
{
	(void)root, (void)asid, (void)va, (void)table;
	abort();
}

/* Kernel log lines go to the test's stderr. */
size_t kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return n < 0 ? 0 : (size_t)n;
}

bool klog_allow(void)
{
	return true;
}

/* The kernel log ring is not part of the host tests. */
void klog_forget_notification(const struct notification *n)
{
	(void)n;
}

void klog_put(const struct tcb *writer, char c)
{
	(void)writer;
	fputc(c, stderr);
}

/* Guests: no world switch on the host; the tests make no guest mappings. */
unsigned guest_ids_available(void)
{
	return 0;
}

uint16_t asid_alloc_guest(void *root)
{
	(void)root;
	abort();
}

bool vspace_translate(void *root, uint64_t va, paddr_t *pa)
{
	(void)root, (void)va, (void)pa;
	return false;
}

void arch_vcpu_reset(struct vcpu_regs *r)
{
	*r = (struct vcpu_regs){ 0 };
}

void arch_vcpu_load_el1(const struct vcpu_regs *r)
{
	(void)r;
	abort();
}

void arch_vcpu_save_el1(struct vcpu_regs *r)
{
	(void)r;
	abort();
}

void arch_vcpu_enter(const struct vcpu_regs *r, paddr_t stage2_root, uint16_t vmid, bool fp)
{
	(void)r, (void)stage2_root, (void)vmid, (void)fp;
	abort();
}

void arch_vcpu_exit(struct vcpu_regs *r)
{
	(void)r;
	abort();
}

void arch_fp_untrap(void)
{
	abort();
}

void arch_fp_trap(void)
{
	abort();
}

void arch_fp_save(struct vcpu_fp *fp)
{
	(void)fp;
	abort();
}

void arch_fp_load(const struct vcpu_fp *fp)
{
	(void)fp;
	abort();
}

uint64_t arch_vcpu_id_register(uint32_t encoding)
{
	(void)encoding;
	abort();
}

uint64_t arch_vcpu_fault_ipa(void)
{
	abort();
}

uint64_t arch_vcpu_fault_va(void)
{
	abort();
}

unsigned arch_vgic_lrs(void)
{
	return 4;
}

unsigned arch_vgic_maintenance_intid(void)
{
	return 25;
}

void arch_vgic_load(const struct vcpu_vgic *g, bool refill)
{
	(void)g, (void)refill;
	abort();
}

void arch_vgic_save(struct vcpu_vgic *g)
{
	(void)g;
	abort();
}

/* The kernel's own interrupt table is not part of the host tests. */
void irq_register(unsigned intid, irq_handler_fn fn)
{
	(void)intid, (void)fn;
}
