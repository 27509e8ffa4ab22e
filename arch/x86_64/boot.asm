; Faultline boot: from a 32-bit boot loader to 64-bit C in the higher half.
;
; Two ways in, one way on:
;   GRUB 2 (multiboot2): enters mb2_entry, EAX = 0x36d76289, EBX = info phys.
;   QEMU -kernel (PVH):  enters pvh_entry, EBX = hvm_start_info phys.
; Both arrive in 32-bit protected mode, paging off, interrupts off, with no
; usable stack. We build boot page tables that map the first 4 GiB three
; times (identity, at PAGE_OFFSET, and the first 2 GiB at KERNEL_VMA),
; enable PAE + long mode + NX + paging, and jump to start64 in the higher half,
; which calls kmain(boot_magic, info_phys). mm_init.c replaces these page
; tables with the final ones. docs/boot.md walks through it step by step.

%include "asm/boot_defs.inc"

; ---------------------------------------------------------------------------
; Multiboot2 header: must lie in the first 32 KiB of the file, 8-byte aligned.
; GRUB loads our ELF segments at their physical addresses and jumps to the
; ELF entry point (mb2_entry, a physical address: see kernel.ld).
section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
    dd MB2_HEADER_MAGIC
    dd 0                                    ; architecture: i386 protected mode
    dd mb2_header_end - mb2_header
    dd -(MB2_HEADER_MAGIC + 0 + (mb2_header_end - mb2_header))
    ; information request tag: memory map, command line, modules
    align 8
    dw 1, 0
    dd 4 * 2 + 4 * 3
    dd 1, 3, 6
    ; end tag
    align 8
    dw 0, 0
    dd 8
mb2_header_end:

; ---------------------------------------------------------------------------
; PVH ELF note (XEN_ELFNOTE_PHYS32_ENTRY): QEMU's -kernel uses it to enter
; pvh_entry directly, skipping firmware and boot loader (about 0.1 s).
section .note.Xen note alloc noexec nowrite align=4
    dd 4                                    ; name size ("Xen\0")
    dd 4                                    ; descriptor size
    dd XEN_ELFNOTE_PHYS32_ENTRY
    db "Xen", 0
    dd pvh_entry

; ---------------------------------------------------------------------------
section .boot.text progbits alloc exec nowrite align=16
bits 32

global mb2_entry
mb2_entry:
    mov edi, eax                            ; boot magic tells kmain the protocol
    mov esi, ebx
    jmp common32

global pvh_entry
pvh_entry:
    mov edi, BOOT_MAGIC_PVH
    mov esi, ebx
    ; fall through

common32:
    cli
    cld
    mov esp, boot32_stack_top
    lgdt [gdt64_ptr]
    mov ax, GDT_KERNEL_DS
    mov ds, ax
    mov es, ax
    mov ss, ax

    ; Long mode and NX are required; say so on the serial port if missing.
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29                       ; LM
    jz no_long_mode
    test edx, 1 << 20                       ; NX
    jz no_long_mode

    ; Zero the boot page tables (.boot.bss is NOLOAD: do not trust loaders).
    push edi
    mov edi, boot_pml4
    mov ecx, (boot_pt_end - boot_pml4) / 4
    xor eax, eax
    rep stosd
    pop edi

    ; Four page directories of 2 MiB pages map physical 0..4 GiB.
    mov ebx, boot_pd
    mov eax, PTE_P | PTE_W | PTE_PS
    mov ecx, 512 * 4
.fill_pd:
    mov [ebx], eax
    mov dword [ebx + 4], 0
    add eax, 0x200000
    add ebx, 8
    loop .fill_pd

    ; boot_pdpt_low[0..3] -> the four PDs: identity and PAGE_OFFSET both use it.
    mov eax, boot_pd + (PTE_P | PTE_W)
    mov [boot_pdpt_low + 0 * 8], eax
    add eax, 4096
    mov [boot_pdpt_low + 1 * 8], eax
    add eax, 4096
    mov [boot_pdpt_low + 2 * 8], eax
    add eax, 4096
    mov [boot_pdpt_low + 3 * 8], eax
    ; boot_pdpt_high[510..511] -> physical 0..2 GiB at KERNEL_VMA.
    mov eax, boot_pd + (PTE_P | PTE_W)
    mov [boot_pdpt_high + 510 * 8], eax
    add eax, 4096
    mov [boot_pdpt_high + 511 * 8], eax

    mov eax, boot_pdpt_low + (PTE_P | PTE_W)
    mov [boot_pml4 + 0 * 8], eax                      ; identity
    mov [boot_pml4 + PAGE_OFFSET_PML4 * 8], eax       ; direct map
    mov eax, boot_pdpt_high + (PTE_P | PTE_W)
    mov [boot_pml4 + 511 * 8], eax                    ; kernel image

    ; PAE, then long mode + NX in EFER, then paging with write protection
    ; enforced for the kernel too (CR0.WP: COW and W^X rely on it).
    mov eax, cr4
    or eax, CR4_PAE | CR4_PGE
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME | EFER_NXE
    wrmsr
    mov eax, cr0
    or eax, CR0_PG | CR0_WP | CR0_PE
    mov cr0, eax
    jmp GDT_KERNEL_CS:long_mode_entry

no_long_mode:
    mov esi, no_long_mode_msg
.next:
    lodsb
    test al, al
    jz .halt
    mov dx, 0x3f8
    out dx, al
    jmp .next
.halt:
    hlt
    jmp .halt

bits 64
long_mode_entry:
    xor eax, eax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov rax, start64
    jmp rax

section .boot.data progbits alloc noexec write align=16
no_long_mode_msg: db "Faultline needs a 64-bit CPU with NX (try qemu -cpu max)", 13, 10, 0

align 16
gdt64:
    dq 0                                    ; null
    dq 0                                    ; 0x08 unused (Linux: 32-bit kernel code)
    dq 0x00af9a000000ffff                   ; 0x10 kernel code: 64-bit, DPL0
    dq 0x00cf92000000ffff                   ; 0x18 kernel data
gdt64_end:
gdt64_ptr:
    dw gdt64_end - gdt64 - 1
    dq gdt64

section .boot.bss nobits alloc noexec write align=4096
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4096 * 4
boot_pt_end:
boot32_stack:   resb 1024
boot32_stack_top:

; ---------------------------------------------------------------------------
; 64-bit, higher half.
section .text.entry
bits 64
extern kmain
global start64
start64:
    mov rsp, boot_stack_top
    ; A zero return address and frame pointer end every backtrace here,
    ; in GDB and in the kernel's own unwinder.
    xor ebp, ebp
    push 0
    mov edi, edi                            ; boot magic (zero-extended)
    mov esi, esi                            ; info physical address
    jmp kmain                               ; as if called from address 0

; The boot stack. A guard page below it stays unmapped (mm_init.c), so an
; overflow faults instead of silently corrupting .bss.
global boot_stack_guard, boot_stack, boot_stack_top
section .bss.stack_guard nobits alloc noexec write align=4096
boot_stack_guard: resb 4096
section .bss.stack nobits alloc noexec write align=4096
boot_stack:     resb BOOT_STACK_SIZE
boot_stack_top:
