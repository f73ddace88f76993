/* samen status: who the server is and who it says we are. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "samen.h"

/* Connects, says hello, prints the answer. */
int
cmd_status(struct client *c, int argc, char **argv)
{
	Samen__V1__HelloResponse *h;
	int rv;

	(void)argv;
	if (argc != 1)
		return client_usage_error(client_find_cmd("status"),
		    "status takes no arguments");
	if ((rv = conn_open(c, &h)) != 0)
		return rv;
	if (c->json) {
		out_json_print(json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s}",
		    "server_version", h->server_version,
		    "region", h->region,
		    "name", h->principal ? h->principal->name : "",
		    "municipality", h->principal ?
		    h->principal->municipality : "",
		    "role", h->principal ? out_role_name(h->principal->role) :
		    "",
		    "rev", (json_int_t)h->rev,
		    "time_zone", h->time_zone,
		    "server", c->conf.server));
	} else {
		printf("server        %s (samend %s)\n", c->conf.server,
		    h->server_version);
		printf("region        %s\n", h->region);
		if (h->principal != NULL) {
			printf("you are       %s\n", h->principal->name);
			printf("municipality  %s\n",
			    h->principal->municipality);
			printf("role          %s\n",
			    out_role_name(h->principal->role));
		}
		printf("rev           %llu\n", (unsigned long long)h->rev);
	}
	samen__v1__hello_response__free_unpacked(h, NULL);
	conn_close(c);
	return 0;
}

/* samen stats (admin): how the daemon runs. */
int
cmd_stats(struct client *c, int argc, char **argv)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__StatsRequest sr = SAMEN__V1__STATS_REQUEST__INIT;
	Samen__V1__Response *resp;
	Samen__V1__StatsResponse *s;
	int rv;

	(void)argv;
	if (argc != 1)
		return client_usage_error(client_find_cmd("stats"),
		    "stats takes no arguments");
	if ((rv = conn_open(c, NULL)) != 0)
		return rv;
	req.body_case = SAMEN__V1__REQUEST__BODY_STATS;
	req.stats = &sr;
	if (conn_call(c, &req, &resp) == -1)
		return EXIT_UNAVAIL;
	if ((rv = out_status(c, resp->status)) != 0 ||
	    resp->body_case != SAMEN__V1__RESPONSE__BODY_STATS) {
		conn_response_free(resp);
		return rv ? rv : EXIT_OTHER;
	}
	s = resp->stats;
	if (c->json)
		out_json_print(json_pack("{s:i,s:I,s:I,s:I,s:I,s:I,s:I}",
		    "connections", (int)s->connections,
		    "connections_total", (json_int_t)s->connections_total,
		    "refused_total", (json_int_t)s->refused_total,
		    "requests", (json_int_t)s->requests,
		    "rev", (json_int_t)s->rev,
		    "uptime_seconds", (json_int_t)s->uptime_seconds,
		    "database_bytes", (json_int_t)s->database_bytes));
	else {
		printf("connections   %u open, %llu accepted, %llu refused\n",
		    s->connections, (unsigned long long)s->connections_total,
		    (unsigned long long)s->refused_total);
		printf("requests      %llu\n", (unsigned long long)s->requests);
		printf("rev           %llu\n", (unsigned long long)s->rev);
		printf("uptime        %llu s\n",
		    (unsigned long long)s->uptime_seconds);
		printf("database      %llu bytes\n",
		    (unsigned long long)s->database_bytes);
	}
	conn_response_free(resp);
	return 0;
}

/* samen backup [--out NAME] (admin): an online copy on the server. */
int
cmd_backup(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__BackupRequest br = SAMEN__V1__BACKUP_REQUEST__INIT;
	Samen__V1__Response *resp;
	Samen__V1__BackupResponse *b;
	int ch, rv;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (*optarg == '\0')
				return client_usage_error(
				    client_find_cmd("backup"),
				    "--out needs a file name");
			br.name = optarg;
			break;
		default:
			return client_bad_option(client_find_cmd("backup"),
			    argv);
		}
	}
	if (optind != argc)
		return client_usage_error(client_find_cmd("backup"),
		    "unexpected argument '%s'", argv[optind]);
	if ((rv = conn_open(c, NULL)) != 0)
		return rv;
	req.body_case = SAMEN__V1__REQUEST__BODY_BACKUP;
	req.backup = &br;
	if (conn_call(c, &req, &resp) == -1)
		return EXIT_UNAVAIL;
	if ((rv = out_status(c, resp->status)) != 0 ||
	    resp->body_case != SAMEN__V1__RESPONSE__BODY_BACKUP) {
		conn_response_free(resp);
		return rv ? rv : EXIT_OTHER;
	}
	b = resp->backup;
	if (c->json)
		out_json_print(json_pack("{s:s,s:I,s:I}", "path", b->path,
		    "bytes", (json_int_t)b->bytes, "rev", (json_int_t)b->rev));
	else
		printf("backup written on the server: %s (%llu bytes, rev "
		    "%llu)\n", b->path, (unsigned long long)b->bytes,
		    (unsigned long long)b->rev);
	conn_response_free(resp);
	return 0;
}
