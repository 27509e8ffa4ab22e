/*
 * Exception-table fixups.
 *
 * A kernel instruction that may fault on purpose (a user-memory access, a
 * probe of a kernel address) is registered in __ex_table together with a
 * fixup address. When it faults, the trap handler finds the entry and
 * resumes at the fixup instead of oopsing; the fixup code (in .fixup) sets
 * an error value and jumps back behind the access. copy_from_user and
 * copy_to_user stand on this.
 */
#ifndef _ASM_EXTABLE_H
#define _ASM_EXTABLE_H

#include <kernel/types.h>

struct exception_table_entry {
	unsigned long insn;     /* address of the instruction that may fault */
	unsigned long fixup;    /* where to continue when it does */
};

/* Used inside inline asm: register label "from" with fixup label "to". */
#define _ASM_EXTABLE(from, to)                          \
	".pushsection __ex_table, \"a\"\n"              \
	".balign 8\n"                                   \
	".quad " #from ", " #to "\n"                    \
	".popsection\n"

struct pt_regs;

const struct exception_table_entry *search_exception_tables(unsigned long addr);
/* If regs->rip has a fixup, point regs->rip at it and return true. */
bool fixup_exception(struct pt_regs *regs);
void extable_init(void);
unsigned long extable_count(void);

#endif
