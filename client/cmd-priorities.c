/*
 * samen priorities: the regional priority list (Borda count over the
 * open items, DESIGN §3) with each municipality's rank beside the total.
 * Online the daemon computes it; offline the same pure count runs here
 * over the local copy.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "borda.h"
#include "samen.h"
#include "xmalloc.h"

/* True when an agenda item counts for priorities (not done or dropped). */
static int
priorities_open(const Samen__V1__Entity *e)
{
	return e->body_case == SAMEN__V1__ENTITY__BODY_AGENDA_ITEM &&
	    e->agenda_item->status != SAMEN__V1__AGENDA_ITEM__STATE__DONE &&
	    e->agenda_item->status != SAMEN__V1__AGENDA_ITEM__STATE__DROPPED;
}

/*
 * Computes the priority list from the mirror (offline), with the same
 * pure Borda count the daemon uses (common/borda.c).  0: *out set (free
 * with samen__v1__priorities_response__free_unpacked); -1: *cause.
 */
static int
priorities_local(struct mirror *m, Samen__V1__PrioritiesResponse **out,
    char **cause)
{
	Samen__V1__PrioritiesResponse *pr = NULL;
	Samen__V1__PriorityRow *row;
	Samen__V1__MunicipalityRank *mr;
	Samen__V1__Entity **all = NULL, **munis = NULL, **rk, **ds;
	struct borda_ranking *br;
	struct borda_row *rows;
	const char **open;
	size_t nall, nopen = 0, nmunis, nd, i, j;
	char *prefix;
	int rv = -1;

	*out = NULL;
	if (mirror_list(m, SAMEN__V1__KIND__AGENDA_ITEM, NULL, &all, &nall,
	    cause) == -1)
		return -1;
	if (mirror_list(m, SAMEN__V1__KIND__MUNICIPALITY, NULL, &munis,
	    &nmunis, cause) == -1) {
		mirror_list_free(all, nall);
		return -1;
	}
	open = xcalloc(nall ? nall : 1, sizeof(*open));
	for (i = 0; i < nall; i++) {
		if (priorities_open(all[i]))
			open[nopen++] = all[i]->id;
	}
	rk = xcalloc(nmunis ? nmunis : 1, sizeof(*rk));
	br = xcalloc(nmunis ? nmunis : 1, sizeof(*br));
	for (j = 0; j < nmunis; j++) {
		br[j].municipality = munis[j]->id;
		if (mirror_get(m, SAMEN__V1__KIND__RANKING, munis[j]->id,
		    &rk[j], cause) == -1)
			goto out;
		if (rk[j] != NULL &&
		    rk[j]->body_case == SAMEN__V1__ENTITY__BODY_RANKING) {
			br[j].items = (const char *const *)
			    rk[j]->ranking->item_ids;
			br[j].nitems = rk[j]->ranking->n_item_ids;
		}
	}
	rows = xcalloc(nopen ? nopen : 1, sizeof(*rows));
	if (borda_count(open, nopen, br, nmunis, rows) == -1) {
		free(rows);
		xasprintf(cause, "a ranking in the local copy names an item "
		    "twice; run 'samen sync --full'");
		goto out;
	}

	pr = xmalloc(sizeof(*pr));
	samen__v1__priorities_response__init(pr);
	pr->rev = mirror_rev(m);
	pr->open_items = (uint32_t)nopen;
	pr->rows = xcalloc(nopen ? nopen : 1, sizeof(*pr->rows));
	for (i = 0; i < nopen; i++) {
		row = pr->rows[i] = xmalloc(sizeof(*row));
		samen__v1__priority_row__init(row);
		pr->n_rows = i + 1;	/* what a failure has to free */
		row->item_id = xstrdup(rows[i].item);
		for (j = 0; j < nall; j++) {
			if (strcmp(all[j]->id, rows[i].item) == 0)
				row->title = xstrdup(
				    all[j]->agenda_item->title);
		}
		row->points = rows[i].points;
		row->rank = rows[i].rank;
		row->first_places = rows[i].first_places;
		row->n_ranks = nmunis;
		row->ranks = xcalloc(nmunis ? nmunis : 1, sizeof(*row->ranks));
		for (j = 0; j < nmunis; j++) {
			mr = row->ranks[j] = xmalloc(sizeof(*mr));
			samen__v1__municipality_rank__init(mr);
			mr->municipality = xstrdup(munis[j]->id);
			mr->rank = rows[i].ranks[j];
			mr->points = rows[i].given[j];
		}
		xasprintf(&prefix, "%s/", rows[i].item);
		if (mirror_list(m, SAMEN__V1__KIND__DECISION, prefix, &ds, &nd,
		    cause) == -1) {
			free(prefix);
			borda_free(rows, nopen);
			free(rows);
			samen__v1__priorities_response__free_unpacked(pr,
			    NULL);
			pr = NULL;
			goto out;
		}
		free(prefix);
		row->divergent = entity_diverges(ds, nd);
		mirror_list_free(ds, nd);
	}
	borda_free(rows, nopen);
	free(rows);
	*out = pr;
	rv = 0;
out:
	for (j = 0; j < nmunis; j++) {
		if (rk[j] != NULL)
			samen__v1__entity__free_unpacked(rk[j], NULL);
	}
	free(rk);
	free(br);
	free(open);
	mirror_list_free(all, nall);
	mirror_list_free(munis, nmunis);
	return rv;
}

/* Prints the list as one JSON document. */
static void
priorities_json(const Samen__V1__PrioritiesResponse *pr)
{
	const Samen__V1__PriorityRow *r;
	json_t *rows = json_array(), *ranks;
	size_t i, j;

	for (i = 0; i < pr->n_rows; i++) {
		r = pr->rows[i];
		ranks = json_object();
		for (j = 0; j < r->n_ranks; j++)
			json_object_set_new(ranks, r->ranks[j]->municipality,
			    json_integer(r->ranks[j]->rank));
		json_array_append_new(rows, json_pack(
		    "{s:s,s:s,s:i,s:i,s:i,s:b,s:o}",
		    "item_id", r->item_id, "title", r->title,
		    "points", (int)r->points, "rank", (int)r->rank,
		    "first_places", (int)r->first_places,
		    "divergent", r->divergent, "ranks", ranks));
	}
	out_json_print(json_pack("{s:I,s:i,s:o}", "rev", (json_int_t)pr->rev,
	    "open_items", (int)pr->open_items, "rows", rows));
}

/*
 * Prints the list as a table: RANK, POINTS, ID, TITLE, then one column
 * per municipality with its rank of the item ('-': not ranked); below,
 * the items whose council decisions diverge.
 */
static void
priorities_table(const Samen__V1__PrioritiesResponse *pr)
{
	const Samen__V1__PriorityRow *r;
	struct out_table *t;
	size_t i, j, nm, ndiv = 0;

	if (pr->n_rows == 0) {
		printf("no open agenda items\n");
		return;
	}
	nm = pr->rows[0]->n_ranks;
	t = out_table_new(4 + nm);
	out_table_right(t, 0);
	out_table_right(t, 1);
	for (j = 0; j < nm; j++)
		out_table_right(t, 4 + j);
	out_table_add(t, "RANK");
	out_table_add(t, "POINTS");
	out_table_add(t, "ID");
	out_table_add(t, "TITLE");
	for (j = 0; j < nm; j++)
		out_table_add(t, "%s", pr->rows[0]->ranks[j]->municipality);
	for (i = 0; i < pr->n_rows; i++) {
		r = pr->rows[i];
		out_table_add(t, "%u", r->rank);
		out_table_add(t, "%u", r->points);
		out_table_add(t, "%s", r->item_id);
		out_table_add(t, "%s", r->title);
		for (j = 0; j < nm; j++) {
			if (j < r->n_ranks && r->ranks[j]->rank != 0)
				out_table_add(t, "%u", r->ranks[j]->rank);
			else
				out_table_add(t, "-");
		}
	}
	out_table_print(t);
	printf("\n%u open item%s; points: Borda count, every municipality "
	    "weighs the same\n", pr->open_items, pr->open_items == 1 ? "" :
	    "s");
	for (i = 0; i < pr->n_rows; i++) {
		if (!pr->rows[i]->divergent)
			continue;
		printf("%s %s", ndiv++ ? "," : "! the councils' decisions "
		    "diverge on", pr->rows[i]->item_id);
	}
	if (ndiv > 0)
		printf("\n");
}

/* samen priorities: the regional priority list. */
int
cmd_priorities(struct client *c, int argc, char **argv)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__PrioritiesRequest prq = SAMEN__V1__PRIORITIES_REQUEST__INIT;
	Samen__V1__PrioritiesResponse *pr = NULL;
	Samen__V1__Response *resp = NULL;
	struct mirror *m;
	char *cause = NULL;
	int rv, online;

	(void)argv;
	if (argc != 1)
		return client_usage_error(client_find_cmd("priorities"),
		    "priorities takes no arguments");
	if ((rv = mirror_refresh(c, &m, &online)) != 0)
		return rv;
	if (online) {
		req.body_case = SAMEN__V1__REQUEST__BODY_PRIORITIES;
		req.priorities = &prq;
		if (conn_call(c, &req, &resp) == -1) {
			mirror_close(m);
			return EXIT_UNAVAIL;
		}
		if ((rv = out_status(c, resp->status)) != 0 ||
		    resp->body_case != SAMEN__V1__RESPONSE__BODY_PRIORITIES) {
			conn_response_free(resp);
			mirror_close(m);
			return rv ? rv : EXIT_OTHER;
		}
		pr = resp->priorities;
	} else if (priorities_local(m, &pr, &cause) == -1) {
		rv = out_error(c, EXIT_OTHER, "%s", cause);
		free(cause);
		mirror_close(m);
		return rv;
	}
	if (c->json)
		priorities_json(pr);
	else
		priorities_table(pr);
	if (resp != NULL)
		conn_response_free(resp);
	else
		samen__v1__priorities_response__free_unpacked(pr, NULL);
	mirror_close(m);
	return 0;
}
