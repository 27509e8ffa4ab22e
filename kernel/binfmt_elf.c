/*
 * execve's ELF half: check a program's headers, find and check its
 * interpreter (PT_INTERP: the dynamic linker of a dynamically linked
 * program), and map both into a new address space (docs/exec.md).
 *
 * Where things go, with address-space randomisation off (Faultline's
 * default; Linux with randomize_va_space=0 or "norandmaps" gives the same
 * addresses):
 *   - an ET_EXEC program at its own addresses;
 *   - an ET_DYN program (PIE, static-PIE) at ELF_ET_DYN_BASE;
 *   - the interpreter, if ET_DYN (ld.so always is), at the highest free
 *     range below mmap_base, where mmap(NULL, ...) would have put a
 *     mapping of its size: just below the stack gap;
 *   - the stack just below STACK_TOP, and the heap (brk) right after the
 *     program's last segment (never after the interpreter's).
 * The new process starts at the interpreter's entry if there is one (it
 * then loads the libraries and jumps to AT_ENTRY), else at the program's.
 *
 * randomize_va_space (Linux's knob, below) set to 1 moves the stack top
 * down by up to 16 GiB, the mmap base by up to 1 TiB more, a PIE's base
 * up by up to 1 TiB, and the initial stack pointer down by up to 8 KiB;
 * 2 also starts the heap up to 32 MiB past the program's end. The ranges
 * are Linux x86-64's (STACK_RND_MASK, mmap_rnd_bits 28, arch_randomize_brk,
 * arch_align_stack). Each exec reads the knob once.
 *
 * Errors, in Linux's order: the program's headers (-ENOEXEC; -EIO for a
 * short read of the PT_INTERP name), the interpreter's open (-ENOENT,
 * -EACCES...), its headers (-EIO if shorter than an ELF header,
 * -ELIBBAD if not a loadable x86-64 ELF file). Linux checks some of the
 * interpreter's segments only after the point of no return and kills the
 * process with SIGSEGV; Faultline checks all of them before it, so the
 * same files fail with -ELIBBAD and the caller keeps running.
 *
 * Locks: none held across steps; the new mm's mmap_lock is taken while
 * mapping into it (nobody else can see it yet).
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/cmdline.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <fs/proc_fs.h>
#include <fs/fs.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <asm/uaccess.h>
#include <asm/vdso.h>
#include "exec_internal.h"

#define STACK_RND_MAX   (0x3fffffUL << PAGE_SHIFT)     /* 16 GiB */
#define MMAP_RND_MAX    ((1UL << 28) << PAGE_SHIFT)     /* 1 TiB */
#define BRK_RND_MAX     (32UL << 20)
#define SP_RND_MAX      8192UL

/*
 * Address-space randomisation: 0 none, 1 stack, mmap base and PIE base,
 * 2 the heap too (Linux's values). Faultline's default is 0, not Linux's
 * 2, so that a program's addresses are the same at every run (GDB
 * sessions, lab handouts quoting addresses: docs/exec.md); the boot
 * options randomize_va_space=N and norandmaps (0) set it, and so does a
 * write to /proc/sys/kernel/randomize_va_space. Read once per exec.
 */
static int randomize_va_space;

int randomize_va_space_show(struct seq_buf *m, int pid)
{
	(void)pid;
	seq_printf(m, "%d\n", __atomic_load_n(&randomize_va_space, __ATOMIC_RELAXED));
	return 0;
}

int randomize_va_space_store(const char *buf, size_t len)
{
	long v;
	int err = proc_parse_number(buf, len, true, 0x7fffffffUL, &v);

	if (!err)
		__atomic_store_n(&randomize_va_space, (int)v, __ATOMIC_RELAXED);
	return err;
}

void exec_randomize_init(void)
{
	unsigned long v = kernel_param_ulong("randomize_va_space", 0);

	if (kernel_param_has("norandmaps"))
		v = 0;
	randomize_va_space = (int)v;
}

/* A random page-aligned offset below @max (a power of two). */
static unsigned long random_pages(unsigned long max)
{
	return exec_random_u64() & (max - 1) & PAGE_MASK;
}

/* This exec's random offsets, all 0 with randomisation off. */
static void elf_pick_layout(struct linux_binprm *bprm)
{
	int level = __atomic_load_n(&randomize_va_space, __ATOMIC_RELAXED);

	bprm->stack_top = STACK_TOP;
	bprm->mmap_base = STACK_TOP - STACK_SIZE - MMAP_GAP;
	bprm->brk_rnd = bprm->pie_rnd = bprm->sp_rnd = 0;
	if (level <= 0)
		return;
	bprm->stack_top -= random_pages(STACK_RND_MAX + PAGE_SIZE);
	bprm->mmap_base -= STACK_RND_MAX + random_pages(MMAP_RND_MAX);
	bprm->pie_rnd = random_pages(MMAP_RND_MAX);
	bprm->sp_rnd = exec_random_u64() & (SP_RND_MAX - 1) & ~15UL;
	if (level >= 2)
		bprm->brk_rnd = random_pages(BRK_RND_MAX);
}

static bool elf_header_ok(const struct elf64_hdr *eh)
{
	return !memcmp(eh->e_ident, ELFMAG, 4) && eh->e_ident[4] == ELFCLASS64 &&
	       eh->e_ident[5] == ELFDATA2LSB && eh->e_ident[6] == EV_CURRENT &&
	       (eh->e_type == ET_EXEC || eh->e_type == ET_DYN) &&
	       eh->e_machine == EM_X86_64 && eh->e_phentsize == sizeof(struct elf64_phdr) &&
	       eh->e_phnum > 0 && eh->e_phnum <= ELF_MAX_PHNUM;
}

static u64 file_size(const struct elf_image *img)
{
	return (u64)READ_ONCE(img->file->f_inode->i_size);
}

/* Is this PT_LOAD segment's file part inside a file of @size bytes, and
 * its memory image well-formed wherever it is placed? */
static bool segment_shape_ok(const struct elf64_phdr *ph, u64 size)
{
	return ph->p_filesz <= ph->p_memsz && ph->p_offset <= size &&
	       ph->p_filesz <= size - ph->p_offset &&
	       (ph->p_vaddr & ~PAGE_MASK) == (ph->p_offset & ~PAGE_MASK) &&
	       ph->p_memsz < STACK_TOP && ph->p_vaddr < STACK_TOP;
}

/* Does the segment, placed with @bias, fit below the mmap area? */
static bool segment_place_ok(const struct elf64_phdr *ph, unsigned long bias)
{
	u64 start = ph->p_vaddr + bias;

	return start >= 0x10000 && start + ph->p_memsz <= STACK_TOP - STACK_SIZE - MMAP_GAP;
}

/* Read @img's ELF header and program headers. Returns 0, -EIO (a short
 * read of the ELF header), or @bad for anything malformed. */
static int elf_read_headers(struct elf_image *img, int bad)
{
	struct elf64_hdr *eh = &img->eh;
	size_t phsize;
	loff_t pos = 0;

	if (kernel_read(img->file, eh, sizeof(*eh), &pos) != sizeof(*eh))
		return bad == -ENOEXEC ? -ENOEXEC : -EIO;
	if (!elf_header_ok(eh))
		return bad;
	phsize = (size_t)eh->e_phnum * sizeof(struct elf64_phdr);
	pos = (loff_t)eh->e_phoff;
	if (eh->e_phoff > file_size(img) ||
	    kernel_read(img->file, img->ph, phsize, &pos) != (ssize_t)phsize)
		return bad;
	return 0;
}

/* Every PT_LOAD of @img well-formed and, if @placed (its bias is known),
 * inside the user range; at least one. Returns 0 or @bad. */
static int elf_check_loads(const struct elf_image *img, bool placed, int bad)
{
	int loads = 0;

	for (int i = 0; i < img->eh.e_phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];

		if (ph->p_type != PT_LOAD)
			continue;
		if (!segment_shape_ok(ph, file_size(img)) ||
		    (placed && !segment_place_ok(ph, img->load_bias)))
			return bad;
		loads++;
	}
	return loads ? 0 : bad;
}

/* The first PT_INTERP's path, read into a new PATH_MAX buffer (*@out,
 * NULL if there is none). Returns 0, -ENOEXEC, -EIO or -ENOMEM. */
static int elf_interp_path(const struct elf_image *img, char **out)
{
	*out = NULL;
	for (int i = 0; i < img->eh.e_phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];
		loff_t pos = (loff_t)ph->p_offset;
		char *path;

		if (ph->p_type != PT_INTERP)
			continue;
		if (ph->p_filesz < 2 || ph->p_filesz > PATH_MAX)
			return -ENOEXEC;
		path = kmalloc(PATH_MAX, GFP_KERNEL);
		if (!path)
			return -ENOMEM;
		if (kernel_read(img->file, path, ph->p_filesz, &pos) != (ssize_t)ph->p_filesz) {
			kfree(path);
			return -EIO;
		}
		if (path[ph->p_filesz - 1] != '\0') {
			kfree(path);
			return -ENOEXEC;
		}
		*out = path;
		return 0;
	}
	return 0;
}

/* Open and check the interpreter named @path into bprm->interp. */
static int elf_open_interp(struct linux_binprm *bprm, const char *path)
{
	struct elf_image *interp = kzalloc(sizeof(*interp), GFP_KERNEL);
	struct file *file;
	int err;

	if (!interp)
		return -ENOMEM;
	file = filp_open(path, O_RDONLY | __FMODE_EXEC, 0);
	if (IS_ERR(file)) {
		kfree(interp);
		return (int)PTR_ERR(file);
	}
	interp->file = file;
	bprm->interp = interp;          /* elf_free_interp undoes both on failure */
	err = elf_read_headers(interp, -ELIBBAD);
	if (!err)
		err = elf_check_loads(interp, interp->eh.e_type == ET_EXEC, -ELIBBAD);
	return err;
}

int elf_check_binprm(struct linux_binprm *bprm)
{
	struct elf_image *exe = &bprm->exe;
	char *interp_path;
	int err;

	exe->file = bprm->file;
	err = elf_read_headers(exe, -ENOEXEC);
	if (err)
		return err;
	elf_pick_layout(bprm);
	exe->load_bias = exe->eh.e_type == ET_DYN ? ELF_ET_DYN_BASE + bprm->pie_rnd : 0;
	err = elf_check_loads(exe, true, -ENOEXEC);
	if (!err)
		err = elf_interp_path(exe, &interp_path);
	if (err || !interp_path)
		return err;
	err = elf_open_interp(bprm, interp_path);
	kfree(interp_path);
	return err;
}

void elf_free_interp(struct linux_binprm *bprm)
{
	if (!bprm->interp)
		return;
	fput(bprm->interp->file);
	kfree(bprm->interp);
	bprm->interp = NULL;
}

/* ---- the new address space ----------------------------------------------------- */

static unsigned long elf_prot(u32 p_flags)
{
	return (p_flags & PF_R ? PROT_READ : 0) | (p_flags & PF_W ? PROT_WRITE : 0) |
	       (p_flags & PF_X ? PROT_EXEC : 0);
}

/* Map one PT_LOAD segment: file-backed pages, then anonymous ones for the
 * bss. Returns the segment's page-aligned end or -errno. */
static long map_segment(struct mm_struct *mm, const struct elf_image *img,
			const struct elf64_phdr *ph)
{
	unsigned long start = (ph->p_vaddr + img->load_bias) & PAGE_MASK;
	unsigned long file_end = ph->p_vaddr + img->load_bias + ph->p_filesz;
	unsigned long mem_end = PAGE_ALIGN(ph->p_vaddr + img->load_bias + ph->p_memsz);
	unsigned long prot = elf_prot(ph->p_flags);
	long r = 0;

	if (ph->p_filesz)
		r = do_mmap(mm, img->file, start, PAGE_ALIGN(file_end) - start, prot,
			    MAP_PRIVATE | MAP_FIXED, (ph->p_offset & PAGE_MASK) >> PAGE_SHIFT);
	if (r >= 0 && mem_end > PAGE_ALIGN(file_end))
		r = do_mmap(mm, NULL, PAGE_ALIGN(file_end), mem_end - PAGE_ALIGN(file_end), prot,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	return r < 0 ? r : (long)mem_end;
}

/* Map every PT_LOAD of @img; *@end gets the highest segment end. */
static long map_image(struct mm_struct *mm, const struct elf_image *img, unsigned long *end)
{
	*end = 0;
	for (int i = 0; i < img->eh.e_phnum; i++) {
		long r;

		if (img->ph[i].p_type != PT_LOAD)
			continue;
		r = map_segment(mm, img, &img->ph[i]);
		if (r < 0)
			return r;
		if ((unsigned long)r > *end)
			*end = (unsigned long)r;
	}
	return 0;
}

/*
 * Where an ET_DYN interpreter goes: the span of its segments, placed as
 * mmap(NULL, span) would place it. The placement is found by mapping a
 * PROT_NONE reservation and taking it back at once, so the segments can
 * then go in MAP_FIXED with no placeholder left in the gaps between
 * them. Sets interp->load_bias; returns 0 or -ENOMEM.
 */
static long place_interp(struct mm_struct *mm, struct elf_image *interp)
{
	unsigned long lo = ~0UL, hi = 0;
	long base;

	for (int i = 0; i < interp->eh.e_phnum; i++) {
		const struct elf64_phdr *ph = &interp->ph[i];

		if (ph->p_type != PT_LOAD)
			continue;
		if ((ph->p_vaddr & PAGE_MASK) < lo)
			lo = ph->p_vaddr & PAGE_MASK;
		if (PAGE_ALIGN(ph->p_vaddr + ph->p_memsz) > hi)
			hi = PAGE_ALIGN(ph->p_vaddr + ph->p_memsz);
	}
	base = do_mmap(mm, NULL, 0, hi - lo, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (base < 0)
		return base;
	do_munmap(mm, (unsigned long)base, hi - lo);
	interp->load_bias = (unsigned long)base - lo;
	return 0;
}

/* AT_PHDR: where the program's headers are in memory, found in the
 * PT_LOAD whose file bytes hold them (Linux's rule). 0 if none does. */
static unsigned long elf_phdr_addr(const struct elf_image *img)
{
	u64 off = img->eh.e_phoff;

	for (int i = 0; i < img->eh.e_phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];

		if (ph->p_type == PT_LOAD && ph->p_offset <= off && off < ph->p_offset + ph->p_filesz)
			return off - ph->p_offset + ph->p_vaddr + img->load_bias;
	}
	return 0;
}

struct mm_struct *elf_build_mm(struct linux_binprm *bprm)
{
	struct elf_image *interp = bprm->interp;
	struct mm_struct *mm = mm_alloc();
	unsigned long end;
	long r;

	if (!mm)
		return ERR_PTR(-ENOMEM);
	down_write(&mm->mmap_lock);
	mm->mmap_base = bprm->mmap_base;
	mm->start_stack = bprm->stack_top;
	r = map_image(mm, &bprm->exe, &end);
	bprm->brk = end + bprm->brk_rnd;
	if (r >= 0)
		r = do_mmap(mm, NULL, bprm->stack_top - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, 0);
	if (r >= 0 && interp && interp->eh.e_type == ET_DYN)
		r = place_interp(mm, interp);
	if (r >= 0 && interp)
		r = map_image(mm, interp, &end);
	if (r >= 0)
		r = bprm->vdso = vdso_map(mm);  /* below the interpreter, as Linux */
	mm->start_brk = mm->brk = bprm->brk;
	mm->exe_file = get_file(bprm->file);
	up_write(&mm->mmap_lock);
	if (r < 0) {
		mmput(mm);
		return ERR_PTR(r);
	}
	bprm->phdr_addr = elf_phdr_addr(&bprm->exe);
	bprm->entry = interp ? interp->eh.e_entry + interp->load_bias
			     : bprm->exe.eh.e_entry + bprm->exe.load_bias;
	return mm;
}

/* The bytes of a writable segment's last file page past p_filesz are
 * bss: zero them (a read-only bss cannot be written; it stays file bytes). */
static int clear_bss_tails(const struct elf_image *img)
{
	for (int i = 0; i < img->eh.e_phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];
		unsigned long end = ph->p_vaddr + img->load_bias + ph->p_filesz;

		if (ph->p_type != PT_LOAD || ph->p_memsz <= ph->p_filesz || !(end & ~PAGE_MASK))
			continue;
		if (!(ph->p_flags & PF_W))
			continue;
		if (clear_user((void *)end, PAGE_SIZE - (end & ~PAGE_MASK)))
			return -EFAULT;
	}
	return 0;
}

int elf_clear_bss(struct linux_binprm *bprm)
{
	int err = clear_bss_tails(&bprm->exe);

	if (!err && bprm->interp)
		err = clear_bss_tails(bprm->interp);
	return err;
}
