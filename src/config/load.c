/* SPDX-License-Identifier: ISC */
/* load: a node of a file loaded against the option table -- defaults, its
 * keys walked, required keys, the refusal of values ixpd does not implement
 * yet, then the rules between keys -- and the errors and warnings of the
 * load context, "file:line: what". */
#include "config_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

/* ------------------------------------------------------------------ */
/* Load context and error reporting                                    */

/* "file:line: what", or with a path "file:line: where.path: what". */
static void vformat(const struct ctx *c, char *out, size_t len, int line, const char *path,
    const char *fmt, va_list ap)
{
	char msg[768];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (path == NULL || (*c->where == '\0' && *path == '\0'))
		snprintf(out, len, "%s:%d: %s", c->file, line, msg);
	else
		snprintf(out, len, "%s:%d: %s%s%s: %s", c->file, line, c->where,
		    *c->where && *path ? "." : "", path, msg);
}

int fail(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(c, c->err, c->errlen, line, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

/* Fails with the message prefixed by the display path of path. */
int fail_at(struct ctx *c, int line, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(c, c->err, c->errlen, line, path, fmt, ap);
	va_end(ap);
	return -1;
}

void warn_at(struct ctx *c, int line, const char *path, const char *fmt, ...)
{
	struct cfg_str_list *w = &c->cfg->warnings;
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vformat(c, text, sizeof(text), line, path, fmt, ap);
	va_end(ap);
	w->v = grow(w->v, w->n, sizeof(*w->v));
	w->v[w->n++] = xstrdup(text);
}

/* Sets the display path of the node being loaded; truncation would only
 * shorten messages. */
void set_where(struct ctx *c, const char *fmt, ...)
{
	char tmp[PATH_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	memcpy(c->where, tmp, sizeof(tmp));
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

int load_node(struct ctx *c, const struct ynode *root)
{
	init_defaults(c);
	if (!root->null && root->kind != Y_MAP)
		return fail_at(c, root->line, "", "expected a mapping");
	if (!root->null && walk(c, root, ""))
		return -1;
	return check_required(c, root) || check_support(c, root) || apply_rules(c, root) ? -1 : 0;
}

void free_opts(unsigned scope, enum obase base, void *p)
{
	void *bases[B_COUNT] = { NULL };

	bases[base] = p;
	for (size_t i = 0; i < n_opts; i++)
		if ((opts[i].scope & scope) && opts[i].base == base && opts[i].type->free)
			opts[i].type->free(&opts[i], field_at(bases, &opts[i]));
}

/* ------------------------------------------------------------------ */
/* Loading one file                                                    */

int load_file(struct ctx *c, unsigned scope, const char *file)
{
	struct ynode *root;
	int r;

	c->file = file;
	c->scope = scope;
	if ((root = yaml_load(c, file)) == NULL)
		return -1;
	r = compat_convert(c, scope, root) || load_node(c, root) ? -1 : 0;
	ynode_free(root);
	return r;
}
