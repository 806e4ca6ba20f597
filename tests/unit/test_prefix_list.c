/* SPDX-License-Identifier: ISC */
/* prefix_list: arouteserver prefix-list semantics (exact, ge/le, origin AS,
 * first match in list order) and the built-in bogon list. */
#include "testlib.h"

#include <arpa/inet.h>
#include <errno.h>

#include "bogons.h"
#include "prefix_list.h"
#include "xalloc.h"

static struct prefix P(const char *text)
{
	struct prefix p;
	if (prefix_parse(text, &p) != 0) {
		fprintf(stderr, "bad test prefix %s\n", text);
		abort();
	}
	return p;
}

/* An entry as config.c would produce it: "addr/len" plus options. */
struct opts { bool exact; uint8_t ge, le; uint32_t asn; };

static struct cfg_prefix entry(const char *text, struct opts o, const char *comment)
{
	struct cfg_prefix e = { .exact = o.exact, .ge = o.ge, .le = o.le, .asn = o.asn };
	char addr[64];
	const char *slash = strchr(text, '/');
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - text), text);
	e.length = (uint8_t)atoi(slash + 1);
	if (inet_pton(AF_INET, addr, &e.prefix.u.v4) == 1)
		e.prefix.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &e.prefix.u.v6) == 1)
		e.prefix.family = AF_INET6;
	else
		abort();
	e.comment = (char *)comment;
	return e;
}

#define LIST(...) compile_list((struct cfg_prefix[]){ __VA_ARGS__ }, \
	(int)(sizeof((struct cfg_prefix[]){ __VA_ARGS__ }) / sizeof(struct cfg_prefix)))
static struct prefix_list *compile_list(struct cfg_prefix *v, int n)
{
	struct cfg_prefix_list l = { v, n };
	return prefix_list_compile(&l);
}

/* The comment of the matching entry, "-" if none. */
static const char *match(const struct prefix_list *pl, const char *p, uint32_t origin)
{
	struct prefix q = P(p);
	const struct cfg_prefix *e = prefix_list_match(pl, &q, origin);
	return e ? e->comment : "-";
}

static const struct opts ANY = { 0 };

TEST(plain_entry_matches_itself_and_more_specifics_only)
{
	struct prefix_list *pl = LIST(entry("10.0.0.0/8", ANY, "ten"));
	CHECK_EQ_STR(match(pl, "10.0.0.0/8", 1), "ten");
	CHECK_EQ_STR(match(pl, "10.1.0.0/16", 1), "ten");
	CHECK_EQ_STR(match(pl, "10.255.255.255/32", 1), "ten");
	CHECK_EQ_STR(match(pl, "10.0.0.0/7", 1), "-");
	CHECK_EQ_STR(match(pl, "11.0.0.0/8", 1), "-");
	CHECK_EQ_STR(match(pl, "0.0.0.0/0", 1), "-");
	prefix_list_free(pl);
}

TEST(exact_entry_matches_only_that_prefix)
{
	struct prefix_list *pl = LIST(entry("0.0.0.0/0", (struct opts){ .exact = true }, "default"),
	    entry("::/0", (struct opts){ .exact = true }, "default6"),
	    entry("192.0.2.0/24", (struct opts){ .exact = true }, "net"));
	CHECK_EQ_STR(match(pl, "0.0.0.0/0", 0), "default");
	CHECK_EQ_STR(match(pl, "0.0.0.0/1", 0), "-");
	CHECK_EQ_STR(match(pl, "8.8.8.0/24", 0), "-");
	CHECK_EQ_STR(match(pl, "::/0", 0), "default6");
	CHECK_EQ_STR(match(pl, "2001:db8::/32", 0), "-");
	CHECK_EQ_STR(match(pl, "192.0.2.0/24", 0), "net");
	CHECK_EQ_STR(match(pl, "192.0.2.0/25", 0), "-");
	CHECK_EQ_STR(match(pl, "192.0.0.0/16", 0), "-");
	prefix_list_free(pl);
}

TEST(ge_alone_runs_up_to_the_address_length)
{
	struct prefix_list *pl = LIST(entry("10.0.0.0/8", (struct opts){ .ge = 16 }, "x"),
	    entry("2001:db8::/32", (struct opts){ .ge = 48 }, "y"));
	CHECK_EQ_STR(match(pl, "10.0.0.0/8", 0), "-");
	CHECK_EQ_STR(match(pl, "10.0.0.0/15", 0), "-");
	CHECK_EQ_STR(match(pl, "10.1.0.0/16", 0), "x");
	CHECK_EQ_STR(match(pl, "10.1.2.3/32", 0), "x");
	CHECK_EQ_STR(match(pl, "2001:db8::/47", 0), "-");
	CHECK_EQ_STR(match(pl, "2001:db8:1::/48", 0), "y");
	CHECK_EQ_STR(match(pl, "2001:db8::1/128", 0), "y");
	prefix_list_free(pl);
}

TEST(le_alone_starts_at_the_entry_length)
{
	struct prefix_list *pl = LIST(entry("10.0.0.0/8", (struct opts){ .le = 16 }, "x"));
	CHECK_EQ_STR(match(pl, "10.0.0.0/8", 0), "x");
	CHECK_EQ_STR(match(pl, "10.1.0.0/16", 0), "x");
	CHECK_EQ_STR(match(pl, "10.1.0.0/17", 0), "-");
	CHECK_EQ_STR(match(pl, "10.0.0.0/7", 0), "-");
	prefix_list_free(pl);
}

TEST(ge_and_le_bound_both_ends_inclusive)
{
	struct prefix_list *pl = LIST(entry("10.0.0.0/8", (struct opts){ .ge = 12, .le = 20 }, "x"),
	    entry("192.0.2.0/24", (struct opts){ .ge = 24, .le = 24 }, "y"));
	CHECK_EQ_STR(match(pl, "10.0.0.0/11", 0), "-");
	CHECK_EQ_STR(match(pl, "10.0.0.0/12", 0), "x");
	CHECK_EQ_STR(match(pl, "10.16.0.0/20", 0), "x");
	CHECK_EQ_STR(match(pl, "10.16.0.0/21", 0), "-");
	CHECK_EQ_STR(match(pl, "192.0.2.0/24", 0), "y");
	CHECK_EQ_STR(match(pl, "192.0.2.0/25", 0), "-");
	prefix_list_free(pl);
}

TEST(origin_as_is_checked_only_when_the_entry_has_one)
{
	struct prefix_list *pl = LIST(entry("203.0.113.0/24", (struct opts){ .asn = 65001 }, "a"),
	    entry("198.51.100.0/24", ANY, "any"));
	CHECK_EQ_STR(match(pl, "203.0.113.0/24", 65001), "a");
	CHECK_EQ_STR(match(pl, "203.0.113.128/25", 65001), "a");
	CHECK_EQ_STR(match(pl, "203.0.113.0/24", 65002), "-");
	CHECK_EQ_STR(match(pl, "203.0.113.0/24", 0), "-");
	CHECK_EQ_STR(match(pl, "198.51.100.0/24", 65002), "any");
	CHECK_EQ_STR(match(pl, "198.51.100.0/24", 0), "any");
	prefix_list_free(pl);
}

TEST(first_matching_entry_in_list_order_wins)
{
	/* Not the most or least specific: the first in the list. */
	struct prefix_list *pl = LIST(entry("10.1.0.0/16", ANY, "first"),
	    entry("10.0.0.0/8", ANY, "second"),
	    entry("10.1.2.0/24", ANY, "third"));
	CHECK_EQ_STR(match(pl, "10.1.2.0/24", 0), "first");
	CHECK_EQ_STR(match(pl, "10.2.0.0/16", 0), "second");
	prefix_list_free(pl);
	/* An earlier entry that covers p but refuses its length is skipped. */
	pl = LIST(entry("10.0.0.0/8", (struct opts){ .le = 16 }, "short"),
	    entry("10.1.0.0/16", ANY, "long"),
	    entry("10.0.0.0/8", ANY, "all"));
	CHECK_EQ_STR(match(pl, "10.1.2.0/24", 0), "long");
	CHECK_EQ_STR(match(pl, "10.1.0.0/16", 0), "short");
	CHECK_EQ_STR(match(pl, "10.2.2.0/24", 0), "all");
	prefix_list_free(pl);
}

TEST(entries_sharing_a_prefix_are_each_considered)
{
	struct prefix_list *pl = LIST(entry("10.0.0.0/8", (struct opts){ .asn = 1 }, "as1"),
	    entry("10.0.0.0/8", (struct opts){ .exact = true }, "exact"),
	    entry("10.0.0.0/8", (struct opts){ .asn = 2 }, "as2"),
	    entry("10.0.0.0/8", ANY, "any"));
	CHECK_EQ_STR(match(pl, "10.1.0.0/16", 1), "as1");
	CHECK_EQ_STR(match(pl, "10.1.0.0/16", 2), "as2");
	CHECK_EQ_STR(match(pl, "10.1.0.0/16", 3), "any");
	CHECK_EQ_STR(match(pl, "10.0.0.0/8", 3), "exact");
	CHECK_EQ_STR(match(pl, "10.0.0.0/8", 1), "as1");
	prefix_list_free(pl);
}

TEST(host_bits_of_an_entry_are_ignored)
{
	struct prefix_list *pl = LIST(entry("192.0.2.77/24", ANY, "x"),
	    entry("2001:db8::1/32", (struct opts){ .exact = true }, "y"));
	CHECK_EQ_STR(match(pl, "192.0.2.0/24", 0), "x");
	CHECK_EQ_STR(match(pl, "192.0.2.0/26", 0), "x");
	CHECK_EQ_STR(match(pl, "2001:db8::/32", 0), "y");
	prefix_list_free(pl);
}

TEST(families_do_not_match_each_other)
{
	struct prefix_list *pl = LIST(entry("0.0.0.0/0", ANY, "all4"));
	CHECK_EQ_STR(match(pl, "8.8.8.0/24", 0), "all4");
	CHECK_EQ_STR(match(pl, "::/0", 0), "-");
	CHECK_EQ_STR(match(pl, "2001:db8::/32", 0), "-");
	prefix_list_free(pl);
}

TEST(empty_and_null_lists_match_nothing)
{
	struct cfg_prefix_list empty = { NULL, 0 };
	struct prefix_list *pl = prefix_list_compile(&empty);
	CHECK_EQ_INT(prefix_list_count(pl), 0);
	CHECK_EQ_STR(match(pl, "0.0.0.0/0", 0), "-");
	CHECK_EQ_STR(match(NULL, "0.0.0.0/0", 0), "-");
	CHECK_EQ_INT(prefix_list_count(NULL), 0);
	prefix_list_free(pl);
	prefix_list_free(NULL);
}

TEST(compiled_list_outlives_its_configuration)
{
	struct cfg_prefix *v = xcalloc(1, sizeof(*v));
	*v = entry("10.0.0.0/8", (struct opts){ .le = 16 }, NULL);
	v->comment = xstrdup("ten");
	struct cfg_prefix_list l = { v, 1 };
	struct prefix_list *pl = prefix_list_compile(&l);
	free(v->comment);
	memset(v, 0xa5, sizeof(*v));
	free(v);
	struct prefix q = P("10.1.0.0/16");
	const struct cfg_prefix *e = prefix_list_match(pl, &q, 0);
	CHECK(e != NULL);
	if (e) {
		CHECK_EQ_STR(e->comment, "ten");
		CHECK_EQ_INT(e->length, 8);
		CHECK_EQ_INT(e->le, 16);
	}
	prefix_list_free(pl);
}

TEST(invalid_entries_are_left_out)
{
	struct cfg_prefix bad_family = entry("10.0.0.0/8", ANY, "bad family");
	bad_family.prefix.family = 0;
	struct cfg_prefix too_long = entry("10.0.0.0/8", ANY, "too long");
	too_long.length = 33;
	struct prefix_list *pl = LIST(bad_family, too_long, entry("10.0.0.0/8", ANY, "good"));
	CHECK_EQ_INT(prefix_list_count(pl), 1);
	CHECK_EQ_STR(match(pl, "10.0.0.0/8", 0), "good");
	prefix_list_free(pl);
}

TEST(entry_prefix_clears_host_bits_and_checks_length)
{
	struct prefix p;
	struct cfg_prefix e = entry("2001:db8:ffff::1/33", ANY, NULL);
	char buf[PREFIX_STRLEN];
	CHECK_EQ_INT(prefix_list_entry_prefix(&e, &p), 0);
	CHECK_EQ_STR(prefix_str(&p, buf, sizeof(buf)), "2001:db8:8000::/33");
	e.length = 129;
	CHECK_EQ_INT(prefix_list_entry_prefix(&e, &p), -1);
}

/* --- randomized: the tree-based matcher against a linear scan --- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

/* An IPv4 prefix in 10.0.0.0/12 (so entries nest), length 8..32. */
static struct prefix random_prefix(void)
{
	struct prefix p = { .afi = AFI_IPV4, .len = (uint8_t)(8 + rnd() % 25) };
	uint32_t a = 0x0a000000u | (rnd() & 0x000ffc00u);
	uint32_t mask = p.len ? ~0u << (32 - p.len) : 0;
	a &= mask;
	p.addr[0] = (uint8_t)(a >> 24), p.addr[1] = (uint8_t)(a >> 16);
	p.addr[2] = (uint8_t)(a >> 8), p.addr[3] = (uint8_t)a;
	return p;
}

/* The rule as the documentation states it, entry by entry. */
static bool reference_match(const struct cfg_prefix *e, const struct prefix *ep,
    const struct prefix *p, uint32_t origin)
{
	if (!prefix_within(p, ep) || (e->asn && e->asn != origin))
		return false;
	if (e->exact)
		return p->len == e->length;
	return p->len >= (e->ge ? e->ge : e->length) && p->len <= (e->le ? e->le : 32);
}

TEST(randomized_against_linear_scan)
{
	enum { N = 3000 };
	static struct cfg_prefix v[N];
	static struct prefix vp[N];
	static char comments[N][12];

	for (int i = 0; i < N; i++) {
		vp[i] = random_prefix();
		struct cfg_prefix *e = &v[i];
		memset(e, 0, sizeof(*e));
		e->prefix.family = AF_INET;
		memcpy(&e->prefix.u.v4, vp[i].addr, 4);
		e->length = vp[i].len;
		uint32_t r = rnd();
		if (r % 5 == 0) {
			e->exact = true;
		} else {
			unsigned span = 32u - e->length;
			if (r % 3 == 0)
				e->ge = (uint8_t)(e->length + rnd() % (span + 1));
			if (r % 7 < 3)
				e->le = (uint8_t)((e->ge ? e->ge : e->length) + rnd() % (32u - (e->ge ? e->ge : e->length) + 1));
		}
		if (r % 4 == 0)
			e->asn = 1 + rnd() % 3;
		snprintf(comments[i], sizeof(comments[i]), "%d", i);
		e->comment = comments[i];
	}
	struct cfg_prefix_list l = { v, N };
	struct prefix_list *pl = prefix_list_compile(&l);
	int matched = 0;
	for (int k = 0; k < 20000; k++) {
		struct prefix q = random_prefix();
		uint32_t origin = rnd() % 4;
		int want = -1;
		for (int i = 0; i < N && want < 0; i++)
			if (reference_match(&v[i], &vp[i], &q, origin))
				want = i;
		const struct cfg_prefix *got = prefix_list_match(pl, &q, origin);
		int got_i = got ? atoi(got->comment) : -1;
		if (got_i != want) {
			char buf[PREFIX_STRLEN];
			fprintf(stderr, "  %s origin %u: got entry %d, expected %d\n",
			    prefix_str(&q, buf, sizeof(buf)), origin, got_i, want);
			CHECK(got_i == want);
			break;
		}
		matched += want >= 0;
	}
	CHECK(matched > 1000);          /* the test exercises matches, not just misses */
	prefix_list_free(pl);
}

/* --- the built-in bogon list --- */

static struct prefix_list *bogons(void)
{
	return prefix_list_compile(bogons_builtin());
}

TEST(bogons_include_the_well_known_ones)
{
	struct prefix_list *pl = bogons();
	static const char *const bogon[] = {
		"0.0.0.0/0", "0.1.0.0/16", "10.1.0.0/16", "100.64.0.0/10", "127.0.0.1/32",
		"169.254.10.0/24", "172.20.0.0/16", "192.0.2.0/24", "192.88.99.0/24",
		"192.168.1.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
		"224.0.0.0/4", "240.0.0.0/4",
		"::/0", "::/8", "::ffff:0.0.0.0/96", "64:ff9b::/96", "100::/64", "2001::/33",
		"2001:0:8000::/48", "2001:2::/48", "2001:3::/32", "2001:10::/28", "2001:20::/28",
		"2001:db8::/48", "2002::/16", "3ffe::/16", "4000::/3", "5f00::/8", "fc00::/8",
		"fd00::/8", "fe80::/10", "fec0::/10", "ff02::/16",
	};
	for (size_t i = 0; i < sizeof(bogon) / sizeof(bogon[0]); i++)
		if (strcmp(match(pl, bogon[i], 0), "-") == 0) {
			fprintf(stderr, "  %s should be a bogon\n", bogon[i]);
			CHECK(!"bogon not matched");
		}
	CHECK_EQ_STR(match(pl, "10.1.0.0/16", 0), "RFC 1918 - Private Use");
	CHECK_EQ_STR(match(pl, "0.0.0.0/0", 0), "Default route");
	CHECK_EQ_STR(match(pl, "2001:db8::/48", 0),
	    "RFC 3849 - NON-ROUTABLE range to be used for documentation purpose");
	CHECK_EQ_STR(match(pl, "fc00::/8", 0), "RFC 4193 - Unique Local Unicast");
	prefix_list_free(pl);
}

TEST(bogons_leave_routable_space_alone)
{
	struct prefix_list *pl = bogons();
	/* 2001::/32 is not listed as a whole (only its two /33 Teredo
	 * halves), nor is 0.0.0.0/1: the default route entry is exact. */
	static const char *const ok[] = {
		"193.0.0.0/21", "8.8.8.0/24", "1.1.1.0/24", "0.0.0.0/1", "128.0.0.0/1",
		"100.128.0.0/10", "172.32.0.0/16", "192.0.3.0/24", "223.255.255.0/24",
		"2001:7f8::/32", "2001:4860::/32", "2a00:1450::/32", "2001::/32", "2000::/3",
		"2c0f::/16", "3fff::/16",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const char *m = match(pl, ok[i], 0);
		if (strcmp(m, "-") != 0) {
			fprintf(stderr, "  %s matched bogon entry \"%s\"\n", ok[i], m);
			CHECK(!"routable prefix matched");
		}
	}
	prefix_list_free(pl);
}

TEST(bogons_list_is_stable_and_complete)
{
	const struct cfg_prefix_list *l = bogons_builtin();
	CHECK(bogons_builtin() == l);
	CHECK_EQ_INT(l->n, 44);
	CHECK(l->v[0].exact && l->v[0].length == 0 && l->v[0].prefix.family == AF_INET);
	struct prefix_list *pl = bogons();
	CHECK_EQ_INT(prefix_list_count(pl), 44);        /* every entry is a valid prefix */
	prefix_list_free(pl);
}

/* Where the shared data is (see the brief's conventions), or NULL. */
static FILE *open_shared(const char *rel, char *path, size_t len)
{
	const char *dir = getenv("IXPD_SHARED_DATA");
	snprintf(path, len, "%s/%s", dir ? dir : "../shared/data", rel);
	return fopen(path, "r");
}

/* Reads the value of `key: value` (quotes removed) from a line, or NULL. */
static const char *yaml_value(char *line, const char *key)
{
	char *k = strstr(line, key);
	if (k == NULL || k[strlen(key)] != ':')
		return NULL;
	char *v = k + strlen(key) + 1;
	v += strspn(v, " \t\"");
	v[strcspn(v, "\"\r\n")] = '\0';
	return v;
}

static bool same_addr(const struct ip_addr *a, const char *text)
{
	uint8_t buf[16];
	if (a->family == AF_INET)
		return inet_pton(AF_INET, text, buf) == 1 && memcmp(buf, &a->u.v4, 4) == 0;
	return inet_pton(AF_INET6, text, buf) == 1 && memcmp(buf, &a->u.v6, 16) == 0;
}

/* One entry of bogons.yml as the file writes it. */
struct yml_entry { char prefix[64]; int length; char comment[128]; bool exact; };

/* Reads bogons.yml's simple shape: "- prefix:" opens an entry, then length,
 * comment and (only when true) exact, one per line.  Returns the count. */
static int read_bogons_yml(FILE *f, struct yml_entry *v, int max)
{
	char line[512];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		const char *val;
		if ((val = yaml_value(line, "prefix")) != NULL) {
			if (n == max)
				return -1;
			memset(&v[n], 0, sizeof(v[n]));
			snprintf(v[n++].prefix, sizeof(v[0].prefix), "%s", val);
		} else if (n == 0) {
			continue;
		} else if ((val = yaml_value(line, "length")) != NULL) {
			v[n - 1].length = atoi(val);
		} else if ((val = yaml_value(line, "comment")) != NULL) {
			snprintf(v[n - 1].comment, sizeof(v[0].comment), "%s", val);
		} else if ((val = yaml_value(line, "exact")) != NULL) {
			v[n - 1].exact = strcasecmp(val, "true") == 0;
		}
	}
	return n;
}

TEST(bogons_equal_arouteserver_bogons_yml)
{
	char path[512];
	FILE *f = open_shared("arouteserver/config.d/bogons.yml", path, sizeof(path));
	if (f == NULL) {
		printf("  skip: %s: %s (shared data absent)\n", path, strerror(errno));
		return;
	}
	static struct yml_entry y[128];
	int n = read_bogons_yml(f, y, 128);
	fclose(f);
	const struct cfg_prefix_list *l = bogons_builtin();
	CHECK_EQ_INT(n, l->n);
	for (int i = 0; i < n && i < l->n; i++) {
		const struct cfg_prefix *e = &l->v[i];
		if (!same_addr(&e->prefix, y[i].prefix) || e->length != y[i].length ||
		    e->exact != y[i].exact || strcmp(e->comment, y[i].comment) != 0) {
			fprintf(stderr, "  %s entry %d (%s/%d) differs from the built-in one\n",
			    path, i, y[i].prefix, y[i].length);
			CHECK(!"bogon entry differs");
		}
	}
}
