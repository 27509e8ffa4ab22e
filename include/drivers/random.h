/*
 * The kernel's random numbers (drivers/random.c): a ChaCha20 generator
 * with fast key erasure, seeded from RDSEED/RDRAND when the CPU has them
 * and from TSC timing otherwise, behind getrandom(2), /dev/urandom,
 * /dev/random and AT_RANDOM. docs/syscalls.md, "getrandom", says how
 * strong it is and is not.
 */
#ifndef _DRIVERS_RANDOM_H
#define _DRIVERS_RANDOM_H

#include <kernel/types.h>

/* Fill @buf with @n random bytes. Context: any task context (it takes a
 * spinlock with interrupts off for at most one 512-byte batch at a time). */
void get_random_bytes(void *buf, size_t n);
/* A random 64-bit number. */
u64 get_random_u64(void);
/* Mix @len bytes of outside data into the key (a write to /dev/urandom):
 * it can only add uncertainty; no entropy is credited. */
void add_device_randomness(const void *buf, size_t len);
/* Boot: seed the generator, register /dev/random and /dev/urandom
 * (1:8, 1:9) and /dev/full (1:7). Call before the first user process. */
void random_init(void);

#endif
