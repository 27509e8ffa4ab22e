/*
 * Signals, the x86-64 half: the rt_sigframe on the user stack, the
 * system-call restart rules, do_signal and rt_sigreturn.
 *
 * The frame is Linux's (asm/sigframe.h draws it), so musl's sa_restorer
 * (__restore_rt: mov $15, %eax; syscall) and debuggers work unchanged.
 * The handler's FPU/SSE state starts clean; the interrupted state is saved
 * in the frame (512-byte FXSAVE image) and restored by rt_sigreturn.
 *
 * Trust: everything read back by rt_sigreturn comes from user memory. It
 * may set the general registers and the arithmetic flags, nothing else:
 * CS/SS are forced to the user selectors, IOPL/IF/NT/VM stay the kernel's,
 * RIP must be a user address (an IRETQ to a non-canonical RIP would fault
 * in the kernel), and MXCSR's reserved bits are cleared (FXRSTOR would
 * fault on them).
 *
 * Locks: none held across user copies (they may fault and sleep); the
 * FPU registers are saved and loaded with interrupts off, so a context
 * switch cannot interleave with the live registers.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <asm/fpu.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/sigframe.h>
#include <asm/traps.h>
#include <asm/uaccess.h>

/* The layout is ABI: check it against Linux's offsets. */
_Static_assert(sizeof(struct sigcontext) == 256, "sigcontext is 256 bytes");
_Static_assert(offsetof(struct sigcontext, rip) == 128, "sigcontext.rip");
_Static_assert(offsetof(struct sigcontext, cs) == 144, "sigcontext.cs");
_Static_assert(offsetof(struct sigcontext, fpstate) == 184, "sigcontext.fpstate");
_Static_assert(sizeof(struct ucontext) == 304, "ucontext is 304 bytes");
_Static_assert(offsetof(struct ucontext, uc_mcontext) == 40, "uc_mcontext");
_Static_assert(offsetof(struct ucontext, uc_sigmask) == 296, "uc_sigmask");
_Static_assert(offsetof(struct rt_sigframe, uc) == 8, "frame.uc");
_Static_assert(offsetof(struct rt_sigframe, info) == 312, "frame.info");
_Static_assert(sizeof(struct rt_sigframe) == 440, "rt_sigframe is 440 bytes");
_Static_assert(sizeof(struct fpu_state) == SIGFRAME_FPSTATE_SIZE, "fxsave area");

/* RFLAGS bits user space may change through a frame: CF PF AF ZF SF TF DF
 * OF RF AC (Linux's FIX_EFLAGS). Never IF, IOPL, NT, VM, VIF, VIP, ID. */
#define EFLAGS_CF       (1UL << 0)
#define EFLAGS_PF       (1UL << 2)
#define EFLAGS_AF       (1UL << 4)
#define EFLAGS_ZF       (1UL << 6)
#define EFLAGS_SF       (1UL << 7)
#define EFLAGS_OF       (1UL << 11)
#define EFLAGS_RF       (1UL << 16)
#define FIX_EFLAGS      (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF |   \
			 X86_EFLAGS_TF | X86_EFLAGS_DF | EFLAGS_OF | EFLAGS_RF | X86_EFLAGS_AC)

#define FXSAVE_MXCSR_OFFSET      24
#define FXSAVE_MXCSR_MASK_OFFSET 28

/* ---- frame placement ---------------------------------------------------- */

unsigned long sigframe_fpstate_addr(unsigned long sp)
{
	return ALIGN_DOWN(sp - SIGFRAME_FPSTATE_SIZE, 64UL);
}

/* 16-byte aligned minus 8: the state right after a call instruction. */
unsigned long sigframe_addr(unsigned long fpstate)
{
	return ALIGN_DOWN(fpstate - sizeof(struct rt_sigframe), 16UL) - 8;
}

/*
 * The stack the frame goes on: below the red zone of the interrupted
 * stack, or at the top of the alternate stack for an SA_ONSTACK handler
 * not already running on it. Returns the fpstate address, or 0 if the
 * frame would overflow the alternate stack.
 */
static unsigned long get_sigframe(const struct k_sigaction *ka, unsigned long sp,
				  unsigned long *frame)
{
	bool nested = on_sig_stack(sp), entering = false;
	struct task_signal *s = current->signal;
	unsigned long fp;

	sp -= SIGFRAME_REDZONE;
	if ((ka->flags & SA_ONSTACK) && sas_ss_flags(sp) == 0) {
		sp = s->sas_ss_sp + s->sas_ss_size;
		entering = true;
	}
	fp = sigframe_fpstate_addr(sp);
	*frame = sigframe_addr(fp);
	if ((nested || entering) && !__on_sig_stack(*frame))
		return 0;
	return fp;
}

/* ---- FPU state ---------------------------------------------------------- */

static void fpu_save_live(struct fpu_state *fx)
{
	unsigned long flags = local_irq_save();

	fpu_save(fx);
	local_irq_restore(flags);
}

static void fpu_load_live(const struct fpu_state *fx)
{
	unsigned long flags = local_irq_save();

	fpu_restore(fx);
	local_irq_restore(flags);
}

/* Give the handler a clean FPU, as Linux does. */
static void fpu_reset_live(void)
{
	struct fpu_state fx;

	fpu_state_init(&fx);
	fpu_load_live(&fx);
}

/* MXCSR bits this CPU accepts (FXSAVE reports them; 0 means 0xffbf). */
static u32 mxcsr_feature_mask(void)
{
	static u32 mask;

	if (!mask) {
		struct fpu_state fx;
		u32 m;

		fpu_save_live(&fx);
		memcpy(&m, fx.fxsave + FXSAVE_MXCSR_MASK_OFFSET, sizeof(m));
		WRITE_ONCE(mask, m ? m : 0xffbf);
	}
	return mask;
}

/* ---- building the frame ------------------------------------------------- */

static void fill_sigcontext(struct sigcontext *sc, const struct pt_regs *regs)
{
	sc->r8 = regs->r8;   sc->r9 = regs->r9;   sc->r10 = regs->r10; sc->r11 = regs->r11;
	sc->r12 = regs->r12; sc->r13 = regs->r13; sc->r14 = regs->r14; sc->r15 = regs->r15;
	sc->rdi = regs->rdi; sc->rsi = regs->rsi; sc->rbp = regs->rbp; sc->rbx = regs->rbx;
	sc->rdx = regs->rdx; sc->rax = regs->rax; sc->rcx = regs->rcx; sc->rsp = regs->rsp;
	sc->rip = regs->rip;
	sc->eflags = regs->rflags;
	sc->cs = (u16)regs->cs;
	sc->ss = (u16)regs->ss;
}

/* A fault signal delivered on the way out of its own trap: say which. */
static void fill_trap_info(struct sigcontext *sc, const struct ksignal *ksig,
			   const struct pt_regs *regs, bool in_syscall)
{
	if (in_syscall || regs->vector >= NR_EXCEPTION_VECTORS ||
	    !(sigmask(ksig->sig) & SIG_SYNCHRONOUS) || ksig->info.si_code <= 0 ||
	    ksig->info.si_code == SI_KERNEL)
		return;
	sc->trapno = regs->vector;
	sc->err = regs->error_code;
	if (regs->vector == X86_TRAP_PF)
		sc->cr2 = ksig->info.si_addr;
}

/*
 * Write the rt_sigframe for @ksig and point @regs at the handler.
 * Returns 0, or -EFAULT if the frame cannot be written (the caller then
 * forces SIGSEGV). Context: may sleep (user copies).
 */
static int setup_rt_frame(struct ksignal *ksig, struct pt_regs *regs, bool in_syscall)
{
	struct rt_sigframe frame;
	struct fpu_state fx;
	unsigned long addr, fp;

	if (!(ksig->ka.flags & SA_RESTORER) || ksig->ka.handler >= USER_TOP)
		return -EFAULT;                 /* x86-64 has no default restorer */
	fp = get_sigframe(&ksig->ka, regs->rsp, &addr);
	if (!fp)
		return -EFAULT;
	fpu_save_live(&fx);
	if (copy_to_user((void __user *)fp, &fx, sizeof(fx)))
		return -EFAULT;

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = ksig->ka.restorer;
	frame.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	save_altstack(&frame.uc.uc_stack, regs->rsp);
	fill_sigcontext(&frame.uc.uc_mcontext, regs);
	fill_trap_info(&frame.uc.uc_mcontext, ksig, regs, in_syscall);
	frame.uc.uc_mcontext.oldmask = sigmask_to_save();
	frame.uc.uc_mcontext.fpstate = fp;
	frame.uc.uc_sigmask = sigmask_to_save();
	siginfo_to_user_layout(&frame.info, &ksig->info);
	if (copy_to_user((void __user *)addr, &frame, sizeof(frame)))
		return -EFAULT;

	regs->rdi = (unsigned long)ksig->sig;
	regs->rsi = addr + offsetof(struct rt_sigframe, info);
	regs->rdx = addr + offsetof(struct rt_sigframe, uc);
	regs->rax = 0;                          /* for handlers declared without prototype */
	regs->rsp = addr;
	regs->rip = ksig->ka.handler;
	regs->rflags &= ~(X86_EFLAGS_DF | EFLAGS_RF | X86_EFLAGS_TF);
	regs->cs = GDT_USER_CS | 3;
	regs->ss = GDT_USER_DS | 3;
	return 0;
}

/* ---- restart rules and delivery ------------------------------------------ */

/*
 * A system call that a signal interrupted returned one of the ERESTART
 * codes. With a handler (@ka): -ERESTARTNOHAND becomes -EINTR, and so does
 * -ERESTARTSYS unless SA_RESTART; -ERESTARTNOINTR always restarts. With no
 * handler all three restart. Restarting backs RIP up over the 2-byte
 * "syscall" instruction and puts the call number back in RAX; the argument
 * registers were never changed.
 */
void syscall_restart(struct pt_regs *regs, const struct k_sigaction *ka)
{
	switch ((long)regs->rax) {
	case -ERESTARTNOHAND:
		if (ka) {
			regs->rax = (unsigned long)-EINTR;
			return;
		}
		break;
	case -ERESTARTSYS:
		if (ka && !(ka->flags & SA_RESTART)) {
			regs->rax = (unsigned long)-EINTR;
			return;
		}
		break;
	case -ERESTARTNOINTR:
		break;
	default:
		return;
	}
	regs->rax = regs->orig_rax;
	regs->rip -= 2;
}

static void handle_signal(struct ksignal *ksig, struct pt_regs *regs, bool in_syscall)
{
	if (setup_rt_frame(ksig, regs, in_syscall)) {
		force_sigsegv(ksig->sig);
		return;
	}
	signal_delivered(ksig);
	fpu_reset_live();
}

void do_signal(struct pt_regs *regs, bool in_syscall)
{
	bool syscall = in_syscall && (long)regs->orig_rax >= 0;
	struct ksignal ksig;
	bool handler;

	if (!current->signal)
		return;
	handler = get_signal(&ksig);            /* may not return: do_exit */
	if (syscall) {
		syscall_restart(regs, handler ? &ksig.ka : NULL);
		/* Decided once: a later pass (another signal) must not
		 * restart again. */
		regs->orig_rax = (unsigned long)-1;
	}
	if (handler)
		handle_signal(&ksig, regs, in_syscall);
	else
		restore_saved_sigmask();
}

/* ---- rt_sigreturn --------------------------------------------------------- */

/* Load the FPU image at user address @fpstate (0: a clean state). */
static int restore_fpstate(unsigned long fpstate)
{
	struct fpu_state fx;
	u32 mxcsr;

	if (!fpstate) {
		fpu_reset_live();
		return 0;
	}
	if (copy_from_user(&fx, (const void __user *)fpstate, sizeof(fx)))
		return -EFAULT;
	memcpy(&mxcsr, fx.fxsave + FXSAVE_MXCSR_OFFSET, sizeof(mxcsr));
	mxcsr &= mxcsr_feature_mask();
	memcpy(fx.fxsave + FXSAVE_MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
	fpu_load_live(&fx);
	return 0;
}

/* Validate @sc, then load it into @regs. Returns 0 or -EFAULT (@regs untouched). */
static int restore_sigcontext(struct pt_regs *regs, const struct sigcontext *sc)
{
	if (sc->rip >= USER_TOP)
		return -EFAULT;
	if (restore_fpstate(sc->fpstate))
		return -EFAULT;
	regs->r8 = sc->r8;   regs->r9 = sc->r9;   regs->r10 = sc->r10; regs->r11 = sc->r11;
	regs->r12 = sc->r12; regs->r13 = sc->r13; regs->r14 = sc->r14; regs->r15 = sc->r15;
	regs->rdi = sc->rdi; regs->rsi = sc->rsi; regs->rbp = sc->rbp; regs->rbx = sc->rbx;
	regs->rdx = sc->rdx; regs->rax = sc->rax; regs->rcx = sc->rcx; regs->rsp = sc->rsp;
	regs->rip = sc->rip;
	regs->rflags = (regs->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	regs->cs = GDT_USER_CS | 3;
	regs->ss = GDT_USER_DS | 3;
	return 0;
}

/*
 * The restorer calls this with RSP just above the return address the
 * handler's "ret" popped, so the frame starts at RSP - 8. Returns the
 * restored RAX (the dispatcher stores it back into regs->rax).
 */
SYSCALL_DEFINE0(rt_sigreturn)
{
	struct pt_regs *regs = task_pt_regs(current);
	unsigned long frame = regs->rsp - 8;
	struct ucontext uc;

	if (!current_signal())
		return -ENOMEM;
	if (copy_from_user(&uc, (const void __user *)(frame + offsetof(struct rt_sigframe, uc)),
			   sizeof(uc)))
		goto badframe;
	if (restore_sigcontext(regs, &uc.uc_mcontext))
		goto badframe;
	set_current_blocked(uc.uc_sigmask);
	restore_altstack(&uc.uc_stack, regs->rsp);
	regs->orig_rax = (unsigned long)-1;     /* not a system call to restart */
	return (long)regs->rax;

badframe:
	pr_info("%s[%d]: bad rt_sigreturn frame at %#lx\n", current->comm, current->pid, frame);
	force_sigsegv(SIGSEGV);
	return 0;
}
