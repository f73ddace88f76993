/*
 * Storage: SQLite in WAL mode with synchronous=FULL, so a write is on
 * disk before it is answered.  Every entity is one row keyed by (kind,
 * id), its body the packed protobuf Entity; the global rev lives in meta.
 * The schema moves forward through `migrations`, tracked by
 * PRAGMA user_version.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "samend.h"
#include "xmalloc.h"

#define STORE_CACHE	48

struct store {
	sqlite3		*db;
	char		*path;
	uint64_t	 rev;
	/* Prepared statements, keyed by their (literal) SQL's address. */
	struct {
		const char	*sql;
		sqlite3_stmt	*stmt;
	}		 cache[STORE_CACHE];
	size_t		 ncache;
	int		 last_error;	/* of the last failure */
	/* The reading handle's snapshot (store_read_begin). */
	int		 snap;		/* open */
	int		 readers;	/* begun and not yet ended */
	int		 stale;		/* to end once the readers are done */
	int		 snap_revs;	/* its rev and purged_rev are read
					   (cleared as it ends): */
	int64_t		 snap_rev, snap_purged;
	void		(*snap_cb)(void *);	/* told when one opens */
	void		*snap_arg;
	/* The writing handle: the reading handle each commit refreshes. */
	struct store	*reader;
	/*
	 * The hash of the last audit record, once read or written inside
	 * the write transaction that is open: another process may append
	 * between transactions, and a rollback takes records away.
	 */
	unsigned char	 audit_last[AUDIT_HASH_LEN];
	int		 audit_known;
	/*
	 * The ids of the municipalities, read once inside the write
	 * transaction that is open (validation looks one up for nearly
	 * every write), forgotten with the audit hash and at every write
	 * of a municipality.  Only a write transaction keeps them: on the
	 * reading handle nothing would forget them when another handle
	 * commits.
	 */
	char		**munis;
	size_t		 nmunis;
	int		 munis_known;
	int		 writing;	/* in a transaction that store_begin
					   or store_savepoint began */
};

/* Each entry brings the schema from version i to i + 1. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL);"
	"INSERT INTO meta (key, value) VALUES ('rev', 0);"
	"CREATE TABLE entity ("
	"  kind INTEGER NOT NULL,"
	"  id TEXT NOT NULL,"
	"  rev INTEGER NOT NULL,"
	"  body BLOB,"
	"  PRIMARY KEY (kind, id));"
	"CREATE INDEX entity_rev ON entity (rev);"
	"CREATE TABLE cert ("
	"  serial TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  municipality TEXT NOT NULL,"
	"  role TEXT NOT NULL,"
	"  not_before INTEGER NOT NULL,"
	"  not_after INTEGER NOT NULL,"
	"  revoked_at INTEGER NOT NULL DEFAULT 0);",
	/* 1 -> 2: tombstones with their time, id sequences, the audit log */
	"ALTER TABLE entity ADD COLUMN deleted_at INTEGER;"
	"INSERT INTO meta (key, value) VALUES ('purged_rev', 0);"
	"INSERT INTO meta (key, value) VALUES ('seq_A', 0);"
	"INSERT INTO meta (key, value) VALUES ('seq_M', 0);"
	"INSERT INTO meta (key, value) VALUES ('seq_H', 0);"
	"CREATE TABLE audit ("
	"  rev INTEGER PRIMARY KEY,"
	"  time INTEGER NOT NULL,"
	"  principal TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  id TEXT NOT NULL,"
	"  summary TEXT NOT NULL,"
	"  hash BLOB NOT NULL);",
	/* 2 -> 3: find old tombstones without walking every entity */
	"CREATE INDEX entity_tombstone ON entity (deleted_at) "
	"  WHERE body IS NULL;",
	/* 3 -> 4: committed plans, by key */
	"CREATE TABLE plan ("
	"  key TEXT PRIMARY KEY,"
	"  rev INTEGER NOT NULL,"
	"  proposal TEXT NOT NULL,"
	"  meetings TEXT NOT NULL);",
};

#define NMIGRATIONS	(sizeof(migrations) / sizeof(migrations[0]))

/* Sets *cause to "what: sqlite's message"; returns -1. */
static int
store_fail(struct store *st, char **cause, const char *what)
{
	st->last_error = sqlite3_errcode(st->db);
	xasprintf(cause, "%s: %s", what, sqlite3_errmsg(st->db));
	return -1;
}

/* True when the last failure was a full disk; forgets it. */
int
store_full(struct store *st)
{
	int full = st->last_error == SQLITE_FULL;

	st->last_error = 0;	/* asked once per failure */
	return full;
}

/* True inside a transaction (SQLite may end one itself on an error). */
int
store_in_transaction(struct store *st)
{
	return !sqlite3_get_autocommit(st->db);
}

/* Runs SQL without results. 0 or -1 with *cause. */
static int
store_exec(struct store *st, const char *sql, char **cause)
{
	char *err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		st->last_error = sqlite3_errcode(st->db);
		xasprintf(cause, "database: %s", err ? err : "error");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/*
 * The prepared statement for sql (a string literal: its address is the
 * key), from the cache or prepared now; hand it back with store_done.
 * NULL: *cause set.
 */
static sqlite3_stmt *
store_prepare(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt *stmt;
	size_t i;

	for (i = 0; i < st->ncache; i++) {
		if (st->cache[i].sql == sql)
			return st->cache[i].stmt;
	}
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_fail(st, cause, "database");
		return NULL;
	}
	if (st->ncache < STORE_CACHE) {
		st->cache[st->ncache].sql = sql;
		st->cache[st->ncache].stmt = stmt;
		st->ncache++;
	}
	return stmt;
}

/* Resets a statement from store_prepare for its next use. */
static void
store_done(struct store *st, sqlite3_stmt *stmt)
{
	size_t i;

	for (i = 0; i < st->ncache; i++) {
		if (st->cache[i].stmt == stmt) {
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			return;
		}
	}
	sqlite3_finalize(stmt);
}

/*
 * Runs one statement without results (a transaction's BEGIN, SAVEPOINT,
 * RELEASE, COMMIT...) from the cache of prepared statements: compiled
 * once, not for every request.  0, or -1 with *cause.
 */
static int
store_run(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_prepare(st, sql, cause)) == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		store_fail(st, cause, "database");
	store_done(st, stmt);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* The database file inside a state directory (allocated). */
char *
store_path(const char *state_dir)
{
	char *p;

	xasprintf(&p, "%s/%s", state_dir, SAMEND_DB_NAME);
	return p;
}

/* The schema version, refused when newer than this samend knows. */
static int
store_version(struct store *st, char **cause)
{
	sqlite3_stmt *stmt;
	int version;

	if ((stmt = store_prepare(st, "PRAGMA user_version", cause)) == NULL)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_done(st, stmt);
		return store_fail(st, cause, "reading schema version");
	}
	version = sqlite3_column_int(stmt, 0);
	store_done(st, stmt);
	if (version < 0 || (size_t)version > NMIGRATIONS) {
		xasprintf(cause, "database schema version %d is newer than "
		    "this samend (%zu); upgrade samend", version, NMIGRATIONS);
		return -1;
	}
	return version;
}

/* Brings the schema up to date, one migration per transaction. */
static int
store_migrate(struct store *st, char **cause)
{
	int version;
	char sql[64];

	if ((version = store_version(st, cause)) == -1)
		return -1;
	for (; (size_t)version < NMIGRATIONS; version++) {
		if (store_exec(st, "BEGIN IMMEDIATE", cause) == -1)
			return -1;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    version + 1);
		if (store_exec(st, migrations[version], cause) == -1 ||
		    store_exec(st, sql, cause) == -1) {
			store_exec(st, "ROLLBACK", cause);
			return -1;
		}
		if (store_exec(st, "COMMIT", cause) == -1)
			return -1;
		log_debug("database schema migrated to version %d",
		    version + 1);
	}
	return 0;
}

/* Reads the global rev from meta into st->rev. */
static int
store_load_rev(struct store *st, char **cause)
{
	sqlite3_stmt *stmt;

	stmt = store_prepare(st, "SELECT value FROM meta WHERE key = 'rev'",
	    cause);
	if (stmt == NULL)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_done(st, stmt);
		return store_fail(st, cause, "reading rev");
	}
	st->rev = (uint64_t)sqlite3_column_int64(stmt, 0);
	store_done(st, stmt);
	return 0;
}

/* Puts the database's path in front of *cause. */
static void
store_name_cause(const char *path, char **cause)
{
	char *c;

	xasprintf(&c, "%s: %s", path, *cause);
	free(*cause);
	*cause = c;
}

/*
 * Opens (with create: creates) the database at path, in WAL mode with
 * synchronous=FULL, and migrates it.  NULL: *cause says why.
 */
struct store *
store_open(const char *path, int create, char **cause)
{
	struct store *st;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (create == STORE_READONLY)
		flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
	else if (create)
		flags |= SQLITE_OPEN_CREATE;
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		if (st->db == NULL)
			xasprintf(cause, "%s: cannot open database", path);
		else if (!create &&
		    sqlite3_errcode(st->db) == SQLITE_CANTOPEN)
			xasprintf(cause, "%s: no database; run 'samend init' "
			    "first", path);
		else
			xasprintf(cause, "%s: %s", path,
			    sqlite3_errmsg(st->db));
		store_close(st);
		return NULL;
	}
	if (create == STORE_CREATE)
		chmod(path, 0600);
	sqlite3_busy_timeout(st->db, 5000);
	if (create == STORE_READONLY) {
		if (store_version(st, cause) == -1 ||
		    store_load_rev(st, cause) == -1) {
			store_name_cause(path, cause);
			store_close(st);
			return NULL;
		}
		return st;
	}
	if (store_exec(st, "PRAGMA journal_mode = WAL", cause) == -1 ||
	    store_exec(st, "PRAGMA synchronous = FULL", cause) == -1 ||
	    store_migrate(st, cause) == -1 ||
	    store_load_rev(st, cause) == -1) {
		store_name_cause(path, cause);
		store_close(st);
		return NULL;
	}
	return st;
}

/* Forgets the municipalities' ids read in the write transaction. */
static void
store_forget_munis(struct store *st)
{
	while (st->nmunis > 0)
		free(st->munis[--st->nmunis]);
	free(st->munis);
	st->munis = NULL;
	st->munis_known = 0;
}

/*
 * Forgets what was kept of the write transaction: at its begin and end,
 * and when a rollback takes part of it away.
 */
static void
store_forget(struct store *st)
{
	st->audit_known = 0;
	store_forget_munis(st);
}

/* The write transaction ended: nothing of it is kept. */
static void
store_ended(struct store *st)
{
	store_forget(st);
	st->writing = 0;
}

/* Closes the database. */
void
store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->db);
	store_forget_munis(st);
	free(st->path);
	free(st);
}

/* The global rev: the rev of the newest change. */
uint64_t
store_rev(struct store *st)
{
	return st->rev;
}

/* Bytes the database takes on disk (main file and WAL). */
int64_t
store_size(struct store *st)
{
	struct stat sb;
	int64_t n = 0;
	char *wal;

	if (stat(st->path, &sb) == 0)
		n += sb.st_size;
	xasprintf(&wal, "%s-wal", st->path);
	if (stat(wal, &sb) == 0)
		n += sb.st_size;
	free(wal);
	return n;
}

/* Starts a write transaction. */
int
store_begin(struct store *st, char **cause)
{
	store_forget(st);
	if (store_run(st, "BEGIN IMMEDIATE", cause) == -1)
		return -1;
	st->writing = 1;
	return 0;
}

/* Commits; the rev in meta is written with the changes. */
int
store_commit(struct store *st, char **cause)
{
	sqlite3_stmt *stmt;

	stmt = store_prepare(st, "UPDATE meta SET value = ? WHERE key = "
	    "'rev'", cause);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)st->rev);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		store_done(st, stmt);
		store_fail(st, cause, "writing rev");
		goto fail;
	}
	store_done(st, stmt);
	if (store_run(st, "COMMIT", cause) == -1)
		goto fail;
	store_ended(st);
	return 0;
fail:
	store_rollback(st);
	return -1;
}

/* Abandons the transaction and the revs it took. */
void
store_rollback(struct store *st)
{
	char *cause = NULL;

	store_ended(st);
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK", &cause);
	free(cause);
	if (store_load_rev(st, &cause) == -1) {
		log_warnx("%s", cause);
		free(cause);
	}
}

/*
 * Stores e under the next rev, inside the caller's transaction.  e->rev
 * is ignored; the stored copy carries the new rev, returned in *revp.
 * With packedp, the stored copy as packed (allocated, *lenp bytes) is
 * handed back too.
 */
int
store_put(struct store *st, const Samen__V1__Entity *e, uint64_t *revp,
    uint8_t **packedp, size_t *lenp, char **cause)
{
	Samen__V1__Entity copy = *e;
	sqlite3_stmt *stmt;
	uint8_t *buf;
	size_t len;
	int rc;

	copy.rev = st->rev + 1;
	len = samen__v1__entity__get_packed_size(&copy);
	buf = xmalloc(len ? len : 1);
	samen__v1__entity__pack(&copy, buf);
	/* An upsert changes the row in place (REPLACE would delete it and
	 * insert it again, with every index entry). */
	stmt = store_prepare(st, "INSERT INTO entity (kind, id, rev, body) "
	    "VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET "
	    "rev = excluded.rev, body = excluded.body, deleted_at = NULL",
	    cause);
	if (stmt == NULL) {
		free(buf);
		return -1;
	}
	sqlite3_bind_int(stmt, 1, (int)wire_entity_kind(e));
	sqlite3_bind_text(stmt, 2, e->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)copy.rev);
	sqlite3_bind_blob(stmt, 4, buf, (int)len, SQLITE_STATIC);
	if (wire_entity_kind(e) == SAMEN__V1__KIND__MUNICIPALITY)
		store_forget_munis(st);
	rc = sqlite3_step(stmt);
	store_done(st, stmt);
	if (rc != SQLITE_DONE) {
		free(buf);
		return store_fail(st, cause, "storing");
	}
	st->rev = copy.rev;
	if (revp != NULL)
		*revp = copy.rev;
	if (packedp != NULL) {
		*packedp = buf;
		*lenp = len;
	} else
		free(buf);
	return 0;
}

/*
 * The entity of that kind and id; free it with
 * samen__v1__entity__free_unpacked.  NULL and *cause NULL: no such
 * entity; NULL and *cause set: an error.
 */
Samen__V1__Entity *
store_get(struct store *st, Samen__V1__Kind kind, const char *id,
    char **cause)
{
	sqlite3_stmt *stmt;
	Samen__V1__Entity *e = NULL;
	int rc;

	*cause = NULL;
	stmt = store_prepare(st, "SELECT body FROM entity WHERE kind = ? "
	    "AND id = ? AND body IS NOT NULL", cause);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int(stmt, 1, (int)kind);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		e = samen__v1__entity__unpack(NULL,
		    (size_t)sqlite3_column_bytes(stmt, 0),
		    sqlite3_column_blob(stmt, 0));
		if (e == NULL)
			xasprintf(cause, "database: entity %s does not "
			    "unpack", id);
	} else if (rc != SQLITE_DONE)
		store_fail(st, cause, "reading");
	store_done(st, stmt);
	return e;
}

/*
 * Whether the municipality id exists, inside a write transaction: from
 * the ids read at its first lookup in the transaction.  1, 0, or -1
 * with *cause set.
 */
static int
store_muni_exists(struct store *st, const char *id, char **cause)
{
	sqlite3_stmt *stmt;
	const char *m;
	size_t i, cap = 0;
	int rc;

	if (!st->munis_known) {
		stmt = store_prepare(st, "SELECT id FROM entity WHERE kind = ? "
		    "AND body IS NOT NULL", cause);
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int(stmt, 1, SAMEN__V1__KIND__MUNICIPALITY);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			if ((m = (const char *)sqlite3_column_text(stmt,
			    0)) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			if (st->nmunis == cap) {
				cap = cap ? cap * 2 : 16;
				st->munis = xreallocarray(st->munis, cap,
				    sizeof(*st->munis));
			}
			st->munis[st->nmunis++] = xstrdup(m);
		}
		if (rc != SQLITE_DONE)
			store_fail(st, cause, "reading");
		store_done(st, stmt);
		if (rc != SQLITE_DONE) {
			store_forget_munis(st);
			return -1;
		}
		st->munis_known = 1;
	}
	for (i = 0; i < st->nmunis; i++) {
		if (strcmp(st->munis[i], id) == 0)
			return 1;
	}
	return 0;
}

/*
 * Whether a live entity of that kind and id exists, without reading it:
 * 1, 0, or -1 with *cause set.
 */
int
store_exists(struct store *st, Samen__V1__Kind kind, const char *id,
    char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	*cause = NULL;
	if (kind == SAMEN__V1__KIND__MUNICIPALITY && st->writing &&
	    !sqlite3_get_autocommit(st->db))
		return store_muni_exists(st, id, cause);
	stmt = store_prepare(st, "SELECT 1 FROM entity WHERE kind = ? "
	    "AND id = ? AND body IS NOT NULL", cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int(stmt, 1, (int)kind);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_fail(st, cause, "reading");
	store_done(st, stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Records an issued certificate. */
int
store_cert_add(struct store *st, const struct cert_record *r, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_prepare(st, "INSERT INTO cert (serial, name, "
	    "municipality, role, not_before, not_after) VALUES "
	    "(?, ?, ?, ?, ?, ?)", cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, r->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, r->municipality, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, r->role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, r->not_before);
	sqlite3_bind_int64(stmt, 6, r->not_after);
	rc = sqlite3_step(stmt);
	store_done(st, stmt);
	if (rc != SQLITE_DONE)
		return store_fail(st, cause, "recording the certificate");
	return 0;
}

/*
 * Marks every unrevoked certificate issued to name (CN) as revoked at
 * when; *n is how many.
 */
int
store_cert_revoke(struct store *st, const char *name, int64_t when, int *n,
    char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_prepare(st, "UPDATE cert SET revoked_at = ? WHERE "
	    "name = ? AND revoked_at = 0", cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, when);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	store_done(st, stmt);
	if (rc != SQLITE_DONE)
		return store_fail(st, cause, "revoking");
	*n = sqlite3_changes(st->db);
	return 0;
}

/* Every issued certificate, oldest first; free with store_cert_free. */
int
store_cert_list(struct store *st, struct cert_record **out, size_t *n,
    char **cause)
{
	sqlite3_stmt *stmt;
	struct cert_record *v = NULL, *r;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	stmt = store_prepare(st, "SELECT serial, name, municipality, role, "
	    "not_before, not_after, revoked_at FROM cert ORDER BY rowid",
	    cause);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		r = &v[(*n)++];
		r->serial = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		r->name = xstrdup((const char *)sqlite3_column_text(stmt, 1));
		r->municipality =
		    xstrdup((const char *)sqlite3_column_text(stmt, 2));
		r->role = xstrdup((const char *)sqlite3_column_text(stmt, 3));
		r->not_before = sqlite3_column_int64(stmt, 4);
		r->not_after = sqlite3_column_int64(stmt, 5);
		r->revoked_at = sqlite3_column_int64(stmt, 6);
	}
	store_done(st, stmt);
	*out = v;
	if (rc != SQLITE_DONE) {
		store_cert_free(v, *n);
		*out = NULL;
		*n = 0;
		return store_fail(st, cause, "listing certificates");
	}
	return 0;
}

/* Frees a list from store_cert_list. */
void
store_cert_free(struct cert_record *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].serial);
		free(v[i].name);
		free(v[i].municipality);
		free(v[i].role);
	}
	free(v);
}

/* ---- changes, tombstones, sequences ------------------------------------ */

/* A meta value. */
int
store_meta_get(struct store *st, const char *key, int64_t *v, char **cause)
{
	sqlite3_stmt *stmt;

	stmt = store_prepare(st, "SELECT value FROM meta WHERE key = ?",
	    cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_done(st, stmt);
		return store_fail(st, cause, "reading meta");
	}
	*v = sqlite3_column_int64(stmt, 0);
	store_done(st, stmt);
	return 0;
}

/* Sets a meta value, inside the caller's transaction. */
static int
store_meta_set(struct store *st, const char *key, int64_t v, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_prepare(st, "UPDATE meta SET value = ? WHERE key = ?",
	    cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, v);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	store_done(st, stmt);
	if (rc != SQLITE_DONE)
		return store_fail(st, cause, "writing meta");
	return 0;
}

/* The next number of an id sequence ('A', 'M', 'H'); never reused. */
int
store_next_seq(struct store *st, char letter, int64_t *n, char **cause)
{
	char key[8];

	snprintf(key, sizeof(key), "seq_%c", letter);
	if (store_meta_get(st, key, n, cause) == -1)
		return -1;
	(*n)++;
	return store_meta_set(st, key, *n, cause);
}

/* Marks a savepoint; store_savepoint_end releases or rolls back to it. */
int
store_savepoint(struct store *st, uint64_t *mark, char **cause)
{
	int begins = sqlite3_get_autocommit(st->db);

	*mark = st->rev;
	/* Outside a transaction a SAVEPOINT begins one of its own. */
	if (begins)
		store_forget(st);
	if (store_run(st, "SAVEPOINT request", cause) == -1)
		return -1;
	if (begins)
		st->writing = 1;
	return 0;
}

/* Ends a savepoint: keep its work, or undo it (and the revs it took). */
void
store_savepoint_end(struct store *st, uint64_t mark, int keep)
{
	char *cause = NULL;

	if (!keep) {
		store_forget(st);
		if (store_run(st, "ROLLBACK TO request", &cause) == -1) {
			log_warnx("%s", cause);
			free(cause);
			cause = NULL;
		}
		st->rev = mark;
	}
	if (store_run(st, "RELEASE request", &cause) == -1) {
		log_warnx("%s", cause);
		free(cause);
	}
	/* Released, the savepoint that began a transaction commits it. */
	if (sqlite3_get_autocommit(st->db))
		store_ended(st);
}

/*
 * Deletes the entity, leaving a tombstone under the next rev (in the
 * caller's transaction).  *revp: that rev.  -1 with *cause NULL: there
 * is no such live entity.
 */
int
store_delete(struct store *st, Samen__V1__Kind kind, const char *id,
    int64_t now, uint64_t *revp, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	*cause = NULL;
	stmt = store_prepare(st, "UPDATE entity SET body = NULL, rev = ?, "
	    "deleted_at = ? WHERE kind = ? AND id = ? AND body IS NOT NULL",
	    cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)(st->rev + 1));
	sqlite3_bind_int64(stmt, 2, now);
	sqlite3_bind_int(stmt, 3, (int)kind);
	sqlite3_bind_text(stmt, 4, id, -1, SQLITE_STATIC);
	if (kind == SAMEN__V1__KIND__MUNICIPALITY)
		store_forget_munis(st);
	rc = sqlite3_step(stmt);
	store_done(st, stmt);
	if (rc != SQLITE_DONE)
		return store_fail(st, cause, "deleting");
	if (sqlite3_changes(st->db) == 0)
		return -1;
	st->rev++;
	*revp = st->rev;
	return 0;
}

/*
 * Forgets tombstones deleted before `before`; the highest rev forgotten
 * becomes purged_rev, below which a sync must start again from 0.
 */
int
store_purge_tombstones(struct store *st, int64_t before, char **cause)
{
	sqlite3_stmt *stmt;
	int64_t maxrev = 0, purged;
	int rc;

	/* max(+rev): the unary plus keeps SQLite from walking entity_rev
	 * (every entity) and sends it to the partial tombstone index. */
	stmt = store_prepare(st, "SELECT max(+rev) FROM entity WHERE body IS "
	    "NULL AND deleted_at < ?", cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, before);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		maxrev = sqlite3_column_int64(stmt, 0);
	store_done(st, stmt);
	if (maxrev == 0)
		return 0;
	stmt = store_prepare(st, "DELETE FROM entity WHERE body IS NULL AND "
	    "deleted_at < ?", cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, before);
	rc = sqlite3_step(stmt);
	store_done(st, stmt);
	if (rc != SQLITE_DONE)
		return store_fail(st, cause, "purging tombstones");
	if (store_meta_get(st, "purged_rev", &purged, cause) == -1)
		return -1;
	if (maxrev > purged)
		return store_meta_set(st, "purged_rev", maxrev, cause);
	return 0;
}

/*
 * Reads on the reading handle share one snapshot until the writing
 * handle commits or the turn of the loop ends (store_read_release), so
 * a turn's syncs take SQLite's read locks once, not each.  A snapshot
 * never outlives a commit: a client whose write was answered reads it.
 */
int
store_read_begin(struct store *st, char **cause)
{
	if (!st->snap) {
		store_ended(st);	/* a read is no write transaction */
		if (store_run(st, "BEGIN", cause) == -1)
			return -1;
		st->snap = 1;
		if (st->snap_cb != NULL)
			st->snap_cb(st->snap_arg);
	}
	st->readers++;
	return 0;
}

/*
 * The rev and purged_rev a reader sees (after store_read_begin), read
 * once per snapshot: they cannot change inside it.  Read anew when an
 * error has ended the transaction under the snapshot.
 */
int
store_read_revs(struct store *st, int64_t *rev, int64_t *purged,
    char **cause)
{
	int open = st->snap && !sqlite3_get_autocommit(st->db);

	if (!open || !st->snap_revs) {
		if (store_meta_get(st, "rev", &st->snap_rev, cause) == -1 ||
		    store_meta_get(st, "purged_rev", &st->snap_purged,
		    cause) == -1)
			return -1;
		st->snap_revs = open;
	}
	*rev = st->snap_rev;
	*purged = st->snap_purged;
	return 0;
}

/* One read is done; the snapshot stays for the next. */
void
store_read_end(struct store *st)
{
	if (st->readers > 0)
		st->readers--;
	if (st->stale && st->readers == 0)
		store_read_release(st);
}

/* Ends the shared snapshot, or once its readers are done. */
void
store_read_release(struct store *st)
{
	char *cause = NULL;

	if (!st->snap)
		return;
	if (st->readers > 0) {
		st->stale = 1;
		return;
	}
	st->snap = 0;
	st->stale = 0;
	st->snap_revs = 0;
	/* An error inside may have rolled the transaction back already. */
	if (!sqlite3_get_autocommit(st->db) &&
	    store_run(st, "COMMIT", &cause) == -1) {
		log_warnx("%s", cause);
		free(cause);
		store_rollback(st);	/* no read may stay on it */
	}
}

/* SQLite calls this before each commit of the writing handle. */
static int
store_commit_hook(void *arg)
{
	struct store *w = arg;

	store_read_release(w->reader);
	return 0;		/* the commit goes on */
}

/*
 * Ties the reading handle r to the writing handle w: each commit on w
 * ends r's snapshot; cb(arg) is called when r opens one (the server
 * ends it with the turn).  r NULL unties.
 */
void
store_link_reader(struct store *w, struct store *r, void (*cb)(void *),
    void *arg)
{
	w->reader = r;
	sqlite3_commit_hook(w->db, r != NULL ? store_commit_hook : NULL, w);
	if (r != NULL) {
		r->snap_cb = cb;
		r->snap_arg = arg;
	}
}

/* Unpacks a row into a Change (entity or tombstone). */
static Samen__V1__Change *
store_row_change(const struct store_row *r, char **cause)
{
	Samen__V1__Change *ch;
	Samen__V1__Tombstone *t;

	ch = xmalloc(sizeof(*ch));
	samen__v1__change__init(ch);
	ch->rev = r->rev;
	if (r->body == NULL) {
		t = xmalloc(sizeof(*t));
		samen__v1__tombstone__init(t);
		t->kind = (Samen__V1__Kind)r->kind;
		t->id = xstrdup(r->id);
		ch->body_case = SAMEN__V1__CHANGE__BODY_DELETED;
		ch->deleted = t;
		return ch;
	}
	ch->entity = samen__v1__entity__unpack(NULL, r->len, r->body);
	if (ch->entity == NULL) {
		xasprintf(cause, "database: entity %s does not unpack", r->id);
		free(ch);
		return NULL;
	}
	ch->body_case = SAMEN__V1__CHANGE__BODY_ENTITY;
	return ch;
}

/* Frees a Change made by store_changes. */
void
store_change_free(Samen__V1__Change *ch)
{
	if (ch == NULL)
		return;
	if (ch->body_case == SAMEN__V1__CHANGE__BODY_ENTITY)
		samen__v1__entity__free_unpacked(ch->entity, NULL);
	else if (ch->body_case == SAMEN__V1__CHANGE__BODY_DELETED) {
		free(ch->deleted->id);
		free(ch->deleted);
	}
	free(ch);
}

/*
 * Hands fn, in rev order, up to limit rows changed after since: an
 * entity's stored bytes, or a tombstone (body NULL).  *n: the rows
 * handed; *more: another follows.  fn returns -1 (and sets *cause) to
 * stop; then, or on a database error, -1.
 */
int
store_changes_each(struct store *st, uint64_t since, size_t limit,
    int (*fn)(void *, const struct store_row *, char **), void *arg,
    size_t *n, int *more, char **cause)
{
	sqlite3_stmt *stmt;
	struct store_row r;
	int rc;

	*n = 0;
	*more = 0;
	*cause = NULL;
	stmt = store_prepare(st, "SELECT kind, id, rev, body FROM entity "
	    "WHERE rev > ? ORDER BY rev LIMIT ?", cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, since > INT64_MAX ? INT64_MAX :
	    (sqlite3_int64)since);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)limit + 1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == limit) {
			*more = 1;
			break;
		}
		r.kind = sqlite3_column_int(stmt, 0);
		r.id = (const char *)sqlite3_column_text(stmt, 1);
		r.rev = (uint64_t)sqlite3_column_int64(stmt, 2);
		r.body = sqlite3_column_type(stmt, 3) == SQLITE_NULL ? NULL :
		    sqlite3_column_blob(stmt, 3);
		r.len = (size_t)sqlite3_column_bytes(stmt, 3);
		if (r.id == NULL)
			r.id = "";
		if (r.body == NULL && sqlite3_column_type(stmt, 3) !=
		    SQLITE_NULL)
			r.body = "";		/* an empty entity */
		if (fn(arg, &r, cause) == -1) {
			rc = SQLITE_ERROR;
			break;
		}
		(*n)++;
	}
	store_done(st, stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		if (*cause == NULL)
			store_fail(st, cause, "reading changes");
		return -1;
	}
	return 0;
}

struct store_collect {
	Samen__V1__Change	**v;
	size_t			 n;
};

static int
store_collect_row(void *arg, const struct store_row *r, char **cause)
{
	struct store_collect *c = arg;

	if ((c->v[c->n] = store_row_change(r, cause)) == NULL)
		return -1;
	c->n++;
	return 0;
}

/*
 * Up to limit changes with rev > since, in rev order.  *more: another
 * change follows.  Free each with store_change_free, then the array.
 */
int
store_changes(struct store *st, uint64_t since, size_t limit,
    Samen__V1__Change ***out, size_t *n, int *more, char **cause)
{
	struct store_collect c;

	*out = NULL;
	c.v = xcalloc(limit + 1, sizeof(*c.v));
	c.n = 0;
	if (store_changes_each(st, since, limit, store_collect_row, &c, n,
	    more, cause) == -1) {
		while (c.n > 0)
			store_change_free(c.v[--c.n]);
		free(c.v);
		*n = 0;
		return -1;
	}
	*out = c.v;
	return 0;
}

/* Every live entity of a kind, ordered by id.  Free with store_list_free. */
int
store_list(struct store *st, Samen__V1__Kind kind, Samen__V1__Entity ***out,
    size_t *n, char **cause)
{
	sqlite3_stmt *stmt;
	Samen__V1__Entity **v = NULL, *e;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	stmt = store_prepare(st, "SELECT body FROM entity WHERE kind = ? AND "
	    "body IS NOT NULL ORDER BY id", cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int(stmt, 1, (int)kind);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		e = samen__v1__entity__unpack(NULL,
		    (size_t)sqlite3_column_bytes(stmt, 0),
		    sqlite3_column_blob(stmt, 0));
		if (e == NULL)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[(*n)++] = e;
	}
	store_done(st, stmt);
	*out = v;
	if (rc != SQLITE_DONE) {
		store_list_free(v, *n);
		*out = NULL;
		*n = 0;
		return store_fail(st, cause, "listing");
	}
	return 0;
}

/* Frees a list from store_list. */
void
store_list_free(Samen__V1__Entity **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		samen__v1__entity__free_unpacked(v[i], NULL);
	free(v);
}

/* ---- audit ------------------------------------------------------------- */

/*
 * Appends the audit record of change rev, chained to the newest record
 * before it (in the caller's transaction).
 */
int
store_audit_add(struct store *st, const struct audit_record *r, char **cause)
{
	sqlite3_stmt *stmt;
	unsigned char prev[AUDIT_HASH_LEN], hash[AUDIT_HASH_LEN];
	int rc;

	if (st->audit_known && !sqlite3_get_autocommit(st->db))
		memcpy(prev, st->audit_last, AUDIT_HASH_LEN);
	else {
		memset(prev, 0, sizeof(prev));
		stmt = store_prepare(st, "SELECT hash FROM audit ORDER BY rev "
		    "DESC LIMIT 1", cause);
		if (stmt == NULL)
			return -1;
		if (sqlite3_step(stmt) == SQLITE_ROW &&
		    sqlite3_column_bytes(stmt, 0) == AUDIT_HASH_LEN)
			memcpy(prev, sqlite3_column_blob(stmt, 0),
			    AUDIT_HASH_LEN);
		store_done(st, stmt);
	}
	st->audit_known = 0;
	audit_hash(prev, r, hash);
	stmt = store_prepare(st, "INSERT INTO audit (rev, time, principal, "
	    "action, kind, id, summary, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)r->rev);
	sqlite3_bind_int64(stmt, 2, r->time);
	sqlite3_bind_text(stmt, 3, r->principal, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 5, r->kind);
	sqlite3_bind_text(stmt, 6, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, r->summary, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 8, hash, AUDIT_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	store_done(st, stmt);
	if (rc != SQLITE_DONE)
		return store_fail(st, cause, "writing the audit log");
	memcpy(st->audit_last, hash, AUDIT_HASH_LEN);
	st->audit_known = !sqlite3_get_autocommit(st->db);
	return 0;
}

/*
 * Calls fn for each audit record with rev > since, in rev order, at most
 * limit (0: all) of them; fn returns 0 to go on, 1 to stop.  *more: rows
 * were left.
 */
int
store_audit_each(struct store *st, uint64_t since, size_t limit,
    int (*fn)(const struct audit_record *, const unsigned char *, void *),
    void *arg, int *more, char **cause)
{
	sqlite3_stmt *stmt;
	struct audit_record r;
	size_t n = 0;
	int rc;

	*more = 0;
	stmt = store_prepare(st, "SELECT rev, time, principal, action, kind, "
	    "id, summary, hash FROM audit WHERE rev > ? ORDER BY rev", cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, since > INT64_MAX ? INT64_MAX :
	    (sqlite3_int64)since);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (limit != 0 && n == limit) {
			*more = 1;
			break;
		}
		r.rev = (uint64_t)sqlite3_column_int64(stmt, 0);
		r.time = sqlite3_column_int64(stmt, 1);
		r.principal = (const char *)sqlite3_column_text(stmt, 2);
		r.action = (const char *)sqlite3_column_text(stmt, 3);
		r.kind = sqlite3_column_int(stmt, 4);
		r.id = (const char *)sqlite3_column_text(stmt, 5);
		r.summary = (const char *)sqlite3_column_text(stmt, 6);
		n++;
		if (fn(&r, sqlite3_column_bytes(stmt, 7) == AUDIT_HASH_LEN ?
		    sqlite3_column_blob(stmt, 7) : NULL, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	store_done(st, stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, cause, "reading the audit log");
	return 0;
}

/*
 * The committed plan under key: its proposal and meeting ids (freed by
 * the caller) and the rev it was stored at.  1 found, 0 not, -1 error.
 */
int
store_plan_get(struct store *st, const char *key, char **proposal,
    char **meetings, uint64_t *rev, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_prepare(st, "SELECT rev, proposal, meetings FROM plan "
	    "WHERE key = ?", cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*rev = (uint64_t)sqlite3_column_int64(stmt, 0);
		*proposal = xstrdup((const char *)sqlite3_column_text(stmt, 1));
		*meetings = xstrdup((const char *)sqlite3_column_text(stmt, 2));
	}
	store_done(st, stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return store_fail(st, cause, "reading a plan");
	return 0;
}

/* Records a committed plan, inside the caller's transaction. */
int
store_plan_add(struct store *st, const char *key, uint64_t rev,
    const char *proposal, const char *meetings, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_prepare(st, "INSERT INTO plan (key, rev, proposal, "
	    "meetings) VALUES (?, ?, ?, ?)", cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (int64_t)rev);
	sqlite3_bind_text(stmt, 3, proposal, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, meetings, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	store_done(st, stmt);
	if (rc != SQLITE_DONE)
		return store_fail(st, cause, "recording the plan");
	return 0;
}

/* fsync of a file or directory by path. */
static int
store_sync_path(const char *path, int dir)
{
	int fd, rc;

	fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The directory part of path, for an fsync after a rename. */
static void
store_dirname(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

/*
 * Copies the committed database into a new file at path (mode 0600; an
 * existing file is refused) with SQLite's online backup API, in one read
 * transaction: a consistent copy while writes go on.  The copy is one
 * self-contained file (rollback journal mode), on disk when this returns.
 * *rev and *bytes describe it.  -1: *cause (the partial copy is removed).
 */
int
store_backup(struct store *st, const char *path, uint64_t *rev,
    int64_t *bytes, char **cause)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	sqlite3_stmt *stmt;
	struct stat sb;
	char dir[4096];
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		goto fail;
	if ((b = sqlite3_backup_init(dst, "main", st->db, "main")) == NULL)
		goto fail;
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE ||
	    sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(dst, "SELECT value FROM meta WHERE key = 'rev'",
	    -1, &stmt, NULL) != SQLITE_OK)
		goto fail;
	rc = sqlite3_step(stmt);
	*rev = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		goto fail;
	sqlite3_close(dst);
	dst = NULL;
	store_dirname(path, dir, sizeof(dir));
	if (store_sync_path(path, 0) == -1 || store_sync_path(dir, 1) == -1 ||
	    stat(path, &sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	*bytes = (int64_t)sb.st_size;
	return 0;
fail:
	xasprintf(cause, "%s: backup failed: %s", path,
	    dst != NULL ? sqlite3_errmsg(dst) : "cannot open");
	sqlite3_close(dst);
	unlink(path);
	return -1;
}

/* PRAGMA integrity_check: 0 when "ok", else -1 with its first line. */
int
store_integrity(struct store *st, char **cause)
{
	sqlite3_stmt *stmt;
	const char *r;
	int rc = -1;

	stmt = store_prepare(st, "PRAGMA integrity_check", cause);
	if (stmt == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		r = (const char *)sqlite3_column_text(stmt, 0);
		if (r != NULL && strcmp(r, "ok") == 0)
			rc = 0;
		else
			xasprintf(cause, "integrity check: %s", r ? r : "?");
	} else
		store_fail(st, cause, "integrity check");
	store_done(st, stmt);
	return rc;
}

/* Writes the WAL back into the database file and empties it. */
int
store_checkpoint(struct store *st, char **cause)
{
	return store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", cause);
}

/*
 * After a restore: moves the rev on to rev, past everything clients of
 * the replaced database may have seen, and marks every change before it
 * forgotten, so that each client syncs again from the start.
 */
int
store_restart_revs(struct store *st, uint64_t rev, char **cause)
{
	if (store_begin(st, cause) == -1)
		return -1;
	if (store_meta_set(st, "purged_rev", (int64_t)rev, cause) == -1) {
		store_rollback(st);
		return -1;
	}
	st->rev = rev;
	return store_commit(st, cause);
}
