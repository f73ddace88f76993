/*
 * The calendar's month grid: a pure function from a month and the marks
 * of its days to text, Monday first, weeks as rows, a legend below.  No
 * I/O and no clock: the caller says which day is today, and whether to
 * colour, so that a test can compare the text with a stored one.
 *
 * A cell is ten columns: '>' for today or a blank, the day of the month
 * in two, a blank, and six for marks: the letters of up to three
 * meetings (two and '+' when there are more), H or h for a holiday, B
 * for a region blackout, then how many municipalities are busy (or '*'
 * when the grid is for one municipality).  Cells are one blank apart;
 * lines carry no trailing blanks.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "samen.h"
#include "xmalloc.h"

#define GRID_CELL	10
#define GRID_MARKS	6
#define GRID_WIDTH	(7 * GRID_CELL + 6)

#define GRID_RESET	"\033[0m"
#define GRID_MEETING	"\033[1;36m"
#define GRID_HOLIDAY	"\033[1;31m"
#define GRID_EVENING	"\033[33m"
#define GRID_BLACKOUT	"\033[34m"
#define GRID_BUSY	"\033[35m"
#define GRID_TODAY	"\033[7m"

struct grid_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

/* The meeting kinds: their letters and the legend's words. */
static const struct {
	int		 kind;
	char		 letter;
	const char	*words;
} grid_kinds[] = {
	{ SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS, 'R',
	  "regional councils" },
	{ SAMEN__V1__MEETING__MEETING_KIND__PORTFOLIO_HOLDERS, 'P',
	  "portfolio holders" },
	{ SAMEN__V1__MEETING__MEETING_KIND__SOUNDING_BOARD, 'S',
	  "sounding board" },
	{ SAMEN__V1__MEETING__MEETING_KIND__STEERING_GROUP, 'G',
	  "steering group" },
	{ SAMEN__V1__MEETING__MEETING_KIND__INFORMAL, 'I', "informal" },
	{ SAMEN__V1__MEETING__MEETING_KIND__OTHER, 'O', "other" },
};
#define GRID_NKINDS	(sizeof(grid_kinds) / sizeof(grid_kinds[0]))

static const char *const grid_month_names[] = { "January", "February",
    "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December" };

static const char *const grid_day_names[] = { "Mon", "Tue", "Wed", "Thu",
    "Fri", "Sat", "Sun" };

/* The letter of a meeting kind in the grid; '?' for one it does not know. */
char
grid_kind_letter(int kind)
{
	size_t i;

	for (i = 0; i < GRID_NKINDS; i++) {
		if (grid_kinds[i].kind == kind)
			return grid_kinds[i].letter;
	}
	return '?';
}

/* Appends formatted text to b. */
static void __attribute__((format(printf, 2, 3)))
grid_add(struct grid_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("vasprintf");
	while (b->len + (size_t)n + 1 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, (size_t)n + 1);
	b->len += (size_t)n;
	free(s);
}

/* Appends n blanks. */
static void
grid_blanks(struct grid_buf *b, size_t n)
{
	while (n-- > 0)
		grid_add(b, " ");
}

/* Ends a line: drops its trailing blanks and adds the newline. */
static void
grid_eol(struct grid_buf *b)
{
	while (b->len > 0 && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
	grid_add(b, "\n");
}

/* Appends a mark, in colour when asked; returns its width (strlen). */
static size_t
grid_mark(struct grid_buf *b, const struct grid_month *g, const char *colour,
    const char *mark)
{
	if (g->colour)
		grid_add(b, "%s%s%s", colour, mark, GRID_RESET);
	else
		grid_add(b, "%s", mark);
	return strlen(mark);
}

/* Appends the cell of one day of the month. */
static void
grid_cell(struct grid_buf *b, const struct grid_month *g, int day)
{
	const struct grid_day *d = &g->days[day - 1];
	char kinds[GRID_KINDS_MAX + 1], busy[2];
	size_t used = 0, n;

	grid_add(b, "%c", day == g->today ? '>' : ' ');
	if (day == g->today && g->colour)
		grid_add(b, "%s%2d%s ", GRID_TODAY, day, GRID_RESET);
	else
		grid_add(b, "%2d ", day);
	n = strnlen(d->kinds, GRID_KINDS_MAX);
	if (n > 0) {
		memcpy(kinds, d->kinds, n);
		kinds[n] = '\0';
		if (d->meetings > GRID_KINDS_MAX)
			kinds[GRID_KINDS_MAX - 1] = '+';
		used += grid_mark(b, g, GRID_MEETING, kinds);
	}
	if (d->holiday == GRID_HOLIDAY_DAY)
		used += grid_mark(b, g, GRID_HOLIDAY, "H");
	else if (d->holiday == GRID_HOLIDAY_EVENING)
		used += grid_mark(b, g, GRID_EVENING, "h");
	if (d->blackout)
		used += grid_mark(b, g, GRID_BLACKOUT, "B");
	if (d->busy > 0) {
		busy[0] = g->municipality != NULL ? '*' : d->busy > 9 ? '+' :
		    (char)('0' + d->busy);
		busy[1] = '\0';
		used += grid_mark(b, g, GRID_BUSY, busy);
	}
	grid_blanks(b, used < GRID_MARKS ? GRID_MARKS - used : 0);
}

/*
 * Appends the legend: words wrapped at the grid's width, each entry its
 * mark and what it means.
 */
static void
grid_legend(struct grid_buf *b, const struct grid_month *g)
{
	char mark[2], *busy;
	const char *colour;
	size_t i, col = 0, w;
	struct {
		const char	*colour;
		const char	*mark;
		const char	*words;
	} extra[4];

	extra[0].colour = GRID_HOLIDAY;
	extra[0].mark = "H";
	extra[0].words = "public holiday";
	extra[1].colour = GRID_EVENING;
	extra[1].mark = "h";
	extra[1].words = "no evening meetings";
	extra[2].colour = GRID_BLACKOUT;
	extra[2].mark = "B";
	extra[2].words = "region blackout";
	extra[3].colour = GRID_BUSY;
	if (g->municipality != NULL) {
		extra[3].mark = "*";
		xasprintf(&busy, "%s busy", g->municipality);
	} else {
		extra[3].mark = "1-9";
		busy = xstrdup("municipalities busy");
	}
	extra[3].words = busy;
	for (i = 0; i < GRID_NKINDS + 4; i++) {
		if (i < GRID_NKINDS) {
			mark[0] = grid_kinds[i].letter;
			mark[1] = '\0';
			colour = GRID_MEETING;
			w = 2 + strlen(grid_kinds[i].words);
		} else {
			colour = extra[i - GRID_NKINDS].colour;
			w = strlen(extra[i - GRID_NKINDS].mark) + 1 +
			    strlen(extra[i - GRID_NKINDS].words);
		}
		if (col > 0 && col + 2 + w > GRID_WIDTH) {
			grid_eol(b);
			col = 0;
		}
		if (col > 0) {
			grid_add(b, "  ");
			col += 2;
		}
		if (i < GRID_NKINDS) {
			grid_mark(b, g, colour, mark);
			grid_add(b, " %s", grid_kinds[i].words);
		} else {
			grid_mark(b, g, colour, extra[i - GRID_NKINDS].mark);
			grid_add(b, " %s", extra[i - GRID_NKINDS].words);
		}
		col += w;
	}
	if (g->today > 0) {
		if (col + 9 > GRID_WIDTH) {
			grid_eol(b);
			col = 0;
		}
		grid_add(b, "%s> today", col > 0 ? "  " : "");
	}
	grid_eol(b);
	free(busy);
}

/*
 * The month as text (free it): its name and year centred, the weekday
 * names, one row per week with the marks of each day, a blank line and
 * the legend.  An impossible month gives an empty string.
 */
char *
grid_render(const struct grid_month *g)
{
	struct grid_buf b = { NULL, 0, 0 };
	struct date first;
	char *title;
	int ndays, col, day, i;

	grid_add(&b, "%s", "");
	first.year = g->year;
	first.month = g->month;
	first.day = 1;
	if (!date_valid(&first))
		return b.s;
	for (ndays = 28; ndays < 31; ndays++) {
		first.day = ndays + 1;
		if (!date_valid(&first))
			break;
	}
	first.day = 1;

	xasprintf(&title, "%s %d", grid_month_names[g->month - 1], g->year);
	grid_blanks(&b, (GRID_WIDTH - strlen(title)) / 2);
	grid_add(&b, "%s", title);
	grid_eol(&b);
	free(title);
	for (i = 0; i < 7; i++)
		grid_add(&b, "%-*s%s", GRID_CELL, grid_day_names[i],
		    i < 6 ? " " : "");
	grid_eol(&b);

	/* Monday first: date_weekday counts from Sunday. */
	col = (date_weekday(&first) + 6) % 7;
	grid_blanks(&b, (size_t)col * (GRID_CELL + 1));
	for (day = 1; day <= ndays; day++) {
		grid_cell(&b, g, day);
		if (++col == 7 || day == ndays) {
			grid_eol(&b);
			col = 0;
		} else
			grid_add(&b, " ");
	}
	grid_eol(&b);
	grid_legend(&b, g);
	return b.s;
}
