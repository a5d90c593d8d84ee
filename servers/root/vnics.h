/*
 * The system's virtual NICs (system.h sys_vnics, moat/net.h), given out
 * after the guests and the channels are made and before anything starts:
 * each network switch learns its guests' ports (moat_domain_info.vnic[],
 * per channel: the MAC, MOAT_VNIC_PRESENT), and each guest's VMM its NIC
 * (moat_vmm_info.net_channel, mac, and MOAT_VMM_FLAG_NET in flags).
 */
#ifndef MOAT_ROOT_VNICS_H
#define MOAT_ROOT_VNICS_H

/* After domains_connect, before domains_start and guests_start. */
void vnics_give(void);

#endif
