/*
 * The console TTY: a line discipline on the COM1 UART (include/drivers/tty.h,
 * docs/tty.md).
 *
 * What this file owns: struct tty_struct's input ring and termios, the
 * line discipline (tty_receive_char and its helpers), read/write/ioctl,
 * the console's anonymous character-device inode and its file operations
 * (also registered with devfs as /dev/console),
 * and the worker thread that sends ^C/^\ signals.
 *
 * Paths:
 *   UART IRQ 4 -> serial_interrupt (arch/x86_64/serial.c) -> tty_receive_char
 *     -> edit the ring, echo (console lock), wake read_wait / signal_wait
 *   read() -> tty_read: sleep on read_wait (TASK_INTERRUPTIBLE) until input
 *     is committed; copy it out with tty->lock dropped (the copy may fault)
 *   write() -> tty_write: copy a chunk in, then output it under the console
 *     lock, the one printk holds, so kernel messages never split it
 *
 * Locks (legend in the header): tty->lock (irqsave) guards the ring and
 * termios; it is taken by the interrupt handler, so it is never held
 * across a user copy or a sleep. A reader peeks at committed bytes under
 * the lock, copies them out without it, then retakes it and advances
 * read_tail; a flush meanwhile (^C) bumps flush_gen, and the reader then
 * leaves read_tail alone (the bytes it copied were flushed after it took
 * them, as if the ^C came later). read_mutex makes the reader the only
 * one advancing read_tail; the interrupt only appends or flushes.
 */
#include <drivers/tty.h>
#include <fs/devfs.h>
#include <fs/fs.h>
#include <kernel/console.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <fs/poll.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

#define TTY_MASK        (TTY_BUF_SIZE - 1)
#define TTY_CHUNK       128             /* bytes copied per lock hold */
#define CTRL(c)         ((c) & 0x1f)
#define DEL             0x7f

#define TTY_WAKE_READERS 0x1
#define TTY_WAKE_SIGNALS 0x2

#define L_FLAG(tty, f)  ((tty)->termios.c_lflag & (f))
#define I_FLAG(tty, f)  ((tty)->termios.c_iflag & (f))
#define CC(tty, i)      ((tty)->termios.c_cc[i])

/* Is @c the (enabled) special character c_cc[@i]? 0 disables an entry. */
static bool is_cc(struct tty_struct *tty, u8 c, int i)
{
	return CC(tty, i) != 0 && c == CC(tty, i);
}

/* Linux's tty_std_termios, with the serial console's line settings. */
static const struct termios tty_default_termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = {
		[VINTR] = CTRL('C'), [VQUIT] = CTRL('\\'), [VERASE] = DEL,
		[VKILL] = CTRL('U'), [VEOF] = CTRL('D'), [VTIME] = 0, [VMIN] = 1,
		[VSTART] = CTRL('Q'), [VSTOP] = CTRL('S'), [VSUSP] = CTRL('Z'),
		[VREPRINT] = CTRL('R'), [VDISCARD] = CTRL('O'), [VWERASE] = CTRL('W'),
		[VLNEXT] = CTRL('V'),
	},
};

void tty_init_struct(struct tty_struct *tty, const char *name,
		     void (*output)(const char *s, size_t len),
		     int (*kill_pgrp)(int pgrp, int sig))
{
	memset(tty, 0, sizeof(*tty));
	tty->name = name;
	spin_lock_init(&tty->lock, "tty->lock");
	tty->termios = tty_default_termios;
	tty->winsize = (struct winsize){ .ws_row = TTY_DEFAULT_ROWS, .ws_col = TTY_DEFAULT_COLS };
	tty->pgrp = 1;
	init_waitqueue_head(&tty->read_wait, "tty->read_wait");
	init_waitqueue_head(&tty->signal_wait, "tty->signal_wait");
	mutex_init(&tty->read_mutex, "tty->read_mutex");
	mutex_init(&tty->write_mutex, "tty->write_mutex");
	tty->output = output;
	tty->kill_pgrp = kill_pgrp;
}

/* ---- output ---------------------------------------------------------------- */

/*
 * Write @len bytes with output processing (OPOST|ONLCR: "\n" -> "\r\n"),
 * as one unit under the console lock. Context: any; interrupts may be off.
 */
static void tty_output(struct tty_struct *tty, const char *s, size_t len)
{
	u32 oflag = READ_ONCE(tty->termios.c_oflag);
	bool onlcr = (oflag & (OPOST | ONLCR)) == (OPOST | ONLCR);
	unsigned long flags = console_lock_irqsave();
	size_t start = 0;

	for (size_t i = 0; onlcr && i < len; i++) {
		if (s[i] != '\n')
			continue;
		tty->output(s + start, i - start);
		tty->output("\r\n", 2);
		start = i + 1;
	}
	tty->output(s + start, len - start);
	console_unlock_irqrestore(flags);
}

static bool is_ctrl_echo(u8 c)
{
	return (c < ' ' && c != '\t' && c != '\n') || c == DEL;
}

/* Echo one input byte as the terminal should show it: control characters
 * as ^X under ECHOCTL. Context: tty->lock held. */
static void echo_char(struct tty_struct *tty, u8 c)
{
	char s[2] = { (char)c };

	if (!L_FLAG(tty, ECHO)) {
		if (c == '\n' && L_FLAG(tty, ECHONL))
			tty_output(tty, "\n", 1);
		return;
	}
	if (is_ctrl_echo(c) && L_FLAG(tty, ECHOCTL)) {
		s[0] = '^';
		s[1] = (char)(c ^ 0x40);        /* ^C for 0x03, ^? for DEL */
		tty_output(tty, s, 2);
		return;
	}
	tty_output(tty, s, 1);
}

/* Rub out the echo of @c on the screen: "\b \b", twice for a ^X. */
static void echo_erase(struct tty_struct *tty, u8 c)
{
	if (!L_FLAG(tty, ECHO))
		return;
	tty_output(tty, "\b \b", 3);
	if (is_ctrl_echo(c) && L_FLAG(tty, ECHOCTL))
		tty_output(tty, "\b \b", 3);
}

/* ---- the input ring -------------------------------------------------------- */

/* Discard all pending input, committed or not. Context: tty->lock held. */
static void tty_flush_input(struct tty_struct *tty)
{
	tty->read_tail = tty->canon_head = tty->read_head;
	tty->flush_gen++;
}

/*
 * Append @c to the line being edited. The last free slot is kept for a line
 * end, so a full ring never leaves a canonical reader waiting for a newline
 * that cannot be stored. Returns false (and drops @c) when full.
 * Context: tty->lock held.
 */
static bool tty_put(struct tty_struct *tty, u8 c, u8 slot_flags)
{
	size_t used = tty->read_head - tty->read_tail;
	size_t room = slot_flags ? TTY_BUF_SIZE : TTY_BUF_SIZE - 1;

	if (used >= room)
		return false;
	tty->buf[tty->read_head & TTY_MASK] = c;
	tty->flags[tty->read_head & TTY_MASK] = slot_flags;
	tty->read_head++;
	return true;
}

/* Make everything received readable. Context: tty->lock held. */
static void tty_commit(struct tty_struct *tty)
{
	tty->canon_head = tty->read_head;
}

/* ---- the line discipline --------------------------------------------------- */

/* ^C / ^\: flush (unless NOFLSH), echo, queue @sig for the worker. */
static unsigned int ldisc_signal(struct tty_struct *tty, u8 c, int sig)
{
	if (!L_FLAG(tty, NOFLSH))
		tty_flush_input(tty);
	echo_char(tty, c);
	tty->pending_signals |= 1u << sig;
	return TTY_WAKE_SIGNALS;
}

/* Erase the last character of the line being edited. Returns false if the
 * line is empty. */
static bool ldisc_erase_one(struct tty_struct *tty)
{
	u8 c;

	if (tty->read_head == tty->canon_head)
		return false;
	tty->read_head--;
	c = tty->buf[tty->read_head & TTY_MASK];
	if (L_FLAG(tty, ECHOE))
		echo_erase(tty, c);
	return true;
}

static u8 ldisc_last(struct tty_struct *tty)
{
	return tty->buf[(tty->read_head - 1) & TTY_MASK];
}

/* ^W: erase the blanks before the cursor, then the word before them. */
static void ldisc_werase(struct tty_struct *tty)
{
	while (tty->read_head != tty->canon_head && ldisc_last(tty) == ' ')
		ldisc_erase_one(tty);
	while (tty->read_head != tty->canon_head && ldisc_last(tty) != ' ')
		ldisc_erase_one(tty);
}

/* ^U: erase the whole line being edited. */
static void ldisc_kill(struct tty_struct *tty, u8 c)
{
	bool visual = L_FLAG(tty, ECHOE) && L_FLAG(tty, ECHOKE);

	if (visual) {
		while (ldisc_erase_one(tty))
			;
		return;
	}
	tty->read_head = tty->canon_head;
	echo_char(tty, c);
	if (L_FLAG(tty, ECHOK))
		tty_output(tty, "\n", 1);
}

/*
 * Canonical mode: line editing. Besides VERASE (DEL), backspace (^H) also
 * erases, since many serial terminals send it for the Backspace key.
 */
static unsigned int ldisc_canon(struct tty_struct *tty, u8 c)
{
	if (is_cc(tty, c, VERASE) || c == '\b') {
		if (ldisc_erase_one(tty) && !L_FLAG(tty, ECHOE))
			echo_char(tty, c);      /* no visual erase: show the key */
		return 0;
	}
	if (is_cc(tty, c, VKILL)) {
		ldisc_kill(tty, c);
		return 0;
	}
	if (is_cc(tty, c, VWERASE) && L_FLAG(tty, IEXTEN)) {
		ldisc_werase(tty);
		return 0;
	}
	if (is_cc(tty, c, VEOF)) {
		/* Ends the line without a newline; alone, it is end of file. */
		if (!tty_put(tty, c, TTY_EOF))
			return 0;
		tty_commit(tty);
		return TTY_WAKE_READERS;
	}
	if (c == '\n' || is_cc(tty, c, VEOL) || is_cc(tty, c, VEOL2)) {
		if (!tty_put(tty, c, TTY_LINE_END))
			return 0;
		echo_char(tty, c);
		tty_commit(tty);
		return TTY_WAKE_READERS;
	}
	if (tty_put(tty, c, 0))
		echo_char(tty, c);
	return 0;
}

/* Raw (non-canonical) mode: every byte is readable at once. */
static unsigned int ldisc_raw(struct tty_struct *tty, u8 c)
{
	if (!tty_put(tty, c, TTY_LINE_END))
		return 0;
	echo_char(tty, c);
	tty_commit(tty);
	return TTY_WAKE_READERS;
}

/* One byte through the discipline. Returns TTY_WAKE_* for the caller to
 * act on once the lock is dropped. Context: tty->lock held. */
static unsigned int ldisc_receive(struct tty_struct *tty, u8 c)
{
	if (I_FLAG(tty, ISTRIP))
		c &= 0x7f;
	if (c == '\r') {
		if (I_FLAG(tty, IGNCR))
			return 0;
		if (I_FLAG(tty, ICRNL))
			c = '\n';
	} else if (c == '\n' && I_FLAG(tty, INLCR)) {
		c = '\r';
	}
	if (L_FLAG(tty, ISIG)) {
		if (is_cc(tty, c, VINTR))
			return ldisc_signal(tty, c, SIGINT);
		if (is_cc(tty, c, VQUIT))
			return ldisc_signal(tty, c, SIGQUIT);
	}
	return L_FLAG(tty, ICANON) ? ldisc_canon(tty, c) : ldisc_raw(tty, c);
}

void tty_receive_char(struct tty_struct *tty, u8 c)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	unsigned int wake = ldisc_receive(tty, c);

	spin_unlock_irqrestore(&tty->lock, flags);
	if (wake & TTY_WAKE_READERS)
		wake_up(&tty->read_wait);
	if (wake & TTY_WAKE_SIGNALS)
		wake_up(&tty->signal_wait);
}

/* ---- signals --------------------------------------------------------------- */

void tty_deliver_signals(struct tty_struct *tty)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	u32 sigs = tty->pending_signals;
	int pgrp = tty->pgrp;

	tty->pending_signals = 0;
	spin_unlock_irqrestore(&tty->lock, flags);
	for (int sig = 1; sig < 32; sig++)
		if (sigs & (1u << sig))
			tty->kill_pgrp(pgrp, sig);      /* -ESRCH: nobody to tell */
}

/*
 * The console's signal worker. kill_pgrp takes tasklist_lock and walks the
 * task list, which is not interrupt-handler work: the interrupt only queues
 * the signal and wakes this thread, as Linux's flush_to_ldisc work does.
 */
static int tty_signal_worker(void *arg)
{
	struct tty_struct *tty = arg;

	for (;;) {
		wait_event_idle(tty->signal_wait, READ_ONCE(tty->pending_signals) != 0);
		tty_deliver_signals(tty);
	}
	return 0;
}

/* ---- read ------------------------------------------------------------------ */

/*
 * Copy committed input into @kbuf, at most @max bytes, stopping after a
 * line end in canonical mode. *@consume: the ring slots that stands for
 * (an EOF slot is consumed, not copied); *@line_done: a line end or EOF
 * was reached. Context: tty->lock held.
 */
static size_t tty_peek(struct tty_struct *tty, char *kbuf, size_t max, size_t *consume,
		       bool *line_done)
{
	bool canon = L_FLAG(tty, ICANON);
	size_t i = tty->read_tail, n = 0;

	*line_done = false;
	while (i != tty->canon_head && n < max) {
		u8 fl = tty->flags[i & TTY_MASK];

		if (canon && (fl & TTY_EOF)) {
			i++;
			*line_done = true;
			break;
		}
		kbuf[n++] = (char)tty->buf[i++ & TTY_MASK];
		if (canon && (fl & TTY_LINE_END)) {
			*line_done = true;
			break;
		}
	}
	*consume = i - tty->read_tail;
	return n;
}

/*
 * Sleep until committed input exists. @timeout: ticks, or < 0 for none.
 * Returns 0, -ERESTARTSYS (a signal) or -ETIMEDOUT. Context: may sleep.
 */
static int tty_wait_readable(struct tty_struct *tty, long timeout)
{
	struct wait_queue_entry w = { .task = current };
	int ret = 0;

	might_sleep();
	for (;;) {
		prepare_to_wait(&tty->read_wait, &w, TASK_INTERRUPTIBLE);
		if (READ_ONCE(tty->canon_head) != READ_ONCE(tty->read_tail))
			break;
		/* (Kernel threads, like the monitor, have no signal state:
		 * signal_pending() is false for them.) */
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		if (timeout < 0) {
			schedule();
		} else if ((timeout = schedule_timeout(timeout)) == 0) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	finish_wait(&tty->read_wait, &w);
	return ret;
}

/*
 * Take one chunk of committed input into @to. Returns the bytes copied,
 * 0 if nothing is committed, or -EFAULT; *@line_done as for tty_peek.
 */
static ssize_t tty_read_chunk(struct tty_struct *tty, struct iov_iter *to, bool *line_done)
{
	char kbuf[TTY_CHUNK];
	size_t n, consume, copied;
	unsigned long gen, flags = spin_lock_irqsave(&tty->lock);

	gen = tty->flush_gen;
	n = tty_peek(tty, kbuf, min(sizeof(kbuf), to->count), &consume, line_done);
	spin_unlock_irqrestore(&tty->lock, flags);
	if (!consume)
		return 0;
	copied = n ? copy_to_iter(kbuf, n, to) : 0;     /* may fault: no lock held */
	flags = spin_lock_irqsave(&tty->lock);
	if (tty->flush_gen == gen)
		tty->read_tail += copied == n ? consume : copied;
	spin_unlock_irqrestore(&tty->lock, flags);
	if (copied < n) {
		*line_done = false;
		return -EFAULT;
	}
	return (ssize_t)copied;
}

/* How many bytes a raw read waits for, and its timeout (ticks, or -1). */
static size_t raw_read_need(struct tty_struct *tty, size_t count, size_t copied, long *timeout)
{
	u8 vmin = READ_ONCE(tty->termios.c_cc[VMIN]);
	u8 vtime = READ_ONCE(tty->termios.c_cc[VTIME]);

	*timeout = -1;
	if (vtime && (vmin == 0 || copied > 0))
		*timeout = (long)vtime * HZ / 10 ? (long)vtime * HZ / 10 : 1;
	if (vmin)
		return min((size_t)vmin, count);
	return vtime ? 1 : 0;
}

ssize_t tty_read(struct tty_struct *tty, struct iov_iter *to, bool nonblock)
{
	size_t count = to->count, need;
	ssize_t copied = 0, ret;
	bool canon, line_done;
	long timeout;
	int err;

	if (!count)
		return 0;
	mutex_lock(&tty->read_mutex);
	for (;;) {
		canon = READ_ONCE(tty->termios.c_lflag) & ICANON;
		ret = tty_read_chunk(tty, to, &line_done);
		if (ret < 0) {
			ret = copied ? copied : ret;
			break;
		}
		copied += ret;
		if ((canon && line_done) || !to->count) {
			ret = copied;
			break;
		}
		if (ret > 0)
			continue;               /* more may be committed already */
		/* Nothing committed right now: done, or wait for more. A
		 * canonical read that has bytes (left over from raw mode) is done. */
		timeout = -1;
		need = canon ? 1 : raw_read_need(tty, count, copied, &timeout);
		if ((size_t)copied >= need) {
			ret = copied;
			break;
		}
		if (nonblock) {
			ret = copied ? copied : -EAGAIN;
			break;
		}
		err = tty_wait_readable(tty, timeout);
		if (err) {
			ret = copied ? copied : err == -ETIMEDOUT ? 0 : err;
			break;
		}
	}
	mutex_unlock(&tty->read_mutex);
	return ret;
}

/* ---- write ----------------------------------------------------------------- */

ssize_t tty_write(struct tty_struct *tty, struct iov_iter *from)
{
	char kbuf[TTY_CHUNK];
	ssize_t written = 0;

	mutex_lock(&tty->write_mutex);
	while (from->count) {
		size_t want = min(sizeof(kbuf), from->count);
		size_t n = copy_from_iter(kbuf, want, from);    /* may fault: no lock held */

		if (n)
			tty_output(tty, kbuf, n);
		written += (ssize_t)n;
		if (n < want) {
			if (!written)
				written = -EFAULT;
			break;
		}
	}
	mutex_unlock(&tty->write_mutex);
	return written;
}

/* ---- termios and ioctl ----------------------------------------------------- */

void tty_get_termios(struct tty_struct *tty, struct termios *t)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);

	*t = tty->termios;
	spin_unlock_irqrestore(&tty->lock, flags);
}

void tty_set_termios(struct tty_struct *tty, const struct termios *t, bool flush)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);

	if (flush)
		tty_flush_input(tty);
	/* Leaving canonical mode: the partial line becomes raw input. */
	if ((tty->termios.c_lflag & ICANON) && !(t->c_lflag & ICANON))
		tty_commit(tty);
	tty->termios = *t;
	spin_unlock_irqrestore(&tty->lock, flags);
	wake_up(&tty->read_wait);       /* a raw reader's VMIN may be met now */
}

static long tty_tcsets(struct tty_struct *tty, void __user *p, bool flush)
{
	struct termios t;

	if (copy_from_user(&t, p, sizeof(t)))
		return -EFAULT;
	/* Output is written synchronously, so TCSETSW has nothing to drain. */
	tty_set_termios(tty, &t, flush);
	return 0;
}

static long tty_tcgets(struct tty_struct *tty, void __user *p)
{
	struct termios t;

	tty_get_termios(tty, &t);
	return copy_to_user(p, &t, sizeof(t)) ? -EFAULT : 0;
}

static long tty_get_winsize(struct tty_struct *tty, void __user *p)
{
	unsigned long flags = spin_lock_irqsave(&tty->lock);
	struct winsize ws = tty->winsize;

	spin_unlock_irqrestore(&tty->lock, flags);
	return copy_to_user(p, &ws, sizeof(ws)) ? -EFAULT : 0;
}

/* TIOCSWINSZ: a change of size sends SIGWINCH to the foreground group. */
static long tty_set_winsize(struct tty_struct *tty, const void __user *p)
{
	struct winsize ws;
	unsigned long flags;
	bool changed;

	if (copy_from_user(&ws, p, sizeof(ws)))
		return -EFAULT;
	flags = spin_lock_irqsave(&tty->lock);
	changed = memcmp(&ws, &tty->winsize, sizeof(ws)) != 0;
	tty->winsize = ws;
	if (changed)
		tty->pending_signals |= 1u << SIGWINCH;
	spin_unlock_irqrestore(&tty->lock, flags);
	if (changed)
		wake_up(&tty->signal_wait);
	return 0;
}

static long tty_get_pgrp(struct tty_struct *tty, void __user *p)
{
	int pgrp = READ_ONCE(tty->pgrp);

	return copy_to_user(p, &pgrp, sizeof(pgrp)) ? -EFAULT : 0;
}

struct pgrp_search {
	int pgrp;
	bool found;
};

static void match_pgrp(struct task_struct *t, void *arg)
{
	struct pgrp_search *s = arg;

	if (t->pgid == s->pgrp)
		s->found = true;
}

/* Does process group @pgrp have a member? */
static bool pgrp_exists(int pgrp)
{
	struct pgrp_search s = { .pgrp = pgrp };
	unsigned long flags = tasklist_lock_irqsave();

	for_each_process_locked(match_pgrp, &s);
	tasklist_unlock_irqrestore(flags);
	return s.found;
}

/*
 * TIOCSPGRP. Linux also requires the console to be the caller's
 * controlling terminal and the group to be in the caller's session;
 * Faultline's console is everyone's terminal, so only the group is checked.
 */
static long tty_set_pgrp(struct tty_struct *tty, const void __user *p)
{
	int pgrp;

	if (copy_from_user(&pgrp, p, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if (!pgrp_exists(pgrp))
		return -ESRCH;
	WRITE_ONCE(tty->pgrp, pgrp);
	return 0;
}

long tty_ioctl(struct tty_struct *tty, unsigned int cmd, unsigned long arg)
{
	void __user *p = (void __user *)arg;

	switch (cmd) {
	case TCGETS:
		return tty_tcgets(tty, p);
	case TCSETS:
	case TCSETSW:
		return tty_tcsets(tty, p, false);
	case TCSETSF:
		return tty_tcsets(tty, p, true);
	case TIOCGWINSZ:
		return tty_get_winsize(tty, p);
	case TIOCSWINSZ:
		return tty_set_winsize(tty, p);
	case TIOCGPGRP:
		return tty_get_pgrp(tty, p);
	case TIOCSPGRP:
		return tty_set_pgrp(tty, p);
	default:
		return -ENOTTY;
	}
}

/* ---- the console's inode and file operations ------------------------------- */

#define TTY_CONSOLE_RDEV        ((5u << 8) | 1)         /* 5:1, Linux's /dev/console */
#define TTY_CONSOLE_INO         1

/* The inode embeds a pointer to its tty, as a device node would its cdev. */
struct tty_inode {
	struct inode vfs_inode;
	struct tty_struct *tty;
};

static struct tty_struct console_tty;
static bool console_input_ready;        /* input comes from the UART's interrupt */

static struct tty_struct *file_tty(struct file *file)
{
	return file->private_data;
}

/* Opened through /dev/console, devfs has already set private_data to the
 * tty (and the inode is devfs's); through tty_open_console, the inode is
 * the tty's own. */
static void tty_acquire_ctty(struct tty_struct *tty);

static int tty_file_open(struct inode *inode, struct file *file)
{
	if (!file->private_data)
		file->private_data = container_of(inode, struct tty_inode, vfs_inode)->tty;
	if (!(file->f_flags & O_NOCTTY))
		tty_acquire_ctty(file->private_data);
	return 0;
}

static ssize_t tty_file_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	return tty_read(file_tty(file), to, file->f_flags & O_NONBLOCK);
}

static ssize_t tty_file_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	return tty_write(file_tty(file), from);
}

static long tty_file_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return tty_ioctl(file_tty(file), cmd, arg);
}

/* poll/select: committed input to read (a whole line in canonical mode,
 * any byte in raw mode: what a read would not block for with VMIN 1);
 * output never blocks. Lockless, as tty_wait_readable's test. */
static unsigned int tty_file_poll(struct file *file, struct poll_table *pt)
{
	struct tty_struct *tty = file_tty(file);
	unsigned int mask = POLLOUT | POLLWRNORM;

	poll_wait(file, &tty->read_wait, pt);
	if (READ_ONCE(tty->canon_head) != READ_ONCE(tty->read_tail))
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

/* No llseek: lseek() on a terminal is -ESPIPE, as on Linux. */
static const struct file_operations tty_fops = {
	.poll = tty_file_poll,
	.read_iter = tty_file_read,
	.write_iter = tty_file_write,
	.open = tty_file_open,
	.unlocked_ioctl = tty_file_ioctl,
};

/* ---- controlling terminals and /dev/tty --------------------------------------- */

static void session_probe(struct task_struct *t, void *arg)
{
	int *sid = arg;

	if (t->sid == *sid)
		*sid = 0;
}

/* Does session @sid still have a process? Context: tasklist_lock held. */
static bool session_alive_locked(int sid)
{
	int probe = sid;

	for_each_process_locked(session_probe, &probe);
	return sid && probe == 0;
}

/* Linux's rule for an open without O_NOCTTY: a session leader with no
 * terminal takes @tty if no live session has it. */
static void tty_acquire_ctty(struct tty_struct *tty)
{
	struct task_struct *me = current;
	unsigned long flags;

	if (!me->is_process || !me->signal)
		return;
	flags = tasklist_lock_irqsave();
	if (me->sid == me->tgid && !me->signal->group->tty &&
	    !session_alive_locked(tty->session)) {
		me->signal->group->tty = tty;
		tty->session = me->sid;
	}
	tasklist_unlock_irqrestore(flags);
}

void tty_console_acquire_ctty(void)
{
	tty_acquire_ctty(&console_tty);
}

/* current's controlling terminal, or NULL. */
static struct tty_struct *current_ctty(void)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct tty_struct *tty = current->signal ? current->signal->group->tty : NULL;

	tasklist_unlock_irqrestore(flags);
	return tty;
}

void tty_task_info(struct task_struct *t, int *tty_nr, int *tpgid)
{
	struct tty_struct *tty = t->signal ? t->signal->group->tty : NULL;

	ASSERT_HELD_TASKLIST();
	*tty_nr = 0;
	*tpgid = -1;
	if (tty) {
		*tty_nr = TTY_CONSOLE_RDEV;     /* 5:1 in Linux's new_encode_dev */
		*tpgid = READ_ONCE(tty->pgrp);
	}
}

/* /dev/tty (5:0): the caller's controlling terminal, or ENXIO. */
static int tty_dev_open(struct inode *inode, struct file *file)
{
	struct tty_struct *tty = current_ctty();

	if (!tty)
		return -ENXIO;
	file->private_data = tty;
	return 0;
}

static const struct file_operations tty_dev_fops = {
	.poll = tty_file_poll,
	.read_iter = tty_file_read,
	.write_iter = tty_file_write,
	.open = tty_dev_open,
	.unlocked_ioctl = tty_file_ioctl,
};

static struct inode *tty_alloc_inode(struct super_block *sb)
{
	struct tty_inode *ti = kzalloc(sizeof(*ti), GFP_KERNEL);

	return ti ? &ti->vfs_inode : NULL;
}

static void tty_destroy_inode(struct inode *inode)
{
	kfree(container_of(inode, struct tty_inode, vfs_inode));
}

/* A pseudo filesystem that is never mounted: it only gives the console's
 * inode a super_block (for stat's st_dev) and an allocator. */
static const struct super_operations tty_sops = {
	.alloc_inode = tty_alloc_inode,
	.destroy_inode = tty_destroy_inode,
};

static const struct file_system_type tty_fs_type = { .name = "ttyfs" };

/* Make the console's character-device inode; the tty keeps the reference. */
static struct inode *tty_make_inode(struct tty_struct *tty)
{
	struct super_block *sb = alloc_super(NULL, &tty_fs_type);
	struct inode *inode;

	if (!sb)
		return NULL;
	sb->s_op = &tty_sops;
	sb->s_blocksize = PAGE_SIZE;
	inode = new_inode(sb, TTY_CONSOLE_INO);
	if (!inode)
		return NULL;                    /* (the tiny super_block stays) */
	container_of(inode, struct tty_inode, vfs_inode)->tty = tty;
	inode->i_mode = S_IFCHR | 0620;
	inode->i_nlink = 1;
	inode->i_rdev = TTY_CONSOLE_RDEV;
	inode->i_fop = &tty_fops;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time();
	return inode;
}

static void tty_console_receive(u8 c)
{
	tty_receive_char(&console_tty, c);
}

void tty_init(void)
{
	int err;

	tty_init_struct(&console_tty, "console", console_write_raw, kill_pgrp);
	console_tty.inode = tty_make_inode(&console_tty);
	if (!console_tty.inode)
		pr_err("tty: cannot make the console inode\n");
	err = devfs_register_dev("console", 0600, TTY_CONSOLE_RDEV, &tty_fops, &console_tty);
	if (err)
		pr_err("tty: cannot register /dev/console: error %d\n", err);
	err = devfs_register_dev("tty", 0666, (5u << 8) | 0, &tty_dev_fops, NULL);
	if (err)
		pr_err("tty: cannot register /dev/tty: error %d\n", err);
	if (!kthread_run(tty_signal_worker, &console_tty, "tty_signal"))
		pr_err("tty: cannot start the signal worker\n");
	err = console_set_input_handler(tty_console_receive);
	if (err)
		pr_warn("tty: console input unavailable (error %d)\n", err);
	else
		console_input_ready = true;
}

struct file *tty_open_console(unsigned int o_flags)
{
	if (!console_tty.inode)
		return ERR_PTR(-ENODEV);
	return open_inode(console_tty.inode, o_flags);
}

ssize_t tty_console_read_line(char *buf, size_t len)
{
	struct iov_iter it;

	if (!console_input_ready)
		return -ENODEV;
	iov_iter_kernel(&it, buf, len);
	return tty_read(&console_tty, &it, false);
}
