/*
 * What the PV guest's PV I/O modes share (moat/pvio.h, docs/io.md "PV
 * guests"; declared in pv.h and disk.h): the counter, the GIC's virtual
 * CPU interface, the calls, the disk's setup, and the console frontend,
 * the VMM's virtio console's transmit queue, which pv_print uses once it
 * is open.
 */
#include "pv.h"

#include <libpv/err.h>
#include <libpv/virtq.h>
#include <libpv/vq_drv.h>
#include <moat/hypercall.h>
#include <moat/pvio.h>
#include <moat/types.h>

#include "io.h"

#define CON_QUEUE	  16u /* the console's transmitq: lines in flight */
#define VIRTIO_ID_CONSOLE 3u
#define con_buf		  ((char(*)[MOAT_HVC_CONSOLE_MAX])PV_CON_BUF)
_Static_assert(MOAT_PVIO_QUEUE_BYTES(CON_QUEUE) <= 0x1000 &&
		       CON_QUEUE * MOAT_HVC_CONSOLE_MAX <= 0x1000,
	       "the console's queue and lines in their pages");

unsigned pv_io_failures;

void pv_check(const char *what, bool ok)
{
	pv_print("pv: %s: %s\n", what, ok ? "ok" : "WRONG");
	pv_io_failures += !ok;
}

uint64_t pv_now(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

uint64_t pv_ms(uint64_t n)
{
	uint64_t f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f / 1000 * n;
}

/* The GIC's virtual CPU interface: every priority, group 1 on. */
void pv_irq_init(void)
{
	__asm__ volatile("msr s3_0_c4_c6_0, %0" : : "r"(0xfful));     /* ICC_PMR_EL1 */
	__asm__ volatile("msr s3_0_c12_c12_7, %0; isb" : : "r"(1ul)); /* ICC_IGRPEN1_EL1 */
}

/* Sleeps until an interrupt is pending (they stay masked), then takes and ends it. */
void pv_irq_wait(void)
{
	uint64_t intid;

	__asm__ volatile("dsb sy; wfi");
	__asm__ volatile("mrs %0, s3_0_c12_c12_0" : "=r"(intid)); /* ICC_IAR1_EL1 */
	if (intid < 1020)
		__asm__ volatile("msr s3_0_c12_c12_1, %0; isb" : : "r"(intid)); /* ICC_EOIR1_EL1 */
}

void pv_wait_until(uint64_t t)
{
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" : : "r"(t), "r"(1ul));
	pv_irq_wait();
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(0ul));
}

uint64_t pv_io_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return pv_hypercall(fn, a1, a2, a3).x0;
}

bool pv_io_post_out(struct pv_vq_drv *vq, uint32_t *free, unsigned k, const void *buf, uint32_t len,
		    uint64_t notify)
{
	struct pv_sg sg = {.addr = pv_gaddr((uintptr_t)buf), .len = len};

	if (pv_vq_drv_add(vq, &sg, 1, 0, k) < 0)
		return false;
	*free &= ~(1u << k);
	if (pv_vq_drv_kick_needed(vq))
		pv_io_call(MOAT_PVIO_NOTIFY, notify, 0, 0);
	return true;
}

/* The disk's capacity in sectors, 0 if there is none; *status its virtio status byte. */
uint64_t pv_disk_info(uint64_t *status)
{
	struct pv_hvc r = pv_hypercall(MOAT_PVIO_INFO, PV_DISK, 0, 0);

	*status = r.x3 >> 32;
	return r.x0 == MOAT_OK && r.x1 == VIRTIO_ID_BLOCK ? r.x2 : 0;
}

bool pv_disk_open(void *area, uint64_t n)
{
	return pv_io_call(MOAT_PVIO_START, PV_DISK, PV_VIRTIO_F_VERSION_1 | PV_VIRTIO_F_EVENT_IDX,
			  0) == MOAT_OK &&
	       pv_io_call(MOAT_PVIO_QUEUE, PV_DISK, (uintptr_t)area, n) == MOAT_OK &&
	       pv_io_call(MOAT_PVIO_READY, PV_DISK, 0, 0) == MOAT_OK;
}

bool pv_sector_is(const uint8_t *p, char letter, uint64_t sector)
{
	const struct sector_head *h = (const struct sector_head *)p;
	static const char tag[7] = "moat-pv";

	for (unsigned i = 0; i < 7; i++)
		if (h->tag[i] != tag[i])
			return false;
	return h->tag[7] == letter && h->sector == sector;
}

/* ---- The console: a virtio console's transmitq, when the VMM has one ---- */

static struct pv_vq_drv con;
static struct pv_vq_drv_slot con_slots[CON_QUEUE];
static uint32_t con_free = (1u << CON_QUEUE) - 1; /* lines not with the device */
static unsigned con_dev = MOAT_PVIO_DEVICES;	  /* none yet */
static const struct pv_vq_drv_config con_config = {
	.size = CON_QUEUE,
	.features = PV_VIRTIO_F_VERSION_1,
	.desc = (struct pv_virtq_desc *)PV_CON_AREA,
	.avail = (struct pv_virtq_avail *)(PV_CON_AREA + MOAT_PVIO_AVAIL_OFFSET(CON_QUEUE)),
	.used = (struct pv_virtq_used *)(PV_CON_AREA + MOAT_PVIO_USED_OFFSET(CON_QUEUE)),
	.slots = con_slots,
};

/* The VMM's virtio console, if it has one, for pv_print from now on. */
bool pv_console_open(void)
{
	for (unsigned d = 0; d < MOAT_PVIO_DEVICES; d++) {
		struct pv_hvc r = pv_hypercall(MOAT_PVIO_INFO, d, 0, 0);

		if (r.x0 != MOAT_OK || r.x1 != VIRTIO_ID_CONSOLE)
			continue;
		if (pv_vq_drv_init(&con, &con_config) == PV_OK &&
		    pv_io_call(MOAT_PVIO_START, d, PV_VIRTIO_F_VERSION_1, 0) == MOAT_OK &&
		    pv_io_call(MOAT_PVIO_QUEUE, d, (uintptr_t)PV_CON_RX_AREA, CON_QUEUE) ==
			    MOAT_OK &&
		    pv_io_call(MOAT_PVIO_QUEUE, d | 1u << 8, (uintptr_t)PV_CON_AREA, CON_QUEUE) ==
			    MOAT_OK &&
		    pv_io_call(MOAT_PVIO_READY, d, 0, 0) == MOAT_OK)
			con_dev = d;
		break;
	}
	return con_dev != MOAT_PVIO_DEVICES;
}

bool pv_console_write(const char *text, size_t n)
{
	uint64_t token;
	uint32_t len;
	unsigned k;
	int got;

	if (con_dev == MOAT_PVIO_DEVICES || n == 0 || n > MOAT_HVC_CONSOLE_MAX)
		return false;
	while (!con_free) { /* every line with the device: wait for one back */
		if ((got = pv_vq_drv_get_used(&con, &token, &len)) == 1 && token < CON_QUEUE)
			con_free |= 1u << token;
		else if (got < 0 || got == 1)
			return false; /* the queue broke: the hypercall console from now on */
		else if (pv_vq_drv_prepare_wait(&con))
			pv_irq_wait();
	}
	k = (unsigned)__builtin_ctz(con_free);
	for (size_t i = 0; i < n; i++)
		con_buf[k][i] = text[i];
	return pv_io_post_out(&con, &con_free, k, con_buf[k], (uint32_t)n, con_dev | 1u << 8);
}
