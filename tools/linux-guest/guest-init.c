/*
 * guest-init - PID 1 of the Linux guest's initramfs (tools/linux_guest.py,
 * docs/performance.md "Linux on the same emulator").
 *
 * The guest is a distribution kernel booted under the same QEMU as
 * Faultline, to run Faultline's own static programs as the oracle and the
 * reference for figures. This program brings that kernel to the point
 * where Faultline's root disk is its root, then hands over to Faultline's
 * own /bin/init, so that what runs (init's test and exec modes, runtests,
 * the benchmarks, in /tmp of the same kind of ext2 image) is the same
 * binary on both kernels:
 *
 *   1. follow /guest.conf, written by linux_guest.py, one step a line:
 *        insmod FILE              finit_module() of a module in the
 *                                 initramfs (dependencies come first)
 *        mount DEV DIR FSTYPE ro|rw   wait for DEV, then mount it
 *        swapon DEV               enable a swap disk
 *   2. mount devtmpfs on NEWROOT/dev and proc on NEWROOT/proc, chroot there
 *      (NEWROOT: the first mount's DIR);
 *   3. exec /bin/init with the words the kernel passed after "--" (its
 *      mode and arguments: "test", "exec /exec/faultbench -r 7").
 *
 * Faultline's init prints the "faultline-exit-status: N" line and powers
 * the machine off, exactly as on Faultline. Any failure here is printed
 * with a "guest-init:" prefix and powers off at once, so a broken guest
 * ends its QEMU rather than hanging it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CONF		"/guest.conf"
#define FAULTLINE_INIT	"/bin/init"
#define DEV_WAIT_MS	10000	/* how long a disk may take to appear */

static void fatal(const char *what)
{
	fprintf(stderr, "guest-init: %s: %s; powering off\n", what,
		strerror(errno));
	sync();
	reboot(RB_POWER_OFF);
	_exit(1);
}

/* Modules are probed asynchronously: a disk's node appears in devtmpfs
 * some time after virtio_blk has loaded. */
static int wait_for(const char *path)
{
	struct timespec step = { 0, 10 * 1000 * 1000 };
	struct stat st;

	for (int ms = 0; ms < DEV_WAIT_MS; ms += 10) {
		if (stat(path, &st) == 0)
			return 0;
		nanosleep(&step, NULL);
	}
	errno = ENOENT;
	return -1;
}

static void do_insmod(const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fatal(file);
	/* EEXIST: built in, or loaded already; not an error. */
	if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
		fatal(file);
	close(fd);
}

static void do_mount(const char *dev, const char *dir, const char *fstype,
		     const char *mode)
{
	unsigned long flags = strcmp(mode, "ro") == 0 ? MS_RDONLY : 0;

	if (wait_for(dev) != 0)
		fatal(dev);
	mkdir(dir, 0755);	/* EEXIST is fine */
	if (mount(dev, dir, fstype, flags, NULL) != 0)
		fatal(dir);
}

static void do_swapon(const char *dev)
{
	if (wait_for(dev) != 0 || swapon(dev, 0) != 0)
		fatal(dev);
}

/* Run the steps of /guest.conf; returns the first mount's directory. */
static char *run_conf(void)
{
	static char newroot[256];
	char line[512], a[256], b[256], c[64], d[16];
	FILE *f = fopen(CONF, "r");

	if (!f)
		fatal(CONF);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "insmod %255s", a) == 1) {
			do_insmod(a);
		} else if (sscanf(line, "mount %255s %255s %63s %15s", a, b, c, d) == 4) {
			do_mount(a, b, c, d);
			if (!newroot[0])
				snprintf(newroot, sizeof(newroot), "%s", b);
		} else if (sscanf(line, "swapon %255s", a) == 1) {
			do_swapon(a);
		} else if (line[0] != '#' && line[0] != '\n') {
			errno = EINVAL;
			fatal(line);
		}
	}
	fclose(f);
	if (!newroot[0]) {
		errno = ENOENT;
		fatal(CONF ": no root mount");
	}
	return newroot;
}

int main(int argc, char **argv)
{
	char *args[64];
	char *newroot;
	char path[300];
	int n = 0;

	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0 && errno != EBUSY)
		fatal("/dev");
	if (mount("proc", "/proc", "proc", 0, NULL) != 0)
		fatal("/proc");

	newroot = run_conf();
	snprintf(path, sizeof(path), "%s/dev", newroot);
	if (mount("devtmpfs", path, "devtmpfs", 0, NULL) != 0)
		fatal(path);
	snprintf(path, sizeof(path), "%s/proc", newroot);
	if (mount("proc", path, "proc", 0, NULL) != 0)
		fatal(path);
	if (chdir(newroot) != 0 || chroot(".") != 0 || chdir("/") != 0)
		fatal(newroot);

	/* The kernel hands init the words after "--" as argv[1...]. */
	args[n++] = FAULTLINE_INIT;
	for (int i = 1; i < argc && n < 63; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	fflush(stdout);
	execv(FAULTLINE_INIT, args);
	fatal(FAULTLINE_INIT);
	return 1;
}
