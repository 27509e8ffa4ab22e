/*
 * Shrinkers (mm/shrinker.c, docs/reclaim.md): caches outside the page LRU
 * that reclaim can ask to give memory back, as Linux's register_shrinker.
 *
 * A cache registers a struct shrinker with two callbacks. count_objects
 * says how many objects it could free now (0: nothing to do);
 * scan_objects tries to free up to sc->nr_to_scan of them and returns
 * how many it freed, or SHRINK_STOP if it cannot make progress now.
 *
 * Both callbacks run in reclaim (kswapd or an allocating task that may
 * hold any sleeping lock of its own), under shrinker_lock: they must not
 * sleep, wait for any lock (try only), call into a filesystem that might,
 * allocate memory, or register or unregister a shrinker.
 */
#ifndef _MM_SHRINKER_H
#define _MM_SHRINKER_H

#include <kernel/list.h>
#include <kernel/types.h>

#define SHRINK_STOP (~0UL)
/* Objects asked of one scan_objects call at most (Linux's SHRINK_BATCH). */
#define SHRINK_BATCH 128

struct shrink_control {
	unsigned long nr_to_scan;       /* in: objects to try this call */
	unsigned long nr_scanned;       /* out, optional: objects looked at (default nr_to_scan) */
};

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *s, struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *s, struct shrink_control *sc);
	const char *name;
	struct list_head list;          /* (shrinker_lock) on the list of shrinkers */
};

/* Add @s to the shrinkers reclaim calls. Context: may sleep (takes
 * shrinker_lock); not from a shrinker callback. Returns 0. */
int register_shrinker(struct shrinker *s);
/* Remove @s; once this returns no callback of @s runs or will run.
 * Context: may sleep. */
void unregister_shrinker(struct shrinker *s);
/*
 * Ask every shrinker to scan up to @nr_to_scan objects (no more than it
 * counts), in batches of SHRINK_BATCH. Returns the objects freed. If
 * another reclaimer is running the shrinkers, returns 0 at once: reclaim
 * never waits for a lock. Context: no spinlock held; never sleeps.
 */
unsigned long shrink_slab(unsigned long nr_to_scan);

#endif
