#!/usr/bin/dash
# tests/glibc/programs.sh - Debian's dynamically linked programs (glibc,
# started through /lib64/ld-linux-x86-64.so.2), run by Debian's dash, over
# input files that the script makes itself in its current directory (a
# fresh, writable one). The glibc-diff suite of `make test`
# (tests/glibc_diff.py) runs it on Faultline (from the image, where
# tools/stage-glibc.sh put GLIBC_PROGS) and on the host, and diffs what it
# prints: every line must be the same on both.
#
# Nothing printed may depend on the machine. What does is masked here,
# each listed in docs/syscalls.md ("Known differences from Linux", "The
# filesystem's answers"): the "total" line of `ls -l DIR` (the sum of
# st_blocks, which counts what the filesystem allocated: 1 KiB blocks on
# Faultline's ext2, 4 KiB ones on a typical host), the size of a
# directory (the filesystem's own: 1024 on Faultline's ext2, 4096 on ext4,
# others on tmpfs) and inode numbers. `ls -l /` is compared by its form.
# Owners are left out of the listings (ls -g -o): the host may run this as
# any user.
#
# Only the staged programs are used, by absolute path (on Faultline /bin
# holds its own utilities), and dash's builtins.
export LC_ALL=C TZ=UTC PATH=/usr/bin
B=/usr/bin

# ls -l with the by-design differences masked (see above); with -i the
# inode numbers too, which are the filesystem's choice.
lsl() {
    $B/ls "$@" | $B/sed -E -e 's/^total [0-9]+$/total (blocks)/' \
        -e 's/^ *[0-9]+ ([-dlcbps][-rwxsStT]{9})/(inode) \1/' \
        -e 's/^((\(inode\) )?d[-rwxsStT]{9}[.+]? +[0-9]+ +)[0-9]+ /\1(dirsize) /'
}

step() { echo "== $*"; }

# Everything runs with its output to a file, stdout and stderr together,
# which is then printed: on Faultline the console is a terminal, on the
# host a pipe, and what is buffered, and so the order of a program's
# output and its error messages, must not depend on that.
main() {
step versions
for p in ls cp sort md5sum grep sed touch mkdir chmod ln rm wc head uniq; do
    $B/$p --version | $B/head -n 1
done

step inputs
$B/mkdir -p in/sub/deeper out
printf 'pear 3\napple 10\nFig 2\nbanana 7\napple 10\ncherry 1\nfig 20\n' > in/fruit.txt
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/dash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n' > in/passwd
printf 'line one\nline two has a fault\n\nFAULT in caps\nlast line, no newline' > in/sub/notes.txt
printf 'deep fault\n' > in/sub/deeper/leaf.txt
printf '\000\001\002binary\377fault\n' > in/bin.dat
i=0
while [ $i -lt 500 ]; do
    echo "$(( (i * 7919) % 1000 )) row$i"
    i=$((i + 1))
done > in/numbers.txt
$B/wc in/fruit.txt in/passwd in/sub/notes.txt in/numbers.txt

step sort
$B/sort in/fruit.txt
$B/sort -r in/fruit.txt
$B/sort -f in/fruit.txt
$B/sort -u in/fruit.txt
$B/sort -k2,2n -k1,1 in/fruit.txt
$B/sort -t: -k3,3n in/passwd
$B/sort -n in/numbers.txt | $B/head -n 5
$B/sort -n in/numbers.txt | $B/md5sum
$B/sort -c in/fruit.txt; echo "sort -c: $?"
$B/sort -o out/sorted.txt in/fruit.txt && $B/md5sum out/sorted.txt
$B/sort in/fruit.txt | $B/uniq -c

step md5sum
$B/md5sum in/fruit.txt in/passwd in/bin.dat in/sub/notes.txt
$B/md5sum in/*.txt > out/sums
$B/md5sum -c out/sums
printf 'changed\n' >> in/numbers.txt
$B/md5sum -c out/sums; echo "md5sum -c after a change: $?"
printf '' | $B/md5sum
$B/md5sum --tag in/passwd
$B/md5sum missing.txt; echo "md5sum of a missing file: $?"

step grep
$B/grep -n fault in/sub/notes.txt
$B/grep -in fault in/sub/notes.txt
$B/grep -c line in/sub/notes.txt
$B/grep -v -e line -e '^$' in/sub/notes.txt
$B/grep -E '^(apple|fig) [0-9]+$' in/fruit.txt
$B/grep -o '[0-9][0-9]*' in/fruit.txt | $B/sort -n | $B/uniq
$B/grep -w fig in/fruit.txt
$B/grep -r fault in | $B/sort
$B/grep -rl fault in | $B/sort
$B/grep -a fault in/bin.dat | $B/md5sum
$B/grep fault in/bin.dat
$B/grep -F 'x:0:0' in/passwd
$B/grep -q nothing-here in/passwd; echo "grep no match: $?"
$B/grep x no-such-file; echo "grep missing file: $?"
$B/grep -P '\d{3,}' in/passwd | $B/wc -l

step sed
$B/sed -n '2,4p' in/fruit.txt
$B/sed -e 's/apple/APPLE/g' -e '/banana/d' in/fruit.txt
$B/sed -E 's/^([a-z]+) ([0-9]+)$/\2=\1/' in/fruit.txt
$B/sed -n '/one/,/FAULT/{=;p}' in/sub/notes.txt
$B/sed 'y/abc/ABC/;1i\
first
$a\
last' in/passwd
$B/cp in/fruit.txt out/edit.txt
$B/sed -i 's/[0-9]\+/N/' out/edit.txt && $B/md5sum out/edit.txt
$B/sed -i.bak '1d' out/edit.txt && $B/md5sum out/edit.txt out/edit.txt.bak
$B/sed --posix -n '$=' in/numbers.txt

step cp
$B/touch -d '2020-01-02 03:04:05' in/fruit.txt in/passwd
$B/chmod 640 in/passwd
$B/cp in/fruit.txt out/plain.txt
$B/cp -p in/passwd out/kept
$B/cp -r in out/tree
$B/cp -a in out/archive
$B/cp in/fruit.txt out/plain.txt out/   2>&1; echo "cp onto itself: $?"
$B/cp in/nothing out/ 2>&1; echo "cp of a missing file: $?"
$B/cp -v in/passwd out/verbose
$B/md5sum out/plain.txt out/kept out/tree/sub/notes.txt out/archive/sub/deeper/leaf.txt

step ls
$B/touch -d '2021-06-07 08:09:10' in/sub/deeper/leaf.txt in/sub/notes.txt in/bin.dat in/numbers.txt
$B/chmod 4755 in/bin.dat
$B/chmod 1777 in/sub/deeper
$B/ln -s fruit.txt in/link
$B/ln -s ../nowhere in/sub/dangling
$B/ln in/passwd in/hardlink
$B/touch -h -d '2019-12-31 23:59:59' in/link in/sub/dangling
$B/touch -d '2018-05-05 05:05:05' in/sub/deeper in/sub
$B/touch -d '2017-04-04 04:04:04' out/kept
lsl -lgo in
lsl -lgoR in
lsl -lgo --full-time in/fruit.txt in/link in/sub/deeper
lsl -lgoS in
lsl -lgot in
lsl -lgor in
lsl -lgoi in
lsl -lgo in/link in/sub/dangling
lsl -lgoL in/link
lsl -lgo out/kept out/archive/passwd out/archive/fruit.txt
lsl -ldgo in/sub in/sub/deeper
$B/ls -1 in
$B/ls -a in
$B/ls -F in
$B/ls -m in
$B/ls -x in
$B/ls -Q in
$B/ls in/nothing; echo "ls of a missing file: $?"
# ls -l / over Faultline's root and the host's: the names differ, so what
# is compared is that every line is in ls -l's format and that ls is happy.
$B/ls -l / > out/root.txt; echo "ls -l /: $?"
$B/grep -Evc '^(total [0-9]+|[-dlcbps][-rwxsStT]{9}[.+]? +[0-9]+ [^ ]+ +[^ ]+ +([0-9]+|[0-9]+, +[0-9]+) [A-Z][a-z]{2} [ 0-9][0-9] ( [0-9]{4}|[0-9]{2}:[0-9]{2}) .+)$' out/root.txt
$B/ls -ld / | $B/sed -E 's/^(d[-rwx]{9}) .* \/$/\1 ... \//'

step rm
$B/rm out/plain.txt; echo "rm: $?"
$B/rm out/plain.txt; echo "rm again: $?"
$B/rm -r out/tree && $B/ls out
$B/rm in/sub 2>&1; echo "rm of a directory: $?"

step dash
$B/dash -c 'cat in/fruit.txt 2>/dev/null | sort | head -n 2; echo "pipeline: $?"'
$B/dash -c "$B/grep -h fault in/sub/notes.txt in/sub/deeper/leaf.txt | $B/sed 's/fault/FAULT/' | $B/sort -r | $B/wc -l"
$B/dash -c 'exit 3'; echo "dash -c exit: $?"
$B/dash -c 'false | true'; echo "false | true: $?"
$B/dash -c "$B/sort in/fruit.txt | $B/grep -q zzz"; echo "pipeline status is the last's: $?"
n=0
while read -r name count; do
    n=$((n + count))
done < in/fruit.txt
echo "sum of counts: $n"
x=$($B/grep -c apple in/fruit.txt); echo "command substitution: $x"
case "$($B/head -n 1 in/passwd)" in root:*) echo "case: root first";; *) echo "case: no";; esac
f() { echo "function $1 $#"; return 4; }; f a b c; echo "function status: $?"
( cd in/sub && $B/ls ); echo "subshell kept cwd: $($B/ls -d in)"
$B/cat <<EOF | $B/sort
zeta
alpha $((6 * 7))
EOF
trap 'echo "trap on exit"' EXIT
{ echo to-stderr >&2; } 2>&1
$B/sort in/fruit.txt > out/s1 &
wait $!; echo "background sort: $? $($B/wc -l < out/s1)"
step done
}

( main ) > result.log 2>&1
echo "main: $?" >> result.log
$B/cat result.log
