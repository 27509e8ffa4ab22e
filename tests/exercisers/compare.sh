#!/bin/sh
# compare.sh - run the outside exercisers on this Linux host and on
# Faultline (make exec), and diff what they print. Not part of make test.
#
#   tests/exercisers/compare.sh [-v] [-n COUNT] [SEED...]
#
#   -v        randsys prints every call (diffs then show the first call
#             where the kernels part); slower on Faultline
#   -n COUNT  randsys calls per seed (default 4000)
#   SEED...   randsys seeds (default 1 2 3)
#
# Extra make variables (B=, MEM=, ACCEL=, TIMEOUT=) can be given in the
# environment as MAKEFLAGS, e.g. MAKEFLAGS="B=build-x" tests/exercisers/compare.sh
#
# Exit status 0 if every program printed the same lines and exited with
# the same status on both kernels, 1 otherwise. The outputs stay in the
# work directory it names. See README.md here for what the programs do.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
verbose=
count=4000
while [ $# -gt 0 ]; do
	case "$1" in
	-v) verbose=-v; shift ;;
	-n) count=$2; shift 2 ;;
	-*) echo "usage: $0 [-v] [-n COUNT] [SEED...]" >&2; exit 2 ;;
	*) break ;;
	esac
done
seeds=${*:-1 2 3}

work=$(mktemp -d /tmp/faultline-exercisers.XXXXXX)
echo "compare.sh: work directory $work"

for prog in cow_fork badptr randsys; do
	musl-gcc -static -O2 -Wall -Wextra -o "$work/$prog" "$here/$prog.c" || exit 2
done
# Build the kernel and the disk first (make exec with no PROG builds what
# it needs, then stops), so that make exec prints only the program's lines.
make -C "$repo" exec >/dev/null 2>&1

failed=0

# run NAME ARGS...: once on the host (in a scratch cwd), once on Faultline.
run() {
	name=$1
	shift
	tag=$(echo "$name $*" | tr ' ' '_' | tr -d -- '-')
	mkdir -p "$work/cwd"
	(cd "$work/cwd" && "$work/$name" "$@") > "$work/$tag.linux" 2>&1
	lstatus=$?
	make -C "$repo" -s exec PROG="$work/$name" ARGS="$*" > "$work/$tag.raw" 2>&1
	fstatus=$?
	# init's own lines and make's are not the program's.
	grep -Ev '^init: |^  (CC|LD|NASM|MUSLCC|ROOTFS|MKE2FS|ISO|IMAGES|DISK) ' \
		"$work/$tag.raw" > "$work/$tag.faultline"
	if [ "$lstatus" != "$fstatus" ]; then
		echo "DIFF $name $*: exit status $lstatus on Linux, $fstatus on Faultline"
		failed=1
	fi
	if diff -u "$work/$tag.linux" "$work/$tag.faultline" > "$work/$tag.diff"; then
		echo "same $name $* ($(wc -l < "$work/$tag.linux") lines, status $lstatus)"
	else
		echo "DIFF $name $*: see $work/$tag.diff"
		head -20 "$work/$tag.diff"
		failed=1
	fi
}

run cow_fork
run badptr
for seed in $seeds; do
	if [ -n "$verbose" ]; then
		run randsys -v "$seed" "$count"
	else
		run randsys "$seed" "$count"
	fi
done
[ $failed = 0 ] && echo "compare.sh: no differences" || echo "compare.sh: differences found"
exit $failed
