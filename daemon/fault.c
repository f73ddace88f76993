/*
 * Fault injection for the tests, compiled only into the test build
 * (SANITIZE=1 defines SAMEN_FAULTS).  An SQLite VFS that wraps the
 * default one and an SQLite allocator that wraps the default one; each
 * fails while a flag file named by the environment exists:
 *
 *	SAMEN_FAULT_FULL=FILE	every write to a database file or its WAL
 *				fails with SQLITE_FULL (a full disk)
 *	SAMEN_FAULT_IOERR=FILE	every write fails with SQLITE_IOERR_WRITE
 *	SAMEN_FAULT_NOMEM=FILE	every SQLite allocation fails
 *
 * Removing the file ends the fault: the daemon must go on without a
 * restart.  In other builds fault_init() does nothing.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "samend.h"

#ifdef SAMEN_FAULTS

static const char	*fault_full, *fault_ioerr, *fault_nomem;
static sqlite3_vfs	*fault_real;
static sqlite3_mem_methods fault_mem_real;
static int		 fault_in_stat;

/* True while the flag file exists. */
static int
fault_on(const char *flag)
{
	struct stat sb;
	int on;

	if (flag == NULL || fault_in_stat)
		return 0;
	fault_in_stat = 1;
	on = stat(flag, &sb) == 0;
	fault_in_stat = 0;
	return on;
}

struct fault_file {
	sqlite3_file	 base;
	sqlite3_file	*real;		/* follows this struct */
};

#define REAL(f)	(((struct fault_file *)(f))->real)

static int
fault_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods->xClose(REAL(f));

	return rc;
}

static int
fault_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
fault_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fault_on(fault_full))
		return SQLITE_FULL;
	if (fault_on(fault_ioerr))
		return SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
fault_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
fault_sync(sqlite3_file *f, int flags)
{
	if (fault_on(fault_ioerr))
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
fault_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
fault_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
fault_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
fault_check_lock(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
fault_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
fault_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
fault_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
fault_shm_map(sqlite3_file *f, int pg, int pgsz, int extend,
    void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, p);
}

static int
fault_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
fault_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
fault_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
fault_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int
fault_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fault_io = {
	3,
	fault_close, fault_read, fault_write, fault_truncate, fault_sync,
	fault_size, fault_lock, fault_unlock, fault_check_lock,
	fault_control, fault_sector, fault_device,
	fault_shm_map, fault_shm_lock, fault_shm_barrier, fault_shm_unmap,
	fault_fetch, fault_unfetch,
};

static int
fault_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct fault_file *ff = (struct fault_file *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = fault_real->xOpen(fault_real, name, ff->real, flags, out);
	/* Only a file the real VFS opened gets methods to close it. */
	ff->base.pMethods = ff->real->pMethods != NULL ? &fault_io : NULL;
	return rc;
}

static int
fault_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return fault_real->xDelete(fault_real, name, sync);
}

static int
fault_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return fault_real->xAccess(fault_real, name, flags, out);
}

static int
fault_fullname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return fault_real->xFullPathname(fault_real, name, n, out);
}

static void *
fault_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return fault_real->xDlOpen(fault_real, name);
}

static void
fault_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	fault_real->xDlError(fault_real, n, out);
}

static void
(*fault_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return fault_real->xDlSym(fault_real, h, sym);
}

static void
fault_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	fault_real->xDlClose(fault_real, h);
}

static int
fault_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return fault_real->xRandomness(fault_real, n, out);
}

static int
fault_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return fault_real->xSleep(fault_real, us);
}

static int
fault_time(sqlite3_vfs *vfs, double *t)
{
	(void)vfs;
	return fault_real->xCurrentTime(fault_real, t);
}

static int
fault_lasterr(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return fault_real->xGetLastError(fault_real, n, out);
}

static int
fault_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
	(void)vfs;
	return fault_real->xCurrentTimeInt64(fault_real, t);
}

static sqlite3_vfs fault_vfs = {
	2, 0, 1024, NULL, "samen-fault", NULL,
	fault_open, fault_delete, fault_access, fault_fullname,
	fault_dlopen, fault_dlerror, fault_dlsym, fault_dlclose,
	fault_random, fault_sleep, fault_time, fault_lasterr, fault_time64,
	NULL, NULL, NULL,
};

static void *
fault_malloc(int n)
{
	if (fault_on(fault_nomem))
		return NULL;
	return fault_mem_real.xMalloc(n);
}

static void *
fault_realloc(void *p, int n)
{
	if (fault_on(fault_nomem))
		return NULL;
	return fault_mem_real.xRealloc(p, n);
}

/* Installs what the environment asks for, before SQLite starts. */
void
fault_init(void)
{
	sqlite3_mem_methods m;

	fault_full = getenv("SAMEN_FAULT_FULL");
	fault_ioerr = getenv("SAMEN_FAULT_IOERR");
	fault_nomem = getenv("SAMEN_FAULT_NOMEM");
	if (fault_nomem != NULL &&
	    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &fault_mem_real) ==
	    SQLITE_OK) {
		m = fault_mem_real;
		m.xMalloc = fault_malloc;
		m.xRealloc = fault_realloc;
		/* Without lookaside every allocation goes through malloc. */
		if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK ||
		    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK)
			fatalx("fault injection: cannot wrap SQLite's malloc");
	}
	if (fault_full == NULL && fault_ioerr == NULL)
		return;
	if ((fault_real = sqlite3_vfs_find(NULL)) == NULL)
		fatalx("fault injection: no default VFS");
	fault_vfs.szOsFile = (int)sizeof(struct fault_file) +
	    fault_real->szOsFile;
	fault_vfs.mxPathname = fault_real->mxPathname;
	if (sqlite3_vfs_register(&fault_vfs, 1) != SQLITE_OK)
		fatalx("fault injection: cannot register the VFS");
	log_info("fault injection: writes fail while %s%s%s exists",
	    fault_full ? fault_full : "", fault_full && fault_ioerr ?
	    " or " : "", fault_ioerr ? fault_ioerr : "");
}

#else

void
fault_init(void)
{
}

#endif
