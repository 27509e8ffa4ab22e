/*
 * Error pointers, as in Linux: a function that returns a pointer can return
 * a negative errno encoded in it instead of NULL, so the caller learns why.
 * The top 4095 addresses are never valid kernel pointers.
 */
#ifndef _KERNEL_ERR_H
#define _KERNEL_ERR_H

#include <kernel/compiler.h>
#include <kernel/types.h>

#define MAX_ERRNO 4095

static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr)
{
	return unlikely((unsigned long)ptr >= (unsigned long)-MAX_ERRNO);
}
static inline bool IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR(ptr); }

#endif
