/*
 * Root-server tests' helper for guests: a GuestSpace with one page of RAM
 * at GUEST_RAM holding the guest's code (writable and executable, as a
 * guest kernel needs), a VCPU, and a vCPU thread whose fault endpoint is
 * `ep` minted with `badge` (this test is its VMM), started at GUEST_RAM.
 * With check_errors, the invocations' error cases are checked on the way.
 * *vcpu_out (if not NULL) gets the VCPU capability.
 */
#ifndef MOAT_TEST_GUEST_COMMON_H
#define MOAT_TEST_GUEST_COMMON_H

#include "rs_test.h"

#define GUEST_RAM 0x40000000ul

moat_cptr_t guest_start_vcpu(moat_cptr_t ep, const char *start, const char *end, moat_word_t badge,
			     moat_word_t prio, bool check_errors, moat_cptr_t *vcpu_out);

/* The same for an image of several pages of RAM, started with x0 set. */
struct guest_image {
	const char *start, *end; /* copied to GUEST_RAM; the rest of RAM is zero */
	unsigned pages;
	moat_word_t x0;
};
moat_cptr_t guest_start_image(moat_cptr_t ep, const struct guest_image *img, moat_word_t badge,
			      moat_word_t prio, bool check_errors, moat_cptr_t *vcpu_out);

#endif
