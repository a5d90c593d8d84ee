/*
 * Where a guest's kernel, device tree and initrd go in its RAM, following
 * the arm64 Linux boot protocol (Documentation/arch/arm64/booting.rst):
 *
 *   RAM base, rounded up to 2 MiB, + text_offset: the kernel, image_size bytes
 *   the next 2 MiB boundary: the device tree, a whole 2 MiB block of its own
 *   right after that block: the initrd (2 MiB aligned)
 *
 * A flat image (the PV guest: no header) is loaded at the RAM base itself
 * and entered there, with the same device tree and initrd placement after
 * it. Every sum is checked for overflow and everything must lie in RAM.
 */
#ifndef MOAT_VMM_LAYOUT_H
#define MOAT_VMM_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define LAYOUT_BLOCK	    0x200000ull /* 2 MiB */
#define LAYOUT_DTB_MAX	    LAYOUT_BLOCK
#define LAYOUT_IMAGE_HEADER 64
#define LAYOUT_IMAGE_MAGIC  0x644d5241u /* "ARM\x64", little-endian at offset 56 */

enum layout_kind {
	/* Linux if the file has the Image magic, flat otherwise. */
	LAYOUT_AUTO,
	/* An arm64 Image: a missing or bad header is an error. */
	LAYOUT_LINUX,
	/* Raw code to run from its first byte, whatever it contains. */
	LAYOUT_FLAT,
};

struct layout_input {
	uint64_t ram_base, ram_size;
	const uint8_t *kernel; /* the file; only its first 64 bytes are read */
	uint64_t kernel_size;
	uint64_t initrd_size; /* 0: no initrd */
	enum layout_kind kind;
};

struct layout {
	enum layout_kind kind;		 /* what the kernel turned out to be: LINUX or FLAT */
	uint64_t kernel_ipa;		 /* copy the whole file here */
	uint64_t kernel_end;		 /* the end of the memory the kernel may use (image_size) */
	uint64_t entry;			 /* vCPU 0's PC; Linux: x0 = dtb_ipa, x1-x3 = 0 */
	uint64_t dtb_ipa;		 /* room for LAYOUT_DTB_MAX bytes */
	uint64_t initrd_ipa, initrd_end; /* equal when there is no initrd */
};

/* Fills *out; NULL on success, else why the guest cannot boot (nothing else is valid then). */
const char *layout_compute(const struct layout_input *in, struct layout *out);

#endif
