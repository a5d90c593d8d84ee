/*
 * libFuzzer harness for the VMM's device models (servers/vmm/vgic.c,
 * pl011.c): the fuzzer is the guest, making any access at any offset
 * with any size and value, and the world around it, raising device
 * lines, sending SGIs, feeding console input, draining injections and
 * reporting their ends (true or not) in any order. Beyond the sanitizers' checks, it holds the models to what
 * the VMM relies on:
 *
 * - an access is refused exactly when it is not a defined width at an
 *   aligned offset inside the device; a read's value fits its size;
 * - identification registers never change;
 * - vgic_next returns only an interrupt that the guest's own registers
 *   say is enabled, Group 1, with Group 1 on and routed to that vCPU, at
 *   the priority it set; when it returns nothing, nothing is ready;
 * - the PL011 never reports a full or busy transmitter, and its line is
 *   RIS & IMSC as the guest reads them.
 *
 * Input: 1 configuration byte (vCPUs), then 13-byte steps (op, 12 bytes).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl011.h"
#include "vgic.h"

#define STEP	 13
#define SGI_BASE 0x10000ull

static void check(int cond)
{
	if (!cond)
		abort();
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i > 0; i--)
		v = v << 8 | p[i - 1];
	return v;
}

static void out(void *ctx, uint8_t c)
{
	(void)c;
	++*(size_t *)ctx;
}

/* Sizes the fuzzer tries: mostly real ones, sometimes anything. */
static unsigned pick_size(uint8_t b)
{
	static const unsigned sizes[8] = {1, 2, 4, 8, 4, 4, 0, 3};

	return b < 0xf0 ? sizes[b & 7] : b;
}

static bool size_in(unsigned size, unsigned a, unsigned b)
{
	return size == a || size == b || size == 4;
}

static uint32_t dread(struct vgic *g, uint64_t off)
{
	uint64_t v = 0;

	check(vgic_dist_access(g, off, 4, false, &v));
	check(v <= UINT32_MAX);
	return (uint32_t)v;
}

static uint32_t rread(struct vgic *g, unsigned c, uint64_t off)
{
	uint64_t v = 0;

	check(vgic_redist_access(g, c * VGIC_REDIST_STRIDE + off, 4, false, &v));
	check(v <= UINT32_MAX);
	return (uint32_t)v;
}

static void dist_op(struct vgic *g, const uint8_t *a)
{
	uint64_t off = le(a, 2) | (a[2] == 0xff ? le(a + 3, 4) << 16 : 0);
	unsigned size = pick_size(a[7]);
	bool write = a[8] & 1, aligned = size != 0 && off % size == 0;
	uint64_t v = le(a + 4, 8);
	bool prio = off >= 0x400 && off < 0xc00, router = off >= 0x6000 && off < 0x7fe0;
	bool ok = vgic_dist_access(g, off, size, write, &v);

	check(ok == (off < VGIC_DIST_SIZE && aligned &&
		     (size == 4 || (size == 1 && prio) || (size == 8 && router))));
	if (ok && !write)
		check(size == 8 || v < 1ull << (8 * size));
}

static void redist_op(struct vgic *g, const uint8_t *a)
{
	/* Mostly inside the eight vCPUs' 1 MiB, sometimes anywhere. */
	uint64_t off = le(a, 3) & 0xfffff, frame, v = le(a + 5, 7);
	unsigned size = pick_size(a[3]);
	bool write = a[4] & 1, ok, prio;

	if (a[11] == 0xff)
		off |= le(a + 5, 7) << 20;
	frame = off % VGIC_REDIST_STRIDE;
	prio = frame >= SGI_BASE + 0x400 && frame < SGI_BASE + 0x800;
	ok = vgic_redist_access(g, off, size, write, &v);
	check(ok == (off / VGIC_REDIST_STRIDE < g->vcpus && size != 0 && off % size == 0 &&
		     (size == 4 || (size == 1 && prio) || (size == 8 && frame == 8))));
	if (ok && !write)
		check(size == 8 || v < 1ull << (8 * size));
}

static void uart_op(struct vgic *g, struct pl011 *u, const uint8_t *a)
{
	uint64_t off = le(a, 2) & (a[2] == 0xff ? 0xffff : 0xfff);
	unsigned size = pick_size(a[3]);
	bool write = a[4] & 1;
	uint64_t v = le(a + 5, 7);
	bool ok = pl011_access(u, off, size, write, &v);

	check(ok == (off < PL011_SIZE && off % 4 == 0 && size_in(size, 1, 2)));
	if (ok && !write)
		check(v < 1ull << (8 * size));
	/* As the VMM does after every access. */
	check(vgic_set_level(g, 0, 33, pl011_irq_level(u)));
}

/* The returned interrupt is one the guest's registers say may be injected. */
static void check_injectable(struct vgic *g, unsigned c, unsigned id, uint8_t prio)
{
	unsigned word = id / 32 * 4, bit = id % 32;
	uint64_t route = 0;

	check(c < g->vcpus && id < VGIC_NR_IRQS);
	check(dread(g, 0) & 2); /* GICD_CTLR.EnableGrp1 */
	if (id < 32) {
		check(rread(g, c, SGI_BASE + 0x100) >> bit & 1);
		check(rread(g, c, SGI_BASE + 0x080) >> bit & 1);
		check((rread(g, c, SGI_BASE + 0x400 + id / 4 * 4) >> (id % 4 * 8) & 0xff) == prio);
		return;
	}
	check(dread(g, 0x100 + word) >> bit & 1);
	check(dread(g, 0x080 + word) >> bit & 1);
	check((dread(g, 0x400 + id / 4 * 4) >> (id % 4 * 8) & 0xff) == prio);
	check(vgic_dist_access(g, 0x6000 + 8ull * id, 8, false, &route));
	check((route & (1ull << 31)) || route == c);
}

/* After vgic_next said no: nothing is ready (from the model's own state). */
static void check_nothing_ready(const struct vgic *g)
{
	if (!g->grp1)
		return;
	for (unsigned c = 0; c < g->vcpus; c++) {
		const struct vgic_bank *b = &g->cpu[c].priv;

		check((b->pending & b->enabled & b->group) == 0);
	}
	for (unsigned i = 1; i < VGIC_NR_BANKS; i++) {
		const struct vgic_bank *b = &g->spi[i];
		uint32_t ready = b->pending & b->enabled & b->group;

		for (unsigned bit = 0; bit < 32; bit++) {
			uint64_t r = g->irouter[i * 32 + bit];

			if (ready >> bit & 1)
				check(!(r & (1ull << 31)) &&
				      (r & 0xffff00 || (r & 0xff) >= g->vcpus));
		}
	}
}

static void drain(struct vgic *g, unsigned max)
{
	struct vgic_irq irq;
	unsigned n = 0;

	while (n++ <= max) {
		if (!vgic_next(g, &irq)) {
			check_nothing_ready(g);
			return;
		}
		check_injectable(g, irq.vcpu, irq.intid, irq.prio);
	}
}

static void check_constants(struct vgic *g, struct pl011 *u, uint32_t typer, uint32_t iidr)
{
	uint64_t v = 0, fr = 0, ris = 0, imsc = 0;

	check(dread(g, 0x4) == typer && dread(g, 0x8) == iidr);
	check((dread(g, 0xffe8) & 0xf0) == 0x30 && (dread(g, 0) & 0x50) == 0x50);
	for (unsigned c = 0; c < g->vcpus; c++) {
		check(vgic_redist_access(g, c * VGIC_REDIST_STRIDE + 8, 8, false, &v));
		check(v >> 32 == c && (v >> 8 & 0xffff) == c &&
		      (v >> 4 & 1) == (c == g->vcpus - 1));
	}
	check(pl011_access(u, 0x18, 4, false, &fr) && pl011_access(u, 0x3c, 4, false, &ris) &&
	      pl011_access(u, 0x38, 4, false, &imsc));
	check((fr & 0x28) == 0 && (fr & 0x80)); /* TXFF and BUSY clear, TXFE set */
	check(pl011_irq_level(u) == ((ris & imsc) != 0));
	check(u->rx_count <= PL011_FIFO && u->rx_head < PL011_FIFO);
}

static void step(struct vgic *g, struct pl011 *u, const uint8_t *a, uint8_t op)
{
	switch (op % 10) {
	case 0:
		dist_op(g, a);
		break;
	case 1:
		redist_op(g, a);
		break;
	case 2:
		uart_op(g, u, a);
		break;
	case 3: {
		bool ok = vgic_set_level(g, a[0], le(a + 1, 2), a[3] & 1);
		unsigned id = (unsigned)le(a + 1, 2);

		check(ok == (id >= 16 && id < VGIC_NR_IRQS && (id >= 32 || a[0] < g->vcpus)));
		break;
	}
	case 4: {
		unsigned id = (unsigned)le(a + 1, 2);

		check(vgic_set_pending(g, a[0], id) ==
		      (id < VGIC_NR_IRQS && (id >= 32 || a[0] < g->vcpus)));
		break;
	}
	case 5:
		vgic_sgi(g, le(a, 8), a[8] % (VGIC_MAX_VCPUS + 1));
		break;
	case 6:
		drain(g, a[0]);
		break;
	case 7: /* the kernel reports an end, true or not */
		vgic_eoi(g, a[0] % (VGIC_MAX_VCPUS + 1), (unsigned)le(a + 1, 2));
		break;
	case 8:
		vgic_vcpu_reset(g, a[0] % (VGIC_MAX_VCPUS + 1));
		break;
	default:
		pl011_input(u, a[0]);
		check(vgic_set_level(g, 0, 33, pl011_irq_level(u)));
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vgic g;
	struct pl011 u;
	size_t sent = 0;
	uint32_t typer, iidr;

	if (size < 1)
		return 0;
	check(vgic_init(&g, 1 + data[0] % VGIC_MAX_VCPUS));
	pl011_init(&u, out, &sent);
	typer = dread(&g, 0x4);
	iidr = dread(&g, 0x8);
	for (size_t at = 1; at < size; at += STEP) {
		uint8_t a[STEP - 1] = {0};
		size_t n = size - at - 1 < sizeof(a) ? size - at - 1 : sizeof(a);

		memcpy(a, data + at + 1, n);
		step(&g, &u, a, data[at]);
		check_constants(&g, &u, typer, iidr);
	}
	/* Everything ready comes out in the end (at most one per INTID and vCPU). */
	drain(&g, VGIC_NR_IRQS * VGIC_MAX_VCPUS);
	return 0;
}
