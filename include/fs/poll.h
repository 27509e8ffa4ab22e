/*
 * poll, select and their ->poll file operation (fs/select.c).
 *
 * A file's ->poll(file, pt) returns what could be done with it now
 * without blocking (POLL* bits) and, when @pt is not NULL, calls
 * poll_wait(file, wq, pt) for every wait queue that a change of that
 * answer is announced on. It must not sleep: it reads its state without
 * the file's sleeping locks (READ_ONCE), as the blocking read and write
 * paths' wake-up conditions do. A file without ->poll is always ready
 * for reading and writing (DEFAULT_POLLMASK), as a regular file is on
 * Linux.
 */
#ifndef _FS_POLL_H
#define _FS_POLL_H

#include <kernel/types.h>
#include <kernel/wait.h>

/* Linux's values (include/uapi/asm-generic/poll.h). */
#define POLLIN          0x0001
#define POLLPRI         0x0002
#define POLLOUT         0x0004
#define POLLERR         0x0008
#define POLLHUP         0x0010
#define POLLNVAL        0x0020
#define POLLRDNORM      0x0040
#define POLLRDBAND      0x0080
#define POLLWRNORM      0x0100
#define POLLWRBAND      0x0200
#define POLLMSG         0x0400
#define POLLRDHUP       0x2000

#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

struct file;
struct poll_table;

/* Register the poller on @wq (only in the pass that collects queues:
 * @pt is NULL in the others). Context: may allocate, does not sleep on
 * anything but memory. */
void poll_wait(struct file *file, struct wait_queue_head *wq, struct poll_table *pt);

/* The file's answer: ->poll, or DEFAULT_POLLMASK. */
unsigned int vfs_poll(struct file *file, struct poll_table *pt);

#endif
