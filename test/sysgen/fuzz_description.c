/*
 * libFuzzer harness for moat-sysgen: arbitrary bytes as a system
 * description, parsed, validated against the qemu-virt platform (loaded
 * once), and, when they validate, written out as C to /dev/null. Errors
 * are only counted. Finds crashes, leaks and undefined behaviour in the
 * code that reads untrusted description text.
 */
#include <stdio.h>
#include <stdlib.h>

#include "description.h"
#include "output.h"
#include "platform.h"
#include "validate.h"

#ifndef SYSGEN_FUZZ_DTB
#define SYSGEN_FUZZ_DTB "qemu-virt.dtb"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct platform platform;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct diag d = {.out = stderr};
	const char *dtb = getenv("SYSGEN_FUZZ_DTB");

	(void)argc;
	(void)argv;
	if (plat_load_file(&platform, dtb ? dtb : SYSGEN_FUZZ_DTB, &d)) {
		fprintf(stderr, "sysgen_fuzz: cannot load the platform\n");
		exit(1);
	}
	sink = fopen("/dev/null", "w");
	if (!sink)
		exit(1);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct diag d = {.out = NULL};
	struct desc desc;

	desc_parse_buffer(&desc, "fuzz.system", (const char *)data, size, &d);
	validate_system(&desc, &platform, &d);
	if (!d.errors)
		output_emit(sink, &desc, &platform);
	desc_free(&desc);
	return 0;
}
