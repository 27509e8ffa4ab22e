/*
 * The write-back thresholds and their files, /proc/sys/vm/dirty_*
 * (include/mm/writeback.h; docs/pseudofs.md). mm/page-writeback.c uses
 * them; this file only holds them and checks what is written.
 *
 *   dirty_background_ratio     10   percent of memory dirty before the
 *                                   flusher starts writing in the background
 *   dirty_ratio                20   percent dirty or under write-back before
 *                                   a writer must help (balance_dirty_pages)
 *   dirty_expire_centisecs   3000   how old a dirty page the periodic run
 *                                   writes back
 *   dirty_writeback_centisecs 500   how often the flusher runs on its own;
 *                                   0: only when asked
 *
 * Linux's defaults and ranges: each ratio 0..100, the times 0..INT_MAX;
 * anything else is -EINVAL and changes nothing. (Linux takes a negative
 * dirty_writeback_centisecs and stores it as a huge unsigned interval;
 * here it is -EINVAL.) Linux's dirty_bytes and dirty_background_bytes,
 * the alternative absolute limits, are not provided.
 *
 * Locks: none. Each value is one int stored and loaded with relaxed
 * atomics; the two ratios are read independently, so a reader may see
 * one new and one old, which dirty_background_limit tolerates (it clamps
 * the background ratio below the other).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <fs/proc_fs.h>
#include <mm/writeback.h>

#define INT_MAX_UL 0x7fffffffUL

int vm_dirty_ratio = 20;
int dirty_background_ratio = 10;
int dirty_writeback_interval = 500;
int dirty_expire_interval = 3000;

static int knob_show(struct seq_buf *m, const int *knob)
{
	seq_printf(m, "%d\n", __atomic_load_n(knob, __ATOMIC_RELAXED));
	return 0;
}

/* Linux's proc_dointvec_minmax with 0..@max. */
static int knob_store(int *knob, unsigned long max, const char *buf, size_t len)
{
	long v;
	int err = proc_parse_number(buf, len, true, INT_MAX_UL, &v);

	if (err)
		return err;
	if (v < 0 || (unsigned long)v > max)
		return -EINVAL;
	__atomic_store_n(knob, (int)v, __ATOMIC_RELAXED);
	return 0;
}

int dirty_background_ratio_show(struct seq_buf *m, int pid)
{
	return knob_show(m, &dirty_background_ratio);
}

int dirty_background_ratio_store(const char *buf, size_t len)
{
	return knob_store(&dirty_background_ratio, 100, buf, len);
}

int dirty_ratio_show(struct seq_buf *m, int pid)
{
	return knob_show(m, &vm_dirty_ratio);
}

int dirty_ratio_store(const char *buf, size_t len)
{
	return knob_store(&vm_dirty_ratio, 100, buf, len);
}

int dirty_expire_centisecs_show(struct seq_buf *m, int pid)
{
	return knob_show(m, &dirty_expire_interval);
}

int dirty_expire_centisecs_store(const char *buf, size_t len)
{
	return knob_store(&dirty_expire_interval, INT_MAX_UL, buf, len);
}

int dirty_writeback_centisecs_show(struct seq_buf *m, int pid)
{
	return knob_show(m, &dirty_writeback_interval);
}

int dirty_writeback_centisecs_store(const char *buf, size_t len)
{
	int old = __atomic_load_n(&dirty_writeback_interval, __ATOMIC_RELAXED);
	int err = knob_store(&dirty_writeback_interval, INT_MAX_UL, buf, len);

	if (!err && old != __atomic_load_n(&dirty_writeback_interval, __ATOMIC_RELAXED))
		writeback_interval_changed();
	return err;
}
