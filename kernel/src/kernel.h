/*
 * What an image runs once the kernel is up. The default system prints its
 * uptime; QEMU test images provide their own (test/qemu/<scenario>/).
 */
#ifndef MOAT_KERNEL_H
#define MOAT_KERNEL_H

#include "types.h"

#define MOAT_VERSION "0.1.0"

void kernel_main(uint64_t dtb_pa);
void kernel_payload(void);

#endif
