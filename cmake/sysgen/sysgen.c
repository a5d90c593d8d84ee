/*
 * moat-sysgen <name>.system <platform.dtb> <out.c>
 *
 * Checks a system description (docs/system.md) against the platform's
 * device tree and writes the system as C data for the root server. Exit
 * status 0 and out.c, or 1 with one line per error on standard error and
 * no out.c (a stale one is removed, so a failed build cannot use it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "description.h"
#include "output.h"
#include "platform.h"
#include "validate.h"

int main(int argc, char **argv)
{
	struct diag d = {.out = stderr};
	struct desc desc;
	struct platform plat;
	bool have_desc, have_plat;

	if (argc != 4) {
		fprintf(stderr, "usage: moat-sysgen <name>.system <platform.dtb> <out.c>\n");
		return 1;
	}
	have_desc = desc_parse_file(&desc, argv[1], &d);
	have_plat = plat_load_file(&plat, argv[2], &d) == 0;
	if (have_desc)
		validate_system(&desc, have_plat ? &plat : NULL, &d);
	if (!d.errors)
		output_write(argv[3], &desc, &plat, &d);
	if (d.errors && unlink(argv[3]) && errno != ENOENT)
		fprintf(stderr, "moat-sysgen: %s: cannot remove: %s\n", argv[3], strerror(errno));
	desc_free(&desc);
	plat_free(&plat);
	return d.errors ? 1 : 0;
}
