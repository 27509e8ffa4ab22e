/*
 * The console: the first serial port (COM1, 16550 UART), which QEMU
 * connects to the terminal or to the test harness. The arch provides it.
 */
#ifndef _KERNEL_CONSOLE_H
#define _KERNEL_CONSOLE_H

#include <kernel/types.h>

void console_init(void);
/* Write @len bytes, translating "\n" to "\r\n". Polled: safe anywhere,
 * including the panic path. */
void console_write(const char *s, size_t len);
/* A received byte, or -1 if none is waiting. Never blocks. */
int console_getc(void);

#endif
