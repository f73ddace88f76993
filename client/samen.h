/* samen: the client's one internal header. Types first, then prototypes. */
#ifndef SAMEN_H
#define SAMEN_H

#include <stdint.h>
#include <stdio.h>

#include "frame.h"
#include "log.h"
#include "samen.pb-c.h"
#include "tls.h"
#include "version.h"
#include "wire.h"

/* Exit codes (DESIGN §7, after sysexits). */
#define EXIT_OK		0
#define EXIT_OTHER	1
#define EXIT_USAGE	64
#define EXIT_DATAERR	65
#define EXIT_NOTFOUND	66
#define EXIT_UNAVAIL	69
#define EXIT_CONFLICT	73
#define EXIT_NOPERM	77
#define EXIT_CONFIG	78

#define CLIENT_TIMEOUT_MS	10000

struct client_conf {
	char	*path;		/* the file it was read from */
	char	*server;	/* HOST:PORT */
	char	*ca;
	char	*cert;
	char	*key;
};

struct client_conn;
struct mirror;
struct out_table;

/* What every command handler gets. */
struct client {
	const char		*config_path;	/* --config, or NULL */
	const char		*server;	/* --server, or NULL */
	int			 json;		/* --json */
	struct client_conf	 conf;
	struct client_conn	*conn;
};

struct client_cmd {
	const char	*name;
	const char	*args;		/* usage after the name */
	const char	*help;		/* one line */
	int		(*fn)(struct client *, int, char **);
	int		 flags;
#define CMD_SUBCOMMANDS	0x1	/* the handler answers --help itself */
};

/* conn_next: what came, or why nothing did. */
#define CONN_FRAME	0	/* a frame */
#define CONN_NOTHING	1	/* nothing yet: a read timed out or a signal */
#define CONN_FAILED	(-1)	/* the connection failed: *cause */

/* The enums of the entities, as words on the command line and in JSON. */
enum entity_enum {
	ENTITY_PHASE,		/* AgendaItem.Phase */
	ENTITY_STATUS,		/* AgendaItem.State */
	ENTITY_SOURCE,		/* AgendaItem.Source */
	ENTITY_DECISION,	/* Decision.State */
	ENTITY_MEETING_KIND,	/* Meeting.MeetingKind */
	ENTITY_MEETING_STATE,	/* Meeting.State */
	ENTITY_DOSSIER_STATE,	/* Dossier.State */
	ENTITY_KIND,		/* Kind */
};

/* A month of the calendar view, as grid_render takes it (grid.c). */
#define GRID_KINDS_MAX		3	/* meeting letters shown in a cell */
#define GRID_HOLIDAY_NONE	0
#define GRID_HOLIDAY_DAY	1	/* no meetings that day */
#define GRID_HOLIDAY_EVENING	2	/* no evening meetings */
#define GRID_HOLIDAY_LISTED	3	/* listed, not blocked (Good Friday) */

struct grid_day {
	char	kinds[GRID_KINDS_MAX + 1];	/* the first meetings' kinds */
	int	meetings;	/* meetings that day */
	int	holiday;	/* GRID_HOLIDAY_* */
	int	blackout;	/* inside a region blackout */
	int	busy;		/* municipalities busy that day */
};

struct grid_month {
	int		 year;
	int		 month;		/* 1..12 */
	int		 today;		/* day of month to mark; 0: none */
	const char	*municipality;	/* busy is that one's: '*' */
	int		 colour;	/* ANSI colours */
	struct grid_day	 days[31];
};

/* ---- prototypes ------------------------------------------------------- */

/* main.c */
int	 client_usage_error(const struct client_cmd *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
const struct client_cmd *client_find_cmd(const char *);
int	 client_wants_help(int, char **);
void	 client_print_cmd_help(const struct client_cmd *);
int	 client_bad_option(const struct client_cmd *, char **);
int	 client_parse_number(const char *, uint64_t, uint64_t *);
int	 client_run_subcommand(struct client *, int, char **,
	    const struct client_cmd *, size_t, void (*)(FILE *));

/* conf.c */
char	*conf_default_path(void);
int	 conf_load(struct client *, char **);
int	 conf_write(const char *, const struct client_conf *, char **);
void	 conf_free(struct client_conf *);

/* conn.c */
int	 conn_open(struct client *, Samen__V1__HelloResponse **);
int	 conn_open_quiet(struct client *, Samen__V1__HelloResponse **,
	    char **);
int	 conn_call(struct client *, const Samen__V1__Request *,
	    Samen__V1__Response **);
int	 conn_call_quiet(struct client *, const Samen__V1__Request *,
	    Samen__V1__Response **, char **);
int	 conn_send(struct client *, const Samen__V1__Request *, uint64_t *,
	    char **);
int	 conn_next(struct client *, Samen__V1__Frame **, char **);
void	 conn_no_timeout(struct client *);
void	 conn_close(struct client *);
void	 conn_response_free(Samen__V1__Response *);

/* output.c */
int	 out_status_exit(Samen__V1__Status__Code);
int	 out_error(struct client *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 out_status(struct client *, const Samen__V1__Status *);
void	 out_json_print(void *);
const char *out_role_name(Samen__V1__Role);
void	 out_time(int64_t, int, char *, size_t);
struct out_table *out_table_new(size_t);
void	 out_table_right(struct out_table *, size_t);
void	 out_table_add(struct out_table *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 out_table_print(struct out_table *);
void	 out_table_free(struct out_table *);

/* entity.c */
const char *entity_word(enum entity_enum, int);
const char *entity_word_or_dash(enum entity_enum, int);
int	 entity_parse_word(enum entity_enum, const char *, int *);
char	*entity_words(enum entity_enum);
const char *entity_kind_name(Samen__V1__Kind);
void	*entity_json(const Samen__V1__Entity *);
char	*entity_summary(const Samen__V1__Entity *);
int	 entity_idcmp(const char *, const char *);
int	 entity_diverges(Samen__V1__Entity *const *, size_t);
int	 entity_diff_print(const Samen__V1__Entity *,
	    const Samen__V1__Entity *, FILE *);
void	*entity_diff_json(const Samen__V1__Entity *,
	    const Samen__V1__Entity *);

/* edit.c */
int	 edit_put(struct client *, const Samen__V1__Entity *, uint64_t,
	    Samen__V1__Entity **);
int	 edit_for_municipality(const struct client_cmd *,
	    const Samen__V1__HelloResponse *, const char *, const char *,
	    char **);
char	*edit_id(const char *, char);
void	 edit_list(const char *, char, char ***, size_t *);
void	 edit_list_free(char **, size_t);
char	*edit_list_join(char *const *, size_t);
int	 edit_word(const struct client_cmd *, enum entity_enum, const char *,
	    const char *, int *);
int	 edit_words(const struct client_cmd *, enum entity_enum,
	    const char *, const char *, int **, size_t *);
int	 edit_date(const struct client_cmd *, const char *, const char *);
int	 edit_hhmm(const char *, int *, int *);
int	 edit_rev(const struct client_cmd *, const char *, uint64_t *);
int	 edit_id_rev(const struct client_cmd *, int, char **, const char *,
	    uint64_t *, int *);
int	 edit_get(struct client *, struct mirror *, Samen__V1__Kind,
	    const char *, const char *, int, Samen__V1__Entity **);
int	 edit_open(struct client *, Samen__V1__HelloResponse **,
	    Samen__V1__Kind, char, const char *, const char *,
	    struct mirror **, Samen__V1__Entity **);
int	 edit_mirror_error(struct client *, char *);
int	 edit_in(const int *, size_t, int);
const char *edit_dash(const char *);

/* localtime.c */
char	*local_zone(struct mirror *, const Samen__V1__HelloResponse *);
int	 local_to_utc(const char *, const char *, int, int, int64_t *);
void	 local_from_utc(const char *, int64_t, char *, char *);
void	 local_today(const char *, char *);
const char *local_weekday(const char *, int);

/* grid.c */
char	 grid_kind_letter(int);
char	*grid_render(const struct grid_month *);

/* mirror.c */
int	 mirror_open(struct client *, struct mirror **, char **);
void	 mirror_close(struct mirror *);
uint64_t mirror_rev(const struct mirror *);
int64_t	 mirror_synced_at(const struct mirror *);
int	 mirror_resynced(const struct mirror *);
int	 mirror_sync(struct client *, struct mirror *, int, uint64_t *,
	    char **);
int	 mirror_apply(struct mirror *, const Samen__V1__Change *, char **);
int	 mirror_get(struct mirror *, Samen__V1__Kind, const char *,
	    Samen__V1__Entity **, char **);
int	 mirror_list(struct mirror *, Samen__V1__Kind, const char *,
	    Samen__V1__Entity ***, size_t *, char **);
void	 mirror_list_free(Samen__V1__Entity **, size_t);
int	 mirror_refresh(struct client *, struct mirror **, int *);
int	 mirror_open_synced(struct client *, struct mirror **);
void	 mirror_written(struct client *, struct mirror *);

/* cmd-setup.c */
int	 cmd_setup(struct client *, int, char **);

/* cmd-status.c */
int	 cmd_status(struct client *, int, char **);
int	 cmd_stats(struct client *, int, char **);
int	 cmd_backup(struct client *, int, char **);

/* cmd-sync.c */
int	 cmd_sync(struct client *, int, char **);
int	 cmd_watch(struct client *, int, char **);

/* cmd-agenda.c */
int	 cmd_agenda(struct client *, int, char **);

/* cmd-priorities.c */
int	 cmd_priorities(struct client *, int, char **);

/* cmd-audit.c */
int	 cmd_audit(struct client *, int, char **);

/* cmd-meeting.c */
int	 cmd_meeting(struct client *, int, char **);
int	 meeting_involves(const Samen__V1__Meeting *, const char *);
void	 meeting_sort(Samen__V1__Entity **, size_t);

/* cmd-availability.c */
int	 cmd_availability(struct client *, int, char **);

/* cmd-dossier.c */
int	 cmd_dossier(struct client *, int, char **);

/* cmd-region.c */
int	 cmd_region(struct client *, int, char **);

/* cmd-timeline.c */
int	 cmd_timeline(struct client *, int, char **);
int	 cmd_holidays(struct client *, int, char **);
int	 cmd_export_ical(struct client *, int, char **);

/* cmd-plan.c */
int	 cmd_plan(struct client *, int, char **);

/* cmd-calendar.c */
int	 cmd_calendar(struct client *, int, char **);

#endif
