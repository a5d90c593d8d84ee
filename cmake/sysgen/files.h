/*
 * Checks on the files a description names: a domain's program must be an
 * AArch64 ELF64 executable, a guest's kernel, initrd and disk must exist.
 * Only regular files count; nothing but the ELF header is read.
 */
#ifndef SYSGEN_FILES_H
#define SYSGEN_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* true if path is a regular file (its size in *size, if not NULL); else why says what it is. */
bool files_regular(const char *path, uint64_t *size, char *why, size_t why_size);
/* true if path is an ELF64 little-endian AArch64 ET_EXEC; else why says why not. */
bool files_program(const char *path, char *why, size_t why_size);
/*
 * The name a program is packed under in the image's archive: its file name
 * without ".elf" (cmake/MoatSystem.cmake packs <target>.elf as <target>).
 * Returns where the name starts in path; *len is its length.
 */
const char *files_program_name(const char *path, size_t *len);

#endif
