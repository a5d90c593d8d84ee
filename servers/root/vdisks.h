/*
 * The system's virtual disks (system.h sys_vdisks, moat/blk.h), given out
 * after the guests and the channels are made and before anything starts:
 * each block backend learns its disks (moat_domain_info.vdisk[], per
 * channel), each guest's VMM its disk (moat_vmm_info.blk_channel,
 * disk_sectors, disk_flags), and each block driver domain the backend has
 * a channel to the guests' RAM it may give its device, per backend client
 * (struct moat_blk_ranges at MOAT_BLK_RANGES, read-only).
 */
#ifndef MOAT_ROOT_VDISKS_H
#define MOAT_ROOT_VDISKS_H

/* After domains_connect, before domains_start and guests_start. */
void vdisks_give(void);

#endif
