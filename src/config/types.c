/* SPDX-License-Identifier: ISC */
/* config: loads ixpd.yml and the arouteserver-format general.yml and
 * clients.yml it names (see config.h).
 *
 * Each file is parsed by libyaml into a small node tree whose nodes know
 * their line, then walked against ONE option table, opts[] below.  For every
 * key it gives the path, the type (parser, printer, default, ...), where the
 * value is stored and whether ixpd implements it.  The same table drives
 * validation, the refusal of features ixpd does not implement yet,
 * config_dump() and config_free(), so a key cannot be known to one of them
 * and forgotten by another. */
#include "addr.h"
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "asn.h"
#include "bogons.h"
#include "xalloc.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PATH_LEN 256
#define YAML_MAX_DEPTH 32

/* ------------------------------------------------------------------ */
/* Load context and error reporting                                    */

/* Which struct an option's offset is relative to. */
enum obase { B_CONFIG, B_POLICY, B_CLIENT, B_ITEM, B_COUNT };

/* Which node an option may appear in (a bit mask: the per-client options
 * appear both in general.yml and in a clients.yml entry). */
enum {
	S_IXPD = 1 << 0,          /* ixpd.yml */
	S_GENERAL = 1 << 1,       /* general.yml */
	S_CLIENTS_FILE = 1 << 2,  /* clients.yml top level */
	S_CLIENT = 1 << 3,        /* one entry of clients.yml `clients:` */
	S_ASN = 1 << 4,           /* one entry of clients.yml `asns:` */
	S_PREFIX = 1 << 5,        /* a prefix-list entry */
	S_ROUTE = 1 << 6,         /* a white_list_route entry */
	S_COMMUNITY = 1 << 7,     /* {std, lrg, ext} */
	S_BOGONS = 1 << 8,        /* the bogons file ixpd.yml names */
};

struct ctx {
	struct ixpd_config *cfg;
	const char *file;         /* the file being loaded, for messages */
	const char *dir;          /* ixpd.yml's directory + '/', or "" */
	char *err;
	size_t errlen;
	unsigned scope;           /* S_* of the node being loaded */
	void *base[B_COUNT];
	char where[PATH_LEN];     /* display path of that node: "clients[2]" */
	bool inherit_policy;      /* B_POLICY already holds general's values */
	unsigned macros;          /* CFG_COMM_* allowed in the community at hand */
	struct cfg_client *client;
};

static int fail(struct ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%d: %s", c->file, line, msg);
	return -1;
}

/* Fails with the message prefixed by the display path of path. */
static int fail_at(struct ctx *c, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(struct ctx *c, int line, const char *path, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (*c->where == '\0' && *path == '\0')
		return fail(c, line, "%s", msg);
	return fail(c, line, "%s%s%s: %s", c->where,
	    *c->where && *path ? "." : "", path, msg);
}

/* Sets the display path of the node being loaded; truncation would only
 * shorten messages. */
static void set_where(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_where(struct ctx *c, const char *fmt, ...)
{
	char tmp[PATH_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	memcpy(c->where, tmp, sizeof(tmp));
}

/* ------------------------------------------------------------------ */
/* YAML node tree                                                      */

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ykind kind;
	int line;
	bool null;                /* ~, null or empty: "not set", like arouteserver */
	char *str;                /* Y_SCALAR */
	struct ynode **kids;      /* Y_SEQ: items; Y_MAP: key, value, key, value... */
	int n;
};

static void ynode_free(struct ynode *n)
{
	if (n == NULL)
		return;
	for (int i = 0; i < n->n; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

static struct ynode *ynode_new(enum ykind kind, int line)
{
	struct ynode *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->line = line;
	return n;
}

static struct ynode *scalar_node(const yaml_event_t *ev, int line)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL" };
	struct ynode *n = ynode_new(Y_SCALAR, line);
	size_t len = ev->data.scalar.length;

	n->str = xmalloc(len + 1);
	memcpy(n->str, ev->data.scalar.value, len);
	n->str[len] = '\0';
	n->null = n->str[0] == '\0';
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		for (size_t i = 0; i < ARRAY_LEN(nulls); i++)
			n->null |= strcmp(n->str, nulls[i]) == 0;
	return n;
}

static int next_event(struct ctx *c, yaml_parser_t *p, yaml_event_t *ev)
{
	if (yaml_parser_parse(p, ev))
		return 0;
	return fail(c, (int)p->problem_mark.line + 1, "YAML error: %s",
	    p->problem ? p->problem : "unreadable input");
}

/* Keys are compared as text: PyYAML would turn `1:` and `"1":` into
 * different keys, but no arouteserver key is a number. */
static int check_key(struct ctx *c, const struct ynode *map, const struct ynode *key)
{
	if (key->kind != Y_SCALAR)
		return fail(c, key->line, "YAML error: a mapping key must be a plain string");
	for (int i = 0; i < map->n; i += 2)
		if (strcmp(map->kids[i]->str, key->str) == 0)
			return fail(c, key->line, "duplicate key '%s' (first at line %d)",
			    key->str, map->kids[i]->line);
	return 0;
}

static int build(struct ctx *c, yaml_parser_t *p, yaml_event_t *ev, int depth,
    struct ynode **out);

static int build_children(struct ctx *c, yaml_parser_t *p, struct ynode *n,
    yaml_event_type_t end, int depth)
{
	for (;;) {
		yaml_event_t ev;
		struct ynode *kid;

		if (next_event(c, p, &ev))
			return -1;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (build(c, p, &ev, depth + 1, &kid))
			return -1;
		if (n->kind == Y_MAP && n->n % 2 == 0 && check_key(c, n, kid)) {
			ynode_free(kid);
			return -1;
		}
		n->kids = xrealloc(n->kids, (size_t)(n->n + 1) * sizeof(*n->kids));
		n->kids[n->n++] = kid;
	}
}

/* Builds the node starting with *ev (consumed) and everything inside it. */
static int build(struct ctx *c, yaml_parser_t *p, yaml_event_t *ev, int depth,
    struct ynode **out)
{
	int line = (int)ev->start_mark.line + 1;
	yaml_event_type_t type = ev->type;
	struct ynode *n = NULL;
	int r = 0;

	if (depth > YAML_MAX_DEPTH)
		r = fail(c, line, "YAML error: nested deeper than %d levels", YAML_MAX_DEPTH);
	else if (type == YAML_SCALAR_EVENT)
		n = scalar_node(ev, line);
	else if (type == YAML_SEQUENCE_START_EVENT)
		n = ynode_new(Y_SEQ, line);
	else if (type == YAML_MAPPING_START_EVENT)
		n = ynode_new(Y_MAP, line);
	else if (type == YAML_ALIAS_EVENT)
		r = fail(c, line, "YAML aliases are not supported");
	else
		r = fail(c, line, "YAML error: unexpected event");
	yaml_event_delete(ev);
	if (r == 0 && type == YAML_SEQUENCE_START_EVENT)
		r = build_children(c, p, n, YAML_SEQUENCE_END_EVENT, depth);
	if (r == 0 && type == YAML_MAPPING_START_EVENT)
		r = build_children(c, p, n, YAML_MAPPING_END_EVENT, depth);
	if (r) {
		ynode_free(n);
		return -1;
	}
	*out = n;
	return 0;
}

/* Reads the single document of the stream; an empty file is a null node. */
static int read_document(struct ctx *c, yaml_parser_t *p, struct ynode **root)
{
	yaml_event_t ev;

	if (next_event(c, p, &ev))              /* stream start */
		return -1;
	yaml_event_delete(&ev);
	if (next_event(c, p, &ev))
		return -1;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		*root = ynode_new(Y_SCALAR, 1);
		(*root)->null = true;
		return 0;
	}
	yaml_event_delete(&ev);                 /* document start */
	if (next_event(c, p, &ev) || build(c, p, &ev, 0, root))
		return -1;
	if (next_event(c, p, &ev))              /* document end */
		return -1;
	yaml_event_delete(&ev);
	if (next_event(c, p, &ev))
		return -1;
	int line = (int)ev.start_mark.line + 1;
	bool more = ev.type != YAML_STREAM_END_EVENT;
	yaml_event_delete(&ev);
	if (more)
		return fail(c, line, "YAML error: more than one document");
	return 0;
}

static struct ynode *yaml_load(struct ctx *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t p;
	struct ynode *root = NULL;

	if (f == NULL) {
		snprintf(c->err, c->errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	if (read_document(c, &p, &root)) {
		ynode_free(root);
		root = NULL;
	}
	yaml_parser_delete(&p);
	fclose(f);
	return root;
}

/* The non-null value at the dotted path below root, or NULL.  *line gets
 * the line of the deepest key found: where a missing key belongs. */
static const struct ynode *ynode_path(const struct ynode *root, const char *path, int *line)
{
	const struct ynode *n = root;

	*line = root->line;
	while (*path != '\0') {
		size_t len = strcspn(path, ".");
		const struct ynode *next = NULL;

		for (int i = 0; n->kind == Y_MAP && i < n->n; i += 2) {
			const char *key = n->kids[i]->str;
			if (strncmp(key, path, len) == 0 && key[len] == '\0') {
				*line = n->kids[i]->line;
				next = n->kids[i + 1];
			}
		}
		if (next == NULL || next->null)
			return NULL;
		n = next;
		path += len + (path[len] == '.');
	}
	return n;
}

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

/* Decimal digits only: YAML's 0x/0o/sexagesimal forms are not numbers an
 * operator means in these files. */
static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d > 9 || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* ------------------------------------------------------------------ */
/* Option types                                                        */

struct opt;

/* How one kind of value is parsed, defaulted, compared, printed, freed. */
struct otype {
	int (*parse)(struct ctx *c, const struct opt *o, const struct ynode *n, void *f);
	/* Sets the default (or, for messages, a reference value) v. */
	void (*init)(const struct opt *o, void *f, int64_t v);
	/* Is the value v?  Collections and strings: is it empty?  NULL for
	 * types never compared (required values, whole-struct parsers). */
	bool (*is)(const struct opt *o, const void *f, int64_t v);
	/* Writes " value" or, for block values, "\n" + indented lines; never
	 * the final newline.  NULL: not dumped by the generic printer. */
	void (*print)(FILE *out, const struct opt *o, const void *f, int indent);
	void (*free)(const struct opt *o, void *f);
	size_t size;              /* scalars: bytes to compare a client with general */
	bool collection;          /* turned off by leaving it empty */
};

enum support {
	SUP_YES,      /* implemented by ixpd */
	SUP_STORED,   /* stored for the policy module; no effect on its own */
	SUP_ONLY,     /* only the value `ref` is accepted: others ask for more */
};

enum {
	F_REQUIRED = 1 << 0,
	F_ASCENDING = 1 << 2,     /* number list must ascend (rtt_thresholds) */
	F_AS_SET = 1 << 3,        /* string list of AS-SET names */
	F_CUSTOM_REF = 1 << 4,    /* names declared in cfg.custom_communities */
	F_EXT = 1 << 5,           /* extended community: rt|ro:x:x */
	F_CUSTOM_DEF = 1 << 6,    /* cfg.custom_communities: names not built-in */
	F_MEMBER = 1 << 7,        /* copied into struct cfg_member */
	F_PATH = 1 << 8,          /* string list of file names */
	F_HOST_PORT = 1 << 9,     /* string list of "host:port" */
	F_URL = 1 << 10,          /* word that is an http(s) URL */
	F_REJECT_CODES = 1 << 11, /* community map keyed by reject codes */
};

struct opt {
	const char *path;         /* dotted key path from the node being loaded */
	const struct otype *type;
	unsigned scope;           /* S_* mask */
	enum obase base;
	size_t off;               /* of the value in the base struct */
	int64_t min, max;         /* integer range; enums: number of names */
	const char *const *names; /* enum names (NULL = "not set"); string-list default */
	int64_t def;              /* default of a scalar */
	const char *sdef;         /* default of a string */
	unsigned sub;             /* scope of list items (S_PREFIX, S_ROUTE) */
	unsigned macros;          /* communities: CFG_COMM_PEER_AS/DYN_VAL */
	enum support support;
	int64_t ref;              /* SUP_ONLY: the accepted value */
	unsigned flags;
};

static void *field_at(void *const base[], const struct opt *o)
{
	return (char *)base[o->base] + o->off;
}

static int load_node(struct ctx *c, const struct ynode *root);
static void free_opts(unsigned scope, enum obase base, void *p);

static int need_scalar(struct ctx *c, const struct opt *o, const struct ynode *n,
    const char *what)
{
	if (n->kind == Y_SCALAR && !n->null)
		return 0;
	return fail_at(c, n->line, o->path, "expected %s", what);
}

/* Items of a list value: a sequence, or one scalar standing for itself. */
static int n_items(const struct ynode *n)
{
	return n->kind == Y_SEQ ? n->n : 1;
}

static const struct ynode *item(const struct ynode *n, int i)
{
	return n->kind == Y_SEQ ? n->kids[i] : n;
}

static void *grow(void *v, int n, size_t size)
{
	return xrealloc(v, (size_t)(n + 1) * size);
}

static void print_quoted(FILE *out, const char *s)
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

static void print_addr(FILE *out, const struct ip_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	print_quoted(out, ip_addr_str(a, buf, sizeof(buf)));
}

static void no_init(const struct opt *o, void *f, int64_t v)
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

static const struct otype t_bool = { parse_bool, init_bool, is_bool, print_bool, NULL, sizeof(bool), false };

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

static int parse_uint_value(struct ctx *c, const struct opt *o, const struct ynode *n,
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

static const struct otype t_u8 = { parse_uint_opt, init_uint, is_uint, print_uint, NULL, 1, false };
static const struct otype t_u16 = { parse_uint_opt, init_uint, is_uint, print_uint, NULL, 2, false };
static const struct otype t_u32 = { parse_uint_opt, init_uint, is_uint, print_uint, NULL, 4, false };

/* RFC 4271: a hold time of 1 or 2 seconds is not allowed. */
static int parse_hold_time(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	if (parse_uint_opt(c, o, n, f))
		return -1;
	if (get_uint(o, f) == 1 || get_uint(o, f) == 2)
		return fail_at(c, n->line, o->path, "must be 0 or at least 3, got %s", n->str);
	return 0;
}

static const struct otype t_hold_time = { parse_hold_time, init_uint, is_uint, print_uint, NULL, 2, false };

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

static const struct otype t_enum = { parse_enum, init_enum, is_enum, print_enum, NULL, sizeof(int), false };

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

static const struct otype t_log_target = { parse_log_target, init_bool, is_bool, print_log_target, NULL, sizeof(bool), false };

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

static const struct otype t_log_level = { parse_log_level, init_log_level, is_log_level, print_log_level, NULL, sizeof(enum log_level), false };

/* --- strings; paths are resolved relative to ixpd.yml's directory --- */

static int parse_str(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	if (need_scalar(c, o, n, "a string"))
		return -1;
	*(char **)f = xstrdup(n->str);
	return 0;
}

/* A file name as written, relative to ixpd.yml's directory. */
static char *resolve_path(const struct ctx *c, const char *name)
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

static void init_str(const struct opt *o, void *f, int64_t v)
{
	(void)v;
	*(char **)f = o->sdef ? xstrdup(o->sdef) : NULL;
}

static bool is_str(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return *(char *const *)f == NULL; }
static void print_str(FILE *out, const struct opt *o, const void *f, int indent)
{
	const char *s = *(char *const *)f;

	(void)o, (void)indent;
	fputc(' ', out);
	if (s == NULL)
		fputs("null", out);
	else
		print_quoted(out, s);
}

static void free_str(const struct opt *o, void *f)
{
	(void)o;
	free(*(char **)f);
	*(char **)f = NULL;
}

static const struct otype t_str = { parse_str, init_str, is_str, print_str, free_str, 0, true };
static const struct otype t_path = { parse_path, init_str, is_str, print_str, free_str, 0, true };
static const struct otype t_word = { parse_word, init_str, is_str, print_str, free_str, 0, true };

/* `ixpd -n` output is shown and mailed around: it never shows a secret. */
static void print_secret(FILE *out, const struct opt *o, const void *f, int indent)
{
	(void)o, (void)indent;
	fputs(*(char *const *)f ? " \"(hidden)\"" : " null", out);
}

static const struct otype t_secret = { parse_word, init_str, is_str, print_secret, free_str, 0, true };

/* --- addresses: o->min is the family required (0 = either) --- */

static int parse_addr_value(struct ctx *c, const struct opt *o, const struct ynode *n,
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

static const struct otype t_addr = { parse_addr, no_init, is_addr, print_addr_opt, NULL, sizeof(struct ip_addr), true };

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
	fputc(' ', out);
	print_addr(out, &a);
}

static const struct otype t_router_id = { parse_router_id, no_init, NULL, print_router_id, NULL, 0, false };

/* --- listen.addresses: config.h's listen_addrs/n_listen_addrs (B_CONFIG, off 0) --- */

static int parse_listen(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ixpd_config *cfg = f;

	for (int i = 0; i < n_items(n); i++) {
		struct ip_addr a;
		if (parse_addr_value(c, o, item(n, i), &a))
			return -1;
		cfg->listen_addrs = grow(cfg->listen_addrs, cfg->n_listen_addrs, sizeof(a));
		cfg->listen_addrs[cfg->n_listen_addrs++] = a;
	}
	return 0;
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

static const struct otype t_listen = { parse_listen, no_init, NULL, print_listen, NULL, 0, true };

/* --- address lists (authorized_addresses_list) --- */

static int parse_addr_list(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct cfg_addr_list *l = f;

	for (int i = 0; i < n_items(n); i++) {
		struct ip_addr a;
		if (parse_addr_value(c, o, item(n, i), &a))
			return -1;
		l->v = grow(l->v, l->n, sizeof(a));
		l->v[l->n++] = a;
	}
	return 0;
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

static const struct otype t_addr_list = { parse_addr_list, no_init, is_addr_list, print_addr_list, free_addr_list, 0, true };

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

static const struct otype t_u32_list = { parse_u32_list, no_init, is_u32_list, print_u32_list, free_u32_list, 0, true };

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

static const struct otype t_str_list = { parse_str_list, init_str_list, is_str_list, print_str_list, free_str_list, 0, true };

/* --- sub-items loaded with the walker (prefix entries, communities) --- */

static void print_flow(FILE *out, unsigned scope, void *item_p);

/* Loads item node n of option o into the struct at p, with paths shown as
 * o's path + suffix ("[3]" or ".name"). */
static int load_item(struct ctx *c, const struct opt *o, const struct ynode *n,
    unsigned scope, void *p, const char *suffix)
{
	struct ctx sub = *c;

	sub.scope = scope;
	sub.base[B_ITEM] = p;
	set_where(&sub, "%s%s%s%s", c->where, *c->where ? "." : "", o->path, suffix);
	return load_node(&sub, n);
}

/* --- prefix lists: o->sub is S_PREFIX or S_ROUTE (white_list_route) --- */

static int check_prefix(struct ctx *c, const struct opt *o, const struct ynode *n,
    const struct cfg_prefix *p, const char *suffix)
{
	unsigned max = p->prefix.family == AF_INET ? 32 : 128;
	const char *err = NULL;

	if (p->length > max)
		err = "length is longer than the address";
	else if ((p->ge && (p->ge < p->length || p->ge > max)) ||
	    (p->le && (p->le < p->length || p->le > max)))
		err = "ge and le must be between length and the address length";
	else if (p->ge && p->le && p->ge > p->le)
		err = "ge must not be greater than le";
	else if (p->exact && (p->ge || p->le))
		err = "ge and le cannot be used with exact: True";
	if (err == NULL)
		return 0;
	char path[PATH_LEN];
	snprintf(path, sizeof(path), "%s%s", o->path, suffix);
	return fail_at(c, n->line, path, "%s", err);
}

static int parse_prefix_list(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct cfg_prefix_list *l = f;

	if (n->kind != Y_SEQ)
		return fail_at(c, n->line, o->path, "expected a list of {prefix, length} entries");
	for (int i = 0; i < n->n; i++) {
		char suffix[16];
		snprintf(suffix, sizeof(suffix), "[%d]", i);
		l->v = grow(l->v, l->n, sizeof(*l->v));
		struct cfg_prefix *p = memset(&l->v[l->n++], 0, sizeof(*l->v));
		if (load_item(c, o, n->kids[i], o->sub, p, suffix) ||
		    check_prefix(c, o, n->kids[i], p, suffix))
			return -1;
	}
	return 0;
}

static bool is_prefix_list(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return ((const struct cfg_prefix_list *)f)->n == 0; }
static void print_prefix_list(FILE *out, const struct opt *o, const void *f, int indent)
{
	const struct cfg_prefix_list *l = f;

	if (l->n == 0)
		fputs(" []", out);
	for (int i = 0; i < l->n; i++) {
		fprintf(out, "\n%*s- ", indent + 2, "");
		print_flow(out, o->sub, &l->v[i]);
	}
}

static void free_prefix_list(const struct opt *o, void *f)
{
	struct cfg_prefix_list *l = f;

	for (int i = 0; i < l->n; i++)
		free_opts(o->sub, B_ITEM, &l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static const struct otype t_prefix_list = { parse_prefix_list, no_init, is_prefix_list, print_prefix_list, free_prefix_list, 0, true };

/* --- communities: {std, lrg, ext}, o->macros says which macros it needs --- */

/* Checks one part of a community value; appends its normalised form. */
static const char *comm_part(const struct ctx *c, const char *part, bool last,
    uint64_t max, char *out, size_t outlen)
{
	unsigned macro = strcmp(part, "peer_as") == 0 ? CFG_COMM_PEER_AS :
	    strcmp(part, "dyn_val") == 0 ? CFG_COMM_DYN_VAL : 0;
	size_t len = strlen(out);
	uint64_t v;

	if (macro && !(c->macros & macro))
		return "this macro is not allowed in this community";
	if (macro && !last)
		return "this macro can only be the last part";
	if (macro || strcmp(part, "rs_as") == 0) {
		snprintf(out + len, outlen - len, "%s", part);
		return NULL;
	}
	if (!parse_uint(part, max, &v))
		return max == 65535 ? "parts must be 0..65535 or a macro" :
		    "parts must be 0..4294967295 or a macro";
	snprintf(out + len, outlen - len, "%llu", (unsigned long long)v);
	return NULL;
}

/* "x:x" (std, o->min 2), "x:x:x" (lrg) or "rt|ro:x:x" (ext, F_EXT). */
static const char *comm_check(const struct ctx *c, const struct opt *o, const char *text,
    char *out, size_t outlen)
{
	char parts[4][32];
	int n = 0;
	const char *p = text;

	for (;; n++) {
		size_t len = strcspn(p, ":");
		if (n == 3)
			return "too many parts";
		if (len >= sizeof(parts[0]))
			return "a part is too long";
		snprintf(parts[n], sizeof(parts[n]), "%.*s", (int)len, p);
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	if (++n != o->min)
		return o->min == 2 ? "expected x:x" : (o->flags & F_EXT) ? "expected rt:x:x or ro:x:x" : "expected x:x:x";
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *err = NULL;
		if (i == 0 && (o->flags & F_EXT)) {
			if (strcasecmp(parts[0], "rt") != 0 && strcasecmp(parts[0], "ro") != 0)
				return "expected rt:x:x or ro:x:x";
			snprintf(out, outlen, "%c%c", parts[0][0] | 0x20, parts[0][1] | 0x20);
		} else {
			err = comm_part(c, parts[i], i == n - 1, o->min == 2 ? 65535 : UINT32_MAX, out, outlen);
		}
		if (err)
			return err;
		if (i < n - 1)
			strcat(out, ":");
	}
	if (o->min == 2 && strcmp(parts[0], "65535") == 0)
		return "65535:x is reserved for well-known communities";
	if ((c->macros & CFG_COMM_PEER_AS) && strstr(out, "peer_as") == NULL)
		return "this community needs the peer_as macro as its last part";
	if ((c->macros & CFG_COMM_DYN_VAL) && strstr(out, "dyn_val") == NULL)
		return "this community needs the dyn_val macro as its last part";
	return NULL;
}

static int parse_comm_value(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	char norm[128];
	const char *err;

	if (need_scalar(c, o, n, "a community string"))
		return -1;
	if ((err = comm_check(c, o, n->str, norm, sizeof(norm))) != NULL)
		return fail_at(c, n->line, o->path, "invalid community '%s': %s", n->str, err);
	*(char **)f = xstrdup(norm);
	return 0;
}

static const struct otype t_comm_value = { parse_comm_value, init_str, is_str, print_str, free_str, 0, true };

static int parse_community(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ctx with = *c;

	with.macros = o->macros;
	return load_item(&with, o, n, S_COMMUNITY, f, "");
}

static bool comm_empty(const struct cfg_community *cm)
{
	return cm->std == NULL && cm->lrg == NULL && cm->ext == NULL;
}

static bool is_community(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return comm_empty(f); }
static void print_community(FILE *out, const struct opt *o, const void *f, int indent)
{
	(void)o, (void)indent;
	fputc(' ', out);
	print_flow(out, S_COMMUNITY, (void *)f);
}

static void free_community(const struct opt *o, void *f)
{
	(void)o;
	free_opts(S_COMMUNITY, B_ITEM, f);
}

static const struct otype t_community = { parse_community, no_init, is_community, print_community, free_community, 0, true };

/* --- name -> community maps (custom_communities, reject_cause_map) --- */

static bool builtin_community(const char *name)
{
	static const char *const names[] = {
#define CFG_COMM_NAME(id, key, flags) #key,
		CFG_COMMUNITIES(CFG_COMM_NAME)
#undef CFG_COMM_NAME
	};

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static int parse_comm_map(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct cfg_community_map *m = f;

	if (n->kind != Y_MAP)
		return fail_at(c, n->line, o->path, "expected a mapping of names to communities");
	for (int i = 0; i < n->n; i += 2) {
		const struct ynode *key = n->kids[i];
		char suffix[PATH_LEN];
		uint64_t code;
		if ((o->flags & F_CUSTOM_DEF) && builtin_community(key->str))
			return fail_at(c, key->line, o->path,
			    "'%s' is the name of a built-in community", key->str);
		if ((o->flags & F_REJECT_CODES) && !parse_uint(key->str, 65535, &code))
			return fail_at(c, key->line, o->path,
			    "expected reject codes (0..65535) as keys, got '%s'", key->str);
		m->v = grow(m->v, m->n, sizeof(*m->v));
		struct cfg_named_community *nc = memset(&m->v[m->n++], 0, sizeof(*m->v));
		nc->name = xstrdup(key->str);
		snprintf(suffix, sizeof(suffix), ".%s", key->str);
		struct ctx with = *c;
		with.macros = 0;
		if (load_item(&with, o, n->kids[i + 1], S_COMMUNITY, &nc->comm, suffix))
			return -1;
	}
	return 0;
}

static bool is_comm_map(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return ((const struct cfg_community_map *)f)->n == 0; }
static void print_comm_map(FILE *out, const struct opt *o, const void *f, int indent)
{
	const struct cfg_community_map *m = f;

	(void)o;
	if (m->n == 0)
		fputs(" {}", out);
	for (int i = 0; i < m->n; i++) {
		fprintf(out, "\n%*s", indent + 2, "");
		print_quoted(out, m->v[i].name);
		fputs(": ", out);
		print_flow(out, S_COMMUNITY, &m->v[i].comm);
	}
}

static void free_comm_map(const struct opt *o, void *f)
{
	struct cfg_community_map *m = f;

	(void)o;
	for (int i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free_opts(S_COMMUNITY, B_ITEM, &m->v[i].comm);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static const struct otype t_comm_map = { parse_comm_map, no_init, is_comm_map, print_comm_map, free_comm_map, 0, true };

/* --- prefix lengths {min, max} --- */

static int parse_pref_len(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	char path[PATH_LEN];
	const struct opt bound = { .path = path, .type = &t_u8, .max = o->max };
	uint64_t v[2] = { 0, 0 };
	bool seen[2] = { false, false };

	if (n->kind != Y_MAP)
		return fail_at(c, n->line, o->path, "expected {min: N, max: N}");
	for (int i = 0; i < n->n; i += 2) {
		int which = strcmp(n->kids[i]->str, "min") == 0 ? 0 :
		    strcmp(n->kids[i]->str, "max") == 0 ? 1 : -1;
		if (which < 0)
			return fail(c, n->kids[i]->line, "unknown key '%s' in %s%s%s", n->kids[i]->str,
			    c->where, *c->where ? "." : "", o->path);
		snprintf(path, sizeof(path), "%s.%s", o->path, n->kids[i]->str);
		if (parse_uint_value(c, &bound, n->kids[i + 1], &v[which]))
			return -1;
		seen[which] = true;
	}
	if (!seen[0] || !seen[1])
		return fail_at(c, n->line, o->path, "both min and max are required");
	if (v[0] > v[1])
		return fail_at(c, n->line, o->path, "min must not be greater than max");
	*(struct cfg_pref_len *)f = (struct cfg_pref_len){ (uint8_t)v[0], (uint8_t)v[1] };
	return 0;
}

static void init_pref_len(const struct opt *o, void *f, int64_t v)
{
	(void)o;
	*(struct cfg_pref_len *)f = (struct cfg_pref_len){ (uint8_t)(v >> 8), (uint8_t)v };
}

static bool is_pref_len(const struct opt *o, const void *f, int64_t v)
{
	const struct cfg_pref_len *p = f;

	(void)o;
	return (p->min << 8 | p->max) == v;
}

static void print_pref_len(FILE *out, const struct opt *o, const void *f, int indent)
{
	const struct cfg_pref_len *p = f;

	(void)o, (void)indent;
	fprintf(out, " {min: %u, max: %u}", p->min, p->max);
}

static const struct otype t_pref_len = { parse_pref_len, init_pref_len, is_pref_len, print_pref_len, NULL, sizeof(struct cfg_pref_len), false };

/* --- clients.yml: `clients:` (B_CONFIG, off 0), each entry's `ip:`
 * (B_CLIENT, off 0) and `asns:` (B_CONFIG, off 0) --- */

/* Each address of a client is one member (BGP session); the rest of the
 * member is filled in from the client once the whole entry is loaded. */
static int parse_member_ips(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ixpd_config *cfg = c->cfg;

	(void)f;
	if (n_items(n) == 0)
		return fail_at(c, n->line, o->path, "expected at least one address");
	for (int i = 0; i < n_items(n); i++) {
		struct ip_addr a;
		if (parse_addr_value(c, o, item(n, i), &a))
			return -1;
		cfg->members = grow(cfg->members, cfg->n_members, sizeof(*cfg->members));
		cfg->members[cfg->n_members++] = (struct cfg_member){
			.addr = a, .client = c->client, .line = item(n, i)->line,
		};
	}
	return 0;
}

static const struct otype t_member_ips = { parse_member_ips, no_init, NULL, NULL, NULL, 0, false };

static void finish_client_members(struct ixpd_config *cfg, int first, const struct cfg_client *cl)
{
	for (int i = first; i < cfg->n_members; i++) {
		struct cfg_member *m = &cfg->members[i];
		m->asn = cl->asn;
		m->client_id = cl->id;
		m->description = cl->description;
		m->passive = cl->policy.passive;
		m->add_path = cl->policy.add_path;
		m->file = cfg->clients_path;
	}
}

static int parse_clients(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ixpd_config *cfg = f;

	if (n->kind != Y_SEQ)
		return fail_at(c, n->line, o->path, "expected a list of clients");
	/* Allocated once: members point into it. */
	cfg->clients = xcalloc((size_t)n->n + 1, sizeof(*cfg->clients));
	for (int i = 0; i < n->n; i++) {
		struct cfg_client *cl = &cfg->clients[cfg->n_clients++];
		struct ctx sub = *c;
		int first = cfg->n_members;

		cl->policy = cfg->policy;
		cl->line = n->kids[i]->line;
		sub.scope = S_CLIENT;
		sub.base[B_CLIENT] = cl;
		sub.base[B_POLICY] = &cl->policy;
		sub.client = cl;
			sub.inherit_policy = true;
		set_where(&sub, "clients[%d]", i);
		if (load_node(&sub, n->kids[i]))
			return -1;
		finish_client_members(cfg, first, cl);
	}
	return 0;
}

static const struct otype t_clients = { parse_clients, no_init, NULL, NULL, NULL, 0, false };

static int cmp_asn_entry(const void *a, const void *b)
{
	uint32_t x = ((const struct cfg_asn_entry *)a)->asn, y = ((const struct cfg_asn_entry *)b)->asn;

	return x < y ? -1 : x > y;
}

static int parse_asns(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ixpd_config *cfg = f;
	uint64_t asn;

	if (n->kind != Y_MAP)
		return fail_at(c, n->line, o->path, "expected a mapping of AS<number> entries");
	for (int i = 0; i < n->n; i += 2) {
		const struct ynode *key = n->kids[i];
		if (strncmp(key->str, "AS", 2) != 0 || !parse_uint(key->str + 2, UINT32_MAX, &asn) || asn == 0)
			return fail_at(c, key->line, o->path, "expected AS<number> keys, got '%s'", key->str);
		cfg->asns = grow(cfg->asns, cfg->n_asns, sizeof(*cfg->asns));
		struct cfg_asn_entry *e = memset(&cfg->asns[cfg->n_asns++], 0, sizeof(*cfg->asns));
		e->asn = (uint32_t)asn;
		e->line = key->line;
		char suffix[PATH_LEN];
		snprintf(suffix, sizeof(suffix), ".%s", key->str);
		if (load_item(c, o, n->kids[i + 1], S_ASN, e, suffix))
			return -1;
	}
	if (cfg->n_asns > 1)
		qsort(cfg->asns, (size_t)cfg->n_asns, sizeof(*cfg->asns), cmp_asn_entry);
	for (int i = 1; i < cfg->n_asns; i++)
		if (cfg->asns[i].asn == cfg->asns[i - 1].asn)
			return fail_at(c, cfg->asns[i].line, o->path, "AS%u is listed twice", cfg->asns[i].asn);
	return 0;
}

static const struct otype t_asns = { parse_asns, no_init, NULL, NULL, NULL, 0, false };

/* ------------------------------------------------------------------ */
/* The option table                                                    */

static const char *const next_hop_names[] = { "strict", "same-as", "authorized_addresses" };
static const char *const max_prefix_action_names[] = { NULL, "shutdown", "restart", "block", "warning" };
static const char *const reject_policy_names[] = { "reject", "tag", "tag_and_reject" };
static const char *const role_names[] = { "provider", "rs", "rs-client", "customer", "peer" };
static const char *const transit_free_names[] = { NULL, "reject", "warning" };
static const char *const blackhole_names[] = { NULL, "propagate-unchanged", "rewrite-next-hop" };
static const char *const rpki_source_names[] = { "ripe-rpki-validator-cache", "rtr" };
static const char *const rfc1997_names[] = { "pass", "rfc1997" };
static const char *const default_validator_urls[] = {
	"https://console.rpki-client.org/vrps.json",
	"https://rpki.gin.ntt.net/api/export.json",
	"https://rpki-validator.ripe.net/api/export.json",
	NULL,
};
static const char *const default_trust_anchors[] = {
	"APNIC RPKI Root", "AfriNIC RPKI Root", "LACNIC RPKI Root", "RIPE NCC RPKI Root",
	"apnic", "afrinic", "lacnic", "ripe", NULL,
};

/* Where an option lives; the scope says which files may set it. */
#define IXPD(f)   .scope = S_IXPD, .base = B_CONFIG, .off = offsetof(struct ixpd_config, f)
#define GEN(f)    .scope = S_GENERAL, .base = B_CONFIG, .off = offsetof(struct ixpd_config, f)
#define POL(f)    .scope = S_GENERAL | S_CLIENT, .base = B_POLICY, .off = offsetof(struct cfg_policy, f)
#define CLI(f)    .scope = S_CLIENT, .base = B_CLIENT, .off = offsetof(struct cfg_client, f)
#define ITEM(s, type, f) .scope = (s), .base = B_ITEM, .off = offsetof(type, f)
#define WHOLE(s, b) .scope = (s), .base = (b), .off = 0

/* Types with their parameters and defaults. */
#define BOOL(d)          .type = &t_bool, .def = (d)
#define U8(lo, hi)       .type = &t_u8, .min = (lo), .max = (hi)
#define U16(lo, hi, d)   .type = &t_u16, .min = (lo), .max = (hi), .def = (d)
#define U32(lo, hi, d)   .type = &t_u32, .min = (lo), .max = (hi), .def = (d)
#define UINT(d)          U32(0, UINT32_MAX, d)
#define ASN              U32(1, UINT32_MAX, 0)
#define ASN_LIST         .type = &t_u32_list, .min = 1, .max = UINT32_MAX
#define ENUM(list, d)    .type = &t_enum, .names = (list), .max = ARRAY_LEN(list), .def = (d)
#define STR(d)           .type = &t_str, .sdef = (d)
#define WORD(d)          .type = &t_word, .sdef = (d)
#define STR_LIST(list)   .type = &t_str_list, .names = (list)
#define ADDR(family)     .type = &t_addr, .min = (family)
/* prefix lengths: min/max defaults packed as (min << 8 | max) */
#define PREF_LEN(bits, dmin, dmax) .type = &t_pref_len, .max = (bits), .def = ((dmin) << 8 | (dmax))

/* What ixpd does with it (enum support). */
#define YES          .support = SUP_YES
#define STORED       .support = SUP_STORED
#define ONLY(v)      .support = SUP_ONLY, .ref = (v)    /* v must be the default */
#define ONLY_EMPTY   .support = SUP_ONLY

/* Every key of the three files, in arouteserver's documentation order
 * (config_dump prints in this order, so the keys of a section must stay
 * together).  The support column is the classification documented in
 * docs/configuration.md:
 *   YES     implemented by ixpd;
 *   STORED  accepted and stored for the policy module; it has no effect on
 *           its own (a data source, or a detail of a feature that is off);
 *   ONLY(v) only v is accepted: other values ask for features ixpd does
 *           not implement yet and are refused, never ignored.
 * Rules between keys (a policy that needs another key, defaults that
 * depend on other keys) are node_rules[], after the table. */
static const struct opt opts[] = {
	/* ixpd.yml */
	{ "general", .type = &t_path, IXPD(general_path), YES, .flags = F_REQUIRED },
	{ "clients", .type = &t_path, IXPD(clients_path), YES, .flags = F_REQUIRED },
	{ "listen.addresses", .type = &t_listen, WHOLE(S_IXPD, B_CONFIG), YES },
	{ "listen.port", U16(1, 65535, CFG_DEFAULT_PORT), IXPD(port), YES },
	{ "control_socket", STR(IXPD_CONTROL_SOCKET), IXPD(control_socket), YES },
	{ "log.target", .type = &t_log_target, IXPD(log_syslog), YES },
	{ "log.level", .type = &t_log_level, .def = LOG_LVL_INFO, IXPD(log_level), YES },
	{ "timers.hold_time", .type = &t_hold_time, .max = 65535, .def = CFG_DEFAULT_HOLD_TIME, IXPD(hold_time), YES },
	{ "timers.connect_retry", U16(1, 3600, CFG_DEFAULT_CONNECT_RETRY), IXPD(connect_retry), YES },
	{ "communities_defaults", BOOL(true), IXPD(communities_defaults), YES },
	{ "cache_dir", .type = &t_path, .sdef = CFG_DEFAULT_CACHE_DIR, IXPD(cache_dir), YES },
	{ "bogons", .type = &t_path, IXPD(bogons_path), YES },
	{ "rpki.rtr", STR_LIST(NULL), .flags = F_HOST_PORT, IXPD(rpki.rtr), YES },
	{ "rpki.vrp_file", .type = &t_path, IXPD(rpki.vrp_file), YES },
	{ "rpki.refresh", U32(1, 86400, CFG_DEFAULT_RPKI_REFRESH), IXPD(rpki.refresh), YES },
	{ "irr.rpsl", STR_LIST(NULL), .flags = F_PATH, IXPD(irr.rpsl), YES },
	{ "irr.bgpq4.enabled", BOOL(false), IXPD(irr.bgpq4.enabled), YES },
	{ "irr.bgpq4.path", .type = &t_path, .sdef = "/usr/bin/bgpq4", IXPD(irr.bgpq4.path), YES },
	{ "irr.bgpq4.host", WORD("rr.ntt.net"), IXPD(irr.bgpq4.host), YES },
	{ "irr.bgpq4.sources", WORD(NULL), IXPD(irr.bgpq4.sources), YES },
	{ "irr.refresh", U32(1, 2592000, CFG_DEFAULT_IRR_REFRESH), IXPD(irr.refresh), YES },
	{ "peeringdb.api", WORD("https://www.peeringdb.com"), .flags = F_URL, IXPD(peeringdb.api), YES },
	{ "peeringdb.api_key", .type = &t_secret, IXPD(peeringdb.api_key), YES },
	{ "peeringdb.file", .type = &t_path, IXPD(peeringdb.file), YES },
	{ "peeringdb.refresh", U32(60, 2592000, CFG_DEFAULT_PEERINGDB_REFRESH), IXPD(peeringdb.refresh), YES },

	/* the bogons file: arouteserver's bogons.yml format */
	{ "bogons", .type = &t_prefix_list, .sub = S_PREFIX, .scope = S_BOGONS, .base = B_CONFIG,
	  .off = offsetof(struct ixpd_config, bogons), YES, .flags = F_REQUIRED },

	/* clients.yml top level */
	{ "asns", .type = &t_asns, WHOLE(S_CLIENTS_FILE, B_CONFIG), YES },
	{ "clients", .type = &t_clients, WHOLE(S_CLIENTS_FILE, B_CONFIG), YES, .flags = F_REQUIRED },

	/* a clients.yml entry, outside its cfg: */
	{ "asn", ASN, CLI(asn), YES, .flags = F_REQUIRED },
	{ "ip", .type = &t_member_ips, WHOLE(S_CLIENT, B_CLIENT), YES, .flags = F_REQUIRED },
	{ "id", STR(NULL), CLI(id), YES },
	{ "description", STR(NULL), CLI(description), YES },
	{ "password", STR(NULL), CLI(password), ONLY_EMPTY },
	{ "16bit_mapped_asn", U32(64512, 65534, 0), CLI(mapped_asn16), STORED },

	/* general.yml cfg:, and a client's cfg: (POL and CLI rows) */
	{ "cfg.rs_as", ASN, GEN(rs_as), YES, .flags = F_REQUIRED },
	{ "cfg.router_id", .type = &t_router_id, .min = AF_INET, GEN(router_id), YES, .flags = F_REQUIRED },
	{ "cfg.prepend_rs_as", BOOL(false), POL(prepend_rs_as), ONLY(false) },
	{ "cfg.path_hiding", BOOL(true), GEN(path_hiding), YES },
	{ "cfg.passive", BOOL(true), POL(passive), YES, .flags = F_MEMBER },
	{ "cfg.multihop", U32(0, 255, 0), POL(multihop), ONLY(0) },
	{ "cfg.gtsm", BOOL(false), POL(gtsm), ONLY(false) },
	{ "cfg.add_path", BOOL(false), POL(add_path), YES, .flags = F_MEMBER },
	{ "cfg.rfc8950", BOOL(false), POL(rfc8950), ONLY(false) },

	{ "cfg.filtering.next_hop.policy", ENUM(next_hop_names, CFG_NEXT_HOP_STRICT),
	  POL(filtering.next_hop.policy), YES },
	{ "cfg.filtering.next_hop.authorized_addresses_list", .type = &t_addr_list,
	  CLI(authorized_addresses_list), YES },
	{ "cfg.filtering.ipv4_pref_len", PREF_LEN(32, 8, 24), POL(filtering.ipv4_pref_len), YES },
	{ "cfg.filtering.ipv6_pref_len", PREF_LEN(128, 12, 48), POL(filtering.ipv6_pref_len), YES },
	{ "cfg.filtering.global_black_list_pref", .type = &t_prefix_list, .sub = S_PREFIX,
	  GEN(general.filtering.global_black_list_pref), YES },
	{ "cfg.filtering.black_list_pref", .type = &t_prefix_list, .sub = S_PREFIX,
	  CLI(black_list_pref), YES },
	{ "cfg.filtering.max_as_path_len", U32(1, 64, 32), POL(filtering.max_as_path_len), YES },
	{ "cfg.filtering.reject_invalid_as_in_as_path", BOOL(true),
	  POL(filtering.reject_invalid_as_in_as_path), YES },
	{ "cfg.filtering.transit_free.action", ENUM(transit_free_names, CFG_TRANSIT_FREE_NONE),
	  GEN(general.filtering.transit_free.action), YES },
	{ "cfg.filtering.transit_free.asns", ASN_LIST, GEN(general.filtering.transit_free.asns), YES },
	{ "cfg.filtering.never_via_route_servers.peering_db", BOOL(true),
	  GEN(general.filtering.never_via_route_servers.peering_db), YES },
	{ "cfg.filtering.never_via_route_servers.asns", ASN_LIST,
	  GEN(general.filtering.never_via_route_servers.asns), YES },

	{ "cfg.filtering.irrdb.as_sets", STR_LIST(NULL), CLI(irrdb.as_sets), YES, .flags = F_AS_SET },
	{ "cfg.filtering.irrdb.enforce_origin_in_as_set", BOOL(true),
	  POL(filtering.irrdb.enforce_origin_in_as_set), YES },
	{ "cfg.filtering.irrdb.enforce_prefix_in_as_set", BOOL(true),
	  POL(filtering.irrdb.enforce_prefix_in_as_set), YES },
	{ "cfg.filtering.irrdb.allow_longer_prefixes", BOOL(false),
	  GEN(general.filtering.irrdb.allow_longer_prefixes), YES },
	{ "cfg.filtering.irrdb.tag_as_set", BOOL(true), GEN(general.filtering.irrdb.tag_as_set), YES },
	{ "cfg.filtering.irrdb.peering_db", BOOL(false), GEN(general.filtering.irrdb.peering_db), STORED },
	{ "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.enabled", BOOL(false),
	  GEN(general.filtering.irrdb.use_rpki_roas_as_route_objects.enabled), ONLY(false) },
	{ "cfg.filtering.irrdb.use_arin_bulk_whois_data.enabled", BOOL(false),
	  GEN(general.filtering.irrdb.use_arin_bulk_whois_data.enabled), ONLY(false) },
	{ "cfg.filtering.irrdb.use_arin_bulk_whois_data.source", STR(NULL),
	  GEN(general.filtering.irrdb.use_arin_bulk_whois_data.source), STORED },
	{ "cfg.filtering.irrdb.use_registrobr_bulk_whois_data.enabled", BOOL(false),
	  GEN(general.filtering.irrdb.use_registrobr_bulk_whois_data.enabled), ONLY(false) },
	{ "cfg.filtering.irrdb.use_registrobr_bulk_whois_data.source",
	  STR("ftp://ftp.registro.br/pub/numeracao/origin/nicbr-asn-blk-latest.txt"),
	  GEN(general.filtering.irrdb.use_registrobr_bulk_whois_data.source), STORED },
	{ "cfg.filtering.irrdb.white_list_pref", .type = &t_prefix_list, .sub = S_PREFIX,
	  CLI(irrdb.white_list_pref), YES },
	{ "cfg.filtering.irrdb.white_list_asn", ASN_LIST, CLI(irrdb.white_list_asn), YES },
	{ "cfg.filtering.irrdb.white_list_route", .type = &t_prefix_list, .sub = S_ROUTE,
	  CLI(irrdb.white_list_route), YES },

	{ "cfg.filtering.rpki_bgp_origin_validation.enabled", BOOL(false),
	  POL(filtering.rpki_bgp_origin_validation.enabled), YES },
	{ "cfg.filtering.rpki_bgp_origin_validation.reject_invalid", BOOL(true),
	  POL(filtering.rpki_bgp_origin_validation.reject_invalid), YES },

	{ "cfg.filtering.max_prefix.action", ENUM(max_prefix_action_names, CFG_MAX_PREFIX_NONE),
	  POL(filtering.max_prefix.action), YES },
	{ "cfg.filtering.max_prefix.restart_after", UINT(15), POL(filtering.max_prefix.restart_after), YES },
	{ "cfg.filtering.max_prefix.count_rejected_routes", BOOL(true),
	  POL(filtering.max_prefix.count_rejected_routes), YES },
	{ "cfg.filtering.max_prefix.peering_db.enabled", BOOL(true),
	  POL(filtering.max_prefix.peering_db.enabled), YES },
	{ "cfg.filtering.max_prefix.peering_db.increment.absolute", UINT(100),
	  POL(filtering.max_prefix.peering_db.increment.absolute), YES },
	{ "cfg.filtering.max_prefix.peering_db.increment.relative", UINT(15),
	  POL(filtering.max_prefix.peering_db.increment.relative), YES },
	{ "cfg.filtering.max_prefix.general_limit_ipv4", UINT(170000),
	  GEN(general.filtering.max_prefix.general_limit_ipv4), YES },
	{ "cfg.filtering.max_prefix.general_limit_ipv6", UINT(12000),
	  GEN(general.filtering.max_prefix.general_limit_ipv6), YES },
	{ "cfg.filtering.max_prefix.limit_ipv4", UINT(0), CLI(max_prefix.limit_ipv4), YES },
	{ "cfg.filtering.max_prefix.limit_ipv6", UINT(0), CLI(max_prefix.limit_ipv6), YES },

	{ "cfg.filtering.roles.enabled", BOOL(false), POL(filtering.roles.enabled), ONLY(false) },
	{ "cfg.filtering.roles.strict_mode", BOOL(false), POL(filtering.roles.strict_mode), STORED },
	{ "cfg.filtering.roles.local_role", ENUM(role_names, CFG_ROLE_RS), CLI(local_role), STORED },
	{ "cfg.filtering.reject_policy.policy", ENUM(reject_policy_names, CFG_REJECT_POLICY_REJECT),
	  POL(filtering.reject_policy.policy), YES },

	{ "cfg.rpki_roas.source", ENUM(rpki_source_names, CFG_RPKI_ROAS_RIPE_CACHE),
	  GEN(general.rpki_roas.source), STORED },
	{ "cfg.rpki_roas.ripe_rpki_validator_url", STR_LIST(default_validator_urls),
	  GEN(general.rpki_roas.ripe_rpki_validator_url), STORED },
	{ "cfg.rpki_roas.allowed_trust_anchors", STR_LIST(default_trust_anchors),
	  GEN(general.rpki_roas.allowed_trust_anchors), YES },
	{ "cfg.rpki_roas.ignore_cache_files_older_than", UINT(21600),
	  GEN(general.rpki_roas.ignore_cache_files_older_than), YES },

	{ "cfg.blackhole_filtering.policy_ipv4", ENUM(blackhole_names, CFG_BLACKHOLE_NONE),
	  GEN(general.blackhole_filtering.policy_ipv4), YES },
	{ "cfg.blackhole_filtering.policy_ipv6", ENUM(blackhole_names, CFG_BLACKHOLE_NONE),
	  GEN(general.blackhole_filtering.policy_ipv6), YES },
	{ "cfg.blackhole_filtering.rewrite_next_hop_ipv4", ADDR(AF_INET),
	  GEN(general.blackhole_filtering.rewrite_next_hop_ipv4), YES },
	{ "cfg.blackhole_filtering.rewrite_next_hop_ipv6", ADDR(AF_INET6),
	  GEN(general.blackhole_filtering.rewrite_next_hop_ipv6), YES },
	{ "cfg.blackhole_filtering.announce_to_client", BOOL(true),
	  POL(blackhole_filtering.announce_to_client), YES },
	{ "cfg.blackhole_filtering.add_noexport", BOOL(true),
	  GEN(general.blackhole_filtering.add_noexport), YES },

	{ "cfg.graceful_shutdown.enabled", BOOL(false), POL(graceful_shutdown.enabled), YES },
	{ "cfg.graceful_shutdown.local_pref", UINT(0), GEN(general.graceful_shutdown.local_pref), YES },
	{ "cfg.rfc1997_wellknown_communities.policy", ENUM(rfc1997_names, CFG_RFC1997_PASS),
	  GEN(general.rfc1997_wellknown_communities.policy), ONLY(CFG_RFC1997_PASS) },
	{ "cfg.rtt_thresholds", .type = &t_u32_list, .max = UINT32_MAX, .flags = F_ASCENDING,
	  GEN(general.rtt_thresholds), STORED },

	/* Communities: those acting on RTTs are refused, ixpd measures none. */
#define COMMUNITY_OPT(id, key, macro_flags) \
	{ "cfg.communities." #key, .type = &t_community, .macros = (macro_flags), \
	  GEN(general.communities[CFG_COMM_##id]), \
	  .support = ((macro_flags) & CFG_COMM_RTT) ? SUP_ONLY : SUP_YES },
	CFG_COMMUNITIES(COMMUNITY_OPT)
#undef COMMUNITY_OPT
	{ "cfg.communities.reject_cause_map", .type = &t_comm_map, .flags = F_REJECT_CODES,
	  GEN(general.reject_cause_map), YES },
	/* Declaring custom communities does nothing until a client attaches one. */
	{ "cfg.custom_communities", .type = &t_comm_map, .flags = F_CUSTOM_DEF,
	  GEN(general.custom_communities), STORED },
	{ "cfg.attach_custom_communities", STR_LIST(NULL), .flags = F_CUSTOM_REF,
	  CLI(attach_custom_communities), ONLY_EMPTY },

	/* a prefix-list entry; white_list_route entries also have asn */
	{ "prefix", ADDR(0), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, prefix), YES, .flags = F_REQUIRED },
	{ "length", U8(0, 128), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, length), YES, .flags = F_REQUIRED },
	{ "exact", BOOL(false), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, exact), YES },
	{ "ge", U8(0, 128), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, ge), YES },
	{ "le", U8(0, 128), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, le), YES },
	{ "asn", ASN, ITEM(S_ROUTE, struct cfg_prefix, asn), YES },
	{ "comment", STR(NULL), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, comment), YES },

	/* a community */
	{ "std", .type = &t_comm_value, .min = 2, ITEM(S_COMMUNITY, struct cfg_community, std), YES },
	{ "lrg", .type = &t_comm_value, .min = 3, ITEM(S_COMMUNITY, struct cfg_community, lrg), YES },
	{ "ext", .type = &t_comm_value, .min = 3, .flags = F_EXT,
	  ITEM(S_COMMUNITY, struct cfg_community, ext), YES },

	/* an asns: entry */
	{ "as_sets", STR_LIST(NULL), .flags = F_AS_SET, ITEM(S_ASN, struct cfg_asn_entry, as_sets), STORED },
};
static const size_t n_opts = ARRAY_LEN(opts);

/* Syntaxes arouteserver still converts from its old releases: refused with
 * the current form rather than as unknown keys or wrong types. */
static const struct { const char *path; bool scalar; const char *now; } old_syntax[] = {
	{ "cfg.filtering.next_hop_policy", false, "next_hop: {policy: ...}" },
	{ "cfg.filtering.rpki", false, "rpki_bgp_origin_validation" },
	{ "cfg.filtering.max_prefix.peering_db", true, "peering_db: {enabled: ...}" },
	{ "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.source", false, "cfg.rpki_roas.source" },
	{ "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.ripe_rpki_validator_url", false,
	  "cfg.rpki_roas.ripe_rpki_validator_url" },
	{ "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.allowed_trust_anchors", false,
	  "cfg.rpki_roas.allowed_trust_anchors" },
};

/* Fails if path (with value val) is an old arouteserver syntax. */
static int check_old_syntax(struct ctx *c, const char *path, const struct ynode *val)
{
	for (size_t i = 0; path && i < ARRAY_LEN(old_syntax); i++)
		if (strcmp(old_syntax[i].path, path) == 0 && (!old_syntax[i].scalar || val->kind == Y_SCALAR))
			return fail_at(c, val->line, path, "old arouteserver syntax: write it as '%s'",
			    old_syntax[i].now);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Walking a node against the table                                    */

static const struct opt *opt_find(unsigned scope, const char *path)
{
	for (size_t i = 0; i < n_opts; i++)
		if ((opts[i].scope & scope) && strcmp(opts[i].path, path) == 0)
			return &opts[i];
	return NULL;
}

static bool is_section(unsigned scope, const char *path)
{
	size_t len = strlen(path);

	for (size_t i = 0; i < n_opts; i++)
		if ((opts[i].scope & scope) && strncmp(opts[i].path, path, len) == 0 &&
		    opts[i].path[len] == '.')
			return true;
	return false;
}

static int unknown_key(struct ctx *c, const struct ynode *key, const char *path)
{
	if (*c->where == '\0' && *path == '\0')
		return fail(c, key->line, "unknown key '%s' at top level", key->str);
	return fail(c, key->line, "unknown key '%s' in %s%s%s", key->str, c->where,
	    *c->where && *path ? "." : "", path);
}

static int walk(struct ctx *c, const struct ynode *map, const char *path)
{
	for (int i = 0; i < map->n; i += 2) {
		const struct ynode *key = map->kids[i], *val = map->kids[i + 1];
		char child[PATH_LEN];
		/* A dot inside a key would alias a nested path: never a key. */
		bool valid = strchr(key->str, '.') == NULL &&
		    (size_t)snprintf(child, sizeof(child), "%s%s%s", path, *path ? "." : "",
			key->str) < sizeof(child);
		const struct opt *o = valid ? opt_find(c->scope, child) : NULL;

		if (valid && check_old_syntax(c, child, val))
			return -1;
		if (o != NULL) {
			void *f = field_at(c->base, o);
			if (val->null)
				continue;
			if (o->type->free)
				o->type->free(o, f);    /* the default */
			if (o->type->parse(c, o, val, f))
				return -1;
		} else if (valid && is_section(c->scope, child)) {
			if (val->null)
				continue;
			if (val->kind != Y_MAP)
				return fail_at(c, val->line, child, "expected a mapping");
			if (walk(c, val, child))
				return -1;
		} else {
			return unknown_key(c, key, path);
		}
	}
	return 0;
}

static void init_defaults(struct ctx *c)
{
	for (size_t i = 0; i < n_opts; i++) {
		const struct opt *o = &opts[i];
		if (!(o->scope & c->scope) || (o->base == B_POLICY && c->inherit_policy))
			continue;
		o->type->init(o, field_at(c->base, o), o->def);
	}
}

static int check_required(struct ctx *c, const struct ynode *root)
{
	int line;

	for (size_t i = 0; i < n_opts; i++) {
		const struct opt *o = &opts[i];
		if ((o->scope & c->scope) && (o->flags & F_REQUIRED) &&
		    ynode_path(root, o->path, &line) == NULL)
			return fail_at(c, line, "", "missing required key '%s'", o->path);
	}
	return 0;
}

/* Renders a scalar value as messages show it: True, 5, 'same-as'. */
static void render(const struct opt *o, const void *f, char *buf, size_t len)
{
	bool quote = o->type == &t_enum;
	FILE *m = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (m == NULL)
		return;
	if (quote)
		fputc('\'', m);
	o->type->print(m, o, f, 0);
	if (quote)
		fputc('\'', m);
	fclose(m);
	if (quote && buf[1] == ' ')
		memmove(buf + 1, buf + 2, strlen(buf + 2) + 1);
	else if (buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
}

static int refuse(struct ctx *c, const struct opt *o, const void *f, int line)
{
	union { bool b; uint8_t u8; uint16_t u16; uint32_t u32; int e; struct cfg_pref_len pl; } ref;
	char val[96], want[96];

	if (o->type->collection)
		return fail_at(c, line, o->path,
		    "not implemented by ixpd yet (leave it empty to turn it off)");
	render(o, f, val, sizeof(val));
	o->type->init(o, &ref, o->ref);
	render(o, &ref, want, sizeof(want));
	return fail_at(c, line, o->path,
	    "%s is not implemented by ixpd yet (set it to %s to turn it off)", val, want);
}

/* Refuses the values set in this node that ask for what ixpd does not
 * implement yet.  Defaults never do (see ONLY), and inherited values were
 * checked where they were set. */
static int check_support(struct ctx *c, const struct ynode *root)
{
	int line;

	for (size_t i = 0; i < n_opts; i++) {
		const struct opt *o = &opts[i];
		if (!(o->scope & c->scope) || o->support != SUP_ONLY)
			continue;
		bool set = ynode_path(root, o->path, &line) != NULL;
		const void *f = field_at(c->base, o);
		if (set && !o->type->is(o, f, o->ref))
			return refuse(c, o, f, line);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Rules between keys, and defaults that depend on other keys          */

/* arouteserver `configure`'s communities, given to the functions
 * general.yml leaves entirely unset (no std, lrg or ext) unless ixpd.yml
 * says communities_defaults: False. */
static const struct {
	enum cfg_community_id id;
	const char *std, *lrg;       /* normalised as comm_check() writes them */
} community_defaults[] = {
	{ CFG_COMM_PREFIX_PRESENT_IN_AS_SET, "64512:11", "rs_as:64512:11" },
	{ CFG_COMM_PREFIX_NOT_PRESENT_IN_AS_SET, "64512:10", "rs_as:64512:10" },
	{ CFG_COMM_ORIGIN_PRESENT_IN_AS_SET, "64512:21", "rs_as:64512:21" },
	{ CFG_COMM_ORIGIN_NOT_PRESENT_IN_AS_SET, "64512:20", "rs_as:64512:20" },
	{ CFG_COMM_PREFIX_VALIDATED_VIA_RPKI_ROAS, "64512:31", "rs_as:64512:31" },
	{ CFG_COMM_ROUTE_VALIDATED_VIA_WHITE_LIST, "64512:41", "rs_as:64512:41" },
	{ CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_NOT_PERFORMED, "64512:50", "rs_as:1000:3" },
	{ CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_VALID, "64512:51", "rs_as:1000:1" },
	{ CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_UNKNOWN, "64512:52", "rs_as:1000:2" },
	{ CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_INVALID, "64512:53", "rs_as:1000:4" },
	{ CFG_COMM_DO_NOT_ANNOUNCE_TO_ANY, "0:rs_as", "rs_as:0:0" },
	{ CFG_COMM_DO_NOT_ANNOUNCE_TO_PEER, "0:peer_as", "rs_as:0:peer_as" },
	{ CFG_COMM_ANNOUNCE_TO_PEER, "rs_as:peer_as", "rs_as:1:peer_as" },
	{ CFG_COMM_PREPEND_ONCE_TO_ANY, "65501:rs_as", "rs_as:101:0" },
	{ CFG_COMM_PREPEND_TWICE_TO_ANY, "65502:rs_as", "rs_as:102:0" },
	{ CFG_COMM_PREPEND_THRICE_TO_ANY, "65503:rs_as", "rs_as:103:0" },
	{ CFG_COMM_PREPEND_ONCE_TO_PEER, "65511:peer_as", "rs_as:101:peer_as" },
	{ CFG_COMM_PREPEND_TWICE_TO_PEER, "65512:peer_as", "rs_as:102:peer_as" },
	{ CFG_COMM_PREPEND_THRICE_TO_PEER, "65513:peer_as", "rs_as:103:peer_as" },
	{ CFG_COMM_ADD_NOEXPORT_TO_PEER, "65281:peer_as", "rs_as:65281:peer_as" },
	{ CFG_COMM_ADD_NOADVERTISE_TO_PEER, "65282:peer_as", "rs_as:65282:peer_as" },
	{ CFG_COMM_REJECT_CAUSE, "65520:dyn_val", "rs_as:65520:dyn_val" },
	{ CFG_COMM_REJECTED_ROUTE_ANNOUNCED_BY, NULL, "rs_as:65524:dyn_val" },
};

/* The Euro-IX reject codes `configure` maps arouteserver's codes to. */
static const struct { const char *code, *lrg; } reject_cause_map_defaults[] = {
	{ "1", "rs_as:1101:5" }, { "2", "rs_as:1101:3" }, { "5", "rs_as:1101:8" },
	{ "6", "rs_as:1101:7" }, { "7", "rs_as:1101:4" }, { "8", "rs_as:1101:14" },
	{ "9", "rs_as:1101:10" }, { "10", "rs_as:1101:3" }, { "12", "rs_as:1101:9" },
	{ "14", "rs_as:1101:13" },
};

static bool std_uses_rs_as(const char *std)
{
	return strncmp(std, "rs_as:", 6) == 0 || strcmp(std + strcspn(std, ":"), ":rs_as") == 0;
}

/* As arouteserver: a standard community cannot carry an rs_as that needs
 * more than 16 bits. */
static int check_std_fits(struct ctx *c, const struct ynode *root, const char *path,
    const struct cfg_community *cm)
{
	char std_path[PATH_LEN + sizeof(".std")];
	int line;

	if (cm->std == NULL || c->cfg->rs_as <= 65535 || !std_uses_rs_as(cm->std))
		return 0;
	snprintf(std_path, sizeof(std_path), "%s.std", path);
	ynode_path(root, std_path, &line);
	return fail_at(c, line, std_path,
	    "'%s' uses rs_as, but rs_as %u does not fit in a standard community (use lrg)",
	    cm->std, c->cfg->rs_as);
}

static int check_std_rs_as(struct ctx *c, const struct ynode *root)
{
	for (size_t i = 0; i < n_opts; i++) {
		const struct opt *o = &opts[i];
		const void *f = field_at(c->base, o);
		if (!(o->scope & S_GENERAL))
			continue;
		if (o->type == &t_community && check_std_fits(c, root, o->path, f))
			return -1;
		for (int k = 0; o->type == &t_comm_map && k < ((const struct cfg_community_map *)f)->n; k++) {
			const struct cfg_named_community *nc = &((const struct cfg_community_map *)f)->v[k];
			char path[PATH_LEN];
			snprintf(path, sizeof(path), "%s.%s", o->path, nc->name);
			if (check_std_fits(c, root, path, &nc->comm))
				return -1;
		}
	}
	return 0;
}

static int check_blackhole_next_hops(struct ctx *c, const struct ynode *root)
{
	const struct cfg_general *g = &c->cfg->general;
	const struct {
		enum cfg_blackhole_policy policy;
		int family;
		const char *path, *need;
	} fam[] = {
		{ g->blackhole_filtering.policy_ipv4, g->blackhole_filtering.rewrite_next_hop_ipv4.family,
		  "cfg.blackhole_filtering.policy_ipv4", "rewrite_next_hop_ipv4" },
		{ g->blackhole_filtering.policy_ipv6, g->blackhole_filtering.rewrite_next_hop_ipv6.family,
		  "cfg.blackhole_filtering.policy_ipv6", "rewrite_next_hop_ipv6" },
	};
	int line;

	for (size_t i = 0; i < ARRAY_LEN(fam); i++) {
		if (fam[i].policy != CFG_BLACKHOLE_REWRITE_NEXT_HOP || fam[i].family != 0)
			continue;
		ynode_path(root, fam[i].path, &line);
		return fail_at(c, line, fam[i].path,
		    "'rewrite-next-hop' needs the address in cfg.blackhole_filtering.%s", fam[i].need);
	}
	return 0;
}

/* A transit-free action without its own list uses the list of
 * arouteserver's reference general.yml. */
static int default_transit_free_asns(struct ctx *c, const struct ynode *root)
{
	struct cfg_u32_list *l = &c->cfg->general.filtering.transit_free.asns;
	int line;

	if (c->cfg->general.filtering.transit_free.action == CFG_TRANSIT_FREE_NONE ||
	    ynode_path(root, "cfg.filtering.transit_free.asns", &line) != NULL)
		return 0;
	l->v = xmalloc(asn_transit_free_reference_n * sizeof(*l->v));
	memcpy(l->v, asn_transit_free_reference, asn_transit_free_reference_n * sizeof(*l->v));
	l->n = (int)asn_transit_free_reference_n;
	return 0;
}

static int default_communities(struct ctx *c, const struct ynode *root)
{
	struct ixpd_config *cfg = c->cfg;
	struct cfg_community_map *m = &cfg->general.reject_cause_map;

	(void)root;
	if (!cfg->communities_defaults)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(community_defaults); i++) {
		struct cfg_community *cm = &cfg->general.communities[community_defaults[i].id];
		const char *std = community_defaults[i].std;
		if (!comm_empty(cm))
			continue;
		if (std != NULL && (cfg->rs_as <= 65535 || !std_uses_rs_as(std)))
			cm->std = xstrdup(std);
		cm->lrg = xstrdup(community_defaults[i].lrg);
	}
	if (m->n > 0)
		return 0;
	m->v = xcalloc(ARRAY_LEN(reject_cause_map_defaults), sizeof(*m->v));
	for (size_t i = 0; i < ARRAY_LEN(reject_cause_map_defaults); i++) {
		m->v[i].name = xstrdup(reject_cause_map_defaults[i].code);
		m->v[i].comm.lrg = xstrdup(reject_cause_map_defaults[i].lrg);
	}
	m->n = (int)ARRAY_LEN(reject_cause_map_defaults);
	return 0;
}

/* arouteserver reads a ripe-rpki-validator-cache export from a URL; one
 * given as a local file (no scheme) is the VRP file ixpd reads. */
static int default_vrp_file(struct ctx *c, const struct ynode *root)
{
	struct ixpd_config *cfg = c->cfg;
	const struct cfg_str_list *urls = &cfg->general.rpki_roas.ripe_rpki_validator_url;

	(void)root;
	if (cfg->rpki.vrp_file != NULL || cfg->general.rpki_roas.source != CFG_RPKI_ROAS_RIPE_CACHE)
		return 0;
	for (int i = 0; i < urls->n && cfg->rpki.vrp_file == NULL; i++)
		if (strstr(urls->v[i], "://") == NULL)
			cfg->rpki.vrp_file = resolve_path(c, urls->v[i]);
	return 0;
}

/* Origin validation without VRPs would call every route "unknown": a
 * filter that does not filter. */
static int check_rpki_source(struct ctx *c, const struct ynode *root)
{
	static const char key[] = "cfg.filtering.rpki_bgp_origin_validation.enabled";
	const struct ixpd_config *cfg = c->cfg;
	const struct cfg_policy *pol = c->base[B_POLICY];
	int line;

	if (!pol->filtering.rpki_bgp_origin_validation.enabled)
		return 0;
	ynode_path(root, key, &line);
	if (cfg->general.rpki_roas.source == CFG_RPKI_ROAS_RTR && cfg->rpki.rtr.n == 0)
		return fail_at(c, line, key, "RPKI origin validation is enabled and cfg.rpki_roas.source "
		    "is 'rtr', but ixpd.yml configures no rpki.rtr cache");
	if (cfg->rpki.rtr.n == 0 && cfg->rpki.vrp_file == NULL)
		return fail_at(c, line, key, "RPKI origin validation is enabled but no RPKI data source "
		    "is configured: set rpki.vrp_file or rpki.rtr in ixpd.yml (ixpd does not download "
		    "cfg.rpki_roas.ripe_rpki_validator_url)");
	return 0;
}

/* As arouteserver: tagging rejected routes needs the community to tag with. */
static int check_reject_cause(struct ctx *c, const struct ynode *root)
{
	static const char key[] = "cfg.filtering.reject_policy.policy";
	const struct cfg_policy *pol = c->base[B_POLICY];
	int line;

	if (pol->filtering.reject_policy.policy == CFG_REJECT_POLICY_REJECT ||
	    !comm_empty(&c->cfg->general.communities[CFG_COMM_REJECT_CAUSE]))
		return 0;
	ynode_path(root, key, &line);
	return fail_at(c, line, key, "'%s' needs the cfg.communities.reject_cause community",
	    reject_policy_names[pol->filtering.reject_policy.policy]);
}

/* As arouteserver: the list and the policy go together. */
static int check_authorized_addresses(struct ctx *c, const struct ynode *root)
{
	static const char policy[] = "cfg.filtering.next_hop.policy";
	static const char list[] = "cfg.filtering.next_hop.authorized_addresses_list";
	const struct cfg_client *cl = c->base[B_CLIENT];
	bool authorized = cl->policy.filtering.next_hop.policy == CFG_NEXT_HOP_AUTHORIZED_ADDRESSES;
	int line;

	if (authorized && cl->authorized_addresses_list.n == 0) {
		ynode_path(root, policy, &line);
		return fail_at(c, line, policy, "'authorized_addresses' needs a non-empty %s", list);
	}
	if (!authorized && cl->authorized_addresses_list.n > 0) {
		ynode_path(root, list, &line);
		return fail_at(c, line, list, "is set, but the next_hop policy is not 'authorized_addresses'");
	}
	return 0;
}

/* Run in this order once a node of their scope is loaded: the defaults
 * come after the checks of what the file says, and before the checks of
 * what is in effect. */
static const struct {
	unsigned scope;
	int (*run)(struct ctx *c, const struct ynode *root);
} node_rules[] = {
	{ S_GENERAL, check_std_rs_as },
	{ S_GENERAL, check_blackhole_next_hops },
	{ S_GENERAL, default_transit_free_asns },
	{ S_GENERAL, default_communities },
	{ S_GENERAL, default_vrp_file },
	{ S_GENERAL | S_CLIENT, check_rpki_source },
	{ S_GENERAL | S_CLIENT, check_reject_cause },
	{ S_CLIENT, check_authorized_addresses },
};

static int apply_rules(struct ctx *c, const struct ynode *root)
{
	for (size_t i = 0; i < ARRAY_LEN(node_rules); i++)
		if ((node_rules[i].scope & c->scope) && node_rules[i].run(c, root))
			return -1;
	return 0;
}

static int load_node(struct ctx *c, const struct ynode *root)
{
	init_defaults(c);
	if (!root->null && root->kind != Y_MAP)
		return fail_at(c, root->line, "", "expected a mapping");
	if (!root->null && walk(c, root, ""))
		return -1;
	return check_required(c, root) || check_support(c, root) || apply_rules(c, root) ? -1 : 0;
}

static void free_opts(unsigned scope, enum obase base, void *p)
{
	void *bases[B_COUNT] = { NULL };

	bases[base] = p;
	for (size_t i = 0; i < n_opts; i++)
		if ((opts[i].scope & scope) && opts[i].base == base && opts[i].type->free)
			opts[i].type->free(&opts[i], field_at(bases, &opts[i]));
}

/* ------------------------------------------------------------------ */
/* Loading the three files                                             */

static int load_file(struct ctx *c, unsigned scope, const char *file)
{
	struct ynode *root;
	int r;

	c->file = file;
	c->scope = scope;
	if ((root = yaml_load(c, file)) == NULL)
		return -1;
	r = load_node(c, root);
	ynode_free(root);
	return r;
}

static int cmp_member(const void *a, const void *b)
{
	const struct cfg_member *x = a, *y = b;
	int r = ip_addr_cmp(&x->addr, &y->addr);

	return r ? r : x->line - y->line;
}

static int sort_members(struct ctx *c)
{
	struct ixpd_config *cfg = c->cfg;
	char buf[INET6_ADDRSTRLEN];

	if (cfg->n_members > 1)     /* qsort(NULL, 0) is undefined */
		qsort(cfg->members, (size_t)cfg->n_members, sizeof(*cfg->members), cmp_member);
	for (int i = 1; i < cfg->n_members; i++) {
		const struct cfg_member *m = &cfg->members[i];
		if (ip_addr_equal(&m->addr, &m[-1].addr))
			return fail(c, m->line, "duplicate IP address %s: already used at line %d",
			    ip_addr_str(&m->addr, buf, sizeof(buf)), m[-1].line);
	}
	return 0;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) + 1 : 0;
	char *dir = xmalloc(len + 1);

	memcpy(dir, path, len);
	dir[len] = '\0';
	return dir;
}

struct ixpd_config *config_load(const char *path, char *err, size_t errlen)
{
	struct ixpd_config *cfg = xcalloc(1, sizeof(*cfg));
	char *dir = dir_of(path);
	struct ctx c = {
		.cfg = cfg, .dir = dir, .err = err, .errlen = errlen,
		.base = { [B_CONFIG] = cfg, [B_POLICY] = &cfg->policy },
	};
	int r;

	cfg->path = xstrdup(path);
	r = load_file(&c, S_IXPD, cfg->path) ||
	    (cfg->bogons_path != NULL && load_file(&c, S_BOGONS, cfg->bogons_path)) ||
	    load_file(&c, S_GENERAL, cfg->general_path) ||
	    load_file(&c, S_CLIENTS_FILE, cfg->clients_path) ||
	    sort_members(&c);
	free(dir);
	if (r) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

static bool policy_wants_peeringdb(const struct cfg_policy *p)
{
	return p->filtering.max_prefix.peering_db.enabled && p->filtering.max_prefix.action != CFG_MAX_PREFIX_NONE;
}

bool config_wants_peeringdb(const struct ixpd_config *cfg)
{
	if (cfg->general.filtering.never_via_route_servers.peering_db || cfg->general.filtering.irrdb.peering_db ||
	    policy_wants_peeringdb(&cfg->policy))
		return true;
	for (int i = 0; i < cfg->n_clients; i++)
		if (policy_wants_peeringdb(&cfg->clients[i].policy))
			return true;
	return false;
}

const struct cfg_prefix_list *config_bogons(const struct ixpd_config *cfg)
{
	return cfg->bogons_path != NULL ? &cfg->bogons : bogons_builtin();
}

void config_free(struct ixpd_config *cfg)
{
	if (cfg == NULL)
		return;
	free_opts(S_IXPD | S_BOGONS | S_GENERAL, B_CONFIG, cfg);
	for (int i = 0; i < cfg->n_clients; i++)
		free_opts(S_CLIENT, B_CLIENT, &cfg->clients[i]);
	for (int i = 0; i < cfg->n_asns; i++)
		free_opts(S_ASN, B_ITEM, &cfg->asns[i]);
	free(cfg->clients);
	free(cfg->asns);
	free(cfg->members);
	free(cfg->listen_addrs);
	free(cfg->path);
	free(cfg);
}

/* ------------------------------------------------------------------ */
/* config_dump                                                         */

typedef bool want_fn(const struct opt *o, const void *f, const void *arg);

/* Length of the longest common prefix of a and b ending with a '.'. */
static size_t shared_sections(const char *a, const char *b)
{
	size_t shared = 0;

	for (size_t i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '.')
			shared = i + 1;
	return shared;
}

/* Prints the options of scope as nested YAML, opening each section when
 * its first printed option comes (the table keeps sections together). */
static void print_tree(FILE *out, unsigned scope, void *const base[], int indent,
    want_fn *want, const void *arg)
{
	const char *prev = "";

	for (size_t i = 0; i < n_opts; i++) {
		const struct opt *o = &opts[i];
		const void *f = field_at(base, o);
		if (!(o->scope & scope) || o->type->print == NULL || (want && !want(o, f, arg)))
			continue;
		size_t shared = shared_sections(prev, o->path);
		int depth = 0;
		for (size_t k = 0; k < shared; k++)
			depth += o->path[k] == '.';
		const char *p = o->path + shared, *dot;
		while ((dot = strchr(p, '.')) != NULL) {
			fprintf(out, "%*s%.*s:\n", indent + 2 * depth++, "", (int)(dot - p), p);
			p = dot + 1;
		}
		fprintf(out, "%*s%s:", indent + 2 * depth, "", p);
		o->type->print(out, o, f, indent + 2 * depth);
		fputc('\n', out);
		prev = o->path;
	}
}

/* {key: value, ...} of an item, without the optional keys left unset. */
static void print_flow(FILE *out, unsigned scope, void *item_p)
{
	void *base[B_COUNT] = { [B_ITEM] = item_p };
	const char *sep = "";

	fputc('{', out);
	for (size_t i = 0; i < n_opts; i++) {
		const struct opt *o = &opts[i];
		const void *f = field_at(base, o);
		if (!(o->scope & scope) || (!(o->flags & F_REQUIRED) && o->type->is(o, f, o->def)))
			continue;
		fprintf(out, "%s%s:", sep, o->path);
		o->type->print(out, o, f, 0);
		sep = ", ";
	}
	fputc('}', out);
}

/* A member block shows passive and add_path (the session options ixpd
 * implements) and every other value that is not inherited unchanged. */
static bool member_wants(const struct opt *o, const void *f, const void *arg)
{
	const struct cfg_policy *general = arg;

	if (o->base == B_POLICY)
		return (o->flags & F_MEMBER) ||
		    memcmp(f, (const char *)general + o->off, o->type->size) != 0;
	return (o->flags & F_REQUIRED) || !o->type->is(o, f, o->def);
}

static void dump_members(const struct ixpd_config *cfg, FILE *out)
{
	fprintf(out, "  members:%s\n", cfg->n_members ? "" : " []");
	for (int i = 0; i < cfg->n_members; i++) {
		const struct cfg_member *m = &cfg->members[i];
		void *base[B_COUNT] = {
			[B_CLIENT] = (void *)m->client, [B_POLICY] = (void *)&m->client->policy,
		};
		char at[PATH_LEN];
		snprintf(at, sizeof(at), "%s:%d", m->file, m->line);
		fputs("    - ip: ", out);
		print_addr(out, &m->addr);
		fputs("\n      defined_at: ", out);
		print_quoted(out, at);
		fputc('\n', out);
		print_tree(out, S_CLIENT, base, 6, member_wants, &cfg->policy);
	}
}

static void dump_asns(const struct ixpd_config *cfg, FILE *out)
{
	fprintf(out, "  asns:%s\n", cfg->n_asns ? "" : " {}");
	for (int i = 0; i < cfg->n_asns; i++) {
		void *base[B_COUNT] = { [B_ITEM] = (void *)&cfg->asns[i] };
		fprintf(out, "    AS%u:\n", cfg->asns[i].asn);
		print_tree(out, S_ASN, base, 6, NULL, NULL);
	}
}

void config_dump(const struct ixpd_config *cfg, FILE *out)
{
	void *base[B_COUNT] = { [B_CONFIG] = (void *)cfg, [B_POLICY] = (void *)&cfg->policy };

	fputs("# ixpd -n: the effective configuration, defaults filled in\n", out);
	fputs("ixpd:\n", out);
	print_tree(out, S_IXPD, base, 2, NULL, NULL);
	fputs("general:\n", out);
	print_tree(out, S_GENERAL, base, 2, NULL, NULL);
	fputs("clients:\n", out);
	dump_asns(cfg, out);
	dump_members(cfg, out);
}
