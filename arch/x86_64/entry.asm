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
; Restore the registers of the struct pt_regs at RSP and return from it:
; to user mode (after swapgs) or to the kernel. Every way out of the kernel
; ends here, so there is one place to read.
%macro POP_GENERAL_REGS 0
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
%endmacro
restore_regs_and_iret:
    POP_GENERAL_REGS
    test qword [rsp + 24], 3
    jz .to_kernel
    swapgs
.to_kernel:
    add rsp, 16                             ; vector and error code
    iretq

; The syscall instruction lands here (MSR_LSTAR) with interrupts off (SFMASK),
; RCX = user RIP, R11 = user RFLAGS, RSP still the user's. Build the same
; struct pt_regs as an interrupt (orig_rax = the syscall number, in the
; vector slot) on the task's kernel stack, call do_syscall_64(regs), and
; leave through restore_regs_and_iret: iretq restores RIP/RSP/RFLAGS from
; the frame, which also makes a signal frame or an execve simple to set up.
; When do_syscall_64 says the frame allows it (sysret_ok: RCX = RIP and
; R11 = RFLAGS as the syscall left them, user segments, a safe RIP), the
; way back is sysretq instead: under TCG iretq costs far more, as it reads
; the CS and SS descriptors from the GDT and checks them.
extern do_syscall_64
global entry_syscall_64
entry_syscall_64:
    swapgs
    mov [gs:CPU_USER_RSP], rsp
    mov rsp, [gs:CPU_KERNEL_STACK]
    push GDT_USER_DS | 3                    ; ss
    push qword [gs:CPU_USER_RSP]            ; rsp
    push r11                                ; rflags
    push GDT_USER_CS | 3                    ; cs
    push rcx                                ; rip
    push 0                                  ; error code (unused)
    push rax                                ; orig_rax: the syscall number
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
    mov rdi, rsp
    push qword [rdi + PT_RIP]               ; unwinders: the caller is user code
    jmp syscall_frame

global syscall_frame
syscall_frame:
    push rbp
    mov rbp, rsp
    call do_syscall_64
    pop rbp
    add rsp, 8
    test al, al
    jz restore_regs_and_iret
    POP_GENERAL_REGS                        ; RCX = RIP, R11 = RFLAGS (checked)
    mov rsp, [rsp + 5 * 8]                  ; the user's RSP (pt_regs.rsp); interrupts off
    swapgs
    o64 sysret

; void enter_user_mode_asm(struct pt_regs *regs): start running user code
; from a prepared frame (execve, and a new user thread's first return).
global enter_user_mode_asm
enter_user_mode_asm:
    mov rsp, rdi
    jmp restore_regs_and_iret

section .rodata
global isr_stub_table
align 8
isr_stub_table:
%assign v 0
%rep 256
    dq isr_stub_ %+ v
%assign v v + 1
%endrep
