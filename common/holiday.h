/*
 * Dutch public holidays of a year, for the scheduler (DESIGN.md §6).
 * Pure: no I/O, no globals beyond const tables.
 */
#ifndef SAMEN_HOLIDAY_H
#define SAMEN_HOLIDAY_H

#include <stddef.h>

#include "date.h"

#define HOLIDAY_YEAR_MIN	1900
#define HOLIDAY_YEAR_MAX	2200
#define HOLIDAY_MAX		12	/* holidays in any one year */

struct holiday {
	struct date	 date;
	const char	*id;		/* "ascension", stable, for logs and wire */
	const char	*name_nl;	/* "Hemelvaartsdag" */
	const char	*name_en;	/* "Ascension Day" */
	int		 blocks_day;	/* no meetings that day */
	int		 blocks_evening; /* no evening meetings that day */
};

int			 holiday_easter(int, struct date *);
size_t			 holiday_list(int, struct holiday *, size_t);
const struct holiday	*holiday_on(const struct holiday *, size_t,
			    const struct date *);

#endif
