/* SPDX-License-Identifier: ISC */
/* config_int: what the files of the configuration loader (src/config/)
 * share with each other and with no one else: the load context, the YAML
 * node tree, the option types and the option table.
 *
 * Each file is parsed by libyaml into a small node tree whose nodes know
 * their line, then walked against ONE option table, opts[].  For every
 * key it gives the path, the type (parser, printer, default, ...), where the
 * value is stored and whether ixpd implements it.  The same table drives
 * validation, the refusal of features ixpd does not implement yet,
 * config_dump() and config_free(), so a key cannot be known to one of them
 * and forgotten by another.  The syntaxes of old arouteserver releases are
 * rewritten in the tree into the current ones before the walk, so the
 * table knows only the current ones.
 *
 * The files, one job each:
 *   config.c        the lifecycle: config_load(), config_free() and the rest
 *   load.c          one node against the table (defaults, keys, required
 *                   keys, support) and one file; errors with file:line
 *   yaml.c          a file read into the node tree; edits of the tree
 *   compat.c        deprecated arouteserver syntaxes converted in the tree
 *   types.c         the option types of scalars and of lists of them
 *   types_nested.c  the option types of structured values: prefix lists,
 *                   communities, prefix lengths, clients and asns
 *   options.c       the option table opts[]: data
 *   rules.c         rules between keys, defaults that depend on other keys
 *   printconf.c     config_dump() */
#ifndef IXPD_CONFIG_INT_H
#define IXPD_CONFIG_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "decimal.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PATH_LEN 256

/* ------------------------------------------------------------------ */
/* Load context and error reporting (load.c)                           */

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

int fail(struct ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int fail_at(struct ctx *c, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds "file:line: where.path: what" to the configuration's warnings. */
void warn_at(struct ctx *c, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void set_where(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------ */
/* YAML node tree (yaml.c)                                             */

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ykind kind;
	int line;
	bool null;                /* ~, null or empty: "not set", like arouteserver */
	char *str;                /* Y_SCALAR */
	struct ynode **kids;      /* Y_SEQ: items; Y_MAP: key, value, key, value... */
	int n;
};

void ynode_free(struct ynode *n);
struct ynode *yaml_load(struct ctx *c, const char *path);
/* The same from text[0..len) (lines counted in it). */
struct ynode *yaml_load_text(struct ctx *c, const char *text, size_t len);
struct ynode *ynode_copy(const struct ynode *n);
const struct ynode *ynode_path(const struct ynode *root, const char *path, int *line);
/* The index in map->kids of the key name (its value follows it), or -1;
 * -1 too when map is not a mapping. */
int ynode_key(const struct ynode *map, const char *name);
/* Edits, for compat.c: the tree owns what is added, the caller what is
 * taken; new nodes get the line of what they replace or wrap. */
struct ynode *ynode_new(enum ykind kind, int line);
struct ynode *ynode_scalar(int line, const char *str);
void ynode_map_add(struct ynode *map, struct ynode *key, struct ynode *val);
void ynode_map_take(struct ynode *map, int i, struct ynode **key, struct ynode **val);
struct ynode *ynode_wrap_map(const char *name, struct ynode *val);
struct ynode *ynode_wrap_seq(struct ynode *val);

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
	F_ADDR_PORT = 1 << 11,    /* string list of "ADDRESS:PORT", "[IPv6 ADDRESS]:PORT" */
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

static inline void *field_at(void *const base[], const struct opt *o)
{
	return (char *)base[o->base] + o->off;
}

/* load.c: a node loaded against the table, its values freed; one file */
int load_node(struct ctx *c, const struct ynode *root);
void free_opts(unsigned scope, enum obase base, void *p);
int load_file(struct ctx *c, unsigned scope, const char *file);
/* registry.c: clients.yml, or the registry's clients with clients.yml
 * merged on top */
int load_clients(struct ctx *c);

/* types.c: scalars, what the types share, and the types of scalars and lists */
int need_scalar(struct ctx *c, const struct opt *o, const struct ynode *n,
    const char *what);
int n_items(const struct ynode *n);
const struct ynode *item(const struct ynode *n, int i);
void *grow(void *v, int n, size_t size);
void print_quoted(FILE *out, const char *s);
void print_addr(FILE *out, const struct ip_addr *a);
void no_init(const struct opt *o, void *f, int64_t v);
int parse_uint_value(struct ctx *c, const struct opt *o, const struct ynode *n,
    uint64_t *v);
char *resolve_path(const struct ctx *c, const char *name);
void init_str(const struct opt *o, void *f, int64_t v);
bool is_str(const struct opt *o, const void *f, int64_t v);
void print_str(FILE *out, const struct opt *o, const void *f, int indent);
void free_str(const struct opt *o, void *f);
int parse_addr_value(struct ctx *c, const struct opt *o, const struct ynode *n,
    struct ip_addr *a);
extern const struct otype t_bool, t_u8, t_u16, t_u32, t_hold_time, t_enum, t_log_target,
    t_log_level, t_str, t_path, t_word, t_secret, t_addr, t_router_id, t_listen, t_addr_list,
    t_u32_list, t_str_list;

/* types_nested.c: the types of structured values */
bool comm_empty(const struct cfg_community *cm);
extern const struct otype t_prefix_list, t_comm_value, t_community, t_comm_map, t_pref_len,
    t_member_ips, t_clients, t_asns;

/* options.c: the option table */
extern const struct opt opts[];
extern const size_t n_opts;
extern const char *const reject_policy_names[];

/* compat.c: the deprecated arouteserver syntaxes of a general.yml
 * (S_GENERAL) or clients.yml (S_CLIENTS_FILE) converted in root, with a
 * warning each; -1 on a conflict arouteserver refuses. */
int compat_convert(struct ctx *c, unsigned scope, struct ynode *root);

/* rules.c: rules between keys, defaults that depend on other keys */
int apply_rules(struct ctx *c, const struct ynode *root);

/* printconf.c: config_dump() */
void print_flow(FILE *out, unsigned scope, void *item_p);

#endif
