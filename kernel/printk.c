/*
 * The kernel log: a ring buffer of text plus the console.
 *
 * Lock: logbuf_lock (irqsave), innermost of all locks: printk may be called
 * with any other lock held and from interrupt handlers. Once a panic has
 * started, the lock is no longer taken (the CPU holding it may never let go)
 * and output goes straight to the console. The console TTY (drivers/tty.c)
 * takes the same lock through console_lock_irqsave() around its writes and
 * echoes, so user output and kernel messages never interleave mid-write.
 */
#include <kernel/console.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;

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

size_t log_buf_read(char *buf, size_t len)
{
	unsigned long flags = log_lock();
	size_t avail = log_head < LOG_BUF_SIZE ? log_head : LOG_BUF_SIZE;
	size_t n = len < avail ? len : avail;
	size_t start = log_head - avail;

	for (size_t i = 0; i < n; i++)
		buf[i] = log_buf[(start + i) % LOG_BUF_SIZE];
	log_unlock(flags);
	return n;
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
	return LOGLEVEL_DEFAULT;
}

int vprintk(const char *fmt, va_list ap)
{
	char text[512], stamp[32];
	int level = parse_level(&fmt);
	int len = vsnprintf(text, sizeof(text), fmt, ap);
	size_t tlen = len < (int)sizeof(text) ? (size_t)len : sizeof(text) - 1;
	size_t slen = 0;
	bool show;
	unsigned long flags;

	flags = log_lock();
	if (level < 0)
		level = LOGLEVEL_DEFAULT;       /* a continuation shows if the line did */
	else if (!at_line_start) {
		/* A new message while a line is open: end that line first. */
		log_store("\n", 1);
		console_write("\n", 1);
		at_line_start = true;
	}
	if (at_line_start) {
		u64 ns = ktime_get_ns();

		slen = (size_t)snprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ",
					ns / NSEC_PER_SEC, (ns % NSEC_PER_SEC) / 1000);
	}
	show = level < console_loglevel || level <= 1;
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
