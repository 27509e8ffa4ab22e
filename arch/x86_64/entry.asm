; Exception and interrupt entry.
;
; Each vector has a small stub that makes the stack uniform (pushes a zero
; error code when the CPU pushed none, then the vector number) and jumps to
; isr_common, which saves the general registers as a struct pt_regs
; (asm/ptrace.h) and calls trap_dispatch(regs) in traps.c.
;
; For unwinders (GDB, and the kernel's own backtrace), trap_frame builds a
; standard frame whose return address is the interrupted RIP: a backtrace
; from inside a handler continues into the code that was interrupted.

%include "asm/boot_defs.inc"

; Vectors for which the CPU pushes an error code.
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

section .text
bits 64
extern trap_dispatch

%assign v 0
%rep 256
align 16
isr_stub_ %+ v:
%if !HAS_ERROR_CODE(v)
    push 0
%endif
    push v
    jmp isr_common
%assign v v + 1
%endrep

isr_common:
    ; Coming from user mode: switch GS to the kernel's per-CPU data.
    test qword [rsp + 24], 3                ; saved CS (after vector, error code, RIP)
    jz .from_kernel
    swapgs
.from_kernel:
    push rdi
    push rsi
    push rdx
    push rcx
    push rax
    push r8
    push r9
    push r10
    push r11
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    cld
    mov rdi, rsp                            ; struct pt_regs *
    push qword [rdi + PT_RIP]               ; fake return address: the interrupted code
    jmp trap_frame

; A normal-looking function, so that GDB's prologue analysis unwinds it:
; its caller is the interrupted instruction.
global trap_frame
trap_frame:
    push rbp
    mov rbp, rsp
    call trap_dispatch
    pop rbp
    add rsp, 8                              ; the fake return address
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    pop r11
    pop r10
    pop r9
    pop r8
    pop rax
    pop rcx
    pop rdx
    pop rsi
    pop rdi
    test qword [rsp + 24], 3
    jz .to_kernel
    swapgs
.to_kernel:
    add rsp, 16                             ; vector and error code
    iretq

section .rodata
global isr_stub_table
align 8
isr_stub_table:
%assign v 0
%rep 256
    dq isr_stub_ %+ v
%assign v v + 1
%endrep
