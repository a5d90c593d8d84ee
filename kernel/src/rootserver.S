/* The root server program, packed into the kernel image (MOAT_ROOTSERVER). */
	.section .rodata.rootserver, "a"
	.balign	16
	.global	_rootserver_start
	.global	_rootserver_end
_rootserver_start:
	.incbin	MOAT_ROOTSERVER
_rootserver_end:
