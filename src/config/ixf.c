/* SPDX-License-Identifier: ISC */
#include "ixf.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "asn.h"
#include "errbuf.h"
#include "log.h"
#include "xalloc.h"

/* The schema versions whose documents were read when this was written. */
static const char *const known_versions[] = { "0.4", "0.5", "0.6", "0.7", "1.0" };

/* --- warnings and JSON paths --------------------------------------------- */

struct rd {
	const char *name;
	ixf_warn_fn warn;
	void *arg;
	size_t *count;               /* warnings given, shown or not */
	char path[256];              /* of the element being read */
	size_t plen;
};

static void rd_warn(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rd_warn(struct rd *r, const char *fmt, ...)
{
	char what[256], msg[640];
	va_list ap;

	if (++*r->count > IXF_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s: %s%s%s", r->name, r->path, r->plen ? ": " : "", what);
	if (r->warn)
		r->warn(r->arg, msg);
	else
		log_warn("%s", msg);
}

/* Says how many warnings were not shown, if any. */
static void rd_warn_end(struct rd *r)
{
	char msg[320];

	if (*r->count <= IXF_MAX_WARNINGS)
		return;
	snprintf(msg, sizeof(msg), "%s: %zu more warnings not shown", r->name,
	    *r->count - IXF_MAX_WARNINGS);
	if (r->warn)
		r->warn(r->arg, msg);
	else
		log_warn("%s", msg);
}

/* Appends ".key" or "[i]" to the path; returns the length to go back to.
 * Keys are this file's own, indices at most 20 digits: a path is never
 * longer than the buffer, but is cut rather than overrun if it were. */
static size_t path_grown(struct rd *r, size_t old, int n)
{
	if (n < 0)
		r->plen = old;
	else if (old + (size_t)n >= sizeof(r->path))
		r->plen = sizeof(r->path) - 1;
	else
		r->plen = old + (size_t)n;
	return old;
}

static size_t path_key(struct rd *r, const char *key)
{
	size_t old = r->plen;
	return path_grown(r, old, snprintf(r->path + old, sizeof(r->path) - old, "%s%s",
	    old ? "." : "", key));
}

static size_t path_index(struct rd *r, size_t i)
{
	size_t old = r->plen;
	return path_grown(r, old, snprintf(r->path + old, sizeof(r->path) - old, "[%zu]", i));
}

static void path_back(struct rd *r, size_t old)
{
	r->plen = old;
	r->path[old] = '\0';
}

/* --- typed values ---------------------------------------------------------
 * Each getter returns GOT_NONE for a key absent or null (or an empty
 * string), GOT_OK, or GOT_BAD after a warning naming PATH.key. */

enum got { GOT_NONE, GOT_OK, GOT_BAD };

static const json_t *member(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return v == NULL || json_is_null(v) ? NULL : v;
}

static enum got bad(struct rd *r, const char *key, const char *what)
{
	size_t old = path_key(r, key);
	rd_warn(r, "%s", what);
	path_back(r, old);
	return GOT_BAD;
}

/* A number 0..max: a JSON number with no fraction (all numbers are read as
 * reals, so that a huge one fails its field rather than the document) or
 * a string of digits. */
static bool value_uint(const json_t *v, uint64_t max, uint64_t *out)
{
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (!(d >= 0 && d <= (double)max) || (double)(uint64_t)d != d)
			return false;
		*out = (uint64_t)d;
		return true;
	}
	const char *s = json_string_value(v);
	if (s == NULL || *s == '\0' || strlen(s) > 19)
		return false;
	uint64_t acc = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		acc = acc * 10 + (uint64_t)(*s - '0');
	}
	*out = acc;
	return acc <= max;
}

static enum got get_uint(struct rd *r, const json_t *obj, const char *key, uint64_t max,
    uint64_t *out)
{
	const json_t *v = member(obj, key);
	char what[64];

	if (v == NULL)
		return GOT_NONE;
	if (value_uint(v, max, out))
		return GOT_OK;
	snprintf(what, sizeof(what), "not an integer 0..%llu", (unsigned long long)max);
	return bad(r, key, what);
}

/* An optional number into an int64_t that is IXF_ABSENT when not given. */
static void get_opt(struct rd *r, const json_t *obj, const char *key, uint64_t max, int64_t *out)
{
	uint64_t v;
	*out = get_uint(r, obj, key, max, &v) == GOT_OK ? (int64_t)v : IXF_ABSENT;
}

static enum got get_text(struct rd *r, const json_t *obj, const char *key, const char **out)
{
	const json_t *v = member(obj, key);

	if (v == NULL)
		return GOT_NONE;
	if (!json_is_string(v))
		return bad(r, key, "not a string");
	if (json_string_length(v) > IXF_MAX_TEXT) {
		char what[64];
		snprintf(what, sizeof(what), "longer than %d bytes", IXF_MAX_TEXT);
		return bad(r, key, what);
	}
	*out = json_string_value(v);
	return **out ? GOT_OK : GOT_NONE;
}

/* An optional string, copied; NULL when not given or malformed. */
static char *get_str(struct rd *r, const json_t *obj, const char *key)
{
	const char *s;
	return get_text(r, obj, key, &s) == GOT_OK ? xstrdup(s) : NULL;
}

static enum got get_bool(struct rd *r, const json_t *obj, const char *key, enum ixf_bool *out)
{
	const json_t *v = member(obj, key);
	const char *s = json_string_value(v);
	double d = json_is_real(v) ? json_real_value(v) : -1;

	*out = IXF_BOOL_ABSENT;
	if (v == NULL)
		return GOT_NONE;
	if (json_is_boolean(v) || d == 0 || d == 1) {
		*out = json_is_true(v) || d == 1 ? IXF_BOOL_TRUE : IXF_BOOL_FALSE;
		return GOT_OK;
	}
	if (s != NULL && (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0)) {
		*out = strcasecmp(s, "true") == 0 ? IXF_BOOL_TRUE : IXF_BOOL_FALSE;
		return GOT_OK;
	}
	return bad(r, key, "not a boolean");
}

/* A list: its length, at most IXF_MAX_ITEMS (one warning if it is cut). */
static enum got get_list(struct rd *r, const json_t *obj, const char *key, const json_t **out,
    size_t *n)
{
	const json_t *v = member(obj, key);

	*n = 0;
	if (v == NULL)
		return GOT_NONE;
	if (!json_is_array(v))
		return bad(r, key, "not a list");
	*out = v;
	*n = json_array_size(v);
	if (*n > IXF_MAX_ITEMS) {
		char what[96];
		snprintf(what, sizeof(what), "%zu entries: only the first %d read", *n,
		    IXF_MAX_ITEMS);
		bad(r, key, what);
		*n = IXF_MAX_ITEMS;
	}
	return GOT_OK;
}

/* Is the element an object?  Warns (at its own path) if not. */
static bool need_object(struct rd *r, const json_t *v)
{
	if (json_is_object(v))
		return true;
	rd_warn(r, "not an object");
	return false;
}

/* "xx:xx:xx:xx:xx:xx" (or '-' between; any case). */
static bool mac_parse(const char *s, struct ixf_mac *m)
{
	for (int i = 0; i < 6; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++, s++) {
			char c = *s;
			unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			    c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			    c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
			if (d > 15)
				return false;
			v = v << 4 | d;
		}
		m->b[i] = (uint8_t)v;
		if (i < 5 && *s != ':' && *s != '-')
			return false;
		if (i < 5)
			s++;
	}
	return *s == '\0';
}

/* --- ixp_list ------------------------------------------------------------- */

static bool parse_switch(struct rd *r, const json_t *j, const struct ixf_ixp *ixp,
    struct ixf_switch *out)
{
	uint64_t id;

	if (!need_object(r, j))
		return false;
	switch (get_uint(r, j, "id", UINT32_MAX, &id)) {
	case GOT_NONE:
		rd_warn(r, "no \"id\"");
		return false;
	case GOT_BAD:
		return false;
	case GOT_OK:
		break;
	}
	if (ixf_switch_find(ixp, (uint32_t)id) != NULL) {
		rd_warn(r, "switch id %llu listed twice: left out", (unsigned long long)id);
		return false;
	}
	*out = (struct ixf_switch){ .id = (uint32_t)id };
	out->name = get_str(r, j, "name");
	out->colo = get_str(r, j, "colo");
	out->city = get_str(r, j, "city");
	out->country = get_str(r, j, "country");
	get_opt(r, j, "pdb_facility_id", UINT32_MAX, &out->pdb_facility_id);
	return true;
}

/* A LAN's "ipv4"/"ipv6": {prefix, mask_length}; prefix may carry "/len". */
static bool parse_lan_prefix(struct rd *r, const json_t *lan, const char *key, uint8_t afi,
    struct prefix *out)
{
	const json_t *j = member(lan, key);
	const char *text;
	uint64_t len;
	char buf[96];
	bool ok;

	if (j == NULL)
		return false;
	size_t old = path_key(r, key);
	if (!need_object(r, j) || get_text(r, j, "prefix", &text) != GOT_OK) {
		path_back(r, old);
		return false;
	}
	switch (get_uint(r, j, "mask_length", afi == AFI_IPV4 ? 32 : 128, &len)) {
	case GOT_OK:
		snprintf(buf, sizeof(buf), "%.60s/%u", text, (unsigned)len);
		ok = strchr(text, '/') == NULL;
		break;
	case GOT_NONE:
		snprintf(buf, sizeof(buf), "%.90s", text);
		ok = strchr(text, '/') != NULL;
		break;
	default:
		path_back(r, old);
		return false;
	}
	ok = ok && strlen(text) < 60 && prefix_parse(buf, out) == 0 && out->afi == afi;
	if (!ok)
		rd_warn(r, "not an %s prefix with its length", afi == AFI_IPV4 ? "IPv4" : "IPv6");
	path_back(r, old);
	return ok;
}

static bool parse_lan(struct rd *r, const json_t *j, struct ixf_lan *out)
{
	uint64_t id;

	if (!need_object(r, j))
		return false;
	switch (get_uint(r, j, "id", UINT32_MAX, &id)) {
	case GOT_NONE:
		rd_warn(r, "no \"id\"");
		return false;
	case GOT_BAD:
		return false;
	case GOT_OK:
		break;
	}
	*out = (struct ixf_lan){ .id = (uint32_t)id };
	out->name = get_str(r, j, "name");
	out->has_ipv4 = parse_lan_prefix(r, j, "ipv4", AFI_IPV4, &out->ipv4);
	out->has_ipv6 = parse_lan_prefix(r, j, "ipv6", AFI_IPV6, &out->ipv6);
	return true;
}

/* Calls one(r, element, arg, slot) for the elements of list key of obj,
 * each with its path, keeping those it accepts in *v (of elements of size
 * bytes); *n: how many. */
typedef bool parse_elem_fn(struct rd *r, const json_t *j, const void *arg, void *slot);

static void parse_list(struct rd *r, const json_t *obj, const char *key, parse_elem_fn *one,
    const void *arg, void **v, size_t *n, size_t size)
{
	const json_t *list;
	size_t len;

	*v = NULL;
	*n = 0;
	if (get_list(r, obj, key, &list, &len) != GOT_OK || len == 0)
		return;
	size_t old = path_key(r, key);
	char *arr = xreallocarray(NULL, len, size);
	for (size_t i = 0; i < len; i++) {
		size_t at = path_index(r, i);
		if (one(r, json_array_get(list, i), arg, arr + *n * size))
			(*n)++;
		path_back(r, at);
	}
	path_back(r, old);
	if (*n == 0) {
		free(arr);
		arr = NULL;
	}
	*v = arr;
}

static bool one_lan(struct rd *r, const json_t *j, const void *arg, void *slot)
{
	(void)arg;
	return parse_lan(r, j, slot);
}

static bool parse_ixp(struct rd *r, const json_t *j, const struct ixf_export *x,
    struct ixf_ixp *out)
{
	uint64_t id;

	if (!need_object(r, j))
		return false;
	switch (get_uint(r, j, "ixp_id", UINT32_MAX, &id)) {
	case GOT_NONE:
		rd_warn(r, "no \"ixp_id\"");
		return false;
	case GOT_BAD:
		return false;
	case GOT_OK:
		break;
	}
	if (ixf_ixp_find(x, (uint32_t)id) != NULL) {
		rd_warn(r, "ixp_id %llu listed twice: left out", (unsigned long long)id);
		return false;
	}
	*out = (struct ixf_ixp){ .ixp_id = (uint32_t)id };
	get_opt(r, j, "ixf_id", UINT32_MAX, &out->ixf_id);
	get_opt(r, j, "peeringdb_id", UINT32_MAX, &out->peeringdb_id);
	out->shortname = get_str(r, j, "shortname");
	out->name = get_str(r, j, "name");
	out->country = get_str(r, j, "country");
	parse_list(r, j, "vlan", one_lan, NULL, (void **)&out->lans, &out->n_lans,
	    sizeof(*out->lans));
	/* Parsed into the array as it grows: each switch is visible to the
	 * duplicate check of the next. */
	const json_t *list;
	size_t len;
	if (get_list(r, j, "switch", &list, &len) == GOT_OK && len > 0) {
		size_t old = path_key(r, "switch");
		out->switches = xreallocarray(NULL, len, sizeof(*out->switches));
		for (size_t i = 0; i < len; i++) {
			size_t at = path_index(r, i);
			struct ixf_switch *sw = &out->switches[out->n_switches];
			if (parse_switch(r, json_array_get(list, i), out, sw))
				out->n_switches++;
			path_back(r, at);
		}
		path_back(r, old);
	}
	return true;
}

/* --- member_list ------------------------------------------------------------ */

/* as_macro: names separated by blanks or commas, each an AS-SET or ASN. */
static void parse_as_macro(struct rd *r, const json_t *j, struct ixf_ip *ip)
{
	static const char seps[] = " ,\t\r\n";
	const char *text;
	char buf[IXF_MAX_TEXT + 1];

	if (get_text(r, j, "as_macro", &text) != GOT_OK)
		return;
	for (const char *p = text + strspn(text, seps); *p; p += strspn(p, seps)) {
		size_t len = strcspn(p, seps);
		memcpy(buf, p, len);
		buf[len] = '\0';
		p += len;
		if (!as_set_name_normalise(buf)) {
			size_t old = path_key(r, "as_macro");
			rd_warn(r, "\"%.*s\" is not an AS-SET or ASN name",
			    (int)(len > 64 ? 64 : len), p - len);
			path_back(r, old);
			continue;
		}
		bool dup = false;
		for (size_t i = 0; i < ip->n_as_sets && !dup; i++)
			dup = strlen(ip->as_sets[i]) == len &&
			    strncasecmp(ip->as_sets[i], p - len, len) == 0;
		if (dup)
			continue;
		if (ip->n_as_sets == IXF_MAX_AS_SETS) {
			char what[64];
			snprintf(what, sizeof(what), "more than %d names: the rest not read",
			    IXF_MAX_AS_SETS);
			bad(r, "as_macro", what);
			return;
		}
		ip->as_sets = xreallocarray(ip->as_sets, ip->n_as_sets + 1, sizeof(*ip->as_sets));
		ip->as_sets[ip->n_as_sets] = xmalloc(len + 1);
		memcpy(ip->as_sets[ip->n_as_sets], p - len, len);
		ip->as_sets[ip->n_as_sets++][len] = '\0';
	}
}

static void add_mac(struct ixf_ip *ip, const struct ixf_mac *m, size_t *cap)
{
	XGROW(ip->macs, ip->n_macs, *cap, 2);
	ip->macs[ip->n_macs++] = *m;
}

static int cmp_mac(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct ixf_mac));
}

/* Sorted, duplicates removed: O(n log n) however many there are. */
static void macs_unique(struct ixf_ip *ip)
{
	size_t n = 0;

	if (ip->n_macs < 2)
		return;
	qsort(ip->macs, ip->n_macs, sizeof(*ip->macs), cmp_mac);
	for (size_t i = 0; i < ip->n_macs; i++)
		if (n == 0 || memcmp(&ip->macs[n - 1], &ip->macs[i], sizeof(*ip->macs)) != 0)
			ip->macs[n++] = ip->macs[i];
	ip->n_macs = n;
}

static void parse_macs(struct rd *r, const json_t *j, struct ixf_ip *ip, size_t *cap)
{
	const json_t *list;
	size_t len;

	if (get_list(r, j, "mac_addresses", &list, &len) != GOT_OK)
		return;
	size_t old = path_key(r, "mac_addresses");
	for (size_t i = 0; i < len; i++) {
		const char *s = json_string_value(json_array_get(list, i));
		struct ixf_mac m;
		if (s != NULL && mac_parse(s, &m)) {
			add_mac(ip, &m, cap);
		} else if (!json_is_null(json_array_get(list, i))) {
			size_t at = path_index(r, i);
			rd_warn(r, "not a MAC address");
			path_back(r, at);
		}
	}
	path_back(r, old);
}

static unsigned service_bit(const char *type)
{
	if (type == NULL)
		return 0;
	if (strcmp(type, "ixrouteserver") == 0)
		return IXF_SVC_ROUTESERVER;
	if (strcmp(type, "ixroutecollector") == 0)
		return IXF_SVC_ROUTECOLLECTOR;
	return 0;
}

/* 0.7's service_type (a list of names; a lone name is taken too) and
 * 1.0's services (a list of {type, ...}).  Unknown names are ignored. */
static void parse_services(struct rd *r, const json_t *j, struct ixf_ip *ip)
{
	const json_t *v = member(j, "service_type"), *list;
	size_t len;

	if (v != NULL && json_is_string(v)) {
		ip->services |= service_bit(json_string_value(v));
	} else if (get_list(r, j, "service_type", &list, &len) == GOT_OK) {
		for (size_t i = 0; i < len; i++)
			ip->services |= service_bit(json_string_value(json_array_get(list, i)));
	}
	if (get_list(r, j, "services", &list, &len) != GOT_OK)
		return;
	size_t old = path_key(r, "services");
	for (size_t i = 0; i < len; i++) {
		const json_t *s = json_array_get(list, i);
		const char *type;
		size_t at = path_index(r, i);
		if (need_object(r, s) && get_text(r, s, "type", &type) == GOT_OK)
			ip->services |= service_bit(type);
		path_back(r, at);
	}
	path_back(r, old);
}

static void ip_free(struct ixf_ip *ip)
{
	if (ip == NULL)
		return;
	for (size_t i = 0; i < ip->n_as_sets; i++)
		free(ip->as_sets[i]);
	free(ip->as_sets);
	free(ip->macs);
	free(ip->path);
	free(ip);
}

/* vlan_list[].ipv4 / .ipv6; NULL if absent, without an address, or bad.
 * vlan_mac: 0.4/0.5's mac_address of the entry, or NULL. */
static struct ixf_ip *parse_ip(struct rd *r, const json_t *vlan, const char *key, int family,
    const struct ixf_mac *vlan_mac)
{
	const json_t *j = member(vlan, key);
	const char *text;
	struct ip_addr a;
	const char *fam = family == AF_INET ? "IPv4" : "IPv6";

	if (j == NULL)
		return NULL;
	size_t old = path_key(r, key);
	struct ixf_ip *ip = NULL;
	if (!need_object(r, j) || get_text(r, j, "address", &text) != GOT_OK)
		goto out;
	if (ip_addr_parse(text, &a) < 0 || a.family != family) {
		size_t at = path_key(r, "address");
		if (ip_addr_parse(text, &a) == 0)
			rd_warn(r, "not an %s address: an %s one", fam,
			    family == AF_INET ? "IPv6" : "IPv4");
		else
			rd_warn(r, "not an %s address", fam);
		path_back(r, at);
		goto out;
	}
	ip = xcalloc(1, sizeof(*ip));
	ip->addr = a;
	ip->path = xstrdup(r->path);
	parse_as_macro(r, j, ip);
	get_opt(r, j, "max_prefix", UINT32_MAX, &ip->max_prefix);
	get_bool(r, j, "routeserver", &ip->routeserver);
	size_t cap = 0;
	parse_macs(r, j, ip, &cap);
	if (vlan_mac != NULL)
		add_mac(ip, vlan_mac, &cap);
	macs_unique(ip);
	parse_services(r, j, ip);
out:
	path_back(r, old);
	return ip;
}

static bool parse_vlan_entry(struct rd *r, const json_t *j, struct ixf_vlan_entry *out)
{
	struct ixf_mac mac;
	const char *text;
	bool has_mac = false;

	if (!need_object(r, j))
		return false;
	*out = (struct ixf_vlan_entry){ 0 };
	get_opt(r, j, "vlan_id", UINT32_MAX, &out->vlan_id);
	if (get_text(r, j, "mac_address", &text) == GOT_OK) {
		has_mac = mac_parse(text, &mac);
		if (!has_mac)
			bad(r, "mac_address", "not a MAC address");
	}
	out->ipv4 = parse_ip(r, j, "ipv4", AF_INET, has_mac ? &mac : NULL);
	out->ipv6 = parse_ip(r, j, "ipv6", AF_INET6, has_mac ? &mac : NULL);
	return true;
}

/* vlan_list, flattening IXP Manager's list of lists one level: at most
 * IXF_MAX_ITEMS entries in all. */
static void parse_vlan_list(struct rd *r, const json_t *conn, struct ixf_connection *c)
{
	const json_t *list;
	size_t len, cap = 0;
	bool cut = false;

	if (get_list(r, conn, "vlan_list", &list, &len) != GOT_OK)
		return;
	size_t old = path_key(r, "vlan_list");
	for (size_t i = 0; i < len && !cut; i++) {
		const json_t *e = json_array_get(list, i);
		size_t at = path_index(r, i);
		size_t sub = json_is_array(e) ? json_array_size(e) : 1;
		for (size_t k = 0; k < sub; k++) {
			const json_t *v = json_is_array(e) ? json_array_get(e, k) : e;
			size_t at2 = json_is_array(e) ? path_index(r, k) : r->plen;
			if (c->n_vlans == IXF_MAX_ITEMS) {
				rd_warn(r, "more than %d VLAN entries: the rest not read",
				    IXF_MAX_ITEMS);
				cut = true;
				path_back(r, at2);
				break;
			}
			XGROW(c->vlans, c->n_vlans, cap, 4);
			if (parse_vlan_entry(r, v, &c->vlans[c->n_vlans]))
				c->n_vlans++;
			path_back(r, at2);
		}
		path_back(r, at);
	}
	path_back(r, old);
}

static bool one_iface(struct rd *r, const json_t *j, const void *arg, void *slot)
{
	struct ixf_iface *f = slot;

	(void)arg;
	if (!need_object(r, j))
		return false;
	get_opt(r, j, "switch_id", UINT32_MAX, &f->switch_id);
	get_opt(r, j, "if_speed", UINT32_MAX, &f->if_speed);
	return true;
}

static void conn_free(struct ixf_connection *c)
{
	for (size_t i = 0; i < c->n_vlans; i++) {
		ip_free(c->vlans[i].ipv4);
		ip_free(c->vlans[i].ipv6);
	}
	free(c->vlans);
	free(c->ifaces);
	free(c->state);
}

static bool one_connection(struct rd *r, const json_t *j, const void *arg, void *slot)
{
	struct ixf_connection *c = slot;
	uint64_t id;

	(void)arg;
	if (!need_object(r, j))
		return false;
	switch (get_uint(r, j, "ixp_id", UINT32_MAX, &id)) {
	case GOT_NONE:
		rd_warn(r, "no \"ixp_id\"");
		return false;
	case GOT_BAD:
		return false;
	case GOT_OK:
		break;
	}
	*c = (struct ixf_connection){ .ixp_id = (uint32_t)id };
	c->state = get_str(r, j, "state");
	parse_list(r, j, "if_list", one_iface, NULL, (void **)&c->ifaces, &c->n_ifaces,
	    sizeof(*c->ifaces));
	parse_vlan_list(r, j, c);
	return true;
}

static bool parse_member(struct rd *r, const json_t *j, size_t index, struct ixf_member *m)
{
	uint64_t asn;
	const json_t *list;
	size_t len;

	if (!need_object(r, j))
		return false;
	switch (get_uint(r, j, "asnum", UINT32_MAX, &asn)) {
	case GOT_NONE:
		rd_warn(r, "no \"asnum\"");
		return false;
	case GOT_BAD:
		return false;
	case GOT_OK:
		break;
	}
	if (asn == 0) {
		bad(r, "asnum", "AS0 is not an AS number");
		return false;
	}
	switch (get_list(r, j, "connection_list", &list, &len)) {
	case GOT_NONE:
		rd_warn(r, "no \"connection_list\"");
		return false;
	case GOT_BAD:
		return false;
	case GOT_OK:
		break;
	}
	*m = (struct ixf_member){ .index = index, .asn = (uint32_t)asn };
	m->name = get_str(r, j, "name");
	m->member_type = get_str(r, j, "member_type");
	m->url = get_str(r, j, "url");
	m->peering_policy = get_str(r, j, "peering_policy");
	parse_list(r, j, "connection_list", one_connection, NULL, (void **)&m->conns, &m->n_conns,
	    sizeof(*m->conns));
	return true;
}

/* --- the document ------------------------------------------------------------ */

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). */
static bool time_parse(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int off = 0;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || strchr("Tt ", s[10]) == NULL ||
	    s[13] != ':' || s[16] != ':')
		return false;
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || sec < 0 || sec > 60)
		return false;
	s += 19;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0') {
		off = 0;
	} else if ((*s == '+' || *s == '-') && strlen(s) == 6 && s[3] == ':') {
		int oh = digits(s + 1, 2), om = digits(s + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return false;
		off = (oh * 60 + om) * 60 * (*s == '-' ? -1 : 1);
	} else {
		return false;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm) - off;
	return true;
}

static void parse_head(struct rd *r, const json_t *doc, struct ixf_export *x)
{
	const char *version;
	bool known = false;

	switch (get_text(r, doc, "version", &version)) {
	case GOT_NONE:
		rd_warn(r, "no \"version\": read as 1.0");
		break;
	case GOT_BAD:
		break;
	case GOT_OK:
		for (size_t i = 0; i < sizeof(known_versions) / sizeof(known_versions[0]); i++)
			known |= strcmp(version, known_versions[i]) == 0;
		if (!known)
			bad(r, "version",
			    "not one of the versions ixpd was tested with (0.4 to 1.0)");
		x->version = xstrdup(version);
		break;
	}
	x->timestamp = get_str(r, doc, "timestamp");
	if (x->timestamp != NULL && !time_parse(x->timestamp, &x->time))
		bad(r, "timestamp", "not an RFC 3339 date-time");
}

/* The top-level lists; -1 with err when the document is unusable. */
static int parse_body(struct rd *r, const json_t *doc, struct ixf_export *x, char *err,
    size_t errlen)
{
	const json_t *ixps = json_object_get(doc, "ixp_list");
	const json_t *members = json_object_get(doc, "member_list");

	if (!json_is_array(members))
		return errbuf_set(err, errlen, "%s: not an IX-F member export: %s", r->name,
		    members == NULL ? "no \"member_list\"" : "\"member_list\" is not a list");
	if (ixps != NULL && !json_is_null(ixps) && !json_is_array(ixps))
		return errbuf_set(err, errlen, "%s: \"ixp_list\" is not a list", r->name);
	if (json_array_size(members) > IXF_MAX_MEMBERS)
		return errbuf_set(err, errlen, "%s: more than %d members", r->name,
		    IXF_MAX_MEMBERS);
	if (json_array_size(ixps) > IXF_MAX_EXCHANGES)
		return errbuf_set(err, errlen, "%s: more than %d exchanges", r->name,
		    IXF_MAX_EXCHANGES);
	if (json_array_size(ixps) == 0)
		rd_warn(r, "no exchange (\"ixp_list\"): none can be selected");

	size_t old = path_key(r, "ixp_list");
	x->ixps = xreallocarray(NULL, json_array_size(ixps) + 1, sizeof(*x->ixps));
	for (size_t i = 0; i < json_array_size(ixps); i++) {
		size_t at = path_index(r, i);
		if (parse_ixp(r, json_array_get(ixps, i), x, &x->ixps[x->n_ixps]))
			x->n_ixps++;
		path_back(r, at);
	}
	path_back(r, old);
	old = path_key(r, "member_list");
	x->members = xreallocarray(NULL, json_array_size(members) + 1, sizeof(*x->members));
	for (size_t i = 0; i < json_array_size(members); i++) {
		size_t at = path_index(r, i);
		if (parse_member(r, json_array_get(members, i), i, &x->members[x->n_members]))
			x->n_members++;
		path_back(r, at);
	}
	path_back(r, old);
	return 0;
}

struct ixf_export *ixf_parse(const char *data, size_t len, const char *name,
    ixf_warn_fn warn, void *arg, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc;

	/* A byte-order mark, which some Windows tools write, is no JSON. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	doc = json_loadb(data, len, JSON_DECODE_INT_AS_REAL, &je);
	if (doc == NULL) {
		errbuf_set(err, errlen, "%s:%d:%d: not JSON: %s", name, je.line, je.column,
		    je.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		errbuf_set(err, errlen, "%s: not an IX-F member export: not a JSON object", name);
		json_decref(doc);
		return NULL;
	}
	struct ixf_export *x = xcalloc(1, sizeof(*x));
	struct rd r = { .name = name, .warn = warn, .arg = arg, .count = &x->n_warnings };
	x->name = xstrdup(name);
	parse_head(&r, doc, x);
	int rc = parse_body(&r, doc, x, err, errlen);
	json_decref(doc);
	if (rc < 0) {
		ixf_free(x);
		return NULL;
	}
	rd_warn_end(&r);
	return x;
}

struct ixf_export *ixf_load(const char *path, ixf_warn_fn warn, void *arg, char *err, size_t errlen)
{
	struct stat st;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)IXF_MAX_FILE) {
		errbuf_set(err, errlen, "%s: not a regular file of at most %u MB", path,
		    IXF_MAX_FILE >> 20);
		fclose(f);
		return NULL;
	}
	size_t len = (size_t)st.st_size;
	char *buf = xmalloc(len ? len : 1);
	size_t got = fread(buf, 1, len, f);
	struct ixf_export *x = NULL;
	if (got != len || ferror(f))
		errbuf_set(err, errlen, "%s: short read (%zu of %zu bytes)", path, got, len);
	else
		x = ixf_parse(buf, len, path, warn, arg, err, errlen);
	free(buf);
	fclose(f);
	return x;
}

static void ixp_free(struct ixf_ixp *ixp)
{
	for (size_t i = 0; i < ixp->n_switches; i++) {
		struct ixf_switch *s = &ixp->switches[i];
		free(s->name);
		free(s->colo);
		free(s->city);
		free(s->country);
	}
	free(ixp->switches);
	for (size_t i = 0; i < ixp->n_lans; i++)
		free(ixp->lans[i].name);
	free(ixp->lans);
	free(ixp->shortname);
	free(ixp->name);
	free(ixp->country);
}

void ixf_free(struct ixf_export *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < x->n_ixps; i++)
		ixp_free(&x->ixps[i]);
	free(x->ixps);
	for (size_t i = 0; i < x->n_members; i++) {
		struct ixf_member *m = &x->members[i];
		for (size_t k = 0; k < m->n_conns; k++)
			conn_free(&m->conns[k]);
		free(m->conns);
		free(m->name);
		free(m->member_type);
		free(m->url);
		free(m->peering_policy);
	}
	free(x->members);
	free(x->name);
	free(x->version);
	free(x->timestamp);
	free(x);
}

const struct ixf_ixp *ixf_ixp_find(const struct ixf_export *x, uint32_t ixp_id)
{
	for (size_t i = 0; i < x->n_ixps; i++)
		if (x->ixps[i].ixp_id == ixp_id)
			return &x->ixps[i];
	return NULL;
}

const struct ixf_switch *ixf_switch_find(const struct ixf_ixp *ixp, uint32_t id)
{
	for (size_t i = 0; i < ixp->n_switches; i++)
		if (ixp->switches[i].id == id)
			return &ixp->switches[i];
	return NULL;
}
