/*
 * sysvshm_test - System V shared memory: shmget (IPC_PRIVATE, keys,
 * IPC_CREAT|IPC_EXCL, sizes and their errors), shmat (chosen address,
 * a given one, SHM_RND, SHM_RDONLY), shmdt, shmctl (IPC_STAT, IPC_SET,
 * IPC_RMID with the segment alive until the last detach); fork inherits
 * attachments; exit detaches. The same binary runs on Linux, the oracle.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "testutil.h"

#define PG 4096L

static sigjmp_buf jb;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

/* Does storing to @p fault? */
static int store_faults(volatile char *p)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	volatile int r = 0;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(jb, 1) == 0)
		*p = 1;
	else
		r = 1;
	sigaction(SIGSEGV, &old, NULL);
	return r;
}

static long nattch(int id)
{
	struct shmid_ds ds;

	return shmctl(id, IPC_STAT, &ds) == 0 ? (long)ds.shm_nattch : -1;
}

int main(void)
{
	key_t key = (key_t)(0x5f000000 | (getpid() & 0xffff));
	struct shmid_ds ds;
	char *a, *b, *r, *hole;
	int id, id2;
	pid_t pid;

	id = shmget(IPC_PRIVATE, 3 * PG + 100, IPC_CREAT | 0600);
	REQUIRE(id >= 0, "shmget(IPC_PRIVATE, 3 pages + 100)");
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == 3 * PG + 100 && ds.shm_nattch == 0 &&
	      (ds.shm_perm.mode & 0777) == 0600 && ds.shm_cpid == getpid(),
	      "IPC_STAT: size, no attachment, mode, creator");
	a = shmat(id, NULL, 0);
	REQUIRE(a != (void *)-1, "shmat at an address of the kernel's choice");
	CHECK(((unsigned long)a & (PG - 1)) == 0, "page aligned");
	CHECK(a[0] == 0 && a[3 * PG + 99] == 0, "zero-filled");
	strcpy(a, "hello");
	a[3 * PG + 50] = 'e';
	CHECK_EQ(nattch(id), 1, "nattch 1");
	b = shmat(id, NULL, 0);
	CHECK(b != (void *)-1 && b != a && strcmp(b, "hello") == 0 && b[3 * PG + 50] == 'e',
	      "a second attachment shares the pages");
	CHECK_EQ(nattch(id), 2, "nattch 2");
	r = shmat(id, NULL, SHM_RDONLY);
	CHECK(r != (void *)-1 && strcmp(r, "hello") == 0, "SHM_RDONLY reads");
	CHECK(store_faults(r), "a store to a SHM_RDONLY attachment: SIGSEGV");
	CHECK_OK(shmdt(r), "shmdt the read-only one");
	CHECK_ERR(shmdt(r), EINVAL, "shmdt again: EINVAL");
	CHECK_ERR(shmdt(a + 1), EINVAL, "shmdt of an unaligned address: EINVAL");

	pid = fork();
	if (pid == 0) {
		/* The child inherits both attachments. */
		_exit(nattch(id) == 4 && strcmp(a, "hello") == 0 && (strcpy(b, "child"), 1) ? 0 : 1);
	}
	CHECK_EXIT(wait_child(pid), 0, "fork: the child has the attachments (nattch 4) and stores");
	CHECK(strcmp(a, "child") == 0, "the parent sees the child's store");
	CHECK_EQ(nattch(id), 2, "the child's exit detached its two");

	/* A given address, SHM_RND, and an address in use. */
	CHECK_OK(shmdt(b), "shmdt");
	b = shmat(id, b + 1, 0);
	CHECK_EQ((long)b, -1L, "an unaligned address without SHM_RND: fails");
	CHECK_EQ(errno, EINVAL, "... with EINVAL");
	hole = mmap(NULL, 16 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(hole != MAP_FAILED && munmap(hole, 16 * PG) == 0, "a free range");
	b = shmat(id, hole + 4 * PG + 123, SHM_RND);
	CHECK(b == hole + 4 * PG && strcmp(b, "child") == 0, "SHM_RND rounds down to the page");
	CHECK_EQ((long)shmat(id, a, 0), -1L, "an address in use without SHM_REMAP: fails");

	/* Keys. */
	(void)shmctl(shmget(key, 0, 0), IPC_RMID, NULL);       /* a previous run's */
	CHECK_ERR(shmget(key, PG, 0600), ENOENT, "a missing key without IPC_CREAT: ENOENT");
	id2 = shmget(key, PG, IPC_CREAT | IPC_EXCL | 0640);
	CHECK(id2 >= 0 && id2 != id, "IPC_CREAT|IPC_EXCL makes a keyed segment");
	CHECK_ERR(shmget(key, PG, IPC_CREAT | IPC_EXCL | 0640), EEXIST, "again with IPC_EXCL: EEXIST");
	CHECK_EQ(shmget(key, PG / 2, 0), id2, "the key finds it (a smaller size is fine)");
	CHECK_EQ(shmget(key, 0, IPC_CREAT), id2, "IPC_CREAT without IPC_EXCL finds it");
	CHECK_ERR(shmget(key, 2 * PG, 0), EINVAL, "a larger size than the segment's: EINVAL");
	pid = fork();
	if (pid == 0) {
		/* Another user: "other" bits of 0640 give nothing. */
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (shmget(key, PG, 0) != id2)
			_exit(3);
		if (shmget(key, PG, 0004) != -1 || errno != EACCES)
			_exit(4);
		if (shmat(id2, NULL, SHM_RDONLY) != (void *)-1 || errno != EACCES)
			_exit(5);
		_exit(shmctl(id2, IPC_RMID, NULL) == -1 && errno == EPERM ? 0 : 6);
	}
	CHECK_EXIT(wait_child(pid), 0,
		   "another user: shmget asking for read, shmat: EACCES; IPC_RMID: EPERM");
	CHECK_ERR(shmget(IPC_PRIVATE, 0, IPC_CREAT), EINVAL, "size 0: EINVAL");
	CHECK_ERR(shmat(-1, NULL, 0) == (void *)-1 ? -1 : 0, EINVAL, "shmat of a bad id: EINVAL");
	CHECK_ERR(shmctl(-1, IPC_STAT, &ds), EINVAL, "shmctl of a bad id: EINVAL");
	CHECK_ERR(shmctl(id2, 12345, &ds), EINVAL, "an unknown command: EINVAL");
	CHECK_ERR(shmctl(id2, IPC_STAT, (struct shmid_ds *)unmapped_page()), EFAULT,
		  "IPC_STAT to a bad buffer: EFAULT");
	CHECK_OK(shmctl(id2, IPC_STAT, &ds), "IPC_STAT");
	ds.shm_perm.mode = 0604;
	CHECK_OK(shmctl(id2, IPC_SET, &ds), "IPC_SET mode 0604");
	CHECK(shmctl(id2, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & 0777) == 0604 &&
	      ds.shm_perm.__key == key, "IPC_STAT shows the new mode and the key");
	CHECK_OK(shmctl(id2, IPC_RMID, NULL), "IPC_RMID an unattached segment");
	CHECK_ERR(shmctl(id2, IPC_STAT, &ds), EINVAL, "gone at once: EINVAL");
	CHECK_ERR(shmget(key, PG, 0), ENOENT, "its key is free: ENOENT");

	/* IPC_RMID while attached: alive until the last detach. */
	CHECK_OK(shmctl(id, IPC_RMID, NULL), "IPC_RMID while attached twice");
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & 01000) && ds.shm_nattch == 2,
	      "still there, marked SHM_DEST, nattch 2 (mode %o, nattch %ld)", ds.shm_perm.mode,
	      (long)ds.shm_nattch);
	strcpy(a, "still");
	CHECK(strcmp(b, "still") == 0, "its pages still shared");
	CHECK_OK(shmdt(b), "shmdt one");
	CHECK_EQ(nattch(id), 1, "nattch 1");
	CHECK_OK(shmdt(a), "shmdt the last");
	CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL, "then it is gone: EINVAL");
	return tap_done();
}
