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
# A console in a module (console=hvc0: virtio_console) opens only once it
# is loaded, so a failed open is not fatal here and is tried again below.
console() { (: </dev/console) 2>/dev/null && exec </dev/console >/dev/console 2>&1; }
console

say "init reached"

while read -r mod; do
	if out=$(insmod "/lib/modules/$mod.ko" 2>&1); then
		say "insmod $mod ok"
	else
		say "insmod $mod failed: $out"
	fi
done </etc/moat-modules
console

sleep 1
say "sleep 1 returned"

grep -i timer /proc/interrupts | while read -r line; do
	say "timer: $line"
done

# The value of `<key>=` on the kernel command line.
arg() {
	for a in $(cat /proc/cmdline); do
		case $a in
		"$1"=*) echo "${a#"$1"=}" ;;
		esac
	done
}

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
disk)
	# Its virtual disk (docs/io.md) holds an ext4 filesystem the host made:
	# the host's files checked by their sha256, new files written and
	# reported by theirs, then synced and unmounted before the power goes.
	mkdir -p /mnt
	if mount -t ext4 /dev/vda /mnt; then
		say "disk: $(cat /sys/block/vda/size) sectors, mounted"
		(cd /mnt && sha256sum -c MANIFEST 2>&1) | while read -r line; do
			say "disk: check $line"
		done
		dd if=/dev/urandom of=/mnt/guest-big.bin bs=65536 count=96 2>/dev/null
		dd if=/dev/urandom of=/mnt/guest-small.bin bs=1000 count=7 2>/dev/null
		mkdir -p /mnt/dir && echo "written by the guest" >/mnt/dir/note.txt
		for f in guest-big.bin guest-small.bin dir/note.txt; do
			say "disk: wrote $(cd /mnt && sha256sum "$f")"
		done
		sync
		umount /mnt && say "disk: unmounted"
	else
		say "disk: mount failed"
	fi
	say "poweroff"
	poweroff -f
	;;
diskfill)
	# Two guests, a virtual disk each (docs/io.md): each reads the marker
	# the host put at the start of its own disk, then fills the whole disk
	# with its name; the host checks neither reached the other's sectors.
	name=$(cat /proc/cmdline | sed -n 's/.*moat.name=\([a-z]*\).*/\1/p')
	size=$(cat /sys/block/vda/size)
	say "diskfill: $name: $size sectors, first sector: $(dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c 24)"
	yes "written-by-$name" | head -c 65536 >/tmp/chunk
	i=0
	while [ $((i * 128)) -lt "$size" ]; do
		dd if=/tmp/chunk of=/dev/vda bs=65536 seek=$i conv=notrunc 2>/dev/null || break
		i=$((i + 1))
	done
	sync
	echo 3 >/proc/sys/vm/drop_caches
	say "diskfill: $name: wrote $i chunks, first sector now: $(dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c 17)"
	say "poweroff"
	poweroff -f
	;;
net)
	# Two guests on the network switch (docs/net.md), moat.ip= its
	# address, moat.peer= the other's, moat.role=send or recv: the
	# receiver takes a TCP stream on port 5000 and reports its sha256;
	# the sender pings the other and QEMU's gateway, sends 8 MiB with
	# its sha256, waits for the receiver to ping it back, and then pings
	# again from the other's MAC, which the switch must drop; last it
	# serves one line on TCP port 8080 for the host.
	ip=$(arg moat.ip)
	peer=$(arg moat.peer)
	ip link set eth0 up && ip addr add "$ip/24" dev eth0
	say "net: eth0 $(cat /sys/class/net/eth0/address) at $ip"
	case $(arg moat.role) in
	recv)
		nc -l -p 5000 >/tmp/got
		say "net: received $(wc -c </tmp/got) bytes, sha256 $(sha256sum </tmp/got | cut -d' ' -f1)"
		ping -c 3 -W 2 "$peer" >/tmp/ping 2>&1
		say "net: ping $peer: $(grep -o '[0-9]* packets received' /tmp/ping)"
		echo done | nc -w 2 "$peer" 5001 # the sender goes on only now
		;;
	send)
		sleep 2
		ping -c 3 -W 2 "$peer" >/tmp/ping 2>&1
		say "net: ping $peer: $(grep -o '[0-9]* packets received' /tmp/ping)"
		ping -c 2 -W 2 10.0.2.2 >/tmp/ping 2>&1
		say "net: ping 10.0.2.2: $(grep -o '[0-9]* packets received' /tmp/ping)"
		dd if=/dev/urandom of=/tmp/data bs=65536 count=128 2>/dev/null
		say "net: sending 8388608 bytes, sha256 $(sha256sum </tmp/data | cut -d' ' -f1)"
		nc -w 5 "$peer" 5000 </tmp/data
		nc -l -p 5001 >/dev/null # until the receiver has pinged us
		mine=$(cat /sys/class/net/eth0/address)
		ip link set eth0 down
		ip link set eth0 address "$(arg moat.spoof)"
		ip link set eth0 up
		ping -c 3 -W 1 "$peer" >/tmp/ping 2>&1
		say "net: ping $peer from $(arg moat.spoof): $(grep -o '[0-9]* packets received' /tmp/ping)"
		ip link set eth0 down
		ip link set eth0 address "$mine"
		ip link set eth0 up
		# A host process reaches this through QEMU's hostfwd (net_test.py).
		say "net: serving port 8080"
		echo "moat-hostfwd from $mine" | nc -l -p 8080
		say "net: served port 8080"
		;;
	esac
	say "poweroff"
	poweroff -f
	;;
blkqd32)
	# 32 readers at once, each 1 MiB in 4 KiB O_DIRECT reads of its own
	# part of the disk: 32 requests in flight (the VMM counts them and the
	# notifications each way).
	for i in $(seq 0 31); do
		dd if=/dev/vda of=/dev/null bs=4096 count=256 skip=$((i * 256)) iflag=direct 2>/tmp/dd$i &
	done
	wait
	say "blkqd32: $(cat /tmp/dd* | grep -c 'records in') readers done, $(cat /tmp/dd* | grep -vc 'records') errors"
	say "poweroff"
	poweroff -f
	;;
blkbench)
	# 32 MiB read, then written, sequentially from its sector 2048 (the
	# driver's benchmark build counts the instructions).
	dd if=/dev/vda of=/dev/null bs=131072 skip=8 count=256 2>/dev/null
	say "blkbench: read 32 MiB"
	dd if=/dev/zero of=/dev/vda bs=131072 seek=8 count=256 conv=fsync 2>/dev/null
	say "blkbench: wrote 32 MiB"
	say "poweroff"
	poweroff -f
	;;
"") ;;
*) say "unknown moat.test=$test" ;;
esac

say "shell"
exec setsid cttyhack sh
