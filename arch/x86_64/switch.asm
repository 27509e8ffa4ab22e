; Context switch and the first instructions of a new kernel thread.
; See asm/switch_to.h for the contract.

section .text
bits 64
extern kthread_entry

; struct task_struct *__switch_to_asm(unsigned long *prev_rsp,  (rdi)
;                                     unsigned long next_rsp,   (rsi)
;                                     struct task_struct *prev) (rdx)
; Only callee-saved registers need saving: the C caller expects every
; other register to be clobbered by a call anyway.
global __switch_to_asm
__switch_to_asm:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    mov rax, rdx                            ; the task we came from
    ret

; A new thread's first switch-in returns here, with RBP = 0 (the chain ends)
; and RAX = the previous task.
global ret_from_kthread
ret_from_kthread:
    mov rdi, rax
    call kthread_entry                      ; never returns
    ud2
