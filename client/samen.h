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
};

/* ---- prototypes ------------------------------------------------------- */

/* main.c */
int	 client_usage_error(const struct client_cmd *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
const struct client_cmd *client_find_cmd(const char *);
int	 client_wants_help(int, char **);
void	 client_print_cmd_help(const struct client_cmd *);

/* conf.c */
char	*conf_default_path(void);
int	 conf_load(struct client *, char **);
int	 conf_write(const char *, const struct client_conf *, char **);
void	 conf_free(struct client_conf *);

/* conn.c */
int	 conn_open(struct client *, Samen__V1__HelloResponse **);
int	 conn_call(struct client *, const Samen__V1__Request *,
	    Samen__V1__Response **);
void	 conn_close(struct client *);
void	 conn_response_free(Samen__V1__Response *);

/* output.c */
int	 out_status_exit(Samen__V1__Status__Code);
const char *out_code_name(Samen__V1__Status__Code);
int	 out_error(struct client *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 out_status(struct client *, const Samen__V1__Status *);
void	 out_json_print(void *);
const char *out_role_name(Samen__V1__Role);

/* cmd-setup.c */
int	 cmd_setup(struct client *, int, char **);

/* cmd-status.c */
int	 cmd_status(struct client *, int, char **);
int	 cmd_stats(struct client *, int, char **);

#endif
