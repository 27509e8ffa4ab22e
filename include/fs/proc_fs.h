/*
 * proc: the in-memory filesystem at /proc, kernel state as text in
 * Linux's formats (fs/proc/; docs/pseudofs.md).
 *
 *   /proc/meminfo       memory totals            fs/proc/meminfo.c
 *   /proc/vmstat        gauges and event counts  fs/proc/meminfo.c
 *   /proc/stat          per-CPU time, switches   fs/proc/cpu.c
 *   /proc/cpuinfo       one block per CPU        fs/proc/cpu.c
 *   /proc/PID/maps      a process's VMAs         fs/proc/task_mmu.c
 *   /proc/PID/exe       link to its program      fs/proc/exe.c
 *   /proc/self          the caller's /proc/PID   fs/proc/root.c
 *   /proc/PID/status    ids and memory totals    fs/proc/task_mmu.c
 *   /proc/PID/stat, cmdline, environ, comm, cwd, root, mounts, mountinfo
 *                                                fs/proc/base.c
 *   /proc/PID/fd/N      links to open files      fs/proc/fd.c
 *   /proc/uptime, loadavg                        fs/proc/misc.c
 *   /proc/self          a link to the caller's PID   fs/proc/base.c
 *   /proc/sys/kernel/  sysctls kept by their subsystems (kernel/utsname.c, ...)
 *
 * A file's text is made whole, by its show function, into a seq_buf when
 * a read starts at offset 0 (open, then read; or lseek back to 0), and
 * later reads of the same open file are served from that text. So one
 * reader sees one consistent snapshot, as long as it reads from 0 on.
 */
#ifndef _FS_PROC_FS_H
#define _FS_PROC_FS_H

#include <kernel/compiler.h>
#include <kernel/types.h>

/*
 * The buffer a show function prints into: Linux's seq_file, reduced to
 * one buffer that holds the whole text. Printing past the end sets
 * overflow and stops; the caller then retries with a buffer twice as
 * large. pad_until is the column seq_pad() pads to (seq_setwidth).
 */
struct seq_buf {
	char *buf;
	size_t size;                    /* bytes allocated */
	size_t len;                     /* bytes printed */
	size_t pad_until;               /* seq_pad pads to here */
	bool overflow;
};

__printf(2, 3) void seq_printf(struct seq_buf *m, const char *fmt, ...);
void seq_puts(struct seq_buf *m, const char *s);
/* Append @len bytes of @s (NULs too: cmdline), or mark the overflow. */
void seq_write(struct seq_buf *m, const char *s, size_t len);
void seq_putc(struct seq_buf *m, char c);
/* Mark a field @width bytes wide starting here; seq_pad() then fills with
 * spaces up to its end (if not past it already) and adds @c (0: nothing). */
void seq_setwidth(struct seq_buf *m, size_t width);
void seq_pad(struct seq_buf *m, char c);

/*
 * Run @show for @pid into a buffer that holds all it prints (retrying in
 * larger ones after an overflow). On success replace *@textp (kfree'ing
 * the old text) and set *@lenp; returns 0, show's error, or -ENOMEM.
 * Context: may sleep.
 */
int seq_make_text(int (*show)(struct seq_buf *m, int pid), int pid, char **textp,
		  size_t *lenp);

/*
 * A sysctl's number as Linux's proc_dointvec reads one: blanks, an
 * optional '-' (if @sign), decimal digits, then only blanks or a newline.
 * Returns 0 with *@val set, or -EINVAL (nothing, junk, or more than @max).
 */
int proc_parse_number(const char *buf, size_t len, bool sign, unsigned long max, long *val);

/*
 * Show functions: print the file's whole text. @pid is the process of a
 * /proc/PID file (0 for the others). Return 0 or a negative errno; they
 * may sleep, and are called again from the start after an overflow.
 */
int meminfo_show(struct seq_buf *m, int pid);
int vmstat_show(struct seq_buf *m, int pid);
int stat_show(struct seq_buf *m, int pid);
int cpuinfo_show(struct seq_buf *m, int pid);
int proc_pid_maps_show(struct seq_buf *m, int pid);
int proc_pid_status_show(struct seq_buf *m, int pid);
int proc_pid_statm_show(struct seq_buf *m, int pid);
int proc_oom_score_show(struct seq_buf *m, int pid);
int proc_oom_score_adj_show(struct seq_buf *m, int pid);
/* A write to /proc/@pid/oom_score_adj: 0 or -EINVAL / -ESRCH (fs/proc/oom.c). */
int proc_oom_score_adj_store(int pid, const char *buf, size_t len);


/* /proc/sys/kernel/randomize_va_space (kernel/binfmt_elf.c): any int, as
 * Linux's proc_dointvec. */
int randomize_va_space_show(struct seq_buf *m, int pid);
int randomize_va_space_store(const char *buf, size_t len);

/*
 * Link functions: write the target of a /proc/PID symbolic link into
 * @buf (@size bytes; NUL-terminated, but the NUL not counted) and return
 * its length, or -ENOENT (no such process, or nothing to name),
 * -ENAMETOOLONG, -ENOMEM. Context: may sleep.
 */
int proc_pid_exe_link(int pid, char *buf, size_t size);
/*
 * A sysctl write of ints, as Linux's proc_dointvec reads one: up to
 * @max_vals decimal ints (an optional '-'), separated by blanks, a
 * trailing newline allowed; after the @max_vals-th it stops, with
 * *@used the bytes taken (what the write then returns, as Linux's).
 * Returns how many were read into @vals, or -EINVAL (none, junk, outside
 * int).
 */
int proc_parse_ints(const char *buf, size_t len, long *vals, int max_vals, size_t *used);

/* fs/proc/base.c, fs/proc/misc.c: the per-process files and the rest. */
int proc_pid_stat_show(struct seq_buf *m, int pid);
int proc_pid_cmdline_show(struct seq_buf *m, int pid);
int proc_pid_environ_show(struct seq_buf *m, int pid);
int proc_pid_comm_show(struct seq_buf *m, int pid);
int proc_pid_comm_store(int pid, const char *buf, size_t len);
int proc_mounts_show(struct seq_buf *m, int pid);
int proc_mountinfo_show(struct seq_buf *m, int pid);
int proc_pid_cwd_link(int pid, char *buf, size_t size);
int proc_pid_root_link(int pid, char *buf, size_t size);
int proc_self_link(int pid, char *buf, size_t size);
int proc_thread_self_link(int pid, char *buf, size_t size);
int proc_mounts_link(int pid, char *buf, size_t size);
int uptime_show(struct seq_buf *m, int pid);
int loadavg_show(struct seq_buf *m, int pid);
int filesystems_show(struct seq_buf *m, int pid);

/* Sysctls and files kept by the subsystems whose state they show:
 * kernel/utsname.c, kernel/printk.c, kernel/sched.c. */
int version_show(struct seq_buf *m, int pid);
int hostname_show(struct seq_buf *m, int pid);
int hostname_store(const char *buf, size_t len);
int domainname_show(struct seq_buf *m, int pid);
int domainname_store(const char *buf, size_t len);
int ostype_show(struct seq_buf *m, int pid);
int osrelease_show(struct seq_buf *m, int pid);
int kernel_version_show(struct seq_buf *m, int pid);
int dmesg_restrict_show(struct seq_buf *m, int pid);
int dmesg_restrict_store(const char *buf, size_t len);
int printk_levels_show(struct seq_buf *m, int pid);
int printk_levels_store(const char *buf, size_t len);
int pid_max_show(struct seq_buf *m, int pid);
int threads_max_show(struct seq_buf *m, int pid);

/* A sysctl store (proc_entry ->store) returns 0 (the whole write taken),
 * a negative errno, or the bytes it took when it stopped early. */

/* Boot: register the "proc" filesystem type (kernel_init mounts it on
 * /proc with mount_nodev_at). */
void proc_init(void);

#endif
