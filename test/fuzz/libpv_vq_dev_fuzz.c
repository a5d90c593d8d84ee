/*
 * libFuzzer harness for the device side of a virtqueue (libpv/src/vq_dev.c):
 * the fuzzer is the guest. It writes every byte of the guest memory that
 * holds the rings, indirect tables and buffers, and keeps rewriting bytes
 * between the device's calls as a concurrent driver could. The device must
 * never touch memory outside the windows (AddressSanitizer watches: each
 * window is its own exactly-sized allocation), never crash, and every chain
 * it accepts must satisfy the checks below.
 *
 * Input: 4 configuration bytes, then the initial guest memory image, then
 * (after GUEST_BYTES) a script of 3-byte steps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libpv/err.h>
#include <libpv/vq_dev.h>

#define GBASE	    0x80000000ull
#define GUEST_BYTES 0x1000u
#define RO_BASE	    0x90000000ull
#define WO_BASE	    0xa0000000ull
#define SIDE_BYTES  0x100u
#define MAX_SEG	    16u

static void check(int cond)
{
	if (!cond)
		abort();
}

static void check_chain(const struct pv_vq_dev *vq, const struct pv_vq_chain *c, uint32_t max_bytes)
{
	uint64_t out = 0, in = 0;

	check((uint32_t)c->n_out + c->n_in <= c->max_seg);
	check(c->head < vq->size);
	for (uint32_t i = 0; i < (uint32_t)c->n_out + c->n_in; i++) {
		const struct pv_vq_seg *s = &c->seg[i];

		check(s->len != 0);
		check(s->write == (i >= c->n_out));
		check(pv_window_check(vq->win, s->addr, s->len,
				      s->write ? PV_WINDOW_WRITE : PV_WINDOW_READ) == PV_OK);
		/* Its view is the window's, whole: chain reads and writes go through it. */
		check(s->host == pv_window_translate(vq->win, s->addr, s->len,
						     s->write ? PV_WINDOW_WRITE : PV_WINDOW_READ));
		if (s->write)
			in += s->len;
		else
			out += s->len;
	}
	check(out == c->out_bytes && in == c->in_bytes);
	check(out + in <= max_bytes);
}

/* Copies the whole chain through, as a backend would, in a private buffer. */
static void use_chain(const struct pv_vq_dev *vq, const struct pv_vq_chain *c)
{
	static uint8_t buf[4 * GUEST_BYTES];
	uint32_t out = c->out_bytes < sizeof(buf) ? c->out_bytes : sizeof(buf);
	uint32_t in = c->in_bytes < sizeof(buf) ? c->in_bytes : sizeof(buf);

	check(pv_vq_chain_read(vq, c, 0, buf, out) == PV_OK);
	check(pv_vq_chain_write(vq, c, 0, buf, in) == PV_OK);
	check(pv_vq_chain_read(vq, c, c->out_bytes, buf, 1) == PV_E_LENGTH);
	check(pv_vq_chain_write(vq, c, c->in_bytes, buf, 1) == PV_E_LENGTH);
}

/* One call into the device; returns false once the queue is broken. */
static int step(struct pv_vq_dev *vq, struct pv_vq_chain *c, uint32_t max_bytes, uint8_t op)
{
	int r;

	switch (op % 4) {
	case 0:
	case 1:
		r = pv_vq_dev_pop(vq, c);
		if (r == 1) {
			check_chain(vq, c, max_bytes);
			use_chain(vq, c);
			check(pv_vq_dev_push(vq, c, c->in_bytes) == PV_OK);
		} else if (r == PV_E_BROKEN || r == PV_E_PEER_INDEX || r == PV_E_HEAD) {
			check(pv_vq_dev_broken(vq));
		} else if (r < 0) {
			/* A rejected chain: named, empty, and returned. */
			check(!pv_vq_dev_broken(vq));
			check(c->n_out == 0 && c->n_in == 0 && c->head < vq->size);
			check(pv_vq_dev_push(vq, c, 0) == PV_OK);
		} else {
			check(r == 0);
		}
		break;
	case 2:
		(void)pv_vq_dev_interrupt_needed(vq);
		break;
	default:
		if (op & 0x80)
			pv_vq_dev_disable_notify(vq);
		else
			(void)pv_vq_dev_prepare_wait(vq);
		break;
	}
	return !pv_vq_dev_broken(vq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_window_set win;
	struct pv_vq_seg seg[MAX_SEG];
	struct pv_vq_chain chain = {.seg = seg};
	struct pv_vq_dev vq;
	struct pv_vq_dev_config cfg;
	uint8_t *guest, *ro, *wo;
	size_t img;

	if (size < 4)
		return 0;
	guest = calloc(1, GUEST_BYTES);
	ro = calloc(1, SIDE_BYTES);
	wo = calloc(1, SIDE_BYTES);
	img = size - 4 < GUEST_BYTES ? size - 4 : GUEST_BYTES;
	memcpy(guest, data + 4, img);
	memset(ro, 0x11, SIDE_BYTES);
	pv_window_set_init(&win);
	pv_window_add(&win, pv_gaddr(GBASE), GUEST_BYTES, guest, PV_WINDOW_READ | PV_WINDOW_WRITE);
	pv_window_add(&win, pv_gaddr(RO_BASE), SIDE_BYTES, ro, PV_WINDOW_READ);
	pv_window_add(&win, pv_gaddr(WO_BASE), SIDE_BYTES, wo, PV_WINDOW_WRITE);

	/* Rings at fixed places: desc 0, avail 0x200, used 0x300 (size <= 16). */
	cfg = (struct pv_vq_dev_config){
		.size = 1u << (data[0] % 5),
		.features = ((data[1] & 1) ? PV_VIRTIO_F_EVENT_IDX : 0) |
			    ((data[1] & 2) ? PV_VIRTIO_F_INDIRECT_DESC : 0),
		.max_bytes = (data[3] & 1) ? 0 : 64u * (data[3] + 1u),
		.desc = pv_gaddr(GBASE),
		.avail = pv_gaddr(GBASE + 0x200),
		.used = pv_gaddr(GBASE + 0x300),
		.win = &win,
	};
	chain.max_seg = 1 + data[2] % MAX_SEG;
	if (pv_vq_dev_init(&vq, &cfg) != PV_OK)
		abort();

	/* The script: each step rewrites one guest byte, then calls the device. */
	const uint8_t *script = data + 4 + img;
	size_t steps = (size - 4 - img) / 3;
	uint32_t max_bytes = cfg.max_bytes ? cfg.max_bytes : UINT32_MAX;

	if (steps == 0)
		steps = 1;
	for (size_t i = 0; i < steps && i < 512; i++) {
		uint8_t op = 0;

		if (4 + img + 3 * i + 2 < size) {
			guest[((uint32_t)script[3 * i] << 4 | script[3 * i + 1] >> 4) %
			      GUEST_BYTES] = script[3 * i + 2];
			op = script[3 * i + 1] & 0x8f;
		}
		/* A few pops per step, so whole rings are walked. */
		for (int k = 0; k < 4; k++)
			if (!step(&vq, &chain, max_bytes, k == 0 ? op : 0))
				break;
		if (pv_vq_dev_broken(&vq))
			check(pv_vq_dev_pop(&vq, &chain) == PV_E_BROKEN);
	}
	free(guest);
	free(ro);
	free(wo);
	return 0;
}
