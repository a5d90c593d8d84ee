/*
 * The root server program and the other domains' programs (an archive, see
 * moat/bootinfo.h), packed into the kernel image (MOAT_ROOTSERVER,
 * MOAT_PROGRAMS).
 */
	.section .rodata.rootserver, "a"
	.balign	16
	.global	_rootserver_start
	.global	_rootserver_end
_rootserver_start:
	.incbin	MOAT_ROOTSERVER
_rootserver_end:

	.balign	16
	.global	_programs_start
	.global	_programs_end
_programs_start:
	.incbin	MOAT_PROGRAMS
_programs_end:
