/*
 * ktests for signals, the parts that need no user space: signal sets, the
 * send-time ignore rules (init, SIG_IGN, blocked), dequeue order, the
 * siginfo_t and frame layouts, the frame's stack alignment, the system-call
 * restart rules on a fake pt_regs, SIGCHLD to a parent, the sigaltstack
 * rules, and a signal waking an interruptible sleeper.
 *
 * Fake tasks here are never on the run queue: a task "sleeping" with
 * on_cpu set is only marked runnable by wake_up_state, never enqueued.
 * Tests that need current's signal state lend the test thread a fresh
 * one and take it back before returning.
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <asm/ptrace.h>
#include <asm/sigframe.h>

/* siginfo_t: Linux's offsets (include/uapi/asm-generic/siginfo.h). */
_Static_assert(sizeof(struct user_siginfo) == 128, "siginfo_t is 128 bytes");
_Static_assert(offsetof(struct user_siginfo, si_code) == 8, "si_code");
_Static_assert(offsetof(struct user_siginfo, kill.si_pid) == 16, "si_pid");
_Static_assert(offsetof(struct user_siginfo, kill.si_uid) == 20, "si_uid");
_Static_assert(offsetof(struct user_siginfo, sigchld.si_status) == 24, "si_status");
_Static_assert(offsetof(struct user_siginfo, sigchld.si_utime) == 32, "si_utime");
_Static_assert(offsetof(struct user_siginfo, sigchld.si_stime) == 40, "si_stime");
_Static_assert(offsetof(struct user_siginfo, sigfault.si_addr) == 16, "si_addr");
_Static_assert(sizeof(struct k_sigaction) == 32, "kernel sigaction is 32 bytes");
_Static_assert(offsetof(struct k_sigaction, mask) == 24, "sa_mask");
_Static_assert(sizeof(struct user_stack) == 24, "stack_t is 24 bytes");

static struct task_struct *fake_task(int pid)
{
	struct task_struct *tk = kzalloc(sizeof(*tk), GFP_KERNEL);

	if (!tk)
		return NULL;
	tk->pid = tk->tgid = pid;
	tk->state = TASK_RUNNING;
	if (copy_signal_state(tk, NULL, 0)) {
		kfree(tk);
		return NULL;
	}
	return tk;
}

static void fake_task_free(struct task_struct *tk)
{
	free_signal_state(tk);
	kfree(tk);
}

static void set_handler(struct task_struct *tk, int sig, unsigned long handler, unsigned long flags)
{
	tk->signal->sighand->action[sig - 1].handler = handler;
	tk->signal->sighand->action[sig - 1].flags = flags;
}

KTEST(signal_sigset_ops)
{
	sigset_t s = 0;

	KT_EXPECT_EQ(sigmask(1), 1);
	KT_EXPECT_EQ(sigmask(64), 1ULL << 63);
	sigaddset(&s, SIGINT);
	sigaddset(&s, 64);
	KT_EXPECT(sigismember(&s, SIGINT));
	KT_EXPECT(sigismember(&s, 64));
	KT_EXPECT(!sigismember(&s, SIGQUIT));
	sigdelset(&s, SIGINT);
	KT_EXPECT_EQ(s, 1ULL << 63);
	KT_EXPECT(!valid_signal(0));
	KT_EXPECT(valid_signal(64));
	KT_EXPECT(!valid_signal(65));
	KT_EXPECT_EQ(SIG_UNBLOCKABLE, (1ULL << 8) | (1ULL << 18));
}

KTEST(signal_default_actions)
{
	KT_EXPECT_EQ(sig_default_action(SIGTERM), SIG_DEFAULT_TERM);
	KT_EXPECT_EQ(sig_default_action(SIGKILL), SIG_DEFAULT_TERM);
	KT_EXPECT_EQ(sig_default_action(SIGRTMIN + 3), SIG_DEFAULT_TERM);
	KT_EXPECT_EQ(sig_default_action(SIGSEGV), SIG_DEFAULT_CORE);
	KT_EXPECT_EQ(sig_default_action(SIGABRT), SIG_DEFAULT_CORE);
	KT_EXPECT_EQ(sig_default_action(SIGCHLD), SIG_DEFAULT_IGNORE);
	KT_EXPECT_EQ(sig_default_action(SIGWINCH), SIG_DEFAULT_IGNORE);
	KT_EXPECT_EQ(sig_default_action(SIGTSTP), SIG_DEFAULT_STOP);
}

KTEST(signal_next_signal_order)
{
	KT_EXPECT_EQ(next_signal(0, 0), 0);
	KT_EXPECT_EQ(next_signal(sigmask(SIGTERM) | sigmask(SIGINT), 0), SIGINT);
	/* A fault signal goes first even with a lower-numbered one pending. */
	KT_EXPECT_EQ(next_signal(sigmask(SIGINT) | sigmask(SIGSEGV), 0), SIGSEGV);
	KT_EXPECT_EQ(next_signal(sigmask(SIGINT) | sigmask(SIGSEGV), sigmask(SIGSEGV)), SIGINT);
	KT_EXPECT_EQ(next_signal(sigmask(SIGUSR1), sigmask(SIGUSR1)), 0);
	KT_EXPECT_EQ(next_signal(sigmask(64), 0), 64);
}

KTEST(signal_send_pending_and_blocked)
{
	struct task_struct *tk = fake_task(1000);
	struct kernel_siginfo info;

	KT_ASSERT(tk);
	KT_EXPECT(!signal_pending(tk));
	KT_EXPECT_EQ(send_sig(SIGUSR1, tk), 0);
	KT_EXPECT(signal_pending(tk));
	tk->signal->blocked = sigmask(SIGUSR1);
	KT_EXPECT(!signal_pending(tk));                  /* pending, but blocked */
	KT_EXPECT(sigismember(&tk->signal->pending, SIGUSR1));
	tk->signal->blocked = 0;
	KT_EXPECT_EQ(send_sig(0, tk), -EINVAL);
	KT_EXPECT_EQ(send_sig(65, tk), -EINVAL);

	spin_lock(&tk->signal->sighand->siglock);
	KT_EXPECT_EQ(dequeue_signal_locked(tk->signal, &info), SIGUSR1);
	KT_EXPECT_EQ(info.si_signo, SIGUSR1);
	KT_EXPECT_EQ(info.si_code, SI_KERNEL);
	KT_EXPECT_EQ(dequeue_signal_locked(tk->signal, &info), 0);
	spin_unlock(&tk->signal->sighand->siglock);
	KT_EXPECT(!signal_pending(tk));
	fake_task_free(tk);
}

KTEST(signal_ignored_at_send)
{
	struct task_struct *tk = fake_task(1000);

	KT_ASSERT(tk);
	send_sig(SIGCHLD, tk);                           /* default: ignore */
	send_sig(SIGTSTP, tk);                           /* stop: treated as ignore */
	KT_EXPECT_EQ(tk->signal->pending, 0);
	set_handler(tk, SIGTERM, SIG_IGN, 0);
	send_sig(SIGTERM, tk);
	KT_EXPECT_EQ(tk->signal->pending, 0);
	/* Blocked signals are kept: the handler may change meanwhile. */
	tk->signal->blocked = sigmask(SIGCHLD) | sigmask(SIGTERM);
	send_sig(SIGCHLD, tk);
	send_sig(SIGTERM, tk);
	KT_EXPECT_EQ(tk->signal->pending, sigmask(SIGCHLD) | sigmask(SIGTERM));
	/* A handler makes a default-ignored signal count. */
	tk->signal->blocked = 0;
	tk->signal->pending = 0;
	set_handler(tk, SIGCHLD, 0x401000, SA_RESTORER);
	send_sig(SIGCHLD, tk);
	KT_EXPECT_EQ(tk->signal->pending, sigmask(SIGCHLD));
	fake_task_free(tk);
}

KTEST(signal_init_gets_only_handled_signals)
{
	struct task_struct *tk = fake_task(1);

	KT_ASSERT(tk);
	send_sig(SIGTERM, tk);
	send_sig(SIGKILL, tk);
	send_sig(SIGINT, tk);
	KT_EXPECT_EQ(tk->signal->pending, 0);
	set_handler(tk, SIGINT, 0x401000, SA_RESTORER);
	send_sig(SIGINT, tk);
	KT_EXPECT_EQ(tk->signal->pending, sigmask(SIGINT));
	fake_task_free(tk);
}

KTEST(signal_first_info_is_kept)
{
	struct task_struct *tk = fake_task(1000);
	struct kernel_siginfo a = { .si_signo = SIGUSR2, .si_code = SI_USER, .si_pid = 7 };
	struct kernel_siginfo b = { .si_signo = SIGUSR2, .si_code = SI_USER, .si_pid = 8 };

	KT_ASSERT(tk);
	send_signal_info(SIGUSR2, &a, tk);
	send_signal_info(SIGUSR2, &b, tk);               /* merged: one bit per signal */
	KT_EXPECT_EQ(tk->signal->info[SIGUSR2 - 1].si_pid, 7);
	fake_task_free(tk);
}

KTEST(signal_wakes_interruptible_only)
{
	struct task_struct *tk = fake_task(1000);

	KT_ASSERT(tk);
	tk->on_cpu = true;                               /* never enqueued by the wake */
	tk->state = TASK_UNINTERRUPTIBLE;
	send_sig(SIGUSR1, tk);
	KT_EXPECT_EQ(tk->state, TASK_UNINTERRUPTIBLE);
	tk->state = TASK_INTERRUPTIBLE;
	tk->signal->blocked = sigmask(SIGUSR2);
	send_sig(SIGUSR2, tk);                           /* blocked: no wake */
	KT_EXPECT_EQ(tk->state, TASK_INTERRUPTIBLE);
	send_sig(SIGTERM, tk);
	KT_EXPECT_EQ(tk->state, TASK_RUNNING);
	fake_task_free(tk);
}

KTEST(signal_siginfo_user_layout)
{
	struct kernel_siginfo k = { .si_signo = SIGSEGV, .si_code = SEGV_ACCERR,
				    .si_addr = 0x1234000 };
	struct user_siginfo u;
	const u8 *raw = (const u8 *)&u;
	unsigned long addr;
	int v;

	siginfo_to_user_layout(&u, &k);
	memcpy(&v, raw + 8, 4);
	KT_EXPECT_EQ(v, SEGV_ACCERR);
	memcpy(&addr, raw + 16, 8);
	KT_EXPECT_EQ(addr, 0x1234000);

	k = (struct kernel_siginfo){ .si_signo = SIGUSR1, .si_code = SI_USER, .si_pid = 42 };
	siginfo_to_user_layout(&u, &k);
	memcpy(&v, raw + 16, 4);
	KT_EXPECT_EQ(v, 42);
	memcpy(&addr, raw + 16, 8);
	KT_EXPECT_EQ(addr, 42);                         /* uid 0 above the pid */

	k = (struct kernel_siginfo){ .si_signo = SIGCHLD, .si_code = CLD_EXITED, .si_pid = 5,
				     .si_status = 3, .si_utime = 9 };
	siginfo_to_user_layout(&u, &k);
	memcpy(&v, raw + 24, 4);
	KT_EXPECT_EQ(v, 3);
	memcpy(&addr, raw + 32, 8);
	KT_EXPECT_EQ(addr, 9);
}

KTEST(signal_frame_alignment)
{
	for (unsigned long sp = 0x7fff0000; sp < 0x7fff0000 + 64; sp += 8) {
		unsigned long fp = sigframe_fpstate_addr(sp), frame = sigframe_addr(fp);

		KT_EXPECT_EQ(fp % 64, 0);
		KT_EXPECT(fp + SIGFRAME_FPSTATE_SIZE <= sp);
		KT_EXPECT_EQ((frame + 8) % 16, 0);      /* as after a call */
		KT_EXPECT(frame + sizeof(struct rt_sigframe) <= fp);
		KT_EXPECT(fp - frame < sizeof(struct rt_sigframe) + 32);
	}
}

static struct pt_regs restart_regs(long rax)
{
	struct pt_regs r;

	memset(&r, 0, sizeof(r));
	r.rax = (unsigned long)rax;
	r.orig_rax = 35;
	r.rip = 0x401002;
	return r;
}

static void expect_restart(struct kt *t, long rax, const struct k_sigaction *ka, bool restarts,
			   long after)
{
	struct pt_regs r = restart_regs(rax);

	syscall_restart(&r, ka);
	KT_EXPECT_EQ(r.rip, restarts ? 0x401000 : 0x401002);
	KT_EXPECT_EQ(r.rax, restarts ? 35 : (unsigned long)after);
}

KTEST(signal_syscall_restart_rules)
{
	struct k_sigaction plain = { .handler = 0x401000, .flags = SA_RESTORER };
	struct k_sigaction restart = { .handler = 0x401000, .flags = SA_RESTORER | SA_RESTART };

	/* No handler ran: every restart code restarts. */
	expect_restart(t, -ERESTARTSYS, NULL, true, 0);
	expect_restart(t, -ERESTARTNOHAND, NULL, true, 0);
	expect_restart(t, -ERESTARTNOINTR, NULL, true, 0);
	/* A handler without SA_RESTART: EINTR, except NOINTR. */
	expect_restart(t, -ERESTARTSYS, &plain, false, -EINTR);
	expect_restart(t, -ERESTARTNOHAND, &plain, false, -EINTR);
	expect_restart(t, -ERESTARTNOINTR, &plain, true, 0);
	/* SA_RESTART restarts ERESTARTSYS only. */
	expect_restart(t, -ERESTARTSYS, &restart, true, 0);
	expect_restart(t, -ERESTARTNOHAND, &restart, false, -EINTR);
	/* Ordinary results are left alone. */
	expect_restart(t, -EINTR, NULL, false, -EINTR);
	expect_restart(t, 5, &plain, false, 5);
}

KTEST(signal_fork_and_exec_state)
{
	struct task_struct *p = fake_task(1000), *c = kzalloc(sizeof(*c), GFP_KERNEL);

	KT_ASSERT(p && c);
	set_handler(p, SIGINT, 0x401000, SA_RESTORER | SA_SIGINFO);
	set_handler(p, SIGQUIT, SIG_IGN, 0);
	p->signal->blocked = sigmask(SIGUSR1);
	send_sig(SIGUSR1, p);
	KT_ASSERT_EQ(copy_signal_state(c, p, 0), 0);
	KT_EXPECT_EQ(c->signal->sighand->action[SIGINT - 1].handler, 0x401000);
	KT_EXPECT_EQ(c->signal->blocked, sigmask(SIGUSR1));
	KT_EXPECT_EQ(c->signal->pending, 0);            /* not inherited */
	flush_signal_handlers(c);
	KT_EXPECT_EQ(c->signal->sighand->action[SIGINT - 1].handler, SIG_DFL);
	KT_EXPECT_EQ(c->signal->sighand->action[SIGINT - 1].flags, 0);
	KT_EXPECT_EQ(c->signal->sighand->action[SIGQUIT - 1].handler, SIG_IGN);
	KT_EXPECT_EQ(c->signal->blocked, sigmask(SIGUSR1));    /* exec keeps the mask */
	free_signal_state(c);
	kfree(c);
	fake_task_free(p);
}

/* SIGCHLD goes to the parent process: its group's shared set. */
static bool notify_parent(struct task_struct *c, int status)
{
	unsigned long flags = tasklist_lock_irqsave();
	bool autoreap = do_notify_parent_locked(c, status);

	tasklist_unlock_irqrestore(flags);
	return autoreap;
}

KTEST(signal_sigchld_to_parent)
{
	struct task_struct *p = fake_task(1000), *c = fake_task(1001);

	KT_ASSERT(p && c);
	c->parent = p;
	/* Default SIGCHLD: ignored, nothing queued, no autoreap. */
	KT_EXPECT(!notify_parent(c, 3 << 8));
	KT_EXPECT_EQ(p->signal->group->shared_pending, 0);
	set_handler(p, SIGCHLD, 0x401000, SA_RESTORER | SA_SIGINFO);
	KT_EXPECT(!notify_parent(c, 3 << 8));
	KT_EXPECT_EQ(p->signal->group->shared_pending, sigmask(SIGCHLD));
	KT_EXPECT_EQ(p->signal->group->shared_info[SIGCHLD - 1].si_code, CLD_EXITED);
	KT_EXPECT_EQ(p->signal->group->shared_info[SIGCHLD - 1].si_status, 3);
	KT_EXPECT_EQ(p->signal->group->shared_info[SIGCHLD - 1].si_pid, 1001);
	p->signal->group->shared_pending = 0;
	KT_EXPECT(!notify_parent(c, SIGKILL));
	KT_EXPECT_EQ(p->signal->group->shared_info[SIGCHLD - 1].si_code, CLD_KILLED);
	KT_EXPECT_EQ(p->signal->group->shared_info[SIGCHLD - 1].si_status, SIGKILL);
	/* SIG_IGN: Linux reaps at once and sends nothing. */
	p->signal->group->shared_pending = 0;
	set_handler(p, SIGCHLD, SIG_IGN, 0);
	KT_EXPECT(notify_parent(c, 0));
	KT_EXPECT_EQ(p->signal->group->shared_pending, 0);
	fake_task_free(c);
	fake_task_free(p);
}

/* Lend the test thread a fresh signal state; give it back afterwards. */
static struct task_signal *borrow_signal(void)
{
	struct task_struct tmp;

	memset(&tmp, 0, sizeof(tmp));
	if (copy_signal_state(&tmp, NULL, 0))
		return NULL;
	tmp.signal->task = current;
	current->signal = tmp.signal;
	return tmp.signal;
}

static void return_signal(void)
{
	free_signal_state(current);
}

KTEST(signal_get_signal_handler_and_masks)
{
	struct task_signal *s;
	struct ksignal ks;

	KT_ASSERT(!current->signal);
	s = borrow_signal();
	KT_ASSERT(s);
	s->sighand->action[SIGUSR1 - 1] = (struct k_sigaction){ .handler = 0x401000,
		.flags = SA_RESTORER | SA_RESETHAND, .mask = sigmask(SIGUSR2) | sigmask(SIGKILL) };
	s->sighand->action[SIGHUP - 1].handler = SIG_IGN;
	s->pending = sigmask(SIGUSR1) | sigmask(SIGHUP);  /* SIGHUP: ignored on dequeue */
	s->saved_mask = sigmask(SIGINT);                 /* as rt_sigsuspend leaves it */
	s->restore_saved_mask = true;
	KT_EXPECT(get_signal(&ks));
	KT_EXPECT_EQ(ks.sig, SIGUSR1);
	KT_EXPECT_EQ(s->sighand->action[SIGUSR1 - 1].handler, SIG_DFL);  /* SA_RESETHAND */
	KT_EXPECT_EQ(sigmask_to_save(), sigmask(SIGINT));
	signal_delivered(&ks);
	KT_EXPECT_EQ(s->blocked, sigmask(SIGUSR1) | sigmask(SIGUSR2));  /* never SIGKILL */
	KT_EXPECT(!s->restore_saved_mask);
	KT_EXPECT(!get_signal(&ks));                    /* SIGHUP was dropped */
	KT_EXPECT_EQ(s->pending, 0);
	return_signal();
}

KTEST(signal_altstack_rules)
{
	struct user_stack ss = { .ss_sp = 0x10000, .ss_size = 0x4000 }, out;
	struct task_signal *s;

	KT_ASSERT(!current->signal);
	s = borrow_signal();
	KT_ASSERT(s);
	KT_EXPECT_EQ(sas_ss_flags(0x7fff0000), SS_DISABLE);
	restore_altstack(&ss, 0x7fff0000);
	KT_EXPECT_EQ(s->sas_ss_size, 0x4000);
	KT_EXPECT_EQ(sas_ss_flags(0x7fff0000), 0);
	KT_EXPECT_EQ(sas_ss_flags(0x14000), SS_ONSTACK);        /* top is inside */
	KT_EXPECT_EQ(sas_ss_flags(0x10000), 0);                 /* bottom is not */
	/* Changing it while on it fails (EPERM, ignored by restore). */
	ss.ss_size = 0x8000;
	restore_altstack(&ss, 0x12000);
	KT_EXPECT_EQ(s->sas_ss_size, 0x4000);
	/* Too small: ENOMEM, nothing changes. */
	ss.ss_size = MINSIGSTKSZ - 1;
	restore_altstack(&ss, 0x7fff0000);
	KT_EXPECT_EQ(s->sas_ss_size, 0x4000);
	/* SS_AUTODISARM: saved into the frame, then disarmed. */
	ss = (struct user_stack){ .ss_sp = 0x10000, .ss_size = 0x4000,
				  .ss_flags = (int)SS_AUTODISARM };
	restore_altstack(&ss, 0x7fff0000);
	KT_EXPECT(!on_sig_stack(0x12000));
	KT_EXPECT(__on_sig_stack(0x12000));
	save_altstack(&out, 0x7fff0000);
	KT_EXPECT_EQ(out.ss_sp, 0x10000);
	KT_EXPECT_EQ((unsigned int)out.ss_flags, SS_AUTODISARM);
	KT_EXPECT_EQ(sas_ss_flags(0x12000), SS_DISABLE);
	return_signal();
}

/* A thread that sleeps interruptibly until a signal, as pause() does. */
struct sleeper {
	struct completion ready, done;
	struct task_struct *task;
	bool woke_by_signal;
};

static int sleeper_thread(void *arg)
{
	struct sleeper *sl = arg;
	struct task_struct *me = current;
	u64 until = ktime_get_ns() + 2 * NSEC_PER_SEC;

	if (!current_signal()) {
		complete(&sl->ready);
		complete(&sl->done);
		return 0;
	}
	sl->task = me;
	complete(&sl->ready);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(me) || ktime_get_ns() > until)
			break;
		schedule_timeout(HZ / 10);
	}
	set_current_state(TASK_RUNNING);
	sl->woke_by_signal = signal_pending(me);
	free_signal_state(me);                  /* before the task can go away */
	complete(&sl->done);
	return 0;
}

KTEST(signal_wakes_a_sleeper)
{
	static struct sleeper sl;
	struct task_struct *th;
	u64 t0;

	memset(&sl, 0, sizeof(sl));
	init_completion(&sl.ready);
	init_completion(&sl.done);
	th = kthread_run(sleeper_thread, &sl, "ktest-sleeper");
	KT_ASSERT(th);
	wait_for_completion(&sl.ready);
	KT_ASSERT(sl.task);
	msleep(30);                                     /* let it go to sleep */
	t0 = ktime_get_ns();
	send_sig(SIGUSR1, sl.task);
	wait_for_completion(&sl.done);
	KT_EXPECT(sl.woke_by_signal);
	KT_EXPECT(ktime_get_ns() - t0 < NSEC_PER_SEC);
}
