# tests/busybox/diff.sh INPUTS OUT - the busybox differential script.
#
# Run by `busybox sh` (Debian's static busybox: its shell runs busybox's
# own applets whatever PATH says) on Faultline and on Linux, the host,
# with the same binary; tests/run.py's "busybox" suite diffs the two OUT
# files line by line (docs/testing.md, "The busybox differential suite").
# INPUTS is the directory holding words.txt and records.csv (this
# directory on the host, the program disk on Faultline); the script works
# in a fresh directory that mktemp -d makes, and writes every line to OUT
# (an absolute path), its errors included.
#
# Every line is "SECTION: ..." so that a difference names its place.
# What depends on the machine rather than the kernel (process ids, sizes
# of the root filesystem, the kernel's log, the user running it) is
# reduced to its shape here: `ps` lists this shell, `df` has a line for /,
# `dmesg` says something. Nothing prints absolute paths, times of day,
# directories' link counts or a readdir order unsorted; the few lines that
# differ by design (uname, a directory's size) are printed, and the suite
# holds the list of them.

inputs=$1
exec >"$2" 2>&1 </dev/null
export TZ=UTC LC_ALL=C
umask 022
work=$(mktemp -d) || exit 1
cd "$work" || exit 1
base=$(pwd -P)
cp "$inputs/words.txt" "$inputs/records.csv" . && chmod 644 words.txt records.csv
# "path" with this directory's name cut off its front.
rel() { echo "${1#"$base"/}"; }
# Programs that busybox runs by name through PATH (tar z's gzip, awk's
# "| cmd" through /bin/sh) are busybox's too, on both sides: links made
# by `busybox --install -s` (to what /proc/self/exe names).
mkdir bin && busybox --install -s "$base/bin" && export PATH="$base/bin:$PATH"
echo "install: $(ls bin | wc -l) applet links$([ "$(readlink -f bin/gzip)" = "$(readlink -f /proc/$$/exe)" ] && echo ", to this busybox")"

echo "begin: busybox differential script"

# ---- text tools ----
sort words.txt | head -3 | sed 's/^/sort: /'
tr ' ' '\n' < words.txt | sort | uniq -c | sort -k1,1nr -k2 | head -4 | sed 's/^ */uniq: /'
cut -d, -f1,3 records.csv | sort -t, -k2,2 -k1,1 | sed 's/^/cut: /'
sort -t, -k2,2n records.csv | head -3 | sed 's/^/sort-n: /'
sort -u -t, -k1,1 records.csv | wc -l | sed 's/^/sort-u: /'
tr 'a-z' 'A-Z' < words.txt | head -2 | sed 's/^/tr: /'
tr -d 'aeiou' < words.txt | tail -1 | sed 's/^/tr-d: /'
sed -n 's/^\([a-z]*\),\([0-9]*\),.*/\2:\1/p' records.csv | sed 's/^/sed: /'
sed '3,5d; s/the/THE/g' words.txt | head -4 | sed 's/^/sed-d: /'
awk -F, '{ n[$3]++; s += $2 } END { print "awk:", NR, s; for (c in n) print "awk-count:", c, n[c] | "sort" }' records.csv
awk '{ print length($0) }' words.txt | sort -n | tail -1 | sed 's/^/awk-len: /'
echo "grep-c: $(grep -c the words.txt)"
grep -n '^a' words.txt | sed 's/^/grep-n: /'
grep -v -i -e x -e the words.txt | wc -l | sed 's/^/grep-v: /'
grep -E 'ing$|ord' words.txt | sed 's/^/grep-E: /'
grep -q nosuchword words.txt; echo "grep-q: status $?"
wc words.txt | sed 's/^ */wc: /'
wc -l < records.csv | sed 's/^/wc-l: /'
head -n 2 words.txt | sed 's/^/head: /'
head -c 9 words.txt | sed 's/^/head-c: /'; echo
tail -n 2 words.txt | sed 's/^/tail: /'
tail -c 12 words.txt | sed 's/^/tail-c: /'
tail -n +9 words.txt | sed 's/^/tail+: /'
seq 1 5 | paste -s -d+ - | sed 's/^/paste: /'
echo "expr: $(expr 6 \* 7) $(expr length abcdef)"
printf 'printf: %05d|%-4s|%x|%s\n' 42 ab 255 "$(echo nested)"
md5sum words.txt records.csv | sed 's/^/md5sum: /'
sha256sum records.csv | sed 's/^/sha256sum: /'
od -A d -t x1 records.csv | head -2 | sed 's/^/od: /'
seq 3 | tee teed | wc -l | sed 's/^/tee: /'; cat teed | tr '\n' ' ' | sed 's/^/tee-file: /'; echo
printf 'a\nb\nc\n' > d1; printf 'a\nB\nc\nd\n' > d2
diff d1 d2 > diff.out; echo "diff: status $?"; sed 's/^/diff: /' diff.out
cmp d1 d2 | sed 's/^/cmp: /'
echo a b c d e | xargs -n 2 echo | sed 's/^/xargs: /'
date -u -d @86400 '+date: %Y-%m-%d %H:%M:%S %a'
find . -name '*.csv' | sed 's/^/find: /'

# ---- archives ----
mkdir -p tree/sub/deep
cp words.txt tree/ && cp records.csv tree/sub/ && echo deep > tree/sub/deep/file
tar cf t.tar tree && echo "tar: created, $(wc -c < t.tar) bytes"
tar tf t.tar | sort | sed 's/^/tar-list: /'
mkdir untar && tar xf t.tar -C untar && cmp tree/sub/records.csv untar/tree/sub/records.csv &&
	echo "tar: extracted copy matches"
tar czf t.tgz tree && mkdir untgz && tar xzf t.tgz -C untgz &&
	cat untgz/tree/sub/deep/file | sed 's/^/tar-z: /'
gzip -c words.txt > w.gz && echo "gzip: $(wc -c < w.gz) bytes"
gunzip -c w.gz | cmp - words.txt && echo "gunzip: round trip matches"
cp words.txt w2.txt && gzip w2.txt && ls w2.txt* | sed 's/^/gzip-file: /'
gunzip w2.txt.gz && cmp w2.txt words.txt && echo "gunzip-file: restored"
echo corrupt > bad.gz; gunzip -c bad.gz >/dev/null; echo "gunzip: bad input status $?"
find tree | sort | cpio -o -H newc > t.cpio 2>cpio.err; sed 's/^/cpio-o: /' cpio.err
cpio -t < t.cpio 2>/dev/null | sort | sed 's/^/cpio-list: /'
mkdir uncpio && (cd uncpio && cpio -id < ../t.cpio 2>/dev/null) &&
	cmp uncpio/tree/words.txt words.txt && echo "cpio: extracted copy matches"

# ---- shell features ----
f() { local n=$#; echo "func: $n args, first $1"; return 3; }
f one two three; echo "func: status $?"
total=0; count=0
while IFS=, read -r name num colour; do
	total=$((total + num)); count=$((count + 1))
	[ "$colour" = red ] && echo "while-read: red $name"
done < records.csv
echo "while-read: $count records, total $total"
printf 'x y z\nback\\slash\n' | while read -r a b; do echo "read-r: [$a] [$b]"; done
printf 'one\ntwo\n' | { read first; read second; echo "read-group: $second $first"; }
cat <<EOF
heredoc: expanded $((6 * 7)) $(echo cmd)
EOF
cat <<'EOF'
heredoc: quoted $((6 * 7))
EOF
cat <<-EOF
	heredoc: tabs stripped
	EOF
echo "arith: $(( (3 + 4) * 5 % 7 )) $(( 1 << 10 )) $(( -7 / 2 )) $(( 0x10 + 010 )) $(( 5 > 3 && 2 > 1 ))"
s=path/to/file.tar.gz
echo "params: ${s##*/} ${s%%.*} ${s#*/} ${#s} ${unset:-default}"
set -- a b c; shift; echo "positional: $# $*"
case "banana" in ba*) echo "case: matched ba*";; *) echo "case: no";; esac
trap 'echo "trap: USR1 caught"' USR1
kill -USR1 $$
trap - USR1
(trap 'echo "trap: subshell EXIT"' EXIT; echo "trap: in subshell")
sh -c 'trap "echo trap: TERM in child; exit 9" TERM; kill -TERM $$; sleep 5'
echo "trap: child status $?"
(sleep 0.2; exit 4) & a=$!
(exit 2) & b=$!
wait $a; echo "wait: first $?"
wait $b; echo "wait: second $?"
sleep 10 & c=$!
# ash says "Terminated" or not depending on which of its waits reaped the
# job first (timing, on Linux too): the status is what is compared.
{ kill $c; wait $c; } 2>/dev/null; echo "wait: killed $?"
sleep 0.1 & sleep 0.1 & wait; echo "wait: all $?"
out=$( (echo sub; exit 5) ); echo "subst: $out $?"
echo "pipeline: $(echo abc | tr b x | rev)"
false | true; echo "pipeline: status $?"
x=1; { x=2; }; echo "group: $x"
(x=3); echo "subshell: $x"
i=0; until [ $i -ge 3 ]; do i=$((i + 1)); done; echo "until: $i"
for w in $(seq 3); do printf 'for:%s ' "$w"; done; echo
getopts ab: opt -b val; echo "getopts: $opt $OPTARG"

# ---- symbolic and hard links ----
ln -s words.txt link && echo "ln-s: $(readlink link)"
echo "readlink-f: $(rel "$(readlink -f link)")"
echo "realpath: $(rel "$(realpath link)")"
mkdir -p dir/sub && ln -s ../../records.csv dir/sub/up
echo "readlink-f: $(rel "$(readlink -f dir/sub/up)")"
ln -s dir dirlink && echo "ln-s dir: $(ls dirlink/sub)"
head -1 link | sed 's/^/through-link: /'
ln -s nowhere dangling; [ -L dangling ] && [ ! -e dangling ] && echo "dangling: a link to nothing"
cat dangling; echo "dangling: cat status $?"
ln -s loop2 loop1 && ln -s loop1 loop2; cat loop1; echo "loop: cat status $?"
readlink words.txt; echo "readlink: of a file, status $?"
ls -l link | sed 's/.* link -> /ls-l: link -> /'
stat -c 'stat: %N %F' link
ln -s words.txt link 2>&1 | sed 's/^/ln-s again: /'
ln -sf records.csv link && echo "ln-sf: $(readlink link)"
ln words.txt hard && echo "hardlink: $(stat -c %h words.txt) links, same inode $( [ "$(stat -c %i hard)" = "$(stat -c %i words.txt)" ] && echo yes)"
rm link && [ -f records.csv ] && echo "rm link: target stays"

# ---- permissions and scripts ----
printf '#!/bin/sh\necho script ran\nexit 3\n' > s.sh
stat -c 'mode: %a %A' s.sh
sh -c ./s.sh; echo "exec: before chmod, status $?"
chmod +x s.sh && stat -c 'chmod+x: %a %A' s.sh
./s.sh; echo "exec: after chmod +x, status $?"
printf '#!/bin/busybox sh\necho "interp: \\$0=$0 \\$1=$1 \\$#=$#"\n' > s2.sh && chmod 755 s2.sh
./s2.sh first second
printf '#! /bin/busybox  sh\necho "interp: spaces after #! ok"\n' > s3.sh && chmod 700 s3.sh && ./s3.sh
printf '#!/nonexistent/interp\n' > s4.sh && chmod +x s4.sh; sh -c ./s4.sh; echo "interp: missing, status $?"
printf 'echo "no #! line: run by the shell"\n' > s5.sh && chmod +x s5.sh && ./s5.sh
touch m; chmod 640 m; stat -c 'chmod: %a' m
chmod u+x,g-r,o+w m; ls -l m | cut -c1-10 | sed 's/^/ls-l mode: /'
chmod 4755 m; stat -c 'setuid: %a %A' m
chmod a=r m; stat -c 'a=r: %a' m
mkdir -m 700 private && stat -c 'mkdir-m: %a %F' private
umask 077; touch masked; mkdir maskdir; stat -c 'umask 077: %a' masked maskdir; umask 022
echo "umask: $(umask)"
touch -d '2020-01-02 03:04:05' old && stat -c 'touch-d: %Y %y' old
cp -a old old-copy && stat -c 'cp-a: %a %Y' old-copy
chmod 751 old && cp -p old old-p && stat -c 'cp-p: %a %Y' old-p
[ -x s.sh ] && [ ! -x m ] && echo "test: -x right"
mv s.sh renamed.sh && ./renamed.sh >/dev/null; echo "mv: renamed script, status $?"

# ---- FIFOs ----
mkfifo pipe && stat -c 'mkfifo: %F %a' pipe
[ -p pipe ] && echo "fifo: test -p"
(echo "through the fifo"; echo "second line") > pipe &
while read -r line; do echo "fifo read: $line"; done < pipe
wait $!; echo "fifo: writer status $?"
cat pipe > fifo.out & r=$!
seq 1000 > pipe; wait $r; echo "fifo: reader got $(wc -l < fifo.out) lines"
mknod node p && stat -c 'mknod p: %F' node

# ---- files ----
touch newfile && stat -c 'touch: %s bytes, %F' newfile
touch newfile && echo "touch: again ok"
echo data > f1 && truncate -s 10 f1 && echo "truncate: $(wc -c < f1) bytes"
dd if=/dev/zero of=zeros bs=1024 count=3 2>/dev/null && echo "dd: $(wc -c < zeros) bytes"
dd if=words.txt bs=5 skip=2 count=2 2>/dev/null | sed 's/^/dd-skip: /'; echo
head -c 64 /dev/urandom | wc -c | sed 's/^/urandom: /'
echo x > /dev/full; echo "dev-full: status $?"
ls newfile nosuchfile; echo "ls: status $?"
rmdir dir; echo "rmdir: non-empty, status $?"
mkdir emptyd && rmdir emptyd && echo "rmdir: empty ok"
rm -r tree && [ ! -e tree ] && echo "rm -r: gone"
ls | sort | tr '\n' ' ' | sed 's/^/ls: /'; echo

# ---- the system (shape only: these differ by machine) ----
ps > ps.out
head -1 ps.out | sed 's/^/ps header: /'
awk -v me=$$ '$1 == me { print "ps: this shell is listed, running", ($0 ~ /sh/ ? "a shell" : $0) }' ps.out
sleep 5 & s=$!
ps | awk -v p=$s '$1 == p { print "ps: background job listed" }'
# (by name: once the child has exec'd sleep, which may take a moment)
i=0
until pidof sleep | tr ' ' '\n' | grep -qx "$s" || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
[ $i -lt 50 ] && echo "pidof: finds the background job"
{ kill $s; wait $s; } 2>/dev/null	# (see "wait: killed" above)
df -P / > df.out
head -1 df.out | sed 's/^/df header: /'
awk 'NR == 2 { print "df: root line,", $NF, ($2 > 0 && $4 >= 0 ? "sizes positive" : "bad sizes") }' df.out
mount > mount.out
awk '$2 == "on" && $3 == "/" && $4 == "type" { print "mount: / is mounted"; exit }' mount.out
awk '$3 == "/proc" && $5 == "proc" { print "mount: /proc is proc"; exit }' mount.out
grep -q '^[^ ]* /proc proc ' /proc/mounts && echo "proc-mounts: /proc listed"
if dmesg > dmesg.out; then
	[ -s dmesg.out ] && echo "dmesg: non-empty"
	head -1 dmesg.out | grep -q '^\[ *[0-9]*\.[0-9]*\] ' && echo "dmesg: lines start with a time stamp"
else
	echo "dmesg: not readable"
fi
free > free.out && head -2 free.out | awk '{ print "free:", $1, NF }'
uptime | grep -q 'load average' && echo "uptime: has a load average"
echo "uname -m: $(uname -m)"
# Differences by design (tests/busybox_suite.py, DIFFERENCES; docs/
# syscalls.md, "Known differences from Linux"): the kernel's name and
# release, and a directory's size, which is the filesystem's.
echo "uname -s: $(uname -s)"
echo "uname -r: $(uname -r)"
mkdir sized && stat -c 'dir-size: %s' sized
[ -r /proc/self/maps ] && grep -q '\[stack\]' /proc/self/maps && echo "maps: [stack] listed"
[ "$(readlink /proc/self/exe)" = "$(readlink -f /proc/$$/exe)" ] && echo "proc-exe: readable"
echo "end: busybox differential script"
cd / && rm -rf "$work"
