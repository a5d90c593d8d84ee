/*
 * Platform devices for driver domains: their registers as device frames
 * (retyped from the device untyped that covers them) and their interrupt
 * lines (IRQHandlers from IRQControl).
 */
#ifndef MOAT_ROOT_DEVICE_H
#define MOAT_ROOT_DEVICE_H

#include <moat/runtime.h>

/*
 * Maps the pages covering [paddr, paddr + size) into `vspace` from `va`
 * on (uncached device memory, read-write). NULL on success, else why not.
 */
const char *device_map(uint64_t paddr, uint64_t size, moat_cptr_t vspace, moat_word_t va);

/* The handler of interrupt `intid` in a new root slot. */
const char *device_irq(uint64_t intid, moat_cptr_t *handler);

#endif
