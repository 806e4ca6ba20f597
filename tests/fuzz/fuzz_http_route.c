/* SPDX-License-Identifier: ISC */
/* libFuzzer target: what ixpd itself parses of an HTTP request -- the URL
 * path and the query arguments (http_route_parse; libmicrohttpd has
 * %-decoded them).  Input: the path on the first line, then NAME=VALUE
 * lines, the arguments.  The answer must be 0, 400 or 404; a parsed
 * request's strings must be terminated and in birdwatcher's charset; a
 * protocol id must map to its neighbour's address and back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_route.h"

#define MAX_ARGS 16

struct args {
	char *name[MAX_ARGS], *value[MAX_ARGS];
	int n;
};

static const char *arg_of(void *arg, const char *name)
{
	const struct args *a = arg;
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->name[i], name) == 0)
			return a->value[i];
	return NULL;
}

static void check_text(const char *s)
{
	size_t n = strnlen(s, HTTP_ARG_MAX + 1);
	if (n > HTTP_ARG_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:./", s[i]))
			abort();
}

static void check_request(const struct http_req *r)
{
	if (r->kind > HK_BW_COUNT_TABLE || r->view > LV_NOT_RECEIVED)
		abort();
	check_text(r->routes.match);
	check_text(r->routes.community);
	check_text(r->protocol);
	if (r->routes.accepted && r->routes.rejected)
		abort();
	if (r->protocol[0]) {
		struct ip_addr a;
		char id[HTTP_ARG_MAX + 1];
		if (http_protocol_addr(r->protocol, &a) < 0 || !ip_addr_equal(&a, &r->routes.neighbor))
			abort();
		http_protocol_id(&a, id);
		struct ip_addr b;
		if (http_protocol_addr(id, &b) < 0 || !ip_addr_equal(&a, &b))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct args a = { .n = 0 };
	char *save, *path = strtok_r(text, "\n", &save);
	for (char *line; a.n < MAX_ARGS && (line = strtok_r(NULL, "\n", &save));) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		a.name[a.n] = line;
		a.value[a.n++] = eq + 1;
	}
	struct http_req r;
	char err[256];
	int rc = http_route_parse(path ? path : "", arg_of, &a, &r, err, sizeof(err));
	if (rc != 0 && rc != 400 && rc != 404)
		abort();
	if (rc == 0)
		check_request(&r);
	free(text);
	return 0;
}
