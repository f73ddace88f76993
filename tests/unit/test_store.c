/*
 * Unit tests of daemon/store.c: the reading handle's shared snapshot
 * (store_read_begin) and its end at each commit of the writing handle;
 * the rev and purged_rev read once per snapshot (store_read_revs); the
 * audit chain across savepoints rolled back and other writers; the
 * municipalities a write transaction reads once, and only it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "samend.h"

/*
 * store.c hashes audit records through audit.c; here a stand-in that is
 * a bijection of the previous hash for each rev, so that a record
 * chained to the wrong one shows.
 */
void
audit_hash(const unsigned char *prev, const struct audit_record *r,
    unsigned char *out)
{
	size_t i;

	for (i = 0; i < AUDIT_HASH_LEN; i++)
		out[i] = (unsigned char)(prev[i] * 7u + r->rev + i);
}

struct fixture {
	char		 dir[64];
	char		 path[96];
	struct store	*w, *r;
	int		 opened;	/* snapshots the reader opened */
};

static void
opened_cb(void *arg)
{
	struct fixture *fx = arg;

	fx->opened++;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char *cause = NULL;

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/samen-store.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/samen.db", fx->dir);
	fx->w = store_open(fx->path, STORE_CREATE, &cause);
	assert_non_null(fx->w);
	fx->r = store_open(fx->path, STORE_OPEN, &cause);
	assert_non_null(fx->r);
	store_link_reader(fx->w, fx->r, opened_cb, fx);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	store_link_reader(fx->w, NULL, NULL, NULL);
	store_close(fx->r);
	store_close(fx->w);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* One agenda item written and committed on the writing handle. */
static void
commit_item(struct store *w, const char *id)
{
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT;
	Samen__V1__AgendaItem a = SAMEN__V1__AGENDA_ITEM__INIT;
	char *cause = NULL;

	a.title = (char *)(uintptr_t)id;
	e.id = (char *)(uintptr_t)id;
	e.body_case = SAMEN__V1__ENTITY__BODY_AGENDA_ITEM;
	e.agenda_item = &a;
	assert_int_equal(store_begin(w, &cause), 0);
	assert_int_equal(store_put(w, &e, NULL, NULL, NULL, &cause), 0);
	assert_int_equal(store_commit(w, &cause), 0);
}

/*
 * The rev the reader sees, in one read of the shared snapshot: as a sync
 * reads it (store_read_revs), and as the meta table holds it.
 */
static int64_t
read_rev(struct store *r)
{
	char *cause = NULL;
	int64_t rev = -1, purged = -1, meta = -2;

	assert_int_equal(store_read_begin(r, &cause), 0);
	assert_int_equal(store_read_revs(r, &rev, &purged, &cause), 0);
	assert_int_equal(store_meta_get(r, "rev", &meta, &cause), 0);
	assert_int_equal(purged, 0);
	store_read_end(r);
	assert_int_equal(rev, meta);
	return rev;
}

/* Reads share one snapshot until a commit; then they see the commit. */
static void
test_snapshot_until_commit(void **state)
{
	struct fixture *fx = *state;

	commit_item(fx->w, "a");
	assert_int_equal(fx->opened, 0);
	assert_int_equal(read_rev(fx->r), 1);
	assert_int_equal(read_rev(fx->r), 1);
	assert_int_equal(fx->opened, 1);	/* the second read shared it */
	commit_item(fx->w, "b");
	assert_int_equal(read_rev(fx->r), 2);	/* not the snapshot at 1 */
	assert_int_equal(fx->opened, 2);
	commit_item(fx->w, "c");
	commit_item(fx->w, "d");
	assert_int_equal(read_rev(fx->r), 4);
	assert_int_equal(fx->opened, 3);
}

/* store_read_release ends it (the end of a turn); the next read opens. */
static void
test_release(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(read_rev(fx->r), 0);
	store_read_release(fx->r);
	store_read_release(fx->r);		/* twice: nothing open */
	assert_int_equal(read_rev(fx->r), 0);
	assert_int_equal(fx->opened, 2);
}

/*
 * A commit while a read is under way ends the snapshot once that read
 * is done, not under it: the read goes on at its rev.
 */
static void
test_commit_during_read(void **state)
{
	struct fixture *fx = *state;
	char *cause = NULL;
	int64_t rev = -1, purged = -1;

	commit_item(fx->w, "a");
	assert_int_equal(store_read_begin(fx->r, &cause), 0);
	/* SQLite takes the snapshot at the first read, not at BEGIN. */
	assert_int_equal(store_meta_get(fx->r, "rev", &rev, &cause), 0);
	assert_int_equal(rev, 1);
	commit_item(fx->w, "b");
	assert_int_equal(store_meta_get(fx->r, "rev", &rev, &cause), 0);
	assert_int_equal(rev, 1);		/* still its snapshot */
	assert_int_equal(store_read_revs(fx->r, &rev, &purged, &cause), 0);
	assert_int_equal(rev, 1);
	store_read_end(fx->r);
	assert_int_equal(read_rev(fx->r), 2);
	assert_int_equal(fx->opened, 2);
}

/*
 * An error that ends the transaction under a snapshot (SQLite rolls a
 * read back on some errors; store_rollback stands in for one here): the
 * revs are read anew, not kept from the snapshot that is gone.
 */
static void
test_revs_after_rollback(void **state)
{
	struct fixture *fx = *state;
	char *cause = NULL;
	int64_t rev = -1, purged = -1;

	commit_item(fx->w, "a");
	assert_int_equal(store_read_begin(fx->r, &cause), 0);
	assert_int_equal(store_read_revs(fx->r, &rev, &purged, &cause), 0);
	assert_int_equal(rev, 1);
	store_rollback(fx->r);
	commit_item(fx->w, "b");
	assert_int_equal(store_read_revs(fx->r, &rev, &purged, &cause), 0);
	assert_int_equal(rev, 2);
	store_read_end(fx->r);
	assert_int_equal(read_rev(fx->r), 2);
}

/* One audit record of rev through st. */
static void
audit_add(struct store *st, uint64_t rev)
{
	struct audit_record r;
	char *cause = NULL;

	memset(&r, 0, sizeof(r));
	r.rev = rev;
	r.time = 1;
	r.principal = "test";
	r.action = "update";
	r.id = "A1";
	r.summary = "";
	assert_int_equal(store_audit_add(st, &r, &cause), 0);
}

struct chain {
	unsigned char	 prev[AUDIT_HASH_LEN];
	uint64_t	 records;
	uint64_t	 broken;	/* the first rev off the chain, or 0 */
};

static int
chain_one(const struct audit_record *r, const unsigned char *hash,
    void *arg)
{
	struct chain *c = arg;
	unsigned char want[AUDIT_HASH_LEN];

	c->records++;
	audit_hash(c->prev, r, want);
	if (c->broken == 0 && memcmp(want, hash, AUDIT_HASH_LEN) != 0)
		c->broken = r->rev;
	memcpy(c->prev, hash, AUDIT_HASH_LEN);
	return 0;
}

/*
 * Each audit record is chained to the one before it as stored: not to
 * one a savepoint rolled back, and not to the last one this handle wrote
 * when another handle (another process) wrote after it.
 */
static void
test_audit_chain(void **state)
{
	struct fixture *fx = *state;
	struct store *other;
	struct chain c;
	char *cause = NULL;
	uint64_t mark;
	int more;

	assert_int_equal(store_begin(fx->w, &cause), 0);
	audit_add(fx->w, 1);
	assert_int_equal(store_savepoint(fx->w, &mark, &cause), 0);
	audit_add(fx->w, 2);
	store_savepoint_end(fx->w, mark, 0);	/* rev 2 is gone */
	assert_int_equal(store_savepoint(fx->w, &mark, &cause), 0);
	audit_add(fx->w, 2);
	audit_add(fx->w, 3);
	store_savepoint_end(fx->w, mark, 1);
	assert_int_equal(store_commit(fx->w, &cause), 0);

	other = store_open(fx->path, STORE_OPEN, &cause);
	assert_non_null(other);
	assert_int_equal(store_begin(other, &cause), 0);
	audit_add(other, 4);
	assert_int_equal(store_commit(other, &cause), 0);
	store_close(other);

	assert_int_equal(store_begin(fx->w, &cause), 0);
	audit_add(fx->w, 5);
	audit_add(fx->w, 6);
	assert_int_equal(store_commit(fx->w, &cause), 0);
	/* A write outside a transaction reads its predecessor too. */
	audit_add(fx->w, 7);

	memset(&c, 0, sizeof(c));
	assert_int_equal(store_audit_each(fx->w, 0, 0, chain_one, &c, &more,
	    &cause), 0);
	assert_int_equal(c.records, 7);
	assert_int_equal(c.broken, 0);
}

/* A municipality written on st, in the caller's transaction. */
static void
put_muni(struct store *st, const char *id)
{
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT;
	Samen__V1__Municipality m = SAMEN__V1__MUNICIPALITY__INIT;
	char *cause = NULL;

	m.name = (char *)(uintptr_t)id;
	e.id = (char *)(uintptr_t)id;
	e.body_case = SAMEN__V1__ENTITY__BODY_MUNICIPALITY;
	e.municipality = &m;
	assert_int_equal(store_put(st, &e, NULL, NULL, NULL, &cause), 0);
}

/* Whether st finds the municipality id, as validation asks. */
static int
muni(struct store *st, const char *id)
{
	char *cause = NULL;
	int rc;

	rc = store_exists(st, SAMEN__V1__KIND__MUNICIPALITY, id, &cause);
	assert_null(cause);
	return rc;
}

/*
 * Inside a write transaction the municipalities are read once, and what
 * the transaction does to them shows at the next lookup: a put, a
 * delete, a savepoint rolled back, a rollback, another writer's commit
 * between transactions.
 */
static void
test_municipality_lookup(void **state)
{
	struct fixture *fx = *state;
	struct store *other;
	char *cause = NULL;
	uint64_t mark, rev;

	assert_int_equal(store_begin(fx->w, &cause), 0);
	assert_int_equal(muni(fx->w, "leiden"), 0);
	put_muni(fx->w, "leiden");
	assert_int_equal(muni(fx->w, "leiden"), 1);
	assert_int_equal(muni(fx->w, "oegstgeest"), 0);
	assert_int_equal(store_savepoint(fx->w, &mark, &cause), 0);
	put_muni(fx->w, "oegstgeest");
	assert_int_equal(muni(fx->w, "oegstgeest"), 1);
	store_savepoint_end(fx->w, mark, 0);
	assert_int_equal(muni(fx->w, "oegstgeest"), 0);
	assert_int_equal(muni(fx->w, "leiden"), 1);
	assert_int_equal(store_commit(fx->w, &cause), 0);

	assert_int_equal(store_begin(fx->w, &cause), 0);
	assert_int_equal(muni(fx->w, "leiden"), 1);
	assert_int_equal(store_delete(fx->w, SAMEN__V1__KIND__MUNICIPALITY,
	    "leiden", 1, &rev, &cause), 0);
	assert_int_equal(muni(fx->w, "leiden"), 0);
	store_rollback(fx->w);
	assert_int_equal(muni(fx->w, "leiden"), 1);	/* outside */

	assert_int_equal(store_begin(fx->w, &cause), 0);
	assert_int_equal(muni(fx->w, "voorschoten"), 0);
	assert_int_equal(muni(fx->w, "leiden"), 1);
	assert_int_equal(store_commit(fx->w, &cause), 0);
	other = store_open(fx->path, STORE_OPEN, &cause);
	assert_non_null(other);
	assert_int_equal(store_begin(other, &cause), 0);
	put_muni(other, "voorschoten");
	assert_int_equal(store_commit(other, &cause), 0);
	store_close(other);
	assert_int_equal(store_begin(fx->w, &cause), 0);
	assert_int_equal(muni(fx->w, "voorschoten"), 1);
	assert_int_equal(muni(fx->w, "leiden"), 1);
	assert_int_equal(muni(fx->w, "leide"), 0);
	assert_int_equal(store_commit(fx->w, &cause), 0);
}

/* A municipality deleted on st, in a transaction of its own. */
static void
delete_muni(struct store *st, const char *id)
{
	char *cause = NULL;
	uint64_t rev;

	assert_int_equal(store_begin(st, &cause), 0);
	assert_int_equal(store_delete(st, SAMEN__V1__KIND__MUNICIPALITY, id,
	    1, &rev, &cause), 0);
	assert_int_equal(store_commit(st, &cause), 0);
}

/* Whether the reading handle finds id, in a snapshot of its own. */
static int
muni_read(struct store *r, const char *id)
{
	char *cause = NULL;
	int rc;

	assert_int_equal(store_read_begin(r, &cause), 0);
	rc = muni(r, id);
	store_read_end(r);
	store_read_release(r);
	return rc;
}

/*
 * Only a write transaction keeps the municipalities: the reading handle,
 * whose snapshots end without store_commit, sees each commit of the
 * writing handle, and so does the writing handle once a transaction a
 * SAVEPOINT began has been released (committed).
 */
static void
test_municipality_lookup_elsewhere(void **state)
{
	struct fixture *fx = *state;
	struct store *other;
	char *cause = NULL;
	uint64_t mark;

	assert_int_equal(store_begin(fx->w, &cause), 0);
	put_muni(fx->w, "leiden");
	assert_int_equal(store_commit(fx->w, &cause), 0);
	assert_int_equal(muni_read(fx->r, "leiden"), 1);
	assert_int_equal(muni_read(fx->r, "zoeterwoude"), 0);
	delete_muni(fx->w, "leiden");
	assert_int_equal(store_begin(fx->w, &cause), 0);
	put_muni(fx->w, "zoeterwoude");
	assert_int_equal(store_commit(fx->w, &cause), 0);
	assert_int_equal(muni_read(fx->r, "leiden"), 0);
	assert_int_equal(muni_read(fx->r, "zoeterwoude"), 1);

	/* A SAVEPOINT outside a transaction begins one, RELEASE ends it. */
	assert_int_equal(store_savepoint(fx->w, &mark, &cause), 0);
	assert_int_equal(muni(fx->w, "zoeterwoude"), 1);
	assert_int_equal(muni(fx->w, "leiden"), 0);
	store_savepoint_end(fx->w, mark, 1);
	other = store_open(fx->path, STORE_OPEN, &cause);
	assert_non_null(other);
	delete_muni(other, "zoeterwoude");
	store_close(other);
	assert_int_equal(muni_read(fx->w, "zoeterwoude"), 0);
	assert_int_equal(store_savepoint(fx->w, &mark, &cause), 0);
	assert_int_equal(muni(fx->w, "zoeterwoude"), 0);
	store_savepoint_end(fx->w, mark, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snapshot_until_commit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_commit_during_read,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_revs_after_rollback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_municipality_lookup,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_municipality_lookup_elsewhere, setup, teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
