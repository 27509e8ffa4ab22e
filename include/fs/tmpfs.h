/*
 * tmpfs: files in memory on shmem objects (fs/tmpfs.c, docs/tmpfs.md),
 * and the kernel's own instance behind memfd_create.
 */
#ifndef _FS_TMPFS_H
#define _FS_TMPFS_H

#include <fs/fs.h>
#include <mm/mm.h>

/* fcntl's seals on a memfd (Linux's values). */
#define F_ADD_SEALS     1033
#define F_GET_SEALS     1034
#define F_SEAL_SEAL     0x0001
#define F_SEAL_SHRINK   0x0002
#define F_SEAL_GROW     0x0004
#define F_SEAL_WRITE    0x0008

extern struct file_system_type tmpfs_fs_type;
extern const struct file_operations tmpfs_file_fops;

/* ->fault of a tmpfs file's mapping (also SysV shm's, ipc/shm.c):
 * SIGBUS wholly past EOF. Context: mmap_lock held for reading. */
vm_fault_t tmpfs_fault(struct vm_fault *vmf);
/* Register "tmpfs" and make the internal instance. Context: boot. */
void tmpfs_init(void);
/* A tmpfs of type @type limited to @max_pages (0: half of RAM, as Linux)
 * whose root has mode S_IFDIR | @root_mode. Returns it or an ERR_PTR. */
struct super_block *tmpfs_fill_super(const struct file_system_type *type,
				     unsigned long max_pages, umode_t root_mode);
/* Before unmounting a tmpfs no inode of which is in use: drop every name
 * (each holds its inode), so that the VFS can evict them all. */
void tmpfs_kill_names(struct super_block *sb);
/* Free an unmounted tmpfs that is not busy: names, inodes, pages. */
void tmpfs_kill_super(struct super_block *sb);
/* mount(2)'s data for tmpfs, "size=N[kmg%],mode=OCTAL,...", modified in
 * place: *@max_pages (0: the default, ~0UL: no limit) and the root's
 * *@mode. Returns 0 or -EINVAL for an unknown option or a bad value. */
int tmpfs_parse_options(char *data, unsigned long *max_pages, umode_t *mode);
/* Is some inode of the tmpfs @sb in use beyond its names' references
 * (open, a cwd, a mount point)? */
bool tmpfs_busy(struct super_block *sb);
/*
 * A new unlinked file of @size bytes on the internal tmpfs, opened with
 * O_* @flags, named "/@name" in /proc/PID/fd and maps. Returns it or an
 * ERR_PTR(-ENOMEM/-ENOSPC). Context: may sleep.
 */
struct file *tmpfs_file_setup(const char *name, loff_t size, unsigned int flags);
/* fcntl F_ADD_SEALS / F_GET_SEALS: -EINVAL on a file that is not a
 * tmpfs file (Linux: not a memfd). */
int tmpfs_add_seals(struct file *f, unsigned int seals);
int tmpfs_get_seals(struct file *f);
/* memfd_create(MFD_ALLOW_SEALING): take away the F_SEAL_SEAL every tmpfs
 * file starts with, so that seals can be added. */
void tmpfs_allow_sealing(struct file *f);
/* truncate of @inode to @size: -EPERM if its seals forbid it, else 0. */
int tmpfs_check_truncate(struct inode *inode, loff_t size);

#endif
