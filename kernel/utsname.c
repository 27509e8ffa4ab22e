/*
 * The system's names: uname(2), sethostname(2), setdomainname(2) and the
 * sysctls /proc/sys/kernel/{hostname,domainname,ostype,osrelease,version}
 * (include/kernel/utsname.h). One host name for the whole system (no UTS
 * namespaces): "faultline" at boot; the domain name "(none)", as Linux's.
 *
 * sysname is "Faultline", not "Linux": honest, and no tool the project
 * runs looks at it (docs/signals.md, "sys calls"). The release is
 * UTS_RELEASE, in one place, so uname -r and osrelease always agree.
 *
 * Locks: uts_lock (spinlock) covers the two names, so a reader never sees
 * half of a new name. Nothing is taken under it; copies to and from the
 * user are made outside it.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/utsname.h>
#include <fs/proc_fs.h>
#include <asm/uaccess.h>

#define HOST_NAME_MAX   64              /* Linux's __NEW_UTS_LEN */

static DEFINE_SPINLOCK(uts_lock);
static char uts_nodename[UTS_LEN] = "faultline";        /* (uts_lock) */
static char uts_domainname[UTS_LEN] = "(none)";         /* (uts_lock) */

void utsname_get(struct new_utsname *u)
{
	unsigned long flags;

	memset(u, 0, sizeof(*u));
	strlcpy(u->sysname, UTS_SYSNAME, UTS_LEN);
	strlcpy(u->release, UTS_RELEASE, UTS_LEN);
	strlcpy(u->version, UTS_VERSION, UTS_LEN);
	strlcpy(u->machine, UTS_MACHINE, UTS_LEN);
	flags = spin_lock_irqsave(&uts_lock);
	memcpy(u->nodename, uts_nodename, UTS_LEN);
	memcpy(u->domainname, uts_domainname, UTS_LEN);
	spin_unlock_irqrestore(&uts_lock, flags);
}

SYSCALL_DEFINE1(uname, struct new_utsname __user *, uts)
{
	struct new_utsname u;

	utsname_get(&u);
	return copy_to_user(uts, &u, sizeof(u)) ? -EFAULT : 0;
}

/* Replace @dst (a name under uts_lock) by @len bytes of @src. */
static void set_uts_name(char *dst, const char *src, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&uts_lock);

	memcpy(dst, src, len);
	memset(dst + len, 0, UTS_LEN - len);
	spin_unlock_irqrestore(&uts_lock, flags);
}

/* sethostname/setdomainname: EPERM before EINVAL before EFAULT, as Linux. */
static long set_name_from_user(char *dst, const char __user *uname, int len)
{
	char buf[HOST_NAME_MAX];

	if (!capable_root())
		return -EPERM;
	if (len < 0 || len > HOST_NAME_MAX)
		return -EINVAL;
	if (copy_from_user(buf, uname, (size_t)len))
		return -EFAULT;
	set_uts_name(dst, buf, (size_t)len);
	return 0;
}

SYSCALL_DEFINE2(sethostname, const char __user *, name, int, len)
{
	return set_name_from_user(uts_nodename, name, len);
}

SYSCALL_DEFINE2(setdomainname, const char __user *, name, int, len)
{
	return set_name_from_user(uts_domainname, name, len);
}

/* ---- /proc/sys/kernel ------------------------------------------------------------ */

int hostname_show(struct seq_buf *m, int pid)
{
	struct new_utsname u;

	utsname_get(&u);
	seq_printf(m, "%s\n", u.nodename);
	return 0;
}

int domainname_show(struct seq_buf *m, int pid)
{
	struct new_utsname u;

	utsname_get(&u);
	seq_printf(m, "%s\n", u.domainname);
	return 0;
}

/*
 * A write to hostname or domainname (@buf NUL-terminated by proc): the
 * text up to the first newline, cut to 64 bytes, as Linux's proc_dostring.
 * The file's mode (0644, root's) has already kept other users out.
 */
static int store_uts_text(char *dst, const char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && n < HOST_NAME_MAX && buf[n] && buf[n] != '\n')
		n++;
	set_uts_name(dst, buf, n);
	return 0;
}

int hostname_store(const char *buf, size_t len)
{
	return store_uts_text(uts_nodename, buf, len);
}

int domainname_store(const char *buf, size_t len)
{
	return store_uts_text(uts_domainname, buf, len);
}

int ostype_show(struct seq_buf *m, int pid)
{
	seq_puts(m, UTS_SYSNAME "\n");
	return 0;
}

int osrelease_show(struct seq_buf *m, int pid)
{
	seq_puts(m, UTS_RELEASE "\n");
	return 0;
}

int kernel_version_show(struct seq_buf *m, int pid)
{
	seq_puts(m, UTS_VERSION "\n");
	return 0;
}

/* /proc/version: Linux's layout ("Linux version 6.1.0 (builder) (compiler)
 * #1 ..."), with Faultline's names; the compiler is the one that built it. */
int version_show(struct seq_buf *m, int pid)
{
	seq_puts(m, UTS_SYSNAME " version " UTS_RELEASE " (faultline@build) (gcc " __VERSION__
		 ") " UTS_VERSION "\n");
	return 0;
}
