/*
 * Parser for system descriptions (docs/system.md, "The description
 * file"). Line oriented: a block header at column 0, key lines indented by
 * two spaces, `end`. Every error names the description file and line, and
 * parsing goes on, so that one run reports every mistake. The text is
 * untrusted: lines are bounded, control characters rejected, names
 * restricted, numbers overflow-checked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "description.h"

enum value_type { VALUE_TEXT, VALUE_NUMBER, VALUE_FLAG };

#define KIND(k)	 (1u << (k))
#define NATIVE	 (KIND(DESC_DOMAIN) | KIND(DESC_DRIVER))
#define THREADS	 (NATIVE | KIND(DESC_GUEST)) /* blocks with a priority and a budget */
#define ANY_KIND 0x7fu

static const struct key_spec {
	const char *key;
	enum desc_field field;
	enum value_type type;
	unsigned kinds; /* KIND() bits of the blocks that accept it */
} key_specs[] = {
	{"platform", DESC_F_PLATFORM, VALUE_TEXT, KIND(DESC_SYSTEM)},
	{"program", DESC_F_PROGRAM, VALUE_TEXT, NATIVE},
	{"device", DESC_F_DEVICE, VALUE_TEXT, KIND(DESC_DRIVER)},
	{"priority", DESC_F_PRIORITY, VALUE_NUMBER, THREADS},
	{"budget_us", DESC_F_BUDGET_US, VALUE_NUMBER, THREADS},
	{"period_us", DESC_F_PERIOD_US, VALUE_NUMBER, THREADS},
	{"stack", DESC_F_STACK, VALUE_NUMBER, NATIVE},
	{"heap", DESC_F_HEAP, VALUE_NUMBER, NATIVE},
	{"dma", DESC_F_DMA, VALUE_NUMBER, KIND(DESC_DRIVER)},
	{"shared_memory", DESC_F_SHARED_MEMORY, VALUE_NUMBER, KIND(DESC_CHANNEL)},
	{"notify", DESC_F_NOTIFY, VALUE_FLAG, KIND(DESC_CHANNEL)},
	{"kernel", DESC_F_KERNEL, VALUE_TEXT, KIND(DESC_GUEST)},
	{"initrd", DESC_F_INITRD, VALUE_TEXT, KIND(DESC_GUEST)},
	{"bootargs", DESC_F_BOOTARGS, VALUE_TEXT, KIND(DESC_GUEST)},
	{"memory", DESC_F_MEMORY, VALUE_NUMBER, KIND(DESC_GUEST)},
	{"vcpus", DESC_F_VCPUS, VALUE_NUMBER, KIND(DESC_GUEST)},
	{"disk", DESC_F_DISK, VALUE_TEXT, KIND(DESC_GUEST)},
	{"net", DESC_F_NET, VALUE_FLAG, KIND(DESC_GUEST)},
	{"console", DESC_F_CONSOLE, VALUE_FLAG, KIND(DESC_GUEST)},
	{"vmm", DESC_F_VMM, VALUE_TEXT, KIND(DESC_GUEST)},
	{"kernel_log", DESC_F_KERNEL_LOG, VALUE_FLAG, KIND(DESC_DOMAIN)},
	{"server", DESC_F_SERVER, VALUE_TEXT, KIND(DESC_VDISK) | KIND(DESC_VNIC)},
	{"first", DESC_F_FIRST, VALUE_NUMBER, KIND(DESC_VDISK)},
	{"sectors", DESC_F_SECTORS, VALUE_NUMBER, KIND(DESC_VDISK)},
	{"read_only", DESC_F_READ_ONLY, VALUE_FLAG, KIND(DESC_VDISK)},
	{"mac", DESC_F_MAC, VALUE_TEXT, KIND(DESC_VNIC)},
	{"where", DESC_F_WHERE, VALUE_TEXT, ANY_KIND},
};

static const char *const kind_names[] = {"system", "domain", "driver", "channel",
					 "guest",  "vdisk",  "vnic"};

#define KIND_COUNT (sizeof(kind_names) / sizeof(kind_names[0]))
#define LABEL_MAX  (2 * DESC_NAME_MAX + 32)

struct parser {
	struct desc *desc;
	struct diag *diag;
	size_t cap;	       /* entries allocated in desc->decls */
	unsigned line;	       /* current line, from 1 */
	bool in_block;	       /* between a header and its `end` */
	bool skipping;	       /* ... whose header was rejected: ignore its keys */
	unsigned open_line;    /* the open block's header line */
	char label[LABEL_MAX]; /* the open block, "domain 'x'", for messages */
};

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		fprintf(stderr, "moat-sysgen: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

static void parse_error(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void parse_error(struct parser *p, const char *fmt, ...)
{
	char where[4200], msg[2 * DESC_LINE_MAX];
	va_list ap;

	snprintf(where, sizeof(where), "%s:%u", p->desc->file, p->line);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(p->diag, where, "%s", msg);
}

static struct desc_decl *open_decl(struct parser *p)
{
	return &p->desc->decls[p->desc->count - 1];
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > DESC_NAME_MAX || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
		    c != '_' && c != '-' && c != '.')
			return false;
	}
	return true;
}

/* 0: parsed; -1: not a decimal number; 1: more than UINT64_MAX. */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned digit = (unsigned)(*s - '0');
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - digit) / 10)
			return 1;
		v = v * 10 + digit;
	}
	*out = v;
	return 0;
}

static bool set_number(struct parser *p, const char *key, const char *value, uint64_t *out)
{
	int r = parse_u64(value, out);

	if (r < 0)
		parse_error(p, "%s: %s '%s' is not a decimal number", p->label, key, value);
	else if (r > 0)
		parse_error(p, "%s: %s '%s' is too large (more than 18446744073709551615)",
			    p->label, key, value);
	return r == 0;
}

static bool set_value(struct parser *p, const struct key_spec *spec, const char *value)
{
	struct desc_decl *decl = open_decl(p);

	switch (spec->type) {
	case VALUE_NUMBER:
		return set_number(p, spec->key, value, &decl->num[spec->field]);
	case VALUE_FLAG:
		if ((value[0] == '0' || value[0] == '1') && value[1] == '\0') {
			decl->num[spec->field] = (uint64_t)(value[0] - '0');
			return true;
		}
		parse_error(p, "%s: %s must be 0 or 1, not '%s'", p->label, spec->key, value);
		return false;
	case VALUE_TEXT:
		if (!*value && spec->field != DESC_F_BOOTARGS) {
			parse_error(p, "%s: key '%s' has no value", p->label, spec->key);
			return false;
		}
		decl->text[spec->field] = xstrdup(value);
		return true;
	}
	return false;
}

static const struct key_spec *find_key(const char *key, enum desc_kind kind)
{
	for (size_t i = 0; i < sizeof(key_specs) / sizeof(key_specs[0]); i++) {
		if (!strcmp(key_specs[i].key, key) && (key_specs[i].kinds & KIND(kind)))
			return &key_specs[i];
	}
	return NULL;
}

static void parse_key_line(struct parser *p, char *text)
{
	const struct key_spec *spec;
	struct desc_decl *decl;
	char *key = text + 2, *space, *value = "";

	if (!p->in_block) {
		parse_error(p, "indented line outside a block");
		return;
	}
	if (p->skipping)
		return;
	if (text[1] != ' ' || text[2] == ' ' || text[2] == '\0') {
		parse_error(p, "%s: a key line is two spaces, a key, one space and the value",
			    p->label);
		return;
	}
	space = strchr(key, ' ');
	if (space) {
		*space = '\0';
		value = space + 1;
	}
	decl = open_decl(p);
	spec = find_key(key, decl->kind);
	if (!spec) {
		parse_error(p, "%s: unknown key '%s'", p->label, key);
		return;
	}
	if (decl->present & (1u << spec->field)) {
		parse_error(p, "%s: key '%s' given twice", p->label, key);
		return;
	}
	decl->present |= 1u << spec->field;
	if (!set_value(p, spec, value))
		decl->invalid |= 1u << spec->field;
}

static void finish_block(struct parser *p)
{
	if (!p->skipping) {
		struct desc_decl *decl = open_decl(p);
		char where[4200];

		if (desc_has(decl, DESC_F_WHERE)) {
			decl->where = xstrdup(decl->text[DESC_F_WHERE]);
		} else {
			snprintf(where, sizeof(where), "%s:%u", p->desc->file, p->open_line);
			decl->where = xstrdup(where);
		}
	}
	p->in_block = false;
	p->skipping = false;
}

/* Split "a b" (channels) or check "a" (others); false if malformed. */
static bool split_names(struct parser *p, enum desc_kind kind, char *rest, char **peer)
{
	char *space = rest ? strchr(rest, ' ') : NULL;

	*peer = NULL;
	if (!rest || !*rest) {
		parse_error(p, "%s block without a name", kind_names[kind]);
		return false;
	}
	if (kind == DESC_CHANNEL) {
		if (!space) {
			parse_error(p, "channel '%s' names one domain; a channel names two", rest);
			return false;
		}
		*space = '\0';
		*peer = space + 1;
	} else if (space) {
		parse_error(p, "%s name '%s' contains a space", kind_names[kind], rest);
		return false;
	}
	if (!valid_name(rest) || (*peer && !valid_name(*peer))) {
		parse_error(p,
			    "bad %s name '%s%s%s': names are 1-%d letters, digits, '_', '-' or '.'",
			    kind_names[kind], rest, *peer ? " " : "", *peer ? *peer : "",
			    DESC_NAME_MAX);
		return false;
	}
	return true;
}

static void open_block(struct parser *p, enum desc_kind kind, char *rest)
{
	struct desc *desc = p->desc;
	struct desc_decl *decl;
	char *peer;

	p->in_block = true;
	p->skipping = true;
	p->open_line = p->line;
	snprintf(p->label, sizeof(p->label), "%s '%.*s'", kind_names[kind], 2 * DESC_NAME_MAX + 1,
		 rest ? rest : "");
	if (!split_names(p, kind, rest, &peer))
		return;
	if (desc->count == DESC_DECL_MAX) {
		parse_error(p, "more than %d declarations", DESC_DECL_MAX);
		return;
	}
	if (desc->count == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		desc->decls = xrealloc(desc->decls, p->cap * sizeof(*desc->decls));
	}
	decl = &desc->decls[desc->count++];
	memset(decl, 0, sizeof(*decl));
	decl->kind = kind;
	decl->name = xstrdup(rest);
	decl->peer = peer ? xstrdup(peer) : NULL;
	if (peer)
		snprintf(p->label, sizeof(p->label), "channel '%s' '%s'", rest, peer);
	p->skipping = false;
}

static void parse_header(struct parser *p, char *text)
{
	char *space = strchr(text, ' ');
	size_t word = space ? (size_t)(space - text) : strlen(text);

	for (size_t k = 0; k < KIND_COUNT; k++) {
		if (strlen(kind_names[k]) != word || memcmp(kind_names[k], text, word))
			continue;
		if (p->in_block) {
			parse_error(p, "missing 'end' for %s (opened at line %u)", p->label,
				    p->open_line);
			finish_block(p);
		}
		open_block(p, (enum desc_kind)k, space ? space + 1 : NULL);
		return;
	}
	parse_error(p,
		    "unknown block kind '%.*s' (expected system, domain, driver, channel, guest, vdisk or "
		    "vnic)",
		    (int)(word > DESC_NAME_MAX ? DESC_NAME_MAX : word), text);
	if (!p->in_block) {
		/* Skip its keys and `end` rather than report each of them too. */
		p->in_block = p->skipping = true;
		p->open_line = p->line;
		snprintf(p->label, sizeof(p->label), "'%.*s'", DESC_NAME_MAX, text);
	}
}

static void parse_line(struct parser *p, const char *s, size_t len)
{
	char text[DESC_LINE_MAX + 1];

	if (len > DESC_LINE_MAX) {
		parse_error(p, "line is longer than %d characters", DESC_LINE_MAX);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			parse_error(p, "control character 0x%02x in column %zu", c, i + 1);
			return;
		}
	}
	memcpy(text, s, len);
	text[len] = '\0';
	if (len == 0 || text[0] == '#')
		return;
	if (text[0] == ' ') {
		parse_key_line(p, text);
	} else if (!strcmp(text, "end")) {
		if (p->in_block)
			finish_block(p);
		else
			parse_error(p, "'end' without a block");
	} else {
		parse_header(p, text);
	}
}

void desc_parse_buffer(struct desc *desc, const char *file, const char *buf, size_t len,
		       struct diag *d)
{
	struct parser p = {.desc = desc, .diag = d};
	size_t pos = 0;

	memset(desc, 0, sizeof(*desc));
	desc->file = xstrdup(file);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		p.line++;
		parse_line(&p, buf + pos, end - pos);
		pos = end + 1;
	}
	if (p.in_block) {
		parse_error(&p, "missing 'end' for %s (opened at line %u)", p.label, p.open_line);
		finish_block(&p);
	}
}

bool desc_parse_file(struct desc *desc, const char *path, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	int err = errno; /* before anything else can change it */
	char *buf = xrealloc(NULL, DESC_FILE_MAX + 1);
	size_t len = 0;
	bool readable = f != NULL;

	if (f) {
		len = fread(buf, 1, DESC_FILE_MAX + 1, f);
		readable = !ferror(f);
		err = errno;
		fclose(f);
	}
	if (!readable) {
		diag_error(d, path, "cannot read the description: %s", strerror(err));
		len = 0;
	} else if (len > DESC_FILE_MAX) {
		diag_error(d, path, "the description is larger than %u bytes", DESC_FILE_MAX);
		readable = false;
		len = 0;
	}
	desc_parse_buffer(desc, path, buf, len, d);
	free(buf);
	return readable;
}

void desc_free(struct desc *desc)
{
	for (size_t i = 0; i < desc->count; i++) {
		struct desc_decl *decl = &desc->decls[i];

		free(decl->name);
		free(decl->peer);
		free(decl->where);
		for (size_t f = 0; f < DESC_F_COUNT; f++)
			free(decl->text[f]);
	}
	free(desc->decls);
	free(desc->file);
	memset(desc, 0, sizeof(*desc));
}

const char *desc_kind_name(enum desc_kind kind)
{
	return (size_t)kind < KIND_COUNT ? kind_names[kind] : "?";
}

bool desc_has(const struct desc_decl *decl, enum desc_field f)
{
	uint32_t bit = 1u << f;

	return (decl->present & bit) && !(decl->invalid & bit);
}

uint64_t desc_num(const struct desc_decl *decl, enum desc_field f, uint64_t absent)
{
	return desc_has(decl, f) ? decl->num[f] : absent;
}

const char *desc_text(const struct desc_decl *decl, enum desc_field f, const char *absent)
{
	return desc_has(decl, f) ? decl->text[f] : absent;
}

bool desc_is_domain(const struct desc_decl *decl)
{
	return decl->kind == DESC_DOMAIN || decl->kind == DESC_DRIVER;
}

const struct desc_decl *desc_find(const struct desc *desc, const char *name)
{
	for (size_t i = 0; i < desc->count; i++) {
		const struct desc_decl *decl = &desc->decls[i];

		if ((desc_is_domain(decl) || decl->kind == DESC_GUEST) && !strcmp(decl->name, name))
			return decl;
	}
	return NULL;
}

size_t desc_domain_index(const struct desc *desc, const struct desc_decl *decl)
{
	size_t index = 0;

	for (const struct desc_decl *d = desc->decls; d < decl; d++)
		index += desc_is_domain(d) == desc_is_domain(decl) &&
			 (d->kind == DESC_GUEST) == (decl->kind == DESC_GUEST);
	return index;
}
