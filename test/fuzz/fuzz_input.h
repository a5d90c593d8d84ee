/* The fuzzers' input as a stream: little-endian values, zeros once it runs out. */
#ifndef MOAT_FUZZ_INPUT_H
#define MOAT_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct input {
	const uint8_t *p;
	size_t n;
};

/* The next `bytes` (at most 8) of the input as a number. */
static inline uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && in->n; i++, in->n--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

#endif
