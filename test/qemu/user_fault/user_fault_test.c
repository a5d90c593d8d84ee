/* A domain that reads memory it holds no capability for (kernel text). */
#include <moat/runtime.h>

#define KERNEL_TEXT 0xffff000040080000ul

int main(void *arg)
{
	volatile const uint64_t *p = (const uint64_t *)KERNEL_TEXT;

	(void)arg;
	moat_printf("user_fault: reading kernel memory at 0x%lx\n", KERNEL_TEXT);
	moat_printf("user_fault: read 0x%lx: isolation broken\n", (unsigned long)*p);
	return 1;
}
