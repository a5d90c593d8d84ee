/* Unit tests for servers/vmm/vgic.c: every register path and the injection model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vgic.h"

#define VCPUS 4
#define SGI   0x10000ull /* SGI_base within one vCPU's redistributor */

#define GICD_CTLR    0x0000
#define GICD_TYPER   0x0004
#define GICD_IIDR    0x0008
#define GICD_TYPER2  0x000c
#define GICD_STATUSR 0x0010
#define IGROUPR	     0x0080
#define ISENABLER    0x0100
#define ICENABLER    0x0180
#define ISPENDR	     0x0200
#define ICPENDR	     0x0280
#define ISACTIVER    0x0300
#define ICACTIVER    0x0380
#define IPRIORITYR   0x0400
#define ITARGETSR    0x0800
#define ICFGR	     0x0c00
#define IGRPMODR     0x0d00
#define NSACR	     0x0e00
#define IROUTER(n)   (0x6000ull + 8 * (n))
#define PIDR2	     0xffe8

#define GICR_CTLR  0x0000
#define GICR_IIDR  0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014

static struct vgic g;

static int setup(void **state)
{
	(void)state;
	assert_true(vgic_init(&g, VCPUS));
	return 0;
}

static uint64_t dread(uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_true(vgic_dist_access(&g, off, size, false, &v));
	return v;
}

static void dwrite(uint64_t off, unsigned size, uint64_t v)
{
	assert_true(vgic_dist_access(&g, off, size, true, &v));
}

static uint64_t rread(unsigned c, uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_true(vgic_redist_access(&g, c * VGIC_REDIST_STRIDE + off, size, false, &v));
	return v;
}

static void rwrite(unsigned c, uint64_t off, unsigned size, uint64_t v)
{
	assert_true(vgic_redist_access(&g, c * VGIC_REDIST_STRIDE + off, size, true, &v));
}

static bool eoi_wanted; /* of the last interrupt next() took */

static bool next(unsigned *vcpu, unsigned *intid, uint8_t *prio)
{
	struct vgic_irq irq;

	if (!vgic_next(&g, &irq))
		return false;
	*vcpu = irq.vcpu;
	*intid = irq.intid;
	*prio = irq.prio;
	eoi_wanted = irq.eoi;
	return true;
}

/* Exactly one interrupt is ready: this one. */
static void expect_only(unsigned vcpu, unsigned intid)
{
	unsigned c, id;
	uint8_t p;

	assert_true(next(&c, &id, &p));
	assert_int_equal(c, vcpu);
	assert_int_equal(id, intid);
	assert_false(next(&c, &id, &p));
}

static void expect_none(void)
{
	unsigned c, id;
	uint8_t p;

	assert_false(next(&c, &id, &p));
}

/* Distributor on, SPI `id` enabled and routed to vCPU 0. */
static void enable_spi(unsigned id)
{
	dwrite(GICD_CTLR, 4, 2);
	dwrite(ISENABLER + id / 32 * 4, 4, 1u << (id % 32));
}

static void test_init_range(void **state)
{
	struct vgic h;

	(void)state;
	assert_false(vgic_init(&h, 0));
	assert_false(vgic_init(&h, VGIC_MAX_VCPUS + 1));
	assert_true(vgic_init(&h, VGIC_MAX_VCPUS));
}

static void test_dist_ids(void **state)
{
	(void)state;
	/* ARE and DS read as one, Group 1 off, RWP zero. */
	assert_int_equal(dread(GICD_CTLR, 4), 0x50);
	/* ITLinesNumber 7 (256 INTIDs), CPUNumber 3, IDbits 9; no LPIs, MBIS, Security, A3V. */
	assert_int_equal(dread(GICD_TYPER, 4), 7 | 3 << 5 | 9 << 19);
	assert_int_equal(dread(GICD_IIDR, 4) & 0xfff, 0x43b);
	assert_int_equal(dread(GICD_TYPER2, 4), 0);
	assert_int_equal(dread(GICD_STATUSR, 4), 0);
	assert_int_equal(dread(PIDR2, 4) & 0xf0, 0x30);
	/* EnableGrp0 and ARE are not writable; EnableGrp1 is. */
	dwrite(GICD_CTLR, 4, 0xffffffff);
	assert_int_equal(dread(GICD_CTLR, 4), 0x52);
	dwrite(GICD_CTLR, 4, 0);
	assert_int_equal(dread(GICD_CTLR, 4), 0x50);
	dwrite(GICD_TYPER, 4, 0);
	assert_int_equal(dread(GICD_TYPER, 4), 7 | 3 << 5 | 9 << 19);
	dwrite(GICD_STATUSR, 4, 0xffffffff);
	assert_int_equal(dread(GICD_STATUSR, 4), 0);
}

static void test_dist_raz_wi(void **state)
{
	static const uint64_t raz[] = {
		/* INTIDs 0-31 are the redistributors' with ARE set. */
		IGROUPR,
		ISENABLER,
		ICENABLER,
		ISPENDR,
		ICPENDR,
		ISACTIVER,
		ICACTIVER,
		IPRIORITYR,
		IPRIORITYR + 0x1c,
		ICFGR,
		ICFGR + 4,
		IROUTER(0),
		IROUTER(31),
		/* Beyond INTID 255. */
		IGROUPR + 32,
		ISENABLER + 32,
		ISPENDR + 0x7c,
		IPRIORITYR + 256,
		IPRIORITYR + 0x3f8,
		ICFGR + 64,
		ICFGR + 0xfc,
		IROUTER(256),
		IROUTER(1019),
		/* Reserved or not implemented. */
		0x0014,
		0x0040,
		0x0048,
		0x0050,
		0x0058,
		0x007c,
		ITARGETSR,
		ITARGETSR + 0x100,
		IGRPMODR,
		IGRPMODR + 4,
		NSACR,
		NSACR + 8,
		0x0f00,
		0x0f10,
		0x0f20,
		0x2000,
		0x5ffc,
		0x7fe0,
		0x8000,
		0xc000,
		0xffd0,
		0xffe0,
		0xfffc,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(raz) / sizeof(raz[0]); i++) {
		dwrite(raz[i], 4, 0xffffffff);
		assert_int_equal(dread(raz[i], 4), 0);
	}
	/* Nothing above reached the real state. */
	assert_int_equal(g.cpu[0].priv.enabled, 0);
	assert_int_equal(g.cpu[0].priv.pending, 0);
	assert_int_equal(g.cpu[0].priv.prio[0], 0);
	assert_int_equal(g.irouter[31], 0);
	assert_int_equal(dread(GICD_CTLR, 4), 0x50);
}

static void test_enable_set_clear(void **state)
{
	(void)state;
	dwrite(ISENABLER + 4, 4, 0x5);
	assert_int_equal(dread(ISENABLER + 4, 4), 0x5);
	assert_int_equal(dread(ICENABLER + 4, 4), 0x5);
	dwrite(ISENABLER + 4, 4, 0x100);
	assert_int_equal(dread(ISENABLER + 4, 4), 0x105);
	dwrite(ICENABLER + 4, 4, 0x4);
	assert_int_equal(dread(ISENABLER + 4, 4), 0x101);
	dwrite(ICENABLER + 4, 4, 0);
	dwrite(ISENABLER + 4, 4, 0);
	assert_int_equal(dread(ICENABLER + 4, 4), 0x101);
	assert_int_equal(dread(ISENABLER + 28, 4), 0);
	dwrite(ISENABLER + 28, 4, 0x80000000);
	assert_int_equal(g.spi[7].enabled, 0x80000000);
}

static void test_pending_set_clear(void **state)
{
	(void)state;
	dwrite(ISPENDR + 8, 4, 0x30);
	assert_int_equal(dread(ISPENDR + 8, 4), 0x30);
	assert_int_equal(dread(ICPENDR + 8, 4), 0x30);
	dwrite(ICPENDR + 8, 4, 0x10);
	assert_int_equal(dread(ISPENDR + 8, 4), 0x20);
	/* Pending but disabled, then Group 1 off: neither is injected. */
	expect_none();
	dwrite(ISENABLER + 8, 4, 0x20);
	expect_none();
	dwrite(GICD_CTLR, 4, 2);
	expect_only(0, 64 + 5);
	assert_int_equal(dread(ISPENDR + 8, 4), 0);
}

static void test_active_set_clear(void **state)
{
	(void)state;
	dwrite(ISACTIVER + 12, 4, 0xf0);
	assert_int_equal(dread(ISACTIVER + 12, 4), 0xf0);
	assert_int_equal(dread(ICACTIVER + 12, 4), 0xf0);
	dwrite(ICACTIVER + 12, 4, 0x30);
	assert_int_equal(dread(ISACTIVER + 12, 4), 0xc0);
	rwrite(1, SGI + ISACTIVER, 4, 0x80000001);
	assert_int_equal(rread(1, SGI + ICACTIVER, 4), 0x80000001);
	assert_int_equal(rread(0, SGI + ISACTIVER, 4), 0);
	rwrite(1, SGI + ICACTIVER, 4, 0xffffffff);
	assert_int_equal(rread(1, SGI + ISACTIVER, 4), 0);
}

static void test_group(void **state)
{
	unsigned c, id;
	uint8_t p;

	(void)state;
	/* Group 1 from reset, so a guest that leaves IGROUPR alone works. */
	assert_int_equal(dread(IGROUPR + 4, 4), 0xffffffff);
	assert_int_equal(rread(2, SGI + IGROUPR, 4), 0xffffffff);
	dwrite(IGROUPR + 4, 4, 0xfffffffe);
	assert_int_equal(dread(IGROUPR + 4, 4), 0xfffffffe);
	enable_spi(32);
	enable_spi(33);
	dwrite(ISPENDR + 4, 4, 0x3);
	/* A Group 0 interrupt is never injected: only 33 comes out. */
	expect_only(0, 33);
	dwrite(IGROUPR + 4, 4, 0xffffffff);
	assert_true(next(&c, &id, &p));
	assert_int_equal(id, 32);
}

static void test_priority(void **state)
{
	unsigned c, id;
	uint8_t p;

	(void)state;
	for (unsigned i = 0; i < 4; i++)
		dwrite(IPRIORITYR + 40 + i, 1, 0x10 * (i + 1));
	assert_int_equal(dread(IPRIORITYR + 40, 4), 0x40302010);
	assert_int_equal(dread(IPRIORITYR + 42, 1), 0x30);
	dwrite(IPRIORITYR + 44, 4, 0xa0b0c0d0);
	assert_int_equal(dread(IPRIORITYR + 44, 1), 0xd0);
	assert_int_equal(dread(IPRIORITYR + 47, 1), 0xa0);
	/* The upper bytes of a byte write's value are not another register's. */
	dwrite(IPRIORITYR + 48, 1, 0xffffff77);
	assert_int_equal(dread(IPRIORITYR + 48, 4), 0x77);
	dwrite(IPRIORITYR + 255, 1, 0x99);
	assert_int_equal(dread(IPRIORITYR + 252, 4), 0x99000000);
	/* The priority goes with the interrupt. */
	enable_spi(42);
	dwrite(ISPENDR + 4, 4, 1u << 10);
	assert_true(next(&c, &id, &p));
	assert_int_equal(id, 42);
	assert_int_equal(p, 0x30);
	/* SGI/PPI priorities in the SGI frame, per vCPU, byte and word. */
	rwrite(3, SGI + IPRIORITYR + 27, 1, 0xa0);
	assert_int_equal(rread(3, SGI + IPRIORITYR + 24, 4), 0xa0000000);
	rwrite(3, SGI + IPRIORITYR + 28, 4, 0x01020304);
	assert_int_equal(rread(3, SGI + IPRIORITYR + 31, 1), 0x01);
	assert_int_equal(rread(2, SGI + IPRIORITYR + 28, 4), 0);
	/* IPRIORITYR<n>E (extended PPIs) is RAZ/WI. */
	rwrite(3, SGI + IPRIORITYR + 32, 1, 0xff);
	assert_int_equal(rread(3, SGI + IPRIORITYR + 32, 4), 0);
}

static void test_config(void **state)
{
	(void)state;
	/* SPIs: Int_config[1] of each field is writable, [0] is RES0. */
	assert_int_equal(dread(ICFGR + 8, 4), 0);
	dwrite(ICFGR + 8, 4, 0xffffffff);
	assert_int_equal(dread(ICFGR + 8, 4), 0xaaaaaaaa);
	assert_int_equal(g.spi[1].edge, 0xffff); /* INTIDs 32-47 */
	dwrite(ICFGR + 12, 4, 0x8);
	assert_int_equal(g.spi[1].edge, 0x2ffff);
	dwrite(ICFGR + 8, 4, 0x2);
	assert_int_equal(dread(ICFGR + 8, 4), 0x2);
	/* SGIs are always edge; PPIs may be either. */
	assert_int_equal(rread(0, SGI + ICFGR, 4), 0xaaaaaaaa);
	rwrite(0, SGI + ICFGR, 4, 0);
	assert_int_equal(rread(0, SGI + ICFGR, 4), 0xaaaaaaaa);
	assert_int_equal(rread(0, SGI + ICFGR + 4, 4), 0);
	rwrite(0, SGI + ICFGR + 4, 4, 0x80000002);
	assert_int_equal(rread(0, SGI + ICFGR + 4, 4), 0x80000002);
	assert_int_equal(rread(1, SGI + ICFGR + 4, 4), 0);
	/* ICFGR<n>E: RAZ/WI. */
	rwrite(0, SGI + ICFGR + 8, 4, 0xffffffff);
	assert_int_equal(rread(0, SGI + ICFGR + 8, 4), 0);
}

static void test_irouter(void **state)
{
	(void)state;
	dwrite(IROUTER(40), 8, 0xffffffffffffffffull);
	/* Aff2.Aff1.Aff0 and IRM; Aff3 RES0 (A3V = 0), the rest reserved. */
	assert_int_equal(dread(IROUTER(40), 8), 0x80ffffffull);
	assert_int_equal(dread(IROUTER(40), 4), 0x80ffffff);
	assert_int_equal(dread(IROUTER(40) + 4, 4), 0);
	dwrite(IROUTER(41), 4, 0x2);
	dwrite(IROUTER(41) + 4, 4, 0xff);
	assert_int_equal(dread(IROUTER(41), 8), 0x2);
	dwrite(IROUTER(255), 8, 3);
	assert_int_equal(dread(IROUTER(255), 8), 3);
	assert_int_equal(g.irouter[255], 3);
	/* Not 1- or 2-byte, nor misaligned for 8. */
	uint64_t v = 0;
	assert_false(vgic_dist_access(&g, IROUTER(40), 1, false, &v));
	assert_false(vgic_dist_access(&g, IROUTER(40), 2, false, &v));
	assert_false(vgic_dist_access(&g, IROUTER(40) + 4, 8, false, &v));
	assert_false(vgic_dist_access(&g, IROUTER(40) + 2, 4, false, &v));
}

static void test_routing(void **state)
{
	(void)state;
	enable_spi(50);
	dwrite(IROUTER(50), 8, 2);
	dwrite(ISPENDR + 4, 4, 1u << 18);
	expect_only(2, 50);
	/* No such vCPU: it stays pending until routed somewhere real. */
	dwrite(IROUTER(50), 8, 9);
	dwrite(ISPENDR + 4, 4, 1u << 18);
	expect_none();
	dwrite(IROUTER(50), 8, 0x100); /* Aff1 = 1 */
	expect_none();
	dwrite(IROUTER(50), 8, 0x80000009); /* IRM: any PE */
	expect_only(0, 50);
	dwrite(IROUTER(50), 8, 3);
	dwrite(ISPENDR + 4, 4, 1u << 18);
	expect_only(3, 50);
}

static void test_level(void **state)
{
	(void)state;
	dwrite(GICD_CTLR, 4, 2);
	/* High while disabled: nothing, but reads as pending (it is, on the wire). */
	assert_true(vgic_set_level(&g, 0, 33, true));
	expect_none();
	assert_int_equal(dread(ISPENDR + 4, 4), 0x2);
	/* Enabled with the line high: pending now, once, until the guest ends it. */
	dwrite(ISENABLER + 4, 4, 0x2);
	expect_only(0, 33);
	assert_true(eoi_wanted);
	assert_true(vgic_set_level(&g, 0, 33, true));
	expect_none();
	/* Re-enabled while the guest has it: still nothing. */
	dwrite(ICENABLER + 4, 4, 0x2);
	dwrite(ISENABLER + 4, 4, 0x2);
	expect_none();
	/* An end reported for another vCPU is not this one's. */
	vgic_eoi(&g, 1, 33);
	expect_none();
	/* Ended while the line is still high: again. */
	vgic_eoi(&g, 0, 33);
	expect_only(0, 33);
	/* The guest clearing it while the line is high: pending again. */
	vgic_eoi(&g, 0, 33);
	dwrite(ICPENDR + 4, 4, 0x2);
	expect_only(0, 33);
	/* ISPENDR makes it pending whatever the line, handed or not. */
	dwrite(ISPENDR + 4, 4, 0x2);
	expect_only(0, 33);
	/* A pulse not yet handed over is taken back when the line falls. */
	vgic_eoi(&g, 0, 33);
	assert_true(vgic_set_level(&g, 0, 33, false));
	assert_int_equal(dread(ISPENDR + 4, 4), 0);
	assert_true(vgic_set_level(&g, 0, 33, true));
	assert_true(vgic_set_level(&g, 0, 33, false));
	expect_none();
	/* A new rising edge after a fall: pending. */
	assert_true(vgic_set_level(&g, 0, 33, true));
	expect_only(0, 33);
	/* Low when ended, cleared: nothing comes back. */
	assert_true(vgic_set_level(&g, 0, 33, false));
	vgic_eoi(&g, 0, 33);
	dwrite(ICPENDR + 4, 4, 0x2);
	dwrite(ICENABLER + 4, 4, 0x2);
	dwrite(ISENABLER + 4, 4, 0x2);
	expect_none();
	/* A reset vCPU's list registers are gone: what it held is pending again. */
	assert_true(vgic_set_level(&g, 0, 33, true));
	expect_only(0, 33);
	vgic_vcpu_reset(&g, 1);
	expect_none();
	vgic_vcpu_reset(&g, 0);
	expect_only(0, 33);
}

static void test_edge(void **state)
{
	(void)state;
	dwrite(GICD_CTLR, 4, 2);
	dwrite(ICFGR + 16, 4, 0x2); /* INTID 64 edge */
	/* Latched while disabled, delivered once enabled. */
	assert_true(vgic_set_level(&g, 0, 64, true));
	expect_none();
	dwrite(ISENABLER + 8, 4, 0x1);
	expect_only(0, 64);
	assert_false(eoi_wanted); /* nothing to sample again at its end */
	/* Still high is not another edge; falling does not take it back. */
	assert_true(vgic_set_level(&g, 0, 64, true));
	expect_none();
	assert_true(vgic_set_level(&g, 0, 64, false));
	assert_true(vgic_set_level(&g, 0, 64, true));
	assert_true(vgic_set_level(&g, 0, 64, false));
	expect_only(0, 64);
	/* Re-enabling does not re-pend an edge interrupt. */
	assert_true(vgic_set_level(&g, 0, 64, true));
	expect_only(0, 64);
	dwrite(ICENABLER + 8, 4, 0x1);
	dwrite(ISENABLER + 8, 4, 0x1);
	expect_none();
	/* vgic_set_pending is an edge whatever the configuration. */
	dwrite(ISENABLER + 8, 4, 0x2);
	assert_true(vgic_set_pending(&g, 0, 65));
	expect_only(0, 65);
}

static void test_lines_range(void **state)
{
	(void)state;
	assert_false(vgic_set_level(&g, 0, 15, true)); /* SGIs have no line */
	assert_false(vgic_set_level(&g, 0, VGIC_NR_IRQS, true));
	assert_false(vgic_set_level(&g, 0, UINT32_MAX, true));
	assert_false(vgic_set_level(&g, VCPUS, 20, true)); /* a PPI of no vCPU */
	assert_true(vgic_set_level(&g, 99, 40, true));	   /* SPIs ignore the vCPU */
	assert_false(vgic_set_pending(&g, VCPUS, 3));
	assert_false(vgic_set_pending(&g, 0, VGIC_NR_IRQS));
	assert_true(vgic_set_pending(&g, 1, 3));
	assert_int_equal(g.cpu[1].priv.pending, 0x8);
}

static void test_ppi(void **state)
{
	(void)state;
	dwrite(GICD_CTLR, 4, 2);
	rwrite(2, SGI + ISENABLER, 4, 1u << 23);
	assert_int_equal(rread(2, SGI + ICENABLER, 4), 1u << 23);
	/* The same PPI of another vCPU is another interrupt. */
	assert_true(vgic_set_level(&g, 1, 23, true));
	expect_none();
	assert_true(vgic_set_level(&g, 2, 23, true));
	expect_only(2, 23);
	rwrite(2, SGI + ICENABLER, 4, 1u << 23);
	assert_int_equal(rread(2, SGI + ISENABLER, 4), 0);
	/* SGI frame pending registers. */
	rwrite(2, SGI + ISPENDR, 4, 0x5);
	assert_int_equal(rread(2, SGI + ISPENDR, 4), 0x5 | 1u << 23);
	rwrite(2, SGI + ICPENDR, 4, 0x1);
	assert_int_equal(rread(2, SGI + ICPENDR, 4), 0x4 | 1u << 23);
	rwrite(2, SGI + ISENABLER, 4, 0x4);
	expect_only(2, 2);
	rwrite(2, SGI + IGROUPR, 4, 0);
	assert_int_equal(rread(2, SGI + IGROUPR, 4), 0);
}

static void test_sgi(void **state)
{
	unsigned c, id;
	uint8_t p;

	(void)state;
	dwrite(GICD_CTLR, 4, 2);
	for (unsigned i = 0; i < VCPUS; i++)
		rwrite(i, SGI + ISENABLER, 4, 0xffff);
	/* TargetList {1, 3}, INTID 5. */
	vgic_sgi(&g, 5ull << 24 | 0xa, 0);
	assert_true(next(&c, &id, &p));
	assert_int_equal(c, 1);
	assert_int_equal(id, 5);
	expect_only(3, 5);
	/* Targets beyond our vCPUs are ignored. */
	vgic_sgi(&g, 7ull << 24 | 0xfff0, 0);
	expect_none();
	/* Aff1, Aff2, Aff3 or RS not zero: nobody of ours. */
	vgic_sgi(&g, 1ull << 16 | 0x1, 0);
	vgic_sgi(&g, 1ull << 32 | 0x1, 0);
	vgic_sgi(&g, 1ull << 48 | 0x1, 0);
	vgic_sgi(&g, 1ull << 44 | 0x1, 0);
	expect_none();
	/* IRM: everyone but the sender; TargetList and affinity ignored. */
	vgic_sgi(&g, 1ull << 40 | 15ull << 24 | 1ull << 16, 2);
	for (unsigned i = 0; i < VCPUS; i++) {
		if (i == 2)
			continue;
		assert_true(next(&c, &id, &p));
		assert_int_equal(c, i);
		assert_int_equal(id, 15);
	}
	expect_none();
	/* A disabled SGI stays pending. */
	rwrite(0, SGI + ICENABLER, 4, 1u << 4);
	vgic_sgi(&g, 4ull << 24 | 1, 1);
	expect_none();
	assert_int_equal(rread(0, SGI + ISPENDR, 4), 1u << 4);
}

static void test_group_disable(void **state)
{
	(void)state;
	enable_spi(100);
	dwrite(GICD_CTLR, 4, 0);
	dwrite(ISPENDR + 12, 4, 1u << 4);
	expect_none();
	dwrite(GICD_CTLR, 4, 1); /* EnableGrp0 does nothing */
	expect_none();
	dwrite(GICD_CTLR, 4, 2);
	expect_only(0, 100);
}

static void test_drain_all(void **state)
{
	unsigned c, id, count = 0;
	uint8_t p;

	(void)state;
	dwrite(GICD_CTLR, 4, 2);
	for (unsigned i = 1; i < VGIC_NR_BANKS; i++) {
		dwrite(ISENABLER + 4 * i, 4, 0xffffffff);
		dwrite(ISPENDR + 4 * i, 4, 0xffffffff);
	}
	rwrite(1, SGI + ISENABLER, 4, 0xffffffff);
	rwrite(1, SGI + ISPENDR, 4, 0xffffffff);
	while (next(&c, &id, &p)) {
		assert_true(id < VGIC_NR_IRQS);
		assert_int_equal(c, id < 32 ? 1 : 0);
		count++;
	}
	assert_int_equal(count, VGIC_NR_IRQS);
}

static void test_redist(void **state)
{
	(void)state;
	for (unsigned c = 0; c < VCPUS; c++) {
		uint64_t t = rread(c, GICR_TYPER, 8);

		assert_int_equal(t >> 32, c);			/* Affinity_Value: Aff0 = c */
		assert_int_equal((t >> 8) & 0xffff, c);		/* Processor_Number */
		assert_int_equal((t >> 4) & 1, c == VCPUS - 1); /* Last */
		assert_int_equal(t & 0xf, 0);			/* no LPIs, VLPIs, DirectLPI */
		assert_int_equal(rread(c, GICR_TYPER, 4), (uint32_t)t);
		assert_int_equal(rread(c, GICR_TYPER + 4, 4), t >> 32);
		assert_int_equal(rread(c, PIDR2, 4) & 0xf0, 0x30);
		assert_int_equal(rread(c, GICR_IIDR, 4), dread(GICD_IIDR, 4));
		assert_int_equal(rread(c, GICR_CTLR, 4), 0);
	}
	rwrite(0, GICR_TYPER, 8, 0);
	assert_int_equal(rread(0, GICR_TYPER, 8), 0);
	rwrite(0, GICR_CTLR, 4, 0xffffffff); /* EnableLPIs: no LPIs */
	assert_int_equal(rread(0, GICR_CTLR, 4), 0);
	/* WAKER: asleep from reset; ChildrenAsleep follows ProcessorSleep. */
	assert_int_equal(rread(1, GICR_WAKER, 4), 0x6);
	rwrite(1, GICR_WAKER, 4, 0);
	assert_int_equal(rread(1, GICR_WAKER, 4), 0);
	assert_int_equal(rread(0, GICR_WAKER, 4), 0x6);
	rwrite(1, GICR_WAKER, 4, 0x2);
	assert_int_equal(rread(1, GICR_WAKER, 4), 0x6);
	rwrite(1, GICR_WAKER, 4, 0x4); /* ChildrenAsleep is read-only */
	assert_int_equal(rread(1, GICR_WAKER, 4), 0);
	/* Reserved and LPI registers, and the extended SGI-frame arrays: RAZ/WI. */
	static const uint64_t raz[] = {0x0010,
				       0x0040,
				       0x0070,
				       0x0078,
				       0x00a0,
				       0xfffc,
				       SGI + 0x0000,
				       SGI + ISENABLER + 4,
				       SGI + ISPENDR + 8,
				       SGI + IGROUPR + 4,
				       SGI + IGRPMODR,
				       SGI + NSACR,
				       SGI + ITARGETSR,
				       SGI + 0xfffc,
				       SGI + PIDR2};
	for (size_t i = 0; i < sizeof(raz) / sizeof(raz[0]); i++) {
		rwrite(2, raz[i], 4, 0xffffffff);
		assert_int_equal(rread(2, raz[i], 4), 0);
	}
	assert_int_equal(g.cpu[2].priv.enabled, 0);
}

static void test_bad_accesses(void **state)
{
	uint64_t v = 0;

	(void)state;
	/* Sizes: only 4 everywhere, 1 for priorities, 8 for IROUTER/GICR_TYPER. */
	for (unsigned size = 0; size <= 72; size++) {
		bool dist4 = size == 4;
		bool prio = size == 1 || size == 4;
		bool wide = size == 4 || size == 8;

		assert_int_equal(vgic_dist_access(&g, ISENABLER + 4, size, false, &v), dist4);
		assert_int_equal(vgic_dist_access(&g, IPRIORITYR + 32, size, true, &v), prio);
		assert_int_equal(vgic_dist_access(&g, IROUTER(32), size, false, &v), wide);
		assert_int_equal(vgic_redist_access(&g, GICR_TYPER, size, false, &v), wide);
		assert_int_equal(vgic_redist_access(&g, GICR_WAKER, size, false, &v), dist4);
		assert_int_equal(vgic_redist_access(&g, SGI + IPRIORITYR, size, false, &v), prio);
	}
	assert_false(vgic_dist_access(&g, ISENABLER + 4, UINT32_MAX, true, &v));
	assert_false(vgic_redist_access(&g, GICR_TYPER, 1u << 31, false, &v));
	/* Misaligned. */
	assert_false(vgic_dist_access(&g, GICD_CTLR + 1, 4, false, &v));
	assert_false(vgic_dist_access(&g, ISENABLER + 2, 4, true, &v));
	assert_false(vgic_redist_access(&g, GICR_TYPER + 4, 8, false, &v));
	assert_false(vgic_redist_access(&g, SGI + IPRIORITYR + 1, 4, false, &v));
	/* Outside the frame, beyond the last redistributor, huge offsets. */
	assert_false(vgic_dist_access(&g, VGIC_DIST_SIZE, 4, false, &v));
	assert_false(vgic_dist_access(&g, UINT64_MAX - 3, 4, false, &v));
	assert_false(vgic_redist_access(&g, VCPUS * VGIC_REDIST_STRIDE, 4, false, &v));
	assert_false(vgic_redist_access(&g, UINT64_MAX - 3, 4, false, &v));
	assert_true(vgic_redist_access(&g, VCPUS * VGIC_REDIST_STRIDE - 4, 4, false, &v));
	/* 1 byte outside the priority arrays. */
	assert_false(vgic_dist_access(&g, GICD_CTLR, 1, false, &v));
	assert_false(vgic_dist_access(&g, ICFGR + 8, 1, false, &v));
	assert_false(vgic_redist_access(&g, SGI + ISENABLER, 1, false, &v));
	assert_false(vgic_redist_access(&g, GICR_WAKER, 1, false, &v));
	/* A refused write changed nothing. */
	assert_int_equal(g.spi[1].enabled, 0);
}

static void test_read_zero_extends(void **state)
{
	uint64_t v = UINT64_MAX;

	(void)state;
	assert_true(vgic_dist_access(&g, GICD_CTLR, 4, false, &v));
	assert_int_equal(v, 0x50);
	v = UINT64_MAX;
	assert_true(vgic_dist_access(&g, IPRIORITYR + 32, 1, false, &v));
	assert_int_equal(v, 0);
	/* A write's value beyond its size is ignored. */
	v = 0xffffffff00000001ull;
	assert_true(vgic_dist_access(&g, ISENABLER + 4, 4, true, &v));
	assert_int_equal(dread(ISENABLER + 4, 4), 1);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_range),
		T(test_dist_ids),
		T(test_dist_raz_wi),
		T(test_enable_set_clear),
		T(test_pending_set_clear),
		T(test_active_set_clear),
		T(test_group),
		T(test_priority),
		T(test_config),
		T(test_irouter),
		T(test_routing),
		T(test_level),
		T(test_edge),
		T(test_lines_range),
		T(test_ppi),
		T(test_sgi),
		T(test_group_disable),
		T(test_drain_all),
		T(test_redist),
		T(test_bad_accesses),
		T(test_read_zero_extends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
