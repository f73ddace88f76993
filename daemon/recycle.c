/*
 * A small cache of the buffers of 1 to 128 KiB that OpenSSL, libevent and
 * SQLite take and give back for every request: a TLS record buffer each
 * way (SSL_MODE_RELEASE_BUFFERS returns them while a connection is idle),
 * the chains of the bufferevents, and the 64 KiB in which SQLite keeps a
 * request's savepoint (its statement journal) in memory.
 *
 * glibc's malloc serves such sizes from its large bins, walking a list
 * ordered by size.  After thousands of connections have come and gone,
 * the heap is full of free holes between what they left behind (cached
 * sessions, libevent's per-descriptor slots), the walk is long and cold
 * in the cache, and a hello costs half as much again (bench/README.md).
 * Here the last blocks freed of each power-of-two class are kept, at
 * most CLASS_BYTES of each, and handed out again at once.
 *
 * Only samend uses it, and not under AddressSanitizer, which must see
 * every free to find a use after it.  It takes no lock: samend has one
 * thread (DESIGN.md), and SQLite, with its memory statistics off, no
 * longer serializes its allocations itself.
 */
#include <malloc.h>
#include <stdlib.h>

#include <event2/event.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include "samend.h"

#if !defined(__SANITIZE_ADDRESS__)

#define RECYCLE_MIN_SHIFT	10		/* 1 KiB */
#define RECYCLE_NCLASS		8		/* up to 128 KiB */
#define RECYCLE_CLASS_BYTES	(512 * 1024)	/* kept of each class */
#define RECYCLE_KEEP_MAX	64

struct recycle_class {
	void	*v[RECYCLE_KEEP_MAX];
	int	 n;
	int	 keep;
};

static struct recycle_class recycle[RECYCLE_NCLASS];

/* The class of a block of usable size n, or -1. */
static int
recycle_class(size_t n)
{
	int k;

	if (n < ((size_t)1 << RECYCLE_MIN_SHIFT))
		return -1;
	for (k = 0; k < RECYCLE_NCLASS; k++) {
		if (n < ((size_t)1 << (RECYCLE_MIN_SHIFT + k + 1)))
			return k;
	}
	return -1;
}

static void *
recycle_malloc(size_t n)
{
	struct recycle_class *rc;
	int k, i;

	if ((k = recycle_class(n)) != -1) {
		/* Its own class, or the next: a block just above it. */
		for (i = k; i <= k + 1 && i < RECYCLE_NCLASS; i++) {
			rc = &recycle[i];
			if (rc->n > 0 && malloc_usable_size(rc->v[rc->n - 1]) >=
			    n)
				return rc->v[--rc->n];
		}
	}
	return malloc(n);
}

static void
recycle_free(void *p)
{
	struct recycle_class *rc;
	int k;

	if (p == NULL)
		return;
	if ((k = recycle_class(malloc_usable_size(p))) != -1) {
		rc = &recycle[k];
		if (rc->n < rc->keep) {
			rc->v[rc->n++] = p;
			return;
		}
	}
	free(p);
}

static void *
recycle_realloc(void *p, size_t n)
{
	if (p == NULL)
		return recycle_malloc(n);
	return realloc(p, n);
}

static void *
recycle_ossl_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return recycle_malloc(n);
}

static void *
recycle_ossl_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return recycle_realloc(p, n);
}

static void
recycle_ossl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	recycle_free(p);
}

static void *
recycle_sqlite_malloc(int n)
{
	return recycle_malloc((size_t)n);
}

static void *
recycle_sqlite_realloc(void *p, int n)
{
	return recycle_realloc(p, (size_t)n);
}

static int
recycle_sqlite_size(void *p)
{
	return (int)malloc_usable_size(p);
}

static int
recycle_sqlite_roundup(int n)
{
	return (n + 15) & ~15;
}

static int
recycle_sqlite_init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}

static void
recycle_sqlite_shutdown(void *arg)
{
	(void)arg;
}

static const sqlite3_mem_methods recycle_sqlite = {
	recycle_sqlite_malloc,
	recycle_free,
	recycle_sqlite_realloc,
	recycle_sqlite_size,
	recycle_sqlite_roundup,
	recycle_sqlite_init,
	recycle_sqlite_shutdown,
	NULL
};

/*
 * Puts the cache under OpenSSL, libevent and SQLite; first thing in main,
 * before any of them allocates anything.
 */
void
recycle_init(void)
{
	int k;

	for (k = 0; k < RECYCLE_NCLASS; k++) {
		recycle[k].keep = (int)(RECYCLE_CLASS_BYTES >>
		    (RECYCLE_MIN_SHIFT + k));
		if (recycle[k].keep > RECYCLE_KEEP_MAX)
			recycle[k].keep = RECYCLE_KEEP_MAX;
	}
	if (CRYPTO_set_mem_functions(recycle_ossl_malloc,
	    recycle_ossl_realloc, recycle_ossl_free) != 1)
		log_warnx("recycle: OpenSSL allocated before main");
	event_set_mem_functions(recycle_malloc, recycle_realloc,
	    recycle_free);
	/*
	 * samend reads no SQLite memory statistics: without them SQLite
	 * does not ask the size of every block it takes and gives back.
	 */
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &recycle_sqlite) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		log_warnx("recycle: SQLite started before main");
}

#else	/* AddressSanitizer sees every allocation itself */

void
recycle_init(void)
{
}

#endif
