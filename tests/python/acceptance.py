#!/usr/bin/python3
"""Debian's python3 on Faultline, checked against Linux: `make test-python`
runs this script on Faultline (from the image that GLIBC_PYTHON=1 builds)
and on the host, with the same interpreter, and diffs what it prints
(tests/python_check.py). Every line must be the same on both, so nothing
printed may depend on the machine: no addresses, pids, times or paths
outside the current directory, which is a fresh, writable one.

What it exercises, beside the interpreter itself finding its library:
  mmap      a MAP_SHARED mapping of a file: stores, flush (msync), the
            file read back with read() and through a second mapping,
            resize (ftruncate and mremap), a private (copy-on-write)
            mapping that does not reach the file, and an anonymous shared
            mapping written by a forked child;
  json, re, hashlib (OpenSSL's _hashlib: md5, sha1, sha256; blake2 and
            sha3 built in);
  threading several threads with a Lock, a Condition, a Barrier and a
            queue.Queue, each joined; a ThreadPoolExecutor;
  subprocess (_posixsubprocess, select) running Debian's sort.
"""
import hashlib
import json
import mmap
import os
import queue
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

PAGE = mmap.PAGESIZE


def section(name):
    print(f"== {name}")


def check_mmap():
    section("mmap")
    print("pagesize", PAGE)
    with open("shared.bin", "wb") as f:
        f.write(b"." * (2 * PAGE))
    with open("shared.bin", "r+b") as f:
        m = mmap.mmap(f.fileno(), 2 * PAGE, flags=mmap.MAP_SHARED,
                      prot=mmap.PROT_READ | mmap.PROT_WRITE)
        m[0:5] = b"hello"
        m[PAGE:PAGE + 5] = b"world"
        m[-1:] = b"!"
        m.flush()
        print("find", m.find(b"world"), m.rfind(b"!"), len(m))
        other = mmap.mmap(f.fileno(), PAGE, flags=mmap.MAP_SHARED,
                          prot=mmap.PROT_READ)
        print("second mapping sees", other[0:5])
        other.close()
        m.resize(3 * PAGE)              # ftruncate, then mremap
        m[2 * PAGE:2 * PAGE + 4] = b"more"
        m.flush(0, 3 * PAGE)
        m.close()
    with open("shared.bin", "rb") as f:
        data = f.read()
    print("file after flush", len(data), data[:5], data[PAGE:PAGE + 5],
          data[2 * PAGE - 1:2 * PAGE + 4], hashlib.md5(data).hexdigest())

    with open("shared.bin", "r+b") as f:
        p = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
        p[0:5] = b"COPY!"
        print("private mapping", p[0:5], "file", os.pread(f.fileno(), 5, 0))
        p.close()

    anon = mmap.mmap(-1, PAGE, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
    pid = os.fork()
    if pid == 0:
        anon[0:11] = b"from child\n"
        os._exit(7)
    _, status = os.waitpid(pid, 0)
    print("child exit", os.waitstatus_to_exitcode(status), "wrote", anon[0:11])
    anon.close()


def check_json_re():
    section("json")
    doc = {"name": "faultline", "pages": [1, 2, 3], "nested": {"ok": True, "none": None},
           "pi": 3.25, "text": "caf\u00e9 \u2603"}
    text = json.dumps(doc, sort_keys=True)
    print(text)
    print(json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False))
    print("round trip", json.loads(text) == doc)
    try:
        json.loads("{bad json}")
    except json.JSONDecodeError as e:
        print("error", e.msg, e.pos)

    section("re")
    log = "fault at 0x7f001000 (write)\nfault at 0x7f002000 (read)\nmunmap 0x7f000000\n"
    print(re.findall(r"fault at (0x[0-9a-f]+) \((\w+)\)", log))
    print(re.sub(r"0x([0-9a-f]+)", lambda m: str(int(m.group(1), 16) >> 12), log), end="")
    pat = re.compile(r"(?P<op>\w+) (?:at )?(?P<addr>0x\w+)", re.M)
    print([m.groupdict() for m in pat.finditer(log)])
    print(re.split(r"\s+", "  split   these words "), re.fullmatch(r"[a-z]+\d*", "page42") is not None)


def check_hashlib():
    section("hashlib")
    data = b"The quick brown fox jumps over the lazy dog"
    for name in ("md5", "sha1", "sha256", "sha512", "sha3_256", "blake2b"):
        print(name, hashlib.new(name, data).hexdigest())
    h = hashlib.sha256()
    for i in range(1000):
        h.update(i.to_bytes(4, "little"))
    print("incremental", h.hexdigest())
    print("pbkdf2", hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 1000).hex())


def check_threading():
    section("threading")
    nthreads, per_thread = 4, 2000
    lock = threading.Lock()
    counter = [0]

    def add():
        for _ in range(per_thread):
            with lock:
                counter[0] += 1

    threads = [threading.Thread(target=add, name=f"adder-{i}") for i in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("lock counter", counter[0], "alive", sum(t.is_alive() for t in threads))

    # Producer and consumers over a queue, with a sentinel per consumer.
    work, results = queue.Queue(maxsize=8), queue.Queue()

    def consumer():
        while (item := work.get()) is not None:
            results.put(item * item)
            work.task_done()
        work.task_done()

    consumers = [threading.Thread(target=consumer) for _ in range(3)]
    for t in consumers:
        t.start()
    for i in range(100):
        work.put(i)
    for _ in consumers:
        work.put(None)
    work.join()
    for t in consumers:
        t.join()
    got = sorted(results.get() for _ in range(results.qsize()))
    print("queue squares", len(got), sum(got), got[:5])

    # A Condition: threads wait their turn, so the order is fixed.
    cond, turn, order = threading.Condition(), [0], []

    def in_turn(n):
        with cond:
            cond.wait_for(lambda: turn[0] == n)
            order.append(n)
            turn[0] += 1
            cond.notify_all()

    waiters = [threading.Thread(target=in_turn, args=(n,)) for n in reversed(range(5))]
    for t in waiters:
        t.start()
    for t in waiters:
        t.join()
    print("condition order", order)

    barrier, passed = threading.Barrier(3), []

    def at_barrier(n):
        index = barrier.wait()
        with lock:
            passed.append((n, index >= 0))

    ts = [threading.Thread(target=at_barrier, args=(n,)) for n in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("barrier", sorted(passed))

    with ThreadPoolExecutor(max_workers=4) as pool:
        digests = list(pool.map(lambda n: hashlib.sha1(str(n).encode()).hexdigest()[:8], range(8)))
    print("pool", digests)
    print("threads left", threading.active_count())


def check_subprocess():
    section("subprocess")
    done = subprocess.run(["/usr/bin/sort", "-r"], input=b"b\nc\na\n",
                          capture_output=True, check=True)
    print("sort -r", done.stdout, done.returncode)
    done = subprocess.run(["/usr/bin/dash", "-c", "echo out; echo err >&2; exit 5"],
                          capture_output=True)
    print("dash", done.stdout, done.stderr, done.returncode)


def main():
    print("python", sys.version_info[:3], "prefix", sys.prefix,
          "stdlib", os.path.dirname(os.__file__))
    check_mmap()
    check_json_re()
    check_hashlib()
    check_threading()
    check_subprocess()
    print("== done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
