/* samend: the daemon's one internal header. Types first, then prototypes. */
#ifndef SAMEND_H
#define SAMEND_H

#include <sys/queue.h>
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "frame.h"
#include "log.h"
#include "samen.pb-c.h"
#include "tls.h"
#include "version.h"

struct event_base;
struct bufferevent;
struct evconnlistener;
struct event;
struct sockaddr;

#define SAMEND_DEFAULT_CONFIG	"/etc/samen/samend.conf"
#define SAMEND_DB_NAME		"samen.db"

/* ---- configuration ---------------------------------------------------- */

struct config {
	char		*path;
	/* [server] */
	char		*listen;		/* HOST:PORT as written */
	char		*listen_host;		/* parsed from listen */
	char		*listen_port;
	char		*state_dir;
	enum log_level	 log_level;
	/* [tls] */
	char		*ca;
	char		*cert;
	char		*key;
	char		*crl;
	int		 tls_min;		/* TLS_MIN_12 or TLS_MIN_13 */
	/* [limits] */
	long long	 max_frame;
	long long	 max_connections;
	long long	 handshake_timeout;	/* seconds */
	long long	 idle_timeout;		/* seconds, 0: none */
};

/* ---- storage ---------------------------------------------------------- */

struct store;

/* One issued certificate, as `pki list` shows it. */
struct cert_record {
	char		*serial;	/* hex */
	char		*name;
	char		*municipality;
	char		*role;
	int64_t		 not_before;
	int64_t		 not_after;
	int64_t		 revoked_at;	/* 0: not revoked */
};

/* ---- connections ------------------------------------------------------ */

enum conn_state {
	CONN_HANDSHAKE,		/* TLS handshake under way */
	CONN_READY,		/* verified; reading requests */
	CONN_WATCHING,		/* READY, and a watch is active */
	CONN_CLOSING,		/* flushing the last output, then freed */
};

struct server;

struct conn {
	uint64_t		 id;
	struct server		*srv;
	enum conn_state		 state;
	struct bufferevent	*bev;
	struct event		*timer;
	char			 peer[80];	/* address:port, for logs */
	struct tls_principal	 who;
	int			 fd;
	struct ssl_st		*ssl;
	int			 greeted;	/* hello answered */
	int			 peer_closed;	/* EOF or error from the peer */
	uint64_t		 requests;
	TAILQ_ENTRY(conn)	 entry;
};
TAILQ_HEAD(conn_list, conn);

/* A refused socket, drained briefly before it is closed. */
struct linger_sock {
	struct server		*srv;
	int			 fd;
	struct event		*ev;
	TAILQ_ENTRY(linger_sock) entry;
};
TAILQ_HEAD(linger_list, linger_sock);

struct server {
	struct event_base	*base;
	struct config		*cfg;
	struct store		*store;
	struct ssl_ctx_st	*tls;
	struct evconnlistener	*listener;
	struct event		*sig_term;
	struct event		*sig_int;
	struct event		*sig_hup;
	struct conn_list	 conns;
	unsigned int		 nconns;
	struct linger_list	 lingering;
	unsigned int		 nlinger;
	uint64_t		 next_conn_id;
	uint64_t		 accepted_total;
	uint64_t		 refused_total;
	uint64_t		 requests_total;
	time_t			 started;
	int			 stopping;
	int			 debug;		/* -d: debug whatever the config says */
	char			*region_name;
	char			*time_zone;
};

/* What a handler gets: who asks, on which connection, and a place for its
 * answer's memory, all freed once the response is sent. */
struct dispatch_ctx {
	struct server		*srv;
	struct conn		*conn;
	const struct tls_principal *who;
	Samen__V1__Status	 status;
	void			**allocs;
	size_t			 nallocs;
};

/* ---- prototypes ------------------------------------------------------- */

/* config.c */
int	 config_load(const char *, struct config *, char **);
void	 config_free(struct config *);
void	 config_print(FILE *, const struct config *);
int	 config_split_hostport(const char *, char **, char **, char **);

/* store.c */
struct store *store_open(const char *, int, char **);
void	 store_close(struct store *);
char	*store_path(const char *);
uint64_t store_rev(struct store *);
int64_t	 store_size(struct store *);
int	 store_begin(struct store *, char **);
int	 store_commit(struct store *, char **);
void	 store_rollback(struct store *);
int	 store_put(struct store *, const Samen__V1__Entity *, uint64_t *,
	    char **);
Samen__V1__Entity *store_get(struct store *, Samen__V1__Kind, const char *,
	    char **);
int	 store_count(struct store *, Samen__V1__Kind, int64_t *, char **);
int	 store_cert_add(struct store *, const struct cert_record *, char **);
int	 store_cert_revoke(struct store *, const char *, int64_t, int *,
	    char **);
int	 store_cert_list(struct store *, struct cert_record **, size_t *,
	    char **);
void	 store_cert_free(struct cert_record *, size_t);
Samen__V1__Kind store_entity_kind(const Samen__V1__Entity *);

/* pki.c */
int	 pki_init(const struct config *, const char *const *, size_t, char **);
int	 pki_server_cert(const struct config *, const char *const *, size_t,
	    char **);
int	 pki_issue(struct store *, const struct config *, const char *,
	    const char *, const char *, int, time_t, const char *, char **);
int	 pki_revoke(struct store *, const struct config *, const char *,
	    char **);
int	 pki_write_crl(struct store *, const struct config *, char **);

/* region.c */
int	 region_election_date(int, char *, size_t);
int	 region_installation_date(const char *, char *, size_t);
int	 region_init(struct store *, const char *, const char *, const char *,
	    char *const *, size_t, char **);

/* server.c */
int	 server_start(struct server *, char **);
void	 server_run(struct server *);
void	 server_free(struct server *);
int	 server_reload(struct server *, char **);

/* conn.c */
void	 conn_accept(struct server *, int, const struct sockaddr *, int);
void	 conn_lost(struct conn *, const char *);
void	 conn_close(struct conn *);
void	 conn_linger_free(struct linger_sock *);
void	 conn_close_all(struct server *);
void	 conn_send(struct conn *, const Samen__V1__Frame *);

/* dispatch.c */
void	 dispatch_request(struct conn *, uint64_t, const Samen__V1__Request *);
void	*dispatch_alloc(struct dispatch_ctx *, size_t);
char	*dispatch_strdup(struct dispatch_ctx *, const char *);
int	 dispatch_error(struct dispatch_ctx *, Samen__V1__Status__Code,
	    const char *, ...) __attribute__((format(printf, 3, 4)));
const char *dispatch_code_name(Samen__V1__Status__Code);

/* status.c */
int	 status_hello(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
int	 status_stats(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);

#endif
