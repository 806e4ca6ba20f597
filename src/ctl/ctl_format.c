/* SPDX-License-Identifier: ISC */
/* ctl_format: text rendering of control replies.  See ctl_format.h. */
#include "ctl_format.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "prefix.h"

/* Rendered cells are bounded; an AS path is the longest thing shown and
 * 4 KiB holds several hundred hops. */
#define CELL_MAX 4096
#define LABEL_WIDTH 18

void ctl_format_duration(long long seconds, char *buf, size_t len)
{
	long long s = seconds < 0 ? 0 : seconds;

	if (s < 86400)
		snprintf(buf, len, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
	else if (s < 7 * 86400)
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s / 3600 % 24);
	else
		snprintf(buf, len, "%lldw%lldd", s / (7 * 86400), s / 86400 % 7);
}

void ctl_format_time(long long unix_time, char *buf, size_t len)
{
	time_t t = (time_t)unix_time;
	struct tm tm;

	if (unix_time <= 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "-");
}

/* ---- values ---- */

/* A scalar as text; absent, null and structured values give `absent`. */
static const char *scalar(const json_t *v, const char *absent, char *buf, size_t len)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_INTEGER:
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, len, "%g", json_real_value(v));
		return buf;
	case JSON_TRUE:
		return "yes";
	case JSON_FALSE:
		return "no";
	default:
		return absent;
	}
}

/* json_typeof() must not see NULL, which is how jansson says "absent";
 * json_null() is a shared constant, so this allocates nothing. */
static const json_t *get(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return v ? v : json_null();
}

static const char *field(const json_t *obj, const char *key, char *buf, size_t len)
{
	return scalar(get(obj, key), "-", buf, len);
}

static void time_cell(const json_t *v, char *buf, size_t len)
{
	ctl_format_time(json_is_integer(v) ? json_integer_value(v) : 0, buf, len);
}

static void duration_cell(const json_t *v, char *buf, size_t len)
{
	if (json_is_integer(v))
		ctl_format_duration(json_integer_value(v), buf, len);
	else
		snprintf(buf, len, "-");
}

/* "2025-11-28T22:46:40Z (3d04h ago)", or "" when v is not a time. */
static void time_and_age(const json_t *v, time_t now, char *buf, size_t len)
{
	char when[64], age[64];

	buf[0] = '\0';
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return;
	ctl_format_time(json_integer_value(v), when, sizeof(when));
	ctl_format_duration((long long)now - json_integer_value(v), age, sizeof(age));
	snprintf(buf, len, "%s (%s ago)", when, age);
}

/* Appends to a bounded string buffer; silently truncates (display only). */
static void append(char *buf, size_t len, const char *sep, const char *text)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s%s", used ? sep : "", text);
}

/* A JSON key made readable: "updates_sent" -> "updates sent". */
static void key_words(const char *key, char sep, char *buf, size_t len)
{
	snprintf(buf, len, "%s", key);
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = sep;
}

/* {"received": 10, "updates_sent": 2} -> "10 received, 2 updates sent":
 * generic, so counters a newer server adds show up without a client change.
 * (jansson keeps keys in document order.) */
static void counts(const json_t *obj, char *buf, size_t len)
{
	const char *key;
	const json_t *v;
	char words[128], item[160];

	buf[0] = '\0';
	json_object_foreach((json_t *)obj, key, v) {
		if (!json_is_integer(v))
			continue;
		key_words(key, ' ', words, sizeof(words));
		snprintf(item, sizeof(item), "%" JSON_INTEGER_FORMAT " %s", json_integer_value(v), words);
		append(buf, len, ", ", item);
	}
}

/* Writes text with control characters (C0, DEL, and C1 encoded in UTF-8)
 * replaced by '?', byte for byte so column widths hold: values can carry
 * remote text, such as a peer's shutdown communication in last_error,
 * which must not drive the operator's terminal. */
static void put_safe(const char *text, FILE *out)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputs("??", out);
			p++;
		} else {
			fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
		}
	}
}

static void kv(FILE *out, const char *indent, const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	fprintf(out, "%s%-*s", indent, LABEL_WIDTH, label);
	put_safe(value, out);
	fputc('\n', out);
}

/* ---- tables ---- */

struct column {
	const char *title;
	bool right;                 /* numbers */
	bool optional;              /* hidden when empty in every row */
};

struct table {
	const struct column *cols;
	size_t ncols, nrows, cap;
	char **cells;               /* nrows * ncols strings */
	bool failed;
};

static void table_add(struct table *t, const char *const cells[])
{
	if (t->failed)
		return;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **grown = realloc(t->cells, cap * t->ncols * sizeof(*grown));
		if (grown == NULL) {
			t->failed = true;
			return;
		}
		t->cells = grown;
		t->cap = cap;
	}
	char **row = t->cells + t->nrows * t->ncols;
	for (size_t c = 0; c < t->ncols; c++) {
		row[c] = strdup(cells[c]);
		t->failed |= row[c] == NULL;
	}
	t->nrows++;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
}

/* Columns are separated by two spaces; padding is only written before a
 * non-empty cell, so lines never end in blanks. */
static void print_row(const struct table *t, const size_t *width, const bool *shown,
    const char *const *cells, FILE *out)
{
	size_t pending = 0;

	for (size_t c = 0; c < t->ncols; c++) {
		if (!shown[c])
			continue;
		size_t len = strlen(cells[c]);
		size_t pad = width[c] - len;
		if (len == 0) {
			pending += width[c] + 2;
			continue;
		}
		fprintf(out, "%*s", (int)(pending + (t->cols[c].right ? pad : 0)), "");
		put_safe(cells[c], out);
		pending = (t->cols[c].right ? 0 : pad) + 2;
	}
	fputc('\n', out);
}

static void table_print(const struct table *t, FILE *out)
{
	size_t width[t->ncols];
	bool shown[t->ncols];
	const char *titles[t->ncols];

	for (size_t c = 0; c < t->ncols; c++) {
		titles[c] = t->cols[c].title;
		width[c] = strlen(titles[c]);
		shown[c] = !t->cols[c].optional;
		for (size_t r = 0; r < t->nrows; r++) {
			size_t len = strlen(t->cells[r * t->ncols + c]);
			width[c] = len > width[c] ? len : width[c];
			shown[c] |= len > 0;
		}
	}
	print_row(t, width, shown, titles, out);
	for (size_t r = 0; r < t->nrows; r++)
		print_row(t, width, shown, (const char *const *)t->cells + r * t->ncols, out);
}

/* Prints the table, or `empty` when it has no rows; frees it. */
static int table_finish(struct table *t, const char *empty, FILE *out)
{
	bool failed = t->failed;

	if (!failed && t->nrows == 0)
		fprintf(out, "%s\n", empty);
	else if (!failed)
		table_print(t, out);
	table_free(t);
	return failed ? -1 : 0;
}

/* ---- show status ---- */

static int render_status(const json_t *r, time_t now, FILE *out)
{
	char buf[CELL_MAX], num[32];

	const char *version = json_string_value(get(r, "version"));
	fputs(version ? "ixpd " : "ixpd", out);
	put_safe(version ? version : "", out);
	fputc('\n', out);
	kv(out, "", "Route server AS:", scalar(get(r, "rs_as"), "", num, sizeof(num)));
	kv(out, "", "Router ID:", scalar(get(r, "router_id"), "", buf, sizeof(buf)));
	kv(out, "", "Config:", scalar(get(r, "config"), "", buf, sizeof(buf)));
	time_and_age(get(r, "started"), now, buf, sizeof(buf));
	kv(out, "", "Started:", buf);
	time_and_age(get(r, "last_reload"), now, buf, sizeof(buf));
	kv(out, "", "Last reload:", buf);
	counts(get(r, "neighbors"), buf, sizeof(buf));
	kv(out, "", "Neighbors:", buf);
	counts(get(r, "routes"), buf, sizeof(buf));
	kv(out, "", "Routes:", buf);
	if (get(r, "policy_data")) {
		counts(get(r, "policy_data"), buf, sizeof(buf));
		kv(out, "", "Policy data:", buf);
	}
	return 0;
}

/* ---- show neighbors / show neighbor ---- */

static const struct column neighbor_cols[] = {
	{ "Neighbor", false, false }, { "AS", true, false }, { "State", false, false },
	{ "Since", false, false }, { "Rcvd", true, false }, { "Acc", true, false },
	{ "Rej", true, false }, { "Sent", true, false }, { "Description", false, false },
};
#define N_NEIGHBOR_COLS (sizeof(neighbor_cols) / sizeof(neighbor_cols[0]))

/* The state, marked when an operator took the session down. */
static void state_text(const json_t *n, char *buf, size_t len)
{
	char tmp[64];

	snprintf(buf, len, "%s%s", field(n, "state", tmp, sizeof(tmp)),
	    json_is_true(get(n, "admin_down")) ? " (admin down)" : "");
}

static void neighbor_row(struct table *t, const json_t *n)
{
	char addr[64], asn[32], state[96], since[64], rcvd[32], acc[32], rej[32], sent[32], desc[32];
	const json_t *routes = get(n, "routes");

	state_text(n, state, sizeof(state));
	time_cell(get(n, "since"), since, sizeof(since));
	const char *cells[N_NEIGHBOR_COLS] = {
		field(n, "address", addr, sizeof(addr)),
		field(n, "asn", asn, sizeof(asn)),
		state,
		since,
		field(routes, "received", rcvd, sizeof(rcvd)),
		field(routes, "accepted", acc, sizeof(acc)),
		field(routes, "rejected", rej, sizeof(rej)),
		field(routes, "exported", sent, sizeof(sent)),
		scalar(get(n, "description"), "", desc, sizeof(desc)),
	};
	table_add(t, cells);
}

static int render_neighbors(const json_t *r, time_t now, FILE *out)
{
	struct table t = { .cols = neighbor_cols, .ncols = N_NEIGHBOR_COLS };
	size_t i;
	const json_t *n;

	json_array_foreach(get(r, "neighbors"), i, n)
		neighbor_row(&t, n);
	return table_finish(&t, "No neighbors.", out);
}

/* Families, boolean capabilities and role, each on its own line. */
static void capability_lines(const json_t *caps, FILE *out)
{
	char list[CELL_MAX] = "", buf[256];
	const char *key;
	const json_t *v;
	size_t i;

	json_array_foreach(get(caps, "families"), i, v)
		append(list, sizeof(list), ", ", scalar(v, "?", buf, sizeof(buf)));
	kv(out, "  ", "Families:", list);
	list[0] = '\0';
	json_object_foreach((json_t *)caps, key, v) {
		if (!json_is_true(v))
			continue;
		key_words(key, '-', buf, sizeof(buf));
		append(list, sizeof(list), " ", buf);
	}
	kv(out, "  ", "Capabilities:", json_is_object(caps) && !list[0] ? "none" : list);
	kv(out, "  ", "Role:", scalar(get(caps, "role"), "", buf, sizeof(buf)));
}

static void seconds_line(FILE *out, const char *label, const json_t *v)
{
	char buf[48];

	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT "s", json_integer_value(v));
		kv(out, "  ", label, buf);
	}
}

static int render_neighbor(const json_t *r, time_t now, FILE *out)
{
	const json_t *n = get(r, "neighbor");
	char buf[CELL_MAX];

	if (!json_is_object(n))
		return 0;
	fputs("Neighbor ", out);
	put_safe(field(n, "address", buf, sizeof(buf)), out);
	fputc('\n', out);
	kv(out, "  ", "Description:", scalar(get(n, "description"), "", buf, sizeof(buf)));
	kv(out, "  ", "AS:", scalar(get(n, "asn"), "", buf, sizeof(buf)));
	if (json_is_integer(get(n, "site")))
		kv(out, "  ", "Site:", scalar(get(n, "site"), "", buf, sizeof(buf)));
	if (json_is_string(get(n, "state"))) {
		state_text(n, buf, sizeof(buf));
		kv(out, "  ", "State:", buf);
	}
	time_and_age(get(n, "since"), now, buf, sizeof(buf));
	kv(out, "  ", "Since:", buf);
	kv(out, "  ", "Last error:", scalar(get(n, "last_error"), "", buf, sizeof(buf)));
	seconds_line(out, "Hold time:", get(n, "hold_time"));
	seconds_line(out, "Keepalive:", get(n, "keepalive"));
	if (json_is_integer(get(n, "rtt_ms"))) {
		snprintf(buf, sizeof(buf), "%lld ms", (long long)json_integer_value(get(n, "rtt_ms")));
		kv(out, "  ", "RTT:", buf);
	}
	capability_lines(get(n, "capabilities"), out);
	counts(get(n, "routes"), buf, sizeof(buf));
	kv(out, "  ", "Routes:", buf);
	counts(get(n, "messages"), buf, sizeof(buf));
	kv(out, "  ", "Messages:", buf);
	return 0;
}

/* ---- show routes ---- */

static const struct column route_cols[] = {
	{ "", false, false }, { "Prefix", false, false }, { "Next hop", false, false },
	{ "MED", true, false }, { "AS path", false, false }, { "Neighbor", false, false },
	{ "Age", true, false }, { "Reason", false, true },
};
#define N_ROUTE_COLS (sizeof(route_cols) / sizeof(route_cols[0]))

static const char *path_flags(const json_t *p)
{
	if (json_is_true(get(p, "rejected")))
		return "R";
	return json_is_true(get(p, "best")) ? "*>" : "*";
}

/* bgpctl style: the AS path followed by the origin code (i, e or ?). */
static void as_path_text(const json_t *p, char *buf, size_t len)
{
	static const struct { const char *name, *code; } origins[] = {
		{ "IGP", "i" }, { "EGP", "e" }, { "INCOMPLETE", "?" },
	};
	const char *origin = json_string_value(get(p, "origin"));
	char num[32];

	snprintf(buf, len, "%s", scalar(get(p, "as_path"), "", num, sizeof(num)));
	for (size_t i = 0; origin && i < sizeof(origins) / sizeof(origins[0]); i++) {
		if (strcasecmp(origin, origins[i].name) == 0)
			origin = origins[i].code;
	}
	if (origin != NULL)
		append(buf, len, " ", origin);
	if (buf[0] == '\0')
		snprintf(buf, len, "-");
}

static void path_row(struct table *t, const char *prefix, const json_t *p)
{
	char nh[64], med[32], aspath[CELL_MAX], nbr[64], age[32], reason[CELL_MAX];

	as_path_text(p, aspath, sizeof(aspath));
	duration_cell(get(p, "age"), age, sizeof(age));
	const char *cells[N_ROUTE_COLS] = {
		path_flags(p),
		prefix,
		field(p, "next_hop", nh, sizeof(nh)),
		field(p, "med", med, sizeof(med)),
		aspath,
		field(p, "neighbor", nbr, sizeof(nbr)),
		age,
		scalar(get(p, "reject_reason"), "", reason, sizeof(reason)),
	};
	table_add(t, cells);
}

/* The server lists routes in its table's order; people read them by prefix. */
struct sorted_route {
	struct prefix prefix;
	const json_t *route;
};

static int route_order(const void *a, const void *b)
{
	return prefix_cmp(&((const struct sorted_route *)a)->prefix, &((const struct sorted_route *)b)->prefix);
}

static int render_routes(const json_t *r, time_t now, FILE *out)
{
	struct table t = { .cols = route_cols, .ncols = N_ROUTE_COLS };
	const json_t *routes = get(r, "routes"), *route, *path;
	size_t i, j, n = json_array_size(routes);
	char prefix[64];
	struct sorted_route *v = calloc(n + 1, sizeof(*v));

	if (v == NULL)
		return -1;
	json_array_foreach(routes, i, route) {
		v[i].route = route;
		if (prefix_parse(field(route, "prefix", prefix, sizeof(prefix)), &v[i].prefix) < 0)
			memset(&v[i].prefix, 0, sizeof(v[i].prefix));
	}
	qsort(v, n, sizeof(*v), route_order);
	for (i = 0; i < n; i++) {
		const char *text = field(v[i].route, "prefix", prefix, sizeof(prefix));
		json_array_foreach(get(v[i].route, "paths"), j, path)
			path_row(&t, text, path);
	}
	free(v);
	if (t.nrows > 0)
		fprintf(out, "Flags: * valid, > best, R rejected\n");
	int rc = table_finish(&t, "No routes.", out);
	const json_t *next = get(r, "next");
	if (json_is_true(get(r, "truncated")) && json_is_integer(next))
		fprintf(out, "(%zu prefixes shown; continue with --after %lld, or narrow the query "
		    "with PREFIX or --neighbor)\n", n, (long long)json_integer_value(next));
	else if (json_is_true(get(r, "truncated")))
		fprintf(out, "(truncated by the server; narrow the query with PREFIX or --neighbor)\n");
	return rc;
}

/* ---- everything else ---- */

static int render_message(const json_t *r, time_t now, FILE *out)
{
	const char *message = json_string_value(get(r, "message"));

	if (message != NULL) {
		put_safe(message, out);
		fputc('\n', out);
	}
	return 0;
}

static int render_json(const json_t *r, time_t now, FILE *out)
{
	if (r != NULL && json_dumpf(r, out, JSON_INDENT(2)) == 0)
		fputc('\n', out);
	return 0;
}

static const struct renderer {
	const char *command;
	int (*render)(const json_t *result, time_t now, FILE *out);
} renderers[] = {
	{ "show status", render_status },
	{ "show neighbors", render_neighbors },
	{ "show neighbor", render_neighbor },
	{ "show routes", render_routes },
	{ "neighbor down", render_message },
	{ "neighbor up", render_message },
	{ "neighbor refresh", render_message },
	{ "reload", render_message },
};

int ctl_format_text(const char *command, const json_t *result, time_t now, FILE *out)
{
	int (*render)(const json_t *, time_t, FILE *) = render_json;

	for (size_t i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++) {
		if (strcmp(command, renderers[i].command) == 0)
			render = renderers[i].render;
	}
	int rc = render(result, now, out);
	return rc < 0 || ferror(out) ? -1 : 0;
}
