/*
 * Decoding of the Exception Syndrome Register (ESR_ELx) for fault reports:
 * exception class names and, for aborts, the fault status in words.
 * Pure functions, host-tested.
 */
#ifndef MOAT_ESR_H
#define MOAT_ESR_H

#include "types.h"

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_IL(esr) (((esr) >> 25) & 1)
#define ESR_ISS(esr) ((esr) & 0x1ffffff)

enum esr_class {
	ESR_EC_UNKNOWN = 0x00,
	ESR_EC_WFX = 0x01,
	ESR_EC_FP = 0x07,
	ESR_EC_ILLEGAL = 0x0e,
	ESR_EC_SVC64 = 0x15,
	ESR_EC_HVC64 = 0x16,
	ESR_EC_SMC64 = 0x17,
	ESR_EC_SYSREG = 0x18,
	ESR_EC_IABT_LOWER = 0x20,
	ESR_EC_IABT_SAME = 0x21,
	ESR_EC_PC_ALIGN = 0x22,
	ESR_EC_DABT_LOWER = 0x24,
	ESR_EC_DABT_SAME = 0x25,
	ESR_EC_SP_ALIGN = 0x26,
	ESR_EC_SERROR = 0x2f,
	ESR_EC_BRK64 = 0x3c,
};

/* "data abort (same EL)"; "reserved" for classes the architecture leaves unused. */
const char *esr_class_name(unsigned ec);

/* The fault status code of an abort (DFSC/IFSC), e.g. "translation fault". */
const char *esr_fault_name(unsigned fsc);

/* The translation level a fault status names, or -1 when it names none. */
int esr_fault_level(unsigned fsc);

/* True for instruction and data aborts, whose ISS carries a fault status. */
bool esr_is_abort(uint64_t esr);

/*
 * One line describing the ISS, e.g. "translation fault, level 0, write".
 * Returns the length that the whole line would have (as snprintf).
 */
size_t esr_describe_iss(uint64_t esr, char *buf, size_t size);

#endif
