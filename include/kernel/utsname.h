/*
 * The system's names (kernel/utsname.c): what uname(2) reports and
 * /proc/sys/kernel/{ostype,osrelease,version,hostname,domainname} show.
 * The host and domain names are set by sethostname/setdomainname or a
 * write to the sysctl, root only; the others are fixed at build time.
 */
#ifndef _KERNEL_UTSNAME_H
#define _KERNEL_UTSNAME_H

#include <kernel/types.h>

#define UTS_LEN         65              /* each field of struct new_utsname */
#define UTS_SYSNAME     "Faultline"
/* The Linux ABI level whose system calls Faultline follows, in the form
 * version checks parse (glibc's "kernel too old", scripts comparing
 * `uname -r`), with a suffix as a distribution's kernel has one
 * (docs/signals.md, docs/syscalls.md "uname"). */
#define UTS_RELEASE     "6.1.0-faultline"
#define UTS_VERSION     "#1"
#define UTS_MACHINE     "x86_64"

struct new_utsname {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN];
	char version[UTS_LEN], machine[UTS_LEN], domainname[UTS_LEN];
};

/* A consistent copy of every field. Context: any task; takes uts_lock. */
void utsname_get(struct new_utsname *u);

#endif
