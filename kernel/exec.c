/*
 * execve: replace the calling process's program with an ELF file (static,
 * or dynamically linked and started through its interpreter).
 *
 * The order matters, so that a failure never leaves a process without a
 * program, and the errors come in Linux's order:
 *   1. copy the path in and open the file (EFAULT, ENOENT..., EACCES for
 *      what is not an executable regular file), then copy argv and envp
 *      (EFAULT, E2BIG; an empty argv gets "" as argv[0], as Linux 5.18+
 *      does, so a program never walks into envp looking for argv[1]);
 *   2. check the ELF header and program headers completely (ENOEXEC for
 *      anything malformed or truncated), and open and check the
 *      interpreter a PT_INTERP names (kernel/binfmt_elf.c);
 *   3. build the new address space aside: each PT_LOAD segment of the
 *      program and of its interpreter a private file mapping of the page
 *      cache (read-only text is shared with every other process running
 *      the file; written data pages are copied on the first write), the
 *      bss and the stack anonymous (kernel/binfmt_elf.c);
 *   4. only then switch to it and drop the old one (the point of no
 *      return), and lay out the initial stack: argc, argv, envp, the aux
 *      vector and the strings, as the System V x86-64 ABI says.
 * A file that starts with "#!" runs its interpreter instead, with the
 * script's name as an argument (load_scripts, Linux's rules), before step 2.
 * Where each part goes, and when the addresses change from run to run
 * (randomize_va_space; never by default), is in kernel/binfmt_elf.c and
 * docs/exec.md.
 *
 * Locks: none held across steps; the new mm's mmap_lock is taken while
 * mapping into it (nobody else can see it yet).
 */
#include <kernel/elf.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/time.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <drivers/random.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/traps.h>
#include <asm/elf.h>
#include <asm/uaccess.h>
#include "exec_internal.h"

#define ARG_BUF_ORDER   5                       /* 128 KiB of argument and environment strings */
#define ARG_BUF_SIZE    (PAGE_SIZE << ARG_BUF_ORDER)
#define MAX_ARGS        4096
#define SCRIPT_BUF_SIZE 256                     /* the bytes a "#!" line is read from (Linux's) */
#define SCRIPT_MAX_DEPTH 5                      /* scripts whose interpreter is a script */

/* ---- 1. the arguments ---------------------------------------------------------- */

/* Fetch pointer number @i of @vec (a user or kernel array). */
static int get_arg_ptr(char *const *vec, int i, bool user, const char **out)
{
	if (!user) {
		*out = vec[i];
		return 0;
	}
	return copy_from_user(out, &vec[i], sizeof(*out)) ? -EFAULT : 0;
}

/* Append the strings of @vec to bprm->buf; returns the count or -errno. */
static int copy_strings(struct linux_binprm *bprm, char *const *vec, bool user)
{
	int n;

	if (!vec)
		return 0;
	for (n = 0;; n++) {
		const char *s;
		size_t room = ARG_BUF_SIZE - bprm->used;
		long len;

		if (get_arg_ptr(vec, n, user, &s))
			return -EFAULT;
		if (!s)
			return n;
		if (n >= MAX_ARGS || !room)
			return -E2BIG;
		if (user) {
			len = strncpy_from_user(bprm->buf + bprm->used, s, (long)room);
			if (len == -ENAMETOOLONG)
				return -E2BIG;
			if (len < 0)
				return -EFAULT;
		} else {
			len = (long)strlen(s);
			if ((size_t)len >= room)
				return -E2BIG;
			memcpy(bprm->buf + bprm->used, s, (size_t)len + 1);
		}
		bprm->used += (size_t)len + 1;
	}
}

/*
 * execve(path, NULL or {NULL}, envp): Linux (5.18 on) gives the program
 * argc 1 and argv[0] "" rather than argc 0, so that code reading argv[1]
 * without looking at argc finds NULL and not the first environment string.
 * Called right after argv is copied (the strings must precede envp's).
 */
static int add_empty_argv0(struct linux_binprm *bprm)
{
	if (bprm->used >= ARG_BUF_SIZE)
		return -E2BIG;
	bprm->buf[bprm->used++] = '\0';
	bprm->argc = 1;
	return 1;
}

/* ---- 2. the file ---------------------------------------------------------------- */

/* Open @path for execution into bprm->file: search and x permission (not
 * read), a regular file (filp_open_at with __FMODE_EXEC: EACCES
 * otherwise). */
static int open_exec_path(struct linux_binprm *bprm, const char *path)
{
	struct file *file = filp_open(path, O_RDONLY | __FMODE_EXEC, 0);

	if (IS_ERR(file))
		return (int)PTR_ERR(file);
	bprm->file = file;
	return 0;
}

static int open_exec(struct linux_binprm *bprm)
{
	return open_exec_path(bprm, bprm->path);
}

/* ---- 1b. "#!" scripts ------------------------------------------------------------- */

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* The first character in [@p, @end) that is not a space or tab, or NULL. */
static char *skip_spacetab(char *p, const char *end)
{
	for (; p < end; p++)
		if (!spacetab(*p))
			return p;
	return NULL;
}

/* The first space, tab or NUL in [@p, @end), or NULL. */
static char *find_terminator(char *p, const char *end)
{
	for (; p < end; p++)
		if (spacetab(*p) || !*p)
			return p;
	return NULL;
}

/*
 * Parse the "#!" line in @hdr (SCRIPT_BUF_SIZE bytes, zero-padded) as
 * Linux does: the interpreter is the first word after "#!" (spaces and
 * tabs skipped), and whatever follows it on the line, trimmed, is ONE
 * optional argument (*@argp, or NULL). A line with no newline in the
 * buffer is used only if the interpreter's name visibly ends within it.
 * Returns the interpreter's name (in @hdr, NUL-terminated) or NULL:
 * not a usable script (ENOEXEC).
 */
static char *parse_shebang(char *hdr, char **argp)
{
	char *end = hdr + SCRIPT_BUF_SIZE - 1, *nl, *name, *sep;

	nl = memchr(hdr, '\n', SCRIPT_BUF_SIZE);
	if (!nl) {
		nl = skip_spacetab(hdr + 2, end);
		if (!nl || !find_terminator(nl, end))
			return NULL;            /* the name may go on past the buffer */
		nl = end;
	}
	while (nl > hdr + 2 && spacetab(nl[-1]))
		nl--;
	name = skip_spacetab(hdr + 2, nl);
	if (!name || name == nl)
		return NULL;
	sep = find_terminator(name, nl);
	*argp = (sep && *sep) ? skip_spacetab(sep, nl) : NULL;
	*nl = '\0';
	if (sep)
		*sep = '\0';
	return name;
}

/*
 * argv[0] gives way to the interpreter, its argument if any, and the
 * script's name: [@name, @arg, @script, argv[1], ...]. Returns 0 or
 * -E2BIG.
 */
static int script_argv(struct linux_binprm *bprm, const char *name, const char *arg,
		       const char *script)
{
	size_t old0 = strlen(bprm->buf) + 1;
	size_t ln = strlen(name) + 1, la = arg ? strlen(arg) + 1 : 0, ls = strlen(script) + 1;
	size_t used = bprm->used - old0 + ln + la + ls;

	if (used > ARG_BUF_SIZE)
		return -E2BIG;
	memmove(bprm->buf + ln + la + ls, bprm->buf + old0, bprm->used - old0);
	memcpy(bprm->buf, name, ln);
	if (arg)
		memcpy(bprm->buf + ln, arg, la);
	memcpy(bprm->buf + ln + la, script, ls);
	bprm->used = used;
	bprm->argc += arg ? 2 : 1;
	return 0;
}

/*
 * While bprm->file starts with "#!", replace it by its interpreter (Linux's
 * binfmt_script), at most SCRIPT_MAX_DEPTH times (then ELOOP). The
 * script's name in argv is the path execve was given, or for a nested
 * script the interpreter's name that led to it. bprm->path stays the
 * name execve was given (the process's comm and AT_EXECFN, as Linux).
 * Returns 0 with bprm->file an ELF candidate, or -ENOEXEC, -ELOOP,
 * -E2BIG, -ENOMEM, or the interpreter's open error.
 */
static int load_scripts(struct linux_binprm *bprm)
{
	char *hdr = kmalloc(2 * SCRIPT_BUF_SIZE, GFP_KERNEL);
	char *script = hdr + SCRIPT_BUF_SIZE;   /* the current script's name */
	int err = 0;

	if (!hdr)
		return -ENOMEM;
	strlcpy(script, bprm->path, SCRIPT_BUF_SIZE);
	for (int depth = 0; !err; depth++) {
		loff_t pos = 0;
		char *name, *arg;
		ssize_t n;

		memset(hdr, 0, SCRIPT_BUF_SIZE);
		n = kernel_read(bprm->file, hdr, SCRIPT_BUF_SIZE, &pos);
		if (n < 2 || hdr[0] != '#' || hdr[1] != '!')
			break;                  /* not a script: the ELF checks decide */
		if (depth >= SCRIPT_MAX_DEPTH) {
			err = -ELOOP;
			break;
		}
		name = parse_shebang(hdr, &arg);
		if (!name) {
			err = -ENOEXEC;
			break;
		}
		err = script_argv(bprm, name, arg, depth ? script : bprm->path);
		if (!err) {
			fput(bprm->file);
			bprm->file = NULL;
			err = open_exec_path(bprm, name);
			strlcpy(script, name, SCRIPT_BUF_SIZE);
		}
	}
	kfree(hdr);
	return err;
}

/* ---- 4. the initial stack ---------------------------------------------------------- */

struct stack_writer {
	unsigned long sp;
	int err;
};

/* Push @len bytes; returns their user address. */
static unsigned long push_bytes(struct stack_writer *w, const void *src, size_t len)
{
	w->sp -= len;
	if (copy_to_user((void *)w->sp, src, len))
		w->err = -EFAULT;
	return w->sp;
}

static void push_word(struct stack_writer *w, unsigned long v)
{
	push_bytes(w, &v, sizeof(v));
}

/* Randomness for the layout (kernel/binfmt_elf.c), from the kernel's
 * generator (drivers/random.c). */
u64 exec_random_u64(void)
{
	return get_random_u64();
}

/* Where argv's and envp's strings went (at @strings, as bprm->buf holds
 * them), for /proc/PID/cmdline and environ. */
static void set_arg_env(struct linux_binprm *bprm, unsigned long strings)
{
	struct mm_struct *mm = current->mm;
	size_t off = 0;

	for (int i = 0; i < bprm->argc; i++)
		off += strlen(bprm->buf + off) + 1;
	down_write(&mm->mmap_lock);
	mm->arg_start = strings;
	mm->arg_end = mm->env_start = strings + off;
	mm->env_end = strings + bprm->used;
	up_write(&mm->mmap_lock);
}

/*
 * Lay out, from the top down: the file name, the argument and environment
 * strings, 16 random bytes (AT_RANDOM), "x86_64" (AT_PLATFORM); then,
 * 16-byte aligned, argc, argv[], NULL, envp[], NULL, the aux vector.
 * Returns the new stack pointer (pointing at argc) or -EFAULT.
 */
static long setup_stack(struct linux_binprm *bprm)
{
	struct stack_writer w = { .sp = bprm->stack_top - bprm->sp_rnd, .err = 0 };
	unsigned long strings, execfn, rnd, platform, nwords, *ptrs;
	int nstr = bprm->argc + bprm->envc, k = 0;
	const struct cred *cred = &current->cred;
	u8 seed[16];

	execfn = push_bytes(&w, bprm->path, strlen(bprm->path) + 1);
	strings = push_bytes(&w, bprm->buf, bprm->used);
	set_arg_env(bprm, strings);
	get_random_bytes(seed, sizeof(seed));
	rnd = push_bytes(&w, seed, sizeof(seed));
	platform = push_bytes(&w, "x86_64", 7);
	w.sp &= ~15UL;
	/* Linux's order (fs/binfmt_elf.c, create_elf_tables): the arch's
	 * entries first, then the generic ones. */
	unsigned long auxv[] = {
		AT_SYSINFO_EHDR, (unsigned long)bprm->vdso,
		AT_MINSIGSTKSZ, elf_minsigstksz(), AT_HWCAP, elf_hwcap(),
		AT_PAGESZ, PAGE_SIZE, AT_CLKTCK, USER_HZ,
		AT_PHDR, bprm->phdr_addr, AT_PHENT, sizeof(struct elf64_phdr),
		AT_PHNUM, bprm->exe.eh.e_phnum,
		AT_BASE, bprm->interp ? bprm->interp->load_bias : 0, AT_FLAGS, 0,
		AT_ENTRY, bprm->exe.eh.e_entry + bprm->exe.load_bias,
		AT_UID, cred->uid, AT_EUID, cred->euid, AT_GID, cred->gid, AT_EGID, cred->egid,
		AT_SECURE, bprm->secure, AT_RANDOM, rnd, AT_HWCAP2, elf_hwcap2(),
		AT_EXECFN, execfn, AT_PLATFORM, platform, AT_NULL, 0,
	};
	/* argc + argv + NULL + envp + NULL + auxv words: keep the total even
	 * so that rsp ends 16-byte aligned at argc. */
	nwords = 1 + (unsigned long)nstr + 2 + ARRAY_SIZE(auxv);
	if (nwords & 1)
		w.sp -= 8;
	push_bytes(&w, auxv, sizeof(auxv));
	ptrs = kmalloc(sizeof(*ptrs) * ((size_t)nstr + 1), GFP_KERNEL);
	if (!ptrs)
		return -ENOMEM;
	/* Each string's user address: the copy of bprm->buf at @strings. */
	for (size_t off = 0; off < bprm->used && k < nstr; off += strlen(bprm->buf + off) + 1)
		ptrs[k++] = strings + off;
	push_word(&w, 0);                               /* envp terminator */
	for (int i = nstr - 1; i >= bprm->argc; i--)
		push_word(&w, ptrs[i]);
	push_word(&w, 0);                               /* argv terminator */
	for (int i = bprm->argc - 1; i >= 0; i--)
		push_word(&w, ptrs[i]);
	push_word(&w, (unsigned long)bprm->argc);
	kfree(ptrs);
	return w.err ? w.err : (long)w.sp;
}

/* ---- putting it together ------------------------------------------------------------ */

/* A descriptor table still shared with another process (CLONE_FILES
 * without CLONE_THREAD) is copied first, as Linux's execve does, so that
 * closing the O_CLOEXEC descriptors does not close the other's. */
static int unshare_files_for_exec(void)
{
	struct files_struct *old = current->files, *copy;

	if (__atomic_load_n(&old->count, __ATOMIC_ACQUIRE) == 1)
		return 0;
	copy = dup_files(old);
	if (!copy)
		return -ENOMEM;
	put_files(exchange_task_files(current, copy));
	return 0;
}

/* After the point of no return: what the new program must not inherit. */
static void flush_old_exec(struct linux_binprm *bprm)
{
	const char *base = strrchr(bprm->path, '/');

	umode_t mode = bprm->file->f_inode->i_mode;

	/* A set-user-ID (set-group-ID and group-executable) file runs as its
	 * owner (group). */
	cred_exec_setid(mode & S_ISUID, bprm->file->f_inode->i_uid,
			(mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP), bprm->file->f_inode->i_gid);
	/* AT_SECURE, which tells ld.so and libc to ignore LD_* and friends:
	 * the program runs with ids its invoker does not have. */
	bprm->secure = current->cred.euid != current->cred.uid ||
		       current->cred.egid != current->cred.gid;
	do_close_on_exec(current->files);
	flush_signal_handlers(current);
	current->clear_child_tid = NULL;
	strlcpy(current->comm, base ? base + 1 : bprm->path, sizeof(current->comm));
}

static void start_thread(struct pt_regs *regs, unsigned long ip, unsigned long sp)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = ip;
	regs->rsp = sp;
	regs->cs = GDT_USER_CS | 3;
	regs->ss = GDT_USER_DS | 3;
	regs->rflags = X86_EFLAGS_IF | 0x2;
}

/* Steps 3 and 4, with bprm filled and the file checked. */
static int exec_binprm(struct linux_binprm *bprm, struct pt_regs *regs)
{
	struct mm_struct *mm = elf_build_mm(bprm), *old;
	long sp;
	int err;

	if (IS_ERR(mm))
		return (int)PTR_ERR(mm);
	/* The other threads go first; this fails only if the process is
	 * being killed anyway (the signal ends it on the way out). */
	err = de_thread();
	if (!err)
		err = unshare_files_for_exec();
	if (err) {
		mmput(mm);
		return err;
	}
	exit_mm_release(current);       /* robust futexes; a vfork parent resumes */
	/* The point of no return: from here on a failure kills the process. */
	old = exchange_current_mm(mm);
	if (old)
		mmput(old);
	flush_old_exec(bprm);
	sp = setup_stack(bprm);
	if (sp < 0 || elf_clear_bss(bprm)) {
		/*
		 * The old program is gone and the new one cannot start: the
		 * registers still get a well-formed user frame (the caller may
		 * be a kernel thread becoming init, whose regs hold nothing),
		 * and the signal kills the process on its way out.
		 */
		start_thread(regs, bprm->entry, 0);
		force_sig_fault(SIGSEGV, SI_KERNEL, 0);
		return 0;
	}
	start_thread(regs, bprm->entry, (unsigned long)sp);
	return 0;
}

int do_execve(const char *path, char *const argv[], char *const envp[], bool user_ptrs,
	      struct pt_regs *regs)
{
	struct linux_binprm *bprm = kzalloc(sizeof(*bprm), GFP_KERNEL);
	long len;
	int err;

	if (!bprm)
		return -ENOMEM;
	bprm->buf = get_free_pages(GFP_KERNEL, ARG_BUF_ORDER);
	err = -ENOMEM;
	if (!bprm->buf)
		goto out_free;
	if (user_ptrs) {
		len = strncpy_from_user(bprm->path, path, sizeof(bprm->path));
		err = len < 0 ? (int)len : 0;
	} else {
		len = (long)strlcpy(bprm->path, path, sizeof(bprm->path));
		err = len >= (long)sizeof(bprm->path) ? -ENAMETOOLONG : 0;
	}
	if (!err && !bprm->path[0])
		err = -ENOENT;
	if (!err)
		err = open_exec(bprm);
	if (!err)
		err = bprm->argc = copy_strings(bprm, argv, user_ptrs);
	if (!err)                               /* argc == 0 */
		err = add_empty_argv0(bprm);
	if (err >= 0)
		err = bprm->envc = copy_strings(bprm, envp, user_ptrs);
	if (err >= 0)
		err = load_scripts(bprm);
	if (!err)
		err = elf_check_binprm(bprm);
	if (!err)
		err = exec_binprm(bprm, regs);
	elf_free_interp(bprm);
	if (bprm->file && !IS_ERR(bprm->file))
		fput(bprm->file);
	free_pages(bprm->buf, ARG_BUF_ORDER);
out_free:
	kfree(bprm);
	return err;
}

SYSCALL_DEFINE3(execve, const char *, path, char *const *, argv, char *const *, envp)
{
	return do_execve(path, argv, envp, true, task_pt_regs(current));
}
