/*
 * Borda count.  With N open items, the item at position p (0-based) of a
 * municipality's ranking gets N - p points; unranked items get 0.  Items
 * that are not open (done, dropped, unknown) are left out of a ranking
 * before positions are counted.  Regional order: more points, then more
 * first places, then id.
 */
#include <stdlib.h>
#include <string.h>

#include "borda.h"
#include "xmalloc.h"

/* Orders ids naturally: A2 before A10; other ids by bytes. */
int
borda_idcmp(const char *a, const char *b)
{
	size_t la, lb;

	if (a[0] == b[0] && a[0] != '\0' && strspn(a + 1, "0123456789") ==
	    strlen(a + 1) && strspn(b + 1, "0123456789") == strlen(b + 1)) {
		la = strlen(a);
		lb = strlen(b);
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return strcmp(a, b);
}

/* qsort: regional order. */
static int
borda_cmp(const void *pa, const void *pb)
{
	const struct borda_row *a = pa, *b = pb;

	if (a->points != b->points)
		return a->points > b->points ? -1 : 1;
	if (a->first_places != b->first_places)
		return a->first_places > b->first_places ? -1 : 1;
	return borda_idcmp(a->item, b->item);
}

/* The index of item among the open ones, or -1. */
static long
borda_find(const char *const *open, size_t nopen, const char *item)
{
	size_t i;

	for (i = 0; i < nopen; i++) {
		if (strcmp(open[i], item) == 0)
			return (long)i;
	}
	return -1;
}

/*
 * Scores the nopen open items with the nr rankings into rows[nopen], in
 * regional order; rows[i].ranks and .given have nr entries each (free
 * with borda_free).  0; -1 when a ranking names an item twice.
 */
int
borda_count(const char *const *open, size_t nopen,
    const struct borda_ranking *r, size_t nr, struct borda_row *rows)
{
	size_t i, j, pos;
	long k;

	for (i = 0; i < nopen; i++) {
		memset(&rows[i], 0, sizeof(rows[i]));
		rows[i].item = open[i];
		rows[i].ranks = xcalloc(nr ? nr : 1, sizeof(unsigned int));
		rows[i].given = xcalloc(nr ? nr : 1, sizeof(unsigned int));
	}
	for (j = 0; j < nr; j++) {
		pos = 0;
		for (i = 0; i < r[j].nitems; i++) {
			if ((k = borda_find(open, nopen, r[j].items[i])) < 0)
				continue;
			if (rows[k].ranks[j] != 0) {
				borda_free(rows, nopen);
				return -1;
			}
			rows[k].ranks[j] = (unsigned int)pos + 1;
			rows[k].given[j] = (unsigned int)(nopen - pos);
			rows[k].points += (unsigned int)(nopen - pos);
			if (pos == 0)
				rows[k].first_places++;
			pos++;
		}
	}
	qsort(rows, nopen, sizeof(*rows), borda_cmp);
	for (i = 0; i < nopen; i++)
		rows[i].rank = (unsigned int)i + 1;
	return 0;
}

/* Frees what borda_count allocated in rows. */
void
borda_free(struct borda_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].ranks);
		free(rows[i].given);
		rows[i].ranks = rows[i].given = NULL;
	}
}
