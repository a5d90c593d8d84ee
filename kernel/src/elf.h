/*
 * Reading ELF64 AArch64 executables (the programs packed into the image).
 * Every offset and size is checked against the file before use, so a
 * truncated or corrupt file is an error, never an out-of-bounds read.
 */
#ifndef MOAT_ELF_H
#define MOAT_ELF_H

#include "types.h"

#define ELF_MAX_SEGMENTS 16
#define ELF_VA_LIMIT (1ul << 48)

#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u

struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset;
	unsigned flags; /* ELF_PF_* */
};

struct elf_image {
	const uint8_t *data;
	size_t size;
	uint64_t entry;
	unsigned count; /* loadable segments */
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* NULL on success, otherwise what is wrong with the file. */
const char *elf_open(struct elf_image *img, const void *data, size_t size);

#endif
