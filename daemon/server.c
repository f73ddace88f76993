/*
 * The server: one event_base, the listener, signals, the TLS context in
 * force and its reload.  Connections themselves live in conn.c.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "samend.h"
#include "xmalloc.h"

/* Formats a socket address as host:port or [v6]:port, for logs. */
void
server_addrstr(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(s6->sin6_port));
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(s4->sin_port));
	} else
		snprintf(buf, len, "?");
}

/* A new connection: refused over the limit or while stopping. */
static void
server_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	struct server *srv = arg;
	char peer[80];

	(void)l;
	if (srv->stopping || srv->nconns + srv->nlinger >=
	    (unsigned)srv->cfg->max_connections) {
		server_addrstr(sa, peer, sizeof(peer));
		log_warnx("refused %s: %s", peer, srv->stopping ?
		    "shutting down" : "too many connections "
		    "([limits] max_connections)");
		srv->refused_total++;
		evutil_closesocket(fd);
		return;
	}
	conn_accept(srv, fd, sa, socklen);
}

/* accept() failed (e.g. out of file descriptors): log, keep serving. */
static void
server_accept_error_cb(struct evconnlistener *l, void *arg)
{
	(void)l;
	(void)arg;
	log_warn("accept");
}

/* SIGTERM, SIGINT: stop accepting, close every connection, exit 0. */
static void
server_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;
	struct timeval tv = { 5, 0 };

	(void)what;
	if (srv->stopping)
		return;
	log_info("%s: stopping", strsignal((int)sig));
	notify_send("STOPPING=1");
	srv->stopping = 1;
	commit_flush(srv);	/* finish the writes under way */
	if (srv->listener != NULL) {
		evconnlistener_free(srv->listener);
		srv->listener = NULL;
	}
	conn_close_all(srv);
	if (srv->nconns == 0)
		event_base_loopexit(srv->base, NULL);
	else
		event_base_loopexit(srv->base, &tv);
}

/* SIGHUP: reload; a bad new configuration leaves the old in force. */
static void
server_hup_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;
	char *cause = NULL;

	(void)sig;
	(void)what;
	notify_send("RELOADING=1");
	if (server_reload(srv, &cause) == -1) {
		log_warnx("reload refused, the old configuration stays in "
		    "force: %s", cause);
		free(cause);
	} else
		log_info("reloaded configuration, certificates and CRL");
	notify_send("READY=1");
}

/* The STATUS= line systemd shows, and the watchdog's keep-alive. */
static void
server_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	notify_send("%sSTATUS=serving %u connection%s, rev %llu",
	    srv->watchdog_usec ? "WATCHDOG=1\n" : "", srv->nconns,
	    srv->nconns == 1 ? "" : "s",
	    (unsigned long long)srv->committed_rev);
}

/* SIGUSR1: the counters, in one log line. */
static void
server_usr1_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)sig;
	(void)what;
	log_info("counters: %u connections open, %llu accepted, %llu "
	    "refused, %llu requests, rev %llu, up %llds", srv->nconns,
	    (unsigned long long)srv->accepted_total,
	    (unsigned long long)srv->refused_total,
	    (unsigned long long)srv->requests_total,
	    (unsigned long long)srv->committed_rev,
	    (long long)(time(NULL) - srv->started));
}

/*
 * Re-reads the configuration file, the certificates and the CRL.  New
 * handshakes use the new context; open connections keep theirs.
 */
int
server_reload(struct server *srv, char **cause)
{
	struct config *ncfg;
	struct tls_files f;
	struct ssl_ctx_st *nctx;

	ncfg = xcalloc(1, sizeof(*ncfg));
	if (config_load(srv->cfg->path, ncfg, cause) == -1) {
		free(ncfg);
		return -1;
	}
	f.ca = ncfg->ca;
	f.cert = ncfg->cert;
	f.key = ncfg->key;
	f.crl = ncfg->crl;
	if ((nctx = tls_server_ctx(&f, ncfg->tls_min,
	    (long)ncfg->session_cache, cause)) == NULL) {
		config_free(ncfg);
		free(ncfg);
		return -1;
	}
	if (strcmp(ncfg->listen, srv->cfg->listen) != 0 ||
	    strcmp(ncfg->state_dir, srv->cfg->state_dir) != 0)
		log_warnx("listen and state_dir change only with a restart");
	tls_ctx_free(srv->tls);
	srv->tls = nctx;
	conn_revoke_check(srv, nctx);
	log_setlevel(srv->debug ? LOG_LEVEL_DEBUG : ncfg->log_level);
	config_free(srv->cfg);
	free(srv->cfg);
	srv->cfg = ncfg;
	return 0;
}

/* Binds the listener to the configured address. */
static int
server_listen(struct server *srv, char **cause)
{
	struct evutil_addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char addr[80];
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_NUMERICSERV;
	e = evutil_getaddrinfo(srv->cfg->listen_host, srv->cfg->listen_port,
	    &hints, &res);
	if (e != 0) {
		xasprintf(cause, "listen = %s: %s", srv->cfg->listen,
		    evutil_gai_strerror(e));
		return -1;
	}
	srv->listener = evconnlistener_new_bind(srv->base, server_accept_cb,
	    srv, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
	    LEV_OPT_CLOSE_ON_EXEC, 128, res->ai_addr, (int)res->ai_addrlen);
	evutil_freeaddrinfo(res);
	if (srv->listener == NULL) {
		xasprintf(cause, "cannot listen on %s: %s", srv->cfg->listen,
		    strerror(errno));
		return -1;
	}
	evconnlistener_set_error_cb(srv->listener, server_accept_error_cb);
	if (getsockname(evconnlistener_get_fd(srv->listener),
	    (struct sockaddr *)&ss, &sslen) == 0) {
		server_addrstr((struct sockaddr *)&ss, addr, sizeof(addr));
		log_info("listening on %s", addr);
	}
	return 0;
}

/* Loads the region's name and time zone for hello. */
static int
server_load_region(struct server *srv, char **cause)
{
	Samen__V1__Entity *e;

	e = store_get(srv->store, SAMEN__V1__KIND__REGION, "region", cause);
	if (e == NULL) {
		if (*cause == NULL)
			xasprintf(cause, "the database holds no region; run "
			    "'samend init' first");
		return -1;
	}
	free(srv->region_name);
	free(srv->time_zone);
	srv->region_name = xstrdup(e->region->name);
	srv->time_zone = xstrdup(e->region->time_zone);
	samen__v1__entity__free_unpacked(e, NULL);
	return 0;
}

/*
 * Under systemd: a timer on the loop sends WATCHDOG=1 at half the
 * watchdog interval (a hung loop stops sending it, and systemd restarts
 * the service) and refreshes STATUS=; without a watchdog, STATUS= every
 * 10 s.  Nothing when NOTIFY_SOCKET is not set.
 */
static int
server_notify_setup(struct server *srv, char **cause)
{
	struct timeval tv = { 10, 0 };
	uint64_t usec = 0;

	if (!notify_enabled())
		return 0;
	srv->notify = 1;
	if (notify_watchdog(&usec)) {
		srv->watchdog_usec = usec;
		tv.tv_sec = (time_t)(usec / 2 / 1000000);
		tv.tv_usec = (suseconds_t)(usec / 2 % 1000000);
		log_info("watchdog: every %llu ms",
		    (unsigned long long)(usec / 2 / 1000));
	}
	if ((srv->tick = event_new(srv->base, -1, EV_PERSIST, server_tick_cb,
	    srv)) == NULL || event_add(srv->tick, &tv) == -1) {
		xasprintf(cause, "cannot set up the watchdog timer");
		return -1;
	}
	return 0;
}

/*
 * The event loop.  With epoll's change list, an event added and removed
 * again in one turn of the loop (a connection's write event, for
 * instance, when its answer goes out at once) costs no epoll_ctl.
 */
static struct event_base *
server_base_new(void)
{
	struct event_config *cfg;
	struct event_base *base;

	if ((cfg = event_config_new()) == NULL)
		return NULL;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

/*
 * The reads of a turn share a snapshot (store_read_begin); it ends once
 * every ready connection has been served, at the group commit's
 * priority, if no commit has ended it before.
 */
static void
server_snap_end_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	store_read_release(srv->rstore);
}

static void
server_snap_begun(void *arg)
{
	struct server *srv = arg;

	event_active(srv->snap_end, EV_TIMEOUT, 1);
}

/*
 * Opens the store, makes the TLS context, binds the listener and sets up
 * signals.  -1: *cause says which step failed.
 */
int
server_start(struct server *srv, char **cause)
{
	struct tls_files f;
	char *db;

	TAILQ_INIT(&srv->conns);
	TAILQ_INIT(&srv->lingering);
	TAILQ_INIT(&srv->readon);
	TAILQ_INIT(&srv->kicked);
	srv->started = time(NULL);
	srv->lock = -1;
	if ((srv->lock = backup_lock(srv->cfg->state_dir, cause)) == -1)
		return -1;
	db = store_path(srv->cfg->state_dir);
	srv->store = store_open(db, 0, cause);
	if (srv->store != NULL)
		srv->rstore = store_open(db, 0, cause);
	free(db);
	if (srv->store == NULL || srv->rstore == NULL ||
	    server_load_region(srv, cause) == -1)
		return -1;
	srv->committed_rev = store_rev(srv->store);
	f.ca = srv->cfg->ca;
	f.cert = srv->cfg->cert;
	f.key = srv->cfg->key;
	f.crl = srv->cfg->crl;
	if ((srv->tls = tls_server_ctx(&f, srv->cfg->tls_min,
	    (long)srv->cfg->session_cache, cause)) == NULL)
		return -1;
	/*
	 * Three priorities: everything runs at 1, the group commit at 2, so
	 * it runs once every ready connection has been read.
	 */
	if ((srv->base = server_base_new()) == NULL ||
	    event_base_priority_init(srv->base, 3) == -1 ||
	    commit_init(srv) == -1 ||
	    (srv->snap_end = event_new(srv->base, -1, 0, server_snap_end_cb,
	    srv)) == NULL ||
	    event_priority_set(srv->snap_end, 2) == -1 ||
	    (srv->readon_ev = conn_readon_new(srv)) == NULL ||
	    (srv->kicked_ev = conn_kicked_new(srv)) == NULL) {
		xasprintf(cause, "cannot set up the event loop");
		return -1;
	}
	store_link_reader(srv->store, srv->rstore, server_snap_begun, srv);
	if (server_listen(srv, cause) == -1)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	srv->sig_term = evsignal_new(srv->base, SIGTERM, server_stop_cb, srv);
	srv->sig_int = evsignal_new(srv->base, SIGINT, server_stop_cb, srv);
	srv->sig_hup = evsignal_new(srv->base, SIGHUP, server_hup_cb, srv);
	srv->sig_usr1 = evsignal_new(srv->base, SIGUSR1, server_usr1_cb, srv);
	if (srv->sig_term == NULL || srv->sig_int == NULL ||
	    srv->sig_hup == NULL || srv->sig_usr1 == NULL ||
	    evsignal_add(srv->sig_term, NULL) == -1 ||
	    evsignal_add(srv->sig_int, NULL) == -1 ||
	    evsignal_add(srv->sig_hup, NULL) == -1 ||
	    evsignal_add(srv->sig_usr1, NULL) == -1) {
		xasprintf(cause, "cannot set up signal handlers");
		return -1;
	}
	return server_notify_setup(srv, cause);
}

/* Runs the loop until a signal stops it. */
void
server_run(struct server *srv)
{
	log_info("samend %s serving region %s, rev %llu", SAMEN_VERSION,
	    srv->region_name, (unsigned long long)srv->committed_rev);
	notify_send("READY=1\nSTATUS=serving region %s, rev %llu",
	    srv->region_name, (unsigned long long)srv->committed_rev);
	event_base_dispatch(srv->base);
}

/* Frees everything the server holds; the loop has ended. */
void
server_free(struct server *srv)
{
	struct event *evs[] = { srv->sig_term, srv->sig_int, srv->sig_hup,
	    srv->sig_usr1, srv->tick, srv->snap_end, srv->readon_ev,
	    srv->kicked_ev };
	size_t i;

	commit_free(srv);
	conn_close_all(srv);
	while (!TAILQ_EMPTY(&srv->conns))
		conn_lost(TAILQ_FIRST(&srv->conns), "shutting down");
	while (!TAILQ_EMPTY(&srv->lingering))
		conn_linger_free(TAILQ_FIRST(&srv->lingering));
	if (srv->listener != NULL)
		evconnlistener_free(srv->listener);
	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		if (evs[i] != NULL)
			event_free(evs[i]);
	}
	if (srv->tls != NULL)
		tls_ctx_free(srv->tls);
	if (srv->store != NULL)
		store_link_reader(srv->store, NULL, NULL, NULL);
	store_close(srv->rstore);
	store_close(srv->store);
	if (srv->base != NULL)
		event_base_free(srv->base);
	free(srv->region_name);
	free(srv->time_zone);
	if (srv->lock > 0)
		close(srv->lock);
}
