/* printf-style formatting; see fmt.h for what is supported. */
#include "fmt.h"

struct spec {
	bool left;
	bool zero;
	unsigned width;
	unsigned length; /* 0: int, 1: long, 2: long long, 3: size_t */
};

struct sink {
	fmt_out_fn out;
	void *ctx;
	size_t count;
};

static void emit(struct sink *s, char c)
{
	s->out(s->ctx, c);
	s->count++;
}

static void emit_padded(struct sink *s, const struct spec *sp, const char *prefix,
			const char *body, size_t len)
{
	size_t plen = 0, pad;

	while (prefix[plen])
		plen++;
	pad = sp->width > plen + len ? sp->width - plen - len : 0;
	if (!sp->left && !sp->zero)
		for (; pad; pad--)
			emit(s, ' ');
	for (size_t i = 0; i < plen; i++)
		emit(s, prefix[i]);
	if (!sp->left && sp->zero)
		for (; pad; pad--)
			emit(s, '0');
	for (size_t i = 0; i < len; i++)
		emit(s, body[i]);
	for (; pad; pad--)
		emit(s, ' ');
}

static void emit_number(struct sink *s, const struct spec *sp, uint64_t v, unsigned base,
			bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	size_t n = sizeof(buf);

	do {
		buf[--n] = digits[v % base];
		v /= base;
	} while (v);
	emit_padded(s, sp, prefix, buf + n, sizeof(buf) - n);
}

static int64_t take_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 0:
		return va_arg(*ap, int);
	case 1:
		return va_arg(*ap, long);
	case 2:
		return va_arg(*ap, long long);
	default:
		return (int64_t)va_arg(*ap, size_t);
	}
}

static uint64_t take_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 0:
		return va_arg(*ap, unsigned int);
	case 1:
		return va_arg(*ap, unsigned long);
	case 2:
		return va_arg(*ap, unsigned long long);
	default:
		return va_arg(*ap, size_t);
	}
}

/* Parses flags, width and length after '%'; returns the conversion char. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ 0 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	if (*f == '*') {
		int w = va_arg(*ap, int);
		if (w < 0) {
			sp->left = true;
			w = -w;
		}
		sp->width = (unsigned)w;
		f++;
	} else {
		while (*f >= '0' && *f <= '9' && sp->width < 1000)
			sp->width = sp->width * 10 + (unsigned)(*f++ - '0');
	}
	if (*f == 'l') {
		sp->length = 1;
		if (*++f == 'l') {
			sp->length = 2;
			f++;
		}
	} else if (*f == 'z') {
		sp->length = 3;
		f++;
	}
	return f;
}

static void convert(struct sink *s, const struct spec *sp, char conv, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = take_signed(sp, ap);
		uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
		emit_number(s, sp, mag, 10, false, v < 0 ? "-" : "");
		break;
	}
	case 'u':
		emit_number(s, sp, take_unsigned(sp, ap), 10, false, "");
		break;
	case 'x':
	case 'X':
		emit_number(s, sp, take_unsigned(sp, ap), 16, conv == 'X', "");
		break;
	case 'p':
		emit_number(s, sp, (uintptr_t)va_arg(*ap, void *), 16, false, "0x");
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		emit_padded(s, sp, "", &c, 1);
		break;
	}
	case 's': {
		const char *str = va_arg(*ap, const char *);
		size_t len = 0;
		if (!str)
			str = "(null)";
		while (str[len])
			len++;
		emit_padded(s, sp, "", str, len);
		break;
	}
	default:
		break;
	}
}

static bool is_conversion(char c)
{
	switch (c) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'p':
	case 'c':
	case 's':
		return true;
	default:
		return false;
	}
}

size_t fmt_vformat(fmt_out_fn out, void *ctx, const char *fmt, va_list ap)
{
	struct sink s = { out, ctx, 0 };
	va_list args;

	va_copy(args, ap);
	for (const char *f = fmt; *f; f++) {
		const char *start = f;
		struct spec sp;

		if (*f != '%') {
			emit(&s, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &args);
		if (*f == '%') {
			emit(&s, '%');
		} else if (is_conversion(*f)) {
			convert(&s, &sp, *f, &args);
		} else {
			/* Unknown or truncated conversion: show it as written. */
			for (; start < f; start++)
				emit(&s, *start);
			if (!*f)
				break;
			emit(&s, *f);
		}
	}
	va_end(args);
	return s.count;
}

struct buffer {
	char *buf;
	size_t size;
	size_t used;
};

static void buffer_put(void *ctx, char c)
{
	struct buffer *b = ctx;

	if (b->used + 1 < b->size)
		b->buf[b->used++] = c;
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer b = { buf, size, 0 };
	size_t n = fmt_vformat(buffer_put, &b, fmt, ap);

	if (size)
		buf[b.used] = '\0';
	return n;
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
