#!/bin/sh
# /init of the Linux guest's initramfs (busybox). Tests read its output on
# the console; every line it prints starts with "moat-guest: ". The protocol
# is in README.md beside this file: keep the two in step.

say() { echo "moat-guest: $*"; }

/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# The kernel opened /dev/console before init ran if it could; make sure.
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1

say "init reached"

while read -r mod; do
	if out=$(insmod "/lib/modules/$mod.ko" 2>&1); then
		say "insmod $mod ok"
	else
		say "insmod $mod failed: $out"
	fi
done </etc/moat-modules

sleep 1
say "sleep 1 returned"

grep -i timer /proc/interrupts | while read -r line; do
	say "timer: $line"
done

test=
for arg in $(cat /proc/cmdline); do
	case $arg in
	moat.test=*) test=${arg#moat.test=} ;;
	esac
done

case $test in
poweroff)
	say "poweroff"
	poweroff -f
	;;
reboot)
	say "reboot"
	reboot -f
	;;
smp)
	# Every CPU up (PSCI CPU_ON), each running a process pinned to it,
	# one taken off and brought back (CPU_OFF, then CPU_ON again).
	say "cpus online: $(cat /sys/devices/system/cpu/online), nproc $(nproc)"
	for cpu in $(seq 0 $(($(nproc) - 1))); do
		# Field 39 of /proc/self/stat: the CPU the pinned shell runs on.
		ran=$(taskset -c "$cpu" sh -c 'read -r l </proc/self/stat; set -- $l; shift 38; echo $1')
		say "pinned to cpu $cpu, ran on cpu $ran"
	done
	echo 0 >/sys/devices/system/cpu/cpu1/online
	say "cpu1 offline: online $(cat /sys/devices/system/cpu/online)"
	echo 1 >/sys/devices/system/cpu/cpu1/online
	say "cpu1 back: online $(cat /sys/devices/system/cpu/online)"
	grep -E '^ *IPI[01]:' /proc/interrupts | while read -r line; do
		say "ipi: $line"
	done
	say "reboot"
	reboot -f
	;;
abort)
	# Outside RAM and every device the VMM emulates: the load must fault.
	devmem 0x20000000 32
	say "devmem outside RAM: status $?"
	say "poweroff"
	poweroff -f
	;;
"") ;;
*) say "unknown moat.test=$test" ;;
esac

say "shell"
exec setsid cttyhack sh
