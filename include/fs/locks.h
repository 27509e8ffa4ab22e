/*
 * File locks (fs/locks.c): POSIX record locks, open-file-description
 * locks and flock, as Linux keeps them. The VFS calls in at three points:
 * a close() by a process drops its POSIX locks on that file
 * (locks_remove_posix), the last reference to an open file drops its OFD
 * and flock locks (locks_remove_file), and a freed inode frees its lock
 * context (locks_free_inode).
 */
#ifndef _FS_LOCKS_H
#define _FS_LOCKS_H

struct file;
struct files_struct;
struct inode;

#define F_GETLK         5
#define F_SETLK         6
#define F_SETLKW        7
#define F_OFD_GETLK     36
#define F_OFD_SETLK     37
#define F_OFD_SETLKW    38

/* fcntl's lock commands on @f. Context: may sleep (F_SETLKW). */
long fcntl_lock(struct file *f, unsigned int cmd, unsigned long arg);
/* @files (a process) closes a descriptor of @file: its POSIX locks on the
 * file go. Context: may sleep. */
void locks_remove_posix(struct file *file, struct files_struct *files);
/* @file's last reference is going: its OFD and flock locks go. */
void locks_remove_file(struct file *file);
/* @inode is being freed. */
void locks_free_inode(struct inode *inode);

#endif
