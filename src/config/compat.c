/* SPDX-License-Identifier: ISC */
/* compat: the syntaxes of old arouteserver releases that arouteserver
 * still accepts, rewritten into the current ones as its config/base.py
 * (convert_deprecated) rewrites them -- in general.yml's cfg: and in every
 * client's cfg:, on the node tree, before the tree is walked against the
 * option table.  Each conversion adds one warning naming the current
 * syntax; an old syntax arouteserver refuses (beside the current one, or
 * in conflict with another old one) is refused with file:line.
 *
 * The steps run in arouteserver's order, each on what the previous ones
 * wrote: a ripe_rpki_validator_url moved into cfg.rpki_roas is then made a
 * list, a moved 'rtrlib' source becomes 'rtr'.  Moved nodes keep their
 * line, so later messages point into the file as it was written. */
#include "config_int.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ------------------------------------------------------------------ */
/* The tree as arouteserver's Python sees the dict                     */

static bool is_map(const struct ynode *n)
{
	return n != NULL && n->kind == Y_MAP;
}

/* The index of key name in map (its value follows it), or -1. */
static int index_of(const struct ynode *map, const char *name)
{
	return map != NULL ? ynode_key(map, name) : -1;
}

static struct ynode *value_of(const struct ynode *map, const char *name)
{
	int i = index_of(map, name);

	return i < 0 ? NULL : map->kids[i + 1];
}

/* `value is True`: arouteserver converts some keys only when a flag is. */
static bool is_true(const struct ynode *n)
{
	bool b;

	return n != NULL && n->kind == Y_SCALAR && !n->null && cfg_bool_parse(n->str, &b) == 0 && b;
}

/* Python's truth of a value: not None, "", False, [] or {}. */
static bool is_truthy(const struct ynode *n)
{
	bool b;

	if (n == NULL || n->null)
		return false;
	if (n->kind != Y_SCALAR)
		return n->n > 0;
	return cfg_bool_parse(n->str, &b) != 0 || b;
}

static bool scalar_is(const struct ynode *n, const char *text)
{
	return n != NULL && n->kind == Y_SCALAR && !n->null && strcmp(n->str, text) == 0;
}

static void set_text(struct ynode *scalar, const char *text)
{
	free(scalar->str);
	scalar->str = xstrdup(text);
}

/* ------------------------------------------------------------------ */
/* Warnings and refusals                                               */

static void converted(struct ctx *c, int line, const char *old, const char *now)
{
	warn_at(c, line, old, "deprecated arouteserver syntax, read as '%s'", now);
}

/* The old syntax old and the current other, both set: arouteserver
 * refuses them rather than choose. */
static int beside(struct ctx *c, int line, const char *old, const char *other, int other_line,
    const char *now)
{
	return fail_at(c, line, old, "deprecated arouteserver syntax beside '%s' (line %d), which "
	    "arouteserver refuses: write it as '%s'", other, other_line, now);
}

/* ------------------------------------------------------------------ */
/* Renamed keys of cfg.filtering                                       */

/* filtering.old becomes filtering.now, its value wrapped into {wrap:
 * value} unless wrap is NULL; refused if filtering.now is there too,
 * whatever its value (arouteserver looks for the key). */
static int rename_in_filtering(struct ctx *c, struct ynode *filtering, const char *old,
    const char *now, const char *wrap)
{
	int i = ynode_key(filtering, old), other = ynode_key(filtering, now);
	char old_path[PATH_LEN], now_path[PATH_LEN], new_path[PATH_LEN];

	if (i < 0)
		return 0;
	snprintf(old_path, sizeof(old_path), "cfg.filtering.%s", old);
	snprintf(now_path, sizeof(now_path), "cfg.filtering.%s", now);
	snprintf(new_path, sizeof(new_path), "cfg.filtering.%s%s%s", now, wrap ? "." : "",
	    wrap ? wrap : "");
	if (other >= 0)
		return beside(c, filtering->kids[i]->line, old_path, now_path,
		    filtering->kids[other]->line, new_path);
	set_text(filtering->kids[i], now);
	if (wrap != NULL)
		filtering->kids[i + 1] = ynode_wrap_map(wrap, filtering->kids[i + 1]);
	converted(c, filtering->kids[i]->line, old_path, new_path);
	return 0;
}

/* max_prefix.peering_db: BOOL (before arouteserver 0.13.0) is
 * peering_db: {enabled: BOOL}.  Null is an empty section in the current
 * syntax too: nothing to convert. */
static void convert_max_prefix_peering_db(struct ctx *c, struct ynode *filtering)
{
	struct ynode *max_prefix = value_of(filtering, "max_prefix");
	int i = is_map(max_prefix) ? ynode_key(max_prefix, "peering_db") : -1;

	if (i < 0 || is_map(max_prefix->kids[i + 1]) || max_prefix->kids[i + 1]->null)
		return;
	max_prefix->kids[i + 1] = ynode_wrap_map("enabled", max_prefix->kids[i + 1]);
	converted(c, max_prefix->kids[i]->line, "cfg.filtering.max_prefix.peering_db",
	    "cfg.filtering.max_prefix.peering_db.enabled");
}

/* ------------------------------------------------------------------ */
/* cfg.rpki_roas, before arouteserver 0.17.0 written in two places     */

/* cfg.rpki_roas as the old syntaxes write it, and the first of them,
 * for messages. */
struct roas_build {
	struct ynode *roas;
	char first_old[PATH_LEN], first_now[PATH_LEN];
	int first_line;
};

static void roas_converted(struct ctx *c, struct roas_build *b, int line, const char *old,
    const char *now)
{
	if (b->first_line == 0) {
		snprintf(b->first_old, sizeof(b->first_old), "%s", old);
		snprintf(b->first_now, sizeof(b->first_now), "%s", now);
		b->first_line = line;
	}
	converted(c, line, old, now);
}

/* The ROAs options of filtering.irrdb.use_rpki_roas_as_route_objects move
 * to cfg.rpki_roas when it is enabled.  When it is not, arouteserver
 * leaves them there, where they are unknown keys: refused. */
static int take_roas_as_route_objects(struct ctx *c, struct ynode *filtering,
    struct roas_build *b)
{
	static const char *const moved[] = { "source", "ripe_rpki_validator_url",
		"allowed_trust_anchors" };
	struct ynode *uro = value_of(value_of(filtering, "irrdb"), "use_rpki_roas_as_route_objects");
	bool enabled = is_map(uro) && is_true(value_of(uro, "enabled"));
	char old[PATH_LEN], now[PATH_LEN];

	for (size_t k = 0; is_map(uro) && k < ARRAY_LEN(moved); k++) {
		int i = ynode_key(uro, moved[k]), line;
		struct ynode *key, *val;

		if (i < 0)
			continue;
		line = uro->kids[i]->line;
		snprintf(old, sizeof(old), "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.%s",
		    moved[k]);
		snprintf(now, sizeof(now), "cfg.rpki_roas.%s", moved[k]);
		if (!enabled)
			return fail_at(c, line, old, "deprecated arouteserver syntax, which arouteserver "
			    "reads as '%s' only when use_rpki_roas_as_route_objects.enabled is True, and "
			    "refuses otherwise", now);
		ynode_map_take(uro, i, &key, &val);
		ynode_map_add(b->roas, key, val);
		roas_converted(c, b, line, old, now);
	}
	return 0;
}

/* filtering.rpki.enabled: True took the ROAs from RTR, and so does it
 * still: rpki_roas.source: rtr.  A source moved from
 * use_rpki_roas_as_route_objects that says otherwise is a conflict
 * arouteserver refuses. */
static int take_rpki_source(struct ctx *c, struct ynode *filtering, struct roas_build *b)
{
	struct ynode *rpki = value_of(filtering, "rpki");
	int e = is_map(rpki) ? ynode_key(rpki, "enabled") : -1;
	int s = ynode_key(b->roas, "source"), line;
	struct ynode *rtr;

	if (e < 0 || !is_true(rpki->kids[e + 1]))
		return 0;
	line = rpki->kids[e]->line;
	if (s >= 0 && is_truthy(b->roas->kids[s + 1]) && !scalar_is(b->roas->kids[s + 1], "rtr"))
		return fail_at(c, b->roas->kids[s]->line,
		    "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.source", "deprecated "
		    "arouteserver syntax in conflict with the deprecated cfg.filtering.rpki (line %d), "
		    "which takes the ROAs from RTR: arouteserver refuses both; choose the source in "
		    "'cfg.rpki_roas.source'", line);
	rtr = ynode_scalar(line, "rtr");
	if (s >= 0) {
		ynode_free(b->roas->kids[s + 1]);
		b->roas->kids[s + 1] = rtr;
	} else {
		ynode_map_add(b->roas, ynode_scalar(line, "source"), rtr);
	}
	roas_converted(c, b, line, "cfg.filtering.rpki.enabled", "cfg.rpki_roas.source: rtr");
	return 0;
}

/* cfg.rpki_roas as the old syntaxes wrote it, added to cfg: unless cfg
 * has one already, or is a client's (whose cfg has no rpki_roas:
 * arouteserver refuses it as an unknown key). */
static int add_rpki_roas(struct ctx *c, struct ynode *cfg, bool client, struct roas_build *b)
{
	int i = ynode_key(cfg, "rpki_roas");

	if (b->roas->n == 0)
		return 0;
	if (client)
		return fail_at(c, b->first_line, b->first_old, "deprecated arouteserver syntax, read "
		    "as '%s', which a client cannot set: arouteserver refuses it", b->first_now);
	if (i >= 0)
		return beside(c, b->first_line, b->first_old, "cfg.rpki_roas", cfg->kids[i]->line,
		    b->first_now);
	b->roas->line = b->first_line;
	ynode_map_add(cfg, ynode_scalar(b->first_line, "rpki_roas"), b->roas);
	b->roas = NULL;
	return 0;
}

static int build_rpki_roas(struct ctx *c, struct ynode *cfg, struct ynode *filtering, bool client)
{
	struct roas_build b = { .roas = ynode_new(Y_MAP, filtering->line) };
	int r = take_roas_as_route_objects(c, filtering, &b) || take_rpki_source(c, filtering, &b) ||
	    add_rpki_roas(c, cfg, client, &b);

	ynode_free(b.roas);
	return r ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Values of cfg.rpki_roas                                             */

/* A single ripe_rpki_validator_url (up to arouteserver 0.20.0) is a list
 * of one.  Null is the default in the current syntax too. */
static void convert_validator_url(struct ctx *c, struct ynode *cfg)
{
	struct ynode *roas = value_of(cfg, "rpki_roas");
	int i = is_map(roas) ? ynode_key(roas, "ripe_rpki_validator_url") : -1;

	if (i < 0 || roas->kids[i + 1]->kind == Y_SEQ || roas->kids[i + 1]->null)
		return;
	roas->kids[i + 1] = ynode_wrap_seq(roas->kids[i + 1]);
	converted(c, roas->kids[i]->line, "cfg.rpki_roas.ripe_rpki_validator_url",
	    "cfg.rpki_roas.ripe_rpki_validator_url: [URL]");
}

/* The source 'rtrlib' (up to arouteserver 0.22.2) is 'rtr'. */
static void convert_rtrlib(struct ctx *c, struct ynode *cfg)
{
	struct ynode *source = value_of(value_of(cfg, "rpki_roas"), "source");

	if (!scalar_is(source, "rtrlib"))
		return;
	set_text(source, "rtr");
	converted(c, source->line, "cfg.rpki_roas.source", "cfg.rpki_roas.source: rtr");
}

/* ------------------------------------------------------------------ */
/* A cfg:, a file                                                      */

static int convert_cfg(struct ctx *c, struct ynode *cfg, bool client)
{
	struct ynode *filtering = value_of(cfg, "filtering");

	if (!is_map(cfg))
		return 0;
	if (is_map(filtering)) {
		if (rename_in_filtering(c, filtering, "next_hop_policy", "next_hop", "policy"))
			return -1;
		convert_max_prefix_peering_db(c, filtering);
		if (build_rpki_roas(c, cfg, filtering, client) ||
		    rename_in_filtering(c, filtering, "rpki", "rpki_bgp_origin_validation", NULL))
			return -1;
	}
	convert_validator_url(c, cfg);
	convert_rtrlib(c, cfg);
	return 0;
}

int compat_convert(struct ctx *c, unsigned scope, struct ynode *root)
{
	struct ynode *clients = value_of(root, "clients");
	int r = 0;

	if (scope == S_GENERAL)
		return convert_cfg(c, value_of(root, "cfg"), false);
	if (scope != S_CLIENTS_FILE || clients == NULL || clients->kind != Y_SEQ)
		return 0;
	for (int i = 0; r == 0 && i < clients->n; i++) {
		set_where(c, "clients[%d]", i);
		r = convert_cfg(c, value_of(clients->kids[i], "cfg"), true);
	}
	c->where[0] = '\0';
	return r;
}
