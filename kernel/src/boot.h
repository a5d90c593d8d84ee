/* Building the root server from the image at boot. */
#ifndef MOAT_BOOT_H
#define MOAT_BOOT_H

/*
 * Loads the root server packed into the image, gives it its initial
 * capabilities and every byte of free RAM as untyped memory, and makes it
 * runnable. Panics if the packed program is not a valid executable.
 */
void boot_root_server(void);

#endif
