/*
 * /proc/PID/fd: one symbolic link per open descriptor of a process, named
 * by the number, whose target names the open file as Linux's d_path does:
 * the file's path (file_path(): " (deleted)" once unlinked), "pipe:[INO]"
 * for a pipe, "/dev/console" for the console init was given, and
 * "anon_inode:[INO]" for any other file opened without a name.
 *
 * Like every proc inode, /proc/PID/fd/N is made from its number
 * (PROC_FD_INO_BASE | PID << PROC_FD_SHIFT | N, above every /proc/PID
 * number: fs/proc/internal.h) and holds nothing: the target is read from
 * the process's table each time the link is read, so a descriptor closed
 * meanwhile reads as -ENOENT, and one reused names its new file. The
 * directory is its owner's, mode 0500, and each link's mode shows the
 * descriptor's access (lr-x------ for O_RDONLY, l-wx------, lrwx------), as
 * on Linux. Faultline does not ask ptrace's permission for another user's
 * links (Linux does); the directory's mode keeps other users out.
 *
 * Locks: tasklist_lock to take a reference to the table (get_pid_files),
 * then its file_lock to take one to the file (files_fget); file_path then
 * runs with no lock held.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/fdtable.h>
#include <fs/pseudofs.h>
#include <fs/stat.h>
#include <mm/slab.h>
#include "internal.h"

#define CONSOLE_RDEV    makedev(5, 1)

static unsigned long proc_fd_ino(int pid, unsigned int fd)
{
	return PROC_FD_INO_BASE | ((unsigned long)pid << PROC_FD_SHIFT) | fd;
}

/* The file at @fd of process @pid, referenced, or NULL. */
static struct file *pid_fget(int pid, unsigned int fd)
{
	struct files_struct *files = get_pid_files(pid);
	struct file *f;

	if (!files)
		return NULL;
	f = files_fget(files, fd);
	put_files(files);
	return f;
}

/*
 * What /proc/PID/fd/N says about @f: written NUL-terminated into @buf
 * (@size bytes). Returns the length or -ENAMETOOLONG. Context: may sleep.
 */
int proc_fd_link_text(struct file *f, char *buf, size_t size)
{
	struct inode *inode = f->f_inode;
	int len = file_path(f, buf, size);

	if (len != -ENOENT)
		return len;
	if (S_ISFIFO(inode->i_mode))
		len = snprintf(buf, size, "pipe:[%lu]", inode->i_ino);
	else if (S_ISCHR(inode->i_mode) && inode->i_rdev == CONSOLE_RDEV)
		len = snprintf(buf, size, "/dev/console");
	else
		len = snprintf(buf, size, "anon_inode:[%lu]", inode->i_ino);
	return len < (int)size ? len : -ENAMETOOLONG;
}

/* inode_operations->get_link of /proc/PID/fd/N. */
static int proc_fd_get_link(struct inode *inode, char *buf, size_t size)
{
	struct proc_inode *pi = PROC_I(inode);
	struct file *f = pid_fget(pi->pid, (unsigned int)pi->fd);
	char *tmp;
	int len;

	if (!f)
		return -ENOENT;
	tmp = kmalloc(PATH_MAX, GFP_KERNEL);
	len = tmp ? proc_fd_link_text(f, tmp, PATH_MAX) : -ENOMEM;
	if (len >= 0) {
		len = min(len, (int)size);
		memcpy(buf, tmp, (size_t)len);
	}
	kfree(tmp);
	fput(f);
	return len;
}

static const struct inode_operations proc_fd_link_iops = {
	.get_link = proc_fd_get_link,
};

/* The link's mode from the descriptor's access, as Linux's. */
static umode_t fd_link_mode(const struct file *f)
{
	return S_IFLNK | 0100 | (f->f_mode & FMODE_READ ? 0400 : 0) |
	       (f->f_mode & FMODE_WRITE ? 0200 : 0);
}

static struct inode *proc_fd_lookup(struct inode *dir, const char *name, size_t len)
{
	int pid = PROC_I(dir)->pid, fd = name_to_pid(name, len);
	struct inode *inode;
	struct file *f;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return proc_pid_dir_iget(dir->i_sb, pid);
	if (fd < 0 || fd >= NR_OPEN_MAX)
		return ERR_PTR(-ENOENT);
	f = pid_fget(pid, (unsigned int)fd);
	if (!f)
		return ERR_PTR(-ENOENT);
	inode = iget_locked(dir->i_sb, proc_fd_ino(pid, (unsigned int)fd));
	if (!IS_ERR(inode) && (inode->i_state & I_NEW)) {
		PROC_I(inode)->entry = NULL;
		PROC_I(inode)->pid = pid;
		PROC_I(inode)->fd = fd;
		pseudo_inode_init(inode, fd_link_mode(f), 1);
		inode->i_op = &proc_fd_link_iops;
		unlock_new_inode(inode);
	} else if (!IS_ERR(inode)) {
		/* the descriptor may name another file since: show its access */
		WRITE_ONCE(inode->i_mode, fd_link_mode(f));
	}
	fput(f);
	if (!IS_ERR(inode))
		proc_pid_set_owner(inode, pid);
	return inode;
}

/* ".", "..", then the open descriptors in order (cookie DIR_POS_FIRST + fd). */
static int proc_fd_readdir(struct file *file, struct dir_context *ctx)
{
	int pid = PROC_I(file->f_inode)->pid;
	struct files_struct *files;
	char name[16];
	int fd;

	if (ctx->pos < 0)
		return -EINVAL;
	if (!dir_emit_dots(ctx, proc_pid_ino(pid, PROC_FD_IDX), proc_pid_ino(pid, 0)))
		return 0;
	files = get_pid_files(pid);
	if (!files)
		return 0;
	fd = files_next_fd(files, (unsigned int)(ctx->pos - DIR_POS_FIRST));
	for (; fd >= 0; fd = files_next_fd(files, (unsigned int)fd + 1)) {
		size_t len = (size_t)snprintf(name, sizeof(name), "%d", fd);

		if (!dir_emit(ctx, name, len, proc_fd_ino(pid, (unsigned int)fd), DT_LNK,
			      DIR_POS_FIRST + fd))
			break;
	}
	put_files(files);
	return 0;
}

static const struct inode_operations proc_fd_dir_iops = {
	.lookup = proc_fd_lookup,
};

static const struct file_operations proc_fd_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate = proc_fd_readdir,
};

struct inode *proc_fd_dir_iget(struct super_block *sb, int pid)
{
	struct inode *inode = iget_locked(sb, proc_pid_ino(pid, PROC_FD_IDX));

	if (IS_ERR(inode) || !(inode->i_state & I_NEW))
		return inode;
	PROC_I(inode)->entry = NULL;
	PROC_I(inode)->pid = pid;
	PROC_I(inode)->fd = -1;
	pseudo_inode_init(inode, S_IFDIR | 0500, 2);
	proc_pid_set_owner(inode, pid);
	inode->i_op = &proc_fd_dir_iops;
	inode->i_fop = &proc_fd_dir_fops;
	unlock_new_inode(inode);
	return inode;
}
