#!/bin/sh
# Runs spin's exhaustive safety check (assertions, invalid end states) on
# a Promela model. Usage: check_model.sh pass|fail WORKDIR MODEL.pml [spin -D options...]
# "pass" requires no errors; "fail" requires spin to find one (a mutant
# model that must be caught, so the check is known to be able to fail).
set -eu
expect=$1 work=$2 model=$3
shift 3
mkdir -p "$work"
cd "$work"
spin "$@" -a "$model" >spin.log
cc -O2 -DSAFETY -DVECTORSZ=512 -o pan pan.c
./pan -m10000000 >pan.log 2>&1 || true
errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' pan.log | tail -n 1)
grep -E 'errors:|states, stored|invalid end|assertion violated|search not completed' pan.log || true
if grep -q 'depth too small\|search not completed' pan.log; then
	echo "check_model: search incomplete" >&2
	exit 1
fi
case $expect,$errors in
pass,0) exit 0 ;;
fail,0) echo "check_model: the mutant was not caught" >&2; exit 1 ;;
fail,[1-9]*) echo "check_model: mutant caught, as required"; exit 0 ;;
*) echo "check_model: spin found errors ($errors)" >&2; exit 1 ;;
esac
