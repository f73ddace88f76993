/* samen status: who the server is and who it says we are. */
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
