/*
 * Error reporting for moat-sysgen. Every error is one line,
 * "moat-sysgen: <where>: <message>", and is counted so that the tool can
 * report all of them and still fail. A NULL stream only counts (fuzzing).
 */
#ifndef SYSGEN_DIAG_H
#define SYSGEN_DIAG_H

#include <stdio.h>

struct diag {
	FILE *out;	 /* NULL: count only */
	unsigned errors; /* errors reported so far */
};

void diag_error(struct diag *d, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
