"""Files from GDB: the inode cache, the buffer cache, ext2 directories, the
page cache.

Faultline has no dentry cache (fs/namei.c asks the filesystem for each path
component), so a file's name exists only in its directory's blocks. To turn
a path into an inode, or an inode back into a path, this module reads what
the kernel has in memory: ext2 directory blocks are in the buffer cache
(fs/buffer.c: bh_hash) and the inodes in the inode cache (fs/inode.c:
inode_hash). A name resolves if the kernel used it recently enough that
those are still cached (opening, executing or mapping a file does that);
otherwise the commands say which part was missing, and the file can still
be named by its inode number or a `struct inode *` expression. Nothing is
read from the disk image: it may be older than the kernel's caches.
"""

import struct

from . import kernel as k

EXT2_ROOT_INO = 2                  # include/fs/ext2.h
EXT2_NDIR_BLOCKS = 12
EXT2_IND_BLOCK = 12
S_IFMT, S_IFDIR = 0o170000, 0o040000
DIR_WALK_LIMIT = 4096              # directories visited looking for a name


def list_array_entries(array, type_name, member):
    """Entries of every list of an array of list_heads (a hash table),
    reading the heads in one go."""
    base = int(array.address)
    n = array.type.sizeof // 16
    heads = k.read(base, n * 16)
    off = k.offsetof(type_name, member)
    for i in range(n):
        node = struct.unpack_from("<Q", heads, 16 * i)[0]
        head = base + 16 * i
        count = 0
        while node not in (0, head):
            yield k.pointer(node - off, type_name)
            node = k.read_u64(node)
            count += 1
            if count > k.LIST_LIMIT:
                k.fail(f"hash chain at {head:#x} is endless")


# ---- superblocks and inodes ------------------------------------------------------

def root_sb():
    sb = k.symbol("the_root")
    if int(sb) == 0:
        k.fail("no root filesystem is mounted yet (continue past mount_root)")
    return sb


def sb_type(sb):
    return k.c_string(k.field(k.field(sb, "s_type"), "name"))


def sb_dev(sb):
    """st_dev of the files of sb as MAJOR:MINOR in hex: sb->s_dev decoded
    as include/fs/stat.h does, or (a kernel without s_dev) "fe:MM" for
    vdX and 00:0c without a block device, as fs/namei.c used to."""
    s_dev = k.field_or(sb, "s_dev")
    if s_dev is not None:
        dev = int(s_dev)
        major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff)
        minor = (dev & 0xff) | ((dev >> 12) & ~0xff)
        return f"{major:02x}:{minor:02x}"
    bdev = k.field(sb, "s_bdev")
    if int(bdev) == 0:
        return "00:0c"
    name = k.c_string(k.field(bdev, "name"))
    minor = 0
    if len(name) >= 3 and name.startswith("vd") and "a" <= name[2] <= "p":
        minor = (ord(name[2]) - ord("a")) * 16
    return f"fe:{minor:02x}"


def sb_describe(sb):
    bdev = k.field(sb, "s_bdev")
    dev = k.c_string(k.field(bdev, "name")) if int(bdev) else "no device"
    return f"{sb_type(sb)} on {dev}"


def cached_inodes():
    """Every inode in the inode cache (struct inode *)."""
    if not int(k.symbol("inode_hash_ready")):
        return
    yield from list_array_entries(k.symbol("inode_hash"), "struct inode",
                                  "i_hash")


def inode_index():
    """{(super_block address, inode number): struct inode *}."""
    return {(int(k.field(i, "i_sb")), int(k.field(i, "i_ino"))): i
            for i in cached_inodes()}


def is_dir(inode):
    return int(k.field(inode, "i_mode")) & S_IFMT == S_IFDIR


# ---- the buffer cache and ext2 directories ----------------------------------------

def buffer_index():
    """{(block_device address, block number, size): b_data address}."""
    out = {}
    for bh in list_array_entries(k.symbol("bh_hash"), "struct buffer_head",
                                 "b_hash"):
        out[(int(k.field(bh, "b_bdev")), int(k.field(bh, "b_blocknr")),
             int(k.field(bh, "b_size")))] = int(k.field(bh, "b_data"))
    return out


class Names:
    """Path <-> inode through the cached ext2 directories of the root
    filesystem and of the ext2 filesystems mounted on it (the program disk
    on /exec: fs/namespace.c, mounts). Built lazily, valid for one command
    (memory changes when the guest runs)."""

    def __init__(self):
        self.sb = root_sb()
        self.ext2 = sb_type(self.sb) == "ext2"
        self._inodes = None
        self._buffers = None
        self._paths = None
        self._mounts = None

    def inodes(self):
        if self._inodes is None:
            self._inodes = inode_index()
        return self._inodes

    def buffers(self):
        if self._buffers is None:
            self._buffers = buffer_index()
        return self._buffers

    def mounts(self):
        """{address of a covered directory inode: the super_block mounted
        on it}; empty for a kernel without mount points."""
        if self._mounts is None:
            self._mounts = {}
            try:
                for mnt in k.list_entries(k.symbol("mounts"), "struct vfsmount",
                                          "mnt_list"):
                    self._mounts[int(k.field(mnt, "mnt_mountpoint"))] = \
                        k.field(mnt, "mnt_sb")
            except k.Error:
                pass
        return self._mounts

    def cross(self, inode):
        """The root of what is mounted on inode, or inode itself, as the
        kernel's path walk does (follow_mount)."""
        for _ in range(8):
            sb = self.mounts().get(int(inode))
            if sb is None:
                break
            inode = k.field(sb, "s_root")
        return inode

    def block(self, blocknr, sb=None):
        sb = self.sb if sb is None else sb
        bs = int(k.field(sb, "s_blocksize"))
        data = self.buffers().get((int(k.field(sb, "s_bdev")), blocknr, bs))
        return None if data is None else k.read(data, bs)

    def dir_blocks(self, inode):
        """The disk blocks of a directory, in order; None for a block that
        could not be found (its indirect block is not cached)."""
        sb = k.field(inode, "i_sb")
        ei = k.container_of(inode, "struct ext2_inode_info", "vfs_inode")
        i_data = k.field(ei, "i_data")
        bs = int(k.field(sb, "s_blocksize"))
        nblocks = int(k.field(inode, "i_size")) // bs
        blocks = [int(i_data[i]) for i in range(min(nblocks, EXT2_NDIR_BLOCKS))]
        if nblocks > EXT2_NDIR_BLOCKS:
            ind = self.block(int(i_data[EXT2_IND_BLOCK]), sb)
            rest = nblocks - EXT2_NDIR_BLOCKS
            if ind is None:
                blocks += [None] * rest
            else:
                per = bs // 4
                blocks += list(struct.unpack_from(f"<{min(rest, per)}I", ind))
                blocks += [None] * max(0, rest - per)   # double indirect
        return blocks

    def entries(self, inode):
        """({name: inode number}, number of blocks not in the cache)."""
        sb = k.field(inode, "i_sb")
        if sb_type(sb) != "ext2":
            k.fail(f"that directory is on {sb_describe(sb)}: only ext2 "
                   f"directories can be read here")
        found, missing = {}, 0
        for blocknr in self.dir_blocks(inode):
            data = None if not blocknr else self.block(blocknr, sb)
            if data is None:
                missing += 1
                continue
            off = 0
            while off + 8 <= len(data):
                ino, rec_len, name_len, _ = struct.unpack_from("<IHBB", data, off)
                if rec_len < 8:
                    break               # corrupt: the kernel would say -EIO
                if ino:
                    name = data[off + 8:off + 8 + name_len]
                    found[name.decode("utf-8", "replace")] = ino
                off += rec_len
        return found, missing

    def lookup(self, path):
        """The cached struct inode * of an absolute path."""
        if not path.startswith("/"):
            k.fail(f"{path}: give an absolute path")
        inode = self.cross(k.field(self.sb, "s_root"))
        done = ""
        for comp in [c for c in path.split("/") if c and c != "."]:
            if not is_dir(inode):
                k.fail(f"{done or '/'} is not a directory")
            names, missing = self.entries(inode)
            if comp not in names and not missing:
                k.fail(f"{done}/{comp}: no such file or directory")
            if comp not in names:
                k.fail(f"cannot find '{comp}' in {done or '/'}: {missing} of "
                       f"its blocks are not in the buffer cache; name the "
                       f"file by its inode number or a struct inode * "
                       f"instead")
            done += "/" + comp
            ino = names[comp]
            sb = k.field(inode, "i_sb")
            inode = self.inodes().get((int(sb), ino))
            if inode is None:
                k.fail(f"{done} is inode {ino}, which is not in the inode "
                       f"cache (the kernel has not used it lately)")
            inode = self.cross(inode)
        return inode

    def path_of(self, inode):
        """The path of an inode of the root filesystem or of an ext2
        filesystem mounted on it, found through the cached directories;
        None if it cannot be found."""
        if not self.ext2 or sb_type(k.field(inode, "i_sb")) != "ext2":
            return None
        if self._paths is None:
            self._paths = self._walk()
        return self._paths.get((int(k.field(inode, "i_sb")),
                                int(k.field(inode, "i_ino"))))

    def _walk(self):
        """{(super_block address, inode number): path} of every name
        reachable from / through cached ext2 directories and the mounts
        on them (breadth first)."""
        root = k.field(self.sb, "s_root")
        paths = {(int(self.sb), EXT2_ROOT_INO): "/"}
        todo = [(root, "")]
        visited = 0
        while todo and visited < DIR_WALK_LIMIT:
            inode, prefix = todo.pop(0)
            visited += 1
            sb = int(k.field(inode, "i_sb"))
            names, _ = self.entries(inode)
            for name, ino in sorted(names.items()):
                if name in (".", "..") or (sb, ino) in paths:
                    continue
                path = f"{prefix}/{name}"
                paths[(sb, ino)] = path
                child = self.inodes().get((sb, ino))
                if child is None or not is_dir(child):
                    continue
                child = self.cross(child)
                csb = k.field(child, "i_sb")
                if sb_type(csb) != "ext2":
                    continue            # devfs, proc: no ext2 blocks to read
                paths.setdefault((int(csb), int(k.field(child, "i_ino"))), path)
                todo.append((child, path))
        return paths


def file_path(file, names):
    """The absolute path of an open file as /proc/PID/maps shows it
    (fs/namei.c: file_path): the name it was opened by (file->f_name),
    relative ones joined to their directory (f_name_dir) and "." and ".."
    resolved, " (deleted)" once unlinked. Falls back to a name found
    through the cached directories; None if neither works."""
    inode = k.field(file, "f_inode")
    name = k.field_or(file, "f_name")
    if name is None or int(name) == 0:
        return path_of(names, inode)
    text = k.c_string(name, 4096)
    if not text.startswith("/"):
        base = k.field_or(file, "f_name_dir")
        prefix = "/" if base is None or int(base) == 0 else path_of(names, base)
        if prefix is None:
            return path_of(names, inode)
        text = prefix + "/" + text
    parts = []
    for comp in text.split("/"):
        if comp == "..":
            if parts:
                parts.pop()
        elif comp not in ("", "."):
            parts.append(comp)
    path = "/" + "/".join(parts)
    if int(k.field(inode, "i_nlink")) == 0:
        path += " (deleted)"
    return path


def names_or_none():
    """A Names, or None before the root filesystem is mounted."""
    return Names() if int(k.symbol("the_root")) else None


def path_of(names, inode):
    """names.path_of(inode), or None if there is no Names or no path."""
    if names is None:
        return None
    try:
        return names.path_of(inode)
    except k.Error:
        return None


# ---- the page cache ----------------------------------------------------------------

def radix_layout():
    """(offset of slots, number of slots) in struct radix_node
    (mm/filemap.c); the tree has 64 slots a node."""
    found = k.find_field(k.lookup_type("struct radix_node"), "slots")
    if found is None:
        k.fail("struct radix_node has no field 'slots' (the page cache "
               "changed? update tools/gdb/faultline/fs.py)")
    return found[0] // 8, found[1].type.sizeof // 8


def cached_pages(mapping):
    """(index, struct page *) of every page of an address_space, in index
    order, walking its radix tree (page_tree, tree_height levels; a node at
    height 1 holds pages)."""
    root = int(k.field(mapping, "page_tree"))
    height = int(k.field(mapping, "tree_height"))
    if not root or not height:
        return
    off, nslots = radix_layout()
    shift = nslots.bit_length() - 1

    def visit(node, level, base):
        slots = struct.unpack(f"<{nslots}Q", k.read(node + off, 8 * nslots))
        for s, ptr in enumerate(slots):
            if not ptr:
                continue
            index = base | (s << (level * shift))
            if level == 0:
                yield index, k.pointer(ptr, "struct page")
            else:
                yield from visit(ptr, level - 1, index)

    yield from visit(root, height - 1, 0)


def mappings_with_pages():
    """Every address_space that has pages cached (mm/filemap.c:
    mapping_list, linked by cache_list)."""
    return k.list_entries(k.symbol("mapping_list"), "struct address_space",
                          "cache_list")


def describe_mapping(mapping, names=None):
    """'inode 13 /data/hello.txt (ext2 on vda)', or what owns a mapping
    without a host inode."""
    host = k.field(mapping, "host")
    if int(host) == 0:
        if k.field_or(mapping, "unevictable"):
            return "shared anonymous memory (shmem)"
        return f"address_space {int(mapping):#x} without a host inode"
    ino = int(k.field(host, "i_ino"))
    sb = k.field(host, "i_sb")
    path = path_of(names, host)
    where = sb_describe(sb) if int(sb) else "no filesystem"
    return f"inode {ino}{' ' + path if path else ''} ({where})"
