/*
 * printk: the kernel log.
 *
 * Every message goes into a ring buffer (log_buf, what fl-dmesg and the
 * monitor's "dmesg" show) and, if its level passes console_loglevel, to the
 * serial console with a "[seconds.micros] " timestamp, as Linux's dmesg.
 * The command-line option "quiet" lowers console_loglevel to warnings.
 *
 * Levels are string prefixes, as in Linux: printk(KERN_INFO "x=%d\n", x),
 * or the pr_*() shorthands. Messages at KERN_ALERT and above always show.
 *
 * console_printf() writes raw text (no timestamp, not filtered by level):
 * for output that is a protocol, such as the ktest TAP lines.
 *
 * Context: any, including interrupt handlers; takes logbuf_lock with
 * interrupts disabled. Never sleeps.
 */
#ifndef _KERNEL_PRINTK_H
#define _KERNEL_PRINTK_H

#include <stdarg.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

#define KERN_SOH        "\001"
#define KERN_EMERG      KERN_SOH "0"
#define KERN_ALERT      KERN_SOH "1"
#define KERN_CRIT       KERN_SOH "2"
#define KERN_ERR        KERN_SOH "3"
#define KERN_WARNING    KERN_SOH "4"
#define KERN_NOTICE     KERN_SOH "5"
#define KERN_INFO       KERN_SOH "6"
#define KERN_DEBUG      KERN_SOH "7"
#define KERN_CONT       KERN_SOH "c"        /* continue the previous line */

#define LOGLEVEL_DEFAULT 6                  /* a message without a level */
#define CONSOLE_LOGLEVEL_DEFAULT 7          /* show info and above */
#define CONSOLE_LOGLEVEL_QUIET 5            /* show warnings and above */

#define LOG_BUF_SIZE    (64 * 1024)

extern int console_loglevel;

__printf(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
__printf(1, 2) void console_printf(const char *fmt, ...);

#define pr_emerg(fmt, ...)  printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_crit(fmt, ...)   printk(KERN_CRIT fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)    printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)   printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)   printk(KERN_INFO fmt, ##__VA_ARGS__)
/* The first time only (per call site): for warnings a loop could repeat. */
#define pr_warn_once(fmt, ...) ({                                               \
	static bool __warned;                                                   \
	if (!__atomic_exchange_n(&__warned, true, __ATOMIC_RELAXED))           \
		pr_warn(fmt, ##__VA_ARGS__);                                    \
})
#define pr_debug(fmt, ...)  printk(KERN_DEBUG fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...)   printk(KERN_CONT fmt, ##__VA_ARGS__)

/* Copy up to @len bytes of the log (oldest first) into @buf; returns bytes. */
size_t log_buf_read(char *buf, size_t len);

/* The panic path: stop taking logbuf_lock (another CPU may hold it forever). */
void printk_enter_panic(void);

#endif
