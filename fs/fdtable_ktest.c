/*
 * ktests for the file calls' kernel side: the descriptor table (lowest
 * free fd, EMFILE, close-on-exec, fork's copy), pipes between two kernel
 * threads (data in order across the ring's wrap, EOF, EPIPE, O_NONBLOCK
 * and PIPE_BUF atomicity, a blocked reader woken by the last close),
 * lookup relative to the cwd, and getcwd.
 *
 * A ktest runs in a kernel thread, which has no file table and no
 * fs_struct; each test gives the thread its own for the test's length
 * and puts the old (NULL) ones back. The path tests work under
 * /ktest-fsys and remove what they create (e2fsck checks the disk).
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/wait.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/pipe.h>
#include <mm/slab.h>

#define DIR "/ktest-fsys"

/* Give current a fresh table for one test; restore with end_files(). */
static struct files_struct *begin_files(void)
{
	struct files_struct *saved = current->files;

	current->files = files_alloc();
	return saved;
}

static void end_files(struct files_struct *saved)
{
	put_files(current->files);
	current->files = saved;
}

static struct file *new_pipe_end(struct kt *t, struct file **other)
{
	struct file *p[2];

	if (create_pipe_files(p, 0)) {
		kt_fail(t, __FILE__, __LINE__, "create_pipe_files failed");
		return NULL;
	}
	*other = p[1];
	return p[0];
}

KTEST(fdtable_lowest_free_fd)
{
	struct files_struct *saved = begin_files();
	struct file *r, *w;

	KT_ASSERT(current->files);
	r = new_pipe_end(t, &w);
	if (!r)
		goto out;
	KT_EXPECT_EQ(fd_install_new(r, 0), 0);
	KT_EXPECT_EQ(fd_install_new(w, 0), 1);
	KT_EXPECT_EQ(fd_install_new(get_file(r), 0), 2);
	KT_EXPECT_EQ(close_fd(1), 0);
	KT_EXPECT_EQ(close_fd(1), -EBADF);      /* already closed */
	KT_EXPECT_EQ(close_fd(NR_OPEN_MAX), -EBADF);
	KT_EXPECT(fget(1) == NULL);
	KT_EXPECT_EQ(fd_install_new(get_file(r), 0), 1);        /* the hole first */
	KT_EXPECT_EQ(fd_install_new(get_file(r), 0), 3);
	KT_EXPECT(fget(4) == NULL);
	w = fget(3);
	KT_EXPECT(w == r);
	fput(w);
out:
	end_files(saved);
}

KTEST(fdtable_emfile)
{
	struct files_struct *saved = begin_files();
	struct file *r, *w;
	int fd = 0, n = 0;

	r = new_pipe_end(t, &w);
	if (!r)
		goto out;
	fput(w);
	while ((fd = fd_install_new(get_file(r), 0)) >= 0)
		n++;
	KT_EXPECT_EQ(fd, -EMFILE);
	KT_EXPECT_EQ(n, NR_OPEN_MAX);
	KT_EXPECT_EQ(r->f_count, NR_OPEN_MAX + 2);      /* ours + the failed one + table */
	fput(r);                                /* the one whose install failed */
	KT_EXPECT_EQ(close_fd(700), 0);
	KT_EXPECT_EQ(fd_install_new(get_file(r), 0), 700);
	fput(r);                                /* ours; the table keeps the rest */
out:
	end_files(saved);
}

KTEST(fdtable_close_on_exec_and_dup)
{
	struct files_struct *saved = begin_files();
	struct files_struct *copy;
	struct file *r, *w;

	r = new_pipe_end(t, &w);
	if (!r)
		goto out;
	KT_EXPECT_EQ(fd_install_new(r, 0), 0);
	KT_EXPECT_EQ(fd_install_new(w, O_CLOEXEC), 1);
	KT_EXPECT_EQ(do_fcntl(1, F_GETFD, 0), FD_CLOEXEC);
	KT_EXPECT_EQ(do_fcntl(0, F_GETFD, 0), 0);
	KT_EXPECT_EQ(do_fcntl(0, F_DUPFD_CLOEXEC, 5), 5);
	KT_EXPECT_EQ(do_fcntl(5, F_GETFD, 0), FD_CLOEXEC);
	/* The last slot, and the first of the open_fds bitmap's second word:
	 * fork's copy and the closes walk that bitmap. */
	KT_EXPECT_EQ(do_fcntl(0, F_DUPFD, NR_OPEN_MAX - 1), NR_OPEN_MAX - 1);
	KT_EXPECT_EQ(do_fcntl(0, F_DUPFD_CLOEXEC, 64), 64);
	KT_EXPECT_EQ(do_fcntl(9, F_GETFD, 0), -EBADF);
	KT_EXPECT_EQ(do_fcntl(0, F_DUPFD, NR_OPEN_MAX), -EINVAL);
	KT_EXPECT_EQ(do_fcntl(1, F_GETFL, 0) & (O_ACCMODE | O_NONBLOCK), O_WRONLY);
	KT_EXPECT_EQ(do_fcntl(1, F_SETFL, O_NONBLOCK | O_RDWR), 0);
	KT_EXPECT_EQ(do_fcntl(1, F_GETFL, 0) & (O_ACCMODE | O_NONBLOCK), O_WRONLY | O_NONBLOCK);

	copy = dup_files(current->files);       /* what fork does */
	KT_ASSERT(copy);
	KT_EXPECT_EQ(r->f_count, 8);            /* fds 0, 5, 64 and 1023, in both tables */
	do_close_on_exec(current->files);
	KT_EXPECT(fget(0) == r);
	fput(r);
	KT_EXPECT(fget(NR_OPEN_MAX - 1) == r);
	fput(r);
	KT_EXPECT(fget(1) == NULL);
	KT_EXPECT(fget(5) == NULL);
	KT_EXPECT(fget(64) == NULL);
	KT_EXPECT_EQ(r->f_count, 6);
	put_files(copy);                        /* closes the copy's 0, 1, 5, 64 and 1023 */
	KT_EXPECT_EQ(r->f_count, 2);
out:
	end_files(saved);
}

/* ---- pipes --------------------------------------------------------------------------- */

#define PIPE_TEST_BYTES (3 * PIPE_BUFFERS * PAGE_SIZE + 1000)   /* wraps the ring */

struct pipe_thread {
	struct file *f;
	struct completion done;
	long result;
	size_t total;
	bool in_order;
};

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

/* Write PIPE_TEST_BYTES in odd-sized pieces, then close the write end. */
static int pipe_writer(void *p)
{
	struct pipe_thread *pt = p;
	unsigned char *buf = kmalloc(3001, GFP_KERNEL);
	size_t done = 0;

	pt->result = buf ? 0 : -ENOMEM;
	while (buf && done < PIPE_TEST_BYTES) {
		size_t n = min((size_t)3001, PIPE_TEST_BYTES - done);
		loff_t pos = 0;
		ssize_t w;

		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(done + i);
		w = kernel_write(pt->f, buf, n, &pos);
		if (w <= 0) {
			pt->result = w;
			break;
		}
		done += (size_t)w;
	}
	pt->total = done;
	kfree(buf);
	fput(pt->f);                            /* the last writer: EOF for the reader */
	complete(&pt->done);
	return 0;
}

/* Read until EOF, checking the bytes. */
static int pipe_reader(void *p)
{
	struct pipe_thread *pt = p;
	unsigned char *buf = kmalloc(5000, GFP_KERNEL);
	ssize_t r = 0;

	pt->in_order = buf != NULL;
	while (buf) {
		loff_t pos = 0;

		r = kernel_read(pt->f, buf, 5000, &pos);
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] != pattern(pt->total + (size_t)i))
				pt->in_order = false;
		pt->total += (size_t)r;
	}
	pt->result = r;
	kfree(buf);
	complete(&pt->done);
	return 0;
}

KTEST(pipe_two_threads_data_then_eof)
{
	struct pipe_thread rd = { 0 }, wr = { 0 };
	struct file *p[2];

	KT_ASSERT_EQ(create_pipe_files(p, 0), 0);
	rd.f = p[0];
	wr.f = p[1];
	init_completion(&rd.done);
	init_completion(&wr.done);
	KT_ASSERT(kthread_run(pipe_reader, &rd, "kt-pipe-rd"));
	KT_ASSERT(kthread_run(pipe_writer, &wr, "kt-pipe-wr"));
	wait_for_completion(&wr.done);
	wait_for_completion(&rd.done);
	KT_EXPECT_EQ(wr.result, 0);
	KT_EXPECT_EQ(wr.total, PIPE_TEST_BYTES);
	KT_EXPECT_EQ(rd.result, 0);             /* EOF, not an error */
	KT_EXPECT_EQ(rd.total, PIPE_TEST_BYTES);
	KT_EXPECT(rd.in_order);
	fput(p[0]);
}

KTEST(pipe_epipe_when_no_reader)
{
	struct file *p[2];
	char c = 'x';
	loff_t pos = 0;

	KT_ASSERT_EQ(create_pipe_files(p, 0), 0);
	KT_EXPECT_EQ(kernel_write(p[1], &c, 1, &pos), 1);
	fput(p[0]);
	KT_EXPECT_EQ(kernel_write(p[1], &c, 1, &pos), -EPIPE);
	KT_EXPECT_EQ(kernel_read(p[1], &c, 1, &pos), -EBADF);   /* the write end */
	KT_EXPECT_EQ(vfs_llseek(p[1], 0, SEEK_SET), -ESPIPE);
	fput(p[1]);
}

KTEST(pipe_nonblock_and_pipe_buf_atomicity)
{
	const size_t cap = PIPE_BUFFERS * PAGE_SIZE;
	char *buf = kzalloc(cap, GFP_KERNEL);
	struct file *p[2];
	loff_t pos = 0;
	struct kstat st;

	KT_ASSERT(buf);
	KT_ASSERT_EQ(create_pipe_files(p, O_NONBLOCK), 0);
	KT_EXPECT_EQ(kernel_read(p[0], buf, 10, &pos), -EAGAIN);       /* empty, writer open */
	/* 15 full buffers and a 16th holding 3996 bytes: the ring is full. */
	KT_EXPECT_EQ(kernel_write(p[1], buf, cap - 100, &pos), (ssize_t)(cap - 100));
	/* 200 <= PIPE_BUF bytes do not fit the last page (3996 + 200 > 4096)
	 * and no buffer is free: nothing is written. */
	KT_EXPECT_EQ(kernel_write(p[1], buf, 200, &pos), -EAGAIN);
	/* A larger write may be split: its tail (4097 % 4096 = 1 byte) tops
	 * up the last buffer, then the ring is full. */
	KT_EXPECT_EQ(kernel_write(p[1], buf, PIPE_BUF + 1, &pos), 1);
	KT_EXPECT_EQ(kernel_write(p[1], buf, 1, &pos), 1);
	KT_EXPECT_EQ(kernel_write(p[1], buf, PIPE_BUF, &pos), -EAGAIN);
	KT_EXPECT_EQ(kernel_read(p[0], buf, cap, &pos), (ssize_t)(cap - 98));
	KT_EXPECT_EQ(vfs_getattr(p[0]->f_inode, &st), 0);
	KT_EXPECT(S_ISFIFO(st.mode));
	KT_EXPECT_EQ(st.nlink, 1);
	fput(p[1]);
	KT_EXPECT_EQ(kernel_read(p[0], buf, 10, &pos), 0);    /* EOF beats EAGAIN */
	fput(p[0]);
	kfree(buf);
}

/* A reader asleep on an empty pipe is woken by the last writer's close. */
KTEST(pipe_blocked_reader_sees_eof_on_close)
{
	struct pipe_thread rd = { 0 };
	struct file *p[2];

	KT_ASSERT_EQ(create_pipe_files(p, 0), 0);
	rd.f = p[0];
	init_completion(&rd.done);
	KT_ASSERT(kthread_run(pipe_reader, &rd, "kt-pipe-rd"));
	msleep(30);                             /* let it block */
	KT_EXPECT(!rd.done.done);
	fput(p[1]);
	wait_for_completion(&rd.done);
	KT_EXPECT_EQ(rd.result, 0);
	KT_EXPECT_EQ(rd.total, 0);
	fput(p[0]);
}

/* ---- relative lookup and getcwd ------------------------------------------------------- */

static bool have_root(struct kt *t)
{
	if (root_sb())
		return true;
	kt_fail(t, __FILE__, __LINE__, "no root filesystem mounted");
	return false;
}

/* chdir for the test thread (the reference is set_fs_pwd's). */
static void kt_chdir(struct kt *t, const char *path)
{
	struct inode *dir = namei(path);

	if (IS_ERR(dir)) {
		kt_fail(t, __FILE__, __LINE__, "chdir %s: %ld", path, PTR_ERR(dir));
		return;
	}
	set_fs_pwd(current->fs, dir);
}

static int kt_getcwd(char *buf, size_t size)
{
	return vfs_getcwd(current->fs->pwd, buf, size);
}

KTEST(namei_relative_to_cwd)
{
	struct fs_struct *saved = current->fs;
	struct inode *a, *b;
	struct file *f;

	if (!have_root(t))
		return;
	current->fs = fs_alloc();
	KT_ASSERT(current->fs);
	vfs_mkdir(DIR, 0755);
	KT_EXPECT_EQ(vfs_mkdir(DIR "/sub", 0755), 0);
	kt_chdir(t, DIR);
	f = filp_open("sub/../file", O_CREAT | O_RDWR, 0644);
	KT_EXPECT(!IS_ERR(f));
	if (!IS_ERR(f))
		fput(f);
	a = namei("file");
	b = namei(DIR "/file");
	KT_EXPECT(!IS_ERR(a) && a == b);
	if (!IS_ERR(a))
		iput(a);
	if (!IS_ERR(b))
		iput(b);
	KT_EXPECT_EQ(vfs_rename("file", "sub/moved"), 0);
	kt_chdir(t, "sub");
	a = namei("moved");
	KT_EXPECT(!IS_ERR(a));
	if (!IS_ERR(a))
		iput(a);
	KT_EXPECT_EQ(vfs_unlink("./moved"), 0);
	KT_EXPECT_EQ(PTR_ERR(namei("moved")), -ENOENT);
	KT_EXPECT_EQ(PTR_ERR(namei("")), -ENOENT);
	kt_chdir(t, "..");
	KT_EXPECT_EQ(vfs_rmdir("sub"), 0);
	kt_chdir(t, "/");
	KT_EXPECT_EQ(vfs_rmdir("ktest-fsys"), 0);
	put_fs_struct(current->fs);
	current->fs = saved;
}

KTEST(getcwd_paths_and_erange)
{
	struct fs_struct *saved = current->fs;
	char buf[64];

	if (!have_root(t))
		return;
	current->fs = fs_alloc();
	KT_ASSERT(current->fs);
	KT_EXPECT_EQ(kt_getcwd(buf, sizeof(buf)), 2);   /* "/" and the NUL */
	KT_EXPECT_STREQ(buf, "/");
	vfs_mkdir(DIR, 0755);
	KT_EXPECT_EQ(vfs_mkdir(DIR "/deeper", 0755), 0);
	kt_chdir(t, DIR "/deeper");
	KT_EXPECT_EQ(kt_getcwd(buf, sizeof(buf)), (int)sizeof(DIR "/deeper"));
	KT_EXPECT_STREQ(buf, DIR "/deeper");
	KT_EXPECT_EQ(kt_getcwd(buf, sizeof(DIR "/deeper") - 1), -ERANGE);
	KT_EXPECT_EQ(kt_getcwd(buf, 0), -ERANGE);
	/* The cwd removed: getcwd says ENOENT, as Linux. */
	KT_EXPECT_EQ(vfs_rmdir(DIR "/deeper"), 0);
	KT_EXPECT_EQ(kt_getcwd(buf, sizeof(buf)), -ENOENT);
	kt_chdir(t, "/");
	KT_EXPECT_EQ(vfs_rmdir(DIR), 0);
	put_fs_struct(current->fs);
	current->fs = saved;
}
