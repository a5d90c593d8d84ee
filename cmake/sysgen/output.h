/*
 * The generated C file: the definitions of every extern in
 * servers/root/system.h, as designated initialisers, from a description
 * that validated without errors.
 */
#ifndef SYSGEN_OUTPUT_H
#define SYSGEN_OUTPUT_H

#include <stdio.h>

#include "description.h"
#include "diag.h"
#include "platform.h"

/* Write the C file to f; false on a write error. */
bool output_emit(FILE *f, const struct desc *desc, const struct platform *plat);
/* Write it to path (through path.tmp and a rename); errors go to d. */
void output_write(const char *path, const struct desc *desc, const struct platform *plat,
		  struct diag *d);

#endif
