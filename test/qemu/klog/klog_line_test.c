/*
 * A domain's line stays whole on the UART while the kernel's once-a-second
 * uptime report falls due (kernel/src/payload_root.c): the root server
 * writes half a line, spins for 1.5 s (one or two reports due, never the
 * third that would be printed anyway), and ends the line; the report comes
 * after it. The scenario expects the whole line and a report.
 */
#include "rs_test.h"

static void spin(uint64_t us)
{
	uint64_t end = rs_now() + rs_us(us);

	while (rs_now() < end)
		;
}

int main(void *arg)
{
	rs_init(arg);
	moat_printf("klog_line: one half,");
	spin(1500000);
	moat_printf(" the other half\n");
	spin(1500000); /* a report or two now */
	return 0;
}
