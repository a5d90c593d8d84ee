/*
 * A console client of the `qemu.console` test, run twice (alpha, beta) at
 * one priority: lines through DebugPutc a character at a time with a yield
 * after each (so the two domains' characters alternate in the kernel log),
 * lines through its console channel a few bytes at a time, then every line
 * of input it is given, echoed through the channel.
 */
#include <moat/console.h>
#include <moat/domain.h>
#include <moat/runtime.h>

#include "fmt.h"

static struct moat_console con;

static void put_slowly(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		moat_putc(s[i]);
		moat_yield();
	}
}

static void write_slowly(const char *s, size_t n)
{
	for (size_t done = 0; done < n;) {
		size_t piece = n - done < 5 ? n - done : 5;

		done += moat_console_write(&con, s + done, piece);
		moat_yield();
	}
}

int main(void *arg)
{
	const struct moat_domain_info *info = arg;
	char line[96], in[64];
	size_t n, len = 0;

	if (moat_console_init(&con, 0)) {
		moat_printf("%s: no console channel\n", info->name);
		return 1;
	}
	for (unsigned i = 1; i <= 3; i++) {
		n = fmt_snprintf(line, sizeof(line),
				 "%s: putc line %u abcdefghijklmnopqrstuvwxyz\n", info->name, i);
		put_slowly(line, n);
	}
	for (unsigned i = 1; i <= 3; i++) {
		n = fmt_snprintf(line, sizeof(line),
				 "%s: channel line %u ABCDEFGHIJKLMNOPQRSTUVWXYZ\n", info->name, i);
		write_slowly(line, n);
	}
	n = fmt_snprintf(line, sizeof(line), "%s: ready for input\n", info->name);
	write_slowly(line, n);
	for (;;) {
		char c;

		while (moat_console_read(&con, &c, 1)) {
			if (c != '\r' && c != '\n' && len + 1 < sizeof(in)) {
				in[len++] = c;
				continue;
			}
			in[len] = 0;
			n = fmt_snprintf(line, sizeof(line), "%s: input '%s'\n", info->name, in);
			write_slowly(line, n < sizeof(line) ? n : sizeof(line) - 1);
			len = 0;
		}
		moat_wait(MOAT_DOMAIN_SLOT_INBOX);
	}
}
