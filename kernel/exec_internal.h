/*
 * Between execve's two halves: kernel/exec.c (arguments, "#!" scripts,
 * the initial stack, the point of no return) and kernel/binfmt_elf.c
 * (ELF headers, the program's and its interpreter's segments).
 */
#ifndef _KERNEL_EXEC_INTERNAL_H
#define _KERNEL_EXEC_INTERNAL_H

#include <kernel/elf.h>
#include <kernel/types.h>
#include <fs/fs.h>

struct file;
struct mm_struct;

#define ELF_MAX_PHNUM   64

#define STACK_TOP       0x00007ffffffff000UL
#define STACK_SIZE      (8UL << 20)             /* fixed: RLIMIT_STACK's default */
#define MMAP_GAP        (128UL << 20)           /* below the stack, then mmap_base */
/* Where a position-independent program goes: Linux x86-64's
 * ELF_ET_DYN_BASE (two thirds of the 47-bit space, page-aligned), which
 * is where Linux puts it when randomisation is off (docs/exec.md). */
#define ELF_ET_DYN_BASE 0x0000555555554000UL

/* One ELF file being loaded: the program or its interpreter. */
struct elf_image {
	struct file *file;              /* referenced */
	struct elf64_hdr eh;
	struct elf64_phdr ph[ELF_MAX_PHNUM];
	unsigned long load_bias;        /* added to every p_vaddr */
};

/* What execve carries from the old program to the new one. */
struct linux_binprm {
	char *buf;                      /* argv strings, then envp strings, NUL-separated */
	size_t used;
	int argc, envc;
	char path[PATH_MAX];
	struct file *file;              /* the program (after "#!" scripts: their interpreter) */
	struct elf_image exe;           /* exe.file == file, not a second reference */
	struct elf_image *interp;       /* the PT_INTERP file, or NULL (static) */
	unsigned long entry;            /* where the first instruction is: interp's or exe's */
	unsigned long phdr_addr;        /* AT_PHDR: the program's headers in memory */
	unsigned long brk;
	long vdso;                      /* AT_SYSINFO_EHDR, or 0: no vDSO */
	/* the layout elf_pick_layout chose (randomize_va_space) */
	unsigned long stack_top, mmap_base, pie_rnd, brk_rnd, sp_rnd;
	bool secure;                    /* AT_SECURE: the exec changed the ids */
};

/* Check the program's headers and open and check its interpreter, if it
 * names one. Returns 0, -ENOEXEC, -EIO, -ELIBBAD or the interpreter's
 * open error. */
int elf_check_binprm(struct linux_binprm *bprm);
/* Build the new address space (program, interpreter, stack) without
 * installing it. Returns it or an ERR_PTR. */
struct mm_struct *elf_build_mm(struct linux_binprm *bprm);
/* Zero the bss tails of the last file pages, in the current (new) mm. */
int elf_clear_bss(struct linux_binprm *bprm);
/* 64 random bits (not cryptographic: AT_RANDOM's and the layout's). */
u64 exec_random_u64(void);
/* Drop the interpreter's file and image. */
void elf_free_interp(struct linux_binprm *bprm);

#endif
