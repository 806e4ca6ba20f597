/* SPDX-License-Identifier: ISC */
/* community_meaning: what a community on a route means to this route
 * server, in words, for the looking glass and `show routes`. */
#include <stdio.h>
#include <string.h>

#include "policy.h"

static const char *const comm_keys[] = {
#define CFG_COMM_KEY(id, key, flags) #key,
	CFG_COMMUNITIES(CFG_COMM_KEY)
#undef CFG_COMM_KEY
};

/* Does v have form f's fixed part?  Its variable part goes to *var. */
static bool form_matches(const struct comm_form *f, const struct comm_value *v, uint32_t *var)
{
	size_t fixed = (size_t)f->len - f->var_len;
	if (f->len != comm_len(v->kind) || memcmp(f->b, v->b, fixed) != 0)
		return false;
	*var = 0;
	for (size_t i = fixed; i < f->len; i++)
		*var = *var << 8 | v->b[i];
	return true;
}

static bool def_matches(const struct comm_def *d, const struct comm_value *v, uint32_t *var)
{
	return form_matches(&d->f[v->kind], v, var);
}

static const char *reject_code_text(uint16_t code)
{
	for (uint16_t r = 1; r < REJECT_REASON_COUNT; r++)
		if (policy_reject_code(r) == code)
			return reject_reason_str(r);
	return "unknown reason";
}

/* "do_not_announce_to_peer" -> "do not announce to peer" */
static void key_words(const char *key, char *buf, size_t len)
{
	snprintf(buf, len, "%s", key);
	for (char *c = buf; *c; c++)
		*c = *c == '_' ? ' ' : *c;
}

static const char *own_meaning(const struct policy_global *g, size_t i, uint32_t var,
    char *buf, size_t len)
{
	char words[96];
	key_words(comm_keys[i], words, sizeof(words));
	if (i == CFG_COMM_REJECT_CAUSE)
		snprintf(buf, len, "rejected: %s (code %u)", reject_code_text((uint16_t)var), var);
	else if (i == CFG_COMM_REJECTED_ROUTE_ANNOUNCED_BY)
		snprintf(buf, len, "rejected route announced by AS%u", var);
	else if (g->comm[i].f[COMM_STD].var_len || g->comm[i].f[COMM_LRG].var_len ||
	    g->comm[i].f[COMM_EXT].var_len)
		snprintf(buf, len, "%s%s%u", words, strstr(comm_keys[i], "peer") ? " AS" : " ", var);
	else
		snprintf(buf, len, "%s", words);
	return buf;
}

const char *policy_community_meaning(const struct policy_global *g, const struct comm_value *v,
    char *buf, size_t len)
{
	static const struct { const struct comm_def *d; const char *text; } well_known[] = {
		{ &comm_no_export, "NO_EXPORT (RFC 1997)" },
		{ &comm_no_advertise, "NO_ADVERTISE (RFC 1997)" },
		{ &comm_blackhole, "BLACKHOLE (RFC 7999)" },
		{ &comm_gshut, "GRACEFUL_SHUTDOWN (RFC 8326)" },
	};
	uint32_t var;
	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++)
		if (def_matches(well_known[i].d, v, &var))
			return well_known[i].text;
	if (!g)
		return NULL;
	for (size_t i = 0; i < CFG_COMM_COUNT; i++)
		if (def_matches(&g->comm[i], v, &var))
			return own_meaning(g, i, var, buf, len);
	for (size_t i = 0; i < g->n_reject_map; i++)
		if (def_matches(&g->reject_map[i].def, v, &var)) {
			snprintf(buf, len, "rejected: %s (code %u)", reject_code_text(g->reject_map[i].code),
			    g->reject_map[i].code);
			return buf;
		}
	for (size_t i = 0; i < g->n_custom; i++)
		if (def_matches(&g->custom[i].def, v, &var)) {
			snprintf(buf, len, "custom community %s (attach_custom_communities)", g->custom[i].name);
			return buf;
		}
	return NULL;
}
