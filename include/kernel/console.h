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
/* Write @len bytes exactly as they are (no translation). Polled. The
 * caller holds the console lock, so printk output does not interleave. */
void console_write_raw(const char *s, size_t len);

/*
 * The console output lock: the lock printk holds while it writes
 * (kernel/printk.c's logbuf_lock). The TTY takes it around each of its
 * writes and echoes. Innermost of all locks, interrupts off while held;
 * after a panic started it is no longer taken.
 */
unsigned long console_lock_irqsave(void);
void console_unlock_irqrestore(unsigned long flags);

/* A received byte, or -1 if none is waiting (always -1 once an input
 * handler is set: the bytes go there). Never blocks. */
int console_getc(void);

/*
 * From now on, give every received byte to @fn: from the UART's receive
 * interrupt (ISA IRQ 4 through the I/O APIC), or, without an I/O APIC, from
 * a kernel thread polling once per tick. @fn runs with interrupts off.
 * Returns 0, -ENODEV (no UART), -EBUSY (a handler is already set) or
 * -ENOMEM. Context: task context, after ioapic_init().
 */
int console_set_input_handler(void (*fn)(u8 c));

#endif
