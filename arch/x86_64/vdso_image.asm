; The vDSO's image (arch/x86_64/vdso/, linked to $(B)/vdso/vdso.so by the
; Makefile), carried in the kernel's read-only data; vdso_init copies it
; into pages of its own.
section .rodata
align 4096
global vdso_image_start, vdso_image_end
vdso_image_start:
	incbin "vdso.so"
vdso_image_end:
