/* The smallest AArch64 program: a valid ELF executable for the tests' domains. */
void _start(void);

void _start(void)
{
	for (;;)
		;
}
