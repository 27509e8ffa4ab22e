/*
 * The 16550 UART on COM1 as the console.
 *
 * Output is polled (wait for the transmit holding register to empty, then
 * write), which works with interrupts off and from the panic path. Input is
 * polled too for now; the console TTY of the user-space issue moves it to
 * the UART's receive interrupt.
 */
#include <kernel/console.h>
#include <asm/processor.h>

#define COM1            0x3f8
#define UART_DATA       0       /* receive buffer / transmit holding (DLAB=0) */
#define UART_IER        1       /* interrupt enable (DLAB=0) */
#define UART_DLL        0       /* divisor latch low (DLAB=1) */
#define UART_DLH        1       /* divisor latch high (DLAB=1) */
#define UART_FCR        2       /* FIFO control */
#define UART_LCR        3       /* line control */
#define UART_MCR        4       /* modem control */
#define UART_LSR        5       /* line status */
#define UART_LSR_DR     0x01    /* data ready */
#define UART_LSR_THRE   0x20    /* transmit holding register empty */

static bool serial_present;

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
	if (!serial_present || !(inb(COM1 + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(COM1 + UART_DATA);
}
