/*
 * /proc/PID/exe: a symbolic link naming the program the process runs,
 * mm->exe_file (set by execve: the ELF file itself, not its interpreter
 * for a dynamically linked program, and for a "#!" script the script's
 * interpreter, as on Linux). The link's text is the file's path as
 * file_path() makes it, with " (deleted)" once the file is unlinked.
 *
 * Linux's /proc/PID/exe is a "magic" link: opening it reaches the very
 * file even if it was renamed or deleted. Faultline's is an ordinary one
 * whose target is that path, so open() and execve() through it go by
 * name (docs/exec.md, "/proc/PID/exe").
 *
 * Locks: the mm is held by a reference (get_pid_mm) while exe_file,
 * constant for the mm's life, is referenced; file_path() runs after
 * (it takes directory inode locks).
 */
#include <kernel/errno.h>
#include <kernel/process.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <mm/mm.h>

int proc_pid_exe_link(int pid, char *buf, size_t size)
{
	struct mm_struct *mm = get_pid_mm(pid);
	struct file *exe = NULL;
	int len;

	if (!mm)
		return -ENOENT;         /* gone, or a kernel thread: no program */
	if (mm->exe_file)
		exe = get_file(mm->exe_file);
	mmput(mm);
	if (!exe)
		return -ENOENT;
	len = file_path(exe, buf, size);
	fput(exe);
	return len;
}
