/* ELF64 reader; see elf.h. */
#include "elf.h"

#define PT_LOAD 1
#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define EM_AARCH64 183
#define ET_EXEC 2

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static const char *check_header(const struct elf_image *img, uint64_t *phoff, unsigned *phnum)
{
	const uint8_t *h = img->data;

	if (img->size < EHDR_SIZE)
		return "shorter than an ELF header";
	if (get(h, 4) != 0x464c457f)
		return "not an ELF file";
	if (h[4] != 2 || h[5] != 1 || h[6] != 1)
		return "not a 64-bit little-endian ELF, version 1";
	if (get(h + 16, 2) != ET_EXEC || get(h + 18, 2) != EM_AARCH64)
		return "not an AArch64 executable";
	if (get(h + 54, 2) != PHDR_SIZE)
		return "unexpected program header size";
	*phoff = get(h + 32, 8);
	*phnum = (unsigned)get(h + 56, 2);
	if (*phoff > img->size || (uint64_t)*phnum * PHDR_SIZE > img->size - *phoff)
		return "program headers outside the file";
	return NULL;
}

static const char *add_segment(struct elf_image *img, const uint8_t *ph)
{
	struct elf_segment s = {
		.offset = get(ph + 8, 8),
		.vaddr = get(ph + 16, 8),
		.filesz = get(ph + 32, 8),
		.memsz = get(ph + 40, 8),
		.flags = (unsigned)get(ph + 4, 4) & 7,
	};

	if (s.memsz == 0)
		return NULL;
	if (img->count == ELF_MAX_SEGMENTS)
		return "too many loadable segments";
	if (s.filesz > s.memsz)
		return "segment file size exceeds its memory size";
	if (s.offset > img->size || s.filesz > img->size - s.offset)
		return "segment data outside the file";
	if (s.vaddr >= ELF_VA_LIMIT || s.memsz > ELF_VA_LIMIT - s.vaddr)
		return "segment outside the lower half";
	if ((s.flags & ELF_PF_W) && (s.flags & ELF_PF_X))
		return "segment both writable and executable";
	img->seg[img->count++] = s;
	return NULL;
}

const char *elf_open(struct elf_image *img, const void *data, size_t size)
{
	uint64_t phoff;
	unsigned phnum;
	const char *err;
	bool entry_ok = false;

	*img = (struct elf_image){ .data = data, .size = size };
	err = check_header(img, &phoff, &phnum);
	if (err)
		return err;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = img->data + phoff + (uint64_t)i * PHDR_SIZE;

		if (get(ph, 4) != PT_LOAD)
			continue;
		err = add_segment(img, ph);
		if (err)
			return err;
	}
	img->entry = get(img->data + 24, 8);
	for (unsigned i = 0; i < img->count; i++) {
		const struct elf_segment *s = &img->seg[i];

		if ((s->flags & ELF_PF_X) && img->entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	return entry_ok ? NULL : "entry point not in an executable segment";
}
