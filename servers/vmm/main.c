/*
 * The VMM's loop: every exit of its guest's vCPU arrives as a fault
 * message on one endpoint and is answered with one reply (docs/vm.md):
 * hypercalls (PSCI), MMIO on the emulated GIC, PL011 and virtio block,
 * network and console devices (anything else an abort for the guest), trapped system
 * registers; and signals on its inbox from the console server, the block
 * backend and the network switch. Each exit's values come
 * from the guest and are checked by the device model that takes them.
 */
#include <libpv/err.h>

#include "vmm.h"

#define PSCI_VERSION 0x84000000ul
#define PSCI_CPU_SUSPEND 0xc4000001ul
#define PSCI_CPU_OFF 0x84000002ul
#define PSCI_CPU_ON 0xc4000003ul
#define PSCI_AFFINITY_INFO 0xc4000004ul
#define PSCI_MIGRATE_INFO_TYPE 0x84000006ul
#define PSCI_SYSTEM_OFF 0x84000008ul
#define PSCI_SYSTEM_RESET 0x84000009ul
#define PSCI_FEATURES 0x8400000aul
#define SMCCC_VERSION 0x80000000ul
#define PSCI_SUCCESS 0ul
#define PSCI_NOT_SUPPORTED (~0ul)       /* -1 */
#define PSCI_INVALID_PARAMETERS (~1ul)  /* -2 */
#define PSCI_ALREADY_ON (~3ul)          /* -4 */
#define PSCI_INVALID_ADDRESS (~8ul)     /* -9 */
#define PSCI_AFFINITY_ON 0ul
#define PSCI_AFFINITY_OFF 1ul
/* MPIDR's affinity fields (Aff3, Aff2-Aff0), of which our vCPUs use Aff0 only. */
#define MPIDR_AFFINITY 0xff00fffffful
#define PSCI_TOS_NOT_PRESENT 2ul        /* MIGRATE_INFO_TYPE: no trusted OS */

/* ICC_SGI1R_EL1, the one GIC register a guest's writes trap for (HCR_EL2.IMO). */
#define SYSREG_ICC_SGI1R MOAT_SYSREG(3, 0, 12, 11, 5)
#define SYSREG_ID_SPACE(enc) (((enc) & MOAT_SYSREG(3, 7, 15, 0, 0)) == MOAT_SYSREG(3, 0, 0, 0, 0))

static struct vmm vm;

/* What the guest's exit gets: a reply label and MR0-MR3. */
struct answer {
	moat_word_t label, mr[4];
	unsigned length;
};

/* What becomes of the guest after an exit. */
enum outcome {
	RUN,       /* on: the exit answered */
	VCPU_OFF,  /* the vCPU that exited is off, the others run on */
	GUEST_OFF, /* every vCPU is off: the guest is off */
	RESET,     /* the guest restarts from its reset state */
};

static const struct answer resume = { 0 };
static const struct answer inject_abort = { .label = MOAT_REPLY_INJECT_ABORT };

static struct answer value(moat_word_t v)
{
	return (struct answer){ .length = 1, .mr = { v } };
}

void vmm_event(enum moat_guest_event e)
{
	moat_word_t mr = e;

	moat_invoke(MOAT_DOMAIN_SLOT_ROOT, MOAT_ROOT_GUEST_EVENT, 1, &mr, 0, NULL);
}

/* The console server broke its ring: the guest's output goes to the log from now on. */
static void console_broken(struct vmm *v)
{
	v->console = false;
	moat_printf("vmm: guest '%s': the console broke its ring; output goes to the log\n",
		    v->info->guest);
}

/* One byte of the guest's output on the kernel's log, each line prefixed with its name. */
static void log_byte(struct vmm *v, uint8_t c)
{
	if (v->line_start)
		moat_printf("%s| ", v->info->guest);
	if (c != '\r')
		moat_putc((char)c);
	v->line_start = c == '\n';
}

/*
 * The guest's console. With a console server, each byte to it: a full
 * ring holds the guest (its DR write is not answered) until the server
 * has taken some. Without, each line on the kernel's log, prefixed with
 * the guest's name.
 */
static void console_out(void *ctx, uint8_t c)
{
	struct vmm *v = ctx;

	while (v->console && moat_console_write(&v->con, &c, 1) != 1) {
		if (pv_ring_producer_broken(&v->con.out))
			console_broken(v);
		else if (pv_ring_producer_prepare_wait(&v->con.out))
			moat_wait(MOAT_DOMAIN_SLOT_INBOX); /* the server signals once it took some */
	}
	if (!v->console)
		log_byte(v, c);
}

/*
 * The virtio console's output: as much as the ring takes. Fewer than
 * `len` only with the server asked to signal room: the device holds the
 * rest and the guest runs on.
 */
static size_t hvc_write(void *ctx, const void *buf, size_t len)
{
	struct vmm *v = ctx;
	const uint8_t *p = buf;
	size_t done = 0;

	while (v->console && done < len) {
		done += moat_console_write(&v->con, p + done, len - done);
		if (done == len)
			break;
		if (pv_ring_producer_broken(&v->con.out))
			console_broken(v);
		else if (pv_ring_producer_prepare_wait(&v->con.out))
			return done;
	}
	for (; done < len; done++)
		log_byte(v, p[done]);
	return len;
}

static size_t hvc_read(void *ctx, void *buf, size_t max)
{
	struct vmm *v = ctx;

	return v->console ? moat_console_read(&v->con, buf, max) : 0;
}

static void hvc_log(void *ctx, const char *what, uint64_t value)
{
	struct vmm *v = ctx;

	moat_printf("vmm: guest '%s': virtio console: %s (0x%lx)\n", v->info->guest, what,
		    (unsigned long)value);
}

/* The guest's virtio console, on the PL011's channel to the console server. */
static void hvc_start(void)
{
	const struct moat_vmm_info *g = vm.info;
	struct vcon_config c = { .ram = vm.ram, .ram_ipa = g->ram_ipa, .ram_size = g->ram_size,
				 .write = hvc_write, .read = hvc_read, .log = hvc_log,
				 .ctx = &vm };
	int err = vcon_init(&vm.vcon, &c);

	vm.hvc = err == PV_OK;
	vm.vcon_slot = vm.disk + vm.nic;
	if (err)
		moat_printf("vmm: guest '%s': no virtio console (error %d)\n", g->guest, err);
}

/*
 * Input from the console server: to the virtio console while the guest
 * uses it (vcon_input_ready: DRIVER_OK, written to since its reset, a
 * receive buffer posted), which takes it in vcon_backend_signal;
 * otherwise into the PL011's FIFO, as much as it has room for. So typed
 * input reaches whichever console the guest uses.
 */
static void console_in(void)
{
	uint8_t buf[PL011_FIFO];
	size_t n;

	if (vm.hvc && vcon_input_ready(&vm.vcon)) {
		vcon_backend_signal(&vm.vcon);
		return;
	}
	n = vm.console ? moat_console_read(&vm.con, buf, pl011_rx_room(&vm.uart)) : 0;
	for (size_t i = 0; i < n; i++)
		pl011_input(&vm.uart, buf[i]);
}

/* The guest's disk: a client of the block backend on channel `blk_channel` - 1. */
static void blk_kick(void *ctx)
{
	struct vmm *v = ctx;

	if (v->blk_signal)
		moat_signal(v->blk_signal);
}

static void blk_log(void *ctx, const char *what, uint64_t value)
{
	struct vmm *v = ctx;

	moat_printf("vmm: guest '%s': disk: %s (0x%lx)\n", v->info->guest, what,
		    (unsigned long)value);
}

static void disk_start(void)
{
	const struct moat_domain_info *d = (const struct moat_domain_info *)(uintptr_t)MOAT_DOMAIN_INFO;
	const struct moat_vmm_info *g = vm.info;
	uint64_t ch = g->blk_channel - 1;
	struct vblk_config c = { .ram = vm.ram, .ram_ipa = g->ram_ipa, .ram_size = g->ram_size,
				 .ram_pa = g->ram_pa, .disk_sectors = g->disk_sectors,
				 .read_only = (g->disk_flags & MOAT_VDISK_READ_ONLY) != 0,
				 .kick = blk_kick, .log = blk_log, .ctx = &vm };
	int err = PV_E_INVAL;

	if (ch < d->channel_count && ch < MOAT_DOMAIN_MAX_CHANNELS && d->channel[ch].shared &&
	    d->channel[ch].shared_size >= MOAT_BLK_SHARED_BYTES &&
	    g->ram_size <= MOAT_VMM_RAM_BLOCKS_MAX * VBLK_BLOCK) {
		c.shared = (uint8_t *)(uintptr_t)d->channel[ch].shared;
		vm.blk_signal = d->channel[ch].signal_slot;
		err = vblk_init(&vm.blk, &c);
	}
	vm.disk = err == PV_OK;
	if (err)
		moat_printf("vmm: guest '%s': no disk on channel %lu (error %d)\n", g->guest,
			    (unsigned long)ch, err);
}

/* The guest's NIC: a port of the network switch on channel `net_channel` - 1. */
static void net_kick(void *ctx)
{
	struct vmm *v = ctx;

	if (v->net_signal)
		moat_signal(v->net_signal);
}

static void net_log(void *ctx, const char *what, uint64_t value)
{
	struct vmm *v = ctx;

	moat_printf("vmm: guest '%s': network: %s (0x%lx)\n", v->info->guest, what,
		    (unsigned long)value);
}

static void net_start(void)
{
	const struct moat_domain_info *d = (const struct moat_domain_info *)(uintptr_t)MOAT_DOMAIN_INFO;
	const struct moat_vmm_info *g = vm.info;
	uint64_t ch = g->net_channel - 1;
	struct vnet_config c = { .ram = vm.ram, .ram_ipa = g->ram_ipa, .ram_size = g->ram_size,
				 .kick = net_kick, .log = net_log, .ctx = &vm };
	int err = PV_E_INVAL;

	for (unsigned i = 0; i < sizeof(c.mac); i++)
		c.mac[i] = g->mac[i];
	if (ch < d->channel_count && ch < MOAT_DOMAIN_MAX_CHANNELS && d->channel[ch].shared &&
	    d->channel[ch].shared_size >= MOAT_NET_SHARED_BYTES) {
		c.shared = (uint8_t *)(uintptr_t)d->channel[ch].shared;
		vm.net_signal = d->channel[ch].signal_slot;
		err = vnet_init(&vm.net, &c);
	}
	vm.nic = err == PV_OK;
	vm.net_slot = vm.disk ? 1 : 0;
	if (err)
		moat_printf("vmm: guest '%s': no network device on channel %lu (error %d)\n",
			    g->guest, (unsigned long)ch, err);
}

/*
 * Before the guest restarts: the device is reset, and every request it
 * had at the backend completes first, so that no read still in flight
 * lands in the new guest's RAM.
 */
static void disk_quiesce(void)
{
	if (!vm.disk)
		return;
	vblk_reset(&vm.blk);
	if (vblk_outstanding(&vm.blk))
		moat_printf("vmm: guest '%s': waiting for %u disk requests\n", vm.info->guest,
			    vblk_outstanding(&vm.blk));
	while (vblk_outstanding(&vm.blk)) {
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
		vblk_backend_signal(&vm.blk);
	}
}

/* The virtio devices offered: the disk, the NIC, the console, those there are, in slots from 0. */
static unsigned virtio_count(void)
{
	return (unsigned)vm.disk + vm.nic + vm.hvc;
}

/* The interrupt line of the virtio device in slot i: the disk, the NIC or the console. */
static bool virtio_irq_level(unsigned i)
{
	if (vm.disk && i == 0)
		return vblk_irq_level(&vm.blk);
	if (vm.nic && i == vm.net_slot)
		return vnet_irq_level(&vm.net);
	return vm.hvc && i == vm.vcon_slot && vcon_irq_level(&vm.vcon);
}

/* Interrupts the device models raised, to the kernel for the guest. */
static void deliver(void)
{
	struct vgic_irq irq;

	vgic_set_level(&vm.gic, 0, VMM_SPI_INTID(vm.dt.uart_spi), pl011_irq_level(&vm.uart));
	/* A device the guest drives by PV I/O takes its interrupts from pvio, not the vGIC. */
	for (unsigned i = 0; i < virtio_count(); i++)
		vgic_set_level(&vm.gic, 0, VMM_SPI_INTID(vm.dt.virtio[i].spi),
			       !pvio_owns(&vm.pvio, i) && virtio_irq_level(i));
	pvio_deliver(&vm.pvio);
	while (vgic_next(&vm.gic, &irq)) {
		moat_word_t args[3] = { irq.intid, irq.prio, irq.eoi ? MOAT_VIRQ_EOI : 0 };

		/* To a vCPU that is off too: CPU_ON's reset drops it (vgic_vcpu_reset). */
		moat_invoke(MOAT_VMM_SLOT_VCPU(irq.vcpu), MOAT_VCPU_INJECT_IRQ, 3, args, 0, NULL);
	}
}

/* The vCPU an MPIDR names (Aff0 only, below our count), or -1. */
static int vcpu_of(moat_word_t mpidr)
{
	return (mpidr & ~MPIDR_AFFINITY) == 0 && mpidr < vm.info->vcpus ? (int)mpidr : -1;
}

/* CPU_ON(target, entry, context): the target starts at entry with x0 = context. */
static struct answer cpu_on(const moat_word_t *x)
{
	int target = vcpu_of(x[1]);

	if (target < 0)
		return value(PSCI_INVALID_PARAMETERS);
	if (vm.on[target])
		return value(PSCI_ALREADY_ON);
	if (x[2] - vm.info->ram_ipa >= vm.info->ram_size)
		return value(PSCI_INVALID_ADDRESS);
	if (!vmm_vcpu_start(&vm, (unsigned)target, x[2], x[3]))
		return value(PSCI_INVALID_PARAMETERS); /* its objects refused: logged there */
	return value(PSCI_SUCCESS);
}

/* PSCI 1.0 for the vCPUs; SMCCC 1.1 with no workarounds to offer. */
static struct answer psci(const moat_word_t *x, enum outcome *out)
{
	unsigned on = 0;
	int target;

	switch (x[0]) {
	case PSCI_VERSION:
		return value(0x10000);
	case SMCCC_VERSION:
		return value(0x10001);
	case PSCI_FEATURES:
		switch (x[1]) {
		case PSCI_VERSION: case PSCI_CPU_SUSPEND: case PSCI_CPU_OFF: case PSCI_CPU_ON:
		case PSCI_AFFINITY_INFO: case PSCI_MIGRATE_INFO_TYPE: case PSCI_SYSTEM_OFF:
		case PSCI_SYSTEM_RESET: case PSCI_FEATURES: case SMCCC_VERSION:
			return value(PSCI_SUCCESS);
		default:
			return value(PSCI_NOT_SUPPORTED);
		}
	case PSCI_CPU_SUSPEND: /* a standby state: as if woken at once */
		return value(PSCI_SUCCESS);
	case PSCI_CPU_ON:
		return cpu_on(x);
	case PSCI_AFFINITY_INFO: /* of one vCPU: lowest affinity level 0 */
		if ((target = vcpu_of(x[1])) < 0 || x[2] != 0)
			return value(PSCI_INVALID_PARAMETERS);
		return value(vm.on[target] ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF);
	case PSCI_MIGRATE_INFO_TYPE:
		return value(PSCI_TOS_NOT_PRESENT);
	case PSCI_CPU_OFF: /* the last vCPU off: the guest is off */
		for (unsigned i = 0; i < vm.info->vcpus; i++)
			on += vm.on[i];
		*out = on > 1 ? VCPU_OFF : GUEST_OFF;
		return resume;
	case PSCI_SYSTEM_OFF:
		*out = GUEST_OFF;
		return resume;
	case PSCI_SYSTEM_RESET:
		*out = RESET;
		return resume;
	default:
		return value(PSCI_NOT_SUPPORTED);
	}
}

/* An access to the emulated device at `ipa`; false if there is none or it refuses. */
static bool device_access(uint64_t ipa, unsigned size, bool write, uint64_t *v)
{
	const struct devtree_config *dt = &vm.dt;
	bool ok = false;

	if (ipa - dt->gicd_base < dt->gicd_size)
		ok = vgic_dist_access(&vm.gic, ipa - dt->gicd_base, size, write, v);
	else if (ipa - dt->gicr_base < dt->gicr_size)
		ok = vgic_redist_access(&vm.gic, ipa - dt->gicr_base, size, write, v);
	else if (ipa - dt->uart_base < dt->uart_size) {
		ok = pl011_access(&vm.uart, ipa - dt->uart_base, size, write, v);
		console_in(); /* a read may have made room */
	} else if (vm.disk && ipa - dt->virtio[0].base < DEVTREE_VIRTIO_STRIDE)
		ok = vblk_access(&vm.blk, ipa - dt->virtio[0].base, size, write, v);
	else if (vm.nic && ipa - dt->virtio[vm.net_slot].base < DEVTREE_VIRTIO_STRIDE)
		ok = vnet_access(&vm.net, ipa - dt->virtio[vm.net_slot].base, size, write, v);
	else if (vm.hvc && ipa - dt->virtio[vm.vcon_slot].base < DEVTREE_VIRTIO_STRIDE) {
		ok = vcon_access(&vm.vcon, ipa - dt->virtio[vm.vcon_slot].base, size, write, v);
		if (write)
			console_in(); /* a reset or DRIVER_OK may have moved input between the consoles */
	}
	return ok;
}

/* MMIO: the device at the IPA, or an abort. MR0 the IPA, MR1 the access, MR2 a write's value. */
static struct answer mmio(const moat_word_t *mr)
{
	uint64_t v = mr[2];
	bool write = mr[1] & MOAT_MMIO_WRITE;

	if (!device_access(mr[0], MOAT_MMIO_SIZE(mr[1]), write, &v))
		return inject_abort; /* outside RAM and every device, or a bad access */
	deliver();
	return write ? resume : value(v);
}

/* PV I/O (pvio.h): virtio device `dev`'s registers, as the guest's MMIO would reach them. */
static bool pv_access(void *ctx, unsigned dev, uint64_t off, unsigned size, bool write,
		      uint64_t *v)
{
	(void)ctx;
	return off < DEVTREE_VIRTIO_STRIDE &&
	       device_access(vm.dt.virtio[dev].base + off, size, write, v);
}

static void pv_inject(void *ctx, uint32_t intid)
{
	moat_word_t args[3] = { intid, VMM_PV_IRQ_PRIORITY, 0 };

	(void)ctx;
	moat_invoke(MOAT_VMM_SLOT_VCPU(0), MOAT_VCPU_INJECT_IRQ, 3, args, 0, NULL);
}

static void pv_start(void)
{
	static const struct pvio_ops ops = { pv_access, pv_inject, NULL };
	uint32_t intid[MOAT_PVIO_DEVICES] = { 0 };
	unsigned n = virtio_count();

	for (unsigned i = 0; i < n && i < MOAT_PVIO_DEVICES; i++)
		intid[i] = VMM_SPI_INTID(vm.dt.virtio[i].spi);
	pvio_init(&vm.pvio, &ops, n, intid);
}

/* A hypercall: PV I/O, else PSCI. */
static struct answer hypercall(const moat_word_t *mr, enum outcome *out)
{
	uint64_t x[4] = { mr[0], mr[1], mr[2], mr[3] }, r[4];

	if (!pvio_call(&vm.pvio, x, r))
		return psci(mr, out);
	deliver();
	return (struct answer){ .length = 4, .mr = { r[0], r[1], r[2], r[3] } };
}

/* A trapped system register: ID registers as the kernel shows them, SGIs, the rest RAZ/WI. */
static struct answer sysreg(unsigned self, const moat_word_t *mr)
{
	uint32_t enc = (uint32_t)mr[0];

	if (!(mr[1] & MOAT_SYSREG_READ)) {
		if (enc == SYSREG_ICC_SGI1R) {
			vgic_sgi(&vm.gic, mr[2], self);
			deliver();
		}
		return resume;
	}
	return value(SYSREG_ID_SPACE(enc) ? mr[2] : 0);
}

/* The guest ended level-sensitive interrupts: their lines are sampled again. */
static void guest_eoi(unsigned self, const moat_word_t *bits)
{
	for (unsigned w = 0; w < MOAT_FAULT_LENGTH; w++)
		for (moat_word_t m = bits[w]; m; m &= m - 1)
			vgic_eoi(&vm.gic, self, w * 64 + (unsigned)__builtin_ctzll(m));
	deliver();
}

/* One exit of vCPU `self`, by its label; *out says what becomes of the guest. */
static struct answer exit_answer(unsigned self, moat_word_t label, const moat_word_t *mr,
				 enum outcome *out)
{
	switch (label) {
	case MOAT_FAULT_GUEST_HVC:
		return hypercall(mr, out);
	case MOAT_FAULT_GUEST_MMIO:
		return mmio(mr);
	case MOAT_FAULT_GUEST_SYSREG:
		return sysreg(self, mr);
	case MOAT_FAULT_VM: /* an abort outside RAM with no syndrome to emulate */
		return inject_abort;
	case MOAT_FAULT_GUEST_EOI:
		guest_eoi(self, mr);
		return resume;
	default:
		moat_printf("vmm: guest '%s' stopped: vCPU %u exit 0x%lx at pc 0x%lx (ESR 0x%lx)\n",
			    vm.info->guest, self, (unsigned long)label, (unsigned long)mr[0],
			    (unsigned long)mr[2]);
		*out = GUEST_OFF;
		return resume;
	}
}

/* Whether our inbox's word has the bit of `channel` (numbered from 1; 0: none) set. */
static bool from(moat_word_t word, uint64_t channel)
{
	return channel && channel <= MOAT_DOMAIN_MAX_CHANNELS &&
	       (word & MOAT_DOMAIN_CHANNEL_BIT(channel - 1));
}

/*
 * Our inbox, x0 its word: each peer that signalled has set its channel's
 * bit, and only its devices look at their rings (a chatty console costs
 * the disk nothing).
 */
static void signalled(moat_word_t word)
{
	if (from(word, vm.info->console_channel)) {
		console_in(); /* input, or room for output */
		if (vm.hvc)
			vcon_backend_signal(&vm.vcon); /* room for output, or input */
	}
	if (vm.disk && from(word, vm.info->blk_channel))
		vblk_backend_signal(&vm.blk); /* completions, or room for requests */
	if (vm.nic && from(word, vm.info->net_channel))
		vnet_backend_signal(&vm.net); /* frames, or room to send */
	deliver();
}

/* Serves the guest until it is off; a reset comes back here with fresh state. */
static void serve(void)
{
	struct answer a = resume;

	for (;;) {
		struct moat_regs r = { .x0 = MOAT_VMM_SLOT_FAULT_EP, .x6 = MOAT_VMM_SLOT_REPLY,
				       .info = moat_msginfo(a.label, 0, 0, a.length),
				       .mr = { a.mr[0], a.mr[1], a.mr[2], a.mr[3] } };
		enum outcome out = RUN;
		moat_word_t self;

		/* An exit with no caller left (a vCPU off, a reset) makes this reply nothing. */
		moat_syscall(MOAT_SYS_REPLY_RECV, &r);
		if (moat_msginfo_label(r.info) == MOAT_LABEL_NOTIFICATION) {
			signalled(r.x0);
			a = resume; /* no exit to answer */
			continue;
		}
		self = r.x0 - MOAT_VMM_VCPU_BADGE(0);
		if (r.x0 < MOAT_VMM_VCPU_BADGE(0) || self >= vm.info->vcpus) {
			a = resume; /* not one of our vCPUs: nothing to answer */
			continue;
		}
		a = exit_answer((unsigned)self, moat_msginfo_label(r.info), r.mr, &out);
		switch (out) {
		case RUN:
			break;
		case VCPU_OFF:
			vmm_vcpu_stop(&vm, (unsigned)self);
			break;
		case GUEST_OFF:
			vmm_stop(&vm);
			if (vm.disk)
				moat_printf("vmm: guest '%s': its disk took %lu requests, %lu "
					    "notifications from it and %lu interrupts to it\n",
					    vm.info->guest, (unsigned long)vm.blk.stats.requests,
					    (unsigned long)vm.blk.stats.kicks,
					    (unsigned long)vm.blk.stats.interrupts);
			moat_printf("vmm: guest '%s' is off\n", vm.info->guest);
			vmm_event(MOAT_GUEST_POWER_OFF);
			return;
		case RESET: {
			const char *err;

			disk_quiesce();
			pvio_reset(&vm.pvio);
			if (vm.nic)
				vnet_reset(&vm.net); /* frames are copies: nothing to wait for */
			if (vm.hvc)
				vcon_reset(&vm.vcon); /* nothing at the console server to wait for */
			err = vmm_boot(&vm);

			if (err) {
				moat_printf("vmm: guest '%s' not restarted: %s\n", vm.info->guest, err);
				vmm_event(MOAT_GUEST_CRASHED);
				return;
			}
			vmm_event(MOAT_GUEST_RESET);
			break;
		}
		}
	}
}

int main(void *arg)
{
	const char *err;

	(void)arg;
	vm.info = (const struct moat_vmm_info *)(uintptr_t)MOAT_VMM_INFO;
	vm.ram = (uint8_t *)(uintptr_t)MOAT_VMM_GUEST_RAM;
	vm.files = (const uint8_t *)(uintptr_t)MOAT_VMM_GUEST_FILES;
	vm.line_start = true;
	if (vm.info->magic != MOAT_VMM_INFO_MAGIC) {
		moat_printf("vmm: no guest description at 0x%lx\n", (unsigned long)MOAT_VMM_INFO);
		for (;;)
			moat_yield();
	}
	if (vm.info->console_channel) {
		int err = moat_console_init(&vm.con, (unsigned)vm.info->console_channel - 1);

		vm.console = err == 0;
		if (err)
			moat_printf("vmm: guest '%s': no console on channel %lu (error %d); output "
				    "goes to the log\n",
				    vm.info->guest, (unsigned long)vm.info->console_channel - 1, err);
	}
	if (vm.info->blk_channel)
		disk_start();
	if (vm.info->net_channel)
		net_start();
	if (vm.console)
		hvc_start();
	/*
	 * The disk, if any, is the first virtio-mmio device: 0x0a000000, SPI
	 * 16; the NIC, if any, the next, then the virtio console, if any
	 * (0x0a000200 and SPI 17 for the second device, and so on).
	 */
	devtree_config_default(&vm.dt, (unsigned)vm.info->vcpus, virtio_count(),
			       vm.info->ram_size);
	vm.dt.ram_base = vm.info->ram_ipa;
	vm.dt.bootargs = vm.info->bootargs;
	pv_start();
	pl011_init(&vm.uart, console_out, &vm);
	if ((err = vmm_boot(&vm))) {
		moat_printf("vmm: guest '%s' not started: %s\n", vm.info->guest, err);
		vmm_event(MOAT_GUEST_CRASHED);
	} else {
		vmm_event(MOAT_GUEST_STARTED);
		serve();
	}
	for (;;) /* the guest is off: nothing more to serve */
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
}
