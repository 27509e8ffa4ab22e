/*
 * Local APIC (xAPIC, memory mapped) and the legacy PICs.
 *
 * The APIC's registers are device memory: they are mapped uncached with
 * ioremap(), not through the (cached) direct map.
 */
#include <kernel/kernel.h>
#include <mm/vmalloc.h>
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_SVR        0x0f0
#define APIC_SVR_ENABLE (1u << 8)
#define APIC_ICR_LOW    0x300
#define APIC_ICR_HIGH   0x310
#define APIC_ICR_BUSY   (1u << 12)      /* delivery status: send pending */
#define APIC_ICR_INIT   (5u << 8)
#define APIC_ICR_SIPI   (6u << 8)
#define APIC_ICR_LEVEL_ASSERT (1u << 14)
#define APIC_ICR_LEVEL_TRIG   (1u << 15)
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define APIC_LVT_MASKED (1u << 16)
#define APIC_TIMER_PERIODIC (1u << 17)
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR  0x390
#define APIC_TIMER_DIV  0x3e0
#define APIC_DIV_16     0x3

#define APIC_BASE_ENABLE (1UL << 11)

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

static volatile u32 *lapic;

static u32 lapic_read(u32 reg)
{
	return lapic[reg / 4];
}

static void lapic_write(u32 reg, u32 v)
{
	lapic[reg / 4] = v;
}

/* Remap the 8259s to vectors 0x30..0x3f (away from the exceptions) and
 * mask every line: all interrupts come through the APIC. */
static void pic_disable(void)
{
	outb(PIC1_CMD, 0x11);                   /* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, PIC_VECTOR_BASE);       /* ICW2: vector base */
	outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
	outb(PIC1_DATA, 4);                     /* ICW3: slave on IRQ2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);                     /* ICW4: 8086 mode */
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);                  /* mask all */
	outb(PIC2_DATA, 0xff);
}

/* Enable this CPU's local APIC with every local interrupt masked. Every
 * CPU's APIC sits at the same physical (and so virtual) address; each CPU
 * reaches its own there. */
void lapic_init_cpu(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
}

void lapic_init(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	phys_addr_t pa = base & ~0xfffUL;

	pic_disable();
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic = ioremap(pa, 4096);
	if (!lapic)
		panic("cannot map the local APIC at %lx", pa);
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
	pr_info("apic: local APIC id %u version %#x at %#lx\n",
		lapic_id(), lapic_read(APIC_VERSION) & 0xff, pa);
}

u32 lapic_id(void)
{
	return lapic_read(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

void lapic_timer_oneshot(u32 count)
{
	lapic_write(APIC_TIMER_DIV, APIC_DIV_16);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_TIMER_INIT, count);
}

u32 lapic_timer_current(void)
{
	return lapic_read(APIC_TIMER_CUR);
}

void lapic_timer_periodic(unsigned int vector, u32 count)
{
	lapic_write(APIC_TIMER_DIV, APIC_DIV_16);
	lapic_write(APIC_LVT_TIMER, vector | APIC_TIMER_PERIODIC);
	lapic_write(APIC_TIMER_INIT, count);
}

/*
 * Write the interrupt command register: destination first (ICR_HIGH), then
 * the low word, whose write sends. Interrupts are off around the pair, so
 * an interrupt handler on this CPU that sends an IPI of its own (a wake-up
 * from the timer) cannot slip its destination in between. The previous
 * send has left the APIC by the time we return.
 */
static void lapic_icr_write(u32 apic_id, u32 low)
{
	unsigned long flags = local_irq_save();

	lapic_write(APIC_ICR_HIGH, apic_id << 24);
	lapic_write(APIC_ICR_LOW, low);
	while (lapic_read(APIC_ICR_LOW) & APIC_ICR_BUSY)
		cpu_relax();
	local_irq_restore(flags);
}

void lapic_send_ipi(u32 apic_id, unsigned int vector)
{
	lapic_icr_write(apic_id, vector);       /* fixed delivery, physical destination */
}

void lapic_send_init(u32 apic_id)
{
	lapic_icr_write(apic_id, APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT | APIC_ICR_LEVEL_TRIG);
}

void lapic_send_sipi(u32 apic_id, phys_addr_t start)
{
	lapic_icr_write(apic_id, APIC_ICR_SIPI | (u32)(start >> 12));
}
