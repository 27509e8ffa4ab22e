; The real-mode trampoline: where an application processor starts.
;
; A start-up IPI starts a CPU in 16-bit real mode at CS:IP = (page << 8):0,
; so this code must sit in the first megabyte. It is assembled here, inside
; the kernel's read-only data, and smpboot.c copies it to TRAMPOLINE_BASE
; (a page of low memory that memblock keeps for the BIOS area and nobody
; else uses) with its parameter block filled in. Every address below is
; therefore written as T(label): where the label lands after the copy.
;
; The path is the boot CPU's (boot.asm) in miniature: real mode -> 32-bit
; protected mode (flat segments of a GDT of our own) -> PAE paging and long
; mode on page tables that map this page at its physical address and the
; kernel's half as init_mm does -> 64-bit code, which jumps to the kernel's
; start_secondary(cpu) on the stack given. docs/smp.md walks through it.

%include "asm/boot_defs.inc"

TRAMPOLINE_BASE         equ 0x8000          ; asm/smp.h: TRAMPOLINE_BASE
%define T(x) (TRAMPOLINE_BASE + (x) - trampoline_start)

TR_CODE32               equ 0x08
TR_DATA                 equ 0x10
TR_CODE64               equ 0x18

section .rodata
align 16
bits 16
global trampoline_start, trampoline_end, trampoline_params
trampoline_start:
    cli
    cld
    xor ax, ax                              ; CS = TRAMPOLINE_BASE >> 4; DS = 0,
    mov ds, ax                              ; so T(x) is also DS's offset
    o32 lgdt [T(tr_gdt_ptr)]
    mov eax, cr0
    or eax, CR0_PE
    mov cr0, eax
    jmp dword TR_CODE32:T(tr_start32)

bits 32
tr_start32:
    mov ax, TR_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr4
    or eax, CR4_PAE | CR4_PGE
    mov cr4, eax
    mov eax, [T(tr_cr3)]
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME | EFER_NXE
    wrmsr
    mov eax, cr0
    or eax, CR0_PG | CR0_WP | CR0_PE
    mov cr0, eax
    jmp TR_CODE64:T(tr_start64)

bits 64
tr_start64:
    xor eax, eax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, [T(tr_stack)]
    xor ebp, ebp                            ; backtraces end here
    push 0
    mov edi, [T(tr_cpu)]
    mov rax, [T(tr_entry)]
    jmp rax                                 ; start_secondary(cpu), never returns

align 8
tr_gdt:
    dq 0
    dq 0x00cf9a000000ffff                   ; 0x08: 32-bit code, flat
    dq 0x00cf92000000ffff                   ; 0x10: data, flat
    dq 0x00af9a000000ffff                   ; 0x18: 64-bit code
tr_gdt_ptr:
    dw tr_gdt_ptr - tr_gdt - 1
    dd T(tr_gdt)

; The parameter block: struct trampoline_params in smpboot.c, same order.
align 8
trampoline_params:
tr_cr3:   dq 0                              ; page tables (below 4 GiB)
tr_stack: dq 0                              ; initial RSP (the idle task's stack)
tr_entry: dq 0                              ; 64-bit entry point
tr_cpu:   dq 0                              ; CPU number, start_secondary's argument
trampoline_end:
