/* SPDX-License-Identifier: ISC */
/* ixf_clients: tests/ixf/run's view of src/config/ixf.h -- reads an IX-F
 * member export and prints the clients.yml derived from it, the warnings
 * on stderr ("warning: ...").
 *
 * usage: ixf_clients FILE [--ixp-id N] [--vlan-id N] [--routeserver-only]
 *            [--per-port | --one-per-address] [--communities KIND,...]
 *        ixf_clients FILE --list      the exchanges and their LANs
 *        ixf_clients FILE --check     only read it
 * Exit status: 0 done, 1 the export is refused or no exchange selected,
 * 2 usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ixf.h"

static void warn(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "warning: %s\n", msg);
}

static int usage(void)
{
	fprintf(stderr, "usage: ixf_clients FILE [--ixp-id N] [--vlan-id N] [--routeserver-only]\n"
	    "           [--per-port | --one-per-address] [--communities KIND,...] | --list | --check\n");
	return 2;
}

static int number(const char *s, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int communities(char *list, unsigned *out)
{
	for (char *k = strtok(list, ","); k != NULL; k = strtok(NULL, ",")) {
		unsigned bit = ixf_community_kind(k);
		if (bit == 0)
			return -1;
		*out |= bit;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ixf_client_opts o = { 0 };
	bool list = false, check = false;
	char err[512];

	if (argc < 2)
		return usage();
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(a, "--ixp-id") == 0 && has_value) {
			o.has_ixp_id = true;
			if (number(argv[++i], &o.ixp_id) < 0)
				return usage();
		} else if (strcmp(a, "--vlan-id") == 0 && has_value) {
			o.has_vlan_id = true;
			if (number(argv[++i], &o.vlan_id) < 0)
				return usage();
		} else if (strcmp(a, "--communities") == 0 && has_value) {
			if (communities(argv[++i], &o.communities) < 0)
				return usage();
		} else if (strcmp(a, "--routeserver-only") == 0) {
			o.routeserver_only = true;
		} else if (strcmp(a, "--per-port") == 0) {
			o.per_port = true;
		} else if (strcmp(a, "--one-per-address") == 0) {
			o.one_per_address = true;
		} else if (strcmp(a, "--list") == 0) {
			list = true;
		} else if (strcmp(a, "--check") == 0) {
			check = true;
		} else {
			return usage();
		}
	}
	struct ixf_export *x = ixf_load(argv[1], warn, NULL, err, sizeof(err));
	if (x == NULL) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	int rc = 0;
	if (list) {
		ixf_print_exchanges(x, stdout);
	} else if (!check) {
		struct ixf_clients *c = ixf_clients(x, &o, warn, NULL, err, sizeof(err));
		if (c == NULL) {
			fprintf(stderr, "error: %s\n", err);
			rc = 1;
		} else if (ixf_clients_write(c, stdout) < 0 || fflush(stdout) != 0) {
			perror("stdout");
			rc = 1;
		}
		ixf_clients_free(c);
	}
	ixf_free(x);
	return rc;
}
