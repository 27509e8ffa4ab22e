/*
 * The x86-64 page-fault handler.
 *
 * This file is the arch side of the fault path: it reads CR2, decodes the
 * hardware error code into FAULT_FLAG_* and hands a user address to the
 * generic do_user_addr_fault() (mm/memory.c), where all policy lives (COW,
 * demand paging, file pages). What that cannot resolve becomes a signal
 * (SIGSEGV with SEGV_MAPERR/SEGV_ACCERR, SIGBUS with BUS_ADRERR, si_addr
 * the faulting address) for a user access, or -EFAULT through the
 * exception table for a kernel user-copy. Any other kernel-mode fault is
 * an oops.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <mm/mm.h>
#include <mm/oom.h>
#include <kernel/string.h>
#include <asm/extable.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <asm/uaccess.h>

/* Page-fault error code bits (Intel SDM vol. 3, 4.7). */
#define X86_PF_PROT     (1UL << 0)      /* 0: page not present; 1: protection violation */
#define X86_PF_WRITE    (1UL << 1)      /* 0: read; 1: write */
#define X86_PF_USER     (1UL << 2)      /* 0: kernel mode; 1: user mode */
#define X86_PF_RSVD     (1UL << 3)      /* a reserved bit was set in an entry */
#define X86_PF_INSTR    (1UL << 4)      /* instruction fetch */
#define X86_PF_PK       (1UL << 5)      /* protection key */
#define X86_PF_SHSTK    (1UL << 6)      /* shadow stack */

void pte_flags_str(u64 e, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s%s",
		 e & _PAGE_PRESENT ? "P" : "-",
		 e & _PAGE_RW ? " W" : " -",
		 e & _PAGE_USER ? " U" : " -",
		 e & _PAGE_ACCESSED ? " A" : " -",
		 e & _PAGE_DIRTY ? " D" : " -",
		 e & _PAGE_PSE ? " PS" : "",
		 e & _PAGE_GLOBAL ? " G" : "",
		 e & _PAGE_NX ? " NX" : "");
}

/* Read a table entry without risking a second fault in the report. */
static bool read_entry(u64 table_pa, unsigned int index, u64 *out)
{
	return get_kernel_nofault(*out, (u64 *)__va(table_pa) + index) == 0;
}

void dump_pagetable(unsigned long address)
{
	static const char *const level_names[] = { "PGD", "PUD", "PMD", "PTE" };
	const unsigned int shifts[] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT };
	u64 table = read_cr3() & PTE_PFN_MASK;
	char line[160];
	size_t n = 0;

	for (int lvl = 0; lvl < 4; lvl++) {
		u64 e;

		if (!read_entry(table, (address >> shifts[lvl]) & 511, &e)) {
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s (unreadable)", level_names[lvl]);
			break;
		}
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s %lx ", level_names[lvl], e);
		if (!(e & _PAGE_PRESENT) || (lvl > 0 && lvl < 3 && (e & _PAGE_PSE)))
			break;
		table = e & PTE_PFN_MASK;
	}
	printk(KERN_EMERG "%s\n", line);
}

static __noreturn void page_fault_oops(struct pt_regs *regs, unsigned long error_code,
				       unsigned long address)
{
	const char *access = error_code & X86_PF_INSTR ? "instruction fetch" :
			     error_code & X86_PF_WRITE ? "write access" : "read access";
	const char *cause = error_code & X86_PF_RSVD ? "reserved bit violation" :
			    error_code & X86_PF_PK ? "protection keys violation" :
			    error_code & X86_PF_PROT ? "permissions violation" : "not-present page";

	oops_in_progress = true;
	printk(KERN_EMERG "BUG: unable to handle page fault for address: 0x%016lx\n", address);
	printk(KERN_EMERG "#PF: %s %s in %s mode\n",
	       error_code & X86_PF_USER ? "user" : "supervisor", access,
	       user_mode(regs) ? "user" : "kernel");
	printk(KERN_EMERG "#PF: error_code(0x%04lx) - %s\n", error_code, cause);
	printk(KERN_EMERG "#PF: present=%d write=%d user=%d reserved=%d instruction=%d\n",
	       !!(error_code & X86_PF_PROT), !!(error_code & X86_PF_WRITE),
	       !!(error_code & X86_PF_USER), !!(error_code & X86_PF_RSVD),
	       !!(error_code & X86_PF_INSTR));
	dump_pagetable(address);
	die("Oops", regs, error_code);
}

/* The hardware error code in generic terms (the only place that knows its bits). */
static unsigned int fault_flags(unsigned long error_code)
{
	unsigned int flags = 0;

	if (error_code & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (error_code & X86_PF_USER)
		flags |= FAULT_FLAG_USER;
	if (error_code & X86_PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	return flags;
}

/*
 * A fault on a user address, from user mode or from a kernel user-copy
 * (copy_from_user and friends, which have exception-table fixups). The
 * generic code resolves it; what it cannot resolve becomes a signal for a
 * user-mode access and -EFAULT (the fixup) for a kernel one.
 */
static void do_user_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	struct mm_struct *mm = current->mm;
	enum user_fault_result r = USER_FAULT_MAPERR;

	/* A reserved-bit fault is corrupt page tables: never a user's doing. */
	if (error_code & X86_PF_RSVD)
		page_fault_oops(regs, error_code, address);
	/* Faults may sleep (disk reads, the mmap lock): allow interrupts again
	 * if the interrupted context had them. */
	if (regs->rflags & X86_EFLAGS_IF)
		local_irq_enable();
	if (mm && address < USER_TOP && (user_mode(regs) || !current->pagefault_disabled))
		r = do_user_addr_fault(mm, address, fault_flags(error_code));
	local_irq_disable();
	if (r == USER_FAULT_OK)
		return;
	if (!user_mode(regs)) {
		if (fixup_exception(regs))
			return;
		page_fault_oops(regs, error_code, address);
	}
	switch (r) {
	case USER_FAULT_ACCERR:
		user_exception_signal(regs, SIGSEGV, SEGV_ACCERR, address, "page fault");
		break;
	case USER_FAULT_SIGBUS:
		user_exception_signal(regs, SIGBUS, BUS_ADRERR, address, "page fault");
		break;
	case USER_FAULT_OOM:
		/* The OOM killer chooses who dies (maybe this task); then the
		 * access is retried, or the SIGKILL ends it on the way out. */
		local_irq_enable();
		pagefault_out_of_memory();
		local_irq_disable();
		break;
	default:
		user_exception_signal(regs, SIGSEGV, SEGV_MAPERR, address, "page fault");
		break;
	}
}

/*
 * Context: entered from trap_dispatch with interrupts disabled, on the
 * stack of whatever was interrupted.
 */
void exc_page_fault(struct pt_regs *regs, unsigned long error_code)
{
	unsigned long address = read_cr2();

	/*
	 * A kernel-mode fault is the kernel's own bug unless it happened at a
	 * registered instruction: a user copy (then the user address is
	 * resolved like a user's own access first, so that a read() into
	 * memory not yet touched, or shared copy-on-write, just works), or a
	 * get_kernel_nofault probe.
	 */
	if (!user_mode(regs)) {
		if (address < USER_TOP && search_exception_tables(regs->rip)) {
			do_user_fault(regs, error_code, address);
			return;
		}
		if (fixup_exception(regs))
			return;
		page_fault_oops(regs, error_code, address);
	}
	do_user_fault(regs, error_code, address);
}
