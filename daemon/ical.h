/*
 * iCalendar (RFC 5545) with libical: meetings out as one VCALENDAR, a
 * council's own calendar in as busy entries.  Pure: no sockets, no store.
 */
#ifndef SAMEN_ICAL_H
#define SAMEN_ICAL_H

#include <stddef.h>
#include <stdint.h>

#include "samen.pb-c.h"

#define ICAL_PRODID		"-//samen//samen 0.1//NL"
#define ICAL_UID_DOMAIN		"samen"
#define ICAL_MAX_BUSY		5000	/* busy entries per import */
#define ICAL_MAX_STEPS		10000	/* recurrence steps per event */
#define ICAL_MAX_TOTAL_STEPS	200000	/* ... per import */

char	*ical_export(Samen__V1__Entity *const *, size_t, const char *,
	    const char *, int64_t, char **);
int	 ical_import(const char *, const char *, const char *, const char *,
	    Samen__V1__BusyEntry ***, size_t *, size_t *, char **);
void	 ical_busy_free(Samen__V1__BusyEntry **, size_t);

#endif
