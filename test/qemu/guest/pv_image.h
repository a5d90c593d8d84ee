/*
 * Moat's PV guest (guests/pv, a flat image) embedded in a root-server
 * test, which loads it with guest_start_image. Include once per program:
 * MOAT_PV_GUEST_BIN (test/qemu/CMakeLists.txt) names the file.
 */
#ifndef MOAT_TEST_PV_IMAGE_H
#define MOAT_TEST_PV_IMAGE_H

__asm__(".section .rodata.pv_image, \"a\"\n"
	".balign 16\n"
	".global pv_image_start\n"
	".global pv_image_end\n"
	"pv_image_start:\n"
	".incbin \"" MOAT_PV_GUEST_BIN "\"\n"
	"pv_image_end:\n"
	".text\n");
extern const char pv_image_start[], pv_image_end[];

#endif
