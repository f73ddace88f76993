/*
 * The local mirror: one SQLite file per server holding every entity as
 * the daemon last sent it (packed Entity), the rev it is current to and
 * when it last synced.  Read commands sync it first and answer from it,
 * so that they still answer, from the copy, when the daemon is out of
 * reach.  It is a cache: a mirror of another schema version is dropped
 * and filled again.
 *
 * Ordering: each sync page is applied in one transaction together with
 * the new rev, so the file always holds a prefix of the daemon's history
 * and a sync interrupted anywhere resumes from where it stopped.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "samen.h"
#include "xmalloc.h"

#define MIRROR_SCHEMA		1
#define MIRROR_BUSY_MS		5000

struct mirror {
	sqlite3		*db;
	char		*path;
	uint64_t	 rev;		/* the daemon's rev the copy is at */
	int64_t		 synced_at;	/* last whole sync, UTC; 0: never */
	int		 resynced;	/* the last sync started again from 0 */
	int		 damaged;	/* the file is not a (sound) database */
	sqlite3_stmt	*put;
	sqlite3_stmt	*del;
};

static const char mirror_schema[] =
	"CREATE TABLE entity ("
	"  kind INTEGER NOT NULL,"
	"  id TEXT NOT NULL,"
	"  rev INTEGER NOT NULL,"
	"  body BLOB NOT NULL,"
	"  PRIMARY KEY (kind, id));"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value);"
	"INSERT INTO meta VALUES ('rev', 0), ('synced_at', 0);";

/* Sets *cause to "what: SQLite's message"; returns -1. */
static int
mirror_fail(struct mirror *m, const char *what, char **cause)
{
	xasprintf(cause, "local copy %s: %s: %s", m->path, what,
	    sqlite3_errmsg(m->db));
	return -1;
}

/* Runs SQL without results. 0 or -1 with *cause. */
static int
mirror_exec(struct mirror *m, const char *sql, char **cause)
{
	char *err = NULL;

	if (sqlite3_exec(m->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		xasprintf(cause, "local copy %s: %s", m->path,
		    err != NULL ? err : sqlite3_errmsg(m->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* Reads one integer of the meta table; 0 when absent. */
static int64_t
mirror_meta_get(struct mirror *m, const char *key)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(m->db, "SELECT value FROM meta WHERE key = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Writes one integer of the meta table. 0 or -1 with *cause. */
static int
mirror_meta_set(struct mirror *m, const char *key, int64_t v, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(m->db, "INSERT OR REPLACE INTO meta(key, value)"
	    " VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
		return mirror_fail(m, "prepare", cause);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return mirror_fail(m, "write", cause);
	return 0;
}

/*
 * Creates the schema, or drops a mirror of another version and creates
 * it again. 0 or -1 with *cause.
 */
static int
mirror_schema_check(struct mirror *m, char **cause)
{
	sqlite3_stmt *st;
	int version = 0, rc;
	char *sql;

	if (sqlite3_prepare_v2(m->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		return mirror_fail(m, "read", cause);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		version = sqlite3_column_int(st, 0);
		break;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		m->damaged = 1;
		break;
	default:
		break;
	}
	sqlite3_finalize(st);
	if (m->damaged)
		return mirror_fail(m, "read", cause);
	if (version == MIRROR_SCHEMA)
		return 0;
	xasprintf(&sql, "BEGIN IMMEDIATE;"
	    "DROP TABLE IF EXISTS entity;"
	    "DROP TABLE IF EXISTS meta;"
	    "%s"
	    "PRAGMA user_version = %d;"
	    "COMMIT;", mirror_schema, MIRROR_SCHEMA);
	if (mirror_exec(m, sql, cause) == -1) {
		free(sql);
		rc = sqlite3_errcode(m->db);
		m->damaged = rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT;
		sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	free(sql);
	return 0;
}

/*
 * The mirror's file for the configured server (free it): beside a
 * configuration named by --config or $SAMEN_CONFIG as
 * mirror-HOST_PORT.db, else in $XDG_CACHE_HOME/samen or ~/.cache/samen
 * as HOST_PORT.db.  NULL: *cause says why.
 */
static char *
mirror_path(struct client *c, char **cause)
{
	const char *env, *home, *s;
	char *name, *p, *copy, *dir, *path;

	/* HOST:PORT, [V6]:PORT: brackets go, anything else odd becomes _ */
	name = xmalloc(strlen(c->conf.server) + 1);
	for (s = c->conf.server, p = name; *s != '\0'; s++) {
		if (*s == '[' || *s == ']')
			continue;
		*p++ = isalnum((unsigned char)*s) || *s == '.' || *s == '-' ?
		    *s : '_';
	}
	*p = '\0';

	env = getenv("SAMEN_CONFIG");
	if (c->config_path != NULL || (env != NULL && *env != '\0')) {
		copy = xstrdup(c->conf.path);
		dir = dirname(copy);
		xasprintf(&path, "%s/mirror-%s.db", dir, name);
		free(copy);
		free(name);
		return path;
	}
	if ((env = getenv("XDG_CACHE_HOME")) != NULL && *env == '/')
		xasprintf(&dir, "%s/samen", env);
	else {
		if ((home = getenv("HOME")) == NULL || *home == '\0')
			home = ".";
		xasprintf(&dir, "%s/.cache/samen", home);
	}
	if (wire_mkdir_p(dir, cause) == -1) {
		free(dir);
		free(name);
		return NULL;
	}
	xasprintf(&path, "%s/%s.db", dir, name);
	free(dir);
	free(name);
	return path;
}

/* Removes a mirror file with its WAL and shared-memory files. */
static void
mirror_unlink(const char *path)
{
	char *p;

	unlink(path);
	xasprintf(&p, "%s-wal", path);
	unlink(p);
	free(p);
	xasprintf(&p, "%s-shm", path);
	unlink(p);
	free(p);
}

/*
 * Opens (creating) the mirror at path.  A file that is not a database,
 * or a damaged one, is only a cache: it is removed and made anew.  0 or
 * -1 with *cause.
 */
static int
mirror_open_path(const char *path, struct mirror **mp, char **cause)
{
	struct mirror *m;
	int mem = strcmp(path, ":memory:") == 0, again = !mem, damaged;

retry:
	m = xcalloc(1, sizeof(*m));
	m->path = xstrdup(path);
	if (sqlite3_open_v2(path, &m->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		mirror_fail(m, "open", cause);
		goto fail;
	}
	if (!mem)
		chmod(path, 0600);
	sqlite3_busy_timeout(m->db, MIRROR_BUSY_MS);
	/* A watch may write while another samen reads: WAL lets both. */
	if (!mem)
		sqlite3_exec(m->db, "PRAGMA journal_mode = WAL", NULL, NULL,
		    NULL);
	/* A cache: losing the last commits to a power cut costs a sync. */
	sqlite3_exec(m->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	if (mirror_schema_check(m, cause) == -1)
		goto fail;
	if (sqlite3_prepare_v2(m->db, "INSERT OR REPLACE INTO entity(kind, "
	    "id, rev, body) VALUES (?, ?, ?, ?)", -1, &m->put, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(m->db, "DELETE FROM entity WHERE "
	    "kind = ? AND id = ?", -1, &m->del, NULL) != SQLITE_OK) {
		mirror_fail(m, "prepare", cause);
		goto fail;
	}
	m->rev = (uint64_t)mirror_meta_get(m, "rev");
	m->synced_at = mirror_meta_get(m, "synced_at");
	*mp = m;
	return 0;
fail:
	damaged = m->damaged || (m->db != NULL &&
	    (sqlite3_errcode(m->db) == SQLITE_NOTADB ||
	    sqlite3_errcode(m->db) == SQLITE_CORRUPT));
	mirror_close(m);
	*mp = NULL;
	if (again && damaged) {
		free(*cause);
		*cause = NULL;
		mirror_unlink(path);
		again = 0;
		goto retry;
	}
	return -1;
}

/*
 * Opens the mirror of the configured server (reading the configuration
 * if needed). 0: *mp set; -1: *cause says why.
 */
int
mirror_open(struct client *c, struct mirror **mp, char **cause)
{
	char *path;
	int rv;

	*mp = NULL;
	if (conf_load(c, cause) == -1)
		return -1;
	if ((path = mirror_path(c, cause)) == NULL)
		return -1;
	rv = mirror_open_path(path, mp, cause);
	free(path);
	return rv;
}

/* Closes the mirror. */
void
mirror_close(struct mirror *m)
{
	if (m == NULL)
		return;
	sqlite3_finalize(m->put);
	sqlite3_finalize(m->del);
	sqlite3_close(m->db);
	free(m->path);
	free(m);
}

/* The daemon's rev the mirror is current to. */
uint64_t
mirror_rev(const struct mirror *m)
{
	return m->rev;
}

/* When the mirror last synced completely (UTC seconds; 0: never). */
int64_t
mirror_synced_at(const struct mirror *m)
{
	return m->synced_at;
}

/* True when the last mirror_sync had to start again from 0. */
int
mirror_resynced(const struct mirror *m)
{
	return m->resynced;
}

/*
 * Applies one change inside the caller's transaction: stores the entity
 * or removes what the tombstone names. 0 or -1 with *cause.
 */
static int
mirror_apply_one(struct mirror *m, const Samen__V1__Change *ch, char **cause)
{
	const Samen__V1__Entity *e;
	Samen__V1__Kind kind;
	uint8_t *buf;
	size_t len;
	int rc;

	switch (ch->body_case) {
	case SAMEN__V1__CHANGE__BODY_ENTITY:
		e = ch->entity;
		/* A kind this client does not know: nothing to keep. */
		kind = wire_entity_kind(e);
		if (kind == SAMEN__V1__KIND__KIND_UNSPECIFIED)
			return 0;
		len = samen__v1__entity__get_packed_size(e);
		buf = xmalloc(len ? len : 1);
		samen__v1__entity__pack(e, buf);
		sqlite3_reset(m->put);
		sqlite3_bind_int(m->put, 1, (int)kind);
		sqlite3_bind_text(m->put, 2, e->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(m->put, 3, (sqlite3_int64)e->rev);
		sqlite3_bind_blob(m->put, 4, buf, (int)len, SQLITE_STATIC);
		rc = sqlite3_step(m->put);
		sqlite3_reset(m->put);
		sqlite3_clear_bindings(m->put);
		free(buf);
		break;
	case SAMEN__V1__CHANGE__BODY_DELETED:
		sqlite3_reset(m->del);
		sqlite3_bind_int(m->del, 1, (int)ch->deleted->kind);
		sqlite3_bind_text(m->del, 2, ch->deleted->id, -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(m->del);
		sqlite3_reset(m->del);
		sqlite3_clear_bindings(m->del);
		break;
	default:
		return 0;
	}
	if (rc != SQLITE_DONE)
		return mirror_fail(m, "write", cause);
	return 0;
}

/*
 * Applies one page of changes in one transaction, with the new rev (and,
 * for the last page, the sync time); wipe first empties the copy.  0 or
 * -1 with *cause (nothing applied).
 */
static int
mirror_apply_page(struct mirror *m, Samen__V1__Change **ch, size_t n,
    uint64_t rev, int last, int wipe, char **cause)
{
	int64_t now = (int64_t)time(NULL);
	size_t i;

	if (mirror_exec(m, "BEGIN IMMEDIATE", cause) == -1)
		return -1;
	if (wipe && (mirror_exec(m, "DELETE FROM entity", cause) == -1 ||
	    mirror_meta_set(m, "synced_at", 0, cause) == -1))
		goto fail;
	for (i = 0; i < n; i++) {
		if (mirror_apply_one(m, ch[i], cause) == -1)
			goto fail;
	}
	if (mirror_meta_set(m, "rev", (int64_t)rev, cause) == -1)
		goto fail;
	if (last && mirror_meta_set(m, "synced_at", now, cause) == -1)
		goto fail;
	if (mirror_exec(m, "COMMIT", cause) == -1)
		goto fail;
	m->rev = rev;
	if (wipe)
		m->synced_at = 0;
	if (last)
		m->synced_at = now;
	return 0;
fail:
	sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Applies one change as it arrives (watch), which also makes the copy
 * current as of now.  A change at or below the mirror's rev is in it
 * already and is skipped.  The caller makes sure no change between the
 * mirror's rev and this one is missing.  0 or -1 with *cause.
 */
int
mirror_apply(struct mirror *m, const Samen__V1__Change *ch, char **cause)
{
	Samen__V1__Change *one = (Samen__V1__Change *)(uintptr_t)ch;

	if (ch->rev <= m->rev)
		return 0;
	return mirror_apply_page(m, &one, 1, ch->rev, 1, 0, cause);
}

/*
 * Brings the mirror up to date over the open connection: sync pages
 * until the daemon has no more, each applied in one transaction.  full:
 * empty the copy and fetch everything.  RESYNC_REQUIRED, or a daemon
 * whose rev is below ours (restored from a backup, made anew), starts
 * again from 0, once.  0: *applied (when not NULL) counts the changes;
 * otherwise the exit code and *cause (EXIT_UNAVAIL: the connection
 * failed).
 */
int
mirror_sync(struct client *c, struct mirror *m, int full, uint64_t *applied,
    char **cause)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__SyncRequest sr = SAMEN__V1__SYNC_REQUEST__INIT;
	Samen__V1__Response *resp;
	Samen__V1__SyncResponse *s;
	uint64_t since, rev, count = 0;
	int restarted = full, wipe = full, rv;

	since = full ? 0 : m->rev;
	m->resynced = 0;
	req.body_case = SAMEN__V1__REQUEST__BODY_SYNC;
	req.sync = &sr;
	sr.pass_rev = 0;
	sr.compress = 1;	/* large pages come zstd-compressed */
	for (;;) {
		sr.since_rev = since;
		sr.limit = 0;
		if (conn_call_quiet(c, &req, &resp, cause) == -1)
			return EXIT_UNAVAIL;
		if (resp->status->code ==
		    SAMEN__V1__STATUS__CODE__RESYNC_REQUIRED && !restarted) {
			conn_response_free(resp);
			since = 0;
			sr.pass_rev = 0;
			restarted = wipe = m->resynced = 1;
			count = 0;
			continue;
		}
		if (resp->status->code != SAMEN__V1__STATUS__CODE__OK) {
			xasprintf(cause, "%s", *resp->status->message ?
			    resp->status->message : wire_code_name(
			    resp->status->code));
			rv = out_status_exit(resp->status->code);
			conn_response_free(resp);
			return rv ? rv : EXIT_OTHER;
		}
		if (resp->body_case != SAMEN__V1__RESPONSE__BODY_SYNC) {
			conn_response_free(resp);
			xasprintf(cause, "the server answered sync with "
			    "something else");
			return EXIT_OTHER;
		}
		s = resp->sync;
		/* Later pages of this pass say where it began. */
		if (sr.pass_rev == 0)
			sr.pass_rev = s->rev;
		if (s->rev < since && !restarted) {
			conn_response_free(resp);
			since = 0;
			sr.pass_rev = 0;
			restarted = wipe = m->resynced = 1;
			count = 0;
			continue;
		}
		rev = since;
		if (s->n_changes > 0 && s->changes[s->n_changes - 1]->rev > rev)
			rev = s->changes[s->n_changes - 1]->rev;
		if (!s->more && s->rev > rev)
			rev = s->rev;
		if (s->more && rev == since) {
			conn_response_free(resp);
			xasprintf(cause, "the server's sync pages do not "
			    "advance (stuck at rev %llu)",
			    (unsigned long long)since);
			return EXIT_OTHER;
		}
		if (mirror_apply_page(m, s->changes, s->n_changes, rev,
		    !s->more, wipe, cause) == -1) {
			conn_response_free(resp);
			return EXIT_OTHER;
		}
		wipe = 0;
		count += s->n_changes;
		if (!s->more) {
			conn_response_free(resp);
			break;
		}
		since = rev;
		conn_response_free(resp);
	}
	if (applied != NULL)
		*applied = count;
	return 0;
}

/* Reads one packed entity from column col of a row. NULL: damaged. */
static Samen__V1__Entity *
mirror_unpack(sqlite3_stmt *st, int col)
{
	const void *blob = sqlite3_column_blob(st, col);
	int len = sqlite3_column_bytes(st, col);

	return samen__v1__entity__unpack(NULL, (size_t)len,
	    blob != NULL ? blob : (const void *)"");
}

/*
 * One entity from the mirror. 0: *e set (free with
 * samen__v1__entity__free_unpacked); 1: there is none; -1: *cause.
 */
int
mirror_get(struct mirror *m, Samen__V1__Kind kind, const char *id,
    Samen__V1__Entity **e, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	*e = NULL;
	if (sqlite3_prepare_v2(m->db, "SELECT body FROM entity WHERE kind = ? "
	    "AND id = ?", -1, &st, NULL) != SQLITE_OK)
		return mirror_fail(m, "read", cause);
	sqlite3_bind_int(st, 1, (int)kind);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if ((*e = mirror_unpack(st, 0)) == NULL) {
			sqlite3_finalize(st);
			xasprintf(cause, "local copy %s is damaged; run "
			    "'samen sync --full'", m->path);
			return -1;
		}
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return mirror_fail(m, "read", cause);
	return 1;
}

/* qsort: entities in natural id order. */
static int
mirror_cmp(const void *a, const void *b)
{
	const Samen__V1__Entity *const *ea = a, *const *eb = b;

	return entity_idcmp((*ea)->id, (*eb)->id);
}

/*
 * The entities of a kind whose id starts with prefix (NULL: all), in
 * natural id order. 0: *es and *n set (free with mirror_list_free); -1:
 * *cause.
 */
int
mirror_list(struct mirror *m, Samen__V1__Kind kind, const char *prefix,
    Samen__V1__Entity ***es, size_t *n, char **cause)
{
	Samen__V1__Entity **v = NULL, *e;
	sqlite3_stmt *st;
	size_t cap = 0, count = 0;
	int rc;

	*es = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(m->db, "SELECT body FROM entity WHERE kind = ?1"
	    " AND (?2 IS NULL OR substr(id, 1, length(?2)) = ?2)", -1, &st,
	    NULL) != SQLITE_OK)
		return mirror_fail(m, "read", cause);
	sqlite3_bind_int(st, 1, (int)kind);
	if (prefix != NULL)
		sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((e = mirror_unpack(st, 0)) == NULL) {
			sqlite3_finalize(st);
			mirror_list_free(v, count);
			xasprintf(cause, "local copy %s is damaged; run "
			    "'samen sync --full'", m->path);
			return -1;
		}
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[count++] = e;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		mirror_list_free(v, count);
		return mirror_fail(m, "read", cause);
	}
	if (count > 1)
		qsort(v, count, sizeof(*v), mirror_cmp);
	*es = v;
	*n = count;
	return 0;
}

/* Frees a list from mirror_list. */
void
mirror_list_free(Samen__V1__Entity **es, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		samen__v1__entity__free_unpacked(es[i], NULL);
	free(es);
}

/*
 * Opens the mirror of the configured server; when there is no place for
 * one, says so and opens one in memory instead (it syncs from 0).
 */
static struct mirror *
mirror_open_any(struct client *c)
{
	struct mirror *m;
	char *cause = NULL;

	if (mirror_open(c, &m, &cause) == 0)
		return m;
	fprintf(stderr, "samen: cannot keep a local copy (%s); going on "
	    "without one\n", cause);
	free(cause);
	cause = NULL;
	if (mirror_open_path(":memory:", &m, &cause) == -1)
		fatalx("%s", cause);
	return m;
}

/*
 * What a read command does first: opens the mirror and syncs it.  When
 * the daemon cannot be reached, says so on stderr and goes on with the
 * local copy (*online = 0); a mirror that never synced cannot stand in.
 * 0: *mp is open (close it) and, online, c->conn too; otherwise the exit
 * code, with the error printed.
 */
int
mirror_refresh(struct client *c, struct mirror **mp, int *online)
{
	struct mirror *m;
	char *cause = NULL, when[32];
	int rv;

	*mp = NULL;
	*online = 0;
	if (conf_load(c, &cause) == -1) {
		rv = out_error(c, EXIT_CONFIG, "%s", cause);
		free(cause);
		return rv;
	}
	m = mirror_open_any(c);
	rv = conn_open_quiet(c, NULL, &cause);
	if (rv == 0) {
		rv = mirror_sync(c, m, 0, NULL, &cause);
		if (rv == EXIT_UNAVAIL)
			conn_close(c);
	}
	if (rv == 0) {
		*mp = m;
		*online = 1;
		return 0;
	}
	if (rv != EXIT_UNAVAIL) {
		rv = out_error(c, rv, "%s", cause);
		goto fail;
	}
	if (mirror_synced_at(m) == 0) {
		rv = out_error(c, EXIT_UNAVAIL, "%s; and there is no local "
		    "copy to show yet", cause);
		goto fail;
	}
	out_time(mirror_synced_at(m), 0, when, sizeof(when));
	fprintf(stderr, "samen: offline: cannot reach %s (%s); showing the "
	    "local copy as of %s UTC\n", c->conf.server, cause, when);
	free(cause);
	*mp = m;
	return 0;
fail:
	free(cause);
	mirror_close(m);
	return rv;
}

/*
 * What a write that reads first does, once connected (conn_open): opens
 * the mirror and syncs it, so that it reads the daemon's current state.
 * 0: *mp set (close it); otherwise the exit code, printed.
 */
int
mirror_open_synced(struct client *c, struct mirror **mp)
{
	struct mirror *m = mirror_open_any(c);
	char *cause = NULL;
	int rv;

	*mp = NULL;
	if ((rv = mirror_sync(c, m, 0, NULL, &cause)) != 0) {
		rv = out_error(c, rv, "%s", cause);
		free(cause);
		mirror_close(m);
		return rv;
	}
	*mp = m;
	return 0;
}

/*
 * After a write: pulls what it changed (and what the daemon derived from
 * it) into the mirror, so that the local copy shows it at once.  Best
 * effort: a failure is silent; the next read syncs anyway.  m may be
 * NULL: the mirror is opened for this.
 */
void
mirror_written(struct client *c, struct mirror *m)
{
	struct mirror *own = NULL;
	char *cause = NULL;

	if (c->conn == NULL)
		return;
	if (m == NULL) {
		if (mirror_open(c, &own, &cause) == -1) {
			free(cause);
			return;
		}
		m = own;
	}
	if (mirror_sync(c, m, 0, NULL, &cause) != 0)
		free(cause);
	mirror_close(own);
}
