/*
 * The VMM of the qemu.guest_build test: it checks everything the root
 * server gave it for its guest (servers/runtime/include/moat/vmm.h): the
 * info pages (beta's virtual disk among them, each guest's virtual NIC,
 * and every guest's RAM's physical addresses), all of the guest's RAM (zero, then writable), the files'
 * bytes against the CRC-32s the host computed (guest_files.h), the
 * capabilities in its CSpace, and a run of the vCPU that reads the last
 * word of RAM at EL1 and powers off through PSCI. It reports the guest's
 * events to the root server, then writes to its read-only files, which
 * the root server reports as its fault.
 */
#include <moat/vmm.h>
#include <moat/runtime.h>

#include "guest_files.h"

#define BLOCK		0x200000ull
#define GUEST_RAM_IPA	0x40000000ull
#define PSCI_SYSTEM_OFF 0x84000008ull
#define RAM_MAGIC	0x6d6f617467756573ull

/* As system.cmake declares the guests. */
static const struct expect {
	const char *name;
	uint64_t ram, kernel_size, initrd_size, flags, vcpus;
	uint32_t kernel_crc, initrd_crc;
	const char *bootargs;
	uint64_t channels, blk_channel, disk_sectors, disk_flags; /* beta: its channel to 'blk' */
	uint64_t net_channel; /* its channel to 'switch' */
	uint8_t mac[6];
} expects[] = {
	{ "alpha", 32ull << 20, ALPHA_KERNEL_SIZE, ALPHA_INITRD_SIZE,
	  MOAT_VMM_FLAG_NET | MOAT_VMM_FLAG_CONSOLE, 3, ALPHA_KERNEL_CRC, ALPHA_INITRD_CRC,
	  "console=hvc0 moat.test=alpha", 1, 0, 0, 0, 1, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } },
	/* NET without the keyword: its virtual NIC sets it. */
	{ "beta", 4ull << 20, BETA_KERNEL_SIZE, 0, MOAT_VMM_FLAG_NET, 1, BETA_KERNEL_CRC, 0, "", 2,
	  1, 4096, MOAT_VDISK_READ_ONLY, 2, { 0x02, 0x4d, 0x4f, 0x00, 0x00, 0x02 } },
};

static const char *guest = "?";
static unsigned failures;

static void check(bool ok, const char *what)
{
	moat_printf("vmm_test: guest '%s': %s: %s\n", guest, what, ok ? "ok" : "WRONG");
	failures += !ok;
}

static bool same(const char *a, const char *b, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return false; /* not NUL-terminated within cap */
}

static const struct expect *expect_of(const struct moat_vmm_info *v)
{
	for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
		if (same(v->guest, expects[i].name, sizeof(v->guest)))
			return &expects[i];
	}
	return NULL;
}

static bool info_ok(const struct moat_domain_info *d, const struct moat_vmm_info *v,
		    const struct expect *e)
{
	return d->magic == MOAT_DOMAIN_INFO_MAGIC && same(d->name, e->name, sizeof(d->name)) &&
	       d->heap_size == 0 && d->device == 0 && d->device_irq == 0 &&
	       d->channel_count == e->channels && v->console_channel == 0 &&
	       v->magic == MOAT_VMM_INFO_MAGIC && v->ram_ipa == GUEST_RAM_IPA &&
	       v->ram_size == e->ram && v->vcpus == e->vcpus && v->kernel_offset == 0 &&
	       v->kernel_size == e->kernel_size &&
	       v->initrd_offset ==
		       (e->initrd_size ? (e->kernel_size + BLOCK - 1) / BLOCK * BLOCK : 0) &&
	       v->initrd_size == e->initrd_size && v->flags == e->flags &&
	       same(v->bootargs, e->bootargs, sizeof(v->bootargs));
}

static bool disk_ok(const struct moat_domain_info *d, const struct moat_vmm_info *v,
		    const struct expect *e)
{
	moat_printf("vmm_test: guest '%s': blk_channel %lu, %lu sectors, flags 0x%lx\n", guest,
		    (unsigned long)v->blk_channel, (unsigned long)v->disk_sectors,
		    (unsigned long)v->disk_flags);
	return v->blk_channel == e->blk_channel && v->disk_sectors == e->disk_sectors &&
	       v->disk_flags == e->disk_flags &&
	       (!v->blk_channel || same(d->channel[v->blk_channel - 1].peer, "blk", 32));
}

static bool nic_ok(const struct moat_domain_info *d, const struct moat_vmm_info *v,
		   const struct expect *e)
{
	const uint8_t *m = v->mac;
	bool mac_same = m[6] == 0 && m[7] == 0;

	for (unsigned k = 0; k < sizeof(e->mac); k++)
		mac_same = mac_same && m[k] == e->mac[k];
	moat_printf("vmm_test: guest '%s': net_channel %lu, MAC %02x:%02x:%02x:%02x:%02x:%02x\n",
		    guest, (unsigned long)v->net_channel, m[0], m[1], m[2], m[3], m[4], m[5]);
	return v->net_channel == e->net_channel && mac_same &&
	       (!v->net_channel || same(d->channel[v->net_channel - 1].peer, "switch", 32));
}

/* One address per 2 MiB of RAM: non-zero, 2 MiB aligned, all different; none after. */
static bool ram_pa_ok(const struct moat_vmm_info *v)
{
	uint64_t blocks = v->ram_size / BLOCK, bad = 0, same_pa = 0;

	for (uint64_t k = 0; k < MOAT_VMM_RAM_BLOCKS_MAX; k++) {
		bad += k < blocks ? !v->ram_pa[k] || v->ram_pa[k] % BLOCK : v->ram_pa[k] != 0;
		for (uint64_t j = 0; j < k && k < blocks; j++)
			same_pa += v->ram_pa[j] == v->ram_pa[k];
	}
	moat_printf("vmm_test: guest '%s': %lu RAM blocks from 0x%lx, %lu addresses wrong, %lu "
		    "repeated\n",
		    guest, (unsigned long)blocks, (unsigned long)v->ram_pa[0], (unsigned long)bad,
		    (unsigned long)same_pa);
	return bad == 0 && same_pa == 0;
}

/* Every word of RAM: zero as given, then written and read back. */
static bool ram_ok(uint64_t size)
{
	volatile uint64_t *ram = (volatile uint64_t *)(uintptr_t)MOAT_VMM_GUEST_RAM;
	uint64_t words = size / 8, nonzero = 0, wrong = 0;

	for (uint64_t i = 0; i < words; i++)
		nonzero += ram[i] != 0;
	for (uint64_t i = 0; i < words; i++)
		ram[i] = i * 0x9e3779b97f4a7c15ull;
	for (uint64_t i = 0; i < words; i++)
		wrong += ram[i] != i * 0x9e3779b97f4a7c15ull;
	moat_printf("vmm_test: guest '%s': %lu MiB of RAM, %lu words not zero, %lu not kept\n",
		    guest, (unsigned long)(size >> 20), (unsigned long)nonzero,
		    (unsigned long)wrong);
	return nonzero == 0 && wrong == 0;
}

static uint32_t crc_table[256];

static uint32_t crc32(const uint8_t *p, uint64_t n)
{
	uint32_t c = ~0u;

	if (!crc_table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t t = i;

			for (int k = 0; k < 8; k++)
				t = t & 1 ? 0xedb88320u ^ (t >> 1) : t >> 1;
			crc_table[i] = t;
		}
	}
	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

/* A file's bytes, and zeros from its end to its last frame's end. */
static bool file_ok(uint64_t offset, uint64_t size, uint32_t crc)
{
	const uint8_t *f = (const uint8_t *)(uintptr_t)(MOAT_VMM_GUEST_FILES + offset);
	uint64_t end = (size + BLOCK - 1) / BLOCK * BLOCK, tail = 0;
	uint32_t got = crc32(f, size);

	for (uint64_t i = size; i < end; i++)
		tail += f[i] != 0;
	moat_printf("vmm_test: guest '%s': file at +0x%lx, %lu bytes, CRC-32 0x%x (want 0x%x), "
		    "%lu tail bytes not zero\n",
		    guest, (unsigned long)offset, (unsigned long)size, got, crc,
		    (unsigned long)tail);
	return got == crc && tail == 0;
}

/*
 * What slot `slot` should hold for a guest of `vcpus` vCPUs and `channels`
 * notifying channels: its type (0: empty), rights.
 */
static moat_word_t slot_wanted(moat_cptr_t slot, uint64_t vcpus, uint64_t channels,
			       moat_word_t *rights)
{
	*rights = MOAT_RIGHTS_ALL;
	switch (slot) {
	case MOAT_DOMAIN_SLOT_ROOT:
		*rights = MOAT_RIGHT_WRITE;
		return MOAT_OBJ_ENDPOINT;
	case MOAT_DOMAIN_SLOT_INBOX:
		*rights = MOAT_RIGHT_READ;
		return MOAT_OBJ_NOTIFICATION;
	case MOAT_VMM_SLOT_FAULT_EP:
		*rights = MOAT_RIGHT_READ;
		return MOAT_OBJ_ENDPOINT;
	case MOAT_VMM_SLOT_REPLY:
		return MOAT_OBJ_REPLY;
	}
	if (slot - MOAT_DOMAIN_SLOT_CHANNEL0 < channels) {
		*rights = MOAT_RIGHT_WRITE;
		return MOAT_OBJ_NOTIFICATION;
	}
	if (slot - MOAT_VMM_SLOT_VCPU_TCB(0) < vcpus)
		return MOAT_OBJ_TCB;
	if (slot - MOAT_VMM_SLOT_VCPU(0) < vcpus)
		return MOAT_OBJ_VCPU;
	return 0;
}

/* Slot by slot: exactly the documented capabilities, with their rights. */
static bool cspace_ok(uint64_t vcpus, uint64_t channels)
{
	unsigned wrong = 0, held = 0;
	moat_word_t type, rights;

	for (moat_cptr_t slot = 0; slot < MOAT_DOMAIN_CSPACE_SLOTS; slot++) {
		moat_word_t want_rights,
			want_type = slot_wanted(slot, vcpus, channels, &want_rights);

		if (moat_identify(slot, &type, &rights) != MOAT_OK || type != want_type ||
		    (want_type && rights != want_rights)) {
			moat_printf("vmm_test: slot %lu holds type %lu rights %lu\n", slot, type,
				    rights);
			wrong++;
		}
		held += type != 0;
	}
	if (moat_identify(MOAT_DOMAIN_CSPACE_SLOTS, &type, &rights) != MOAT_FAILED_LOOKUP)
		wrong++;
	moat_printf("vmm_test: guest '%s': %u capabilities in %u slots\n", guest, held,
		    MOAT_DOMAIN_CSPACE_SLOTS);
	return wrong == 0 && held == 4 + 2 * vcpus + channels;
}

/* A Call to the root server; the reply's label. */
static moat_word_t report(moat_word_t event, unsigned words)
{
	struct moat_regs r = { .x0 = MOAT_DOMAIN_SLOT_ROOT,
			       .info = moat_msginfo(MOAT_ROOT_GUEST_EVENT, 0, 0, words),
			       .mr = { event } };

	moat_syscall(MOAT_SYS_CALL, &r);
	return moat_msginfo_label(r.info);
}

/* Makes written code and data visible to a guest whose MMU is still off. */
static void clean(volatile void *p, size_t len)
{
	for (size_t i = 0; i < len; i += 64)
		__asm__ volatile("dc civac, %0" ::"r"((uintptr_t)p + i) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	for (size_t i = 0; i < len; i += 64)
		__asm__ volatile("ic ivau, %0" ::"r"((uintptr_t)p + i) : "memory");
	__asm__ volatile("dsb ish; isb" ::: "memory");
}

/*
 * Each vCPU in turn at the start of RAM: load the last word of RAM
 * (through the GuestSpace) into x1, then PSCI SYSTEM_OFF by hvc: a fault
 * message here, with that vCPU's badge. Stopped again after it.
 */
static bool vcpu_ok(uint64_t ram_size, uint64_t vcpus)
{
	static const uint32_t code[] = {
		0x580000c2, /* ldr x2, 1f */
		0xf9400041, /* ldr x1, [x2] */
		0xd2800100, /* movz x0, #0x8 */
		0xf2b08000, /* movk x0, #0x8400, lsl #16 */
		0xd4000002, /* hvc #0 */
		0x14000000, /* b . */
	};
	volatile uint32_t *ram = (volatile uint32_t *)(uintptr_t)MOAT_VMM_GUEST_RAM;
	volatile uint64_t *last =
		(volatile uint64_t *)(uintptr_t)(MOAT_VMM_GUEST_RAM + ram_size - 8);
	moat_word_t regs[2] = { GUEST_RAM_IPA, 0 };
	unsigned right = 0;

	for (unsigned i = 0; i < 6; i++)
		ram[i] = code[i];
	*(volatile uint64_t *)&ram[6] = GUEST_RAM_IPA + ram_size - 8; /* 1: the literal */
	*last = RAM_MAGIC;
	clean(ram, 64);
	clean(last, 8);
	for (uint64_t i = 0; i < vcpus; i++) {
		moat_cptr_t tcb = MOAT_VMM_SLOT_VCPU_TCB(i);
		struct moat_regs r = { .x0 = MOAT_VMM_SLOT_FAULT_EP, .x6 = MOAT_VMM_SLOT_REPLY };

		if (moat_invoke(tcb, MOAT_TCB_WRITE_REGISTERS, 2, regs, 0, NULL) != MOAT_OK ||
		    moat_invoke(tcb, MOAT_TCB_RESUME, 0, NULL, 0, NULL) != MOAT_OK)
			return false;
		moat_syscall(MOAT_SYS_RECV, &r);
		moat_printf("vmm_test: guest '%s': vCPU exit, badge %lu, label 0x%lx, x0 0x%lx, "
			    "x1 0x%lx\n",
			    guest, r.x0, moat_msginfo_label(r.info), r.mr[0], r.mr[1]);
		right += r.x0 == MOAT_VMM_VCPU_BADGE(i) &&
			 moat_msginfo_label(r.info) == MOAT_FAULT_GUEST_HVC &&
			 r.mr[0] == PSCI_SYSTEM_OFF && r.mr[1] == RAM_MAGIC;
		moat_invoke(tcb, MOAT_TCB_SUSPEND, 0, NULL, 0, NULL); /* its exit unanswered */
	}
	return right == vcpus;
}

int main(void *arg)
{
	const struct moat_domain_info *d = arg;
	const struct moat_vmm_info *v = (const struct moat_vmm_info *)(uintptr_t)MOAT_VMM_INFO;
	const struct expect *e = expect_of(v);

	if (!e) {
		moat_printf("vmm_test: an unknown guest\n");
		return 1;
	}
	guest = e->name;
	check(info_ok(d, v, e), "both info pages describe the guest");
	check(disk_ok(d, v, e), "its virtual disk");
	check(nic_ok(d, v, e), "its virtual NIC");
	check(ram_pa_ok(v), "its RAM's physical addresses");
	check(ram_ok(v->ram_size), "all of its RAM was zero and is writable");
	check(file_ok(v->kernel_offset, v->kernel_size, e->kernel_crc), "its kernel's bytes");
	if (e->initrd_size)
		check(file_ok(v->initrd_offset, v->initrd_size, e->initrd_crc),
		      "its initrd's bytes");
	check(cspace_ok(v->vcpus, d->channel_count),
	      "the CSpace holds exactly the documented capabilities");
	check(report(MOAT_GUEST_STARTED, 1) == MOAT_OK, "started reported");
	check(vcpu_ok(v->ram_size, v->vcpus), "each vCPU ran and asked to power off");
	check(report(MOAT_GUEST_POWER_OFF, 1) == MOAT_OK, "powered off reported");
	check(report(99, 1) == MOAT_INVALID_ARGUMENT, "an unknown event is refused");
	check(report(MOAT_GUEST_STARTED, 0) == MOAT_TRUNCATED_MESSAGE,
	      "an event without its word is refused");
	moat_printf("vmm_test: guest '%s': %u check(s) failed\n", guest, failures);
	moat_printf("vmm_test: guest '%s': writing to its files\n", guest);
	*(volatile uint8_t *)(uintptr_t)MOAT_VMM_GUEST_FILES = 1;
	moat_printf("vmm_test: guest '%s': its files are writable: WRONG\n", guest);
	return 1;
}
