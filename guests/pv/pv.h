/*
 * Moat's paravirtual guest: a small EL1 kernel that uses the hypercall ABI
 * (moat/hypercall.h) for its console. Its modes (x0 at entry, chosen by
 * its VMM): PV_MODE_TEST exercises every hypercall, bad arguments
 * included; PV_MODE_FUZZ makes random hypercalls and random accesses to
 * its emulated devices and beyond, as a hostile guest would; PV_MODE_SPIN
 * masks its interrupts and spins for ever, reporting its progress, to show
 * that its budget bounds what it takes from others; PV_MODE_FP checks that
 * its FP/SIMD registers survive switches to other guests; PV_MODE_SMP
 * starts and stops its second vCPU by PSCI, with bad requests too;
 * PV_MODE_BLK and PV_MODE_HOSTILE use its disk by PV I/O (blk.c, hostile.c),
 * PV_MODE_NET its NIC (net.c); PV_MODE_CPU_STATE goes for the PMU and
 * debug registers every domain shares (cpu.c). Booted by
 * servers/vmm, x0 is its device tree instead, whose bootargs say
 * `pv.mode=<n>` (and `pv.seed=<n>` for the FP pattern).
 */
#ifndef MOAT_PV_H
#define MOAT_PV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PV_MODE_TEST 1
#define PV_MODE_FUZZ 2
#define PV_MODE_SPIN 3
#define PV_MODE_FP 4
#define PV_FP_ROUNDS 500u
#define PV_MODE_SWITCH_FP 5   /* the switch benchmark, using FP every round */
#define PV_MODE_SWITCH_NOFP 6 /* the same without ever touching FP */
#define PV_SWITCH_ROUNDS 200u
#define PV_REPORT_SWITCH 0xc600ff20ul /* to its VMM: smallest sample, sum */
#define PV_MODE_SMP 7 /* a guest of two vCPUs under servers/vmm */
#define PV_MODE_BLK 8	  /* io.c: an honest client of its disk, by PV I/O */
#define PV_MODE_HOSTILE 9 /* io.c: a hostile frontend of its disk */
#define PV_MODE_NET 10	  /* net.c: frames with another PV guest through the switch */
#define PV_MODE_BLK_BENCH 11 /* io.c: 32 MiB read and written, for blk_pv_vs_direct */
#define PV_MODE_BLK_QD32 12  /* io.c: 8192 reads of 4 KiB, 32 in flight */
#define PV_MODE_CPU_STATE 13 /* cpu.c: at the PMU and debug registers every domain shares */

/* blk.c and hostile.c's shared clock: the window of attacks, and its slots (odd ones attacked). */
#define PV_IO_WINDOW_START_MS 1500ul
#define PV_IO_WINDOW_END_MS 7500ul
#define PV_IO_SLOT_MS 100ul

void pv_blk_mode(void);
void pv_net_mode(void);
void pv_blk_bench_mode(bool qd32);

/*
 * io.c, for the PV I/O modes (io.c, net.c): their memory, from 1 MiB into
 * RAM (past the image: other modes run in far less RAM), the counter, the
 * GIC's virtual CPU interface, the calls, and the console.
 */
#define PV_IO_AREA (PV_RAM_IPA + 0x100000ul)
uint64_t pv_now(void);
uint64_t pv_ms(uint64_t n);			   /* counter ticks */
void pv_irq_init(void);				   /* every priority, group 1 on */
void pv_irq_wait(void);				   /* until an interrupt is pending: taken, ended */
void pv_wait_until(uint64_t t);			   /* the same, or until the counter reaches t */
uint64_t pv_io_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3); /* x0 */
struct pv_vq_drv;
/*
 * Buffer k of an outgoing queue (`len` bytes at `buf`, bit k of *free)
 * made available, taken out of *free, and the device told
 * (MOAT_PVIO_NOTIFY with `notify`: device | queue << 8) if the queue asks;
 * false if the queue refused it.
 */
bool pv_io_post_out(struct pv_vq_drv *vq, uint32_t *free, unsigned k, const void *buf, uint32_t len,
		    uint64_t notify);
void pv_check(const char *what, bool ok);	   /* printed; counted in pv_io_failures */
extern unsigned pv_io_failures;
bool pv_console_open(void); /* the VMM's virtio console for pv_print: whether it has one */
/* Output through that console; false before it is open (or if it broke). */
bool pv_console_write(const char *text, size_t n);
void pv_hostile_mode(void);
void pv_cpu_state_mode(void);

/* Where its RAM starts (pv.ld links it there). */
#define PV_RAM_IPA 0x40000000ul

/* Where its VMM emulates a device (and so answers MMIO). */
#define PV_DEVICE_IPA 0x50000000ul
#define PV_DEVICE_SIZE 0x1000ul

struct pv_hvc {
	uint64_t x0, x1, x2, x3;
};

/* hvc #0 with x0-x3 in, x0-x3 out. */
struct pv_hvc pv_hypercall(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
void pv_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* start.S: the FP/SIMD pattern of `v` into V0-V31 and FPCR; how many differ from it. */
void pv_fp_fill(uint64_t v);
uint64_t pv_fp_check(uint64_t v);
/* Instructions across a yield (and one FP instruction after it, if `fp`). */
uint64_t pv_switch_sample(uint64_t fp);

/*
 * start.S: where CPU_ON starts vCPU 1 (its own stack, then
 * pv_secondary(context); PSCI CPU_OFF when that returns).
 */
void pv_secondary_entry(void);
void pv_secondary(uint64_t context);

/* Exceptions taken at EL1 so far (start.S). */
extern volatile uint64_t pv_exceptions;

#endif
