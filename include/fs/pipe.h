/*
 * Pipes (fs/pipe.c): an in-memory ring between a read end and a write
 * end, with an anonymous inode (no disk). docs/syscalls.md, "Files".
 */
#ifndef _FS_PIPE_H
#define _FS_PIPE_H

struct file;

#define PIPE_BUF        4096            /* writes up to this size are atomic */
#define PIPE_BUFFERS    16              /* page buffers in the ring: 64 KiB at most, as Linux */

/*
 * Make a pipe: @res[0] the read end, @res[1] the write end (each a file
 * with one reference). @flags: O_NONBLOCK (O_CLOEXEC is the caller's).
 * Returns 0 or -ENOMEM. Context: may sleep.
 */
int create_pipe_files(struct file **res, unsigned int flags);

#endif
