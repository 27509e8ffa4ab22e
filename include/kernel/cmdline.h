/*
 * The kernel command line: words separated by spaces, each either a flag
 * ("ktest", "quiet") or key=value ("init=/bin/sh", "fault_delay=50").
 * A value may be double-quoted to contain spaces: init="/bin/sh -x".
 * When a key appears twice, the last one wins (as Linux's __setup does).
 *
 * struct cmdline is a parsed copy, so tests can parse strings of their own;
 * kernel_cmdline is the one the boot loader gave us.
 */
#ifndef _KERNEL_CMDLINE_H
#define _KERNEL_CMDLINE_H

#include <kernel/types.h>

#define CMDLINE_MAX_ARGS 64
#define CMDLINE_BUF 1024

struct cmdline_arg {
	const char *key;
	const char *value;              /* NULL for a flag */
};

struct cmdline {
	char buf[CMDLINE_BUF];          /* keys and values point in here */
	unsigned int nr;
	struct cmdline_arg args[CMDLINE_MAX_ARGS];
	bool truncated;                 /* too long or too many words */
};

extern struct cmdline kernel_cmdline;

void cmdline_parse(struct cmdline *cl, const char *str);
/* True if @key is present, as a flag or with a value. */
bool cmdline_has(const struct cmdline *cl, const char *key);
/* The value of @key; NULL if absent or a bare flag. */
const char *cmdline_get(const struct cmdline *cl, const char *key);
/* The value of @key as a number, or @def if absent or not a number. */
unsigned long cmdline_get_ulong(const struct cmdline *cl, const char *key, unsigned long def);

/* Shorthands on kernel_cmdline, for the switches of other subsystems. */
static inline bool kernel_param_has(const char *key) { return cmdline_has(&kernel_cmdline, key); }
static inline const char *kernel_param(const char *key) { return cmdline_get(&kernel_cmdline, key); }
static inline unsigned long kernel_param_ulong(const char *key, unsigned long def)
{
	return cmdline_get_ulong(&kernel_cmdline, key, def);
}

#endif
