/*
 * GICv3 distributor and redistributor emulation (IHI 0069) for one guest.
 *
 * Every offset, size and value comes from the guest. An access is first
 * checked against the widths its register allows (access_ok), then
 * decoded by range; anything the architecture leaves reserved or that we
 * do not implement (LPIs, extended ranges, Security) is RAZ/WI. Registers
 * for INTIDs 0-31 live in each vCPU's SGI_base frame; with affinity
 * routing their distributor copies are RAZ/WI.
 *
 * Pending state here means "not yet handed to the kernel": vgic_next
 * clears it. A level-sensitive interrupt is handed over with
 * MOAT_VIRQ_EOI and stays "handed" until the kernel reports the guest
 * ended it (vgic_eoi); then, as a GIC does, a line still high makes it
 * pending again. It is also made pending again when something could have
 * made the guest forget it: it is re-enabled, or the guest clears its
 * pending state (ICPENDR).
 */
#include "vgic.h"

/* Register offsets common to GICD and the SGI_base frame. */
#define REG_IGROUPR    0x0080
#define REG_BITS_END   0x0400 /* IGROUPR..ICACTIVER: seven 0x80-byte arrays */
#define REG_IPRIORITYR 0x0400
#define REG_ITARGETSR  0x0800
#define REG_ICFGR      0x0c00
#define REG_ICFGR_END  0x0d00
#define REG_PIDR2      0xffe8

/* The seven bit-per-INTID arrays, numbered by offset / 0x80. */
enum bits_reg {
	BITS_IGROUPR = 1,
	BITS_ISENABLER,
	BITS_ICENABLER,
	BITS_ISPENDR,
	BITS_ICPENDR,
	BITS_ISACTIVER,
	BITS_ICACTIVER,
};

#define GICD_CTLR	 0x0000
#define GICD_TYPER	 0x0004
#define GICD_IIDR	 0x0008
#define GICD_IROUTER	 0x6000
#define GICD_IROUTER_END 0x7fe0 /* IROUTER<1019> is the last */

#define GICR_IIDR     0x0004
#define GICR_TYPER    0x0008
#define GICR_WAKER    0x0014
#define GICR_SGI_BASE 0x10000

#define CTLR_ENABLE_GRP1 (1u << 1)
#define CTLR_ARE	 (1u << 4) /* RAO/WI: affinity routing is always on */
#define CTLR_DS		 (1u << 6) /* RAO/WI: one security state */

#define TYPER_IDBITS_10 (9u << 19) /* INTIDs have 10 bits */

/* Arm's JEP106 code (0x43b) as KVM uses it, product 'M', revision 0. */
#define VGIC_IIDR 0x4d00043bu
/* ArchRev 3 (GICv3) in [7:4]; JEDEC-assigned, Arm's identity bits [6:4]. */
#define VGIC_PIDR2 0x3bu

#define GICR_TYPER_LAST	      (1u << 4)
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

/* IROUTER: Aff2.Aff1.Aff0 and IRM; Aff3 is RES0 (GICD_TYPER.A3V = 0). */
#define IROUTER_IRM  (1ull << 31)
#define IROUTER_MASK 0x80ffffffull

#define SGI_MASK 0x0000ffffu

/* ---- access checks ---- */

#define WIDTH_1 (1u << 1)
#define WIDTH_4 (1u << 4)
#define WIDTH_8 (1u << 8)

static bool access_ok(uint64_t off, unsigned size, unsigned widths)
{
	if (size != 1 && size != 4 && size != 8)
		return false;
	return (widths & (1u << size)) != 0 && off % size == 0;
}

static uint64_t size_mask(unsigned size)
{
	return size == 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

/* Widths a distributor offset takes: bytes for priorities and targets. */
static unsigned dist_widths(uint64_t off)
{
	if (off >= REG_IPRIORITYR && off < REG_ICFGR)
		return WIDTH_1 | WIDTH_4;
	if (off >= GICD_IROUTER && off < GICD_IROUTER_END)
		return WIDTH_4 | WIDTH_8;
	return WIDTH_4;
}

/* ---- interrupt state ---- */

static struct vgic_bank *bank_of(struct vgic *g, unsigned vcpu, unsigned intid)
{
	if (intid >= VGIC_NR_IRQS)
		return NULL;
	if (intid >= VGIC_NR_PRIVATE)
		return &g->spi[intid / 32];
	return vcpu < g->vcpus ? &g->cpu[vcpu].priv : NULL;
}

static void bank_reset(struct vgic_bank *b, uint32_t edge)
{
	/* Group 1 from reset: a guest that never writes IGROUPR still works. */
	b->group = UINT32_MAX;
	b->enabled = 0;
	b->pending = 0;
	b->handed = 0;
	b->active = 0;
	b->level = 0;
	b->edge = edge;
	for (unsigned i = 0; i < 32; i++)
		b->prio[i] = 0;
}

bool vgic_init(struct vgic *g, unsigned vcpus)
{
	if (vcpus == 0 || vcpus > VGIC_MAX_VCPUS)
		return false;
	g->vcpus = vcpus;
	g->grp1 = false;
	for (unsigned c = 0; c < VGIC_MAX_VCPUS; c++) {
		bank_reset(&g->cpu[c].priv, SGI_MASK); /* SGIs are always edge */
		g->cpu[c].asleep = true;
	}
	for (unsigned i = 0; i < VGIC_NR_BANKS; i++)
		bank_reset(&g->spi[i], 0);
	for (unsigned i = 0; i < VGIC_NR_IRQS; i++)
		g->irouter[i] = 0;
	return true;
}

static void bank_enable(struct vgic_bank *b, uint32_t mask)
{
	uint32_t newly = mask & ~b->enabled;

	b->enabled |= mask;
	b->pending |= newly & b->level & ~b->edge & ~b->handed;
}

static void bank_clear_pending(struct vgic_bank *b, uint32_t mask)
{
	b->pending &= ~mask;
	/* As in hardware, a level-sensitive line still high stays pending. */
	b->pending |= mask & b->level & ~b->edge & b->enabled & ~b->handed;
}

/* ---- the shared register arrays (GICD for SPIs, SGI_base for 0-31) ---- */

static uint32_t bits_read(const struct vgic_bank *b, unsigned reg)
{
	switch (reg) {
	case BITS_IGROUPR:
		return b->group;
	case BITS_ISENABLER:
	case BITS_ICENABLER:
		return b->enabled;
	case BITS_ISPENDR:
	case BITS_ICPENDR:
		/* A level-sensitive line that is high is pending. */
		return b->pending | (b->level & ~b->edge);
	default:
		return b->active;
	}
}

static void bits_write(struct vgic_bank *b, unsigned reg, uint32_t v)
{
	switch (reg) {
	case BITS_IGROUPR:
		b->group = v;
		break;
	case BITS_ISENABLER:
		bank_enable(b, v);
		break;
	case BITS_ICENABLER:
		b->enabled &= ~v;
		break;
	case BITS_ISPENDR:
		b->pending |= v;
		break;
	case BITS_ICPENDR:
		bank_clear_pending(b, v);
		break;
	case BITS_ISACTIVER:
		b->active |= v;
		break;
	default:
		b->active &= ~v;
		break;
	}
}

/* One to four priority bytes from byte `first` of the bank; NULL: RAZ/WI. */
static void prio_access(struct vgic_bank *b, unsigned first, unsigned size, bool write, uint32_t *v)
{
	uint32_t r = 0;

	for (unsigned i = 0; i < size; i++) {
		if (b == NULL)
			continue;
		if (write)
			b->prio[first + i] = (uint8_t)(*v >> (8 * i));
		else
			r |= (uint32_t)b->prio[first + i] << (8 * i);
	}
	if (!write)
		*v = r;
}

/* ICFGR: two bits per INTID, Int_config[1] = edge; `half` of the bank. */
static uint32_t cfg_read(const struct vgic_bank *b, unsigned half)
{
	uint32_t v = 0;

	for (unsigned k = 0; k < 16; k++)
		if ((b->edge >> (half * 16 + k)) & 1)
			v |= 2u << (2 * k);
	return v;
}

static void cfg_write(struct vgic_bank *b, unsigned half, uint32_t v, uint32_t writable)
{
	for (unsigned k = 0; k < 16; k++) {
		uint32_t bit = 1u << (half * 16 + k);

		if ((writable & bit) == 0)
			continue;
		if ((v >> (2 * k + 1)) & 1)
			b->edge |= bit;
		else
			b->edge &= ~bit;
	}
}

/*
 * A 32-bit (or, for priorities, byte) access to the arrays shared by GICD
 * and SGI_base: `b` the bank of the 32 INTIDs the offset selects (NULL:
 * RAZ/WI), `cfg_writable` which of its ICFGR fields may change.
 */
static void array_access(struct vgic_bank *b, uint64_t off, unsigned size, bool write, uint32_t *v,
			 uint32_t cfg_writable)
{
	if (off >= REG_IPRIORITYR && off < REG_ITARGETSR) {
		prio_access(b, (unsigned)(off % 32), size, write, v);
		return;
	}
	if (b == NULL || off < REG_IGROUPR || off >= REG_ICFGR_END ||
	    (off >= REG_BITS_END && off < REG_ICFGR)) {
		if (!write)
			*v = 0;
		return;
	}
	if (off < REG_BITS_END) {
		if (write)
			bits_write(b, (unsigned)(off / 0x80), *v);
		else
			*v = bits_read(b, (unsigned)(off / 0x80));
		return;
	}
	if (write)
		cfg_write(b, (unsigned)(off / 4 % 2), *v, cfg_writable);
	else
		*v = cfg_read(b, (unsigned)(off / 4 % 2));
}

/* The bank of the 32 INTIDs an array offset selects. */
static unsigned array_bank_index(uint64_t off)
{
	if (off >= REG_IPRIORITYR && off < REG_ITARGETSR)
		return (unsigned)((off - REG_IPRIORITYR) / 32);
	if (off >= REG_ICFGR && off < REG_ICFGR_END)
		return (unsigned)((off - REG_ICFGR) / 8);
	return (unsigned)(off % 0x80 / 4);
}

/* ---- distributor ---- */

static uint32_t dist_typer(const struct vgic *g)
{
	return (VGIC_NR_IRQS / 32 - 1) | ((g->vcpus - 1) << 5) | TYPER_IDBITS_10;
}

static void dist_ctl_access(struct vgic *g, uint64_t off, bool write, uint32_t *v)
{
	if (write) {
		if (off == GICD_CTLR)
			g->grp1 = (*v & CTLR_ENABLE_GRP1) != 0;
		return;
	}
	switch (off) {
	case GICD_CTLR:
		*v = (g->grp1 ? CTLR_ENABLE_GRP1 : 0) | CTLR_ARE | CTLR_DS;
		break;
	case GICD_TYPER:
		*v = dist_typer(g);
		break;
	case GICD_IIDR:
		*v = VGIC_IIDR;
		break;
	case REG_PIDR2:
		*v = VGIC_PIDR2;
		break;
	default: /* TYPER2, STATUSR, the SPI message registers, IDs */
		*v = 0;
		break;
	}
}

static void irouter_access(struct vgic *g, uint64_t off, unsigned size, bool write, uint64_t *v)
{
	uint64_t n = (off - GICD_IROUTER) / 8, shift = (off % 8) * 8;
	uint64_t *r = n >= VGIC_NR_PRIVATE && n < VGIC_NR_IRQS ? &g->irouter[n] : NULL;
	uint64_t mask = size_mask(size) << shift;

	if (!write) {
		*v = r != NULL ? (*r & mask) >> shift : 0;
		return;
	}
	if (r != NULL)
		*r = ((*r & ~mask) | ((*v << shift) & mask)) & IROUTER_MASK;
}

bool vgic_dist_access(struct vgic *g, uint64_t off, unsigned size, bool write, uint64_t *value)
{
	struct vgic_bank *b = NULL;
	uint64_t v;
	uint32_t v32;
	unsigned i;

	if (off >= VGIC_DIST_SIZE || !access_ok(off, size, dist_widths(off)))
		return false;
	v = write ? *value & size_mask(size) : 0;
	v32 = (uint32_t)v;
	if (off >= GICD_IROUTER && off < GICD_IROUTER_END) {
		irouter_access(g, off, size, write, &v);
	} else if (off < REG_IGROUPR || off >= REG_ICFGR_END) {
		dist_ctl_access(g, off, write, &v32);
		v = v32;
	} else {
		/* Bank 0 (INTIDs 0-31) is the redistributors' with ARE set. */
		i = array_bank_index(off);
		if (i > 0 && i < VGIC_NR_BANKS)
			b = &g->spi[i];
		array_access(b, off, size, write, &v32, UINT32_MAX);
		v = v32;
	}
	if (!write)
		*value = v;
	return true;
}

/* ---- redistributors ---- */

static uint64_t redist_typer(const struct vgic *g, unsigned c)
{
	uint64_t t = (uint64_t)c << 32 | (uint64_t)c << 8; /* Aff0, Processor_Number */

	if (c == g->vcpus - 1)
		t |= GICR_TYPER_LAST;
	return t;
}

static void rd_access(struct vgic *g, unsigned c, uint64_t off, unsigned size, bool write,
		      uint64_t *v)
{
	if (off == GICR_TYPER || off == GICR_TYPER + 4) {
		if (!write)
			*v = (redist_typer(g, c) >> ((off - GICR_TYPER) * 8)) & size_mask(size);
		return;
	}
	if (write) {
		if (off == GICR_WAKER)
			g->cpu[c].asleep = (*v & WAKER_PROCESSOR_SLEEP) != 0;
		return;
	}
	switch (off) {
	case GICR_IIDR:
		*v = VGIC_IIDR;
		break;
	case GICR_WAKER:
		*v = g->cpu[c].asleep ? WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP : 0;
		break;
	case REG_PIDR2:
		*v = VGIC_PIDR2;
		break;
	default: /* CTLR (no LPIs, RWP 0), STATUSR, the LPI registers */
		*v = 0;
		break;
	}
}

static void sgi_access(struct vgic *g, unsigned c, uint64_t off, unsigned size, bool write,
		       uint64_t *v)
{
	uint32_t v32 = (uint32_t)*v;
	/* Only index 0 of each array exists: the extended PPI range does not. */
	struct vgic_bank *b = array_bank_index(off) == 0 ? &g->cpu[c].priv : NULL;

	/* ICFGR0 (SGIs) is fixed edge; IGRPMODR0 and NSACR are RAZ/WI (DS=1). */
	array_access(b, off, size, write, &v32, ~SGI_MASK);
	*v = v32;
}

/* Widths an offset in one vCPU's 128 KiB takes. */
static unsigned redist_widths(uint64_t frame)
{
	if (frame == GICR_TYPER)
		return WIDTH_4 | WIDTH_8;
	if (frame >= GICR_SGI_BASE + REG_IPRIORITYR && frame < GICR_SGI_BASE + REG_ITARGETSR)
		return WIDTH_1 | WIDTH_4;
	return WIDTH_4;
}

bool vgic_redist_access(struct vgic *g, uint64_t off, unsigned size, bool write, uint64_t *value)
{
	uint64_t c = off / VGIC_REDIST_STRIDE, frame = off % VGIC_REDIST_STRIDE;
	uint64_t v;

	if (c >= g->vcpus || !access_ok(frame, size, redist_widths(frame)))
		return false;
	v = write ? *value & size_mask(size) : 0;
	if (frame < GICR_SGI_BASE)
		rd_access(g, (unsigned)c, frame, size, write, &v);
	else
		sgi_access(g, (unsigned)c, frame - GICR_SGI_BASE, size, write, &v);
	if (!write)
		*value = v;
	return true;
}

/* ---- injection ---- */

bool vgic_set_level(struct vgic *g, unsigned vcpu, unsigned intid, bool level)
{
	struct vgic_bank *b = intid >= 16 ? bank_of(g, vcpu, intid) : NULL;
	uint32_t bit = 1u << (intid % 32);
	bool was;

	if (b == NULL)
		return false;
	was = (b->level & bit) != 0;
	if (level)
		b->level |= bit;
	else
		b->level &= ~bit;
	if (level && !was && ((b->edge & bit) || ((b->enabled & bit) && !(b->handed & bit))))
		b->pending |= bit;
	else if (!level && was && !(b->edge & bit))
		b->pending &= ~bit;
	return true;
}

bool vgic_set_pending(struct vgic *g, unsigned vcpu, unsigned intid)
{
	struct vgic_bank *b = bank_of(g, vcpu, intid);

	if (b == NULL)
		return false;
	b->pending |= 1u << (intid % 32);
	return true;
}

void vgic_sgi(struct vgic *g, uint64_t sgi1r, unsigned from)
{
	unsigned intid = (unsigned)(sgi1r >> 24) & 0xf;
	unsigned rs = (unsigned)(sgi1r >> 44) & 0xf;
	uint32_t targets = (uint32_t)sgi1r & 0xffff;

	if (sgi1r & (1ull << 40)) { /* IRM: every PE but the sender */
		for (unsigned c = 0; c < g->vcpus; c++)
			if (c != from)
				g->cpu[c].priv.pending |= 1u << intid;
		return;
	}
	/* Our vCPUs have Aff3.Aff2.Aff1 = 0.0.0 and Aff0 < 16. */
	if ((sgi1r >> 16) & 0xff || (sgi1r >> 32) & 0xff || (sgi1r >> 48) & 0xff || rs != 0)
		return;
	for (unsigned c = 0; c < g->vcpus; c++)
		if ((targets >> c) & 1)
			g->cpu[c].priv.pending |= 1u << intid;
}

/* The vCPU an SPI goes to; false if IROUTER names no vCPU of ours. */
static bool spi_target(const struct vgic *g, unsigned intid, unsigned *vcpu)
{
	uint64_t r = g->irouter[intid];

	if (r & IROUTER_IRM) { /* 1 of N: any PE will do, vCPU 0 always exists */
		*vcpu = 0;
		return true;
	}
	if ((r & 0xffff00) != 0 || (r & 0xff) >= g->vcpus)
		return false;
	*vcpu = (unsigned)(r & 0xff);
	return true;
}

/* The interrupt leaves for the kernel; a level-sensitive one is handed until its end. */
static bool take(struct vgic *g, struct vgic_bank *b, unsigned base, unsigned bit,
		 struct vgic_irq *out)
{
	b->pending &= ~(1u << bit);
	out->intid = base + bit;
	out->prio = b->prio[bit];
	out->eoi = !(b->edge & (1u << bit));
	if (out->eoi) {
		b->handed |= 1u << bit;
		g->handed_to[out->intid] = (uint8_t)out->vcpu;
	}
	return true;
}

bool vgic_next(struct vgic *g, struct vgic_irq *out)
{
	if (!g->grp1)
		return false;
	for (unsigned c = 0; c < g->vcpus; c++) {
		struct vgic_bank *b = &g->cpu[c].priv;
		uint32_t ready = b->pending & b->enabled & b->group;

		if (ready != 0) {
			out->vcpu = c;
			return take(g, b, 0, (unsigned)__builtin_ctz(ready), out);
		}
	}
	for (unsigned i = 1; i < VGIC_NR_BANKS; i++) {
		struct vgic_bank *b = &g->spi[i];
		uint32_t ready = b->pending & b->enabled & b->group;

		for (; ready != 0; ready &= ready - 1) {
			unsigned bit = (unsigned)__builtin_ctz(ready);

			if (spi_target(g, i * 32 + bit, &out->vcpu))
				return take(g, b, i * 32, bit, out);
		}
	}
	return false;
}

/* A handed interrupt is back with us: pending again if its line is still high. */
static void give_back(struct vgic_bank *b, uint32_t bit)
{
	b->handed &= ~bit;
	if (b->level & b->enabled & bit)
		b->pending |= bit;
}

void vgic_eoi(struct vgic *g, unsigned vcpu, unsigned intid)
{
	struct vgic_bank *b = bank_of(g, vcpu, intid);
	uint32_t bit = 1u << (intid % 32);

	/* Only what we handed to that vCPU: the report is the kernel's, but be sure. */
	if (b != NULL && (b->handed & bit) && g->handed_to[intid] == vcpu)
		give_back(b, bit);
}

void vgic_vcpu_reset(struct vgic *g, unsigned vcpu)
{
	if (vcpu >= g->vcpus)
		return;
	for (unsigned intid = VGIC_NR_PRIVATE; intid < VGIC_NR_IRQS; intid++) {
		struct vgic_bank *b = &g->spi[intid / 32];
		uint32_t bit = 1u << (intid % 32);

		if ((b->handed & bit) && g->handed_to[intid] == vcpu)
			give_back(b, bit);
	}
	for (uint32_t m = g->cpu[vcpu].priv.handed; m; m &= m - 1)
		give_back(&g->cpu[vcpu].priv, 1u << __builtin_ctz(m));
}
