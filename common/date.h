/* Calendar dates (proleptic Gregorian), as pure arithmetic on day numbers. */
#ifndef SAMEN_DATE_H
#define SAMEN_DATE_H

#include <stdint.h>

struct date {
	int	year;
	int	month;	/* 1..12 */
	int	day;	/* 1..31 */
};

#define DATE_STRLEN	11	/* "YYYY-MM-DD" and NUL */

int	 date_parse(const char *, struct date *);
void	 date_format(const struct date *, char *);
int64_t	 date_to_days(const struct date *);
void	 date_from_days(int64_t, struct date *);
int	 date_weekday(const struct date *);
int	 date_valid(const struct date *);
int	 date_add_days(const char *, int, char *);

#endif
