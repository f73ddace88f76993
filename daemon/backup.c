/*
 * Backup and restore.  A backup is a consistent copy of the committed
 * database made with SQLite's online backup API: by the running daemon
 * (the backup request, into the state directory's backups/) or offline
 * (`samend backup --out PATH`).  A restore (`samend restore PATH`) runs
 * only while no daemon holds the state directory's lock, checks the copy
 * (integrity_check, schema version, the audit hash chain) and then puts
 * a fresh copy of it in place, keeping the database it replaces.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samend.h"
#include "xmalloc.h"

#define BACKUP_DIR	"backups"
#define BACKUP_NAME_MAX	64
#define BACKUP_LOCK	"samend.lock"

/* "DIR: the error" for a failed call on dir. */
static char *
backup_errno(const char *what)
{
	char *s;

	xasprintf(&s, "%s: %s", what, strerror(errno));
	return s;
}

/* True for a file name of letters, digits, . _ - not starting with '.'. */
static int
backup_name_valid(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= BACKUP_NAME_MAX && name[0] != '.' &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") == n;
}

/* backup (admin): a copy of the committed database on the server. */
int
backup_run(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	const char *name = req->backup->name;
	Samen__V1__BackupResponse *br;
	char dir[4096], path[4200], stamp[32], *cause = NULL;
	uint64_t rev;
	int64_t bytes;
	time_t now = time(NULL);
	struct tm tm;
	int i, rc;

	if (*name != '\0' && !backup_name_valid(name))
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "name: a file name of 1 to %d letters, digits and . _ - "
		    "(not starting with '.'); the copy goes into the state "
		    "directory's %s/", BACKUP_NAME_MAX, BACKUP_DIR);
	snprintf(dir, sizeof(dir), "%s/%s", ctx->srv->cfg->state_dir,
	    BACKUP_DIR);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return dispatch_store_error(ctx, backup_errno(dir));
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	for (i = 0; i < 100; i++) {
		if (*name != '\0')
			snprintf(path, sizeof(path), "%s/%s", dir, name);
		else if (i == 0)
			snprintf(path, sizeof(path), "%s/samen-%s.db", dir,
			    stamp);
		else
			snprintf(path, sizeof(path), "%s/samen-%s-%d.db", dir,
			    stamp, i);
		rc = store_backup(ctx->srv->rstore, path, &rev, &bytes, &cause);
		if (rc == 0 || *name != '\0' || access(path, F_OK) == -1)
			break;
		free(cause);	/* the default name is taken: the next */
		cause = NULL;
	}
	if (rc == -1) {
		if (access(path, F_OK) == 0 && *name != '\0') {
			free(cause);
			return dispatch_error(ctx,
			    SAMEN__V1__STATUS__CODE__CONFLICT,
			    "a backup named %s exists already", name);
		}
		return dispatch_store_error(ctx, cause);
	}
	log_info("backup by %s: %s, %lld bytes, rev %llu", ctx->who->name,
	    path, (long long)bytes, (unsigned long long)rev);
	br = dispatch_alloc(ctx, sizeof(*br));
	samen__v1__backup_response__init(br);
	br->path = dispatch_strdup(ctx, path);
	br->bytes = (uint64_t)bytes;
	br->rev = rev;
	resp->body_case = SAMEN__V1__RESPONSE__BODY_BACKUP;
	resp->backup = br;
	return 0;
}

/*
 * Takes the state directory's lock: one daemon (or restore) at a time.
 * Returns its descriptor, held until exit; -1 with *cause (and the
 * holder's pid when it is a running daemon).
 */
int
backup_lock(const char *state_dir, char **cause)
{
	char path[4200], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", state_dir, BACKUP_LOCK);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		xasprintf(cause, "samend is running on %s (pid %s); stop it "
		    "first", state_dir, *buf ? buf : "?");
		close(fd);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_warn("%s", path);
	return fd;
}

/* samend backup --out PATH: a consistent copy, daemon running or not. */
int
backup_offline(const struct config *cfg, const char *out)
{
	struct store *st;
	char *db = store_path(cfg->state_dir), *cause = NULL;
	uint64_t rev;
	int64_t bytes;

	st = store_open(db, STORE_OPEN, &cause);
	free(db);
	if (st == NULL || store_backup(st, out, &rev, &bytes, &cause) == -1) {
		fprintf(stderr, "samend backup: %s\n", cause);
		free(cause);
		store_close(st);
		return 1;
	}
	store_close(st);
	printf("backup written: %s (%lld bytes, rev %llu)\n", out,
	    (long long)bytes, (unsigned long long)rev);
	return 0;
}

/* Checks a copy before it replaces the database.  -1: *cause. */
static int
backup_check(const char *path, uint64_t *rev, uint64_t *records,
    char **cause)
{
	struct store *st;
	uint64_t bad;
	const char *reason;
	char *why = NULL;

	if (access(path, R_OK) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((st = store_open(path, STORE_READONLY, &why)) == NULL ||
	    store_integrity(st, &why) == -1 ||
	    audit_check(st, records, &bad, &reason, &why) == -1) {
		xasprintf(cause, "%s is not a samen database that can be "
		    "restored: %s", path, why ? why : "?");
		free(why);
		store_close(st);
		return -1;
	}
	*rev = store_rev(st);
	store_close(st);
	if (bad != 0) {
		xasprintf(cause, "%s: its audit chain is broken at rev %llu "
		    "(%s); not restored", path, (unsigned long long)bad,
		    reason);
		return -1;
	}
	return 0;
}

/*
 * samend restore PATH: with no daemon running, check the copy, keep the
 * current database as samen.db.before-restore-STAMP, and put a fresh copy
 * of PATH in place.  The copy itself is not changed.
 */
int
backup_restore(const struct config *cfg, const char *path)
{
	struct store *st;
	char *db = store_path(cfg->state_dir), *cause = NULL;
	char kept[4200], tmp[4200], side[4200], stamp[32];
	uint64_t rev, records, r2, old_rev = 0;
	int64_t bytes;
	time_t now = time(NULL);
	struct tm tm;
	int lock = -1, rv = 1, dirfd;

	*kept = '\0';
	if ((lock = backup_lock(cfg->state_dir, &cause)) == -1)
		goto out;
	if (backup_check(path, &rev, &records, &cause) == -1)
		goto out;
	printf("%s checked: integrity ok, audit chain of %llu records "
	    "intact, rev %llu\n", path, (unsigned long long)records,
	    (unsigned long long)rev);

	/* A fresh copy next to the database, complete before the swap. */
	snprintf(tmp, sizeof(tmp), "%s.restoring", db);
	unlink(tmp);
	if ((st = store_open(path, STORE_READONLY, &cause)) == NULL)
		goto out;
	if (store_backup(st, tmp, &r2, &bytes, &cause) == -1) {
		store_close(st);
		goto out;
	}
	store_close(st);

	/* The database it replaces: its WAL written back, then kept. */
	if (access(db, F_OK) == 0) {
		if ((st = store_open(db, STORE_OPEN, &cause)) == NULL ||
		    store_checkpoint(st, &cause) == -1) {
			store_close(st);
			unlink(tmp);
			goto out;
		}
		old_rev = store_rev(st);
		store_close(st);
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		snprintf(kept, sizeof(kept), "%s.before-restore-%s", db, stamp);
		/* The old one stays under a second name; the swap itself is
		 * one rename, so there is always a samen.db. */
		if (link(db, kept) == -1) {
			xasprintf(&cause, "%s: %s", kept, strerror(errno));
			unlink(tmp);
			goto out;
		}
	}
	if (rename(tmp, db) == -1) {
		xasprintf(&cause, "%s: %s", db, strerror(errno));
		if (*kept != '\0')
			unlink(kept);
		unlink(tmp);
		goto out;
	}
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
	if ((dirfd = open(cfg->state_dir, O_RDONLY | O_DIRECTORY)) != -1) {
		if (fsync(dirfd) == -1)
			log_warn("%s", cfg->state_dir);
		close(dirfd);
	}
	if (*kept != '\0')
		printf("the database it replaces is kept as %s\n", kept);
	rv = 0;
	/*
	 * Clients may hold changes of the replaced database up to old_rev:
	 * the rev moves past them and they all sync again from the start.
	 */
	if (old_rev > rev) {
		if ((st = store_open(db, STORE_OPEN, &cause)) == NULL ||
		    store_restart_revs(st, old_rev + 1, &cause) == -1) {
			fprintf(stderr, "samend restore: restored, but the rev "
			    "could not move on: %s; clients must sync with "
			    "--full\n", cause);
			free(cause);
			cause = NULL;
		} else
			printf("the rev moves on from %llu to %llu: every "
			    "client syncs again from the start\n",
			    (unsigned long long)rev,
			    (unsigned long long)old_rev + 1);
		store_close(st);
	}
	printf("restored %s into %s (%lld bytes, rev %llu); start samend "
	    "again\n", path, db, (long long)bytes, (unsigned long long)rev);
out:
	if (rv != 0) {
		fprintf(stderr, "samend restore: %s; nothing was changed\n",
		    cause ? cause : "failed");
		free(cause);
	}
	if (lock != -1)
		close(lock);
	free(db);
	return rv;
}
