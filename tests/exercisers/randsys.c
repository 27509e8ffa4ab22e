/*
 * randsys - an outside examiner's random system-call exerciser.
 *
 *   randsys [-v] [SEED [COUNT]]        (defaults: seed 1, 4000 calls)
 *
 * A seeded PRNG picks COUNT calls among the Linux x86-64 system calls a
 * small kernel is expected to implement, with arguments drawn from pools
 * that mix good values (files, directories, pipes, mapped pages made
 * here) with bad ones (closed or huge fds, NULL and kernel pointers,
 * unknown flag bits, negative sizes, unaligned addresses). Every result
 * is reduced to something both kernels must agree on: an errno name, or
 * the value when it is deterministic (byte counts, fd numbers, file
 * contents, stat fields that do not depend on the filesystem's layout),
 * or "ok" when the value is the machine's (times, pids, addresses).
 *
 * It prints, per call name, how often each result came up, and a
 * checksum of the whole sequence. With -v it prints every call first,
 * so that two runs can be diffed to the first call where they part.
 *
 * Kept away from on purpose (they would end the run, or reach beyond
 * it): exit, exit_group, reboot, kill/tgkill of anyone but itself,
 * kill(0 or -1) with a real signal, vfork, setuid/setgid to non-root,
 * stdin/stdout/stderr (fds 0-2 are never in the fd pools), chdir
 * outside its scratch directory, MAP_FIXED outside its arena, blocking
 * reads (pipes are always non-blocking), SA_RESETHAND and SA_ONSTACK,
 * SIG_DFL for signals it sends itself, and blocking SIGSEGV/SIGBUS,
 * which it catches to probe memory. Pipes and sockets are the only
 * non-regular files it makes.
 *
 * Things that differ between kernels by design are avoided too, each
 * marked "not compared:" below with the reason.
 *
 * The work runs in a forked child, which therefore leads no process group
 * or session on either kernel; the parent waits and reports its status.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PG          4096UL
#define ARENA_PAGES 64         /* where addresses are picked */
#define ARENA_SPAN  (ARENA_PAGES + 16)  /* mapped: room for the longest length */
#define KERNEL_PTR  ((void *)0xffff800000000000UL)
#define FD_LIMIT    64
#define MAX_OPS     128

/* ---- the PRNG (splitmix64) -------------------------------------------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned long rn(unsigned long n)
{
	return n ? rnd() % n : 0;
}

#define PICK(arr) ((arr)[rn(sizeof(arr) / sizeof((arr)[0]))])

/* ---- results ------------------------------------------------------------------------------ */

static uint64_t checksum = 0xcbf29ce484222325ULL;
static int verbose;
static unsigned long call_no;

static void hash_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		checksum ^= b[i];
		checksum *= 0x100000001b3ULL;
	}
}

static uint64_t fnv(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Per call name: the results seen and how often. */
struct tally {
	char name[24];
	int nres;
	struct { char res[40]; unsigned long n; } r[24];
};
static struct tally tallies[MAX_OPS];
static int ntallies;

static void tally(const char *name, const char *res)
{
	struct tally *t = NULL;

	for (int i = 0; i < ntallies; i++)
		if (!strcmp(tallies[i].name, name))
			t = &tallies[i];
	if (!t) {
		if (ntallies == MAX_OPS)
			return;
		t = &tallies[ntallies++];
		snprintf(t->name, sizeof(t->name), "%s", name);
	}
	for (int i = 0; i < t->nres; i++) {
		if (!strcmp(t->r[i].res, res)) {
			t->r[i].n++;
			return;
		}
	}
	if (t->nres < 24) {
		snprintf(t->r[t->nres].res, sizeof(t->r[0].res), "%s", res);
		t->r[t->nres++].n = 1;
	} else {
		t->r[23].n++;           /* "(more)" bucket: the last one */
	}
}

static const char *errname(int e)
{
	static const struct { int e; const char *n; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
		{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" },
		{ EBADF, "EBADF" }, { ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ EXDEV, "EXDEV" }, { ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
		{ EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" }, { ESPIPE, "ESPIPE" }, { EROFS, "EROFS" },
		{ EMLINK, "EMLINK" }, { EPIPE, "EPIPE" }, { ERANGE, "ERANGE" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" },
		{ ELOOP, "ELOOP" }, { EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ ETXTBSY, "ETXTBSY" },
	};
	static char buf[16];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].n;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* The call being made: its name, a description of its arguments. */
static char cur_name[24];
static char cur_args[160];

#define DESC(...) snprintf(cur_args, sizeof(cur_args), __VA_ARGS__)

/* Record the result of the current call. */
static void res_str(const char *res)
{
	char line[256];

	if (verbose)
		printf("%lu %s(%s) = %s\n", call_no, cur_name, cur_args, res);
	snprintf(line, sizeof(line), "%lu %s %s", call_no, cur_name, res);
	hash_bytes(line, strlen(line));
	tally(cur_name, res);
}

/* r: a raw syscall() result; show: print the value itself on success. */
static void res(long r, int show)
{
	char buf[48];

	if (r == -1)
		snprintf(buf, sizeof(buf), "%s", errname(errno));
	else if (show)
		snprintf(buf, sizeof(buf), "%ld", r);
	else
		snprintf(buf, sizeof(buf), "ok");
	res_str(buf);
}

/* A success whose detail is a hash (file data, stat fields, ...). */
static void res_hash(long r, uint64_t h)
{
	char buf[48];

	if (r == -1)
		snprintf(buf, sizeof(buf), "%s", errname(errno));
	else
		snprintf(buf, sizeof(buf), "%ld#%04x", r, (unsigned)(h & 0xffff));
	res_str(buf);
}

/* ---- the world the calls act on ---------------------------------------------------- */

static char home[512];          /* the scratch directory, absolute */
static size_t home_len;
static char *arena;             /* ARENA_PAGES pages: the only MAP_FIXED target */
static char *badpage;           /* unmapped */
static unsigned long brk0;      /* the break at start */
static pid_t self_pid, parent_pid;
static char *databuf;           /* 128 KiB for reads and writes */
static char longname[300];

/* Path pools. "names" may include the directory entries of "." and the
 * root, which every call must refuse or leave alone; "opens" are what may
 * become an fd or the cwd (never outside the scratch tree). */
static const char *const open_paths[] = {
	"a", "b", "c", "d", "d/e", "d/f", "d/e/g", "x", "a/x", "d/..", ".", "",
	"nonexistent/x", longname, NULL, (const char *)KERNEL_PTR,
};
static const char *const name_paths[] = {
	"a", "b", "c", "d", "d/e", "d/f", "d/e/g", "x", "a/x", "d/..", ".", "..",
	"/", "", "d/", "a/", "nonexistent/x", longname, NULL, (const char *)KERNEL_PTR,
};

static const char *path_name(const char *p)
{
	if (!p)
		return "NULL";
	if (p == (const char *)KERNEL_PTR)
		return "KERNEL";
	if (p == longname)
		return "LONG";
	return p;
}

static int pick_fd(void)
{
	static const int extra[] = { -1, 1000, FD_LIMIT, 0x7fffffff };

	if (rn(8) == 0)
		return PICK(extra);
	return 3 + (int)rn(30);
}

/* A buffer pointer from the pool: mostly good. */
static void *pick_buf(int *kind)
{
	unsigned long k = rn(12);

	*kind = 0;
	if (k < 9)
		return databuf;
	*kind = (int)k - 8;
	return k == 9 ? NULL : k == 10 ? KERNEL_PTR : badpage;
}

static const char *buf_name(int kind)
{
	static const char *const n[] = { "buf", "NULL", "KERNEL", "UNMAPPED" };

	return n[kind];
}

static size_t pick_len(void)
{
	static const size_t lens[] = { 0, 1, 7, 100, 4095, 4096, 5000, 65536, 70000, 131072 };

	return PICK(lens);
}

/* Fill n bytes of the data buffer with letters (never "#!" or ELF). */
static void fill_data(size_t n)
{
	for (size_t i = 0; i < n; i++)
		databuf[i] = (char)('a' + rn(26));
}

/* What an fd is now: 'r'egular, 'd'irectory, 'p'ipe, '-' closed. */
static char fd_kind(int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0)
		return '-';
	return S_ISREG(st.st_mode) ? 'r' : S_ISDIR(st.st_mode) ? 'd' :
	       S_ISFIFO(st.st_mode) ? 'p' : '?';
}

/* ---- signals: counted handlers, and memory probes ------------------------------------ */

static volatile sig_atomic_t usr_count[2];
static sigjmp_buf probe_jmp;
static volatile sig_atomic_t probing;
static volatile int probe_sig, probe_code;

/* Our own restorer, so raw rt_sigaction can install handlers. */
extern void rs_restore(void);
__asm__(".text\n.globl rs_restore\nrs_restore:\n\tmov $15, %rax\n\tsyscall\n\thlt\n");

struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

#define SA_RESTORER_ 0x04000000UL

static void on_usr(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	usr_count[sig == SIGUSR2]++;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!probing) {
		/* A fault outside a probe: say where we were, then die of it. */
		static const char msg[] = "randsys: unexpected fault\n";

		write(2, msg, sizeof(msg) - 1);
		signal(sig, SIG_DFL);
		return;
	}
	probe_sig = sig;
	probe_code = si->si_code;
	siglongjmp(probe_jmp, 1);
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), unsigned long flags)
{
	struct ksigaction ka = { (void *)fn, flags | SA_SIGINFO | SA_RESTORER_, rs_restore, 0 };

	if (syscall(SYS_rt_sigaction, sig, &ka, NULL, 8)) {
		perror("rt_sigaction");
		exit(1);
	}
}

/* What each signal we play with is set to (so we know what sending it does). */
enum disp { D_DFL, D_IGN, D_HANDLER };
static enum disp disp_of[65];

/* ---- the calls ------------------------------------------------------------------------------- */

static void c_open(void)
{
	static const int acc[] = { O_RDONLY, O_WRONLY, O_RDWR, 3 };
	static const int bits[] = { O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_CLOEXEC,
				    O_NONBLOCK, O_NOFOLLOW, O_NOCTTY, O_DSYNC };
	const char *p = PICK(open_paths);
	int flags = PICK(acc), mode = (int)rn(010000), at = (int)rn(3);
	long r;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (rn(4) == 0)
			flags |= bits[i];
	if (at == 0) {
		DESC("%s, 0x%x, 0%o", path_name(p), flags, mode);
		r = syscall(SYS_open, p, flags, mode);
	} else if (at == 1) {
		DESC("AT_FDCWD, %s, 0x%x, 0%o", path_name(p), flags, mode);
		r = syscall(SYS_openat, AT_FDCWD, p, flags, mode);
	} else {
		int dfd = pick_fd();

		DESC("%d, %s, 0x%x, 0%o", dfd, path_name(p), flags, mode);
		r = syscall(SYS_openat, dfd, p, flags, mode);
	}
	res(r, 1);
}

static void c_creat(void)
{
	const char *p = PICK(open_paths);
	int mode = (int)rn(010000);

	DESC("%s, 0%o", path_name(p), mode);
	res(syscall(SYS_creat, p, mode), 1);
}

static void c_close(void)
{
	int fd = pick_fd();

	DESC("%d", fd);
	res(syscall(SYS_close, fd), 1);
}

static void c_read(void)
{
	int fd = pick_fd(), kind, how = (int)rn(3);
	void *b = pick_buf(&kind);
	size_t n = pick_len();
	long off = (long)rn(9000) - 10;
	char k = fd_kind(fd);
	long r;

	memset(databuf, 0, n);
	/* A directory's position may be an ext4 hash cookie near 2^63, which
	 * a read's range check refuses (EINVAL) on the host: start at 0. */
	if (k == 'd')
		lseek(fd, 0, SEEK_SET);
	if (how == 0) {
		DESC("%d(%c), %s, %zu", fd, k, buf_name(kind), n);
		strcpy(cur_name, "read");
		r = syscall(SYS_read, fd, b, n);
	} else if (how == 1) {
		DESC("%d(%c), %s, %zu, %ld", fd, k, buf_name(kind), n, off);
		strcpy(cur_name, "pread64");
		r = syscall(SYS_pread64, fd, b, n, off);
	} else {
		struct iovec iov[2] = { { b, n / 2 }, { databuf + 65536, n - n / 2 } };

		DESC("%d(%c), {%s,%zu}+{buf,%zu}", fd, k, buf_name(kind), n / 2, n - n / 2);
		strcpy(cur_name, "readv");
		r = syscall(SYS_readv, fd, iov, 2);
		if (r > 0 && kind == 0 && (size_t)r > n / 2)
			memmove(databuf + n / 2, databuf + 65536, (size_t)r - n / 2);
	}
	res_hash(r, r > 0 && kind == 0 ? fnv(databuf, (size_t)r) : 0);
}

static void c_write(void)
{
	int fd = pick_fd(), kind, how = (int)rn(3);
	void *b = pick_buf(&kind);
	size_t n = pick_len();
	long off = (long)rn(200000) - 10;
	char k = fd_kind(fd);
	long r;

	fill_data(n > 65536 ? 65536 : n);
	/* not compared: the file size after a write past EOF from a bad
	 * buffer (ext4 on the host may leave it at the write's offset); such
	 * writes go to offset 0 of files, where they cannot extend anything */
	if (kind && k != 'p') {
		how = 1;
		off = 0;
	}
	if (how == 0) {
		DESC("%d(%c), %s, %zu", fd, k, buf_name(kind), n);
		strcpy(cur_name, "write");
		r = syscall(SYS_write, fd, b, n);
	} else if (how == 1) {
		DESC("%d(%c), %s, %zu, %ld", fd, k, buf_name(kind), n, off);
		strcpy(cur_name, "pwrite64");
		r = syscall(SYS_pwrite64, fd, b, n, off);
	} else {
		struct iovec iov[2] = { { b, n / 2 }, { databuf, n - n / 2 } };

		DESC("%d(%c), {%s,%zu}+{buf,%zu}", fd, k, buf_name(kind), n / 2, n - n / 2);
		strcpy(cur_name, "writev");
		r = syscall(SYS_writev, fd, iov, rn(8) ? 2 : 1025);
	}
	res(r, 1);
}

static void c_lseek(void)
{
	/* not compared: SEEK_DATA/SEEK_HOLE (Faultline reports no holes) */
	static const long offs[] = { 0, 1, 100, 4096, 100000, -1, -100000 };
	int fd = pick_fd(), whence = (int)rn(4);
	long off = PICK(offs);
	char k = fd_kind(fd);
	long r;

	if (whence == 3)
		whence = 7;             /* invalid */
	/* not compared: seeking a directory anywhere but its start (the
	 * offsets are filesystem cookies: ext4's hashes, ext2's bytes) */
	if (k == 'd' && whence != 7) {
		whence = SEEK_SET;
		off = 0;
	}
	DESC("%d(%c), %ld, %d", fd, k, off, whence);
	r = syscall(SYS_lseek, fd, off, whence);
	/* A directory's offsets are filesystem cookies. */
	res(r, k != 'd');
}

/* The parts of a stat both kernels must agree on. */
static uint64_t stat_hash(const struct stat *st)
{
	uint64_t v[3] = { st->st_mode, st->st_nlink, 0 };

	if (S_ISREG(st->st_mode))
		v[2] = (uint64_t)st->st_size;
	return fnv(v, sizeof(v));
}

static void c_stat(void)
{
	/* not compared: "..", "/" (the host's), st_ino, st_dev, times, blocks,
	 * and a directory's size (ext2 and ext4 lay directories out
	 * differently) */
	static const char *const paths[] = { "a", "b", "c", "d", "d/e", "d/f", "x", "a/x", ".",
					     "", "d/", "a/", "d/..", longname };
	struct stat st;
	int how = (int)rn(5), kind = 0;
	const char *p = PICK(paths);
	void *b = rn(10) ? (void *)&st : pick_buf(&kind);
	long r;

	if (kind == 0 && b != (void *)&st)
		b = &st;
	memset(&st, 0, sizeof(st));
	switch (how) {
	case 0:
		strcpy(cur_name, "stat");
		DESC("%s, %s", path_name(p), b == &st ? "st" : buf_name(kind));
		r = syscall(SYS_stat, p, b);
		break;
	case 1:
		strcpy(cur_name, "lstat");
		DESC("%s, %s", path_name(p), b == &st ? "st" : buf_name(kind));
		r = syscall(SYS_lstat, p, b);
		break;
	case 2: {
		int fd = pick_fd();

		strcpy(cur_name, "fstat");
		DESC("%d", fd);
		r = syscall(SYS_fstat, fd, b);
		/* not compared: the fstat of a pipe (its fields are the pipefs
		 * inode's) beyond the type */
		if (r == 0 && S_ISFIFO(st.st_mode))
			st.st_nlink = 1;
		break;
	}
	default: {
		static const int flags[] = { 0, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, 0x8000, 0x2 };
		int dfd = rn(2) ? AT_FDCWD : pick_fd(), fl = PICK(flags);

		strcpy(cur_name, "newfstatat");
		DESC("%d, %s, 0x%x", dfd, path_name(p), fl);
		r = syscall(SYS_newfstatat, dfd, p, b, fl);
		if (r == 0 && S_ISFIFO(st.st_mode))
			st.st_nlink = 1;
		break;
	}
	}
	res_hash(r, r == 0 ? stat_hash(&st) : 0);
}

static void c_getdents(void)
{
	static const size_t sizes[] = { 0, 1, 16, 23, 24, 64, 4096, 32768 };
	int fd = pick_fd(), kind = 0;
	size_t n = PICK(sizes);
	void *b = rn(8) ? databuf : pick_buf(&kind);
	char k = fd_kind(fd);
	long r;

	if (k == 'd')
		lseek(fd, 0, SEEK_SET);
	DESC("%d(%c), %s, %zu", fd, k, b == databuf ? "buf" : buf_name(kind), n);
	r = syscall(SYS_getdents64, fd, b, n);
	if (r > 0 && n >= 4096 && b == databuf) {
		/* The names, in sorted order (the order is the filesystem's). */
		char names[64][64];
		int cnt = 0;
		uint64_t h = 0;

		for (long off = 0; off < r && cnt < 64;) {
			struct dirent64 *d = (struct dirent64 *)(databuf + off);

			snprintf(names[cnt++], 64, "%.63s", d->d_name);
			off += d->d_reclen;
		}
		qsort(names, (size_t)cnt, 64, (int (*)(const void *, const void *))strcmp);
		for (int i = 0; i < cnt; i++)
			h = h * 31 + fnv(names[i], strlen(names[i]));
		res_hash(r, h);
	} else {
		res(r, 0);
	}
}

/* Was the cwd removed? (Asked without recording a call.) */
static int cwd_is_dead(void)
{
	struct stat st;

	return stat(".", &st) == 0 && st.st_nlink == 0;
}

static void c_names(void)
{
	const char *p = PICK(name_paths), *q = PICK(name_paths);
	int op = (int)rn(12);
	long r;

	/* not compared: ".." from a removed cwd (Linux's dentry still knows
	 * its parent; a kernel without a dentry cache says ENOENT) */
	if (cwd_is_dead() && ((p && p != (const char *)KERNEL_PTR && !strcmp(p, "..")) ||
			      (q && q != (const char *)KERNEL_PTR && !strcmp(q, "..")))) {
		DESC("..");
		res_str("skipped");
		return;
	}

	switch (op) {
	case 0:
		strcpy(cur_name, "mkdir");
		DESC("%s", path_name(p));
		r = syscall(SYS_mkdir, p, (int)rn(01000));
		break;
	case 1:
		strcpy(cur_name, "mkdirat");
		DESC("AT_FDCWD, %s", path_name(p));
		r = syscall(SYS_mkdirat, AT_FDCWD, p, (int)rn(01000));
		break;
	case 2:
		strcpy(cur_name, "rmdir");
		DESC("%s", path_name(p));
		r = syscall(SYS_rmdir, p);
		break;
	case 3:
		strcpy(cur_name, "unlink");
		DESC("%s", path_name(p));
		r = syscall(SYS_unlink, p);
		break;
	case 4: {
		static const int fl[] = { 0, AT_REMOVEDIR, 0x1, AT_REMOVEDIR | 0x1 };
		int f = PICK(fl);

		strcpy(cur_name, "unlinkat");
		DESC("AT_FDCWD, %s, 0x%x", path_name(p), f);
		r = syscall(SYS_unlinkat, AT_FDCWD, p, f);
		break;
	}
	case 5:
		strcpy(cur_name, "rename");
		DESC("%s, %s", path_name(p), path_name(q));
		r = syscall(SYS_rename, p, q);
		break;
	case 6:
		strcpy(cur_name, "renameat");
		DESC("AT_FDCWD, %s, AT_FDCWD, %s", path_name(p), path_name(q));
		r = syscall(SYS_renameat, AT_FDCWD, p, AT_FDCWD, q);
		break;
	case 7: {
		/* not compared: RENAME_NOREPLACE/EXCHANGE (Faultline refuses them) */
		static const int fl[] = { 0, 0, 0x8, 0x100 };
		int f = PICK(fl);

		strcpy(cur_name, "renameat2");
		DESC("AT_FDCWD, %s, AT_FDCWD, %s, 0x%x", path_name(p), path_name(q), f);
		r = syscall(SYS_renameat2, AT_FDCWD, p, AT_FDCWD, q, f);
		break;
	}
	case 8:
		strcpy(cur_name, "link");
		DESC("%s, %s", path_name(p), path_name(q));
		r = syscall(SYS_link, p, q);
		break;
	case 9: {
		static const int fl[] = { 0, AT_SYMLINK_FOLLOW, 0x1 };
		int f = PICK(fl);

		strcpy(cur_name, "linkat");
		DESC("AT_FDCWD, %s, AT_FDCWD, %s, 0x%x", path_name(p), path_name(q), f);
		r = syscall(SYS_linkat, AT_FDCWD, p, AT_FDCWD, q, f);
		break;
	}
	case 10: {
		static const long lens[] = { 0, 1, 4096, 5000, 200000, -1 };
		long len = PICK(lens);

		strcpy(cur_name, "truncate");
		DESC("%s, %ld", path_name(p), len);
		r = syscall(SYS_truncate, p, len);
		break;
	}
	default: {
		static const int modes[] = { F_OK, R_OK, W_OK, X_OK, R_OK | W_OK, 8 };
		static const int fl[] = { 0, AT_EACCESS, AT_SYMLINK_NOFOLLOW, 0x1 };
		int m = PICK(modes), how = (int)rn(3), f = PICK(fl);

		if (how == 0) {
			strcpy(cur_name, "access");
			DESC("%s, %d", path_name(p), m);
			r = syscall(SYS_access, p, m);
		} else if (how == 1) {
			strcpy(cur_name, "faccessat");
			DESC("AT_FDCWD, %s, %d", path_name(p), m);
			r = syscall(SYS_faccessat, AT_FDCWD, p, m);
		} else {
			strcpy(cur_name, "faccessat2");
			DESC("AT_FDCWD, %s, %d, 0x%x", path_name(p), m, f);
			r = syscall(SYS_faccessat2, AT_FDCWD, p, m, f);
		}
		break;
	}
	}
	res(r, 1);
}

static void c_ftruncate_sync(void)
{
	static const long lens[] = { 0, 1, 4096, 5000, 200000, -1 };
	int fd = pick_fd(), op = (int)rn(6);
	char k = fd_kind(fd);
	long r;

	if (op < 3) {
		long len = PICK(lens);

		strcpy(cur_name, "ftruncate");
		DESC("%d(%c), %ld", fd, k, len);
		r = syscall(SYS_ftruncate, fd, len);
	} else if (op == 3) {
		strcpy(cur_name, "fsync");
		DESC("%d(%c)", fd, k);
		r = syscall(SYS_fsync, fd);
	} else if (op == 4) {
		strcpy(cur_name, "fdatasync");
		DESC("%d(%c)", fd, k);
		r = syscall(SYS_fdatasync, fd);
	} else {
		strcpy(cur_name, "sync");
		DESC(" ");
		r = rn(8) ? 0 : syscall(SYS_sync);  /* rarely: it is slow on a busy host */
	}
	res(r, 1);
}

static void c_dup(void)
{
	int fd = pick_fd(), nfd = pick_fd(), op = (int)rn(3);
	long r;

	if (op == 0) {
		strcpy(cur_name, "dup");
		DESC("%d", fd);
		r = syscall(SYS_dup, fd);
	} else if (op == 1) {
		strcpy(cur_name, "dup2");
		DESC("%d, %d", fd, nfd);
		r = syscall(SYS_dup2, fd, nfd);
	} else {
		static const int fl[] = { 0, O_CLOEXEC, O_NONBLOCK };
		int f = PICK(fl);

		strcpy(cur_name, "dup3");
		DESC("%d, %d, 0x%x", fd, nfd, f);
		r = syscall(SYS_dup3, fd, nfd, f);
	}
	res(r, 1);
}

static void c_fcntl(void)
{
	/* not compared: the lock commands (F_GETLK...), not in the kernel under test */
	static const int cmds[] = { F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, 1234 };
	static const long args[] = { 0, 1, 3, 10, 63, 64, 1000, -1 };
	int fd = pick_fd(), cmd = PICK(cmds);
	long arg = PICK(args);
	char k = fd_kind(fd);
	long r;

	if (cmd == F_SETFL)
		arg = (long)(rn(2) ? O_APPEND : 0) | O_NONBLOCK | (long)(rn(2) ? O_RDWR : 0);
	if (cmd == F_SETFD)
		arg = (long)rn(3);
	DESC("%d(%c), %d, %ld", fd, k, cmd, arg);
	r = syscall(SYS_fcntl, fd, cmd, arg);
	res(r, 1);
}

static void c_pipe(void)
{
	/* Always O_NONBLOCK: a read of an empty pipe must not block the run. */
	/* not compared: O_DIRECT (packet-mode pipes, which the kernel under
	 * test refuses with EINVAL: docs/syscalls.md) */
	static const int fl[] = { 0, O_CLOEXEC, 0x1 };
	int p[2] = { -1, -1 }, kind = 0;
	int f = PICK(fl) | O_NONBLOCK, how = (int)rn(4);
	void *b = rn(10) ? (void *)p : pick_buf(&kind);
	long r;

	if (kind == 0)
		b = p;
	if (how == 0) {
		strcpy(cur_name, "pipe");
		DESC("%s", b == p ? "fds" : buf_name(kind));
		r = syscall(SYS_pipe, b);
		if (r == 0)
			fcntl(p[0], F_SETFL, O_NONBLOCK), fcntl(p[1], F_SETFL, O_NONBLOCK);
	} else {
		strcpy(cur_name, "pipe2");
		DESC("%s, 0x%x", b == p ? "fds" : buf_name(kind), f);
		r = syscall(SYS_pipe2, b, f);
	}
	res_hash(r, r == 0 ? (uint64_t)(p[0] * 100 + p[1]) : 0);
}

static void c_ioctl(void)
{
	/* not compared: terminal ioctls on the console (fds 0-2 are not used) */
	static const unsigned long cmds[] = { FIONREAD, FIONBIO, FIOCLEX, FIONCLEX, TCGETS,
					      TIOCGWINSZ, 0x5401 + 99 };
	int fd = pick_fd(), one = 1, kind = 0;
	unsigned long cmd = PICK(cmds);
	int *arg = rn(10) ? (int *)databuf : (int *)pick_buf(&kind);
	char k = fd_kind(fd);
	long r;

	if (kind == 0)
		arg = (int *)databuf;
	if (cmd == FIONBIO && kind == 0)
		arg = &one;             /* never clear O_NONBLOCK */
	memset(databuf, 0, 64);
	DESC("%d(%c), 0x%lx, %s", fd, k, cmd, kind ? buf_name(kind) : "buf");
	r = syscall(SYS_ioctl, fd, cmd, arg);
	res_hash(r, r == 0 && cmd == FIONREAD && kind == 0 ? (uint64_t)*(int *)databuf : 0);
}

static void c_cwd(void)
{
	static const char *const dirs[] = { "d", "d/e", "a", "x", "nonexistent", "", ".", "d/.." };
	int op = (int)rn(4);
	long r;

	if (op == 0) {
		const char *p = rn(4) ? PICK(dirs) : home;

		strcpy(cur_name, "chdir");
		DESC("%s", p == home ? "HOME" : p);
		r = syscall(SYS_chdir, p);
		res(r, 1);
	} else if (op == 1) {
		int fd = pick_fd();

		strcpy(cur_name, "fchdir");
		DESC("%d(%c)", fd, fd_kind(fd));
		r = syscall(SYS_fchdir, fd);
		res(r, 1);
	} else {
		static const size_t sizes[] = { 0, 1, 10, 4096, 4096, 4096 };
		size_t n = PICK(sizes);
		char res_buf[80];

		strcpy(cur_name, "getcwd");
		DESC("buf, %zu", n);
		r = syscall(SYS_getcwd, databuf, n);
		if (r > 0 && !strncmp(databuf, home, home_len)) {
			/* The path below HOME, and the length relative to it. */
			snprintf(res_buf, sizeof(res_buf), "HOME%.40s/%ld", databuf + home_len,
				 r - (long)home_len);
			res_str(res_buf);
		} else {
			res(r, 0);
		}
	}
}

static void c_umask(void)
{
	int m = (int)rn(01000);

	DESC("0%o", m);
	res(syscall(SYS_umask, m), 1);
}

/* ---- memory ------------------------------------------------------------------------------ */

static const char *addr_name(void *a, char *buf, size_t n)
{
	if (!a)
		return "NULL";
	if (a == KERNEL_PTR)
		return "KERNEL";
	if ((char *)a >= arena && (char *)a < arena + ARENA_SPAN * PG) {
		snprintf(buf, n, "A+0x%lx", (unsigned long)((char *)a - arena));
		return buf;
	}
	return "ELSEWHERE";
}

static void *pick_arena_addr(void)
{
	unsigned long k = rn(20);

	if (k == 0)
		return NULL;
	if (k == 1)
		return KERNEL_PTR;
	if (k == 2)
		return arena + rn(ARENA_PAGES) * PG + 1;        /* unaligned */
	return arena + rn(ARENA_PAGES) * PG;
}

static size_t pick_map_len(void)
{
	static const size_t lens[] = { 0, 1, PG, 2 * PG, 3 * PG, 8 * PG, 16 * PG };

	return PICK(lens);
}

/* Unmap whatever a call mapped outside the arena, so nothing piles up. */
static void drop_elsewhere(long r, size_t len)
{
	char *p = (char *)r;

	if (r != -1 && (p < arena || p >= arena + ARENA_SPAN * PG))
		munmap(p, len);
}

static void c_mmap(void)
{
	static const int types[] = { MAP_PRIVATE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE, 0 };
	static const int bits[] = { MAP_ANONYMOUS, MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE,
				    MAP_POPULATE, MAP_NORESERVE, 0x400 };
	static const long offs[] = { 0, 0, 4096, 1, 1L << 40 };
	void *a = rn(3) ? pick_arena_addr() : NULL;
	size_t len = pick_map_len();
	int prot = (int)rn(8) | (rn(16) ? 0 : 0x100), flags = PICK(types);
	int fd = rn(2) ? -1 : pick_fd();
	long off = PICK(offs), r;
	char ab[32], rb[32], out[80];

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (rn(3) == 0)
			flags |= bits[i];
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && !a)
		a = arena;              /* never MAP_FIXED at 0 (the host may allow it) */
	DESC("%s, %zu, %d, 0x%x, %d(%c), %ld", addr_name(a, ab, sizeof(ab)), len, prot, flags, fd,
	     fd_kind(fd), off);
	r = syscall(SYS_mmap, a, len, prot, flags, fd, off);
	if (r == -1) {
		res(r, 0);
		return;
	}
	snprintf(out, sizeof(out), "%s", addr_name((void *)r, rb, sizeof(rb)));
	res_str(out);
	drop_elsewhere(r, len);
}

static void c_munmap_mprotect(void)
{
	void *a = pick_arena_addr();
	size_t len = pick_map_len();
	int op = (int)rn(3);
	char ab[32];
	long r;

	if (op == 0) {
		strcpy(cur_name, "munmap");
		DESC("%s, %zu", addr_name(a, ab, sizeof(ab)), len);
		r = syscall(SYS_munmap, a, len);
	} else if (op == 1) {
		int prot = (int)rn(8) | (rn(16) ? 0 : 0x100);

		strcpy(cur_name, "mprotect");
		DESC("%s, %zu, %d", addr_name(a, ab, sizeof(ab)), len, prot);
		r = syscall(SYS_mprotect, a, len, prot);
	} else if (rn(3) == 0) {
		static const int fl[] = { MS_ASYNC, MS_SYNC, MS_INVALIDATE, 0, MS_SYNC | MS_ASYNC, 8 };
		int f = PICK(fl);

		strcpy(cur_name, "msync");
		DESC("%s, %zu, %d", addr_name(a, ab, sizeof(ab)), len, f);
		r = syscall(SYS_msync, a, len, f);
	} else {
		/* not compared: MADV_FREE (contents may or may not survive), the
		 * hugepage and KSM advice (host configuration) */
		static const int adv[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
					   MADV_DONTNEED, MADV_DONTNEED, 100, -1 };
		int advice = PICK(adv);

		strcpy(cur_name, "madvise");
		DESC("%s, %zu, %d", addr_name(a, ab, sizeof(ab)), len, advice);
		r = syscall(SYS_madvise, a, len, advice);
	}
	res(r, 1);
}

/* Read or write one byte of the arena; a fault is caught and reported. */
static void c_touch(void)
{
	unsigned long off = rn(ARENA_PAGES) * PG + rn(PG);
	int write = (int)rn(2);
	char v = (char)('A' + rn(26)), buf[32];
	volatile char *p = arena + off;

	DESC("A+0x%lx, %s", off, write ? "write" : "read");
	probing = 1;
	if (sigsetjmp(probe_jmp, 1) == 0) {
		if (write) {
			*p = v;
			snprintf(buf, sizeof(buf), "wrote");
		} else {
			snprintf(buf, sizeof(buf), "read %d", *p);
		}
	} else {
		snprintf(buf, sizeof(buf), "sig %d code %d", probe_sig, probe_code);
	}
	probing = 0;
	res_str(buf);
}

static void c_brk(void)
{
	/* not compared: a break larger than the machine's memory (Linux's
	 * overcommit heuristic refuses it; that depends on the host) */
	static const long deltas[] = { 0, 1, 4096, 10000, 65536, -4096, -1, 1L << 24 };
	unsigned long cur = (unsigned long)syscall(SYS_brk, 0);
	unsigned long want = rn(8) ? cur + (unsigned long)PICK(deltas) : 0;
	long r;
	char buf[48];

	if (rn(6) == 0)
		want = brk0 - 4096;     /* below the start: refused */
	if (want)
		DESC("BRK0%+ld", (long)(want - brk0));
	else
		DESC("0");
	r = syscall(SYS_brk, want);
	snprintf(buf, sizeof(buf), "BRK0%+ld", (long)((unsigned long)r - brk0));
	res_str(buf);
}

/* ---- processes and signals ------------------------------------------------------------- */

static void c_fork(void)
{
	int how = (int)rn(5), st = 0;
	long r;
	char buf[48];

	fflush(stdout);
	if (how == 4) {
		static const unsigned long bad[] = { 0x800 /* SIGHAND w/o VM */,
						     0x10000 /* THREAD w/o SIGHAND */,
						     0x200 | 0x20000 /* FS|NEWNS */ };
		unsigned long fl = PICK(bad);

		strcpy(cur_name, "clone");
		DESC("0x%lx", fl);
		r = syscall(SYS_clone, fl | SIGCHLD, 0, 0, 0, 0);
		if (r == 0)
			_exit(0);
		res(r, 0);
		if (r > 0)
			waitpid((pid_t)r, &st, 0);
		return;
	}
	strcpy(cur_name, how == 3 ? "clone" : "fork");
	DESC("%s", how == 3 ? "SIGCHLD" : "");
	r = how == 3 ? syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0) : syscall(SYS_fork);
	if (r == 0) {
		/* The child: one action, then leave. */
		switch (how) {
		case 0:
			_exit(7);
		case 1: {
			struct ksigaction ka = { SIG_DFL, SA_RESTORER_, rs_restore, 0 };

			syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 8);
			syscall(SYS_kill, syscall(SYS_getpid), SIGUSR2);
			_exit(8);
		}
		default: {
			/* Touch the whole arena: a fault kills the child. */
			signal(SIGSEGV, SIG_DFL);
			signal(SIGBUS, SIG_DFL);
			for (unsigned long i = 0; i < ARENA_PAGES; i++)
				(void)*(volatile char *)(arena + i * PG);
			_exit(9);
		}
		}
	}
	if (r < 0) {
		res(r, 0);
		return;
	}
	if (syscall(SYS_wait4, r, &st, 0, NULL) != r)
		snprintf(buf, sizeof(buf), "wait4 %s", errname(errno));
	else
		snprintf(buf, sizeof(buf), "status 0x%x", st);
	res_str(buf);
}

static void c_wait(void)
{
	static const int opts[] = { WNOHANG, WNOHANG, WNOHANG | 0x40000000, 0x1000 };
	int opt = PICK(opts), st;
	long pid = rn(2) ? -1 : rn(2) ? 0x3ffffff0 : 0;

	DESC("%ld, st, 0x%x", pid, opt);
	res(syscall(SYS_wait4, pid, &st, opt, NULL), 1);
}

/* Is @sig blocked now? (Asked without recording a call.) */
static int blocked(int sig)
{
	uint64_t mask = 0;

	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8);
	return (int)(mask >> (sig - 1) & 1);
}

/*
 * not compared: tkill/tgkill of a signal that is blocked. Linux keeps a
 * thread's pending signals (tkill) apart from the process's (kill, the
 * kernel's SIGCHLD), so the same standard signal can be pending twice and
 * is delivered twice; a kernel with one thread per process and one pending
 * set merges them.
 */
static void c_kill(void)
{
	static const int sigs[] = { 0, SIGUSR1, SIGUSR2, SIGCHLD, SIGWINCH, SIGURG, 65, -1 };
	int sig = PICK(sigs), how = (int)rn(4);
	long r, pid;

	/* A real signal goes only to ourselves, and only if it will not kill us. */
	if (sig > 0 && sig < 65 && (sig == SIGUSR1 || sig == SIGUSR2) && disp_of[sig] == D_DFL)
		sig = 0;
	if (how == 0) {
		pid = rn(2) ? self_pid : 0x3ffffff0;
		strcpy(cur_name, "kill");
		DESC("%s, %d", pid == self_pid ? "SELF" : "NOPID", sig);
		r = syscall(SYS_kill, pid, sig);
	} else if (how == 1) {
		strcpy(cur_name, "kill");
		DESC("0, 0");
		r = syscall(SYS_kill, 0, 0);
	} else if (how == 2) {
		pid = rn(2) ? self_pid : 0x3ffffff0;
		if (sig > 0 && sig < 65 && blocked(sig))
			sig = 0;
		strcpy(cur_name, "tkill");
		DESC("%s, %d", pid == self_pid ? "SELF" : "NOPID", sig);
		r = syscall(SYS_tkill, pid, sig);
	} else {
		pid = rn(4) ? self_pid : 0x3ffffff0;
		if (sig > 0 && sig < 65 && blocked(sig))
			sig = 0;
		strcpy(cur_name, "tgkill");
		DESC("SELF, %s, %d", pid == self_pid ? "SELF" : "NOPID", sig);
		r = syscall(SYS_tgkill, self_pid, pid, sig);
	}
	res(r, 1);
}

static void c_sigcount(void)
{
	char buf[48];

	DESC(" ");
	snprintf(buf, sizeof(buf), "usr1 %d usr2 %d", (int)usr_count[0], (int)usr_count[1]);
	res_str(buf);
}

static const char *disp_name(void *h)
{
	return h == SIG_DFL ? "DFL" : h == SIG_IGN ? "IGN" : h == (void *)on_usr ? "USR" : "?";
}

static void c_sigaction(void)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGCHLD, SIGWINCH, SIGURG, 0, SIGKILL, SIGSTOP,
				    64, 65 };
	static const unsigned long fl[] = { 0, SA_RESTART, SA_NODEFER, SA_RESTART | SA_NODEFER,
					    0x100 /* unknown */ };
	int sig = PICK(sigs), give = (int)rn(4), take = (int)rn(2);
	struct ksigaction act, old;
	long r;
	char buf[96];

	memset(&old, 0, sizeof(old));
	act.handler = (void *)on_usr;
	act.flags = PICK(fl) | SA_SIGINFO | SA_RESTORER_;
	act.restorer = rs_restore;
	act.mask = rnd() & ~((1ULL << (SIGSEGV - 1)) | (1ULL << (SIGBUS - 1)));
	if (give == 1)
		act.handler = SIG_IGN;
	if (give == 2 && sig != SIGUSR1 && sig != SIGUSR2)
		act.handler = SIG_DFL;
	DESC("%d, %s, %s", sig, give == 3 ? "NULL" : disp_name(act.handler), take ? "old" : "NULL");
	r = syscall(SYS_rt_sigaction, sig, give == 3 ? NULL : &act, take ? &old : NULL,
		    rn(10) ? 8 : 4);
	if (r == 0 && give != 3 && sig > 0 && sig < 65)
		disp_of[sig] = act.handler == SIG_DFL ? D_DFL : act.handler == SIG_IGN ? D_IGN : D_HANDLER;
	if (r == 0 && take) {
		snprintf(buf, sizeof(buf), "old %s 0x%lx %s %04x", disp_name(old.handler), old.flags,
			 old.handler == SIG_DFL || old.handler == SIG_IGN ? "-" :
			 old.restorer == rs_restore ? "R" : "?", (unsigned)(fnv(&old.mask, 8) & 0xffff));
		res_str(buf);
	} else {
		res(r, 1);
	}
}

static uint64_t play_mask(void)
{
	return (1ULL << (SIGUSR1 - 1)) | (1ULL << (SIGUSR2 - 1)) | (1ULL << (SIGCHLD - 1)) |
	       (1ULL << (SIGWINCH - 1)) | (1ULL << (SIGURG - 1)) | (1ULL << (SIGKILL - 1)) |
	       (1ULL << (SIGSTOP - 1)) | (1ULL << 40);
}

static void c_sigmask(void)
{
	int how = (int)rn(5), op = (int)rn(4);
	uint64_t set = rnd() & play_mask(), old = 0;
	long r;
	char buf[64];

	if (op == 3) {
		strcpy(cur_name, "rt_sigpending");
		DESC(" ");
		r = syscall(SYS_rt_sigpending, &old, 8);
	} else if (op == 2) {
		/* Waits only if a signal with our handler is pending and would
		 * be let through; else it would sleep for ever. */
		uint64_t pend = 0, deliverable = 0;

		syscall(SYS_rt_sigpending, &pend, 8);
		for (int s = 1; s < 65; s++)
			if ((pend >> (s - 1) & 1) && disp_of[s] == D_HANDLER)
				deliverable |= 1ULL << (s - 1);
		strcpy(cur_name, "rt_sigsuspend");
		DESC("%s", deliverable ? "pending" : "skipped");
		if (!deliverable) {
			res_str("skipped");
			return;
		}
		set = 0;
		r = syscall(SYS_rt_sigsuspend, &set, 8);
		snprintf(buf, sizeof(buf), "%s usr1 %d usr2 %d", r == -1 ? errname(errno) : "ret",
			 (int)usr_count[0], (int)usr_count[1]);
		res_str(buf);
		return;
	} else {
		int give = (int)rn(8) != 0;
		size_t size = rn(10) ? 8 : 16;

		strcpy(cur_name, "rt_sigprocmask");
		DESC("%d, %s, old, %zu", how, give ? "set" : "NULL", size);
		r = syscall(SYS_rt_sigprocmask, how, give ? &set : NULL, &old, size);
	}
	if (r == 0) {
		snprintf(buf, sizeof(buf), "0 %llx usr1 %d usr2 %d",
			 (unsigned long long)(old & play_mask()), (int)usr_count[0], (int)usr_count[1]);
		res_str(buf);
	} else {
		res(r, 1);
	}
}

static void c_altstack(void)
{
	struct { void *sp; int flags; size_t size; } ss, old;
	static const size_t sizes[] = { 0, 1024, 2048, 65536 };
	static const int flags[] = { 0, 0, 2 /* SS_DISABLE */, 1 /* SS_ONSTACK: invalid */, 8 };
	long r;
	char buf[48];

	ss.sp = databuf + 65536;
	ss.size = PICK(sizes);
	ss.flags = PICK(flags);
	memset(&old, 0, sizeof(old));
	DESC("%zu, %d", ss.size, ss.flags);
	r = syscall(SYS_sigaltstack, rn(6) ? (void *)&ss : NULL, &old);
	if (r == 0) {
		snprintf(buf, sizeof(buf), "old flags %d size %zu", old.flags,
			 old.flags & 2 ? (size_t)0 : old.size);
		res_str(buf);
	} else {
		res(r, 1);
	}
}

/* ---- identity, time, limits, the rest --------------------------------------------------- */

static void c_ids(void)
{
	int op = (int)rn(14);
	long r;

	switch (op) {
	case 0: strcpy(cur_name, "getpid"); DESC(" ");
		r = syscall(SYS_getpid); res(r == self_pid ? 1 : 0, 1); return;
	case 1: strcpy(cur_name, "gettid"); DESC(" ");
		r = syscall(SYS_gettid); res(r == self_pid ? 1 : 0, 1); return;
	case 2: strcpy(cur_name, "getppid"); DESC(" ");
		r = syscall(SYS_getppid); res(r == parent_pid ? 1 : 0, 1); return;
	case 3: strcpy(cur_name, "getuid"); DESC(" "); res(syscall(SYS_getuid), 1); return;
	case 4: strcpy(cur_name, "geteuid"); DESC(" "); res(syscall(SYS_geteuid), 1); return;
	case 5: strcpy(cur_name, "getgid"); DESC(" "); res(syscall(SYS_getgid), 1); return;
	case 6: {
		unsigned int ids[3] = { 9, 9, 9 };

		strcpy(cur_name, "getresuid"); DESC(" ");
		r = syscall(SYS_getresuid, &ids[0], &ids[1], &ids[2]);
		res(r == 0 ? (long)(ids[0] + ids[1] + ids[2]) : -1L, 1);
		return;
	}
	case 7: {
		/* not compared: setuid/setgid to anyone but root (the host would
		 * let root become someone else) */
		static const int ids[] = { 0, -1 };
		int id = PICK(ids);

		strcpy(cur_name, rn(2) ? "setuid" : "setgid");
		DESC("%d", id);
		res(syscall(cur_name[3] == 'u' ? SYS_setuid : SYS_setgid, id), 1);
		return;
	}
	case 8: strcpy(cur_name, "getpgrp"); DESC(" ");
		r = syscall(SYS_getpgrp); res(r == self_pid ? 1 : 0, 1); return;
	case 9: {
		long pid = rn(2) ? 0 : 0x3ffffff0;

		strcpy(cur_name, rn(2) ? "getpgid" : "getsid");
		DESC("%s", pid ? "NOPID" : "0");
		r = syscall(cur_name[3] == 'p' ? SYS_getpgid : SYS_getsid, pid);
		res(r == -1 ? -1 : r == self_pid ? 1 : 0, 1);
		return;
	}
	case 10: strcpy(cur_name, "setsid"); DESC(" ");
		r = syscall(SYS_setsid); res(r == -1 ? -1 : r == self_pid ? 1 : 0, 1); return;
	case 11: {
		/* not compared: joining another process group (init's is
		 * in the program's session under make exec, not on a host) */
		static const long args[][2] = { { 0, 0 }, { 0, -1 }, { 0x3ffffff0, 0 }, { -1, 0 } };
		int i = (int)rn(4);

		strcpy(cur_name, "setpgid");
		DESC("%ld, %ld", args[i][0], args[i][1]);
		res(syscall(SYS_setpgid, args[i][0], args[i][1]), 1);
		return;
	}
	case 12: {
		int x;

		strcpy(cur_name, "set_tid_address"); DESC("&x");
		r = syscall(SYS_set_tid_address, &x); res(r == self_pid ? 1 : 0, 1);
		return;
	}
	default: {
		static const int codes[] = { 0x1003 /* GET_FS */, 0x1002 /* SET_FS */, 0x9999 };
		int code = PICK(codes);
		unsigned long fs = 0;
		long arg;

		/* not compared: ARCH_GET_GS/SET_GS (GS is the kernel's in the
		 * kernel under test) */
		syscall(SYS_arch_prctl, 0x1003, &fs);
		arg = code == 0x1002 ? (rn(2) ? (long)fs : (long)KERNEL_PTR) : (long)&fs;
		strcpy(cur_name, "arch_prctl");
		DESC("0x%x, %s", code, code == 0x1002 && arg != (long)fs ? "KERNEL" : "ok");
		res(syscall(SYS_arch_prctl, code, arg), 1);
		return;
	}
	}
}

static void c_time(void)
{
	/* not compared: the alarm clocks (8, 9: need an RTC driver) and the
	 * CPU-time clocks of other processes (negative ids) */
	static const int clks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
				    CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
				    CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_TAI, 10, 12, 100 };
	int op = (int)rn(7), clk = PICK(clks);
	struct timespec ts;
	long r;

	switch (op) {
	case 0:
		strcpy(cur_name, "clock_gettime");
		DESC("%d", clk);
		res(syscall(SYS_clock_gettime, clk, &ts), 0);
		return;
	case 1:
		strcpy(cur_name, "clock_getres");
		DESC("%d", clk);
		r = syscall(SYS_clock_getres, clk, rn(4) ? &ts : NULL);
		res(r, 0);
		return;
	case 2:
		strcpy(cur_name, "gettimeofday");
		DESC(" ");
		res(syscall(SYS_gettimeofday, databuf, rn(2) ? databuf + 64 : NULL), 1);
		return;
	case 3:
		strcpy(cur_name, "time");
		DESC(" ");
		r = syscall(SYS_time, rn(2) ? (long *)databuf : NULL);
		res(r > 0 ? 1 : r, 1);
		return;
	default: {
		static const struct timespec reqs[] = { { 0, 0 }, { 0, 1000 }, { 0, -1 },
							{ 0, 1000000000 }, { -1, 0 } };
		struct timespec req = PICK(reqs);
		int abs = (int)rn(2);

		if (op == 4) {
			strcpy(cur_name, "nanosleep");
			DESC("{%ld,%ld}", (long)req.tv_sec, req.tv_nsec);
			res(syscall(SYS_nanosleep, &req, NULL), 1);
		} else if (op == 5) {
			/* not compared: the process CPU clock (Linux would sleep
			 * until this process used CPU time: never) */
			static const int sclk[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
						    CLOCK_TAI, CLOCK_THREAD_CPUTIME_ID, 100 };
			int c = PICK(sclk);

			strcpy(cur_name, "clock_nanosleep");
			DESC("%d, %d, {%ld,%ld}", c, abs, (long)req.tv_sec, req.tv_nsec);
			/* (absolute times of 0 or 1 us are long past: no wait) */
			r = syscall(SYS_clock_nanosleep, c, abs, &req, NULL);
			res(r, 1);
		} else {
			strcpy(cur_name, "sched_yield");
			DESC(" ");
			res(syscall(SYS_sched_yield), 1);
		}
		return;
	}
	}
}

/*
 * not compared: execve of a regular file with an execute bit. Linux says
 * ETXTBSY while any fd has it open for writing or a MAP_SHARED mapping of
 * a writable fd maps it; the kernel under test does not track writers and
 * says ENOEXEC. (Asked without recording calls.)
 */
static int executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

static void c_misc(void)
{
	int op = (int)rn(8);
	long r;

	switch (op) {
	case 7: {
		/* Only the errno: the block size, counts and type are the
		 * filesystem's (ext2 here, whatever the host's disk is). */
		static const char *const paths[] = { ".", "a", "x", "", "nonexistent/x" };
		int kind = 0;
		void *b = rn(8) ? (void *)databuf : pick_buf(&kind);

		if (rn(2)) {
			const char *p = PICK(paths);

			strcpy(cur_name, "statfs");
			DESC("%s, %s", p, kind ? buf_name(kind) : "buf");
			res(syscall(SYS_statfs, p, kind ? b : databuf), 1);
		} else {
			int fd = pick_fd();

			strcpy(cur_name, "fstatfs");
			DESC("%d(%c), %s", fd, fd_kind(fd), kind ? buf_name(kind) : "buf");
			res(syscall(SYS_fstatfs, fd, kind ? b : databuf), 1);
		}
		return;
	}
	case 0: {
		static const int who[] = { RUSAGE_SELF, RUSAGE_CHILDREN, 1 /* THREAD */, -3, 5 };
		int w = PICK(who);

		strcpy(cur_name, "getrusage");
		DESC("%d", w);
		res(syscall(SYS_getrusage, w, databuf), 1);
		return;
	}
	case 1:
		strcpy(cur_name, "uname");
		DESC(" ");
		res(syscall(SYS_uname, databuf), 1);
		return;
	case 2:
		strcpy(cur_name, "sysinfo");
		DESC(" ");
		res(syscall(SYS_sysinfo, databuf), 1);
		return;
	case 3: {
		static const size_t lens[] = { 0, 1, 16, 300, 4096 };
		static const unsigned fl[] = { 0, 1, 2, 4, 6, 8 };
		size_t n = PICK(lens);
		unsigned f = PICK(fl);

		strcpy(cur_name, "getrandom");
		DESC("%zu, %u", n, f);
		res(syscall(SYS_getrandom, databuf, n, f), 1);
		return;
	}
	case 4: {
		/* Limits: reading any (values differ by host, so only the
		 * errno); setting only RLIMIT_NOFILE and RLIMIT_CORE, which
		 * were set at the start, to values at or below them.
		 * not compared: raising a hard limit (root may on the host) */
		int res_id = (int)rn(18), how = (int)rn(4);
		struct rlimit rl;

		if (how == 0) {
			strcpy(cur_name, "getrlimit");
			DESC("%d", res_id);
			r = syscall(SYS_getrlimit, res_id, &rl);
			res_hash(r, r == 0 && (res_id == RLIMIT_NOFILE || res_id == RLIMIT_CORE) ?
				 fnv(&rl, sizeof(rl)) : 0);
		} else if (how == 1) {
			static const struct rlimit vals[] = { { FD_LIMIT, FD_LIMIT }, { 0, 0 },
							      { FD_LIMIT + 1, FD_LIMIT } };
			struct rlimit v = PICK(vals);
			int which = rn(2) ? RLIMIT_NOFILE : RLIMIT_CORE;

			if (which == RLIMIT_NOFILE && v.rlim_cur == 0)
				v.rlim_cur = v.rlim_max = FD_LIMIT;     /* keep the fd limit */
			strcpy(cur_name, "setrlimit");
			DESC("%d, {%ld,%ld}", which, (long)v.rlim_cur, (long)v.rlim_max);
			res(syscall(SYS_setrlimit, which, &v), 1);
		} else {
			long pid = rn(4) ? 0 : 0x3ffffff0;

			strcpy(cur_name, "prlimit64");
			DESC("%s, %d, NULL, old", pid ? "NOPID" : "0", res_id);
			r = syscall(SYS_prlimit64, pid, res_id, NULL, &rl);
			res_hash(r, r == 0 && (res_id == RLIMIT_NOFILE || res_id == RLIMIT_CORE) ?
				 fnv(&rl, sizeof(rl)) : 0);
		}
		return;
	}
	default: {
		/* execve of files that are never valid programs (no ELF or #!
		 * can be written: data is letters): it must fail and return. */
		static const char *const paths[] = { "a", "b", "c", "d", "x", "", "d/e" };
		const char *p = PICK(paths);
		char *argv[] = { "randsys-exec", NULL };

		strcpy(cur_name, "execve");
		DESC("%s", p);
		if (executable_file(p)) {
			res_str("skipped");
			return;
		}
		res(syscall(SYS_execve, p, argv, NULL), 1);
		return;
	}
	}
}

/* ---- driver ---------------------------------------------------------------------------------- */

struct op {
	const char *name;
	void (*fn)(void);
	int weight;
};

static const struct op ops[] = {
	{ "open", c_open, 8 },          { "creat", c_creat, 1 },
	{ "close", c_close, 8 },        { "read", c_read, 8 },
	{ "write", c_write, 8 },        { "lseek", c_lseek, 4 },
	{ "stat", c_stat, 6 },          { "getdents64", c_getdents, 3 },
	{ "names", c_names, 12 },       { "ftruncate", c_ftruncate_sync, 4 },
	{ "dup", c_dup, 4 },            { "fcntl", c_fcntl, 4 },
	{ "pipe", c_pipe, 2 },          { "ioctl", c_ioctl, 3 },
	{ "cwd", c_cwd, 4 },            { "umask", c_umask, 1 },
	{ "mmap", c_mmap, 6 },          { "munmap", c_munmap_mprotect, 8 },
	{ "touch", c_touch, 10 },       { "brk", c_brk, 2 },
	{ "fork", c_fork, 1 },          { "wait4", c_wait, 1 },
	{ "kill", c_kill, 3 },          { "sigcount", c_sigcount, 1 },
	{ "rt_sigaction", c_sigaction, 3 }, { "sigmask", c_sigmask, 4 },
	{ "sigaltstack", c_altstack, 1 }, { "ids", c_ids, 4 },
	{ "time", c_time, 3 },          { "misc", c_misc, 3 },
};

static void setup(void)
{
	struct rlimit rl = { FD_LIMIT, FD_LIMIT }, core = { 0, 0 };
	char *m;
	int fd;

	/* Whatever the caller left open beyond stdio is not ours to use. */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	umask(022);
	snprintf(home, sizeof(home), "randsys.%d", (int)getpid());
	if (mkdir(home, 0755) || chdir(home) || !getcwd(home, sizeof(home))) {
		perror("scratch directory");
		exit(1);
	}
	home_len = strlen(home);
	if (setrlimit(RLIMIT_NOFILE, &rl) || setrlimit(RLIMIT_CORE, &core)) {
		perror("setrlimit");
		exit(1);
	}
	databuf = mmap(NULL, 3 * 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	arena = mmap(NULL, ARENA_SPAN * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (databuf == MAP_FAILED || arena == MAP_FAILED || m == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	munmap(m, PG);
	badpage = m;
	memset(longname, 'n', sizeof(longname) - 1);
	brk0 = (unsigned long)syscall(SYS_brk, 0);

	/* The tree: a (1000 bytes), b (empty), d/, d/e/, d/f. */
	fd = open("a", O_CREAT | O_RDWR, 0644);
	fill_data(1000);
	if (fd < 0 || write(fd, databuf, 1000) != 1000) {
		perror("a");
		exit(1);
	}
	close(fd);
	close(open("b", O_CREAT | O_RDWR, 0644));
	mkdir("d", 0755);
	mkdir("d/e", 0755);
	close(open("d/f", O_CREAT | O_RDWR, 0600));

	/* Signals. */
	install(SIGUSR1, on_usr, 0);
	install(SIGUSR2, on_usr, 0);
	install(SIGSEGV, on_fault, SA_NODEFER);
	install(SIGBUS, on_fault, SA_NODEFER);
	disp_of[SIGUSR1] = disp_of[SIGUSR2] = D_HANDLER;
	signal(SIGPIPE, SIG_IGN);
	self_pid = getpid();
	parent_pid = getppid();
}

static int remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[1024];

	if (lstat(path, &st))
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		remove_tree(sub);
	}
	if (d)
		closedir(d);
	return rmdir(path);
}

static int total_weight(void)
{
	int w = 0;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		w += ops[i].weight;
	return w;
}

static int worker(unsigned long count)
{
	int total = total_weight();

	setup();
	for (call_no = 1; call_no <= count; call_no++) {
		int w = (int)rn((unsigned long)total);
		size_t i = 0;

		while (w >= ops[i].weight)
			w -= ops[i++].weight;
		snprintf(cur_name, sizeof(cur_name), "%s", ops[i].name);
		cur_args[0] = 0;
		ops[i].fn();
	}
	/* Leave: back home, close everything, remove the tree. */
	for (int fd = 3; fd < FD_LIMIT; fd++)
		close(fd);
	if (chdir(home) == 0 && chdir("..") == 0)
		remove_tree(home);
	for (int i = 0; i < ntallies; i++)
		for (int j = 0; j < tallies[i].nres; j++)
			printf("%-16s %-40s %lu\n", tallies[i].name, tallies[i].r[j].res,
			       tallies[i].r[j].n);
	printf("checksum %016llx\n", (unsigned long long)checksum);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long seed = 1, count = 4000;
	int a = 1, status;
	pid_t pid;

	if (a < argc && !strcmp(argv[a], "-v")) {
		verbose = 1;
		a++;
	}
	if (a < argc)
		seed = strtoul(argv[a++], NULL, 0);
	if (a < argc)
		count = strtoul(argv[a++], NULL, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	rng = seed;
	printf("randsys seed %lu count %lu\n", seed, count);
	/* The work runs in a child: it leads no group or session anywhere. */
	pid = fork();
	if (pid == 0) {
		if (!verbose)
			setvbuf(stdout, NULL, _IOFBF, 1 << 16);
		status = worker(count);
		fflush(stdout);
		_exit(status);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		perror("fork/wait");
		return 1;
	}
	if (WIFEXITED(status))
		printf("worker exit %d\n", WEXITSTATUS(status));
	else
		printf("worker killed by signal %d\n", WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
