/*
 * The console TTY: COM1 as a terminal for user programs (drivers/tty.c,
 * docs/tty.md).
 *
 * A struct tty_struct is a line discipline (Linux's N_TTY, cut down) in
 * front of an output function. Received bytes enter through
 * tty_receive_char(), called from the UART's receive interrupt; readers
 * sleep until the discipline has a line (canonical mode) or enough bytes
 * (raw mode). The termios and winsize structures and the ioctl numbers are
 * exactly Linux's x86-64 ones, so musl's tcgetattr/tcsetattr/isatty work.
 *
 * Lock legend:
 *   (l) tty->lock, a spinlock taken with interrupts off (the interrupt
 *       handler takes it); never sleep under it. Order:
 *       tty->lock -> console lock (kernel/printk.c, innermost)
 *       tty->lock -> read_wait.lock / signal_wait.lock -> rq->lock
 *   (r) tty->read_mutex: one reader consumes input at a time
 *   (w) tty->write_mutex: one write() is not interleaved with another
 *   (c) constant after tty_init_struct()
 */
#ifndef _DRIVERS_TTY_H
#define _DRIVERS_TTY_H

#include <kernel/mutex.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <kernel/wait.h>

struct file;
struct inode;
struct iov_iter;

/* ---- the user ABI: Linux x86-64's asm-generic termbits and ioctls ---------- */

typedef u8 cc_t;
typedef u32 tcflag_t;

#define NCCS 19

/* The kernel's struct termios (36 bytes; libc's has speed fields after it). */
struct termios {
	tcflag_t c_iflag;
	tcflag_t c_oflag;
	tcflag_t c_cflag;
	tcflag_t c_lflag;
	cc_t c_line;
	cc_t c_cc[NCCS];
};

struct winsize {
	unsigned short ws_row;
	unsigned short ws_col;
	unsigned short ws_xpixel;
	unsigned short ws_ypixel;
};

/* c_cc indices */
#define VINTR    0
#define VQUIT    1
#define VERASE   2
#define VKILL    3
#define VEOF     4
#define VTIME    5
#define VMIN     6
#define VSWTC    7
#define VSTART   8
#define VSTOP    9
#define VSUSP    10
#define VEOL     11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE  14
#define VLNEXT   15
#define VEOL2    16

/* c_iflag */
#define IGNBRK  0000001
#define BRKINT  0000002
#define IGNPAR  0000004
#define PARMRK  0000010
#define INPCK   0000020
#define ISTRIP  0000040
#define INLCR   0000100
#define IGNCR   0000200
#define ICRNL   0000400
#define IUCLC   0001000
#define IXON    0002000
#define IXANY   0004000
#define IXOFF   0010000
#define IMAXBEL 0020000
#define IUTF8   0040000

/* c_oflag */
#define OPOST   0000001
#define OLCUC   0000002
#define ONLCR   0000004
#define OCRNL   0000010
#define ONOCR   0000020
#define ONLRET  0000040

/* c_cflag */
#define CBAUD   0010017
#define B38400  0000017
#define B115200 0010002
#define CSIZE   0000060
#define CS8     0000060
#define CSTOPB  0000100
#define CREAD   0000200
#define PARENB  0000400
#define HUPCL   0002000
#define CLOCAL  0004000

/* c_lflag */
#define ISIG    0000001
#define ICANON  0000002
#define ECHO    0000010
#define ECHOE   0000020
#define ECHOK   0000040
#define ECHONL  0000100
#define NOFLSH  0000200
#define TOSTOP  0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE  0004000
#define IEXTEN  0100000

/* ioctl requests (the 'T' group, numbered as on Linux x86-64) */
#define TCGETS          0x5401
#define TCSETS          0x5402
#define TCSETSW         0x5403
#define TCSETSF         0x5404
#define TIOCGPGRP       0x540f
#define TIOCSPGRP       0x5410
#define TIOCGWINSZ      0x5413
#define TIOCSWINSZ      0x5414

/* ---- the line discipline --------------------------------------------------- */

#define TTY_BUF_SIZE    4096            /* input ring; a power of two */
#define TTY_DEFAULT_ROWS 24
#define TTY_DEFAULT_COLS 80

/* tty->flags[] per input slot (canonical mode) */
#define TTY_LINE_END    0x1             /* '\n', VEOL or VEOL2: a reader stops after it */
#define TTY_EOF         0x2             /* VEOF: ends the line and is not read */

struct task_struct;

struct tty_struct {
	const char *name;                       /* (c) */
	spinlock_t lock;
	struct termios termios;                 /* (l) */
	struct winsize winsize;                 /* (l) */
	int pgrp;                               /* (l) foreground process group */
	int session;                            /* (tasklist_lock) the session it controls; 0 */

	/*
	 * The input ring. The indices count bytes ever received and are
	 * masked with TTY_BUF_SIZE - 1 to index buf[] and flags[]:
	 *   read_tail <= canon_head <= read_head
	 * [read_tail, canon_head) is committed: readers may take it (whole
	 * lines in canonical mode, everything in raw mode);
	 * [canon_head, read_head) is the line being edited, which erase and
	 * kill shorten (always empty in raw mode).
	 */
	unsigned char buf[TTY_BUF_SIZE];        /* (l) */
	u8 flags[TTY_BUF_SIZE];                 /* (l) TTY_LINE_END / TTY_EOF */
	size_t read_tail;                       /* (l) */
	size_t canon_head;                      /* (l) */
	size_t read_head;                       /* (l) */
	unsigned long flush_gen;                /* (l) bumped by every input flush */
	u32 pending_signals;                    /* (l) 1 << sig, for tty_deliver_signals */

	struct wait_queue_head read_wait;       /* readers wait for committed input */
	struct wait_queue_head signal_wait;     /* the signal worker waits here */
	struct mutex read_mutex;
	struct mutex write_mutex;

	/* Write @len bytes as they are. Called with the console lock held
	 * and interrupts off (from the interrupt handler, for echoes). (c) */
	void (*output)(const char *s, size_t len);
	/* Send @sig to process group @pgrp: kill_pgrp, or a test's fake. (c) */
	int (*kill_pgrp)(int pgrp, int sig);
	struct inode *inode;                    /* (c) the tty's own reference, or NULL */
};

/* Set up @tty with Linux's default termios for a serial console (cooked
 * mode, echo, ^C/^\ signals, 115200 8N1), 24x80, foreground group 1. */
void tty_init_struct(struct tty_struct *tty, const char *name,
		     void (*output)(const char *s, size_t len),
		     int (*kill_pgrp)(int pgrp, int sig));

/*
 * One received byte through the line discipline: translation (ICRNL ...),
 * signals (ISIG), editing (ICANON), echo (ECHO ...), then wake readers.
 * This is the entry the UART interrupt calls, and the one the ktests feed.
 * Context: any (takes tty->lock with interrupts off; never sleeps).
 */
void tty_receive_char(struct tty_struct *tty, u8 c);

/*
 * read(): in canonical mode, up to one line (with its '\n'; a line ended by
 * ^D has none; ^D on an empty line gives 0, end of file); in raw mode, at
 * least min(VMIN, count) bytes (VTIME: the inter-byte timer in tenths of
 * a second; VMIN=0 VTIME=0 polls). Blocks unless @nonblock (then -EAGAIN).
 * Returns the bytes copied, -EFAULT, or -ERESTARTSYS when a signal arrives
 * before any byte was copied. Context: may sleep.
 */
ssize_t tty_read(struct tty_struct *tty, struct iov_iter *to, bool nonblock);
/* write(): "\n" becomes "\r\n" under OPOST|ONLCR; nothing else is changed.
 * Returns the bytes taken or -EFAULT. Context: may sleep. */
ssize_t tty_write(struct tty_struct *tty, struct iov_iter *from);
/* ioctl() with @arg a user pointer: 0, -EFAULT, -EINVAL, -ESRCH, -ENOTTY. */
long tty_ioctl(struct tty_struct *tty, unsigned int cmd, unsigned long arg);

/* TCGETS/TCSETS(F) on kernel structures. Turning ICANON off makes the line
 * being edited readable; @flush discards pending input first (TCSETSF). */
void tty_get_termios(struct tty_struct *tty, struct termios *t);
void tty_set_termios(struct tty_struct *tty, const struct termios *t, bool flush);

/* Send the signals queued by ^C, ^\ and TIOCSWINSZ to the foreground group
 * through tty->kill_pgrp. The console's worker thread calls it (signals
 * are sent from task context, not from the interrupt handler). */
void tty_deliver_signals(struct tty_struct *tty);

/* ---- the console --------------------------------------------------------- */

/*
 * Set up the console TTY on COM1: its inode, its signal worker, and the
 * UART's receive interrupt. Context: task context, after ioapic_init() and
 * before the first tty_open_console().
 */
void tty_init(void);

/*
 * Open the console: a new struct file with f_count 1 (O_RDWR, ... from
 * @o_flags), on the console's character-device inode (S_IFCHR | 0620,
 * rdev 5:1). Ownership: the caller owns the returned file reference (it
 * installs it in a file table, taking get_file() once per extra fd, as
 * kernel_init does for init's fds 0, 1 and 2, and fput()s what it does
 * not install); the file holds its own inode reference, and the console
 * keeps a permanent one, so the inode is never freed. Returns the file or
 * ERR_PTR(-ENODEV) before tty_init(), ERR_PTR(-ENOMEM).
 */
struct file *tty_open_console(unsigned int o_flags);

/*
 * Controlling terminals (signal_struct->tty, per process, inherited at
 * fork, dropped by setsid). A session leader without one that opens the
 * console without O_NOCTTY acquires it if no live session holds it
 * (Linux's rule for a tty; Linux never gives /dev/console this role, but
 * Faultline's console is its only terminal, so init's session gets it at
 * boot). /dev/tty opens the caller's, or fails with ENXIO.
 */
void tty_console_acquire_ctty(void);
/* For /proc/PID/stat: @t's terminal as Linux encodes a device number
 * (0: none) and its foreground group (-1: none). Context: tasklist_lock held. */
void tty_task_info(struct task_struct *t, int *tty_nr, int *tpgid);

/*
 * Read one line from the console into @buf through the line discipline
 * (for the kernel monitor). Returns the bytes read (the line ends in '\n'
 * unless @len cut it or ^D ended it; 0 on ^D at the start of a line), or
 * -ENODEV if console input is not interrupt-driven (then poll instead).
 * Context: may sleep.
 */
ssize_t tty_console_read_line(char *buf, size_t len);

#endif
