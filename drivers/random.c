/*
 * The kernel's random numbers: getrandom(2), /dev/urandom, /dev/random,
 * AT_RANDOM; and /dev/full, which lives beside them as in Linux's
 * drivers/char/mem.c.
 *
 * The generator is ChaCha20 used as a stream cipher keyed by a 256-bit
 * secret, with "fast key erasure" (Bernstein, 2017): each request of up
 * to CRNG_BATCH bytes runs ChaCha20 under the current key, takes the first
 * 32 bytes of the keystream as the next key and hands out what follows;
 * the old key is then overwritten, so a later theft of the state cannot
 * give back earlier output. Linux's crng (5.17 on) works the same way;
 * this is a reimplementation of the idea, not of its code.
 *
 * Seeding, and honesty about it. At boot, and again once a minute when
 * output is asked for, the key absorbs 256 bits from RDSEED (the CPU's
 * entropy source) if CPUID says it has one, else from RDRAND (its
 * DRBG), and always a few dozen TSC readings taken around a short busy
 * loop. Absorbing is: XOR into the key, then one ChaCha20 block under the
 * result (with a nonce no output uses) becomes the key. With RDSEED or
 * RDRAND the output is as strong as the CPU's generator and ChaCha20; under
 * QEMU (TCG) both instructions are the host's getrandom(), which is good.
 * Without them the only input is the TSC, whose low bits vary with cache
 * and emulation timing but carry little real entropy: the stream is then
 * unpredictable in practice to a program but NOT fit for keys, and the
 * boot log says so ("random: seeded from the TSC only"). Faultline counts
 * no entropy: the pool is "ready" from boot, so GRND_NONBLOCK never gives
 * EAGAIN and /dev/random never blocks (Linux's behaviour once it has been
 * seeded, since 5.6). Writes to /dev/(u)random are absorbed, crediting
 * nothing, as Linux does for writes.
 *
 * Locks: crng_lock (spinlock, irqsave) protects the key and the nonce; it
 * is held for one batch at a time and nests inside nothing and around
 * nothing. Output is copied to the user after it is dropped.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <drivers/random.h>
#include <fs/devfs.h>
#include <fs/fs.h>
#include <fs/stat.h>
#include <asm/processor.h>
#include <asm/uaccess.h>

#define CRNG_BATCH      512                     /* bytes per key */
#define CRNG_RESEED_NS  (60ULL * NSEC_PER_SEC)
#define CRNG_MIX_NONCE  (~0ULL)                 /* absorbing; output nonces count up */

static DEFINE_SPINLOCK(crng_lock);
static u32 crng_key[8];                         /* (crng_lock) */
static u64 crng_nonce;                          /* (crng_lock) a fresh one per batch */
static u64 crng_next_reseed;                    /* (crng_lock) ktime_get_ns() value */

/* ---- ChaCha20 (RFC 8439's block function, 64-bit counter and nonce) ---------- */

static inline u32 rotl32(u32 v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d) do {                                                     \
	a += b; d = rotl32(d ^ a, 16);                                          \
	c += d; b = rotl32(b ^ c, 12);                                          \
	a += b; d = rotl32(d ^ a, 8);                                           \
	c += d; b = rotl32(b ^ c, 7);                                           \
} while (0)

/* One 64-byte block of the keystream of @key at block @counter, @nonce. */
static void chacha20_block(const u32 key[8], u64 nonce, u64 counter, u32 out[16])
{
	u32 in[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,         /* "expand 32-byte k" */
		key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
		(u32)counter, (u32)(counter >> 32), (u32)nonce, (u32)(nonce >> 32),
	};
	u32 x[16];

	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);            /* columns */
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);           /* diagonals */
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
	memset(x, 0, sizeof(x));
}

/* ---- seed material --------------------------------------------------------------- */

static bool has_rdrand, has_rdseed;

static bool rdrand64(u64 *v)
{
	unsigned char ok;

	for (int i = 0; i < 10; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

static bool rdseed64(u64 *v)
{
	unsigned char ok;

	for (int i = 0; i < 10; i++) {
		__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
		__asm__ volatile("pause");
	}
	return false;
}

/* XOR @len bytes into the key, then replace the key by one ChaCha20 block
 * of itself (a nonce no output uses). Context: crng_lock held. */
static void crng_absorb_locked(const void *buf, size_t len)
{
	const u8 *p = buf;
	u32 block[16];

	while (len) {
		size_t n = min(len, sizeof(crng_key));

		for (size_t i = 0; i < n; i++)
			((u8 *)crng_key)[i] ^= p[i];
		chacha20_block(crng_key, CRNG_MIX_NONCE, crng_nonce, block);
		memcpy(crng_key, block, sizeof(crng_key));
		p += n;
		len -= n;
	}
	memset(block, 0, sizeof(block));
}

/*
 * Gather seed material into @seed (32 words): RDSEED, else RDRAND, words
 * first, then TSC readings around a busy loop whose length varies. Returns
 * the name of the best source used. Context: any.
 */
static const char *gather_seed(u64 seed[32])
{
	const char *source = "the TSC only";
	int i = 0;

	for (; i < 4 && has_rdseed && rdseed64(&seed[i]); i++)
		source = "RDSEED";
	for (; i < 4 && has_rdrand && rdrand64(&seed[i]); i++)
		if (!has_rdseed)
			source = "RDRAND";
	for (; i < 32; i++) {
		u64 t0 = rdtsc();
		volatile unsigned int spin = (unsigned int)(t0 & 63);

		while (spin--)
			;
		seed[i] = rdtsc() ^ (t0 << 32);
	}
	return source;
}

/* Reseed once a minute, when output is wanted. Context: crng_lock held. */
static void crng_maybe_reseed_locked(void)
{
	u64 now = ktime_get_ns(), seed[32];

	if (now < crng_next_reseed)
		return;
	gather_seed(seed);
	crng_absorb_locked(seed, sizeof(seed));
	memset(seed, 0, sizeof(seed));
	crng_next_reseed = now + CRNG_RESEED_NS;
}

/* ---- output ------------------------------------------------------------------------ */

/* Up to CRNG_BATCH bytes into @out, then a new key (fast key erasure). */
static void crng_batch(u8 *out, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&crng_lock);
	u32 block[16], next_key[8];
	size_t done;

	crng_maybe_reseed_locked();
	chacha20_block(crng_key, crng_nonce, 0, block);
	memcpy(next_key, block, sizeof(next_key));
	done = min(n, sizeof(block) - sizeof(next_key));
	memcpy(out, (u8 *)block + sizeof(next_key), done);
	for (u64 ctr = 1; done < n; ctr++) {
		size_t c = min(n - done, sizeof(block));

		chacha20_block(crng_key, crng_nonce, ctr, block);
		memcpy(out + done, block, c);
		done += c;
	}
	memcpy(crng_key, next_key, sizeof(crng_key));
	crng_nonce++;
	spin_unlock_irqrestore(&crng_lock, flags);
	memset(block, 0, sizeof(block));
	memset(next_key, 0, sizeof(next_key));
}

void get_random_bytes(void *buf, size_t n)
{
	u8 *p = buf;

	while (n) {
		size_t c = min(n, (size_t)CRNG_BATCH);

		crng_batch(p, c);
		p += c;
		n -= c;
	}
}

u64 get_random_u64(void)
{
	u64 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

void add_device_randomness(const void *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&crng_lock);

	crng_absorb_locked(buf, len);
	spin_unlock_irqrestore(&crng_lock, flags);
}

/*
 * Copy @count random bytes to the user at @ubuf, a batch at a time.
 * Returns the bytes copied, -EFAULT if none could be, or (after at least
 * one batch) a short count when a signal is pending, as Linux's
 * get_random_bytes_user.
 */
static ssize_t random_to_user(u8 __user *ubuf, size_t count)
{
	u8 chunk[CRNG_BATCH];
	size_t done = 0;

	count = min(count, (size_t)0x7ffff000);         /* Linux's MAX_RW_COUNT */
	while (done < count) {
		size_t n = min(count - done, sizeof(chunk));
		size_t left;

		crng_batch(chunk, n);
		left = copy_to_user(ubuf + done, chunk, n);
		done += n - left;
		if (left) {
			memset(chunk, 0, sizeof(chunk));
			return done ? (ssize_t)done : -EFAULT;
		}
		if (done < count && signal_pending(current))
			break;
	}
	memset(chunk, 0, sizeof(chunk));
	return (ssize_t)done;
}

/* ---- getrandom(2) ----------------------------------------------------------------- */

#define GRND_NONBLOCK   0x0001
#define GRND_RANDOM     0x0002
#define GRND_INSECURE   0x0004

/* The pool is seeded before init runs, so no flag ever makes it wait:
 * GRND_NONBLOCK and GRND_RANDOM change nothing (Linux 5.6 on, seeded). */
SYSCALL_DEFINE3(getrandom, u8 __user *, ubuf, size_t, count, unsigned int, flags)
{
	if (flags & ~(unsigned int)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (!count)
		return 0;
	return random_to_user(ubuf, count);
}

/* ---- /dev/random, /dev/urandom ------------------------------------------------------ */

static ssize_t random_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	ssize_t done = 0;

	/* One segment at a time: the iterator's user addresses. */
	while (to->count) {
		u8 chunk[CRNG_BATCH];
		size_t n = min(to->count, sizeof(chunk)), copied;

		crng_batch(chunk, n);
		copied = copy_to_iter(chunk, n, to);
		memset(chunk, 0, sizeof(chunk));
		done += (ssize_t)copied;
		if (copied < n)
			return done ? done : -EFAULT;
		if (to->count && signal_pending(current))
			break;
	}
	return done;
}

/* Absorbed, crediting nothing. */
static ssize_t random_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	ssize_t done = 0;

	while (from->count) {
		u8 chunk[256];
		size_t n = min(from->count, sizeof(chunk)), got;

		got = copy_from_iter(chunk, n, from);
		add_device_randomness(chunk, got);
		done += (ssize_t)got;
		if (got < n)
			return done ? done : -EFAULT;
	}
	return done;
}

/* Seeking means nothing to a stream; Linux accepts it and changes nothing
 * that matters (noop_llseek): report the position unchanged. */
static loff_t random_llseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos;
}

static const struct file_operations random_fops = {
	.llseek = random_llseek,
	.read_iter = random_read,
	.write_iter = random_write,
};

/* ---- /dev/full ---------------------------------------------------------------------- */

/* Reads give zeros, as /dev/zero's. */
static ssize_t full_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	static const u8 zeros[256];
	ssize_t done = 0;

	while (to->count) {
		size_t n = min(to->count, sizeof(zeros));
		size_t copied = copy_to_iter(zeros, n, to);

		done += (ssize_t)copied;
		if (copied < n)
			return done ? done : -EFAULT;
		if (to->count && signal_pending(current))
			break;
	}
	return done;
}

/* The device that is always full: every write fails with ENOSPC. */
static ssize_t full_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	return -ENOSPC;
}

static loff_t full_llseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos = 0;
}

static const struct file_operations full_fops = {
	.llseek = full_llseek,
	.read_iter = full_read,
	.write_iter = full_write,
};

/* ---- boot ------------------------------------------------------------------------- */

void random_init(void)
{
	u32 a, b, c, d;
	u64 seed[32];
	const char *source;
	unsigned long flags;

	cpuid(1, 0, &a, &b, &c, &d);
	has_rdrand = c & (1u << 30);
	cpuid(0, 0, &a, &b, &c, &d);
	if (a >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		has_rdseed = b & (1u << 18);
	}
	source = gather_seed(seed);
	flags = spin_lock_irqsave(&crng_lock);
	crng_absorb_locked(seed, sizeof(seed));
	crng_next_reseed = ktime_get_ns() + CRNG_RESEED_NS;
	spin_unlock_irqrestore(&crng_lock, flags);
	memset(seed, 0, sizeof(seed));
	if (has_rdrand || has_rdseed)
		pr_info("random: ChaCha20 generator seeded from %s and the TSC\n", source);
	else
		pr_warn("random: seeded from the TSC only: fine for programs, NOT for keys\n");
	if (devfs_register_dev("random", 0666, makedev(1, 8), &random_fops, NULL) ||
	    devfs_register_dev("urandom", 0666, makedev(1, 9), &random_fops, NULL) ||
	    devfs_register_dev("full", 0666, makedev(1, 7), &full_fops, NULL))
		pr_err("random: cannot register /dev/random, /dev/urandom or /dev/full\n");
}
