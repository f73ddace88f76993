/* Meetings out as iCalendar: the export_ical request. */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "ical.h"
#include "samend.h"
#include "tz.h"
#include "xmalloc.h"

/* True when the meeting passes the export filter. */
static int
meeting_selected(const Samen__V1__ExportIcalRequest *f, const char *zone,
    const Samen__V1__Meeting *m)
{
	char day[DATE_STRLEN];
	size_t i;
	int ok;

	if (f->n_statuses > 0) {
		for (i = 0, ok = 0; i < f->n_statuses; i++)
			ok |= f->statuses[i] == m->status;
		if (!ok)
			return 0;
	}
	if (f->n_kinds > 0) {
		for (i = 0, ok = 0; i < f->n_kinds; i++)
			ok |= f->kinds[i] == m->kind;
		if (!ok)
			return 0;
	}
	tz_local_date(zone, m->start, day);
	if ((*f->from != '\0' && strcmp(day, f->from) < 0) ||
	    (*f->to != '\0' && strcmp(day, f->to) > 0))
		return 0;
	if (*f->municipality != '\0' && strcmp(m->host, f->municipality) != 0
	    && m->n_participants > 0) {
		for (i = 0, ok = 0; i < m->n_participants; i++)
			ok |= strcmp(m->participants[i], f->municipality) == 0;
		if (!ok)
			return 0;
	}
	return 1;
}

/* export_ical: the selected meetings as one RFC 5545 document. */
int
meeting_export(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	const Samen__V1__ExportIcalRequest *f = req->export_ical;
	struct store *rs = ctx->srv->rstore;
	Samen__V1__ExportIcalResponse *er;
	Samen__V1__Entity *region, **v = NULL, **sel;
	struct date d;
	size_t n = 0, nsel = 0, i;
	char *cause = NULL, *text;

	if ((*f->from != '\0' && date_parse(f->from, &d) == -1) ||
	    (*f->to != '\0' && date_parse(f->to, &d) == -1))
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "from and to are dates, YYYY-MM-DD");
	if (store_read_begin(rs, &cause) == -1)
		return dispatch_store_error(ctx, cause);
	region = store_get(rs, SAMEN__V1__KIND__REGION, "region", &cause);
	if (region == NULL || store_list(rs, SAMEN__V1__KIND__MEETING, &v, &n,
	    &cause) == -1) {
		store_read_end(rs);
		if (region != NULL)
			samen__v1__entity__free_unpacked(region, NULL);
		return dispatch_store_error(ctx, cause ? cause :
		    xstrdup("no region"));
	}
	store_read_end(rs);
	sel = xcalloc(n + 1, sizeof(*sel));
	for (i = 0; i < n; i++) {
		if (meeting_selected(f, region->region->time_zone,
		    v[i]->meeting))
			sel[nsel++] = v[i];
	}
	text = ical_export(sel, nsel, region->region->time_zone,
	    region->region->name, (int64_t)time(NULL), &cause);
	free(sel);
	store_list_free(v, n);
	samen__v1__entity__free_unpacked(region, NULL);
	if (text == NULL) {
		log_warnx("export_ical: %s", cause);
		free(cause);
		return dispatch_error(ctx, SAMEN__V1__STATUS__CODE__INTERNAL,
		    "the calendar could not be made");
	}
	dispatch_defer_free(ctx, free, text);
	er = dispatch_alloc(ctx, sizeof(*er));
	samen__v1__export_ical_response__init(er);
	er->ical = text;
	er->meetings = (uint32_t)nsel;
	resp->body_case = SAMEN__V1__RESPONSE__BODY_EXPORT_ICAL;
	resp->export_ical = er;
	return 0;
}
