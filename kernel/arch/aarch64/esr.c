/* ESR decoding; names follow the Arm Architecture Reference Manual. */
#include "esr.h"

#include "fmt.h"

static const char *const class_names[64] = {
	[0x00] = "unknown reason",
	[0x01] = "trapped WFI/WFE",
	[0x03] = "trapped MCR/MRC (cp15)",
	[0x04] = "trapped MCRR/MRRC (cp15)",
	[0x05] = "trapped MCR/MRC (cp14)",
	[0x06] = "trapped LDC/STC",
	[0x07] = "SVE/SIMD/FP access",
	[0x08] = "trapped VMRS",
	[0x09] = "pointer authentication instruction",
	[0x0a] = "LD64B/ST64B",
	[0x0c] = "trapped MRRC (cp14)",
	[0x0d] = "branch target exception",
	[0x0e] = "illegal execution state",
	[0x11] = "SVC (AArch32)",
	[0x12] = "HVC (AArch32)",
	[0x13] = "SMC (AArch32)",
	[0x15] = "SVC (AArch64)",
	[0x16] = "HVC (AArch64)",
	[0x17] = "SMC (AArch64)",
	[0x18] = "trapped MSR/MRS/system instruction",
	[0x19] = "SVE access",
	[0x1a] = "trapped ERET",
	[0x1c] = "pointer authentication failure",
	[0x20] = "instruction abort (lower EL)",
	[0x21] = "instruction abort (same EL)",
	[0x22] = "PC alignment fault",
	[0x24] = "data abort (lower EL)",
	[0x25] = "data abort (same EL)",
	[0x26] = "SP alignment fault",
	[0x28] = "FP exception (AArch32)",
	[0x2c] = "FP exception (AArch64)",
	[0x2f] = "SError",
	[0x30] = "breakpoint (lower EL)",
	[0x31] = "breakpoint (same EL)",
	[0x32] = "software step (lower EL)",
	[0x33] = "software step (same EL)",
	[0x34] = "watchpoint (lower EL)",
	[0x35] = "watchpoint (same EL)",
	[0x38] = "BKPT (AArch32)",
	[0x3a] = "vector catch (AArch32)",
	[0x3c] = "BRK (AArch64)",
};

const char *esr_class_name(unsigned ec)
{
	if (ec < ARRAY_SIZE(class_names) && class_names[ec])
		return class_names[ec];
	return "reserved";
}

const char *esr_fault_name(unsigned fsc)
{
	static const char *const levelled[] = {
		"address size fault",
		"translation fault",
		"access flag fault",
		"permission fault",
	};

	fsc &= 0x3f;
	if (fsc < 0x10)
		return levelled[fsc >> 2];
	if ((fsc & 0x3c) == 0x14)
		return "external abort on table walk";
	switch (fsc) {
	case 0x10:
		return "synchronous external abort";
	case 0x11:
		return "synchronous tag check fault";
	case 0x18:
		return "synchronous parity or ECC error";
	case 0x21:
		return "alignment fault";
	case 0x30:
		return "TLB conflict abort";
	case 0x31:
		return "unsupported atomic hardware update";
	default:
		return "other fault";
	}
}

int esr_fault_level(unsigned fsc)
{
	fsc &= 0x3f;
	if (fsc < 0x10 || (fsc & 0x3c) == 0x14)
		return (int)(fsc & 3);
	return -1;
}

bool esr_is_abort(uint64_t esr)
{
	unsigned ec = ESR_EC(esr);

	return ec == ESR_EC_IABT_LOWER || ec == ESR_EC_IABT_SAME || ec == ESR_EC_DABT_LOWER ||
	       ec == ESR_EC_DABT_SAME;
}

size_t esr_describe_iss(uint64_t esr, char *buf, size_t size)
{
	uint64_t iss = ESR_ISS(esr);
	unsigned ec = ESR_EC(esr);

	if (esr_is_abort(esr)) {
		bool data = ec == ESR_EC_DABT_LOWER || ec == ESR_EC_DABT_SAME;
		const char *dir = !data ? "fetch" : (iss & (1u << 6)) ? "write" : "read";
		int level = esr_fault_level(iss & 0x3f);
		char lvl[12] = "";

		if (level >= 0)
			fmt_snprintf(lvl, sizeof(lvl), ", level %d", level);
		return fmt_snprintf(buf, size, "%s%s, %s%s", esr_fault_name(iss & 0x3f), lvl, dir,
				    (iss & (1u << 7)) ? ", during stage-1 walk" : "");
	}
	switch (ec) {
	case ESR_EC_SVC64:
	case ESR_EC_HVC64:
	case ESR_EC_SMC64:
	case ESR_EC_BRK64:
		return fmt_snprintf(buf, size, "immediate 0x%x", (unsigned)(iss & 0xffff));
	case ESR_EC_SYSREG:
		return fmt_snprintf(buf, size, "op0 %u op1 %u CRn %u CRm %u op2 %u x%u, %s",
				    (unsigned)(iss >> 20) & 3, (unsigned)(iss >> 14) & 7,
				    (unsigned)(iss >> 10) & 15, (unsigned)(iss >> 1) & 15,
				    (unsigned)(iss >> 17) & 7, (unsigned)(iss >> 5) & 31,
				    (iss & 1) ? "read" : "write");
	default:
		return fmt_snprintf(buf, size, "ISS 0x%07lx", (unsigned long)iss);
	}
}
