/*
 * ktests for the way into and out of user mode, before processes exist:
 * copies to and from user memory (faults become short copies, SMAP blocks
 * every other kernel access to user pages), and a kernel thread that drops
 * into ring 3 and runs a few hand-assembled instructions: a system call,
 * SSE arithmetic, a loop long enough for timer interrupts to arrive in
 * user mode, and exit(7). A fault in user mode kills that program only.
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/slab.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/switch_to.h>
#include <asm/traps.h>
#include <asm/uaccess.h>

#define UCODE 0x400000UL
#define UDATA 0x401000UL

/* A throwaway address space: a code page and a data page. */
struct test_mm {
	struct mm_struct *mm;
	struct page *code, *data;
};

static bool test_mm_create(struct test_mm *t, const u8 *code, size_t len)
{
	/* An mm with page tables but no VMAs: the pages are mapped by hand,
	 * and any fault in it is a SEGV_MAPERR. */
	t->mm = mm_alloc();
	t->code = alloc_page(GFP_KERNEL | __GFP_ZERO);
	t->data = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!t->mm || !t->code || !t->data)
		return false;
	memcpy(page_address(t->code), code, len);
	return pgtable_map_range(t->mm->pgd, UCODE, page_to_phys(t->code), PAGE_SIZE,
				 PAGE_USER_RX, false, pgtable_alloc_page) == 0 &&
	       pgtable_map_range(t->mm->pgd, UDATA, page_to_phys(t->data), PAGE_SIZE,
				 PAGE_USER_RW, false, pgtable_alloc_page) == 0;
}

static void test_mm_destroy(struct test_mm *t)
{
	if (t->mm)
		mmput(t->mm);                   /* frees the tables; the pages are ours */
	if (t->code)
		put_page(t->code);
	if (t->data)
		put_page(t->data);
}

KTEST(uaccess_copies_and_faults)
{
	struct test_mm tm = { 0 };
	static const u8 nothing[1];
	char buf[16];
	char *data;

	KT_ASSERT(test_mm_create(&tm, nothing, 0));
	switch_to_new_mm(tm.mm);
	data = page_address(tm.data);
	KT_EXPECT_EQ(copy_to_user((void *)(UDATA + 16), "hello", 6), 0);
	KT_EXPECT(strcmp(data + 16, "hello") == 0);
	KT_EXPECT_EQ(copy_from_user(buf, (void *)(UDATA + 16), 6), 0);
	KT_EXPECT(strcmp(buf, "hello") == 0);
	/* Straddling the end of the mapping: four bytes go, four do not. */
	KT_EXPECT_EQ(copy_to_user((void *)(UDATA + PAGE_SIZE - 4), "abcdefgh", 8), 4);
	KT_EXPECT_EQ(copy_from_user(buf, (void *)(UDATA + PAGE_SIZE), 8), 8);
	/* Longer than a word and unaligned: the word loop faults, the byte
	 * loop finishes up to the very last byte that is mapped. */
	{
		static char src[40] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
		char big[40];

		memset(big, '#', sizeof(big));
		KT_EXPECT_EQ(copy_to_user((void *)(UDATA + PAGE_SIZE - 13), src, 40), 27);
		KT_EXPECT(memcmp(data + PAGE_SIZE - 13, src, 13) == 0);
		KT_EXPECT_EQ(copy_from_user(big, (void *)(UDATA + PAGE_SIZE - 13), 40), 27);
		KT_EXPECT(memcmp(big, src, 13) == 0);
		KT_EXPECT(big[13] == 0 && big[39] == 0);        /* the rest zero-filled */
		/* Faults at every offset of the 64-byte block loop (loads for
		 * copy_from_user, stores for copy_to_user) and of the words
		 * after it: the count stays exact to the byte. */
		for (unsigned int k = 1; k <= 200; k++) {
			static char pat[300];
			char back[300];

			for (unsigned int i = 0; i < sizeof(pat); i++)
				pat[i] = (char)('a' + i % 26);
			if (copy_to_user((void *)(UDATA + PAGE_SIZE - k), pat, 300) != 300 - k ||
			    memcmp(data + PAGE_SIZE - k, pat, k) != 0 ||
			    copy_from_user(back, (void *)(UDATA + PAGE_SIZE - k), 300) != 300 - k ||
			    memcmp(back, pat, k) != 0 || memchr_inv(back + k, 0, 300 - k) != NULL) {
				KT_EXPECT(false);
				console_printf("# user copy of 300 bytes, %u mapped: wrong count or bytes\n", k);
				break;
			}
		}
		data[PAGE_SIZE - 22] = 'u';
		KT_EXPECT_EQ(clear_user((void *)(UDATA + PAGE_SIZE - 21), 50), 29);
		KT_EXPECT(memchr_inv(data + PAGE_SIZE - 21, 0, 21) == NULL);
		KT_EXPECT_EQ(data[PAGE_SIZE - 22], 'u');        /* the byte before: untouched */
	}
	KT_EXPECT_EQ(clear_user((void *)(UDATA + 16), 3), 0);
	KT_EXPECT(data[16] == 0 && data[18] == 0 && data[19] == 'l');
	/* Kernel addresses are never user memory. */
	KT_EXPECT_EQ(copy_from_user(buf, (void *)buf, 8), 8);
	KT_EXPECT_EQ(copy_to_user((void *)KERNEL_VMA, buf, 8), 8);
	memcpy(data + 100, "name", 5);
	KT_EXPECT_EQ(strncpy_from_user(buf, (void *)(UDATA + 100), sizeof(buf)), 4);
	KT_EXPECT_EQ(strncpy_from_user(buf, (void *)(UDATA + 100), 3), -ENAMETOOLONG);
	memset(data + PAGE_SIZE - 2, 'x', 2);
	KT_EXPECT_EQ(strncpy_from_user(buf, (void *)(UDATA + PAGE_SIZE - 2), 8), -EFAULT);
	/* SMAP: outside copy_*_user the kernel cannot touch a user page.
	 * The copies lift it by the boot-time feature word, not CR4: the
	 * two must agree, or a copy would fault (or SMAP be off). */
	KT_EXPECT_EQ(!!(read_cr4() & X86_CR4_SMAP), boot_cpu_has(X86_FEATURE_SMAP));
	if (read_cr4() & X86_CR4_SMAP) {
		unsigned long v __unused;

		KT_EXPECT_EQ(get_kernel_nofault(v, (unsigned long *)(UDATA + 16)), -EFAULT);
	} else {
		console_printf("# SMAP not available on this CPU: not checked\n");
	}
	switch_to_new_mm(NULL);
	test_mm_destroy(&tm);
}

struct user_run {
	struct test_mm tm;
	struct completion done;
};

static int user_thread(void *p)
{
	struct user_run *r = p;

	current->exit_done = &r->done;
	switch_to_new_mm(r->tm.mm);
	start_user_mode(UCODE, UDATA + PAGE_SIZE);
}

/* Run @code in ring 3 in a new thread; returns its exit status. */
static int run_user_code(struct kt *t, struct user_run *r, const u8 *code, size_t len)
{
	struct task_struct *task;
	int status;

	init_completion(&r->done);
	if (!test_mm_create(&r->tm, code, len)) {
		kt_fail(t, __FILE__, __LINE__, "cannot build the test address space");
		return -1;
	}
	task = kthread_run(user_thread, r, "kt-user");
	if (!task)
		return -1;
	wait_for_completion(&r->done);
	status = task->exit_status;
	msleep(20);                             /* let it switch away and be reaped */
	return status;
}

static const u8 user_program[] = {
	0xb8, 0x27, 0x00, 0x00, 0x00,           /* mov eax, 39 (getpid) */
	0x0f, 0x05,                             /* syscall */
	0x89, 0x04, 0x25, 0x00, 0x10, 0x40, 0x00, /* mov [0x401000], eax */
	0x66, 0x0f, 0x6e, 0xc0,                 /* movd xmm0, eax */
	0x66, 0x0f, 0xfe, 0xc0,                 /* paddd xmm0, xmm0 */
	0x66, 0x0f, 0x7e, 0xc0,                 /* movd eax, xmm0 */
	0x89, 0x04, 0x25, 0x04, 0x10, 0x40, 0x00, /* mov [0x401004], eax */
	0xb9, 0x00, 0x2d, 0x31, 0x01,           /* mov ecx, 20000000 */
	0xff, 0xc9,                             /* 1: dec ecx */
	0x75, 0xfc,                             /* jnz 1b */
	0xbf, 0x07, 0x00, 0x00, 0x00,           /* mov edi, 7 */
	0xb8, 0x3c, 0x00, 0x00, 0x00,           /* mov eax, 60 (exit) */
	0x0f, 0x05,                             /* syscall */
	0x0f, 0x0b,                             /* ud2: never reached */
};

KTEST(usermode_syscall_sse_and_interrupts)
{
	static struct user_run r;
	u64 ticks = jiffies;
	u32 *data;
	int status;

	memset(&r, 0, sizeof(r));
	status = run_user_code(t, &r, user_program, sizeof(user_program));
	data = page_address(r.tm.data);
	KT_EXPECT_EQ(status, 7 << 8);           /* exited normally with code 7 */
	KT_EXPECT(data[0] > 0);                 /* getpid() came back in RAX */
	KT_EXPECT_EQ(data[1], 2 * data[0]);     /* SSE works in user mode */
	KT_EXPECT(jiffies > ticks);             /* ticks arrived meanwhile */
	test_mm_destroy(&r.tm);
}

KTEST(usermode_faults_kill_only_the_program)
{
	static const u8 segv[] = { 0x89, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00 };  /* mov [0], eax */
	static const u8 ill[] = { 0x0f, 0x0b };                                 /* ud2 */
	static struct user_run r;

	memset(&r, 0, sizeof(r));
	KT_EXPECT_EQ(run_user_code(t, &r, segv, sizeof(segv)), 11);     /* SIGSEGV */
	test_mm_destroy(&r.tm);
	memset(&r, 0, sizeof(r));
	KT_EXPECT_EQ(run_user_code(t, &r, ill, sizeof(ill)), 4);        /* SIGILL */
	test_mm_destroy(&r.tm);
}
