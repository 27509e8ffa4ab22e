/*
 * The kernel monitor (see include/kernel/monitor.h), and the deliberate
 * crashes that show what an oops report looks like.
 *
 * Input comes from the console TTY (drivers/tty.c) once its receive
 * interrupt is set up; before that (or without a UART interrupt) it is
 * polled: between keystrokes the CPU halts until the next timer tick (HZ),
 * so the loop costs nothing while idle.
 */
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/power.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <drivers/blkdev.h>
#include <drivers/tty.h>
#include <fs/fs.h>
#include <kernel/err.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <asm/bootinfo.h>
#include <asm/processor.h>

#define CRASH_ADDRESS 0xffffdead00000000UL     /* canonical, never mapped */

/* Write to an unmapped kernel address: a not-present supervisor write. */
__noinline void crash_test_page_fault(void)
{
	pr_emerg("crash test: writing to %#lx\n", CRASH_ADDRESS);
	WRITE_ONCE(*(volatile unsigned long *)CRASH_ADDRESS, 0x1);
}

void crash_test(const char *what)
{
	if (strcmp(what, "pagefault") == 0)
		crash_test_page_fault();
	else if (strcmp(what, "panic") == 0)
		panic("crash test requested");
	else
		pr_warn("crash: unknown crash '%s' (try pagefault or panic)\n", what);
}

/*
 * Read a command line: through the console TTY's line discipline when its
 * input is interrupt-driven (it echoes and edits; the CPU sleeps until a
 * line arrives), else by polling the UART and editing here.
 */
static void read_line(char *buf, size_t size)
{
	ssize_t got = tty_console_read_line(buf, size - 1);
	size_t n = 0;

	if (got >= 0) {
		if (got > 0 && buf[got - 1] == '\n')
			got--;
		buf[got] = '\0';
		return;
	}
	for (;;) {
		int c = console_getc();

		if (c < 0) {
			safe_halt();            /* until the next interrupt */
			continue;
		}
		if (c == '\r' || c == '\n') {
			console_write("\n", 1);
			break;
		}
		if ((c == 0x7f || c == '\b') && n > 0) {
			n--;
			console_write("\b \b", 3);
		} else if (c >= ' ' && c < 0x7f && n + 1 < size) {
			char ch = (char)c;

			buf[n++] = ch;
			console_write(&ch, 1);
		}
	}
	buf[n] = '\0';
}

static void cmd_mem(const char *arg)
{
	struct page_alloc_stats st;

	page_alloc_stats(&st);
	console_printf("pages: %lu total, %lu free (%lu MiB); %lu allocations, %lu frees\n",
		       st.total_pages, st.free_pages, st.free_pages >> (20 - PAGE_SHIFT),
		       st.allocs, st.frees);
	console_printf("free blocks by order:");
	for (unsigned int o = 0; o <= MAX_ORDER; o++)
		console_printf(" %lu", st.free_blocks[o]);
	console_printf("\n");
	kmalloc_print_stats();
}

static void cmd_dmesg(const char *arg)
{
	static char buf[LOG_BUF_SIZE];
	size_t n = log_buf_read(buf, sizeof(buf));

	console_write(buf, n);
}

static void cmd_map(const char *arg) { bootinfo_print(); }
static void cmd_cmdline(const char *arg) { console_printf("%s\n", boot_info.cmdline); }
static void cmd_crash(const char *arg) { crash_test(*arg ? arg : "pagefault"); }
static void cmd_ktest(const char *arg) { ktest_run_all(arg); }
static void cmd_poweroff(const char *arg) { kernel_power_off(EXIT_POWEROFF); }

static void cmd_sync(const char *arg)
{
	int err = ksys_sync();

	console_printf(err ? "sync: error %d\n" : "synced\n", err);
}

static void cmd_uptime(const char *arg)
{
	u64 ns = ktime_get_ns();

	console_printf("up %llu.%03llu s, %llu ticks\n", ns / NSEC_PER_SEC,
		       (ns % NSEC_PER_SEC) / NSEC_PER_MSEC, (unsigned long long)jiffies);
}

static void print_task(struct task_struct *t, void *arg)
{
	console_printf("%5d %-2s %8lu %8lu  %s\n", t->pid, task_state_name(t->state),
		       t->nvcsw, t->nivcsw, t->comm);
}

static void cmd_ps(const char *arg)
{
	console_printf("  PID ST    VOLSW  INVOLSW  COMMAND\n");
	for_each_task(print_task, NULL);
}

static bool print_dirent(struct dir_context *ctx, const char *name, size_t len, loff_t pos,
			 u64 ino, unsigned int d_type)
{
	console_printf("%8lu  %s  %.*s\n", (unsigned long)ino,
		       d_type == DT_DIR ? "dir " : d_type == DT_REG ? "file" : "?   ",
		       (int)len, name);
	return true;
}

static void cmd_ls(const char *arg)
{
	struct file *f = filp_open(*arg ? arg : "/", O_RDONLY | O_DIRECTORY, 0);
	struct dir_context ctx = { .actor = print_dirent, .pos = 0 };
	int err;

	if (IS_ERR(f)) {
		console_printf("ls: %s: error %ld\n", arg, PTR_ERR(f));
		return;
	}
	err = vfs_readdir(f, &ctx);
	if (err)
		console_printf("ls: error %d\n", err);
	fput(f);
}

static void cmd_cat(const char *arg)
{
	struct file *f = filp_open(arg, O_RDONLY, 0);
	char buf[256];
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f)) {
		console_printf("cat: %s: error %ld\n", arg, PTR_ERR(f));
		return;
	}
	while ((n = kernel_read(f, buf, sizeof(buf), &pos)) > 0)
		console_write(buf, (size_t)n);
	if (n < 0)
		console_printf("cat: read error %ld\n", (long)n);
	fput(f);
}

static void print_bdev(struct block_device *bdev, void *arg)
{
	console_printf("%-6s %10llu sectors (%llu MiB)%s\n", bdev->name,
		       (unsigned long long)bdev->nr_sectors,
		       (unsigned long long)(bdev->nr_sectors >> 11),
		       bdev->read_only ? " read-only" : "");
}

static void cmd_lsblk(const char *arg)
{
	blkdev_for_each(print_bdev, NULL);
}

static void cmd_help(const char *arg);

static const struct {
	const char *name;
	void (*fn)(const char *arg);
	const char *help;
} commands[] = {
	{ "help", cmd_help, "this list" },
	{ "mem", cmd_mem, "page allocator and kmalloc statistics" },
	{ "map", cmd_map, "the boot memory map" },
	{ "cmdline", cmd_cmdline, "the kernel command line" },
	{ "dmesg", cmd_dmesg, "the kernel log" },
	{ "uptime", cmd_uptime, "time since boot and timer ticks" },
	{ "ps", cmd_ps, "kernel tasks" },
	{ "lsblk", cmd_lsblk, "block devices" },
	{ "ls", cmd_ls, "[DIR] list a directory of the root filesystem" },
	{ "cat", cmd_cat, "FILE print a file" },
	{ "ktest", cmd_ktest, "[PREFIX] run the in-kernel unit tests" },
	{ "crash", cmd_crash, "[pagefault|panic] crash on purpose, to see an oops" },
	{ "sync", cmd_sync, "write every dirty page, inode and buffer to disk" },
	{ "poweroff", cmd_poweroff, "sync, unmount and power off (QEMU exits)" },
};

static void cmd_help(const char *arg)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(commands); i++)
		console_printf("  %-10s %s\n", commands[i].name, commands[i].help);
}

void monitor_run(void)
{
	char line[128];

	console_printf("\nNo user space yet: this is the kernel monitor. Type 'help'.\n");
	for (;;) {
		char *arg;
		unsigned int i;

		console_printf("faultline> ");
		read_line(line, sizeof(line));
		arg = strchr(line, ' ');
		if (arg)
			*arg++ = '\0';
		else
			arg = line + strlen(line);
		if (!line[0])
			continue;
		for (i = 0; i < ARRAY_SIZE(commands); i++) {
			if (strcmp(line, commands[i].name) == 0) {
				commands[i].fn(arg);
				break;
			}
		}
		if (i == ARRAY_SIZE(commands))
			console_printf("unknown command '%s'; type 'help'\n", line);
	}
}
