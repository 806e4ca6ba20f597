/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the IX-F member export reader and the clients derived
 * from it (src/config/ixf.h), input = a file's bytes.  Whatever is read
 * must give, for each exchange, clients whose addresses are unique and
 * the same whether grouped, per port or one per address, no more warnings
 * than the limit, and a clients.yml that is well-formed YAML with one
 * entry per client. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "ixf.h"
#include "log.h"

static size_t warnings;

static void count(void *arg, const char *msg)
{
	(void)arg;
	if (msg == NULL || *msg == '\0')
		abort();
	warnings++;
}

static int cmp_addr(const void *a, const void *b)
{
	return ip_addr_cmp(a, b);
}

/* The addresses of every client, sorted; aborts on a duplicate or an
 * empty client. */
static struct ip_addr *addresses(const struct ixf_clients *cs, size_t *n)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < cs->n; i++) {
		if (cs->v[i].n_sessions == 0)
			abort();
		total += cs->v[i].n_sessions;
	}
	struct ip_addr *a = calloc(total + 1, sizeof(*a));
	for (size_t i = 0; i < cs->n; i++)
		for (size_t s = 0; s < cs->v[i].n_sessions; s++)
			a[k++] = cs->v[i].sessions[s].addr;
	qsort(a, total, sizeof(*a), cmp_addr);
	for (size_t i = 1; i < total; i++)
		if (ip_addr_equal(&a[i - 1], &a[i]))
			abort();
	*n = total;
	return a;
}

/* The written document parses as YAML and has a "- asn:" per client. */
static void check_written(const struct ixf_clients *cs)
{
	char *text = NULL;
	size_t len = 0, entries = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL || ixf_clients_write(cs, f) != 0 || fclose(f) != 0)
		abort();
	for (const char *p = text; (p = strstr(p, "\n  - asn: ")) != NULL; p++)
		entries++;
	if (entries != cs->n)
		abort();
	yaml_parser_t parser;
	yaml_event_t ev;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &ev))
			abort();
		yaml_event_type_t type = ev.type;
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&parser);
	free(text);
}

static void derive(const struct ixf_export *x, struct ixf_client_opts o)
{
	char err[256];
	size_t na, nb;

	size_t np;
	struct ixf_clients *grouped = ixf_clients(x, &o, count, NULL, err, sizeof(err));
	o.per_port = true;
	struct ixf_clients *port = ixf_clients(x, &o, count, NULL, err, sizeof(err));
	o.one_per_address = true;
	struct ixf_clients *single = ixf_clients(x, &o, count, NULL, err, sizeof(err));
	if ((grouped == NULL) != (single == NULL) || (grouped == NULL) != (port == NULL))
		abort();
	if (grouped == NULL)
		return;
	struct ip_addr *a = addresses(grouped, &na), *b = addresses(single, &nb), *p = addresses(port, &np);
	if (na != nb || np != nb || single->n != nb || grouped->n > port->n || port->n > single->n ||
	    memcmp(a, b, na * sizeof(*a)) != 0 || memcmp(p, b, na * sizeof(*a)) != 0)
		abort();
	/* a per-port client is at one port */
	for (size_t i = 0; i < port->n; i++)
		for (size_t k = 1; k < port->v[i].n_sessions; k++)
			if (port->v[i].sessions[k].port != port->v[i].sessions[0].port)
				abort();
	check_written(grouped);
	check_written(port);
	check_written(single);
	free(a);
	free(b);
	free(p);
	ixf_clients_free(grouped);
	ixf_clients_free(port);
	ixf_clients_free(single);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	log_set_level(LOG_LVL_ERR);
	warnings = 0;
	struct ixf_export *x = ixf_parse((const char *)data, size, "fuzz", count, NULL, err, sizeof(err));
	if (x == NULL)
		return 0;
	/* each warning up to the limit, then one that sums up the rest */
	if (warnings != (x->n_warnings <= IXF_MAX_WARNINGS ? x->n_warnings : IXF_MAX_WARNINGS + 1))
		abort();
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f != NULL) {
		ixf_print_exchanges(x, f);
		fclose(f);
		free(text);
	}
	derive(x, (struct ixf_client_opts){ 0 });
	for (size_t i = 0; i < x->n_ixps && i < 4; i++) {
		struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = x->ixps[i].ixp_id };
		derive(x, o);
		o.routeserver_only = true;
		o.communities = IXF_COMM_SWITCH_ID | IXF_COMM_SWITCH_NAME | IXF_COMM_COLOCATION |
		    IXF_COMM_CITY | IXF_COMM_COUNTRY | IXF_COMM_MEMBER_TYPE;
		if (x->ixps[i].n_lans > 0) {
			o.has_vlan_id = true;
			o.vlan_id = x->ixps[i].lans[0].id;
		}
		derive(x, o);
	}
	ixf_free(x);
	return 0;
}
