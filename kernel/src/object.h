/*
 * What every object type contributes to the generic capability code:
 * its size, how it is initialised when retyped, and what happens when a
 * capability to it is deleted (and when the last one is).
 */
#ifndef MOAT_OBJECT_H
#define MOAT_OBJECT_H

#include "cap.h"

/* Bytes an object of `type` takes; `size_bits` for the variable-size ones. */
uint64_t object_size(enum moat_object_type type, unsigned size_bits);

/* The capability to a freshly retyped (and zeroed) object at physical `pa`. */
struct cap object_create(enum moat_object_type type, unsigned size_bits, paddr_t pa,
			 bool device);

/* Effects of deleting any capability (e.g. a frame capability's mapping). */
void object_cap_deleted(const struct cap *c);

/* Effects of deleting the last capability to an object. */
void object_finalise(const struct cap *c);

#endif
