/*
 * interp_test - the ELF loader's side of a dynamically linked program,
 * and the aux vector, checked the same way on Linux:
 *   - run directly (this program is static-PIE): AT_BASE 0, AT_PHDR,
 *     AT_PHNUM, AT_PHENT, AT_ENTRY of this file, AT_PAGESZ, AT_CLKTCK,
 *     the ids, AT_SECURE 0, AT_HWCAP (CPUID leaf 1's EDX), AT_HWCAP2
 *     (FSGSBASE set exactly when RDFSBASE works), AT_MINSIGSTKSZ (a
 *     handler runs on an alternate stack with only that many bytes
 *     usable), AT_EXECFN, /proc/self/exe;
 *   - as a PT_INTERP: a small ELF file "prog" (made here) names this
 *     program as its interpreter; the kernel must map both and start
 *     here, with AT_BASE where this file is mapped, AT_PHDR/AT_PHNUM/
 *     AT_ENTRY of prog, prog's bss mapped and zero, /proc/self/exe
 *     naming prog;
 *   - execve's errors for bad interpreters: ENOENT, EACCES, ENOEXEC (a
 *     PT_INTERP name without its NUL, or of 1 byte), EIO (a file shorter
 *     than an ELF header), ELIBBAD (not ELF, or not x86-64).
 * The child in interpreter mode checks and exits with a bit per failed
 * check; the parent prints the results.
 */
#include <elf.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "testutil.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif
#define HWCAP2_FSGSBASE (1UL << 1)
#define PROG_BASE       0x10000000UL
#define PROG_BSS        0x3000UL

extern const Elf64_Ehdr __ehdr_start;
extern char **environ;
static char self[4096];

/* ---- interpreter mode ------------------------------------------------------ */

enum { I_BASE, I_PHDR, I_PHNUM, I_ENTRY, I_BSS, I_EXE, I_EXECFN, I_HEADERS, I_NBITS };

static int interp_main(void)
{
	const Elf64_Ehdr *prog = (const Elf64_Ehdr *)PROG_BASE;
	const volatile char *bss = (const char *)(PROG_BASE + 4096);
	char link[4096];
	ssize_t n;
	int bad = 0;

	if (getauxval(AT_BASE) != (unsigned long)&__ehdr_start)
		bad |= 1 << I_BASE;
	if (getauxval(AT_PHDR) != PROG_BASE + sizeof(Elf64_Ehdr))
		bad |= 1 << I_PHDR;
	if (getauxval(AT_PHNUM) != 2)
		bad |= 1 << I_PHNUM;
	if (getauxval(AT_ENTRY) != prog->e_entry)
		bad |= 1 << I_ENTRY;
	for (unsigned long off = 0; off < PROG_BSS; off += 512)
		if (bss[off])
			bad |= 1 << I_BSS;
	n = readlink("/proc/self/exe", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	if (n < 6 || strcmp(link + n - 5, "/prog"))
		bad |= 1 << I_EXE;
	if (strcmp((const char *)getauxval(AT_EXECFN), "./prog"))
		bad |= 1 << I_EXECFN;
	if (memcmp((const void *)getauxval(AT_PHDR), (const char *)prog + prog->e_phoff,
		   2 * sizeof(Elf64_Phdr)))
		bad |= 1 << I_HEADERS;
	return bad;
}

/* ---- making small ELF files ------------------------------------------------- */

/*
 * prog: an ELF header, a PT_INTERP naming @interp (@ilen bytes of it,
 * which may leave out the NUL), and one read-only PT_LOAD of the whole
 * file at PROG_BASE with PROG_BSS bytes of bss after it. Never run: its
 * "entry" is its first byte past the headers.
 */
static int make_prog(const char *name, const char *interp, size_t ilen, uint16_t machine)
{
	char buf[8192];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	size_t ioff = sizeof(*eh) + 2 * sizeof(*ph), size = 4096;
	int fd;

	memset(buf, 0, sizeof(buf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = machine;
	eh->e_version = EV_CURRENT;
	eh->e_entry = PROG_BASE + ioff + ilen;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_flags = PF_R, .p_offset = ioff,
			      .p_vaddr = PROG_BASE + ioff, .p_filesz = ilen, .p_memsz = ilen,
			      .p_align = 1 };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R, .p_offset = 0,
			      .p_vaddr = PROG_BASE, .p_filesz = size, .p_memsz = size + PROG_BSS,
			      .p_align = 4096 };
	memcpy(buf + ioff, interp, ilen);
	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write_all(fd, buf, size) != 0)
		return -1;
	return close(fd);
}

/* execve @name in a child; returns its wait status, or 1000 + errno if
 * execve failed. */
static int run_prog(const char *name)
{
	int pfd[2], err = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)name, "--interp", NULL };

		close(pfd[0]);
		execve(name, argv, environ);
		err = errno;
		write(pfd[1], &err, sizeof(err));
		_exit(127);
	}
	close(pfd[1]);
	if (read(pfd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(pfd[0]);
	{
		int status = wait_child(pid);

		return err ? 1000 + err : status;
	}
}

static void test_as_interpreter(void)
{
	static const char *names[I_NBITS] = {
		"AT_BASE is where the interpreter is mapped",
		"AT_PHDR is the program's headers",
		"AT_PHNUM is the program's",
		"AT_ENTRY is the program's entry",
		"the program's bss is mapped and zero",
		"/proc/self/exe names the program, not the interpreter",
		"AT_EXECFN is the name given to execve",
		"the program's headers are in memory at AT_PHDR",
	};
	int status;

	if (!CHECK(make_prog("prog", self, strlen(self) + 1, EM_X86_64) == 0, "make prog"))
		return;
	status = run_prog("./prog");
	if (!CHECK(status < 1000 && WIFEXITED(status) && WEXITSTATUS(status) < (1 << I_NBITS),
		   "a program with PT_INTERP starts in its interpreter (status %d)", status))
		return;
	for (int i = 0; i < I_NBITS; i++)
		CHECK(!(WEXITSTATUS(status) & (1 << i)), "interpreter: %s", names[i]);
}

static void check_exec_err(const char *what, int want)
{
	int status = run_prog("./prog");

	CHECK_EQ(status, 1000 + want, "execve: %s: %s", what, tap_errno_name(want));
}

static void test_interp_errors(void)
{
	char text[200];

	make_prog("prog", "/nonexistent/ld.so", 19, EM_X86_64);
	check_exec_err("PT_INTERP names no file", ENOENT);
	make_prog("prog", self, strlen(self), EM_X86_64);
	check_exec_err("PT_INTERP without its NUL", ENOEXEC);
	make_prog("prog", "", 1, EM_X86_64);
	check_exec_err("PT_INTERP of 1 byte", ENOEXEC);

	write_file("short", "#!/bin/sh\n");
	chmod("short", 0755);
	make_prog("prog", "short", 6, EM_X86_64);
	check_exec_err("interpreter shorter than an ELF header", EIO);

	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	write_file("text", text);
	chmod("text", 0755);
	make_prog("prog", "text", 5, EM_X86_64);
	check_exec_err("interpreter not an ELF file", ELIBBAD);
	chmod("text", 0644);
	check_exec_err("interpreter without x permission", EACCES);

	make_prog("i386", "", 1, EM_386);
	chmod("i386", 0755);
	make_prog("prog", "i386", 5, EM_X86_64);
	check_exec_err("interpreter for another machine", ELIBBAD);
}

/* ---- the aux vector of this program -------------------------------------------- */

static sigjmp_buf jump;

static void on_sig(int sig)
{
	siglongjmp(jump, sig);
}

/* Does RDFSBASE run here (CR4.FSGSBASE on)? */
static int rdfsbase_works(void)
{
	struct sigaction sa = { .sa_handler = on_sig }, old;
	unsigned long base = 0, want = 0;
	volatile int ok = 0;

	sigaction(SIGILL, &sa, &old);
	if (sigsetjmp(jump, 1) == 0) {
		__asm__ volatile("rdfsbase %0" : "=r"(base));
		syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &want);
		ok = base == want ? 1 : -1;
	}
	sigaction(SIGILL, &old, NULL);
	return ok;
}

static volatile int handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled = 1;
}

/*
 * Deliver SIGUSR1 on an alternate stack whose top is AT_MINSIGSTKSZ +
 * @skew bytes above a PROT_NONE page: a frame larger than the kernel
 * promised (at @skew 0, exactly at the promise) would hit the guard.
 * In a child: 0 if handled, else the wait status.
 */
static int deliver_on_min_stack(unsigned long min, unsigned long skew)
{
	pid_t pid = fork();

	if (pid == 0) {
		size_t pages = 1 + (min + skew + 4095) / 4096;
		char *m = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *top = m + 4096 + min + skew;
		struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_ONSTACK };
		size_t size = min + skew < MINSIGSTKSZ ? MINSIGSTKSZ : min + skew;
		stack_t ss = { .ss_sp = top - size, .ss_size = size };

		/* The stack may be claimed to start lower (the kernel
		 * insists on MINSIGSTKSZ bytes); only the last min + skew
		 * are there. */
		if (m == MAP_FAILED || mprotect(m, 4096, PROT_NONE) != 0)
			_exit(100);
		if (sigaltstack(&ss, NULL) != 0 || sigaction(SIGUSR1, &sa, NULL) != 0)
			_exit(101);
		raise(SIGUSR1);
		_exit(handled ? 0 : 102);
	}
	return wait_child(pid);
}

static void test_auxv_direct(void)
{
	const Elf64_Ehdr *eh = &__ehdr_start;
	unsigned int a, b, c, d;
	unsigned long hwcap2 = getauxval(AT_HWCAP2), min = getauxval(AT_MINSIGSTKSZ);
	char link[4096], other[4096], mem[64];
	struct stat s1, s2;
	ssize_t n;
	int fd, rd, bad = 0;

	CHECK_EQ(getauxval(AT_BASE), 0, "AT_BASE is 0 without an interpreter");
	CHECK_EQ(getauxval(AT_PHDR), (unsigned long)eh + eh->e_phoff, "AT_PHDR: this file's headers");
	CHECK_EQ(getauxval(AT_PHNUM), eh->e_phnum, "AT_PHNUM");
	CHECK_EQ(getauxval(AT_PHENT), sizeof(Elf64_Phdr), "AT_PHENT");
	CHECK_EQ(getauxval(AT_ENTRY), (unsigned long)eh + eh->e_entry, "AT_ENTRY: this file's entry");
	CHECK_EQ(getauxval(AT_PAGESZ), 4096, "AT_PAGESZ");
	CHECK_EQ(getauxval(AT_CLKTCK), 100, "AT_CLKTCK (USER_HZ)");
	CHECK_EQ(getauxval(AT_UID), getuid(), "AT_UID");
	CHECK_EQ(getauxval(AT_EUID), geteuid(), "AT_EUID");
	CHECK_EQ(getauxval(AT_GID), getgid(), "AT_GID");
	CHECK_EQ(getauxval(AT_EGID), getegid(), "AT_EGID");
	CHECK_EQ(getauxval(AT_SECURE), 0, "AT_SECURE 0 for a plain program");
	CHECK_EQ(getauxval(AT_FLAGS), 0, "AT_FLAGS");
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	CHECK_EQ(getauxval(AT_HWCAP), d, "AT_HWCAP is CPUID leaf 1's EDX");
	CHECK(!(hwcap2 & ~3UL), "AT_HWCAP2 has only Linux's x86 bits (%#lx)", hwcap2);
	rd = rdfsbase_works();
	CHECK(rd >= 0 && !!(hwcap2 & HWCAP2_FSGSBASE) == rd,
	      "AT_HWCAP2 FSGSBASE (%lu) exactly when RDFSBASE works (%d)",
	      hwcap2 & HWCAP2_FSGSBASE, rd);
	CHECK(min >= 512 && min <= 65536, "AT_MINSIGSTKSZ is given (%lu)", min);
	for (unsigned long skew = 0; skew < 64 && min; skew += 8)
		bad |= deliver_on_min_stack(min, skew) != 0;
	CHECK(min && !bad, "a handler runs on an alternate stack of AT_MINSIGSTKSZ bytes at 8 alignments");
	CHECK(getauxval(AT_RANDOM) != 0 && getauxval(AT_PLATFORM) != 0 &&
	      !strcmp((const char *)getauxval(AT_PLATFORM), "x86_64"), "AT_RANDOM, AT_PLATFORM");

	n = readlink("/proc/self/exe", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	CHECK(n > 0 && link[0] == '/', "readlink /proc/self/exe gives an absolute path (%s)", link);
	CHECK(lstat("/proc/self/exe", &s1) == 0 && S_ISLNK(s1.st_mode), "/proc/self/exe is a link");
	fd = open("/proc/self/exe", O_RDONLY);
	CHECK(fd >= 0 && read(fd, mem, sizeof(mem)) == sizeof(mem) &&
	      !memcmp(mem, eh, sizeof(mem)), "open /proc/self/exe reads this program");
	CHECK(fd >= 0 && fstat(fd, &s1) == 0 && stat(link, &s2) == 0 && s1.st_ino == s2.st_ino &&
	      s1.st_dev == s2.st_dev, "the link's target is the file it opens");
	if (fd >= 0)
		close(fd);
	snprintf(mem, sizeof(mem), "/proc/%d/exe", (int)getpid());
	n = readlink(mem, other, sizeof(other) - 1);
	other[n > 0 ? n : 0] = '\0';
	CHECK(!strcmp(other, link), "/proc/PID/exe is the same link (%s)", other);
	CHECK_ERR(syscall(SYS_readlink, "/proc/self/exe", link, 0), EINVAL, "readlink with size 0");
}

int main(int argc, char **argv)
{
	char dir[64];

	if (argc > 1 && !strcmp(argv[1], "--interp"))
		return interp_main();
	self_path(argv[0], self, sizeof(self) / 2);
	if (enter_scratch_dir("interp_test", dir, sizeof(dir)) != 0)
		return 1;
	test_auxv_direct();
	test_as_interpreter();
	test_interp_errors();
	leave_scratch_dir(dir);
	return tap_done();
}
