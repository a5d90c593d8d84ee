/* libpv: names of error codes, for logs. */
#include <libpv/err.h>

static const char *const names[] = {
	[0] = "ok",
	[1] = "invalid argument",
	[2] = "no space",
	[3] = "queue broken",
	[4] = "peer index out of range",
	[5] = "head index out of range",
	[6] = "bad length",
	[7] = "address outside shared windows",
	[8] = "window permission",
	[9] = "readable descriptor after writable",
	[10] = "chain longer than queue (loop)",
	[11] = "next index out of range",
	[12] = "bad indirect descriptor",
	[13] = "chain exceeds segment storage",
	[14] = "used id not in flight",
	[15] = "used length too large",
	[16] = "misaligned area",
};

const char *pv_err_name(int err)
{
	unsigned idx;

	if (err > 0 || err < -(int)(sizeof(names) / sizeof(names[0]) - 1))
		return "?";
	idx = (unsigned)-err;
	return names[idx];
}
