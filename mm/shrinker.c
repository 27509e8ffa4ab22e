/*
 * Shrinkers (see include/mm/shrinker.h and docs/reclaim.md).
 *
 * Owns: the list of registered shrinkers.
 *
 * Locks: shrinker_lock (mutex) protects the list and is held across the
 * callbacks, so that unregister_shrinker, which takes it, returns only
 * when no callback of the shrinker runs. Reclaim only tries it
 * (mutex_trylock): it may run with any sleeping lock of the allocating
 * task held, and must never wait. Order: shrinker_lock -> whatever
 * spinlocks the callbacks take (bcache_lock, inode_hash_lock).
 */
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <mm/shrinker.h>

static DEFINE_MUTEX(shrinker_lock);
static LIST_HEAD(shrinker_list);                /* (shrinker_lock) */

int register_shrinker(struct shrinker *s)
{
	mutex_lock(&shrinker_lock);
	list_add_tail(&s->list, &shrinker_list);
	mutex_unlock(&shrinker_lock);
	return 0;
}

void unregister_shrinker(struct shrinker *s)
{
	mutex_lock(&shrinker_lock);
	list_del_init(&s->list);
	mutex_unlock(&shrinker_lock);
}

/* Context: shrinker_lock held. */
static unsigned long do_shrink(struct shrinker *s, unsigned long nr_to_scan)
{
	struct shrink_control sc = { 0 };
	unsigned long freeable = s->count_objects(s, &sc);
	unsigned long todo = min(freeable, nr_to_scan), freed = 0;

	while (todo) {
		unsigned long n;

		sc.nr_to_scan = min(todo, (unsigned long)SHRINK_BATCH);
		sc.nr_scanned = sc.nr_to_scan;
		n = s->scan_objects(s, &sc);
		if (n == SHRINK_STOP)
			break;
		freed += n;
		/* A batch that looked at nothing cannot be repeated usefully. */
		if (!sc.nr_scanned)
			break;
		todo -= min(todo, sc.nr_scanned);
	}
	return freed;
}

unsigned long shrink_slab(unsigned long nr_to_scan)
{
	struct shrinker *s;
	unsigned long freed = 0;

	if (!mutex_trylock(&shrinker_lock))
		return 0;
	list_for_each_entry(s, &shrinker_list, list)
		freed += do_shrink(s, nr_to_scan);
	mutex_unlock(&shrinker_lock);
	return freed;
}
