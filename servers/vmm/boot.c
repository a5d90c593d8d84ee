/*
 * (Re)starting the guest: every boot, the first one too, begins from
 * scrubbed RAM and the pristine kernel and initrd the root server gave us,
 * so nothing of a previous run survives a reset.
 */
#include "layout.h"
#include "vmm.h"

/* Word copies and fills: the VMM has no libc, and these move megabytes. */
static void copy(uint8_t *dst, const uint8_t *src, uint64_t n)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;
	uint64_t words = n / 8;

	for (uint64_t i = 0; i < words; i++)
		d[i] = s[i];
	for (uint64_t i = words * 8; i < n; i++)
		dst[i] = src[i];
}

static void scrub(uint8_t *dst, uint64_t n)
{
	uint64_t *d = (uint64_t *)dst;

	for (uint64_t i = 0; i < n / 8; i++)
		d[i] = 0;
}

void vmm_vcpu_stop(struct vmm *vm, unsigned i)
{
	moat_invoke(MOAT_VMM_SLOT_VCPU_TCB(i), MOAT_TCB_SUSPEND, 0, NULL, 0, NULL);
	vm->on[i] = false;
}

void vmm_stop(struct vmm *vm)
{
	for (unsigned i = 0; i < vm->info->vcpus; i++)
		vmm_vcpu_stop(vm, i);
}

bool vmm_vcpu_start(struct vmm *vm, unsigned i, uint64_t pc, uint64_t x0)
{
	moat_cptr_t tcb = MOAT_VMM_SLOT_VCPU_TCB(i), vcpu = MOAT_VMM_SLOT_VCPU(i);
	moat_word_t mpidr[2] = { MOAT_VCPU_MPIDR, i }, regs[3] = { pc, 0, x0 };

	vmm_vcpu_stop(vm, i);
	if (moat_invoke(vcpu, MOAT_VCPU_RESET, 0, NULL, 0, NULL) != MOAT_OK ||
	    moat_invoke(vcpu, MOAT_VCPU_WRITE_REGISTER, 2, mpidr, 0, NULL) != MOAT_OK ||
	    moat_invoke(tcb, MOAT_TCB_WRITE_REGISTERS, 3, regs, 0, NULL) != MOAT_OK ||
	    moat_invoke(tcb, MOAT_TCB_RESUME, 0, NULL, 0, NULL) != MOAT_OK) {
		moat_printf("vmm: guest '%s': vCPU %u cannot be started\n", vm->info->guest, i);
		return false;
	}
	vgic_vcpu_reset(&vm->gic, i); /* the reset dropped what the kernel held for it */
	vm->on[i] = true;
	return true;
}

/* The kernel, initrd and device tree into RAM, as `l` says. */
static const char *load(struct vmm *vm, const struct layout *l)
{
	const struct moat_vmm_info *g = vm->info;

	copy(vm->ram + (l->kernel_ipa - g->ram_ipa), vm->files + g->kernel_offset, g->kernel_size);
	if (g->initrd_size)
		copy(vm->ram + (l->initrd_ipa - g->ram_ipa), vm->files + g->initrd_offset,
		     g->initrd_size);
	vm->dt.initrd_start = l->initrd_ipa;
	vm->dt.initrd_end = l->initrd_end;
	if (!devtree_build(vm->ram + (l->dtb_ipa - g->ram_ipa), LAYOUT_DTB_MAX, &vm->dt))
		return "its device tree does not fit";
	return NULL;
}

const char *vmm_boot(struct vmm *vm)
{
	const struct moat_vmm_info *g = vm->info;
	struct layout_input in = { .ram_base = g->ram_ipa, .ram_size = g->ram_size,
				   .kernel = vm->files + g->kernel_offset,
				   .kernel_size = g->kernel_size, .initrd_size = g->initrd_size,
				   .kind = LAYOUT_AUTO };
	struct layout l;
	const char *err;

	if (g->vcpus < 1 || g->vcpus > MOAT_VMM_MAX_VCPUS)
		return "it has no vCPU, or more than 8";
	if ((err = layout_compute(&in, &l)))
		return err;
	vmm_stop(vm);
	if (vm->boots)
		scrub(vm->ram, g->ram_size); /* the first boot's RAM is fresh from the root */
	if (!vgic_init(&vm->gic, (unsigned)g->vcpus))
		return "its interrupt controller cannot serve its vCPUs";
	pl011_init(&vm->uart, vm->uart.out, vm->uart.ctx);
	if ((err = load(vm, &l)))
		return err;
	/* Linux's x0 is the device tree; the PV guest finds its mode there. */
	if (!vmm_vcpu_start(vm, 0, l.entry, l.dtb_ipa))
		return "its vCPU cannot be started";
	vm->boots++;
	return NULL;
}
