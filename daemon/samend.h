/* samend: the daemon's one internal header. Types first, then prototypes. */
#ifndef SAMEND_H
#define SAMEND_H

#include <sys/queue.h>
#include <sys/time.h>
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "frame.h"
#include "log.h"
#include "samen.pb-c.h"
#include "tls.h"
#include "version.h"
#include "wire.h"

struct event_base;
struct bufferevent;
struct evconnlistener;
struct event;
struct evbuffer;
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
	long long	 session_cache;		/* TLS sessions kept */
	/* [limits] */
	long long	 max_frame;
	long long	 max_connections;
	long long	 handshake_timeout;	/* seconds */
	long long	 idle_timeout;		/* seconds, 0: none */
	long long	 frame_timeout;		/* seconds to finish a frame */
	long long	 max_connections_per_cert;
	long long	 request_rate;		/* per second, 0: no limit */
	long long	 request_burst;
	long long	 watch_buffer;		/* bytes queued to a watcher */
	long long	 sync_page;		/* changes per sync page */
	long long	 max_title;		/* bytes in a title or name */
	long long	 max_text;		/* bytes in a description or note */
	long long	 tombstone_retention;	/* seconds a tombstone is kept */
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

/* One audit record; the strings belong to the caller. */
#define AUDIT_HASH_LEN	32
struct audit_record {
	uint64_t	 rev;
	int64_t		 time;
	const char	*principal;
	const char	*action;	/* create, update, delete */
	int		 kind;		/* Samen__V1__Kind */
	const char	*id;
	const char	*summary;
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
	uint64_t		 watch_id;	/* frame id of the active watch */
	unsigned int		 pending;	/* responses waiting for a commit */
	Samen__V1__Frame	*held;		/* a read waiting for those */
	uint64_t		 requests;
	int			 partial;	/* a frame has begun */
	int			 throttled;	/* read on once output drains */
	int			 reading_on;	/* on the server's readon list */
	int			 kicked;	/* on the server's kicked list */
	int			 refused;	/* after the handshake */
	double			 tokens;	/* the request budget */
	uint64_t		 requests_refused;
	struct timeval		 refilled;	/* when it last grew */
	TAILQ_ENTRY(conn)	 entry;
	TAILQ_ENTRY(conn)	 readon_entry;
	TAILQ_ENTRY(conn)	 kicked_entry;
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

struct batch;

struct server {
	struct event_base	*base;
	struct config		*cfg;
	struct store		*store;		/* writes, and reads by writers */
	struct store		*rstore;	/* reads: committed data only */
	struct batch		*batch;		/* the group commit under way */
	uint64_t		 committed_rev;
	struct ssl_ctx_st	*tls;
	struct evconnlistener	*listener;
	struct event		*sig_term;
	struct event		*sig_int;
	struct event		*sig_hup;
	struct event		*sig_usr1;
	struct event		*tick;		/* watchdog and status */
	struct event		*snap_end;	/* ends a turn's read snapshot */
	int			 committing;	/* in the commit event */
	struct conn_list	 readon;	/* records buffered in OpenSSL */
	struct event		*readon_ev;	/* reads them, next turn */
	struct conn_list	 kicked;	/* written in the commit's pass */
	struct event		*kicked_ev;	/* then back to priority 1 */
	uint64_t		 watchdog_usec;	/* 0: no watchdog */
	int			 notify;	/* NOTIFY_SOCKET is set */
	int			 lock;		/* the state directory's */
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

struct dispatch_free {
	void	(*fn)(void *);
	void	*p;
};

/* What a handler gets: who asks, on which connection, and a place for its
 * answer's memory, all freed once the response is sent. */
struct dispatch_ctx {
	struct server		*srv;
	struct conn		*conn;
	const struct tls_principal *who;
	Samen__V1__Status	 status;
	Samen__V1__Entity	*current;	/* with CONFLICT */
	struct evbuffer		*trailer;	/* frames to send after the response */
	struct evbuffer		*sync_changes;	/* a sync page's changes, encoded */
	void			**allocs;
	size_t			 nallocs;
	struct dispatch_free	*frees;		/* run after the response is sent */
	size_t			 nfrees;
	int			 writes;	/* this request runs in the batch */
	uint64_t		 frame_id;	/* the request's */
	Samen__V1__Request	*req;		/* unpacked for this dispatch
						   alone: a handler may take
						   parts of it */
};

/* ---- prototypes ------------------------------------------------------- */

/* config.c */
int	 config_load(const char *, struct config *, char **);
void	 config_free(struct config *);
void	 config_print(FILE *, const struct config *);
int	 config_split_hostport(const char *, char **, char **, char **);

/* store.c */
#define STORE_OPEN	0	/* an existing database, migrated */
#define STORE_CREATE	1
#define STORE_READONLY	2	/* as it is: no migration, no writes */
struct store *store_open(const char *, int, char **);
int	 store_backup(struct store *, const char *, uint64_t *, int64_t *,
	    char **);
int	 store_integrity(struct store *, char **);
int	 store_checkpoint(struct store *, char **);
int	 store_full(struct store *);
int	 store_in_transaction(struct store *);
int	 store_restart_revs(struct store *, uint64_t, char **);
void	 store_close(struct store *);
char	*store_path(const char *);
uint64_t store_rev(struct store *);
int64_t	 store_size(struct store *);
int	 store_begin(struct store *, char **);
int	 store_commit(struct store *, char **);
void	 store_rollback(struct store *);
int	 store_put(struct store *, const Samen__V1__Entity *, uint64_t *,
	    uint8_t **, size_t *, char **);
int	 store_exists(struct store *, Samen__V1__Kind, const char *,
	    char **);
Samen__V1__Entity *store_get(struct store *, Samen__V1__Kind, const char *,
	    char **);
int	 store_cert_add(struct store *, const struct cert_record *, char **);
int	 store_cert_revoke(struct store *, const char *, int64_t, int *,
	    char **);
int	 store_cert_list(struct store *, struct cert_record **, size_t *,
	    char **);
void	 store_cert_free(struct cert_record *, size_t);
int	 store_meta_get(struct store *, const char *, int64_t *, char **);
int	 store_read_revs(struct store *, int64_t *, int64_t *, char **);
int	 store_next_seq(struct store *, char, int64_t *, char **);
int	 store_savepoint(struct store *, uint64_t *, char **);
void	 store_savepoint_end(struct store *, uint64_t, int);
int	 store_delete(struct store *, Samen__V1__Kind, const char *, int64_t,
	    uint64_t *, char **);
int	 store_purge_tombstones(struct store *, int64_t, char **);
int	 store_read_begin(struct store *, char **);
void	 store_read_end(struct store *);
void	 store_read_release(struct store *);
void	 store_link_reader(struct store *, struct store *, void (*)(void *),
	    void *);
struct store_row {
	int		 kind;
	const char	*id;
	uint64_t	 rev;
	const void	*body;		/* the packed Entity; NULL: deleted */
	size_t		 len;
};
int	 store_changes_each(struct store *, uint64_t, size_t,
	    int (*)(void *, const struct store_row *, char **), void *,
	    size_t *, int *, char **);
int	 store_changes(struct store *, uint64_t, size_t, Samen__V1__Change ***,
	    size_t *, int *, char **);
void	 store_change_free(Samen__V1__Change *);
int	 store_list(struct store *, Samen__V1__Kind, Samen__V1__Entity ***,
	    size_t *, char **);
void	 store_list_free(Samen__V1__Entity **, size_t);
int	 store_audit_add(struct store *, const struct audit_record *, char **);
int	 store_plan_get(struct store *, const char *, char **, char **,
	    uint64_t *, char **);
int	 store_plan_add(struct store *, const char *, uint64_t, const char *,
	    const char *, char **);
int	 store_audit_each(struct store *, uint64_t, size_t,
	    int (*)(const struct audit_record *, const unsigned char *, void *),
	    void *, int *, char **);

/* pki.c */
int	 pki_init(const struct config *, const char *const *, size_t, char **);
int	 pki_server_cert(const struct config *, const char *const *, size_t,
	    char **);
int	 pki_issue(struct store *, const struct config *, const char *,
	    const char *, const char *, int, time_t, const char *, char **);
int	 pki_revoke(struct store *, const struct config *, const char *,
	    char **);
int	 pki_write_crl(struct store *, const struct config *, char **);

/* availability.c */
int	 availability_import(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);

/* audithash.c */
void	 audit_hash(const unsigned char *, const struct audit_record *,
	    unsigned char *);

/* audit.c */
int	 audit_list(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
int	 audit_verify(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
int	 audit_check(struct store *, uint64_t *, uint64_t *, const char **,
	    char **);

/* backup.c */
int	 backup_run(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
int	 backup_lock(const char *, char **);
int	 backup_offline(const struct config *, const char *);
int	 backup_restore(const struct config *, const char *);

/* auth.c */
enum auth_op {
	AUTH_CREATE,
	AUTH_UPDATE,
	AUTH_DELETE,
};
int	 auth_write(const struct tls_principal *, enum auth_op, Samen__V1__Kind,
	    const Samen__V1__Entity *, const Samen__V1__Entity *, char **);
const char *auth_kind_name(Samen__V1__Kind);

/*
 * A change of the batch, for the watchers once it is durable: an entity
 * as stored (packed, unpacked only if someone watches) or a tombstone.
 */
struct change {
	uint64_t		 rev;
	uint8_t			*entity;	/* packed, or NULL: */
	size_t			 len;
	Samen__V1__Tombstone	*deleted;
};

/* commit.c */
int	 commit_join(struct server *, uint64_t *, char **);
void	 commit_leave(struct server *, uint64_t, int);
void	 commit_defer(struct server *, struct conn *, struct evbuffer *, int);
void	 commit_forget_conn(struct server *, struct conn *);
int	 commit_put(struct dispatch_ctx *, Samen__V1__Entity *, const char *,
	    const char *, uint64_t *);
int	 commit_delete(struct dispatch_ctx *, Samen__V1__Kind, const char *,
	    const char *, uint64_t *);
void	 commit_free(struct server *);
void	 commit_flush(struct server *);
int	 commit_init(struct server *);

/* entity.c */
struct entity_page {
	Samen__V1__Change	**v;
	size_t			  n;
};
int	 entity_changes(struct dispatch_ctx *, uint64_t, uint64_t, size_t,
	    struct entity_page **, uint64_t *, int *);
int	 entity_put(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
int	 entity_delete(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
int	 entity_sync(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
const char *entity_title(const Samen__V1__Entity *);

/* agenda.c */
int	 agenda_created(struct dispatch_ctx *, const Samen__V1__Entity *);
int	 agenda_deleted(struct dispatch_ctx *, const char *);
int	 agenda_priorities(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);

/* timeline.c */
int	 timeline_holidays(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
int	 timeline_list(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);

/* validate.c */
int	 validate_entity(struct server *, Samen__V1__Entity *, char **);
int	 validate_utf8(const char *);

/* watch.c */
int	 watch_start(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
int	 watch_stop(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
void	 watch_fanout(struct server *, const struct change *, size_t);

/* meeting.c */
int	 meeting_export(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);

/* fault.c */
void	 fault_init(void);

/* plan.c */
int	 plan_run(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);

/* region.c */
int	 region_election_date(int, char *, size_t);
int	 region_installation_date(const char *, char *, size_t);
int	 region_init(struct store *, const char *, const char *, const char *,
	    char *const *, size_t, char **);

/* recycle.c */
void	 recycle_init(void);

/* notify.c */
int	 notify_enabled(void);
int	 notify_send(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
int	 notify_watchdog(uint64_t *);

/* server.c */
int	 server_start(struct server *, char **);
void	 server_run(struct server *);
void	 server_free(struct server *);
int	 server_reload(struct server *, char **);
void	 server_addrstr(const struct sockaddr *, char *, size_t);

/* conn.c */
void	 conn_accept(struct server *, int, const struct sockaddr *, int);
void	 conn_lost(struct conn *, const char *);
void	 conn_close(struct conn *);
void	 conn_linger_free(struct linger_sock *);
void	 conn_close_all(struct server *);
void	 conn_send(struct conn *, const Samen__V1__Frame *);
void	 conn_send_sync(struct conn *, const Samen__V1__Frame *,
	    struct evbuffer *);
void	 conn_resume(struct conn *);
void	 conn_fail(struct conn *, uint64_t, Samen__V1__Status__Code,
	    const char *);
void	 conn_send_status(struct conn *, uint64_t, Samen__V1__Status__Code,
	    const char *);
struct evbuffer *conn_output(struct conn *);
void	 conn_kick(struct conn *);
void	 conn_kicked_end(struct server *);
struct event *conn_readon_new(struct server *);
struct event *conn_kicked_new(struct server *);
void	 conn_watching(struct conn *, uint64_t);
void	 conn_revoke_check(struct server *, struct ssl_ctx_st *);

/* dispatch.c */
void	 dispatch_request(struct conn *, uint64_t, Samen__V1__Request *);
int	 dispatch_writes(const Samen__V1__Request *);
void	*dispatch_alloc(struct dispatch_ctx *, size_t);
void	*dispatch_realloc(struct dispatch_ctx *, void *, size_t);
int	 dispatch_store_error(struct dispatch_ctx *, char *);
void	 dispatch_defer_free(struct dispatch_ctx *, void (*)(void *), void *);
char	*dispatch_strdup(struct dispatch_ctx *, const char *);
int	 dispatch_error(struct dispatch_ctx *, Samen__V1__Status__Code,
	    const char *, ...) __attribute__((format(printf, 3, 4)));

/* status.c */
int	 status_hello(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);
int	 status_stats(struct dispatch_ctx *, const Samen__V1__Request *,
	    Samen__V1__Response *);

#endif
