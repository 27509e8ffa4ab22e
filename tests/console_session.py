#!/usr/bin/env python3
"""A student at the keyboard of `make run`: boot it on a pty, type shell
commands a character at a time (ls /, cat, pipes, redirection, line
editing, Ctrl-C, Ctrl-D, exit) and check what comes back. Not part of
`make test`; run it after changing the console, init or the shell:

    python3 tests/console_session.py [TRANSCRIPT]

It prints one ok/FAIL line per check and exits 1 if any failed; the whole
console goes to TRANSCRIPT (default build/console-session.txt). It quits
QEMU with Ctrl-A X.
"""
import os, pty, re, select, subprocess, sys, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
log = open(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "build", "console-session.txt"), "wb")

master, slave = pty.openpty()
proc = subprocess.Popen(["make", "-s", "run"], cwd=REPO, stdin=slave, stdout=slave,
                        stderr=slave, close_fds=True, start_new_session=True)
os.close(slave)
buf = b""

def read_some(timeout):
    global buf
    r, _, _ = select.select([master], [], [], timeout)
    if r:
        try:
            data = os.read(master, 4096)
        except OSError:
            return False
        log.write(data); log.flush()
        buf += data
        buf = buf.replace(b"\r\r\n", b"\r\n")   # the host pty's own ONLCR
        return True
    return False

def expect(pattern, timeout=30):
    """Wait until pattern (bytes regex) appears after the cursor; consume."""
    global buf
    deadline = time.time() + timeout
    rx = re.compile(pattern, re.S)
    while True:
        m = rx.search(buf)
        if m:
            out = buf[:m.end()]
            buf = buf[m.end():]
            return out
        if time.time() > deadline:
            raise TimeoutError(f"timeout waiting for {pattern!r}; have {buf[-300:]!r}")
        read_some(0.2)

def send(s, delay=0.0):
    if isinstance(s, str):
        s = s.encode()
    for ch in s:
        os.write(master, bytes([ch]))
        time.sleep(0.01)          # a typist, not a paste
    time.sleep(delay)

PROMPT = rb"# $"
results = []

def check(name, ok, detail=""):
    results.append((name, ok))
    print(("ok   " if ok else "FAIL ") + name + (("  -- " + detail) if detail and not ok else ""), flush=True)

def cmd(line, timeout=30):
    send(line + "\r")
    out = expect(PROMPT, timeout)
    return out.decode("utf-8", "replace")

try:
    out = expect(PROMPT, 240).decode("utf-8", "replace")
    check("a greeting before the first prompt points to ps, free, /proc/self/maps, the labs",
          all(w in out for w in ("ps", "free", "cat /proc/self/maps", "labs")), out[-600:])
    out = cmd("ls /")
    check("ls / lists bin, data, tests, tmp", all(w in out for w in ("bin", "data", "tests", "tmp")), out)
    out = cmd("cat /data/hello.txt")
    check("cat a file", "hello from /data/hello.txt" in out, out)
    out = cmd("echo hi | cat")
    check("echo hi | cat", re.search(r"\r\nhi\r\n", out) is not None, repr(out))
    send("cat\r"); time.sleep(1); send("abc\r")
    out = expect(rb"abc\r\nabc\r\n", 10).decode()
    check("cat echoes a typed line back", True)
    send("\x03")
    out = expect(PROMPT, 10).decode()
    check("Ctrl-C ends cat, the shell prompts again", True)
    out = cmd("echo $?")
    check("$? is 130 after Ctrl-C", "130" in out, repr(out))
    send("cat\r"); time.sleep(1); send("\x04")
    out = expect(PROMPT, 10).decode()
    out = cmd("echo $?")
    check("Ctrl-D on an empty line ends cat with status 0", re.search(r"\r\n0\r\n", out) is not None, repr(out))
    send("cat\r"); time.sleep(1); send("partial\x04")
    out = expect(rb"partial", 10)
    time.sleep(0.5); send("\x04")
    out = expect(PROMPT, 10).decode()
    check("Ctrl-D after text delivers it, a second Ctrl-D ends cat", True)
    out = cmd("echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f")
    check("redirection > >> <", re.search(r"one\r\ntwo\r\n", out) is not None, repr(out))
    out = cmd("wc -l < /tmp/f")
    check("wc -l < file", "2" in out, repr(out))
    out = cmd("cat /tmp/f | wc -c")
    check("cat | wc -c", "8" in out, repr(out))
    send("echo abx\x7fc\r"); out = expect(PROMPT, 10).decode()
    check("backspace edits the line", re.search(r"\r\nabc\r\n", out) is not None, repr(out))
    send("echo wrong\x15echo right\r"); out = expect(PROMPT, 10).decode()
    check("Ctrl-U kills the line", re.search(r"\r\nright\r\n", out) is not None and "wrong\r\n" not in out, repr(out))
    send("echo never\x03"); out = expect(PROMPT, 10).decode()
    out = cmd("echo $?")
    check("Ctrl-C at the prompt discards the line; $? 130", "130" in out and "never\r\n" not in out, repr(out))
    out = cmd("nosuchcmd")
    out2 = cmd("echo $?")
    check("unknown command: message and $? 127", "127" in out2, repr(out) + repr(out2))
    send("sleep 30\r"); time.sleep(1.5); send("\x03"); out = expect(PROMPT, 10).decode()
    out = cmd("echo $?")
    check("Ctrl-C interrupts sleep; $? 130", "130" in out, repr(out))
    out = cmd("cd /tmp; pwd")
    check("cd and pwd", "/tmp" in out, repr(out))
    out = cmd("ls -l /data")
    check("ls -l", "hello.txt" in out, repr(out))
    out = cmd("cat /nonexistent")
    out2 = cmd("echo $?")
    check("cat of a missing file: message, $? 1", "No such file" in out and re.search(r"\r\n1\r\n", out2) is not None, repr(out) + repr(out2))
    out = cmd("hexdump -C /data/hello.txt")
    check("hexdump -C", "68 65 6c 6c 6f" in out, repr(out))
    out = cmd("mkdir /tmp/dd; cp /data/hello.txt /tmp/dd/; ls /tmp/dd; rm -r /tmp/dd; ls /tmp")
    check("mkdir, cp, rm -r", "hello.txt" in out, repr(out))
    out = cmd("stat /data/hello.txt")
    check("stat", "hello.txt" in out or "Size" in out or "size" in out, repr(out))
    send("exit\r"); out = expect(PROMPT, 20).decode()
    check("exit: init starts a new shell", True)
    send("\x04"); out = expect(PROMPT, 20).decode()
    check("Ctrl-D at the prompt: the shell exits, init starts a new one", True)
    out = cmd("echo 'quoted  words' \"and $?\"")
    check("quotes", "quoted  words and 0" in out, repr(out))
    out = cmd("echo a | cat | cat | cat")
    check("three pipes", re.search(r"\r\na\r\n", out) is not None, repr(out))
    out = cmd("sleep 1 &")
    check("& is a syntax error, not an argument", "syntax error" in out, repr(out))
    out = cmd("ls -l /data")
    check("ls -l shows owner and time", re.search(r"root root +27 \w+ +\d+ \d\d:\d\d hello.txt", out) is not None, repr(out))
    # The busybox userland (issue 15's acceptance): applets from /usr/bin
    # on the shell's PATH after Faultline's own /bin.
    out = cmd("printf '#!/bin/sh\\necho script ran\\n' > /tmp/s.sh; chmod +x /tmp/s.sh; /tmp/s.sh")
    check("chmod +x, then a #!/bin/sh script runs", re.search(r"\r\nscript ran\r\n", out) is not None, repr(out))
    out = cmd("ln -s /data/hello.txt /tmp/lnk; readlink -f /tmp/lnk; cat /tmp/lnk")
    check("ln -s, then readlink -f", re.search(r"\r\n/data/hello.txt\r\nhello from", out) is not None, repr(out))
    out = cmd("busybox sh -c 'mkfifo /tmp/fifo; cat /tmp/fifo & echo through the fifo > /tmp/fifo; wait'")
    check("mkfifo with a reader and a writer", "\r\nthrough the fifo\r\n" in out, repr(out))
    out = cmd("busybox touch /tmp/newfile; ls -l /tmp/newfile")
    check("touch newfile creates it", re.search(r" 0 \w+ +\d+ \d\d:\d\d /tmp/newfile", out) is not None, repr(out))
    out = cmd("ps")
    check("ps lists the processes", re.search(r"PID +USER", out) is not None and "/bin/init" in out and "/bin/sh" in out, repr(out))
    out = cmd("df")
    check("df shows the root", re.search(r"\r\n/dev/vda +\d+ +\d+ +\d+ +\d+% /\r\n", out) is not None, repr(out))
    out = cmd("dmesg")
    check("dmesg shows the kernel log", re.search(r"\r\n\[ *\d+\.\d+\] ", out) is not None, repr(out[-300:]))
    out = cmd("free")
    check("free shows the memory", re.search(r"\r\nMem: +\d+", out) is not None, repr(out))
    out = cmd("cat /proc/self/maps")
    check("cat /proc/self/maps", "[stack]" in out, repr(out[-300:]))
    send("poweroff\r")
    out = expect(rb"init: powering off", 20).decode()
    check("poweroff (busybox's, through init) powers the machine off",
          proc.wait(timeout=20) is not None, repr(out))
finally:
    send(b"\x01x")                # Ctrl-A X: quit QEMU
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
    log.close()
print(f"{sum(ok for _, ok in results)}/{len(results)} passed")
sys.exit(0 if results and all(ok for _, ok in results) else 1)
