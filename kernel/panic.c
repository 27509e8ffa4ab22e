/*
 * panic() and backtraces.
 *
 * Backtraces follow the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer): each frame holds [saved rbp][return address].
 * Every read goes through get_kernel_nofault(), so a corrupt chain ends the
 * trace instead of faulting inside the fault report.
 */
#include <kernel/kernel.h>
#include <kernel/power.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/uaccess.h>

bool panic_in_progress;
static int panic_cpu = -1;              /* the CPU reporting, -1 before any */
bool oops_in_progress;

unsigned int stack_trace_save_fp(unsigned long rip, unsigned long rbp,
				 unsigned long *entries, unsigned int max)
{
	unsigned int n = 0;

	if (rip && n < max)
		entries[n++] = rip;
	while (rbp && n < max) {
		unsigned long next, ret;

		if (!IS_ALIGNED(rbp, 8) || rbp < PAGE_OFFSET)
			break;
		if (get_kernel_nofault(next, (unsigned long *)rbp) ||
		    get_kernel_nofault(ret, (unsigned long *)rbp + 1))
			break;
		if (!ret)
			break;                  /* the zero frame start64 pushed */
		/* A return address points after the call: show the call. */
		entries[n++] = ret - 1;
		if (next <= rbp)
			break;                  /* stacks grow down: the chain must go up */
		rbp = next;
	}
	return n;
}

void dump_stack_from(unsigned long rip, unsigned long rbp)
{
	unsigned long entries[BACKTRACE_MAX_FRAMES];
	unsigned int n = stack_trace_save_fp(rip, rbp, entries, BACKTRACE_MAX_FRAMES);

	printk(KERN_EMERG "Call Trace:\n");
	for (unsigned int i = 0; i < n; i++)
		printk(KERN_EMERG " %pS\n", (void *)entries[i]);
}

void dump_stack(void)
{
	dump_stack_from(0, current_frame_pointer());
}

void __panic(const char *func, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	int me = (int)smp_processor_id(), none = -1;

	local_irq_disable();
	/* One CPU reports; a CPU that panics while another does just stops,
	 * so that it neither garbles nor cuts short the first report. */
	if (!__atomic_compare_exchange_n(&panic_cpu, &none, me, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST)) {
		if (none != me)
			for (;;)
				halt();
		/* A panic while panicking: say so and stop, without recursion. */
		console_printf("\nKernel panic - not syncing: recursive panic in %s\n", func);
		machine_exit(EXIT_PANIC);
	}
	panic_in_progress = true;
	smp_send_stop();
	printk_enter_panic();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!oops_in_progress)          /* an oops has printed its own trace */
		dump_stack();
	printk(KERN_EMERG "Kernel panic - not syncing: %s: %s\n", func, msg);
	machine_exit(EXIT_PANIC);
}
