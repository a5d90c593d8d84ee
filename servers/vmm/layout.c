/*
 * Guest boot layout. The kernel file is the system description's, but it
 * is still treated as data: its header fields are 64-bit values that may
 * be anything, so every address computed from them is overflow-checked
 * before it is compared with the end of RAM.
 */
#include "layout.h"

#include <stdbool.h>

#define IMAGE_TEXT_OFFSET 8
#define IMAGE_IMAGE_SIZE  16
#define IMAGE_FLAGS	  24
#define IMAGE_MAGIC	  56
#define IMAGE_FLAG_BE	  (1u << 0)
/* Kernels before 3.17 leave image_size 0 and load at 0x80000. */
#define IMAGE_OLD_TEXT_OFFSET 0x80000ull

static uint64_t load_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i > 0; i--)
		v = v << 8 | p[i - 1];
	return v;
}

static bool add(uint64_t a, uint64_t b, uint64_t *sum)
{
	if (b > UINT64_MAX - a)
		return false;
	*sum = a + b;
	return true;
}

static bool align_up(uint64_t a, uint64_t align, uint64_t *out)
{
	if (!add(a, align - 1, out))
		return false;
	*out &= ~(align - 1);
	return true;
}

static bool has_magic(const struct layout_input *in)
{
	return in->kernel_size >= LAYOUT_IMAGE_HEADER &&
	       load_le(in->kernel + IMAGE_MAGIC, 4) == LAYOUT_IMAGE_MAGIC;
}

/* An arm64 Image: at text_offset from the first 2 MiB boundary in RAM. */
static const char *place_linux(const struct layout_input *in, struct layout *out)
{
	uint64_t text_offset, image_size, base;

	if (in->kernel_size < LAYOUT_IMAGE_HEADER)
		return "the kernel is too small to be an arm64 Image";
	if (!has_magic(in))
		return "the kernel is not an arm64 Image (no \"ARM\\x64\" magic)";
	if (load_le(in->kernel + IMAGE_FLAGS, 8) & IMAGE_FLAG_BE)
		return "the kernel is big-endian";
	text_offset = load_le(in->kernel + IMAGE_TEXT_OFFSET, 8);
	image_size = load_le(in->kernel + IMAGE_IMAGE_SIZE, 8);
	if (image_size == 0) {
		text_offset = IMAGE_OLD_TEXT_OFFSET;
		image_size = in->kernel_size;
	}
	if (image_size < in->kernel_size)
		return "the kernel file is larger than its image_size";
	if (!align_up(in->ram_base, LAYOUT_BLOCK, &base) ||
	    !add(base, text_offset, &out->kernel_ipa) ||
	    !add(out->kernel_ipa, image_size, &out->kernel_end))
		return "the kernel's text_offset or image_size is out of range";
	out->kind = LAYOUT_LINUX;
	out->entry = out->kernel_ipa;
	return NULL;
}

static const char *place_flat(const struct layout_input *in, struct layout *out)
{
	if (in->kernel_size == 0)
		return "the kernel is empty";
	if (!add(in->ram_base, in->kernel_size, &out->kernel_end))
		return "the kernel does not fit in guest RAM";
	out->kind = LAYOUT_FLAT;
	out->kernel_ipa = in->ram_base;
	out->entry = in->ram_base;
	return NULL;
}

const char *layout_compute(const struct layout_input *in, struct layout *out)
{
	uint64_t ram_end, dtb_end;
	const char *why;
	bool linux_image = in->kind == LAYOUT_LINUX || (in->kind == LAYOUT_AUTO && has_magic(in));

	if (in->ram_size == 0 || !add(in->ram_base, in->ram_size, &ram_end))
		return "the guest RAM is empty or wraps around";
	if (in->kernel == NULL && in->kernel_size != 0)
		return "no kernel";
	why = linux_image ? place_linux(in, out) : place_flat(in, out);
	if (why != NULL)
		return why;
	if (out->kernel_end > ram_end)
		return "the kernel does not fit in guest RAM";
	if (!align_up(out->kernel_end, LAYOUT_BLOCK, &out->dtb_ipa) ||
	    !add(out->dtb_ipa, LAYOUT_DTB_MAX, &dtb_end) || dtb_end > ram_end)
		return "the device tree does not fit in guest RAM after the kernel";
	out->initrd_ipa = dtb_end;
	if (!add(dtb_end, in->initrd_size, &out->initrd_end) || out->initrd_end > ram_end)
		return "the initrd does not fit in guest RAM after the kernel";
	return NULL;
}
