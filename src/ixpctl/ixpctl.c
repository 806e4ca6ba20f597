/* SPDX-License-Identifier: ISC */
/* ixpctl: command-line client for ixpd's control socket.  Parses the
 * command, sends one request, prints the reply as text or JSON.
 * Exit status: 0 success, 1 the command failed (or the reply was unusable),
 * 2 usage error, 3 the control socket could not be reached. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "ctl_format.h"
#include "ctl_proto.h"
#include "paths.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_NO_SERVER = 3 };

static void usage(FILE *out)
{
	fprintf(out,
	    "usage: ixpctl [-s SOCKET] [-j|--json] COMMAND...\n"
	    "commands (keywords may be abbreviated, e.g. \"sh nei\"):\n"
	    "  show status\n"
	    "  show neighbors\n"
	    "  show neighbor ADDR\n"
	    "  show routes [PREFIX] [--neighbor ADDR] [--all] [--rejected] [--limit N] [--after N]\n"
	    "  neighbor ADDR down|shutdown [--graceful] [MESSAGE...]\n"
	    "  neighbor ADDR up\n"
	    "  neighbor ADDR refresh\n"
	    "  reload\n"
	    "  restart            stop as a restarting speaker (graceful restart, RFC 4724):\n"
	    "                     no NOTIFICATION, members keep the routes for 120 s; start\n"
	    "                     ixpd again meanwhile\n"
	    "options (before the command):\n"
	    "  -s, --socket PATH  control socket (default %s)\n"
	    "  -j, --json         print the result as JSON\n"
	    "  -h, --help         this text\n",
	    IXPD_CONTROL_SOCKET);
}

struct options {
	const char *socket_path;
	bool json;
};

/* Returns the index of the first command word, or -1 after printing usage
 * (to stdout for --help, which then exits 0). */
static int parse_options(int argc, char **argv, struct options *opt, int *status)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	/* "+": stop at the first command word, so "show routes --all" keeps
	 * its options for the command grammar. */
	while ((ch = getopt_long(argc, argv, "+s:jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': opt->socket_path = optarg; break;
		case 'j': opt->json = true; break;
		case 'h': usage(stdout); *status = EXIT_OK; return -1;
		default: usage(stderr); *status = EXIT_USAGE; return -1;
		}
	}
	if (optind == argc) {
		usage(stderr);
		*status = EXIT_USAGE;
		return -1;
	}
	return optind;
}

/* Returns a connected socket, or -1 after saying which socket failed. */
static int connect_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "ixpctl: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "ixpctl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "ixpctl: cannot connect to %s: %s (is ixpd running? use -s to pick another socket)\n",
		    path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends the request and waits for the reply as long as the server takes:
 * a reload or a full table dump may legitimately be slow, and Ctrl-C works. */
static json_t *exchange(int fd, const json_t *request, const char *path)
{
	char err[512] = "";

	if (ctl_send(fd, request, -1, err, sizeof(err)) < 0 || shutdown(fd, SHUT_WR) < 0) {
		fprintf(stderr, "ixpctl: sending to %s: %s\n", path, err[0] ? err : strerror(errno));
		return NULL;
	}
	json_t *reply = ctl_recv(fd, CTL_MAX_REPLY, -1, false, err, sizeof(err));
	if (reply == NULL)
		fprintf(stderr, "ixpctl: bad reply from %s: %s\n", path, err);
	return reply;
}

static int print_result(const char *command, const json_t *result, bool json)
{
	int rc;

	if (json) {
		json_t *empty = json_object();
		rc = json_dumpf(result ? result : empty, stdout, JSON_INDENT(2));
		json_decref(empty);
		putchar('\n');
	} else {
		rc = ctl_format_text(command, result, time(NULL), stdout);
	}
	if (rc < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "ixpctl: writing output: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* Runs one request against the server and prints the outcome. */
static int run(const char *path, const json_t *request, bool json)
{
	int fd = connect_socket(path);

	if (fd < 0)
		return EXIT_NO_SERVER;
	json_t *reply = exchange(fd, request, path);
	close(fd);
	if (reply == NULL)
		return EXIT_FAILED;

	const json_t *result;
	const char *error;
	int status;
	if (ctl_reply_check(reply, &result, &error) == CTL_REPLY_OK) {
		status = print_result(json_string_value(json_object_get(request, "command")), result, json);
	} else {
		fprintf(stderr, "ixpctl: %s\n", error);
		status = EXIT_FAILED;
	}
	json_decref(reply);
	return status;
}

int main(int argc, char **argv)
{
	struct options opt = { .socket_path = IXPD_CONTROL_SOCKET };
	int status = EXIT_USAGE;
	char err[512];

	int first = parse_options(argc, argv, &opt, &status);
	if (first < 0)
		return status;
	if (strcmp(argv[first], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	json_t *request = ctl_request_from_argv(argc - first, argv + first, err, sizeof(err));
	if (request == NULL) {
		fprintf(stderr, "ixpctl: %s\n(see ixpctl --help)\n", err);
		return EXIT_USAGE;
	}
	status = run(opt.socket_path, request, opt.json);
	json_decref(request);
	return status;
}
