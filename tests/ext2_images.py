#!/usr/bin/env python3
"""Build the corrupted ext2 images the ext2_corrupt_* ktests mount.

    python3 tests/ext2_images.py OUTDIR

writes two small (8 MiB, 1 KiB-block) images:

  OUTDIR/ext2-badmagic.img   a valid ext2 image whose superblock magic is
                             zeroed: mounting it must fail with -EINVAL
                             (the harness attaches it as vdd);
  OUTDIR/ext2-corrupt.img    a valid image with two planted faults (vde):
                             /badblock, a 1 KiB file whose i_block[0] points
                             past the end of the device (set with debugfs),
                             and /baddir, a directory holding one file
                             "x", whose first entry (".") has rec_len 3
                             (patched in place), and /neverwritten, an
                             entry whose inode is zeroed and free (what a
                             power cut leaves when the directory block
                             reached the disk and the new inode did not).
                             Reading /badblock, looking up or listing
                             anything in /baddir, and looking up
                             /neverwritten must give -EIO, never a panic;
                             the last is reported once a mount.

Each image is checked after it is built (the faults are where they should
be, and the rest is intact), so a change in e2fsprogs that breaks the
recipe fails here rather than as a puzzling ktest result.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile

IMAGE_SIZE = "8M"
BLOCK_SIZE = 1024
SUPER_OFFSET = 1024
MAGIC_OFFSET = SUPER_OFFSET + 56        # s_magic in struct ext2_super_block
EXT2_MAGIC = 0xEF53
BAD_BLOCK = 999999999                   # far past the end of an 8 MiB image


def run(*args):
    """Run an e2fsprogs tool; return its stdout, fail loudly on error."""
    env = dict(os.environ, PATH=os.environ.get("PATH", "") + ":/sbin:/usr/sbin")
    res = subprocess.run(args, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        sys.exit(f"ext2_images: {' '.join(args)} failed ({res.returncode}):\n"
                 f"{res.stdout}{res.stderr}")
    return res.stdout


def mke2fs(path, staging=None):
    args = ["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(BLOCK_SIZE)]
    if staging:
        args += ["-d", staging]
    run(*args, path, IMAGE_SIZE)


def debugfs(path, request, write=False):
    return run("debugfs", *(["-w"] if write else []), "-R", request, path)


def make_badmagic(path):
    mke2fs(path)
    with open(path, "r+b") as f:
        f.seek(MAGIC_OFFSET)
        (magic,) = struct.unpack("<H", f.read(2))
        if magic != EXT2_MAGIC:
            sys.exit(f"ext2_images: {path}: unexpected magic {magic:#x}")
        f.seek(MAGIC_OFFSET)
        f.write(b"\0\0")


def first_block_of(path, name):
    """The disk block holding file block 0 of @name, via debugfs bmap."""
    out = debugfs(path, f"bmap {name} 0").strip().splitlines()
    block = int(out[-1])
    if block <= 0:
        sys.exit(f"ext2_images: {path}: {name} has no block 0")
    return block


def corrupt_dir_rec_len(path, block):
    """Set rec_len of the first entry (".") of directory block @block to 3."""
    with open(path, "r+b") as f:
        f.seek(block * BLOCK_SIZE)
        inode, rec_len, name_len = struct.unpack("<IHB", f.read(7))
        name = f.read(1 + name_len)[1:]
        if name != b"." or rec_len != 12:
            sys.exit(f"ext2_images: block {block} does not start with \".\" "
                     f"(name {name!r}, rec_len {rec_len})")
        f.seek(block * BLOCK_SIZE + 4)
        f.write(struct.pack("<H", 3))


def make_corrupt(path):
    staging = tempfile.mkdtemp(prefix="ext2-corrupt-")
    try:
        with open(os.path.join(staging, "badblock"), "wb") as f:
            f.write(b"B" * BLOCK_SIZE)
        os.mkdir(os.path.join(staging, "baddir"))
        with open(os.path.join(staging, "baddir", "x"), "wb") as f:
            f.write(b"x\n")
        open(os.path.join(staging, "neverwritten"), "wb").close()    # no blocks
        mke2fs(path, staging)
    finally:
        shutil.rmtree(staging)
    debugfs(path, f"sif /badblock block[0] {BAD_BLOCK}", write=True)
    stat = debugfs(path, "stat /badblock")
    if f"(0):{BAD_BLOCK}" not in stat.replace(" ", ""):
        sys.exit(f"ext2_images: {path}: /badblock block[0] not set:\n{stat}")
    corrupt_dir_rec_len(path, first_block_of(path, "/baddir"))
    # The inode as a power cut leaves a never-written one: all zeros, free
    # in the bitmap; only its directory entry is on the disk.
    debugfs(path, "clri /neverwritten", write=True)
    debugfs(path, "freei /neverwritten", write=True)
    stat = debugfs(path, "stat /neverwritten")
    if "Links: 0" not in stat:
        sys.exit(f"ext2_images: {path}: /neverwritten's inode not cleared:\n{stat}")


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} OUTDIR")
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    make_badmagic(os.path.join(outdir, "ext2-badmagic.img"))
    make_corrupt(os.path.join(outdir, "ext2-corrupt.img"))


if __name__ == "__main__":
    main()
