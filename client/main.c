/*
 * samen: the town hall's client.  Global options, then one command from
 * the table; each handler builds a request, sends it, prints a table or
 * JSON and returns an exit code.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "samen.h"
#include "xmalloc.h"

static int	cmd_help(struct client *, int, char **);

static const struct client_cmd client_cmds[] = {
	{ "setup", "BUNDLE.pem --server HOST:PORT [--config PATH]",
	  "install a certificate bundle from the regional secretariat",
	  cmd_setup, 0 },
	{ "status", "",
	  "connect and show the server, the region and who you are",
	  cmd_status, 0 },
	{ "sync", "[--full]",
	  "bring the local copy of the agenda up to date",
	  cmd_sync, 0 },
	{ "watch", "[--since REV] [--count N]",
	  "print every change as it happens (and keep the local copy)",
	  cmd_watch, 0 },
	{ "agenda", "list|show|add|edit|decide|rank|delete ...",
	  "the regional agenda, its council decisions and rankings",
	  cmd_agenda, CMD_SUBCOMMANDS },
	{ "priorities", "",
	  "the regional priority list, with each municipality's rank",
	  cmd_priorities, 0 },
	{ "meeting", "list|show|add|edit|confirm|cancel ...",
	  "regional meetings: plan, change, confirm, cancel",
	  cmd_meeting, CMD_SUBCOMMANDS },
	{ "availability", "show|set|import ...",
	  "the busy dates of each municipality (council evenings ...)",
	  cmd_availability, CMD_SUBCOMMANDS },
	{ "dossier", "list|show|add|edit|ready|handover|ack ...",
	  "handover dossiers for the new councils and boards",
	  cmd_dossier, CMD_SUBCOMMANDS },
	{ "region", "show|set|blackout|municipality ...",
	  "admin: key dates, blackouts, colleges of the region",
	  cmd_region, CMD_SUBCOMMANDS },
	{ "timeline", "",
	  "the handover timeline: key dates, meetings, dossiers due",
	  cmd_timeline, 0 },
	{ "plan", "--count N [--kind K] [--title T] [--from YYYY-MM-DD]\n\t"
	  "[--to YYYY-MM-DD] [--weekdays mon,tue,..] [--start HH:MM]\n\t"
	  "[--duration MIN] [--gap DAYS] [--participants M,..] "
	  "[--hosts M,..]\n\t[--key K] [--commit] [--explain]",
	  "schedule the meetings after the election (a dry run unless "
	  "--commit)",
	  cmd_plan, CMD_SUBCOMMANDS },
	{ "calendar", "[--month YYYY-MM] [--municipality ID]",
	  "a month grid: meetings, holidays, blackouts, busy dates",
	  cmd_calendar, 0 },
	{ "holidays", "[YEAR]",
	  "the public holidays of a year (default: this year)",
	  cmd_holidays, 0 },
	{ "export-ical", "[--out FILE] [--status S,..] [--kind K,..] "
	  "[--from YYYY-MM-DD]\n\t[--to YYYY-MM-DD] [--municipality M]",
	  "the meetings as one iCalendar file, for any calendar program",
	  cmd_export_ical, 0 },
	{ "audit", "[--since REV] [--limit N] | verify",
	  "admin: the audit log, or check its hash chain",
	  cmd_audit, CMD_SUBCOMMANDS },
	{ "stats", "",
	  "admin: connections, requests, rev, uptime, database size",
	  cmd_stats, 0 },
	{ "backup", "[--out NAME]",
	  "admin: a consistent copy of the server's database, on the server",
	  cmd_backup, 0 },
	{ "help", "[COMMAND]", "show help for samen or one command",
	  cmd_help, 0 },
};
#define NCMDS	(sizeof(client_cmds) / sizeof(client_cmds[0]))

/* Prints the general usage to fp. */
static void
client_usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: samen [--config FILE] [--server HOST:PORT] "
	    "[--json] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(fp, "  %-13s %s\n", client_cmds[i].name,
		    client_cmds[i].help);
	fprintf(fp, "\noptions:\n"
	    "  --config FILE       client configuration (default "
	    "$SAMEN_CONFIG or\n"
	    "                      ~/.config/samen/client.conf)\n"
	    "  --server HOST:PORT  the server, overriding the configuration\n"
	    "  --json              one JSON document on stdout, for scripts\n"
	    "  --help              this help; 'samen COMMAND --help' for one "
	    "command\n"
	    "  --version           print the version\n"
	    "\nexit codes: 0 ok, 64 usage, 65 invalid data, 66 not found, "
	    "69 server\n"
	    "unreachable, 73 conflict, 77 permission denied, 78 configuration "
	    "error,\n1 anything else.\n");
}

/* The command of that name, or NULL. */
const struct client_cmd *
client_find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++) {
		if (strcmp(client_cmds[i].name, name) == 0)
			return &client_cmds[i];
	}
	return NULL;
}

/* Prints one command's help. */
void
client_print_cmd_help(const struct client_cmd *cmd)
{
	printf("usage: samen %s%s%s\n\n%s\n", cmd->name, *cmd->args ? " " : "",
	    cmd->args, cmd->help);
}

/* True when --help or -h is among the command's arguments. */
int
client_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

/* Says what is wrong with a command line and how to use it; 64. */
int
client_usage_error(const struct client_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "samen %s: %s\nusage: samen %s%s%s\n", cmd->name, buf,
	    cmd->name, *cmd->args ? " " : "", cmd->args);
	return EXIT_USAGE;
}

/*
 * Reports the option getopt_long just refused (call with opterr = 0);
 * returns 64.
 */
int
client_bad_option(const struct client_cmd *cmd, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (optopt != 0 && strncmp(arg, "--", 2) == 0)
		return client_usage_error(cmd, "%s needs a value", arg);
	return client_usage_error(cmd, "unknown option %s", arg);
}

/*
 * Parses a decimal number from 0 to max, nothing else around it.  0 or
 * -1.
 */
int
client_parse_number(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Runs a subcommand of a command family (samen meeting list ...): finds
 * it in cmds by the word after the family's name, answers --help with
 * help (the family) or the subcommand's line, and returns its exit code.
 */
int
client_run_subcommand(struct client *c, int argc, char **argv,
    const struct client_cmd *cmds, size_t ncmds, void (*help)(FILE *))
{
	const struct client_cmd *sub = NULL;
	const char *name;
	size_t i;

	if (argc < 2) {
		help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		help(stdout);
		return 0;
	}
	for (i = 0; i < ncmds && sub == NULL; i++) {
		name = strchr(cmds[i].name, ' ');
		if (name != NULL && strcmp(name + 1, argv[1]) == 0)
			sub = &cmds[i];
	}
	if (sub == NULL) {
		fprintf(stderr, "samen %s: unknown subcommand '%s'; one of:",
		    argv[0], argv[1]);
		for (i = 0; i < ncmds; i++) {
			if ((name = strchr(cmds[i].name, ' ')) != NULL)
				fprintf(stderr, " %s", name + 1);
		}
		fprintf(stderr, "\n");
		return EXIT_USAGE;
	}
	if (client_wants_help(argc - 1, argv + 1)) {
		client_print_cmd_help(sub);
		return 0;
	}
	return sub->fn(c, argc - 1, argv + 1);
}

/* samen help [COMMAND]. */
static int
cmd_help(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd;

	(void)c;
	if (argc < 2) {
		client_usage(stdout);
		return 0;
	}
	if ((cmd = client_find_cmd(argv[1])) == NULL) {
		fprintf(stderr, "samen: no command '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	if (cmd->flags & CMD_SUBCOMMANDS) {
		char *hv[] = { argv[1], (char *)(uintptr_t)"--help", NULL };

		return cmd->fn(c, 2, hv);
	}
	client_print_cmd_help(cmd);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "server", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd;
	struct client c;
	size_t i;
	int ch, rv;

	log_init("samen", LOG_LEVEL_WARN);
	xmalloc_keep_heap();
	/* A server that closes first is an error to report, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "+c:s:jhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			c.config_path = optarg;
			break;
		case 's':
			c.server = optarg;
			break;
		case 'j':
			c.json = 1;
			break;
		case 'h':
			client_usage(stdout);
			return 0;
		case 'V':
			printf("samen %s\n", SAMEN_VERSION);
			return 0;
		default:
			client_usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		client_usage(stderr);
		return EXIT_USAGE;
	}
	if ((cmd = client_find_cmd(argv[0])) == NULL) {
		fprintf(stderr, "samen: unknown command '%s'; commands:",
		    argv[0]);
		for (i = 0; i < NCMDS; i++)
			fprintf(stderr, " %s", client_cmds[i].name);
		fprintf(stderr, "\n");
		return EXIT_USAGE;
	}
	if (!(cmd->flags & CMD_SUBCOMMANDS) && client_wants_help(argc, argv)) {
		client_print_cmd_help(cmd);
		return 0;
	}
	rv = cmd->fn(&c, argc, argv);
	conn_close(&c);
	conf_free(&c.conf);
	return rv;
}
