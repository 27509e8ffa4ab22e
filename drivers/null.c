/*
 * /dev/null: reads give end of file, writes take every byte and keep none.
 *
 * The smallest character device, and so the model of a devfs driver: a
 * file_operations and one devfs_register_dev() call at boot. (Linux keeps
 * it in drivers/char/mem.c, with /dev/zero.) Its number is Linux's, 1:3.
 *
 * Locks: none; it has no state.
 */
#include <kernel/kernel.h>
#include <drivers/drivers.h>
#include <fs/devfs.h>

static ssize_t null_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	return 0;
}

/* Like Linux, report the whole buffer written without reading it, so even
 * an unreadable buffer "succeeds". */
static ssize_t null_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	return (ssize_t)from->count;
}

/* Every seek lands at 0 (Linux's null_lseek). */
static loff_t null_llseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos = 0;
}

static const struct file_operations null_fops = {
	.llseek = null_llseek,
	.read_iter = null_read,
	.write_iter = null_write,
};

void null_dev_init(void)
{
	int err = devfs_register_dev("null", 0666, makedev(1, 3), &null_fops, NULL);

	if (err)
		pr_err("null: cannot register /dev/null: error %d\n", err);
}
