/* SPDX-License-Identifier: ISC */
/* types: the option types of scalar values and of lists of them --
 * booleans, integers, enumerations, the log settings, strings and file
 * names, addresses, and lists of addresses, numbers and strings -- each a
 * parser, a default, a comparison, a printer and a destructor that the
 * option table names for its keys. */
#include "config_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "asn.h"
#include "xalloc.h"

/* ------------------------------------------------------------------ */
/* Scalars and addresses                                               */

int cfg_bool_parse(const char *text, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
		"on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO",
		"off", "Off", "OFF" };

	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (strcmp(text, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(text, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Option types                                                        */

int need_scalar(struct ctx *c, const struct opt *o, const struct ynode *n,
    const char *what)
{
	if (n->kind == Y_SCALAR && !n->null)
		return 0;
	return fail_at(c, n->line, o->path, "expected %s", what);
}

/* Items of a list value: a sequence, or one scalar standing for itself. */
int n_items(const struct ynode *n)
{
	return n->kind == Y_SEQ ? n->n : 1;
}

const struct ynode *item(const struct ynode *n, int i)
{
	return n->kind == Y_SEQ ? n->kids[i] : n;
}

void *grow(void *v, int n, size_t size)
{
	return xrealloc(v, (size_t)(n + 1) * size);
}

void print_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(out, "\\x%02x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

void print_addr(FILE *out, const struct ip_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	print_quoted(out, ip_addr_str(a, buf, sizeof(buf)));
}

void no_init(const struct opt *o, void *f, int64_t v)
{
	(void)o, (void)f, (void)v;
}

/* --- bool --- */

static int parse_bool(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	if (need_scalar(c, o, n, "a boolean (True or False)"))
		return -1;
	if (cfg_bool_parse(n->str, f) == 0)
		return 0;
	return fail_at(c, n->line, o->path, "expected a boolean (True or False), got '%s'", n->str);
}

static void init_bool(const struct opt *o, void *f, int64_t v) { (void)o; *(bool *)f = v != 0; }
static bool is_bool(const struct opt *o, const void *f, int64_t v) { (void)o; return *(const bool *)f == (v != 0); }
static void print_bool(FILE *out, const struct opt *o, const void *f, int indent)
{
	(void)o, (void)indent;
	fputs(*(const bool *)f ? " True" : " False", out);
}

const struct otype t_bool = { parse_bool, init_bool, is_bool, print_bool, NULL, sizeof(bool), false };

/* --- unsigned integers of 1, 2 or 4 bytes (type size) --- */

static uint64_t get_uint(const struct opt *o, const void *f)
{
	switch (o->type->size) {
	case 1: return *(const uint8_t *)f;
	case 2: return *(const uint16_t *)f;
	default: return *(const uint32_t *)f;
	}
}

static void init_uint(const struct opt *o, void *f, int64_t v)
{
	switch (o->type->size) {
	case 1: *(uint8_t *)f = (uint8_t)v; break;
	case 2: *(uint16_t *)f = (uint16_t)v; break;
	default: *(uint32_t *)f = (uint32_t)v; break;
	}
}

int parse_uint_value(struct ctx *c, const struct opt *o, const struct ynode *n,
    uint64_t *v)
{
	if (n->kind == Y_SCALAR && !n->null && parse_uint(n->str, UINT32_MAX, v) &&
	    *v >= (uint64_t)o->min && *v <= (uint64_t)o->max)
		return 0;
	return fail_at(c, n->line, o->path, "expected an integer from %lld to %lld, got %s%s%s",
	    (long long)o->min, (long long)o->max, n->kind == Y_SCALAR ? "'" : "",
	    n->kind == Y_SCALAR ? n->str : "a collection", n->kind == Y_SCALAR ? "'" : "");
}

static int parse_uint_opt(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	uint64_t v;

	if (parse_uint_value(c, o, n, &v))
		return -1;
	init_uint(o, f, (int64_t)v);
	return 0;
}

static bool is_uint(const struct opt *o, const void *f, int64_t v) { return get_uint(o, f) == (uint64_t)v; }
static void print_uint(FILE *out, const struct opt *o, const void *f, int indent)
{
	(void)indent;
	fprintf(out, " %llu", (unsigned long long)get_uint(o, f));
}

const struct otype t_u8 = { parse_uint_opt, init_uint, is_uint, print_uint, NULL, 1, false };
const struct otype t_u16 = { parse_uint_opt, init_uint, is_uint, print_uint, NULL, 2, false };
const struct otype t_u32 = { parse_uint_opt, init_uint, is_uint, print_uint, NULL, 4, false };

/* RFC 4271: a hold time of 1 or 2 seconds is not allowed. */
static int parse_hold_time(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	if (parse_uint_opt(c, o, n, f))
		return -1;
	if (get_uint(o, f) == 1 || get_uint(o, f) == 2)
		return fail_at(c, n->line, o->path, "must be 0 or at least 3, got %s", n->str);
	return 0;
}

const struct otype t_hold_time = { parse_hold_time, init_uint, is_uint, print_uint, NULL, 2, false };

/* --- enum: o->names[value], o->max names; a NULL name is "not set" --- */

_Static_assert(sizeof(enum cfg_next_hop_policy) == sizeof(int), "enums are stored as int");

static int parse_enum(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	char list[256] = "";
	size_t len = 0;

	if (need_scalar(c, o, n, "a string"))
		return -1;
	for (int i = 0; i < o->max; i++) {
		if (o->names[i] == NULL)
			continue;
		if (strcmp(n->str, o->names[i]) == 0) {
			*(int *)f = i;
			return 0;
		}
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s'%s'",
			    len ? ", " : "", o->names[i]);
	}
	return fail_at(c, n->line, o->path, "expected one of %s, got '%s'", list, n->str);
}

static void init_enum(const struct opt *o, void *f, int64_t v) { (void)o; *(int *)f = (int)v; }
static bool is_enum(const struct opt *o, const void *f, int64_t v) { (void)o; return *(const int *)f == v; }
static void print_enum(FILE *out, const struct opt *o, const void *f, int indent)
{
	const char *name = o->names[*(const int *)f];

	(void)indent;
	fprintf(out, " %s", name ? name : "null");
}

const struct otype t_enum = { parse_enum, init_enum, is_enum, print_enum, NULL, sizeof(int), false };

/* --- log.target (stored as config.h's bool log_syslog) and log.level --- */

static int parse_log_target(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	if (need_scalar(c, o, n, "'stderr' or 'syslog'"))
		return -1;
	if (strcmp(n->str, "stderr") != 0 && strcmp(n->str, "syslog") != 0)
		return fail_at(c, n->line, o->path, "expected 'stderr' or 'syslog', got '%s'", n->str);
	*(bool *)f = strcmp(n->str, "syslog") == 0;
	return 0;
}

static void print_log_target(FILE *out, const struct opt *o, const void *f, int indent)
{
	(void)o, (void)indent;
	fputs(*(const bool *)f ? " syslog" : " stderr", out);
}

const struct otype t_log_target = { parse_log_target, init_bool, is_bool, print_log_target, NULL, sizeof(bool), false };

static int parse_log_level(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	if (need_scalar(c, o, n, "a log level"))
		return -1;
	if (log_level_parse(n->str, f) == 0)
		return 0;
	return fail_at(c, n->line, o->path,
	    "expected one of 'error', 'warning', 'info', 'debug', got '%s'", n->str);
}

static void init_log_level(const struct opt *o, void *f, int64_t v) { (void)o; *(enum log_level *)f = (enum log_level)v; }
static bool is_log_level(const struct opt *o, const void *f, int64_t v) { (void)o; return *(const enum log_level *)f == v; }
static void print_log_level(FILE *out, const struct opt *o, const void *f, int indent)
{
	(void)o, (void)indent;
	fprintf(out, " %s", log_level_name(*(const enum log_level *)f));
}

const struct otype t_log_level = { parse_log_level, init_log_level, is_log_level, print_log_level, NULL, sizeof(enum log_level), false };

/* --- strings; paths are resolved relative to ixpd.yml's directory --- */

static int parse_str(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	if (need_scalar(c, o, n, "a string"))
		return -1;
	*(char **)f = xstrdup(n->str);
	return 0;
}

/* A file name as written, relative to ixpd.yml's directory. */
char *resolve_path(const struct ctx *c, const char *name)
{
	const char *dir = name[0] == '/' ? "" : c->dir;
	char *path = xmalloc(strlen(dir) + strlen(name) + 1);

	strcpy(path, dir);
	strcat(path, name);
	return path;
}

static int parse_path(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	if (need_scalar(c, o, n, "a file name"))
		return -1;
	*(char **)f = resolve_path(c, n->str);
	return 0;
}

static bool is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* One token handed to another program or protocol (a host name, bgpq4's
 * sources, a URL, an API key): no blanks or control characters that could
 * split or inject, and no leading '-' that a program could take for an
 * option. */
static int parse_word(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	if (need_scalar(c, o, n, (o->flags & F_URL) ? "a URL" : "a string"))
		return -1;
	for (const char *p = n->str; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return fail_at(c, n->line, o->path, "blanks and control characters are not allowed");
	if (n->str[0] == '-')
		return fail_at(c, n->line, o->path, "must not start with '-', got '%s'", n->str);
	if ((o->flags & F_URL) && !is_url(n->str))
		return fail_at(c, n->line, o->path, "expected an http:// or https:// URL, got '%s'", n->str);
	*(char **)f = xstrdup(n->str);
	return 0;
}

void init_str(const struct opt *o, void *f, int64_t v)
{
	(void)v;
	*(char **)f = o->sdef ? xstrdup(o->sdef) : NULL;
}

bool is_str(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return *(char *const *)f == NULL; }
void print_str(FILE *out, const struct opt *o, const void *f, int indent)
{
	const char *s = *(char *const *)f;

	(void)o, (void)indent;
	fputc(' ', out);
	if (s == NULL)
		fputs("null", out);
	else
		print_quoted(out, s);
}

void free_str(const struct opt *o, void *f)
{
	(void)o;
	free(*(char **)f);
	*(char **)f = NULL;
}

const struct otype t_str = { parse_str, init_str, is_str, print_str, free_str, 0, true };
const struct otype t_path = { parse_path, init_str, is_str, print_str, free_str, 0, true };
const struct otype t_word = { parse_word, init_str, is_str, print_str, free_str, 0, true };

/* `ixpd -n` output is shown and mailed around: it never shows a secret. */
static void print_secret(FILE *out, const struct opt *o, const void *f, int indent)
{
	(void)o, (void)indent;
	fputs(*(char *const *)f ? " \"(hidden)\"" : " null", out);
}

const struct otype t_secret = { parse_word, init_str, is_str, print_secret, free_str, 0, true };

/* --- addresses: o->min is the family required (0 = either) --- */

int parse_addr_value(struct ctx *c, const struct opt *o, const struct ynode *n,
    struct ip_addr *a)
{
	const char *what = o->min == AF_INET ? "an IPv4 address" :
	    o->min == AF_INET6 ? "an IPv6 address" : "an IP address";

	if (need_scalar(c, o, n, what))
		return -1;
	if (ip_addr_parse(n->str, a) == 0 && (o->min == 0 || a->family == o->min))
		return 0;
	return fail_at(c, n->line, o->path, "expected %s, got '%s'", what, n->str);
}

static int parse_addr(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	return parse_addr_value(c, o, n, f);
}

static bool is_addr(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return ((const struct ip_addr *)f)->family == 0; }
static void print_addr_opt(FILE *out, const struct opt *o, const void *f, int indent)
{
	(void)o, (void)indent;
	fputc(' ', out);
	if (is_addr(o, f, 0))
		fputs("null", out);
	else
		print_addr(out, f);
}

const struct otype t_addr = { parse_addr, no_init, is_addr, print_addr_opt, NULL, sizeof(struct ip_addr), true };

/* arouteserver lets cfg.router_id list several IDs to generate one config
 * per ID; one daemon has one router ID. */
static int parse_router_id(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ip_addr a;

	if (n->kind == Y_SEQ && n->n > 1)
		return fail_at(c, n->line, o->path,
		    "a list of several router IDs is not supported by ixpd: give one address");
	if (n->kind == Y_SEQ && n->n == 0)
		return fail_at(c, n->line, o->path, "expected an IPv4 address, got an empty list");
	if (parse_addr_value(c, o, item(n, 0), &a))
		return -1;
	*(struct in_addr *)f = a.u.v4;
	return 0;
}

static void print_router_id(FILE *out, const struct opt *o, const void *f, int indent)
{
	struct ip_addr a = { .family = AF_INET, .u.v4 = *(const struct in_addr *)f };

	(void)o, (void)indent;
	if (a.u.v4.s_addr == INADDR_ANY) {      /* ixpd.yml's: not set */
		fputs(" null", out);
		return;
	}
	fputc(' ', out);
	print_addr(out, &a);
}

const struct otype t_router_id = { parse_router_id, no_init, NULL, print_router_id, NULL, 0, false };

/* --- listen.addresses: config.h's listen_addrs/n_listen_addrs (B_CONFIG, off 0) --- */

/* Appends the addresses of list value n to the array *v of *count: one
 * parser for listen.addresses and the address lists, which store their
 * addresses in two shapes. */
static int parse_addrs(struct ctx *c, const struct opt *o, const struct ynode *n,
    struct ip_addr **v, int *count)
{
	for (int i = 0; i < n_items(n); i++) {
		struct ip_addr a;
		if (parse_addr_value(c, o, item(n, i), &a))
			return -1;
		*v = grow(*v, *count, sizeof(a));
		(*v)[(*count)++] = a;
	}
	return 0;
}

static int parse_listen(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ixpd_config *cfg = f;

	return parse_addrs(c, o, n, &cfg->listen_addrs, &cfg->n_listen_addrs);
}

static void print_addrs(FILE *out, const struct ip_addr *v, int n)
{
	fputs(" [", out);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		print_addr(out, &v[i]);
	}
	fputc(']', out);
}

static void print_listen(FILE *out, const struct opt *o, const void *f, int indent)
{
	const struct ixpd_config *cfg = f;

	(void)o, (void)indent;
	print_addrs(out, cfg->listen_addrs, cfg->n_listen_addrs);
}

const struct otype t_listen = { parse_listen, no_init, NULL, print_listen, NULL, 0, true };

/* --- address lists (authorized_addresses_list) --- */

static int parse_addr_list(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct cfg_addr_list *l = f;

	return parse_addrs(c, o, n, &l->v, &l->n);
}

static bool is_addr_list(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return ((const struct cfg_addr_list *)f)->n == 0; }
static void print_addr_list(FILE *out, const struct opt *o, const void *f, int indent)
{
	const struct cfg_addr_list *l = f;

	(void)o, (void)indent;
	print_addrs(out, l->v, l->n);
}

static void free_addr_list(const struct opt *o, void *f)
{
	struct cfg_addr_list *l = f;

	(void)o;
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct otype t_addr_list = { parse_addr_list, no_init, is_addr_list, print_addr_list, free_addr_list, 0, true };

/* --- number lists: ASNs ("174, 701" as arouteserver allows, or a list)
 * and rtt_thresholds (F_ASCENDING) --- */

static int add_u32(struct ctx *c, const struct opt *o, const struct ynode *n,
    const char *text, struct cfg_u32_list *l)
{
	uint64_t v;

	if (!parse_uint(text, UINT32_MAX, &v) || v < (uint64_t)o->min || v > (uint64_t)o->max)
		return fail_at(c, n->line, o->path, "expected integers from %lld to %lld, got '%s'",
		    (long long)o->min, (long long)o->max, text);
	if ((o->flags & F_ASCENDING) && l->n > 0 && v <= l->v[l->n - 1])
		return fail_at(c, n->line, o->path, "values must be ascending and unique, got %llu after %u",
		    (unsigned long long)v, l->v[l->n - 1]);
	l->v = grow(l->v, l->n, sizeof(*l->v));
	l->v[l->n++] = (uint32_t)v;
	return 0;
}

/* A comma-separated scalar: each part trimmed of blanks (YAML folded
 * scalars also leave a newline). */
static int parse_u32_csv(struct ctx *c, const struct opt *o, const struct ynode *n,
    struct cfg_u32_list *l)
{
	char *copy = xstrdup(n->str), *save = NULL;
	int r = 0;

	for (char *tok = strtok_r(copy, ",", &save); tok && r == 0; tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " \t\n");
		tok[strcspn(tok, " \t\n")] = '\0';
		r = add_u32(c, o, n, tok, l);
	}
	free(copy);
	return r;
}

static int parse_u32_list(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	if (n->kind == Y_SCALAR)
		return parse_u32_csv(c, o, n, f);
	for (int i = 0; i < n_items(n); i++) {
		const struct ynode *it = item(n, i);
		if (need_scalar(c, o, it, "a list of integers") || add_u32(c, o, it, it->str, f))
			return -1;
	}
	return 0;
}

static bool is_u32_list(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return ((const struct cfg_u32_list *)f)->n == 0; }
static void print_u32_list(FILE *out, const struct opt *o, const void *f, int indent)
{
	const struct cfg_u32_list *l = f;

	(void)o, (void)indent;
	fputs(" [", out);
	for (int i = 0; i < l->n; i++)
		fprintf(out, "%s%u", i ? ", " : "", l->v[i]);
	fputc(']', out);
}

static void free_u32_list(const struct opt *o, void *f)
{
	struct cfg_u32_list *l = f;

	(void)o;
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct otype t_u32_list = { parse_u32_list, no_init, is_u32_list, print_u32_list, free_u32_list, 0, true };

/* --- string lists; F_AS_SET validates AS-SET names, F_CUSTOM_REF names of
 * custom communities --- */

static bool custom_declared(const struct ixpd_config *cfg, const char *name)
{
	const struct cfg_community_map *m = &cfg->general.custom_communities;

	for (int i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0)
			return true;
	return false;
}

/* "host:port", "[IPv6]:port" or a host alone, as rpki_rtr.h takes them;
 * the host is a name or an address, the port 1..65535. */
static bool host_port_valid(const char *s)
{
	const char *host = s, *end, *colon;
	uint64_t port;

	if (*s == '[') {
		host = s + 1;
		end = strchr(host, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return false;
		colon = end[1] == ':' ? end + 1 : NULL;
	} else {
		colon = strchr(s, ':');
		end = colon ? colon : s + strlen(s);
	}
	if (end == host || (colon && !parse_uint(colon + 1, 65535, &port)) || (colon && port == 0))
		return false;
	for (const char *p = host; p < end; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || (*p == ':' && *s == '[')))
			return false;
	return *host != '-';
}

static int parse_str_list(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct cfg_str_list *l = f;

	for (int i = 0; i < n_items(n); i++) {
		const struct ynode *it = item(n, i);
		if (need_scalar(c, o, it, "a list of strings"))
			return -1;
		char *s = (o->flags & F_PATH) ? resolve_path(c, it->str) : xstrdup(it->str);
		l->v = grow(l->v, l->n, sizeof(*l->v));
		l->v[l->n++] = s;
		if ((o->flags & F_AS_SET) && !as_set_name_normalise(s))
			return fail_at(c, it->line, o->path, "'%s' is not an AS-SET or ASN name", it->str);
		if ((o->flags & F_CUSTOM_REF) && !custom_declared(c->cfg, s))
			return fail_at(c, it->line, o->path,
			    "custom community '%s' is not declared in general.yml's cfg.custom_communities", s);
		if ((o->flags & F_HOST_PORT) && !host_port_valid(s))
			return fail_at(c, it->line, o->path,
			    "expected \"host:port\", \"[IPv6 address]:port\" or a host name, got '%s'", s);
		struct ip_addr a;
		uint16_t port;
		if ((o->flags & F_ADDR_PORT) && ip_addr_port_parse(s, &a, &port) < 0)
			return fail_at(c, it->line, o->path,
			    "expected \"ADDRESS:PORT\" or \"[IPv6 ADDRESS]:PORT\", got '%s'", s);
	}
	return 0;
}

static void init_str_list(const struct opt *o, void *f, int64_t v)
{
	struct cfg_str_list *l = f;

	(void)v;
	for (int i = 0; o->names && o->names[i]; i++) {
		l->v = grow(l->v, l->n, sizeof(*l->v));
		l->v[l->n++] = xstrdup(o->names[i]);
	}
}

static bool is_str_list(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return ((const struct cfg_str_list *)f)->n == 0; }
static void print_str_list(FILE *out, const struct opt *o, const void *f, int indent)
{
	const struct cfg_str_list *l = f;

	(void)o, (void)indent;
	fputs(" [", out);
	for (int i = 0; i < l->n; i++) {
		fputs(i ? ", " : "", out);
		print_quoted(out, l->v[i]);
	}
	fputc(']', out);
}

static void free_str_list(const struct opt *o, void *f)
{
	struct cfg_str_list *l = f;

	(void)o;
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct otype t_str_list = { parse_str_list, init_str_list, is_str_list, print_str_list, free_str_list, 0, true };
