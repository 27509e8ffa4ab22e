/*
 * ktests for the console TTY's line discipline (drivers/tty.c).
 *
 * Each test drives a private tty_struct, not the console: bytes go in
 * through tty_receive_char() (the entry the UART interrupt uses), echoes
 * land in a capture buffer instead of the UART, and the signal hook is a
 * fake that records its calls. Reads use a kernel iov_iter, mostly
 * non-blocking (-EAGAIN means "nothing readable yet"); the blocking tests
 * feed their input from a kernel thread after a delay.
 */
#include <drivers/tty.h>
#include <fs/fs.h>
#include <kernel/compiler.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>

static struct tty_struct test_tty;
static char echo_buf[256];
static size_t echo_len;
static int kill_calls, kill_pgrp_arg, kill_sig_arg;

static void capture_output(const char *s, size_t len)
{
	for (size_t i = 0; i < len && echo_len + 1 < sizeof(echo_buf); i++)
		echo_buf[echo_len++] = s[i];
	echo_buf[echo_len] = '\0';
}

static int fake_kill_pgrp(int pgrp, int sig)
{
	kill_calls++;
	kill_pgrp_arg = pgrp;
	kill_sig_arg = sig;
	return 0;
}

static struct tty_struct *setup(void)
{
	tty_init_struct(&test_tty, "ktest", capture_output, fake_kill_pgrp);
	echo_len = 0;
	echo_buf[0] = '\0';
	kill_calls = kill_pgrp_arg = kill_sig_arg = 0;
	return &test_tty;
}

static void feed(struct tty_struct *tty, const char *s)
{
	while (*s)
		tty_receive_char(tty, (u8)*s++);
}

/* A read of at most @len bytes into @buf (NUL-terminated when it fits). */
static ssize_t do_read(struct tty_struct *tty, char *buf, size_t len, bool nonblock)
{
	struct iov_iter it;
	ssize_t n;

	iov_iter_kernel(&it, buf, len);
	n = tty_read(tty, &it, nonblock);
	if (n >= 0 && (size_t)n < len)
		buf[n] = '\0';
	return n;
}

static void set_lflag(struct tty_struct *tty, tcflag_t clear, tcflag_t set, u8 vmin, u8 vtime)
{
	struct termios t;

	tty_get_termios(tty, &t);
	t.c_lflag = (t.c_lflag & ~clear) | set;
	t.c_cc[VMIN] = vmin;
	t.c_cc[VTIME] = vtime;
	tty_set_termios(tty, &t, false);
}

KTEST(tty_abi_layout)
{
	KT_EXPECT_EQ(sizeof(struct termios), 36);
	KT_EXPECT_EQ(__builtin_offsetof(struct termios, c_line), 16);
	KT_EXPECT_EQ(__builtin_offsetof(struct termios, c_cc), 17);
	KT_EXPECT_EQ(sizeof(struct winsize), 8);
}

KTEST(tty_cr_becomes_nl_and_echoes_crlf)
{
	struct tty_struct *tty = setup();
	char buf[32];

	feed(tty, "hi");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), -EAGAIN);  /* no line yet */
	feed(tty, "\r");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 3);
	KT_EXPECT_STREQ(buf, "hi\n");
	KT_EXPECT_STREQ(echo_buf, "hi\r\n");
}

KTEST(tty_one_line_per_read)
{
	struct tty_struct *tty = setup();
	char buf[32];

	feed(tty, "one\rtwo\r");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 4);
	KT_EXPECT_STREQ(buf, "one\n");
	KT_EXPECT_EQ(do_read(tty, buf, 2, true), 2);            /* a short buffer */
	KT_EXPECT(memcmp(buf, "tw", 2) == 0);
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 2);  /* the rest of the line */
	KT_EXPECT_STREQ(buf, "o\n");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), -EAGAIN);
}

KTEST(tty_erase_del_and_backspace)
{
	struct tty_struct *tty = setup();
	char buf[32];

	feed(tty, "\x7f");                      /* nothing to erase: no echo */
	feed(tty, "abx\x7f" "c\b" "d\r");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 4);
	KT_EXPECT_STREQ(buf, "abd\n");
	KT_EXPECT_STREQ(echo_buf, "abx\b \bc\b \bd\r\n");
}

KTEST(tty_erase_control_char_rubs_out_caret)
{
	struct tty_struct *tty = setup();
	char buf[32];

	feed(tty, "a\x01\x7f\r");               /* ^A echoes as two columns */
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 2);
	KT_EXPECT_STREQ(buf, "a\n");
	KT_EXPECT_STREQ(echo_buf, "a^A\b \b\b \b\r\n");
}

KTEST(tty_kill_line)
{
	struct tty_struct *tty = setup();
	char buf[32];

	feed(tty, "junk\x15" "ok\r");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 3);
	KT_EXPECT_STREQ(buf, "ok\n");
	KT_EXPECT_STREQ(echo_buf, "junk\b \b\b \b\b \b\b \bok\r\n");
}

KTEST(tty_word_erase)
{
	struct tty_struct *tty = setup();
	char buf[32];

	feed(tty, "ls foo  \x17" "bar\r");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 7);
	KT_EXPECT_STREQ(buf, "ls bar\n");
}

KTEST(tty_eof_at_line_start_reads_zero)
{
	struct tty_struct *tty = setup();
	char buf[32];

	feed(tty, "\x04" "x\r");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 0);  /* end of file */
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 2);  /* then input goes on */
	KT_EXPECT_STREQ(buf, "x\n");
	KT_EXPECT_STREQ(echo_buf, "x\r\n");                     /* ^D is not echoed */
}

KTEST(tty_eof_mid_line_pushes_line)
{
	struct tty_struct *tty = setup();
	char buf[32];

	feed(tty, "ab\x04");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 2);  /* no newline */
	KT_EXPECT_STREQ(buf, "ab");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), -EAGAIN);    /* ^D consumed */
}

KTEST(tty_ctrl_c_flushes_echoes_and_signals)
{
	struct tty_struct *tty = setup();
	char buf[32];

	feed(tty, "done\rpartial\x03");
	KT_EXPECT_STREQ(echo_buf, "done\r\npartial^C");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), -EAGAIN);    /* both flushed */
	KT_EXPECT_EQ(tty->pending_signals, 1u << SIGINT);
	KT_EXPECT_EQ(kill_calls, 0);            /* not from the interrupt path */
	tty->pgrp = 42;
	tty_deliver_signals(tty);
	KT_EXPECT_EQ(kill_calls, 1);
	KT_EXPECT_EQ(kill_pgrp_arg, 42);
	KT_EXPECT_EQ(kill_sig_arg, SIGINT);
	KT_EXPECT_EQ(tty->pending_signals, 0);
	feed(tty, "\x1c");                      /* ^\ */
	tty_deliver_signals(tty);
	KT_EXPECT_EQ(kill_sig_arg, SIGQUIT);
	feed(tty, "\r");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 1);  /* only the new line */
}

KTEST(tty_isig_off_passes_ctrl_c)
{
	struct tty_struct *tty = setup();
	char buf[32];

	set_lflag(tty, ISIG, 0, 1, 0);
	feed(tty, "\x03\r");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 2);
	KT_EXPECT_EQ(buf[0], 0x03);
	KT_EXPECT_EQ(tty->pending_signals, 0);
}

KTEST(tty_raw_mode_no_echo)
{
	struct tty_struct *tty = setup();
	char buf[32];

	set_lflag(tty, ICANON | ECHO, 0, 1, 0);
	feed(tty, "a\x7f\x15\r");               /* no editing, CR still mapped */
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 4);
	KT_EXPECT(memcmp(buf, "a\x7f\x15\n", 4) == 0);
	KT_EXPECT_EQ(echo_len, 0);
}

KTEST(tty_leaving_canon_makes_partial_line_readable)
{
	struct tty_struct *tty = setup();
	char buf[32];

	feed(tty, "abc");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), -EAGAIN);
	set_lflag(tty, ICANON, 0, 1, 0);
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 3);
	KT_EXPECT_STREQ(buf, "abc");
}

KTEST(tty_echo_off_canonical)
{
	struct tty_struct *tty = setup();
	char buf[32];

	set_lflag(tty, ECHO, 0, 1, 0);
	feed(tty, "pw\x7fx\r");
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), 3);
	KT_EXPECT_STREQ(buf, "px\n");
	KT_EXPECT_EQ(echo_len, 0);
}

/* ---- blocking reads: a kernel thread types after a delay ------------------ */

static const char *typed;
static struct completion typed_done;

static int typist(void *arg)
{
	msleep(30);
	feed(&test_tty, typed);
	complete(&typed_done);
	return 0;
}

static bool start_typist(const char *s)
{
	typed = s;
	init_completion(&typed_done);
	return kthread_run(typist, NULL, "tty_typist") != NULL;
}

KTEST(tty_blocking_read_wakes_on_line)
{
	struct tty_struct *tty = setup();
	char buf[32];

	KT_ASSERT(start_typist("hello\r"));
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), false), 6);
	KT_EXPECT_STREQ(buf, "hello\n");
	wait_for_completion(&typed_done);
}

KTEST(tty_blocking_raw_read_waits_for_vmin)
{
	struct tty_struct *tty = setup();
	char buf[32];

	set_lflag(tty, ICANON | ECHO, 0, 3, 0);
	feed(tty, "x");
	KT_ASSERT(start_typist("yz"));
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), false), 3);
	KT_EXPECT(memcmp(buf, "xyz", 3) == 0);
	wait_for_completion(&typed_done);
}

KTEST(tty_raw_vtime_times_out)
{
	struct tty_struct *tty = setup();
	u64 start = jiffies;
	char buf[8];

	set_lflag(tty, ICANON, 0, 0, 1);        /* VMIN 0, VTIME 0.1 s */
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), false), 0);
	KT_EXPECT(jiffies - start >= HZ / 10);
}

/* ---- output and ioctl ------------------------------------------------------ */

KTEST(tty_write_onlcr)
{
	struct tty_struct *tty = setup();
	struct iov_iter it;
	struct termios tio;

	iov_iter_kernel(&it, (char *)"a\nb", 3);
	KT_EXPECT_EQ(tty_write(tty, &it), 3);
	KT_EXPECT_STREQ(echo_buf, "a\r\nb");
	tty_get_termios(tty, &tio);
	tio.c_oflag &= ~OPOST;
	tty_set_termios(tty, &tio, false);
	iov_iter_kernel(&it, (char *)"\n", 1);
	KT_EXPECT_EQ(tty_write(tty, &it), 1);
	KT_EXPECT_STREQ(echo_buf, "a\r\nb\n");
}

KTEST(tty_ioctl_errors)
{
	struct tty_struct *tty = setup();
	struct termios kt;
	unsigned long kptr = (unsigned long)&kt;        /* not a user address */

	KT_EXPECT_EQ(tty_ioctl(tty, TCGETS, kptr), -EFAULT);
	KT_EXPECT_EQ(tty_ioctl(tty, TCSETS, kptr), -EFAULT);
	KT_EXPECT_EQ(tty_ioctl(tty, TIOCGWINSZ, kptr), -EFAULT);
	KT_EXPECT_EQ(tty_ioctl(tty, TIOCSPGRP, kptr), -EFAULT);
	KT_EXPECT_EQ(tty_ioctl(tty, 0x541b, kptr), -ENOTTY);    /* FIONREAD: not here */
	KT_EXPECT_EQ(tty_ioctl(tty, 0x1234, 0), -ENOTTY);
}

KTEST(tty_tcsetsf_flushes)
{
	struct tty_struct *tty = setup();
	struct termios tio;
	char buf[8];

	feed(tty, "old\r");
	tty_get_termios(tty, &tio);
	tty_set_termios(tty, &tio, true);
	KT_EXPECT_EQ(do_read(tty, buf, sizeof(buf), true), -EAGAIN);
}

KTEST(tty_console_is_char_device)
{
	struct file *f = tty_open_console(O_RDWR);
	struct kstat st;

	if (IS_ERR(f)) {
		KT_EXPECT_EQ(PTR_ERR(f), -ENODEV);      /* no console: tty_init not run */
		return;
	}
	KT_EXPECT(S_ISCHR(f->f_inode->i_mode));
	KT_EXPECT_EQ(f->f_inode->i_mode & 0777, 0620);
	KT_EXPECT(f->f_op && f->f_op->unlocked_ioctl && f->f_op->read_iter);
	KT_EXPECT(f->f_mode == (FMODE_READ | FMODE_WRITE));
	KT_EXPECT_EQ(vfs_getattr(f->f_inode, &st), 0);
	KT_EXPECT(S_ISCHR(st.mode));
	KT_EXPECT_EQ(vfs_llseek(f, 0, SEEK_SET), -ESPIPE);
	fput(f);
}
