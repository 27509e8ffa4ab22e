/*
 * The kernel monitor: a tiny command loop on the serial console that runs
 * when there is no user space to start (until the user-space issue adds
 * init and a shell). "help" lists its commands.
 */
#ifndef _KERNEL_MONITOR_H
#define _KERNEL_MONITOR_H

#include <kernel/compiler.h>

__noreturn void monitor_run(void);

/* Deliberate crashes, for the oops test and for students ("crash=" on the
 * command line, or the monitor's "crash" command). Returns only if @what
 * is not a known crash. */
void crash_test(const char *what);
void crash_test_page_fault(void);

#endif
