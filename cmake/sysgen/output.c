/*
 * Writes the system as C data (see output.h). Strings are escaped so that
 * no description text can end a literal or form a trigraph; domains and
 * drivers are one table in declaration order, which channels index. ISO C
 * has no empty arrays: an empty table gets one zeroed entry and count 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "output.h"
#include "validate.h"

typedef unsigned long long ull;

static void put_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("NULL", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\' || c == '?')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void emit_device(FILE *f, size_t index, const struct plat_device *dev)
{
	fprintf(f, "static const struct sys_device sys_device_%zu = {\n\t.name = ", index);
	put_string(f, dev->name);
	fprintf(f, ",\n\t.paddr = 0x%llxull,\n\t.size = 0x%llxull,\n\t.irq = %u,\n",
		(ull)dev->paddr, (ull)dev->size, dev->irq_count ? dev->irqs[0] : 0);
	fprintf(f, "\t.kernel_uart = %s,\n};\n\n", dev->keep == PLAT_KEEP_UART ? "true" : "false");
}

static void emit_devices(FILE *f, const struct desc *desc, const struct platform *plat)
{
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *decl = &desc->decls[i];

		if (decl->kind == DESC_DRIVER)
			emit_device(f, desc_domain_index(desc, decl),
				    plat_find(plat, decl->text[DESC_F_DEVICE]));
	}
}

static void emit_domain(FILE *f, size_t index, const struct desc_decl *decl)
{
	fprintf(f, "\t[%zu] = {\n\t\t.name = ", index);
	put_string(f, decl->name);
	fprintf(f, ",\n\t\t.priority = %llu,\n", (ull)desc_num(decl, DESC_F_PRIORITY, 0));
	fprintf(f, "\t\t.budget_us = %llu,\n", (ull)desc_num(decl, DESC_F_BUDGET_US, 0));
	fprintf(f, "\t\t.period_us = %llu,\n", (ull)desc_num(decl, DESC_F_PERIOD_US, 0));
	fprintf(f, "\t\t.stack_pages = %llu,\n",
		(ull)desc_num(decl, DESC_F_STACK, DESC_DEFAULT_STACK) / DESC_PAGE_SIZE);
	fprintf(f, "\t\t.heap_pages = %llu,\n",
		(ull)desc_num(decl, DESC_F_HEAP, 0) / DESC_PAGE_SIZE);
	fprintf(f, "\t\t.dma_blocks = %llu,\n", (ull)desc_num(decl, DESC_F_DMA, 0) >> 21);
	if (decl->kind == DESC_DRIVER)
		fprintf(f, "\t\t.device = &sys_device_%zu,\n", index);
	else
		fprintf(f, "\t\t.device = NULL,\n");
	fprintf(f, "\t\t.kernel_log = %s,\n\t},\n",
		desc_num(decl, DESC_F_KERNEL_LOG, 0) ? "true" : "false");
}

static void emit_domains(FILE *f, const struct desc *desc)
{
	size_t n = 0;

	fprintf(f, "const struct sys_domain sys_domains[] = {\n");
	for (size_t i = 0; i < desc->count; i++) {
		if (desc_is_domain(&desc->decls[i]))
			emit_domain(f, n++, &desc->decls[i]);
	}
	if (!n)
		fprintf(f, "\t[0] = { .name = NULL }, /* none: ISO C has no empty arrays */\n");
	fprintf(f, "};\nconst unsigned sys_domain_count = %zu;\n\n", n);
}

static void emit_channels(FILE *f, const struct desc *desc)
{
	size_t n = 0;

	fprintf(f, "const struct sys_channel sys_channels[] = {\n");
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *ch = &desc->decls[i];

		if (ch->kind != DESC_CHANNEL)
			continue;
		const struct desc_decl *a = desc_find(desc, ch->name), *b = desc_find(desc, ch->peer);

		if (a->kind == DESC_GUEST) { /* the guest's VMM is always end b */
			const struct desc_decl *t = a;

			a = b;
			b = t;
		}
		fprintf(f, "\t[%zu] = {\n\t\t.a = %zu,\n\t\t.b = %zu,\n\t\t.b_guest = %s,\n", n++,
			desc_domain_index(desc, a), desc_domain_index(desc, b),
			b->kind == DESC_GUEST ? "true" : "false");
		fprintf(f, "\t\t.shared_pages = %llu,\n\t\t.notify = %s,\n\t},\n",
			(ull)desc_num(ch, DESC_F_SHARED_MEMORY, 0) / DESC_PAGE_SIZE,
			desc_num(ch, DESC_F_NOTIFY, 0) ? "true" : "false");
	}
	if (!n)
		fprintf(f, "\t[0] = { .a = 0 }, /* none: ISO C has no empty arrays */\n");
	fprintf(f, "};\nconst unsigned sys_channel_count = %zu;\n\n", n);
}

static void emit_vmm(FILE *f, const struct desc_decl *g)
{
	size_t len;
	const char *name = files_program_name(desc_text(g, DESC_F_VMM, ""), &len);
	char buf[DESC_LINE_MAX + 1];

	snprintf(buf, sizeof(buf), "%.*s", (int)len, name);
	fputs("\t\t.vmm = ", f);
	put_string(f, buf);
	fputs(",\n", f);
}

static void emit_guest(FILE *f, size_t index, const struct desc_decl *g)
{
	static const struct {
		const char *key;
		enum desc_field field;
	} strings[] = {{"kernel", DESC_F_KERNEL},
		       {"initrd", DESC_F_INITRD},
		       {"bootargs", DESC_F_BOOTARGS},
		       {"disk", DESC_F_DISK}};

	fprintf(f, "\t[%zu] = {\n\t\t.name = ", index);
	put_string(f, g->name);
	fputs(",\n", f);
	emit_vmm(f, g);
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		fprintf(f, "\t\t.%s = ", strings[i].key);
		put_string(f, desc_text(g, strings[i].field,
					strings[i].field == DESC_F_BOOTARGS ? "" : NULL));
		fputs(",\n", f);
	}
	fprintf(f, "\t\t.memory = %llu,\n\t\t.vcpus = %llu,\n", (ull)desc_num(g, DESC_F_MEMORY, 0),
		(ull)desc_num(g, DESC_F_VCPUS, DESC_DEFAULT_VCPUS));
	fprintf(f, "\t\t.priority = %llu,\n\t\t.budget_us = %llu,\n\t\t.period_us = %llu,\n",
		(ull)desc_num(g, DESC_F_PRIORITY, DESC_DEFAULT_GUEST_PRIORITY),
		(ull)desc_num(g, DESC_F_BUDGET_US, 0), (ull)desc_num(g, DESC_F_PERIOD_US, 0));
	fprintf(f, "\t\t.net = %s,\n\t\t.console = %s,\n\t},\n",
		desc_num(g, DESC_F_NET, 0) ? "true" : "false",
		desc_num(g, DESC_F_CONSOLE, 0) ? "true" : "false");
}

static void emit_guests(FILE *f, const struct desc *desc)
{
	size_t n = 0;

	fprintf(f, "const struct sys_guest sys_guests[] = {\n");
	for (size_t i = 0; i < desc->count; i++) {
		if (desc->decls[i].kind == DESC_GUEST)
			emit_guest(f, n++, &desc->decls[i]);
	}
	if (!n)
		fprintf(f, "\t[0] = { .name = NULL }, /* none: ISO C has no empty arrays */\n");
	fprintf(f, "};\nconst unsigned sys_guest_count = %zu;\n\n", n);
}

/* The index in sys_channels of the channel joining a and b (validated: there is one). */
static size_t channel_index(const struct desc *desc, const char *a, const char *b)
{
	size_t n = 0;

	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *c = &desc->decls[i];

		if (c->kind != DESC_CHANNEL)
			continue;
		if ((!strcmp(c->name, a) && !strcmp(c->peer, b)) ||
		    (!strcmp(c->name, b) && !strcmp(c->peer, a)))
			return n;
		n++;
	}
	return n;
}

static void emit_vdisks(FILE *f, const struct desc *desc)
{
	size_t n = 0;

	fprintf(f, "const struct sys_vdisk sys_vdisks[] = {\n");
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *v = &desc->decls[i];
		const struct desc_decl *g, *s;

		if (v->kind != DESC_VDISK)
			continue;
		g = desc_find(desc, v->name);
		s = desc_find(desc, v->text[DESC_F_SERVER]);
		fprintf(f, "\t[%zu] = {\n\t\t.guest = %zu,\n\t\t.server = %zu,\n", n++,
			desc_domain_index(desc, g), desc_domain_index(desc, s));
		fprintf(f, "\t\t.channel = %zu,\n\t\t.first = %llu,\n\t\t.sectors = %llu,\n",
			channel_index(desc, s->name, g->name), (ull)desc_num(v, DESC_F_FIRST, 0),
			(ull)desc_num(v, DESC_F_SECTORS, 0));
		fprintf(f, "\t\t.read_only = %s,\n\t},\n",
			desc_num(v, DESC_F_READ_ONLY, 0) ? "true" : "false");
	}
	if (!n)
		fprintf(f, "\t[0] = { .guest = 0 }, /* none: ISO C has no empty arrays */\n");
	fprintf(f, "};\nconst unsigned sys_vdisk_count = %zu;\n\n", n);
}

static void emit_vnics(FILE *f, const struct desc *desc)
{
	size_t n = 0;

	fprintf(f, "const struct sys_vnic sys_vnics[] = {\n");
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *v = &desc->decls[i];
		const struct desc_decl *g, *s;
		uint8_t m[6];

		if (v->kind != DESC_VNIC)
			continue;
		g = desc_find(desc, v->name);
		s = desc_find(desc, v->text[DESC_F_SERVER]);
		validate_vnic_mac(desc, v, m); /* validated: it has one */
		fprintf(f, "\t[%zu] = {\n\t\t.guest = %zu,\n\t\t.server = %zu,\n", n++,
			desc_domain_index(desc, g), desc_domain_index(desc, s));
		fprintf(f, "\t\t.channel = %zu,\n", channel_index(desc, s->name, g->name));
		fprintf(f, "\t\t.mac = { 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x },\n\t},\n",
			m[0], m[1], m[2], m[3], m[4], m[5]);
	}
	if (!n)
		fprintf(f, "\t[0] = { .guest = 0 }, /* none: ISO C has no empty arrays */\n");
	fprintf(f, "};\nconst unsigned sys_vnic_count = %zu;\n", n);
}

static const char *system_name(const struct desc *desc)
{
	for (size_t i = 0; i < desc->count; i++) {
		if (desc->decls[i].kind == DESC_SYSTEM)
			return desc->decls[i].name;
	}
	return "";
}

bool output_emit(FILE *f, const struct desc *desc, const struct platform *plat)
{
	fputs("/* Generated by moat-sysgen from a system description: servers/root/system.h's\n"
	      " * data for the root server. Do not edit; change the description instead. */\n"
	      "#include <stddef.h>\n\n#include \"system.h\"\n\nconst char sys_name[] = ",
	      f);
	put_string(f, system_name(desc));
	fputs(";\n\n", f);
	emit_devices(f, desc, plat);
	emit_domains(f, desc);
	emit_channels(f, desc);
	emit_guests(f, desc);
	emit_vdisks(f, desc);
	emit_vnics(f, desc);
	return !ferror(f);
}

void output_write(const char *path, const struct desc *desc, const struct platform *plat,
		  struct diag *d)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 5);
	bool written, closed;
	FILE *f;

	if (!tmp) {
		diag_error(d, path, "out of memory");
		return;
	}
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".tmp", 5);
	f = fopen(tmp, "w");
	if (!f) {
		diag_error(d, tmp, "cannot write: %s", strerror(errno));
		free(tmp);
		return;
	}
	written = output_emit(f, desc, plat);
	closed = fclose(f) == 0;
	if (!written || !closed) {
		diag_error(d, tmp, "cannot write: %s", strerror(errno));
		unlink(tmp);
	} else if (rename(tmp, path)) {
		diag_error(d, path, "cannot write: %s", strerror(errno));
		unlink(tmp);
	}
	free(tmp);
}
