/* Local time in a named IANA time zone, DST-correct, through libc. */
#ifndef SAMEN_TZ_H
#define SAMEN_TZ_H

#include <stdint.h>
#include <time.h>

int	tz_to_local(const char *, int64_t, struct tm *);
int	tz_from_local(const char *, const struct tm *, int64_t *);
void	tz_local_date(const char *, int64_t, char *);

#endif
