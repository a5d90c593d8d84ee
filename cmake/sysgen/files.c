/*
 * File checks for moat-sysgen (see files.h). Files are opened
 * non-blocking and checked with fstat, so a description naming a FIFO or
 * a device cannot make the tool hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

#define ELF_HEADER_SIZE	    64
#define ELF_CLASS_64	    2
#define ELF_DATA_LE	    1
#define ELF_TYPE_EXEC	    2
#define ELF_MACHINE_AARCH64 183

/* An open file descriptor for a regular file, or -1 with why filled in. */
static int open_regular(const char *path, uint64_t *size, char *why, size_t why_size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, why_size, "%s", errno == ENOENT ? "does not exist" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, why_size, "is not a regular file");
		close(fd);
		return -1;
	}
	if (size)
		*size = (uint64_t)st.st_size;
	return fd;
}

bool files_regular(const char *path, uint64_t *size, char *why, size_t why_size)
{
	int fd = open_regular(path, size, why, why_size);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static bool elf_header_ok(const unsigned char *h, size_t n, char *why, size_t why_size)
{
	const char *what = NULL;

	if (n < ELF_HEADER_SIZE || memcmp(h, "\177ELF", 4))
		what = "not an ELF file";
	else if (h[4] != ELF_CLASS_64)
		what = "not a 64-bit ELF file";
	else if (h[5] != ELF_DATA_LE)
		what = "not a little-endian ELF file";
	else if (le16(h + 18) != ELF_MACHINE_AARCH64)
		what = "an ELF file for another machine (e_machine is not 183, AArch64)";
	else if (le16(h + 16) != ELF_TYPE_EXEC)
		what = "an ELF file that is not an executable (e_type is not ET_EXEC)";
	if (what)
		snprintf(why, why_size, "is %s; it must be an AArch64 ELF executable", what);
	return !what;
}

bool files_program(const char *path, char *why, size_t why_size)
{
	unsigned char header[ELF_HEADER_SIZE];
	ssize_t n;
	int fd = open_regular(path, NULL, why, why_size);

	if (fd < 0)
		return false;
	n = read(fd, header, sizeof(header));
	if (n < 0) {
		snprintf(why, why_size, "cannot be read: %s", strerror(errno));
		close(fd);
		return false;
	}
	close(fd);
	return elf_header_ok(header, (size_t)n, why, why_size);
}

const char *files_program_name(const char *path, size_t *len)
{
	const char *name = strrchr(path, '/');
	size_t n;

	name = name ? name + 1 : path;
	n = strlen(name);
	if (n > 4 && !strcmp(name + n - 4, ".elf"))
		n -= 4;
	*len = n;
	return name;
}
