/* Error reporting for moat-sysgen (see diag.h). */
#include <stdarg.h>

#include "diag.h"

void diag_error(struct diag *d, const char *where, const char *fmt, ...)
{
	va_list ap;

	d->errors++;
	if (!d->out)
		return;
	fprintf(d->out, "moat-sysgen: %s: ", where);
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
}
