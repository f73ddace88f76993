/*
 * The scheduler (DESIGN.md §6): a pure function from the region's dates,
 * busy days and meetings and a PlanRequest to a proposal, with the
 * reason for every candidate date it did not choose.  No I/O, no clock,
 * no globals: the same input gives the same answer.
 *
 * Days are day numbers (date_to_days), times minutes after local
 * midnight; the caller converts stored meetings to local time.
 */
#ifndef SAMEN_SCHEDULE_H
#define SAMEN_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "samen.pb-c.h"

#define SCHED_MAX_COUNT		100	/* meetings in one plan */
#define SCHED_MAX_WINDOW	731	/* days in a window */
#define SCHED_MAX_GAP		365	/* days between meetings */
#define SCHED_COLLEGE_DAYS	64	/* a college is assumed after this */
#define SCHED_FIRST_DAYS	14	/* default window: installation + 14 */
#define SCHED_WINDOW_DAYS	120	/* default window without a blackout */
#define SCHED_BUSY_SHOWN	8	/* busy municipalities named per date */
#define SCHED_EVENING		(18 * 60)	/* a meeting ending later is
						   an evening meeting */
#define SCHED_NONE		INT64_MIN

struct sched_busy {
	int64_t		 day;
	int		 start;		/* minutes; -1: all day */
	int		 end;
	const char	*reason;
};

struct sched_muni {
	const char		*id;
	const char		*name;
	const char		*venue;
	int64_t			 college;	/* day installed, SCHED_NONE */
	const struct sched_busy	*busy;
	size_t			 nbusy;
};

/* A meeting already stored (those of the plan being redone left out). */
struct sched_meeting {
	const char		*id;
	const char		*title;
	const char		*host;
	int			 kind;		/* MeetingKind */
	int			 cancelled;
	int64_t			 day;
	int			 start, end;	/* minutes */
	const char *const	*participants;	/* none: everyone */
	size_t			 nparticipants;
};

struct sched_blackout {
	int64_t		 first, last;
	const char	*reason;
};

struct sched_region {
	int64_t				 installation;
	const struct sched_blackout	*blackouts;
	size_t				 nblackouts;
	const struct sched_muni		*munis;		/* sorted by id */
	size_t				 nmunis;
	const struct sched_meeting	*meetings;
	size_t				 nmeetings;
};

struct sched_pick {
	unsigned int	 n;		/* its number in the title */
	int64_t		 day;
	size_t		 host;		/* index into munis */
	int		 tentative;
	char		*title;
	char		*why;
};

struct sched_reject {
	int64_t		 day;
	char		**reasons;
	size_t		 nreasons;
};

struct sched_result {
	int64_t			 from, to;	/* the window used */
	int			 start, end;	/* minutes */
	int			 kind;
	unsigned int		 count, fit;
	size_t			 candidates;	/* days on allowed weekdays */
	struct sched_pick	*picks;		/* fit of them, in date order */
	struct sched_reject	*rejects;	/* in date order */
	size_t			 nrejects;
	char			*binding;	/* fit < count: why, in words */
	char			*error;		/* the request is invalid */
};

int	 sched_plan(const struct sched_region *,
	    const Samen__V1__PlanRequest *, struct sched_result *);
void	 sched_result_free(struct sched_result *);
int	 sched_parse_time(const char *);
const char *sched_default_title(int);

#endif
