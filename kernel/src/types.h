/*
 * Basic kernel types. Addresses are single-field structs so that a physical
 * address cannot be passed where a virtual one is expected (or the other way
 * round) without an explicit, greppable conversion.
 */
#ifndef MOAT_TYPES_H
#define MOAT_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint64_t bits;
} paddr_t;

typedef struct {
	uint64_t bits;
} vaddr_t;

static inline paddr_t pa_make(uint64_t bits)
{
	return (paddr_t){ bits };
}

static inline vaddr_t va_make(uint64_t bits)
{
	return (vaddr_t){ bits };
}

#define KIB(n) ((uint64_t)(n) << 10)
#define MIB(n) ((uint64_t)(n) << 20)
#define GIB(n) ((uint64_t)(n) << 30)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define IS_ALIGNED(x, a) (((x) & ((a)-1)) == 0)
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))

#define NORETURN __attribute__((noreturn))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

#endif
