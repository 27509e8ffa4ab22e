/*
 * The kernel log: a ring buffer of text plus the console, and syslog(2)
 * over it (what dmesg reads).
 *
 * Each line in the ring starts with its level as "<L>" (then the
 * "[seconds.micros] " stamp and the text): the 2.6 kernels' log_buf
 * layout, and what syslog(2)'s reads return, as Linux's still do. The
 * console, log_buf_read() and GDB's fl-dmesg show the lines without it.
 *
 * Lock: logbuf_lock (irqsave), innermost of all locks: printk may be called
 * with any other lock held and from interrupt handlers. Once a panic has
 * started, the lock is no longer taken (the CPU holding it may never let go)
 * and output goes straight to the console. The console TTY (drivers/tty.c)
 * takes the same lock through console_lock_irqsave() around its writes and
 * echoes, so user output and kernel messages never interleave mid-write.
 */
#include <kernel/console.h>
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <fs/proc_fs.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

/* The four numbers of /proc/sys/kernel/printk, with Linux's meanings:
 * messages below console_loglevel reach the console; a message without a
 * level gets default_message_loglevel; syslog's CONSOLE_LEVEL cannot go
 * below minimum_console_loglevel; CONSOLE_ON restores the default. */
int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;
static int default_message_loglevel = LOGLEVEL_DEFAULT;
static int minimum_console_loglevel = 1;
static int default_console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;

static char log_buf[LOG_BUF_SIZE];
static size_t log_head;                 /* total bytes ever written */
static bool at_line_start = true;
static bool panic_mode;
static DEFINE_SPINLOCK(logbuf_lock);

void printk_enter_panic(void)
{
	panic_mode = true;
}

static unsigned long log_lock(void)
{
	return panic_mode ? 0 : spin_lock_irqsave(&logbuf_lock);
}

static void log_unlock(unsigned long flags)
{
	if (!panic_mode)
		spin_unlock_irqrestore(&logbuf_lock, flags);
}

unsigned long console_lock_irqsave(void)
{
	return log_lock();
}

void console_unlock_irqrestore(unsigned long flags)
{
	log_unlock(flags);
}

static void log_store(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		log_buf[(log_head + i) % LOG_BUF_SIZE] = s[i];
	log_head += len;
}

/* Is "<L>" at @p (@n bytes left)? */
static bool is_level_prefix(const char *p, size_t n)
{
	return n >= 3 && p[0] == '<' && p[1] >= '0' && p[1] <= '7' && p[2] == '>';
}

/* Drop the "<L>" at the start of each line of @buf (@n bytes; @at_start:
 * buf[0] starts a line). Returns the new length. */
static size_t strip_levels(char *buf, size_t n, bool at_start)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		if ((i ? buf[i - 1] == '\n' : at_start) && is_level_prefix(buf + i, n - i)) {
			i += 2;
			continue;
		}
		buf[out++] = buf[i];
	}
	return out;
}

/* Copy @n bytes of the ring from byte @from (which must still be there).
 * Context: logbuf_lock held. */
static void log_copy(char *buf, size_t from, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = log_buf[(from + i) % LOG_BUF_SIZE];
}

/* The oldest byte the ring still holds. Context: logbuf_lock held. */
static size_t log_first(void)
{
	return log_head < LOG_BUF_SIZE ? 0 : log_head - LOG_BUF_SIZE;
}

size_t log_buf_read(char *buf, size_t len)
{
	unsigned long flags = log_lock();
	size_t start = log_first();
	size_t n = min(len, log_head - start);

	log_copy(buf, start, n);
	log_unlock(flags);
	return strip_levels(buf, n, start == 0);
}

/* Strip a KERN_<level> prefix; returns the level, or -1 for KERN_CONT. */
static int parse_level(const char **fmt)
{
	const char *f = *fmt;

	if (f[0] == KERN_SOH[0] && f[1]) {
		*fmt = f + 2;
		if (f[1] == 'c')
			return -1;
		if (f[1] >= '0' && f[1] <= '7')
			return f[1] - '0';
	}
	return -2;
}

int vprintk(const char *fmt, va_list ap)
{
	char text[512], stamp[32], prefix[8];
	int level = parse_level(&fmt);
	bool cont = level == -1;
	int len = vsnprintf(text, sizeof(text), fmt, ap);
	size_t tlen = len < (int)sizeof(text) ? (size_t)len : sizeof(text) - 1;
	size_t slen = 0, plen = 0;
	bool show;
	unsigned long flags;

	flags = log_lock();
	if (cont) {
		level = LOGLEVEL_DEFAULT;       /* a continuation shows if the line did */
	} else {
		if (level < 0)
			level = default_message_loglevel;
		if (!at_line_start) {
			/* A new message while a line is open: end that line first. */
			log_store("\n", 1);
			console_write("\n", 1);
			at_line_start = true;
		}
	}
	if (at_line_start) {
		u64 ns = ktime_get_ns();

		plen = (size_t)snprintf(prefix, sizeof(prefix), "<%d>", level);
		slen = (size_t)snprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ",
					ns / NSEC_PER_SEC, (ns % NSEC_PER_SEC) / 1000);
	}
	show = level < console_loglevel || level <= 1;
	log_store(prefix, plen);
	log_store(stamp, slen);
	log_store(text, tlen);
	if (show) {
		console_write(stamp, slen);
		console_write(text, tlen);
	}
	if (tlen)
		at_line_start = text[tlen - 1] == '\n';
	log_unlock(flags);
	return len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void console_printf(const char *fmt, ...)
{
	char text[512];
	va_list ap;
	int len;
	unsigned long flags;

	va_start(ap, fmt);
	len = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(text))
		len = sizeof(text) - 1;
	flags = log_lock();
	log_store(text, (size_t)len);
	console_write(text, (size_t)len);
	if (len)
		at_line_start = text[len - 1] == '\n';
	log_unlock(flags);
}

/* ---- syslog(2) and /proc/sys/kernel/{printk,dmesg_restrict} ------------------------ */

#define SYSLOG_ACTION_CLOSE          0
#define SYSLOG_ACTION_OPEN           1
#define SYSLOG_ACTION_READ           2
#define SYSLOG_ACTION_READ_ALL       3
#define SYSLOG_ACTION_READ_CLEAR     4
#define SYSLOG_ACTION_CLEAR          5
#define SYSLOG_ACTION_CONSOLE_OFF    6
#define SYSLOG_ACTION_CONSOLE_ON     7
#define SYSLOG_ACTION_CONSOLE_LEVEL  8
#define SYSLOG_ACTION_SIZE_UNREAD    9
#define SYSLOG_ACTION_SIZE_BUFFER   10

static int dmesg_restrict;              /* (atomic) 1: reading the log is root's too */
static size_t syslog_pos;               /* (logbuf_lock) where SYSLOG_ACTION_READ goes on */
static size_t clear_pos;                /* (logbuf_lock) where READ_ALL starts after CLEAR */
static int saved_console_loglevel = -1; /* (logbuf_lock) CONSOLE_OFF's, for CONSOLE_ON */

/* Linux's rule: with dmesg_restrict 0, anyone may READ_ALL and ask the
 * SIZE_BUFFER; everything else needs CAP_SYSLOG (root here). */
static int syslog_check_permission(int type)
{
	if (!__atomic_load_n(&dmesg_restrict, __ATOMIC_RELAXED) &&
	    (type == SYSLOG_ACTION_READ_ALL || type == SYSLOG_ACTION_SIZE_BUFFER))
		return 0;
	return capable_root() ? 0 : -EPERM;
}

/*
 * READ_ALL: the newest whole lines that fit in @len bytes, from the last
 * CLEAR on, into @kbuf; with @clear, then CLEAR. Returns the bytes.
 */
static size_t syslog_read_all(char *kbuf, size_t len, bool clear)
{
	unsigned long flags = log_lock();
	size_t start = max(log_first(), clear_pos), n;

	/* A wrapped ring's oldest line is cut: start after it. */
	if (start == log_first() && start) {
		while (start < log_head && log_buf[(start - 1) % LOG_BUF_SIZE] != '\n')
			start++;
	}
	/* Too much for the caller: drop the oldest lines until the rest fits. */
	while (log_head - start > len) {
		while (start < log_head && log_buf[start % LOG_BUF_SIZE] != '\n')
			start++;
		if (start == log_head)
			break;                  /* one line longer than @len: none */
		start++;
	}
	if (log_head - start > len)
		start = log_head;
	n = log_head - start;
	log_copy(kbuf, start, n);
	if (clear)
		clear_pos = log_head;
	log_unlock(flags);
	return n;
}

/* READ: what nobody has read yet, waiting for it. Returns the bytes, or
 * -ERESTARTSYS if a signal came first. Context: may sleep. */
static long syslog_read(char *kbuf, size_t len)
{
	for (;;) {
		unsigned long flags = log_lock();
		size_t n;

		if (syslog_pos < log_first())
			syslog_pos = log_first();       /* what was not read was overwritten */
		n = min(len, log_head - syslog_pos);
		if (n) {
			log_copy(kbuf, syslog_pos, n);
			syslog_pos += n;
			log_unlock(flags);
			return (long)n;
		}
		log_unlock(flags);
		/*
		 * printk cannot wake a reader: it runs under any lock, also the
		 * run queue's, and in interrupts. So the reader looks again
		 * every 50 ms (Linux defers its wake-up to irq_work instead).
		 */
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current)) {
			set_current_state(TASK_RUNNING);
			return -ERESTARTSYS;
		}
		schedule_timeout(HZ / 20);
	}
}

/* The reads: bounce through a kernel buffer, as no user copy may fault
 * under logbuf_lock. */
static long syslog_read_user(int type, char __user *ubuf, int len)
{
	size_t want = min((size_t)len, (size_t)LOG_BUF_SIZE);
	char *kbuf;
	long n;

	if (!ubuf || len < 0)
		return -EINVAL;
	if (!len)
		return 0;
	if (!access_ok(ubuf, (size_t)len))
		return -EFAULT;
	kbuf = kmalloc(want, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	if (type == SYSLOG_ACTION_READ)
		n = syslog_read(kbuf, want);
	else
		n = (long)syslog_read_all(kbuf, want, type == SYSLOG_ACTION_READ_CLEAR);
	if (n > 0 && copy_to_user(ubuf, kbuf, (size_t)n))
		n = -EFAULT;
	kfree(kbuf);
	return n;
}

static long syslog_console(int type, int level)
{
	unsigned long flags;

	if (type == SYSLOG_ACTION_CONSOLE_LEVEL && (level < 1 || level > 8))
		return -EINVAL;
	flags = log_lock();
	switch (type) {
	case SYSLOG_ACTION_CONSOLE_OFF:
		if (saved_console_loglevel < 0)
			saved_console_loglevel = console_loglevel;
		console_loglevel = minimum_console_loglevel;
		break;
	case SYSLOG_ACTION_CONSOLE_ON:
		if (saved_console_loglevel >= 0) {
			console_loglevel = saved_console_loglevel;
			saved_console_loglevel = -1;
		}
		break;
	default:
		console_loglevel = max(level, minimum_console_loglevel);
		saved_console_loglevel = -1;    /* an explicit level ends CONSOLE_OFF */
		break;
	}
	log_unlock(flags);
	return 0;
}

SYSCALL_DEFINE3(syslog, int, type, char __user *, buf, int, len)
{
	unsigned long flags;
	long n;
	int err;

	if (type < SYSLOG_ACTION_CLOSE || type > SYSLOG_ACTION_SIZE_BUFFER)
		return -EINVAL;
	err = syslog_check_permission(type);
	if (err)
		return err;
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		return syslog_read_user(type, buf, len);
	case SYSLOG_ACTION_CLEAR:
		flags = log_lock();
		clear_pos = log_head;
		log_unlock(flags);
		return 0;
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON:
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		return syslog_console(type, len);
	case SYSLOG_ACTION_SIZE_UNREAD:
		flags = log_lock();
		n = (long)(log_head - max(syslog_pos, log_first()));
		log_unlock(flags);
		return n;
	default:
		return LOG_BUF_SIZE;
	}
}

int dmesg_restrict_show(struct seq_buf *m, int pid)
{
	seq_printf(m, "%d\n", __atomic_load_n(&dmesg_restrict, __ATOMIC_RELAXED));
	return 0;
}

/* 0 or 1 (Linux's proc_dointvec_minmax_sysadmin): else -EINVAL. */
int dmesg_restrict_store(const char *buf, size_t len)
{
	size_t used;
	long v;

	if (proc_parse_ints(buf, len, &v, 1, &used) != 1 || v < 0 || v > 1)
		return -EINVAL;
	__atomic_store_n(&dmesg_restrict, (int)v, __ATOMIC_RELAXED);
	return used < len ? (int)used : 0;
}

int printk_levels_show(struct seq_buf *m, int pid)
{
	seq_printf(m, "%d\t%d\t%d\t%d\n", READ_ONCE(console_loglevel),
		   READ_ONCE(default_message_loglevel), READ_ONCE(minimum_console_loglevel),
		   READ_ONCE(default_console_loglevel));
	return 0;
}

/* One to four ints, setting the levels in order (proc_dointvec: a fifth
 * is left unread, and the write returns the bytes before it). */
int printk_levels_store(const char *buf, size_t len)
{
	int *const levels[4] = { &console_loglevel, &default_message_loglevel,
				 &minimum_console_loglevel, &default_console_loglevel };
	long v[4];
	size_t used;
	int n = proc_parse_ints(buf, len, v, 4, &used);
	unsigned long flags;

	if (n < 0)
		return n;
	flags = log_lock();
	for (int i = 0; i < n; i++)
		*levels[i] = (int)v[i];
	log_unlock(flags);
	return used < len ? (int)used : 0;
}
