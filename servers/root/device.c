/* Device frames and interrupts; see device.h. */
#include "device.h"

#include "alloc.h"
#include "space.h"

/* Each device untyped, once retyped whole into frames: its first frame's slot. */
static moat_cptr_t frames_of[MOAT_BOOTINFO_MAX_UNTYPED];

/* The root slot of the device frame at physical page `pa`, or 0. */
static moat_cptr_t frame_at(uint64_t pa)
{
	const struct moat_bootinfo *bi = alloc_bootinfo();

	for (uint64_t i = 0; i < bi->untyped_count && i < MOAT_BOOTINFO_MAX_UNTYPED; i++) {
		const struct moat_untyped_desc *u = &bi->untyped[i];
		uint64_t size = 1ull << u->size_bits;

		if (!u->is_device || pa < u->paddr || pa - u->paddr >= size)
			continue;
		if (!frames_of[i] &&
		    alloc_from(bi->untyped_first + i, MOAT_OBJ_FRAME_4K, 0,
			       (unsigned)(size / SPACE_PAGE), &frames_of[i]) != MOAT_OK)
			return 0;
		return frames_of[i] + (pa - u->paddr) / SPACE_PAGE;
	}
	return 0;
}

const char *device_map(uint64_t paddr, uint64_t size, moat_cptr_t vspace, moat_word_t va)
{
	uint64_t first = paddr & ~(SPACE_PAGE - 1);

	for (uint64_t pa = first; pa < paddr + size; pa += SPACE_PAGE, va += SPACE_PAGE) {
		moat_cptr_t frame = frame_at(pa), copy;

		if (!frame)
			return "no device memory there (not handed out by the kernel)";
		if (alloc_derive(frame, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE, 0, &copy) != MOAT_OK ||
		    space_map(copy, vspace, va, MOAT_RIGHT_READ | MOAT_RIGHT_WRITE,
			      MOAT_FRAME_DEVICE) != MOAT_OK)
			return "cannot map the device's registers";
	}
	return NULL;
}

const char *device_irq(uint64_t intid, moat_cptr_t *handler)
{
	moat_word_t a[4] = { intid, MOAT_SLOT_ROOT_CNODE, 0, 64 };

	if (!(a[2] = alloc_slot()))
		return "out of capability slots";
	if (moat_invoke(MOAT_SLOT_IRQ_CONTROL, MOAT_IRQ_CONTROL_GET, 4, a, 0, NULL) != MOAT_OK)
		return "the interrupt is not available";
	*handler = a[2];
	return NULL;
}
