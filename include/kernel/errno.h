/* Linux errno values: user programs see exactly these numbers. */
#ifndef _KERNEL_ERRNO_H
#define _KERNEL_ERRNO_H

#define EPERM           1
#define ENOENT          2
#define ESRCH           3
#define EINTR           4
#define EIO             5
#define ENXIO           6
#define E2BIG           7
#define ENOEXEC         8
#define EBADF           9
#define ECHILD          10
#define EAGAIN          11
#define ENOMEM          12
#define EACCES          13
#define EFAULT          14
#define EBUSY           16
#define EEXIST          17
#define EXDEV           18
#define ENODEV          19
#define ENOTDIR         20
#define EISDIR          21
#define EINVAL          22
#define ENFILE          23
#define EMFILE          24
#define ENOTTY          25
#define EFBIG           27
#define ENOSPC          28
#define ESPIPE          29
#define EROFS           30
#define EMLINK          31
#define EPIPE           32
#define ERANGE          34
#define ENAMETOOLONG    36
#define ENOSYS          38
#define ENOTEMPTY       39
#define ELOOP           40
#define EOVERFLOW       75
#define EOPNOTSUPP      95


/* The rest of Linux's numbers that Faultline's calls can return. */
#define ENOTBLK         15
#define ETXTBSY         26
#define EDOM            33
#define EDEADLK         35
#define ENOLCK          37
#define ENOMSG          42
#define ENODATA         61
#define ETIME           62
#define EBADFD          77
#define ELIBBAD         80      /* execve: the ELF interpreter is not a usable ELF file */
#define EILSEQ          84
#define ENOTSOCK        88
#define EDESTADDRREQ    89
#define EMSGSIZE        90
#define EPROTOTYPE      91
#define ENOPROTOOPT     92
#define EPROTONOSUPPORT 93
#define ESOCKTNOSUPPORT 94
#define EAFNOSUPPORT    97
#define EADDRINUSE      98
#define EADDRNOTAVAIL   99
#define ECONNRESET      104
#define EISCONN         106
#define ENOTCONN        107
#define ETIMEDOUT       110
#define ECONNREFUSED    111
#define EALREADY        114
#define ESTALE          116
#define EDQUOT          122
#define ECANCELED       125

/* Kernel-internal: never seen by user space. A system call interrupted by
 * a signal returns one of these; do_signal turns it into a restart or
 * -EINTR (Linux's include/linux/errno.h). */
#define ERESTARTSYS     512     /* restart if the handler has SA_RESTART */
#define ERESTARTNOINTR  513     /* always restart */
#define ERESTARTNOHAND  514     /* restart if no handler ran */

#endif
