/*
 * The agenda: what is particular to items (their five decisions, which
 * come and go with them) and the regional priority list.
 */
#include <stdlib.h>
#include <string.h>

#include "borda.h"
#include "samend.h"
#include "xmalloc.h"

/*
 * A new item gets one PENDING decision per municipality, each its own
 * change.  -1: status set.
 */
int
agenda_created(struct dispatch_ctx *ctx, const Samen__V1__Entity *item)
{
	Samen__V1__Entity **m, d = SAMEN__V1__ENTITY__INIT;
	Samen__V1__Decision dec = SAMEN__V1__DECISION__INIT;
	size_t n, i;
	char *cause = NULL, *id;
	int rv = 0;

	if (store_list(ctx->srv->store, SAMEN__V1__KIND__MUNICIPALITY, &m, &n,
	    &cause) == -1)
		return dispatch_store_error(ctx, cause);
	d.body_case = SAMEN__V1__ENTITY__BODY_DECISION;
	d.decision = &dec;
	for (i = 0; i < n && rv == 0; i++) {
		xasprintf(&id, "%s/%s", item->id, m[i]->id);
		d.id = id;
		rv = commit_put(ctx, &d, "create", "pending", NULL);
		free(id);
	}
	store_list_free(m, n);
	return rv;
}

/* A deleted item takes its decisions along. -1: status set. */
int
agenda_deleted(struct dispatch_ctx *ctx, const char *item)
{
	Samen__V1__Entity **v;
	size_t n, i, len = strlen(item);
	char *cause = NULL;
	int rv = 0;

	if (store_list(ctx->srv->store, SAMEN__V1__KIND__DECISION, &v, &n,
	    &cause) == -1)
		return dispatch_store_error(ctx, cause);
	for (i = 0; i < n && rv == 0; i++) {
		if (strncmp(v[i]->id, item, len) == 0 && v[i]->id[len] == '/')
			rv = commit_delete(ctx, SAMEN__V1__KIND__DECISION,
			    v[i]->id, "with its item", NULL);
	}
	store_list_free(v, n);
	return rv;
}

/* True when an item's decisions disagree: one adopted, another not. */
static int
agenda_divergent(Samen__V1__Entity **dec, size_t n, const char *item)
{
	size_t i, len = strlen(item);
	int adopted = 0, other = 0;

	for (i = 0; i < n; i++) {
		if (strncmp(dec[i]->id, item, len) != 0 ||
		    dec[i]->id[len] != '/')
			continue;
		if (dec[i]->decision->state ==
		    SAMEN__V1__DECISION__STATE__ADOPTED)
			adopted = 1;
		else if (dec[i]->decision->state ==
		    SAMEN__V1__DECISION__STATE__REJECTED ||
		    dec[i]->decision->state ==
		    SAMEN__V1__DECISION__STATE__AMENDED)
			other = 1;
	}
	return adopted && other;
}

struct agenda_snapshot {
	Samen__V1__Entity	**items, **munis, **ranks, **decs;
	size_t			  nitems, nmunis, nranks, ndecs;
};

/* Reads what the priority list needs from committed data. */
static int
agenda_snapshot(struct store *rs, struct agenda_snapshot *s, char **cause)
{
	memset(s, 0, sizeof(*s));
	if (store_read_begin(rs, cause) == -1)
		return -1;
	if (store_list(rs, SAMEN__V1__KIND__AGENDA_ITEM, &s->items,
	    &s->nitems, cause) == -1 ||
	    store_list(rs, SAMEN__V1__KIND__MUNICIPALITY, &s->munis,
	    &s->nmunis, cause) == -1 ||
	    store_list(rs, SAMEN__V1__KIND__RANKING, &s->ranks, &s->nranks,
	    cause) == -1 ||
	    store_list(rs, SAMEN__V1__KIND__DECISION, &s->decs, &s->ndecs,
	    cause) == -1) {
		store_read_end(rs);
		return -1;
	}
	store_read_end(rs);
	return 0;
}

static void
agenda_snapshot_free(struct agenda_snapshot *s)
{
	store_list_free(s->items, s->nitems);
	store_list_free(s->munis, s->nmunis);
	store_list_free(s->ranks, s->nranks);
	store_list_free(s->decs, s->ndecs);
}

/*
 * priorities: the Borda count over the open items, with each
 * municipality's rank beside the total.
 */
int
agenda_priorities(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	struct agenda_snapshot s;
	struct borda_ranking *br;
	struct borda_row *rows;
	Samen__V1__PrioritiesResponse *pr;
	const char **open;
	const Samen__V1__AgendaItem *a;
	size_t i, j, k, nopen = 0;
	char *cause = NULL;

	(void)req;
	if (agenda_snapshot(ctx->srv->rstore, &s, &cause) == -1)
		return dispatch_store_error(ctx, cause);
	open = xcalloc(s.nitems + 1, sizeof(*open));
	for (i = 0; i < s.nitems; i++) {
		a = s.items[i]->agenda_item;
		if (a->status != SAMEN__V1__AGENDA_ITEM__STATE__DONE &&
		    a->status != SAMEN__V1__AGENDA_ITEM__STATE__DROPPED)
			open[nopen++] = s.items[i]->id;
	}
	/* One ranking per municipality, empty where it has none. */
	br = xcalloc(s.nmunis + 1, sizeof(*br));
	for (j = 0; j < s.nmunis; j++) {
		br[j].municipality = s.munis[j]->id;
		for (k = 0; k < s.nranks; k++) {
			if (strcmp(s.ranks[k]->id, s.munis[j]->id) == 0) {
				br[j].items = (const char *const *)
				    s.ranks[k]->ranking->item_ids;
				br[j].nitems = s.ranks[k]->ranking->n_item_ids;
			}
		}
	}
	rows = xcalloc(nopen + 1, sizeof(*rows));
	if (borda_count(open, nopen, br, s.nmunis, rows) == -1) {
		/* validate_ranking keeps this from happening */
		free(rows);
		free(br);
		free(open);
		agenda_snapshot_free(&s);
		return dispatch_error(ctx, SAMEN__V1__STATUS__CODE__INTERNAL,
		    "a ranking names an item twice");
	}

	pr = dispatch_alloc(ctx, sizeof(*pr));
	samen__v1__priorities_response__init(pr);
	pr->open_items = (uint32_t)nopen;
	pr->rev = ctx->srv->committed_rev;
	pr->n_rows = nopen;
	pr->rows = dispatch_alloc(ctx, (nopen + 1) * sizeof(*pr->rows));
	for (i = 0; i < nopen; i++) {
		Samen__V1__PriorityRow *row;

		row = dispatch_alloc(ctx, sizeof(*row));
		samen__v1__priority_row__init(row);
		row->item_id = dispatch_strdup(ctx, rows[i].item);
		for (k = 0; k < s.nitems; k++) {
			if (strcmp(s.items[k]->id, rows[i].item) == 0)
				row->title = dispatch_strdup(ctx,
				    s.items[k]->agenda_item->title);
		}
		row->points = rows[i].points;
		row->rank = rows[i].rank;
		row->first_places = rows[i].first_places;
		row->divergent = agenda_divergent(s.decs, s.ndecs,
		    rows[i].item);
		row->n_ranks = s.nmunis;
		row->ranks = dispatch_alloc(ctx,
		    (s.nmunis + 1) * sizeof(*row->ranks));
		for (j = 0; j < s.nmunis; j++) {
			Samen__V1__MunicipalityRank *mr;

			mr = dispatch_alloc(ctx, sizeof(*mr));
			samen__v1__municipality_rank__init(mr);
			mr->municipality = dispatch_strdup(ctx,
			    s.munis[j]->id);
			mr->rank = rows[i].ranks[j];
			mr->points = rows[i].given[j];
			row->ranks[j] = mr;
		}
		pr->rows[i] = row;
	}
	borda_free(rows, nopen);
	free(rows);
	free(br);
	free(open);
	agenda_snapshot_free(&s);
	resp->body_case = SAMEN__V1__RESPONSE__BODY_PRIORITIES;
	resp->priorities = pr;
	return 0;
}
