/*
 * The text of a /proc file: struct seq_buf, the printing helpers the show
 * functions use, and seq_make_text(), which runs a show function into a
 * buffer large enough for all it prints (include/fs/proc_fs.h); and
 * proc_parse_number(), how every sysctl's store reads a number.
 *
 * A show function cannot know its text's length before printing it, so it
 * prints into a page; if that overflows, the buffer is doubled and the
 * function run again from the start, up to SEQ_MAX_SIZE (Linux's
 * seq_read grows its buffer the same way).
 *
 * Locks: none of its own; the show functions take theirs.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/proc_fs.h>
#include <mm/slab.h>

#define SEQ_MAX_SIZE    (4UL << 20)     /* the largest kmalloc: 2^MAX_ORDER pages */

void seq_printf(struct seq_buf *m, const char *fmt, ...)
{
	size_t room = m->size - m->len;
	va_list ap;
	int n;

	if (m->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		m->overflow = true;
	else
		m->len += (size_t)n;
}

void seq_write(struct seq_buf *m, const char *s, size_t len)
{
	if (m->overflow || len > m->size - m->len) {
		m->overflow = true;
		return;
	}
	memcpy(m->buf + m->len, s, len);
	m->len += len;
}

void seq_puts(struct seq_buf *m, const char *s)
{
	seq_write(m, s, strlen(s));
}

void seq_putc(struct seq_buf *m, char c)
{
	seq_write(m, &c, 1);
}

void seq_setwidth(struct seq_buf *m, size_t width)
{
	m->pad_until = m->len + width;
}

void seq_pad(struct seq_buf *m, char c)
{
	while (!m->overflow && m->len < m->pad_until)
		seq_putc(m, ' ');
	if (c)
		seq_putc(m, c);
}

int seq_make_text(int (*show)(struct seq_buf *m, int pid), int pid, char **textp,
		  size_t *lenp)
{
	for (size_t size = PAGE_SIZE; size <= SEQ_MAX_SIZE; size *= 2) {
		struct seq_buf m = { .buf = kmalloc(size, GFP_KERNEL), .size = size };
		int err;

		if (!m.buf)
			return -ENOMEM;
		err = show(&m, pid);
		if (!err && !m.overflow) {
			kfree(*textp);
			*textp = m.buf;
			*lenp = m.len;
			return 0;
		}
		kfree(m.buf);
		if (err)
			return err;
	}
	return -ENOMEM;
}

/*
 * A decimal number as proc_dointvec reads one: blanks, an optional '-'
 * (if @sign), digits, then only blanks or a newline. Returns 0 with *val
 * set, or -EINVAL (nothing, junk, or more than @max).
 */
int proc_parse_number(const char *buf, size_t len, bool sign, unsigned long max,
			long *val)
{
	size_t i = 0;
	unsigned long v = 0;
	bool neg = false, digits = false;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n'))
		i++;
	if (sign && i < len && buf[i] == '-') {
		neg = true;
		i++;
	}
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		unsigned long d = (unsigned long)(buf[i] - '0');

		if (v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
		digits = true;
	}
	for (; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\0')
			return -EINVAL;
	if (!digits)
		return -EINVAL;
	*val = neg ? -(long)v : (long)v;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\0';
}

int proc_parse_ints(const char *buf, size_t len, long *vals, int max_vals, size_t *used)
{
	size_t i = 0;
	int n = 0;

	for (;;) {
		unsigned long v = 0;
		bool neg = false, digits = false;

		while (i < len && is_blank(buf[i]))
			i++;
		if (i == len || n == max_vals)
			break;                  /* Linux stops at the table's end too */
		if (buf[i] == '-') {
			neg = true;
			i++;
		}
		for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
			v = v * 10 + (unsigned long)(buf[i] - '0');
			if (v > 0x7fffffffUL + neg)
				return -EINVAL;
			digits = true;
		}
		if (!digits || (i < len && !is_blank(buf[i])))
			return -EINVAL;
		vals[n++] = neg ? -(long)v : (long)v;
	}
	*used = i;
	return n ? n : -EINVAL;
}
