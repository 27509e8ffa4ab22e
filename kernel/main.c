/*
 * kmain: the order in which Faultline comes up.
 *
 * boot.asm calls kmain(boot magic, boot info physical address) on the boot
 * page tables and the boot stack, with interrupts off. Each step below may
 * use only what the steps before it set up; docs/boot.md follows the path.
 */
#include <kernel/cmdline.h>
#include <kernel/lockdep.h>
#include <kernel/console.h>
#include <kernel/err.h>
#include <kernel/futex.h>
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/power.h>
#include <kernel/process.h>
#include <kernel/profile.h>
#include <asm/vdso.h>
#include <kernel/signal.h>
#include <kernel/sched.h>
#include <kernel/sections.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/watchdog.h>
#include <drivers/drivers.h>
#include <fs/devfs.h>
#include <fs/tmpfs.h>
#include <drivers/fault_devices.h>
#include <fs/ext2.h>
#include <fs/fdtable.h>
#include <fs/buffer.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <drivers/random.h>
#include <drivers/tty.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/overcommit.h>
#include <mm/page_alloc.h>
#include <mm/vmscan.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <mm/writeback.h>
#include <mm/swap.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/bootinfo.h>
#include <asm/extable.h>
#include <asm/mm_init.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/rtc.h>
#include <asm/traps.h>

#define FAULTLINE_VERSION "0.1"

static void print_banner(void)
{
	pr_notice("Faultline %s (x86_64): a teaching kernel about virtual memory\n",
		  FAULTLINE_VERSION);
}

static void print_memory_summary(void)
{
	struct page_alloc_stats st;

	page_alloc_stats(&st);
	pr_info("memory: %lu MiB RAM, %lu MiB free, kernel image %lu KiB\n",
		memblock_total_ram() >> 20, st.free_pages >> (20 - PAGE_SHIFT),
		((unsigned long)_kernel_phys_end - (unsigned long)_kernel_phys_start) >> 10);
}

#define INIT_MAX_ARGS 32

/*
 * init's argv (docs/userspace.md): the path from init= (default
 * /bin/init), then the value of init.mode= if given, then every word after
 * a standalone "--" on the kernel command line. As for the kernel's own
 * parameters, double quotes group spaces into one word and are removed
 * (`-- sh -c "echo a; echo b"` gives three words); a command line cannot
 * carry a double quote itself. The words are written, unquoted, into
 * @copy, a private copy of the command line.
 */
static int init_argv(const char *path, char *copy, size_t size, char *argv[])
{
	const char *mode = kernel_param("init.mode");
	char *p, *rest = NULL, *out;
	int argc = 0;

	argv[argc++] = (char *)path;
	if (mode)
		argv[argc++] = (char *)mode;
	strlcpy(copy, boot_info.cmdline, size);
	for (p = copy; *p; p++) {
		if (p[0] == '-' && p[1] == '-' && (p == copy || p[-1] == ' ') &&
		    (p[2] == ' ' || p[2] == '\0')) {
			rest = p + 2;
			break;
		}
	}
	/* Unquoting only shortens a word, so it is done in place: out <= rest. */
	while (rest && *rest && argc < INIT_MAX_ARGS) {
		bool quoted = false;

		while (*rest == ' ')
			rest++;
		if (!*rest)
			break;
		argv[argc++] = out = rest;
		for (; *rest && (quoted || *rest != ' '); rest++) {
			if (*rest == '"')
				quoted = !quoted;
			else
				*out++ = *rest;
		}
		if (*rest)
			rest++;
		*out = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

/*
 * Turn this kernel thread (pid 1) into the first user process and run
 * init. Its fds 0, 1 and 2 are the console. Never returns.
 */
static __noreturn void run_init_process(void)
{
	static char cmdline_copy[1024];
	static char *envp[] = { "PATH=/bin", "HOME=/", "TERM=vt100", NULL };
	char *argv[INIT_MAX_ARGS + 1];
	const char *path = kernel_param("init") ? kernel_param("init") : "/bin/init";
	struct task_struct *me = current;
	struct pt_regs regs;
	struct file *console;
	int err;

	init_argv(path, cmdline_copy, sizeof(cmdline_copy), argv);
	me->is_process = true;
	me->pgid = me->sid = me->pid;
	me->exit_signal = SIGCHLD;
	me->files = files_alloc();
	me->fs = fs_alloc();
	console = tty_open_console(O_RDWR);
	if (!me->files || !me->fs || IS_ERR_OR_NULL(console) || copy_signal_state(me, NULL, 0))
		panic("run_init_process: out of memory");
	for (int fd = 0; fd < 3; fd++)
		if (fd_install_new(fd ? get_file(console) : console, 0) != fd)
			panic("run_init_process: console fds");
	tty_console_acquire_ctty();     /* init's session: the console */
	err = do_execve(path, argv, envp, false, &regs);
	if (err)
		panic("cannot run init %s: error %d", path, err);
	pr_info("init: running %s\n", path);
	local_irq_disable();
	enter_user_mode_asm(&regs);
	panic("run_init_process: returned from user mode");
}

/*
 * progdisk=DEV:DIR: mount disk DEV (ext2) read-only on DIR of the root,
 * made if missing. It is how the host hands a program to the guest
 * (make exec, make gdb PROG=, EXTRA_TESTS, the lab grader) without ever
 * writing into the root's image: the host builds a small throwaway image
 * and the kernel reads it (docs/storage.md, "The program disk").
 */
static void mount_progdisk(const char *spec)
{
	char dev[16];
	const char *dir = strchr(spec, ':');
	size_t len = dir ? (size_t)(dir - spec) : 0;

	if (!dir || len == 0 || len >= sizeof(dev) || dir[1] != '/') {
		pr_err("progdisk=%s: want progdisk=DEV:/DIR (e.g. vdf:/exec)\n", spec);
		return;
	}
	memcpy(dev, spec, len);
	dev[len] = '\0';
	mount_dev_at(dev, "ext2", dir + 1, true);
}

/*
 * The first kernel thread. It runs in task context (it may sleep), which
 * the unit tests of sleeping primitives and, later, the disk need.
 */
static int kernel_init(void *unused)
{
	const char *root = kernel_param("root") ? kernel_param("root") : "vda";

	/* The hung-task detector first, so that a hang anywhere below is
	 * reported (docs/hang-diagnostics.md). Devices (those of fault_devices.h, the fault-API examples, and
	 * /dev/null register with devfs, which keeps them until /dev is
	 * mounted), then the root filesystem on the first disk (root=DEV to
	 * choose another), then the flusher that writes it back, then the
	 * in-memory filesystems on /dev and /proc (docs/pseudofs.md), and the
	 * program disk if the host gave one. */
	hung_task_init();
	vdso_init();
	drivers_init();
	tty_init();
	null_dev_init();
	random_init();
	loadavg_init();
	zero_dev_init();
	shbuf_init();
	quota_init();
	faultlog_init();
	ext2_init();
	devfs_init();
	tmpfs_init();
	proc_init();
	buffer_shrinker_init();
	inode_shrinker_init();
	kswapd_init();
	if (mount_root(root, "ext2") == 0) {
		writeback_init();
		swap_boot_init();
		mount_nodev_at("devfs", "/dev");
		mount_nodev_at("proc", "/proc");
		/* shm_open's directory (glibc and musl open files there). */
		if (!devfs_register_dir("shm", 01777))
			mount_nodev_at("tmpfs", "/dev/shm");
		if (kernel_param("progdisk"))
			mount_progdisk(kernel_param("progdisk"));
	}
	/* The ktests, then power off; or, with init.mode= as well, go on to
	 * init (make grade runs a lab's ktests and user tests in one boot). */
	if (kernel_param_has("ktest")) {
		const char *prefix = kernel_param("ktest");
		unsigned int failed = ktest_run_all(prefix ? prefix : "");

		lockdep_print_stats();

		if (!kernel_param("init.mode"))
			kernel_power_off(failed || lockdep_reports() ?
					 EXIT_TESTS_FAILED : EXIT_TESTS_PASSED);
	}
	if (kernel_param_has("monitor"))
		monitor_run();
	run_init_process();
}

void kmain(u32 magic, u64 info)
{
	/* 1. Per-CPU data first: spinlocks (and so printk) use it. */
	percpu_init(0);
	console_init();

	/* 2. What the boot loader said, while its structures are intact. */
	bootinfo_parse(magic, info);
	cmdline_parse(&kernel_cmdline, boot_info.cmdline);
	lockdep_init();
	if (kernel_param_has("quiet"))
		console_loglevel = CONSOLE_LOGLEVEL_QUIET;
	exec_randomize_init();
	print_banner();
	bootinfo_print();

	/* 3. The CPU: segments, TSS, exception vectors; sorted fixups. */
	cpu_init();
	extable_init();

	/* 4. Memory: memblock, final page tables, page allocator, heap. */
	arch_memblock_init();
	paging_init();
	page_alloc_init();
	kmalloc_init();
	vmalloc_init();
	memory_init();
	overcommit_init();
	profile_init();

	/* 5. Interrupts and time. */
	lapic_init();
	ioapic_init();
	time_init();
	softlockup_init();
	rtc_init();
	local_irq_enable();
	print_memory_summary();

	/* 6. A deliberate crash, if asked for (the oops test). */
	if (kernel_param("crash"))
		crash_test(kernel_param("crash"));

	/* 7. Tasks: this context becomes the idle task; the other CPUs come
	 * up and idle (docs/smp.md); kernel_init does the rest. */
	sched_init();
	smp_init();
	futex_init();
	if (!kthread_run(kernel_init, NULL, "kernel_init"))
		panic("cannot create kernel_init");
	cpu_idle();
}
