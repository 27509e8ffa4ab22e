/*
 * Helpers shared by the ext2 ktests (ext2_ktest.c, ext2_dir_ktest.c),
 * defined in ext2_ktest.c. Not a kernel interface: only the tests use it.
 */
#ifndef _FS_EXT2_EXT2_KTEST_H
#define _FS_EXT2_EXT2_KTEST_H

#include <kernel/ktest.h>
#include <fs/fs.h>

#define KT_DIR "/ktest-ext2"            /* every test's files live here */

/* Create KT_DIR (it may exist); false (a failure recorded) if impossible. */
bool ext2_kt_setup(struct kt *t);
/* Remove KT_DIR, recording a failure if something was left in it. */
void ext2_kt_teardown(struct kt *t);
struct kstatfs ext2_kt_statfs(void);
struct kstat ext2_kt_stat(const char *path, int *err);
ssize_t ext2_kt_pwrite(struct file *f, const void *buf, size_t len, loff_t pos);
ssize_t ext2_kt_pread(struct file *f, void *buf, size_t len, loff_t pos);
/* Create or truncate @path and write @text into it. */
void ext2_kt_write_small(struct kt *t, const char *path, const char *text);
/* Does @path hold exactly @text? */
bool ext2_kt_has_text(const char *path, const char *text);

#endif
