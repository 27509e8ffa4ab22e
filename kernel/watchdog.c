/*
 * The soft-lockup watchdog (see include/kernel/watchdog.h).
 *
 * Each CPU keeps one timestamp, softlockup_touch, in its struct cpu_local:
 * the jiffies when it last scheduled (__schedule), idled (cpu_idle) or was
 * found running user code by the timer. The timer interrupt compares it
 * with jiffies; if the CPU has stayed in the kernel for 2 * watchdog_thresh
 * seconds without any of those, it is spinning on a lock, looping with
 * preemption off, or waiting on something that will never come, and the
 * watchdog prints where: the interrupted RIP and the backtrace from the
 * interrupted frame pointer. It then restarts its count, so a lockup that
 * lasts is reported again every 2 * watchdog_thresh seconds, as on Linux.
 *
 * Code interrupted while it could have been preempted (no spinlock held,
 * interrupts on) counts as progress too: if anything else were runnable,
 * this very interrupt would preempt it, so the CPU is not stuck, only
 * busy; on Linux the watchdog's own thread would get to run there. What is
 * left is what the watchdog is for: a CPU spinning in the kernel with a
 * spinlock held, or looping with preemption off. A CPU stuck with
 * interrupts off is invisible to a timer-driven watchdog (Linux uses an
 * NMI for that); the harness's GDB-stub dump (docs/hang-diagnostics.md)
 * covers that case, and the hung-task detector catches its victims.
 *
 * Locks: none. The timestamp is this CPU's own, written by this CPU only.
 */
#include <kernel/cmdline.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/watchdog.h>
#include <asm/processor.h>
#include <asm/ptrace.h>

static unsigned long watchdog_thresh = DEFAULT_WATCHDOG_THRESH;
unsigned long softlockup_reports;       /* (a) */

void softlockup_init(void)
{
	watchdog_thresh = kernel_param_ulong("watchdog_thresh", DEFAULT_WATCHDOG_THRESH);
	touch_softlockup_watchdog();
}

void softlockup_tick(struct pt_regs *regs)
{
	struct cpu_local *c = this_cpu();
	struct task_struct *cur = c->current_task;
	u64 stuck;

	if (!watchdog_thresh || !cur)
		return;
	if (user_mode(regs) || cur == c->idle_task ||
	    (!preempt_count() && (regs->rflags & X86_EFLAGS_IF))) {
		touch_softlockup_watchdog();
		return;
	}
	stuck = jiffies - c->softlockup_touch;
	if (stuck < 2 * watchdog_thresh * HZ)
		return;
	touch_softlockup_watchdog();            /* next report in 2 * thresh */
	pr_emerg("watchdog: BUG: soft lockup - CPU#%u stuck for %llus! [%s:%d]\n",
		 c->cpu, (unsigned long long)(stuck / HZ), cur->comm, cur->pid);
	pr_emerg("preempt_count %d, RIP %pS\n", preempt_count(), (void *)regs->rip);
	dump_stack_from(regs->rip, regs->rbp);
	__atomic_fetch_add(&softlockup_reports, 1, __ATOMIC_RELEASE);
}
