/* SPDX-License-Identifier: ISC */
/* printconf: config_dump(), the configuration in effect as YAML for
 * `ixpd -n`, printed from the option table with the defaults filled in. */
#include "config_int.h"

#include <stdio.h>
#include <string.h>

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
void print_flow(FILE *out, unsigned scope, void *item_p)
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
