/*
 * ktests for mount points, devfs, proc's text buffer and file_path(), on
 * the /dev and /proc that kernel_init mounted before the tests run.
 *
 * What user programs cannot see is tested here: that a path walk really
 * lands in another super_block, that devfs hands the driver's private
 * pointer to the file, that the directory operations devfs and proc lack
 * are refused with Linux's errnos, and that a /proc text larger than a page
 * is made whole. The one file created (/ktest-pseudofs.tmp) is removed.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <fs/devfs.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <mm/slab.h>

static bool have_mounts(struct kt *t)
{
	struct inode *dev = root_sb() ? namei("/dev") : ERR_PTR(-ENOENT);
	bool ok = !IS_ERR(dev) && dev->i_sb != root_sb();

	if (!IS_ERR(dev))
		iput(dev);
	if (!ok)
		kt_fail(t, __FILE__, __LINE__, "no devfs mounted on /dev");
	return ok;
}

KTEST(mount_walk_crosses_both_ways)
{
	struct inode *dev, *null, *up, *proc, *covered;
	char buf[64];

	if (!have_mounts(t))
		return;
	dev = namei("/dev");
	null = namei("/dev/null");
	up = namei("/dev/..");
	proc = namei("/dev/../proc/.");		/* (a kernel thread has no /proc/self) */
	KT_ASSERT(!IS_ERR(dev) && !IS_ERR(null) && !IS_ERR(up) && !IS_ERR(proc));
	KT_EXPECT(dev == dev->i_sb->s_root);            /* the mounted root, not the directory */
	KT_EXPECT(null->i_sb == dev->i_sb && S_ISCHR(null->i_mode));
	KT_EXPECT(up == root_sb()->s_root);             /* ".." through the covered directory */
	KT_EXPECT(proc == proc->i_sb->s_root && proc->i_sb != dev->i_sb);
	KT_EXPECT(dev->i_sb->s_dev != root_sb()->s_dev && proc->i_sb->s_dev != dev->i_sb->s_dev);
	covered = mount_covered(dev);
	KT_EXPECT(covered && covered->i_sb == root_sb() && S_ISDIR(covered->i_mode));
	iput(covered);
	KT_EXPECT(mount_covered(up) == NULL);
	KT_EXPECT_EQ(vfs_getcwd(proc, buf, sizeof(buf)), sizeof("/proc"));
	KT_EXPECT_STREQ(buf, "/proc");
	iput(proc);
	iput(up);
	iput(null);
	iput(dev);
}

KTEST(mount_pseudo_dirs_refuse_changes)
{
	struct file *f;

	if (!have_mounts(t))
		return;
	KT_EXPECT_EQ(vfs_mkdir("/dev/ktest", 0755), -EPERM);
	f = filp_open("/proc/ktest", O_RDWR | O_CREAT, 0644);
	KT_EXPECT_EQ(IS_ERR(f) ? PTR_ERR(f) : 0, -EACCES);
	if (!IS_ERR(f))
		fput(f);
	KT_EXPECT_EQ(vfs_unlink("/dev/null"), -EPERM);
	KT_EXPECT_EQ(vfs_rmdir("/proc"), -EBUSY);       /* a mount point */
	KT_EXPECT_EQ(vfs_rename("/dev", "/ktest-dev"), -EBUSY);
	KT_EXPECT_EQ(vfs_link("/dev/null", "/ktest-null"), -EXDEV);
	KT_EXPECT_EQ(vfs_mkdir("/proc", 0755), -EEXIST);
}

/* A device of the test's own: its read reports which private pointer the
 * file was given. */
static int ktest_dev_cookie;

static ssize_t ktest_dev_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	char c = file->private_data == &ktest_dev_cookie ? 'y' : 'n';

	return (ssize_t)copy_to_iter(&c, 1, to);
}

static const struct file_operations ktest_dev_fops = {
	.read_iter = ktest_dev_read,
};

KTEST(devfs_register_and_open)
{
	struct kstat st;
	struct file *f;
	loff_t pos = 0;
	char c = 0;

	if (!have_mounts(t))
		return;
	KT_ASSERT_EQ(devfs_register("ktest-dev", 0640, &ktest_dev_fops, &ktest_dev_cookie), 0);
	KT_EXPECT_EQ(devfs_register("ktest-dev", 0640, &ktest_dev_fops, NULL), -EEXIST);
	KT_EXPECT_EQ(devfs_register("a/b", 0640, &ktest_dev_fops, NULL), -EINVAL);
	KT_EXPECT_EQ(devfs_register("..", 0640, &ktest_dev_fops, NULL), -EINVAL);
	KT_EXPECT_EQ(devfs_register("", 0640, &ktest_dev_fops, NULL), -EINVAL);
	/* Registered after the mount: it appears at once. */
	KT_ASSERT_EQ(vfs_stat("/dev/ktest-dev", &st), 0);
	KT_EXPECT_EQ(st.mode, S_IFCHR | 0640);
	KT_EXPECT_EQ(dev_major(st.rdev), 10);
	f = filp_open("/dev/ktest-dev", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EXPECT(f->f_op == &ktest_dev_fops);
	KT_EXPECT_EQ(kernel_read(f, &c, 1, &pos), 1);
	KT_EXPECT_EQ(c, 'y');
	fput(f);
}

KTEST(file_path_names)
{
	static const char tmp[] = "/ktest-pseudofs.tmp";
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	struct file *f;

	if (!have_mounts(t) || !buf) {
		kfree(buf);
		return;
	}
	f = filp_open("/data/../data/./hello.txt", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EXPECT_EQ(file_path(f, buf, PATH_MAX), strlen("/data/hello.txt"));
	KT_EXPECT_STREQ(buf, "/data/hello.txt");
	KT_EXPECT_EQ(file_path(f, buf, 8), -ENAMETOOLONG);
	fput(f);
	/* A kernel thread has no cwd: a relative name starts at the root. */
	f = filp_open("dev//null", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EXPECT(file_path(f, buf, PATH_MAX) > 0 && strcmp(buf, "/dev/null") == 0);
	fput(f);
	f = filp_open(tmp, O_RDWR | O_CREAT, 0644);
	KT_ASSERT(!IS_ERR(f));
	KT_EXPECT_EQ(vfs_unlink(tmp), 0);
	KT_EXPECT(file_path(f, buf, PATH_MAX) > 0 &&
		  strcmp(buf, "/ktest-pseudofs.tmp (deleted)") == 0);
	fput(f);
	kfree(buf);
}

/* Prints 3000 numbered lines: about 20 KiB, five times the first buffer. */
static int ktest_long_show(struct seq_buf *m, int pid)
{
	for (int i = 0; i < 3000; i++)
		seq_printf(m, "line %05d\n", i + pid);
	return 0;
}

KTEST(proc_text_grows_past_a_page)
{
	char *text = NULL;
	size_t len = 0;

	KT_ASSERT_EQ(seq_make_text(ktest_long_show, 0, &text, &len), 0);
	KT_EXPECT_EQ(len, 3000 * 11);
	KT_EXPECT(text && memcmp(text, "line 00000\n", 11) == 0 &&
		  memcmp(text + len - 11, "line 02999\n", 11) == 0);
	kfree(text);
}
