/* Unit tests for servers/vmm/pl011.c: output, flags, the RX FIFO, the interrupt line, IDs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pl011.h"

#define DR    0x000
#define RSR   0x004
#define FR    0x018
#define ILPR  0x020
#define IBRD  0x024
#define FBRD  0x028
#define LCR_H 0x02c
#define CR    0x030
#define IFLS  0x034
#define IMSC  0x038
#define RIS   0x03c
#define MIS   0x040
#define ICR   0x044
#define DMACR 0x048

#define FR_RXFE 0x10
#define FR_TXFF 0x20
#define FR_RXFF 0x40
#define FR_TXFE 0x80
#define FR_BUSY 0x08

#define INT_RX 0x10
#define INT_TX 0x20

#define CR_ON 0x301 /* UARTEN, TXE, RXE */
#define FEN   0x10

static struct pl011 u;
static uint8_t sent[256];
static size_t nsent;

static void out(void *ctx, uint8_t c)
{
	assert_ptr_equal(ctx, &nsent);
	if (nsent < sizeof(sent))
		sent[nsent] = c;
	nsent++;
}

static int setup(void **state)
{
	(void)state;
	nsent = 0;
	pl011_init(&u, out, &nsent);
	return 0;
}

static uint64_t rd(uint64_t off)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_true(pl011_access(&u, off, 4, false, &v));
	return v;
}

static void wr(uint64_t off, uint64_t v)
{
	assert_true(pl011_access(&u, off, 4, true, &v));
}

static void test_output(void **state)
{
	uint64_t v = 'b';

	(void)state;
	wr(DR, 'a');
	assert_true(pl011_access(&u, DR, 1, true, &v)); /* earlycon's writeb */
	v = 0x1263;					/* only the low byte is data */
	assert_true(pl011_access(&u, DR, 2, true, &v));
	assert_int_equal(nsent, 3);
	assert_memory_equal(sent, "abc", 3);
	/* The TX FIFO never fills, however much is written. */
	for (unsigned i = 0; i < 100; i++) {
		wr(DR, i);
		assert_int_equal(rd(FR) & (FR_TXFF | FR_BUSY), 0);
		assert_true(rd(FR) & FR_TXFE);
	}
	assert_int_equal(nsent, 103);
}

static void test_flags_and_fifo(void **state)
{
	(void)state;
	assert_int_equal(rd(FR), FR_TXFE | FR_RXFE);
	/* The receiver is off until the driver turns the UART on. */
	assert_false(pl011_input(&u, 'x'));
	wr(CR, CR_ON);
	/* FIFOs off (LCR_H.FEN = 0): a one-byte holding register. */
	assert_true(pl011_input(&u, 'x'));
	assert_int_equal(rd(FR), FR_TXFE | FR_RXFF);
	assert_false(pl011_input(&u, 'y'));
	assert_int_equal(rd(DR), 'x');
	assert_int_equal(rd(FR), FR_TXFE | FR_RXFE);
	/* FIFOs on: sixteen bytes, in order, then full. */
	wr(LCR_H, 0x70);
	for (unsigned i = 0; i < PL011_FIFO; i++) {
		assert_int_equal(rd(FR) & FR_RXFF, 0);
		assert_true(pl011_input(&u, (uint8_t)('A' + i)));
		assert_int_equal(rd(FR) & FR_RXFE, 0);
	}
	assert_int_equal(rd(FR), FR_TXFE | FR_RXFF);
	assert_false(pl011_input(&u, '!'));
	for (unsigned i = 0; i < PL011_FIFO / 2; i++)
		assert_int_equal(rd(DR), 'A' + i);
	/* Wrap around the ring. */
	for (unsigned i = 0; i < PL011_FIFO / 2; i++)
		assert_true(pl011_input(&u, (uint8_t)('a' + i)));
	assert_false(pl011_input(&u, '!'));
	for (unsigned i = PL011_FIFO / 2; i < PL011_FIFO; i++)
		assert_int_equal(rd(DR), 'A' + i);
	for (unsigned i = 0; i < PL011_FIFO / 2; i++)
		assert_int_equal(rd(DR), 'a' + i);
	assert_int_equal(rd(FR), FR_TXFE | FR_RXFE);
	/* Reading an empty FIFO gives 0 and changes nothing. */
	assert_int_equal(rd(DR), 0);
	assert_int_equal(rd(FR), FR_TXFE | FR_RXFE);
	/* RXE off: input refused again. */
	wr(CR, 0x101);
	assert_false(pl011_input(&u, 'z'));
	assert_int_equal(rd(RSR), 0);
}

static void test_interrupts(void **state)
{
	(void)state;
	/* Off: nothing raised, whatever the mask. */
	wr(IMSC, 0x7ff);
	assert_int_equal(rd(RIS), 0);
	assert_false(pl011_irq_level(&u));
	wr(IMSC, 0);
	wr(CR, CR_ON);
	/* TX is raised while the transmitter is on: the FIFO is always below its level. */
	assert_int_equal(rd(RIS), INT_TX);
	assert_int_equal(rd(MIS), 0);
	assert_false(pl011_irq_level(&u));
	wr(IMSC, INT_TX);
	assert_int_equal(rd(MIS), INT_TX);
	assert_true(pl011_irq_level(&u));
	/* ICR clears nothing: the status is the state. */
	wr(ICR, 0x7ff);
	assert_true(pl011_irq_level(&u));
	wr(CR, 0x201); /* TXE off */
	assert_false(pl011_irq_level(&u));
	wr(CR, CR_ON);
	/* RX while the FIFO holds a byte, visible through IMSC only. */
	wr(IMSC, INT_RX);
	assert_false(pl011_irq_level(&u));
	assert_true(pl011_input(&u, 'q'));
	assert_int_equal(rd(RIS), INT_RX | INT_TX);
	assert_int_equal(rd(MIS), INT_RX);
	assert_true(pl011_irq_level(&u));
	assert_int_equal(rd(DR), 'q');
	assert_false(pl011_irq_level(&u));
	assert_int_equal(rd(MIS), 0);
	/* IMSC keeps only its eleven bits. */
	wr(IMSC, 0xffffffff);
	assert_int_equal(rd(IMSC), 0x7ff);
}

static void test_control_registers(void **state)
{
	(void)state;
	assert_int_equal(rd(CR), 0x300);
	assert_int_equal(rd(IFLS), 0x12);
	wr(IBRD, 0x12345);
	assert_int_equal(rd(IBRD), 0x2345);
	wr(FBRD, 0xff);
	assert_int_equal(rd(FBRD), 0x3f);
	wr(LCR_H, 0x1ff);
	assert_int_equal(rd(LCR_H), 0xff);
	wr(ILPR, 0x1ab);
	assert_int_equal(rd(ILPR), 0xab);
	wr(CR, 0xffffffff);
	assert_int_equal(rd(CR), 0xff87);
	wr(IFLS, 0xffff);
	assert_int_equal(rd(IFLS), 0x3f);
	wr(DMACR, 0xff);
	assert_int_equal(rd(DMACR), 0x7);
	/* Read-only and write-only registers, test and reserved space. */
	wr(FR, 0);
	assert_int_equal(rd(FR), FR_TXFE | FR_RXFE);
	wr(RIS, 0xff);
	wr(MIS, 0xff);
	assert_int_equal(rd(ICR), 0);
	wr(RSR, 0xff); /* ECR */
	assert_int_equal(rd(RSR), 0);
	for (uint64_t off = 0x4c; off < 0xfe0; off += 4) {
		wr(off, 0xffffffff);
		assert_int_equal(rd(off), 0);
	}
	assert_int_equal(nsent, 0);
}

static void test_ids(void **state)
{
	static const uint8_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
	uint32_t periph = 0, cell = 0;

	(void)state;
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(0xfe0 + 4 * i), ids[i]);
	/* As the AMBA bus assembles them. */
	for (unsigned i = 0; i < 4; i++) {
		periph |= (uint32_t)(rd(0xfe0 + 4 * i) & 0xff) << (8 * i);
		cell |= (uint32_t)(rd(0xff0 + 4 * i) & 0xff) << (8 * i);
	}
	assert_int_equal(periph, 0x00141011);
	assert_int_equal(cell, 0xb105f00d);
	wr(0xfe0, 0);
	assert_int_equal(rd(0xfe0), 0x11);
}

static void test_bad_accesses(void **state)
{
	uint64_t v = 0;

	(void)state;
	for (unsigned size = 0; size <= 16; size++)
		assert_int_equal(pl011_access(&u, FR, size, false, &v),
				 size == 1 || size == 2 || size == 4);
	assert_false(pl011_access(&u, DR, UINT32_MAX, true, &v));
	assert_false(pl011_access(&u, FR + 1, 1, false, &v));
	assert_false(pl011_access(&u, FR + 2, 2, false, &v));
	assert_false(pl011_access(&u, PL011_SIZE, 4, false, &v));
	assert_false(pl011_access(&u, UINT64_MAX - 3, 4, false, &v));
	/* A narrow read is the register's low bits, zero-extended. */
	v = UINT64_MAX;
	assert_true(pl011_access(&u, FR, 1, false, &v));
	assert_int_equal(v, FR_TXFE | FR_RXFE);
	v = UINT64_MAX;
	assert_true(pl011_access(&u, 0xff0, 2, false, &v));
	assert_int_equal(v, 0x0d);
	assert_int_equal(nsent, 0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_output),	    T(test_flags_and_fifo),
		T(test_interrupts), T(test_control_registers),
		T(test_ids),	    T(test_bad_accesses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
