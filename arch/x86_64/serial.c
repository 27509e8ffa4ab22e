/*
 * The 16550 UART on COM1 as the console.
 *
 * Output is polled (wait for the transmit holding register to empty, then
 * write), which works with interrupts off and from the panic path. Writers
 * serialise on the console lock (kernel/printk.c), which printk holds.
 *
 * Input: until console_set_input_handler() is called, console_getc() polls
 * the UART. After it, every received byte goes to the handler (the console
 * TTY's line discipline, drivers/tty.c) from the UART's receive interrupt:
 * COM1 is ISA IRQ 4, routed through the I/O APIC to a vector of our own.
 * A machine with no I/O APIC gets a kernel thread that polls the UART once
 * per timer tick instead (docs/tty.md). Either way the handler runs with
 * interrupts disabled, one byte at a time, in arrival order.
 */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <asm/ioapic.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define COM1            0x3f8
#define UART_DATA       0       /* receive buffer / transmit holding (DLAB=0) */
#define UART_IER        1       /* interrupt enable (DLAB=0) */
#define UART_IER_RDI    0x01    /* interrupt when received data is available */
#define UART_DLL        0       /* divisor latch low (DLAB=1) */
#define UART_DLH        1       /* divisor latch high (DLAB=1) */
#define UART_FCR        2       /* FIFO control */
#define UART_LCR        3       /* line control */
#define UART_MCR        4       /* modem control */
#define UART_LSR        5       /* line status */
#define UART_LSR_DR     0x01    /* data ready */
#define UART_LSR_THRE   0x20    /* transmit holding register empty */

#define COM1_IRQ        4       /* its ISA interrupt line */

static bool serial_present;
/* Set once by console_set_input_handler(); then the UART's data belongs to it. */
static void (*input_handler)(u8 c);

void console_init(void)
{
	outb(COM1 + UART_IER, 0x00);            /* no interrupts yet */
	outb(COM1 + UART_LCR, 0x80);            /* DLAB on: set the baud divisor */
	outb(COM1 + UART_DLL, 0x01);            /* 115200 baud */
	outb(COM1 + UART_DLH, 0x00);
	outb(COM1 + UART_LCR, 0x03);            /* 8 bits, no parity, 1 stop bit */
	outb(COM1 + UART_FCR, 0xc7);            /* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x0b);            /* DTR, RTS, OUT2 */
	/* A missing UART reads back 0xff from every register. */
	serial_present = inb(COM1 + UART_LSR) != 0xff;
}

static void serial_putc(char c)
{
	unsigned int spins = 0;

	while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE) && ++spins < 100000)
		cpu_relax();
	outb(COM1 + UART_DATA, (u8)c);
}

void console_write_raw(const char *s, size_t len)
{
	if (!serial_present)
		return;
	for (size_t i = 0; i < len; i++)
		serial_putc(s[i]);
}

void console_write(const char *s, size_t len)
{
	if (!serial_present)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

int console_getc(void)
{
	if (!serial_present || input_handler || !(inb(COM1 + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(COM1 + UART_DATA);
}

/* Serialises draining the receive FIFO: the interrupt (on the CPU the I/O
 * APIC routes IRQ 4 to) and a drain from task context on another CPU must
 * not interleave their reads, or bytes would reach the handler out of
 * order. A leaf; the handler's own locks (tty->lock) nest inside it. */
static DEFINE_SPINLOCK(serial_rx_lock);

/* Hand every byte the UART holds to the input handler. Interrupts off. */
static void serial_drain_input(void)
{
	spin_lock(&serial_rx_lock);
	while (inb(COM1 + UART_LSR) & UART_LSR_DR)
		input_handler(inb(COM1 + UART_DATA));
	spin_unlock(&serial_rx_lock);
}

/* The receive interrupt (IRQ 4). Reading the data register clears both
 * "data available" and the FIFO's character timeout, so draining the FIFO
 * is the whole acknowledgement; the local APIC's EOI follows (traps.c). */
static void serial_interrupt(struct pt_regs *regs, void *data)
{
	serial_drain_input();
}

/* The fallback without an I/O APIC: poll once per timer tick. */
static int serial_poll_thread(void *unused)
{
	for (;;) {
		unsigned long flags = local_irq_save();

		serial_drain_input();
		local_irq_restore(flags);
		msleep(1000 / HZ);
	}
	return 0;
}

int console_set_input_handler(void (*fn)(u8 c))
{
	int vector;
	unsigned long flags;

	if (!serial_present)
		return -ENODEV;
	if (input_handler)
		return -EBUSY;
	input_handler = fn;
	vector = irq_alloc_vector(serial_interrupt, NULL, "COM1");
	if (vector >= 0 && ioapic_route_isa_irq(COM1_IRQ, (unsigned int)vector) == 0) {
		outb(COM1 + UART_IER, UART_IER_RDI);
		flags = local_irq_save();       /* bytes that came before the IRQ did */
		serial_drain_input();
		local_irq_restore(flags);
		pr_info("serial: COM1 input on IRQ %u (GSI %u), vector %#x\n", COM1_IRQ,
			ioapic_isa_irq_to_gsi(COM1_IRQ), vector);
		return 0;
	}
	if (vector >= 0)
		irq_free_vector((unsigned int)vector);
	if (!kthread_run(serial_poll_thread, NULL, "serial_poll")) {
		input_handler = NULL;
		return -ENOMEM;
	}
	pr_info("serial: no I/O APIC route for IRQ %u; polling COM1 input every tick\n", COM1_IRQ);
	return 0;
}
