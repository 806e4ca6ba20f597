/* SPDX-License-Identifier: ISC */
/* yaml: a file read with libyaml into a tree of nodes that know their
 * line, so that every message can say file:line; and the few edits
 * compat.c makes to the tree. */
#include "config_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "xalloc.h"

#define YAML_MAX_DEPTH 32

void ynode_free(struct ynode *n)
{
	if (n == NULL)
		return;
	for (int i = 0; i < n->n; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

struct ynode *ynode_new(enum ykind kind, int line)
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

/* The index in map->kids of the key that is the len first bytes of name
 * (its value follows it), or -1.  Keys are compared as text: PyYAML would
 * turn `1:` and `"1":` into different keys, but no arouteserver key is a
 * number. */
static int key_index(const struct ynode *map, const char *name, size_t len)
{
	for (int i = 0; map->kind == Y_MAP && i < map->n; i += 2)
		if (strncmp(map->kids[i]->str, name, len) == 0 && map->kids[i]->str[len] == '\0')
			return i;
	return -1;
}

int ynode_key(const struct ynode *map, const char *name)
{
	return key_index(map, name, strlen(name));
}

static int check_key(struct ctx *c, const struct ynode *map, const struct ynode *key)
{
	int first;

	if (key->kind != Y_SCALAR)
		return fail(c, key->line, "YAML error: a mapping key must be a plain string");
	if ((first = ynode_key(map, key->str)) >= 0)
		return fail(c, key->line, "duplicate key '%s' (first at line %d)",
		    key->str, map->kids[first]->line);
	return 0;
}

static void append(struct ynode *n, struct ynode *kid)
{
	n->kids = xrealloc(n->kids, (size_t)(n->n + 1) * sizeof(*n->kids));
	n->kids[n->n++] = kid;
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
		append(n, kid);
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

/* The document of an initialised parser's input, or NULL. */
static struct ynode *parse_input(struct ctx *c, yaml_parser_t *p)
{
	struct ynode *root = NULL;

	if (read_document(c, p, &root)) {
		ynode_free(root);
		root = NULL;
	}
	yaml_parser_delete(p);
	return root;
}

struct ynode *yaml_load(struct ctx *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t p;

	if (f == NULL) {
		snprintf(c->err, c->errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	struct ynode *root = parse_input(c, &p);
	fclose(f);
	return root;
}

struct ynode *yaml_load_text(struct ctx *c, const char *text, size_t len)
{
	yaml_parser_t p;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	return parse_input(c, &p);
}

struct ynode *ynode_copy(const struct ynode *n)
{
	struct ynode *c = ynode_new(n->kind, n->line);

	c->null = n->null;
	c->str = n->str ? xstrdup(n->str) : NULL;
	for (int i = 0; i < n->n; i++)
		append(c, ynode_copy(n->kids[i]));
	return c;
}

/* The non-null value at the dotted path below root, or NULL.  *line gets
 * the line of the deepest key found: where a missing key belongs. */
const struct ynode *ynode_path(const struct ynode *root, const char *path, int *line)
{
	const struct ynode *n = root;

	*line = root->line;
	while (*path != '\0') {
		size_t len = strcspn(path, ".");
		int i = key_index(n, path, len);

		if (i < 0)
			return NULL;
		*line = n->kids[i]->line;
		n = n->kids[i + 1];
		if (n->null)
			return NULL;
		path += len + (path[len] == '.');
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Editing the tree                                                    */

struct ynode *ynode_scalar(int line, const char *str)
{
	struct ynode *n = ynode_new(Y_SCALAR, line);

	n->str = xstrdup(str);
	return n;
}

void ynode_map_add(struct ynode *map, struct ynode *key, struct ynode *val)
{
	append(map, key);
	append(map, val);
}

/* Takes the key at index i of map and its value out of map. */
void ynode_map_take(struct ynode *map, int i, struct ynode **key, struct ynode **val)
{
	*key = map->kids[i];
	*val = map->kids[i + 1];
	memmove(&map->kids[i], &map->kids[i + 2], (size_t)(map->n - i - 2) * sizeof(*map->kids));
	map->n -= 2;
}

/* {name: val} at val's line. */
struct ynode *ynode_wrap_map(const char *name, struct ynode *val)
{
	struct ynode *map = ynode_new(Y_MAP, val->line);

	ynode_map_add(map, ynode_scalar(val->line, name), val);
	return map;
}

/* [val] at val's line. */
struct ynode *ynode_wrap_seq(struct ynode *val)
{
	struct ynode *seq = ynode_new(Y_SEQ, val->line);

	append(seq, val);
	return seq;
}
