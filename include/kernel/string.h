/* The string and memory functions of a freestanding C library. */
#ifndef _KERNEL_STRING_H
#define _KERNEL_STRING_H

#include <stdarg.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
/* The first byte of @s that is not @c, or NULL if all @n bytes are @c. */
void *memchr_inv(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
bool str_starts_with(const char *s, const char *prefix);

/* Parse an unsigned number (base 0: 0x.. hex, 0.. octal, else decimal).
 * Returns 0 and sets *res, or -EINVAL on junk or overflow. */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);

__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
