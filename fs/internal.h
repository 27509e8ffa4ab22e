/*
 * What fs/namei.c (the walk) shares with fs/namei_ops.c (the operations on
 * names): the parent of a path's last component, single-component
 * lookups, and the permission checks for adding and removing names.
 * Private to fs/.
 */
#ifndef _FS_INTERNAL_H
#define _FS_INTERNAL_H

#include <fs/fs.h>
#include <asm/uaccess.h>

/* The parent directory of @path's last component, and that component. */
struct parent {
	struct inode *dir;                      /* referenced */
	const char *name;
	size_t len;
	bool trailing_slash;                    /* "a/b/": b must be a directory */
	bool too_long;                          /* the name is longer than NAME_MAX */
};

bool is_dot(const char *name, size_t len);
bool is_dotdot(const char *name, size_t len);
/* A directory removed while still open or someone's cwd (Linux's
 * IS_DEADDIR). Stable for a holder of its inode lock. */
bool dir_is_dead(const struct inode *dir);
/* @name in directory @dir (referenced by the caller), referenced; ".."
 * from a mounted root leaves through the directory it covers. Takes the
 * directory's lock shared. */
struct inode *lookup_one(struct inode *dir, const char *name, size_t len);
/*
 * Resolve @path's parent directory into @p (p->dir referenced on success,
 * with search permission checked for the last component). lookup_parent
 * gives -ENAMETOOLONG for a last component over NAME_MAX at once;
 * lookup_parent_nolen leaves that to the caller (p->too_long). Returns 0
 * or a negative errno.
 */
int lookup_parent(struct inode *base, const char *path, struct parent *p);
int lookup_parent_nolen(struct inode *base, const char *path, struct parent *p);
/* The last component, with p->dir's inode lock already held. */
struct inode *lookup_locked(struct parent *p);
/* May current add a name to @dir (write and search), or remove @victim's
 * from it (and the sticky rule)? 0, -EACCES, -EPERM, -EROFS. */
int may_create(struct inode *dir);
int may_delete(struct inode *dir, struct inode *victim);

/* The inode a path names, from @dfd (AT_FDCWD: the cwd), following a
 * final symbolic link if @follow; "" names @dfd itself if @empty_ok
 * (AT_EMPTY_PATH). Referenced, or an ERR_PTR (fs/attr.c). */
struct inode *attr_inode(int dfd, const char __user *upath, bool follow, bool empty_ok);
/* The inode of open file @fd, referenced, or ERR_PTR(-EBADF). */
struct inode *fd_inode(unsigned int fd);

#endif
