/* SPDX-License-Identifier: ISC */
/* IRR data: RPSL dumps, AS-SET expansion, bgpq4 (a fake one), the cache. */
#include "testlib.h"

#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "irr.h"
#include "log.h"

#define DATA "tests/data/irr/"
#define FAKE_BGPQ4 DATA "fake-bgpq4"

static char err[512];

/* The expected warnings (skipped objects, unknown sets) would bury the
 * results; the tests check the counters instead. */
__attribute__((constructor)) static void quiet_log(void)
{
	log_set_level(LOG_LVL_ERR);
}

static struct prefix pfx(const char *text)
{
	struct prefix p;
	if (prefix_parse(text, &p) < 0)
		fprintf(stderr, "  bad test prefix %s\n", text);
	return p;
}

static bool has_prefix(const struct irr_member *m, const char *text)
{
	struct prefix p = pfx(text);
	return pfxtree_find(m->prefixes, &p) != NULL;
}

static bool has_origin(const struct irr_member *m, uint32_t asn)
{
	for (size_t i = 0; i < m->n_origins; i++)
		if (m->origins[i] == asn)
			return true;
	return false;
}

static struct irr_db *load(const char *const *files, int n)
{
	struct irr_db *db = irr_db_new();
	for (int i = 0; i < n; i++) {
		int rc = irr_db_load_file(db, files[i], NULL, err, sizeof(err));
		CHECK_EQ_INT(rc, 0);
	}
	return db;
}

static struct irr_member *expand1(const struct irr_db *db, const char *name, unsigned depth)
{
	struct irr_member *m = irr_db_expand(db, &name, 1, depth, err, sizeof(err));
	CHECK(m != NULL);
	return m;
}

/* A scratch directory for written files, removed by rm_tree. */
static void scratch(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/test_irr.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
}

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat sb;
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_tree(path);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ_INT(fwrite(data, 1, len, f), len);
		fclose(f);
	}
}

/* ---- names ---- */

TEST(names_allow_rpsl_characters_only_and_never_an_option)
{
	CHECK(irr_name_valid("AS-FOO"));
	CHECK(irr_name_valid("AS64500"));
	CHECK(irr_name_valid("AS64500:AS-CUST"));
	CHECK(irr_name_valid("RIPE::AS-FOO_BAR"));
	CHECK(!irr_name_valid(""));
	CHECK(!irr_name_valid("-h"));                /* bgpq4 would take it for an option */
	CHECK(!irr_name_valid(":AS-FOO"));
	CHECK(!irr_name_valid("AS-FOO;rm -rf /"));
	CHECK(!irr_name_valid("AS-FOO BAR"));
	CHECK(!irr_name_valid("../AS-FOO"));         /* the name becomes a file name */
	CHECK(!irr_name_valid("AS-FOO/BAR"));
	char longname[IRR_NAME_MAX + 2];
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(!irr_name_valid(longname));
	longname[IRR_NAME_MAX] = '\0';
	CHECK(irr_name_valid(longname));
}

TEST(member_key_is_upper_case_sorted_and_unique)
{
	const char *names[] = { "as-foo", "AS64500", "AS-FOO", "as64500:as-cust" };
	struct irr_member *m = irr_member_new(names, 4, err, sizeof(err));
	CHECK(m != NULL);
	if (m)
		CHECK_EQ_STR(m->key, "AS-FOO+AS64500+AS64500:AS-CUST");
	irr_member_free(m);
	const char *bad[] = { "AS-FOO", "AS FOO" };
	CHECK(irr_member_new(bad, 2, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "AS FOO") != NULL);
	CHECK(irr_member_new(bad, 0, err, sizeof(err)) == NULL);
}

TEST(client_names_are_own_asn_plus_client_as_sets)
{
	char *client_sets[] = { "AS-CLIENT" }, *asn_sets[] = { "AS-FROM-ASNS" };
	struct cfg_asn_entry asns[] = { { .asn = 64500, .as_sets = { asn_sets, 1 } } };
	struct ixpd_config cfg = { .asns = asns, .n_asns = 1 };
	struct cfg_client c = { .asn = 64500 };
	c.irrdb.as_sets = (struct cfg_str_list){ client_sets, 1 };
	char **v;
	int n = irr_client_names(&cfg, &c, &v);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_STR(v[0], "AS64500");
	CHECK_EQ_STR(v[1], "AS-CLIENT");
	irr_names_free(v, n);
}

TEST(client_names_fall_back_to_asns_section_then_own_asn)
{
	char *asn_sets[] = { "AS-FROM-ASNS", "AS-OTHER" };
	struct cfg_asn_entry asns[] = { { .asn = 64500, .as_sets = { asn_sets, 2 } } };
	struct ixpd_config cfg = { .asns = asns, .n_asns = 1 };
	struct cfg_client c = { .asn = 64500 };
	char **v;
	int n = irr_client_names(&cfg, &c, &v);
	CHECK_EQ_INT(n, 3);
	CHECK_EQ_STR(v[0], "AS64500");
	CHECK_EQ_STR(v[1], "AS-FROM-ASNS");
	CHECK_EQ_STR(v[2], "AS-OTHER");
	irr_names_free(v, n);
	c.asn = 64501;
	n = irr_client_names(&cfg, &c, &v);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_STR(v[0], "AS64501");
	irr_names_free(v, n);
}

/* ---- RPSL ---- */

TEST(rpsl_keeps_routes_and_as_sets_and_ignores_other_classes)
{
	struct irr_db *db = irr_db_new();
	struct irr_load_stats st;
	CHECK_EQ_INT(irr_db_load_file(db, DATA "basic.db", &st, err, sizeof(err)), 0);
	CHECK_EQ_INT(st.objects, 13);
	CHECK_EQ_INT(st.routes, 7);
	CHECK_EQ_INT(st.as_sets, 5);
	CHECK_EQ_INT(st.skipped, 0);
	CHECK_EQ_INT(st.bad_members, 0);
	irr_db_free(db);
}

TEST(rpsl_continuations_comments_and_case_are_understood)
{
	const char *f[] = { DATA "basic.db" };
	struct irr_db *db = load(f, 1);
	struct irr_member *m = expand1(db, "AS-MEMBER", 0);
	/* members: on two attributes, space and '+' continuations, lower case */
	CHECK(has_origin(m, 64500));
	CHECK(has_origin(m, 64501));
	CHECK(has_origin(m, 64502));
	CHECK(has_origin(m, 64503));
	/* "Members:" in as-customers (lower-case key), tab continuation */
	CHECK(has_origin(m, 64510));
	CHECK(has_origin(m, 64512));
	CHECK(has_origin(m, 64520));
	/* trailing comment and mp-members: are not members */
	CHECK(!has_origin(m, 64999));
	CHECK(!has_origin(m, 64998));
	irr_member_free(m);
	irr_db_free(db);
}

TEST(expansion_follows_nested_and_hierarchical_sets_through_loops)
{
	const char *f[] = { DATA "basic.db" };
	struct irr_db *db = load(f, 1);
	struct irr_member *m = expand1(db, "AS-MEMBER", 0);
	static const uint32_t want[] = { 64500, 64501, 64502, 64503, 64510, 64511, 64512, 64520,
	    64530, 64531 };
	CHECK_EQ_INT(m->n_origins, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < m->n_origins && i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_EQ_INT(m->origins[i], want[i]);      /* ascending */
	CHECK_EQ_INT(m->unknown_sets, 1);                   /* AS-MISSING */
	CHECK_EQ_INT(m->depth_limited, 0);
	CHECK_EQ_STR(m->key, "AS-MEMBER");
	irr_member_free(m);
	irr_db_free(db);
}

TEST(expansion_collects_route_and_route6_of_the_origins)
{
	const char *f[] = { DATA "basic.db" };
	struct irr_db *db = load(f, 1);
	struct irr_member *m = expand1(db, "AS-MEMBER", 0);
	CHECK_EQ_INT(pfxtree_count(m->prefixes), 5);
	CHECK(has_prefix(m, "192.0.2.0/24"));
	CHECK(has_prefix(m, "198.51.100.0/24"));
	CHECK(has_prefix(m, "203.0.113.0/25"));
	CHECK(has_prefix(m, "2001:db8:1000::/36"));
	CHECK(has_prefix(m, "2001:db8:2000::/36"));
	CHECK(!has_prefix(m, "203.0.113.128/25"));         /* origin AS64999 */
	CHECK(!has_prefix(m, "100.64.0.0/24"));            /* only via mp-members */
	irr_member_free(m);
	irr_db_free(db);
}

TEST(expansion_depth_limit_stops_and_counts)
{
	const char *f[] = { DATA "basic.db" };
	struct irr_db *db = load(f, 1);
	/* AS-MEMBER (1) -> AS-CUSTOMERS (2) -> AS64500:AS-DOWNSTREAM (3) -> AS-LOOP-A (4) */
	struct irr_member *m = expand1(db, "AS-MEMBER", 3);
	CHECK(has_origin(m, 64520));
	CHECK(!has_origin(m, 64530));
	CHECK(!has_origin(m, 64531));
	CHECK_EQ_INT(m->depth_limited, 1);
	CHECK(!has_prefix(m, "2001:db8:2000::/36"));
	irr_member_free(m);
	irr_db_free(db);
}

TEST(expansion_of_asn_source_prefix_and_unknown_names)
{
	const char *f[] = { DATA "basic.db" };
	struct irr_db *db = load(f, 1);
	struct irr_member *m = expand1(db, "AS64511", 0);
	CHECK_EQ_INT(m->n_origins, 1);
	CHECK(has_prefix(m, "198.51.100.0/24"));
	CHECK_EQ_INT(pfxtree_count(m->prefixes), 1);
	irr_member_free(m);

	m = expand1(db, "TEST::AS-LOOP-B", 0);             /* the source is not looked at */
	CHECK_EQ_INT(m->n_origins, 2);
	CHECK_EQ_STR(m->key, "TEST::AS-LOOP-B");
	irr_member_free(m);

	const char *names[] = { "AS-NOWHERE", "AS64531" };
	m = irr_db_expand(db, names, 2, 0, err, sizeof(err));
	CHECK_EQ_INT(m->unknown_sets, 1);
	CHECK_EQ_INT(m->n_origins, 1);
	CHECK(has_prefix(m, "2001:db8:2000::/36"));
	irr_member_free(m);

	const char *bad = "AS-FOO|BAR";
	CHECK(irr_db_expand(db, &bad, 1, 0, err, sizeof(err)) == NULL);
	irr_db_free(db);
}

TEST(rpsl_malformed_objects_are_skipped_and_counted)
{
	struct irr_db *db = irr_db_new();
	struct irr_load_stats st;
	CHECK_EQ_INT(irr_db_load_file(db, DATA "broken.db", &st, err, sizeof(err)), 0);
	CHECK_EQ_INT(st.skipped, 11);
	CHECK_EQ_INT(st.routes, 1);
	CHECK_EQ_INT(st.as_sets, 1);
	CHECK_EQ_INT(st.bad_members, 2);
	struct irr_member *m = expand1(db, "AS-GOOD", 0);
	CHECK_EQ_INT(m->n_origins, 2);
	CHECK_EQ_INT(pfxtree_count(m->prefixes), 0);       /* 192.0.2.0/24 objects all broken */
	irr_member_free(m);
	m = expand1(db, "AS64502", 0);
	CHECK(has_prefix(m, "198.51.100.0/24"));
	irr_member_free(m);
	const char *bad = "AS-BAD!NAME";
	CHECK(irr_db_expand(db, &bad, 1, 0, err, sizeof(err)) == NULL);
	irr_db_free(db);
}

TEST(rpsl_several_files_first_as_set_wins_routes_merge)
{
	const char *f[] = { DATA "basic.db", DATA "second.db" };
	struct irr_db *db = irr_db_new();
	struct irr_load_stats st;
	CHECK_EQ_INT(irr_db_load_file(db, f[0], NULL, err, sizeof(err)), 0);
	CHECK_EQ_INT(irr_db_load_file(db, f[1], &st, err, sizeof(err)), 0);
	CHECK_EQ_INT(st.duplicate_sets, 1);
	CHECK_EQ_INT(st.as_sets, 0);
	CHECK_EQ_INT(st.skipped, 0);
	struct irr_member *m = expand1(db, "AS-CUSTOMERS", 0);
	CHECK(!has_origin(m, 64999));
	CHECK(has_origin(m, 64510));
	irr_member_free(m);
	m = expand1(db, "AS64500", 0);
	CHECK_EQ_INT(pfxtree_count(m->prefixes), 2);       /* the repeated route counts once */
	CHECK(has_prefix(m, "192.0.2.128/25"));
	irr_member_free(m);
	irr_db_free(db);
}

TEST(rpsl_missing_file_is_an_error_naming_it)
{
	struct irr_db *db = irr_db_new();
	CHECK_EQ_INT(irr_db_load_file(db, DATA "no-such.db", NULL, err, sizeof(err)), -1);
	CHECK(strstr(err, "no-such.db") != NULL);
	irr_db_free(db);
}

TEST(rpsl_hostile_input_long_lines_nul_crlf_no_final_newline)
{
	char dir[64], path[128];
	scratch(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/hostile.db", dir);
	size_t cap = 400 * 1024, len = 0;
	char *buf = malloc(cap);
	/* an object with a 200 KiB members line: skipped */
	len += (size_t)sprintf(buf + len, "as-set: AS-LONG\nmembers: ");
	for (int i = 0; i < 20000; i++)
		len += (size_t)sprintf(buf + len, "AS%d, ", 64500 + i % 10);
	len += (size_t)sprintf(buf + len, "\n\n");
	/* a 200 KiB comment line inside an object: fine */
	len += (size_t)sprintf(buf + len, "route: 192.0.2.0/24\n#");
	memset(buf + len, 'x', 200 * 1024);
	len += 200 * 1024;
	len += (size_t)sprintf(buf + len, "\norigin: AS64500\n\n");
	/* NUL bytes and binary noise form an object of no kept class */
	static const char noise[] = "\x01\x02\0\0garbage\xff\n\0\n\n";
	memcpy(buf + len, noise, sizeof(noise) - 1);
	len += sizeof(noise) - 1;
	/* CRLF line ends */
	len += (size_t)sprintf(buf + len, "route6: 2001:db8::/32\r\norigin: AS64501\r\n\r\n");
	/* a route whose origin line is truncated by NUL: no origin, skipped */
	static const char cut[] = "route: 198.51.100.0/24\norigin:\0 AS64502\n\n";
	memcpy(buf + len, cut, sizeof(cut) - 1);
	len += sizeof(cut) - 1;
	/* the last object, without a final newline */
	len += (size_t)sprintf(buf + len, "route: 203.0.113.0/24\norigin: AS64503");
	write_file(path, buf, len);
	free(buf);

	struct irr_db *db = irr_db_new();
	struct irr_load_stats st;
	CHECK_EQ_INT(irr_db_load_file(db, path, &st, err, sizeof(err)), 0);
	CHECK_EQ_INT(st.as_sets, 0);
	CHECK_EQ_INT(st.routes, 3);
	CHECK_EQ_INT(st.skipped, 2);
	const char *names[] = { "AS64500", "AS64501", "AS64502", "AS64503", "AS-LONG" };
	struct irr_member *m = irr_db_expand(db, names, 5, 0, err, sizeof(err));
	CHECK(has_prefix(m, "192.0.2.0/24"));
	CHECK(has_prefix(m, "2001:db8::/32"));
	CHECK(has_prefix(m, "203.0.113.0/24"));
	CHECK(!has_prefix(m, "198.51.100.0/24"));
	CHECK_EQ_INT(m->unknown_sets, 1);
	irr_member_free(m);
	irr_db_free(db);
	rm_tree(dir);
}

/* ---- irr_check ---- */

TEST(check_reports_origin_and_exact_or_longer_prefix)
{
	const char *f[] = { DATA "basic.db" };
	struct irr_db *db = load(f, 1);
	struct irr_member *m = expand1(db, "AS-MEMBER", 0);
	struct prefix exact = pfx("192.0.2.0/24"), longer = pfx("192.0.2.128/25");
	struct prefix shorter = pfx("192.0.0.0/16"), other = pfx("203.0.113.128/25");
	struct prefix v6 = pfx("2001:db8:1000:100::/56");
	CHECK_EQ_INT(irr_check(m, &exact, 64500, false), IRR_ORIGIN_OK | IRR_PREFIX_OK);
	CHECK_EQ_INT(irr_check(m, &exact, 64999, false), IRR_PREFIX_OK);
	CHECK_EQ_INT(irr_check(m, &longer, 64500, false), IRR_ORIGIN_OK);
	CHECK_EQ_INT(irr_check(m, &longer, 64500, true), IRR_ORIGIN_OK | IRR_PREFIX_OK);
	CHECK_EQ_INT(irr_check(m, &shorter, 64500, true), IRR_ORIGIN_OK);
	CHECK_EQ_INT(irr_check(m, &other, 64999, true), 0);
	CHECK_EQ_INT(irr_check(m, &v6, 64531, true), IRR_ORIGIN_OK | IRR_PREFIX_OK);
	CHECK_EQ_INT(irr_check(m, &v6, 64531, false), IRR_ORIGIN_OK);
	irr_member_free(m);
	irr_db_free(db);
}

/* ---- bgpq4 output ---- */

TEST(bgpq4_json_asn_and_prefix_lists_are_parsed)
{
	const char *name = "AS-FOO";
	struct irr_member *m = irr_member_new(&name, 1, err, sizeof(err));
	const char asns[] = "{\"irr\": [\n  64502,64500,64501,64500\n]}\n";
	const char v4[] = "{ \"irr\": [\n    { \"prefix\": \"192.0.2.0\\/24\", \"exact\": true },\n"
	    "    { \"prefix\": \"198.51.100.0\\/23\", \"exact\": true }\n] }\n";
	const char v6[] = "{ \"irr\": [\n    { \"prefix\": \"2001:db8::\\/32\", \"exact\": true }\n] }\n";
	const char empty[] = "{ \"irr\": [\n] }\n";
	CHECK_EQ_INT(irr_bgpq4_parse(m, 0, asns, sizeof(asns) - 1, err, sizeof(err)), 0);
	CHECK_EQ_INT(irr_bgpq4_parse(m, AFI_IPV4, v4, sizeof(v4) - 1, err, sizeof(err)), 0);
	CHECK_EQ_INT(irr_bgpq4_parse(m, AFI_IPV6, v6, sizeof(v6) - 1, err, sizeof(err)), 0);
	CHECK_EQ_INT(irr_bgpq4_parse(m, AFI_IPV6, empty, sizeof(empty) - 1, err, sizeof(err)), 0);
	CHECK_EQ_INT(m->n_origins, 3);
	CHECK_EQ_INT(m->origins[0], 64500);
	CHECK_EQ_INT(m->origins[2], 64502);
	CHECK_EQ_INT(pfxtree_count(m->prefixes), 3);
	CHECK(has_prefix(m, "198.51.100.0/23"));
	CHECK(has_prefix(m, "2001:db8::/32"));
	irr_member_free(m);
}

TEST(bgpq4_json_that_is_not_what_was_asked_is_refused)
{
	const char *name = "AS-FOO";
	struct irr_member *m = irr_member_new(&name, 1, err, sizeof(err));
	static const struct { uint8_t afi; const char *json, *why; } bad[] = {
		{ 0, "not json", "" },
		{ 0, "{\"other\": [1]}", "no \"irr\" list" },
		{ 0, "{\"irr\": {\"a\": 1}}", "no \"irr\" list" },
		{ 0, "{\"irr\": [1, -5]}", "entry 1 is not an ASN" },
		{ 0, "{\"irr\": [4294967296]}", "entry 0 is not an ASN" },
		{ 0, "{\"irr\": [\"AS1\"]}", "entry 0 is not an ASN" },
		{ 0, "{\"irr\": [1], \"irr\": [2]}", "" },
		{ AFI_IPV4, "{\"irr\": [{\"prefix\": \"2001:db8::/32\", \"exact\": true}]}", "no IPv4" },
		{ AFI_IPV6, "{\"irr\": [{\"prefix\": \"192.0.2.0/24\", \"exact\": true}]}", "no IPv6" },
		{ AFI_IPV4, "{\"irr\": [{\"prefix\": \"192.0.2.0\", \"exact\": true}]}", "no IPv4" },
		{ AFI_IPV4, "{\"irr\": [{\"exact\": true}]}", "no IPv4" },
		{ AFI_IPV4, "{\"irr\": [7]}", "no IPv4" },
		{ AFI_IPV4, "{\"irr\": [{\"prefix\": \"192.0.2.0/24\", \"exact\": false, \"less-equal\": 32}]}",
		  "is a range" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		int rc = irr_bgpq4_parse(m, bad[i].afi, bad[i].json, strlen(bad[i].json), err, sizeof(err));
		CHECK_EQ_INT(rc, -1);
		if (strstr(err, bad[i].why) == NULL || err[0] == '\0')
			fprintf(stderr, "  case %zu: err \"%s\", expected \"%s\"\n", i, err, bad[i].why);
		CHECK(err[0] != '\0' && strstr(err, bad[i].why) != NULL);
	}
	irr_member_free(m);
}

/* ---- bgpq4 runs (tests/data/irr/fake-bgpq4) ---- */

TEST(bgpq4_run_builds_member_from_three_answers)
{
	char dir[64], args[128];
	scratch(dir, sizeof(dir));
	snprintf(args, sizeof(args), "%s/args", dir);
	setenv("IRR_FAKE_ARGS", args, 1);
	struct irr_bgpq4_opts o = { .path = FAKE_BGPQ4, .host = "rr.example.net:43",
	    .sources = "RIPE,RADB", .timeout = 10 };
	const char *names[] = { "as-foo", "AS64500" };
	struct irr_member *m = irr_bgpq4_expand(&o, names, 2, err, sizeof(err));
	unsetenv("IRR_FAKE_ARGS");
	CHECK(m != NULL);
	if (m) {
		CHECK_EQ_STR(m->key, "AS-FOO+AS64500");
		CHECK_EQ_INT(m->n_origins, 3);
		CHECK_EQ_INT(pfxtree_count(m->prefixes), 3);
		CHECK(has_prefix(m, "2001:db8::/32"));
		CHECK(m->generated >= time(NULL) - 60);
	}
	irr_member_free(m);
	/* the last run's argv, one per line: no shell ever saw it */
	char got[512] = "";
	FILE *f = fopen(args, "r");
	CHECK(f != NULL);
	if (f) {
		got[fread(got, 1, sizeof(got) - 1, f)] = '\0';
		fclose(f);
	}
	CHECK_EQ_STR(got, "-h\nrr.example.net:43\n-S\nRIPE,RADB\n-j\n-l\nirr\n-6\nAS-FOO\nAS64500\n");
	rm_tree(dir);
}

TEST(bgpq4_run_failures_are_reported)
{
	struct irr_bgpq4_opts o = { .path = FAKE_BGPQ4, .timeout = 10 };
	const char *fail = "AS-FAIL", *garbage = "AS-GARBAGE", *ranges = "AS-RANGES";
	CHECK(irr_bgpq4_expand(&o, &fail, 1, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "exit status 1: FATAL: connection to rr.example refused") != NULL);
	CHECK(irr_bgpq4_expand(&o, &garbage, 1, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "bgpq4 -t AS-GARBAGE") != NULL);
	CHECK(irr_bgpq4_expand(&o, &ranges, 1, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "is a range") != NULL);

	o.path = DATA "no-such-bgpq4";
	CHECK(irr_bgpq4_expand(&o, &fail, 1, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "cannot run") != NULL);
}

TEST(bgpq4_run_is_killed_after_the_timeout)
{
	struct irr_bgpq4_opts o = { .path = FAKE_BGPQ4, .timeout = 1 };
	const char *slow = "AS-SLOW";
	time_t t0 = time(NULL);
	CHECK(irr_bgpq4_expand(&o, &slow, 1, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "timed out after 1 s") != NULL);
	CHECK(time(NULL) - t0 <= 3);
}

TEST(bgpq4_arguments_are_validated_before_running)
{
	struct irr_bgpq4_opts o = { .path = FAKE_BGPQ4, .timeout = 10 };
	const char *opt = "-h", *shell = "AS-FOO;reboot", *ok = "AS-FOO";
	CHECK(irr_bgpq4_expand(&o, &opt, 1, err, sizeof(err)) == NULL);
	CHECK(irr_bgpq4_expand(&o, &shell, 1, err, sizeof(err)) == NULL);
	o.host = "-S evil";
	CHECK(irr_bgpq4_expand(&o, &ok, 1, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "invalid IRR host") != NULL);
	o.host = NULL;
	o.sources = "RIPE RADB";
	CHECK(irr_bgpq4_expand(&o, &ok, 1, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "invalid IRR sources") != NULL);
}

/* ---- cache ---- */

static size_t count_files(const char *dir)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.' || (e->d_name[1] != '\0' && e->d_name[1] != '.');
	if (d)
		closedir(d);
	return n;
}

TEST(cache_round_trip_keeps_everything_and_the_age)
{
	char dir[64], sub[128];
	scratch(dir, sizeof(dir));
	const char *f[] = { DATA "basic.db" };
	struct irr_db *db = load(f, 1);
	const char *names[] = { "AS-MEMBER", "AS64999" };
	struct irr_member *m = irr_db_expand(db, names, 2, 0, err, sizeof(err));
	m->generated -= 3600;
	CHECK_EQ_INT(irr_member_save(m, dir, err, sizeof(err)), 0);
	snprintf(sub, sizeof(sub), "%s/irr/AS-MEMBER+AS64999.json", dir);
	CHECK(access(sub, R_OK) == 0);
	snprintf(sub, sizeof(sub), "%s/irr", dir);
	CHECK_EQ_INT(count_files(sub), 1);                 /* no temporary file left */

	const char *again[] = { "as64999", "as-member" };
	struct irr_member *c = irr_member_load_cached(dir, again, 2, err, sizeof(err));
	CHECK(c != NULL);
	if (c) {
		CHECK_EQ_STR(c->key, m->key);
		CHECK_EQ_INT(c->generated, m->generated);
		CHECK_EQ_INT(c->unknown_sets, m->unknown_sets);
		CHECK_EQ_INT(c->n_origins, m->n_origins);
		for (size_t i = 0; i < c->n_origins && i < m->n_origins; i++)
			CHECK_EQ_INT(c->origins[i], m->origins[i]);
		CHECK_EQ_INT(pfxtree_count(c->prefixes), pfxtree_count(m->prefixes));
		CHECK(has_prefix(c, "2001:db8:2000::/36"));
		CHECK(has_prefix(c, "203.0.113.128/25"));
	}
	/* saving again replaces the file */
	CHECK_EQ_INT(irr_member_save(m, dir, err, sizeof(err)), 0);
	CHECK_EQ_INT(count_files(sub), 1);
	irr_member_free(c);
	irr_member_free(m);
	irr_db_free(db);
	rm_tree(dir);
}

TEST(cache_refuses_missing_corrupt_and_foreign_files)
{
	char dir[64], path[256], other[256];
	scratch(dir, sizeof(dir));
	const char *name = "AS-FOO", *foreign = "AS-BAR";
	CHECK(irr_member_load_cached(dir, &name, 1, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "AS-FOO.json") != NULL);

	struct irr_member *m = irr_member_new(&name, 1, err, sizeof(err));
	CHECK_EQ_INT(irr_member_save(m, dir, err, sizeof(err)), 0);
	/* AS-FOO's data under AS-BAR's name: not AS-BAR's */
	snprintf(path, sizeof(path), "%s/irr/AS-FOO.json", dir);
	snprintf(other, sizeof(other), "%s/irr/AS-BAR.json", dir);
	CHECK_EQ_INT(link(path, other), 0);
	CHECK(irr_member_load_cached(dir, &foreign, 1, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "written for other AS-SETs") != NULL);

	static const char *const corrupt[] = {
		"{\"version\": 1, \"key\": \"AS-FOO\",\n \"generated\": ",
		"[1, 2]",
		"{\"version\": 2, \"key\": \"AS-FOO\"}",
		"{\"version\": 1, \"key\": \"AS-FOO\", \"generated\": 1, \"unknown_sets\": 0, "
		"\"depth_limited\": 0, \"origins\": [-1], \"prefixes\": []}",
		"{\"version\": 1, \"key\": \"AS-FOO\", \"generated\": 1, \"unknown_sets\": 0, "
		"\"depth_limited\": 0, \"origins\": [], \"prefixes\": [\"192.0.2.0\"]}",
		"{\"version\": 1, \"key\": \"AS-FOO\", \"generated\": -1}",
	};
	for (size_t i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++) {
		write_file(path, corrupt[i], strlen(corrupt[i]));
		CHECK(irr_member_load_cached(dir, &name, 1, err, sizeof(err)) == NULL);
		CHECK(strstr(err, "AS-FOO.json") != NULL);
	}
	/* the JSON syntax error says where */
	write_file(path, corrupt[0], strlen(corrupt[0]));
	irr_member_load_cached(dir, &name, 1, err, sizeof(err));
	CHECK(strstr(err, "AS-FOO.json:2:") != NULL);
	irr_member_free(m);
	rm_tree(dir);
}

TEST(cache_of_many_as_sets_uses_a_short_file_name)
{
	char dir[64], name[32];
	scratch(dir, sizeof(dir));
	char *names[40];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "AS-CUSTOMER-NUMBER-%02d", i);
		names[i] = strdup(name);
	}
	struct irr_member *m = irr_member_new((const char *const *)names, 40, err, sizeof(err));
	CHECK(strlen(m->key) > 255);
	CHECK_EQ_INT(irr_member_save(m, dir, err, sizeof(err)), 0);
	struct irr_member *c = irr_member_load_cached(dir, (const char *const *)names, 40, err,
	    sizeof(err));
	CHECK(c != NULL);
	irr_member_free(c);
	irr_member_free(m);
	for (int i = 0; i < 40; i++)
		free(names[i]);
	rm_tree(dir);
}

/* ---- real data and scale ---- */

/* ../shared/data relative to the repository root, or IXPD_SHARED_DATA. */
static const char *shared_data(void)
{
	const char *env = getenv("IXPD_SHARED_DATA");
	const char *dir = env ? env : "../shared/data";
	if (access(dir, R_OK) != 0) {
		printf("  skipped: no shared data at %s (set IXPD_SHARED_DATA)\n", dir);
		return NULL;
	}
	return dir;
}

TEST(real_arouteserver_as_set_object_expands)
{
	const char *dir = shared_data();
	if (dir == NULL)
		return;
	char path[512];
	snprintf(path, sizeof(path), "%s/arouteserver/examples/rich/irr-as-set.txt", dir);
	struct irr_db *db = irr_db_new();
	struct irr_load_stats st;
	CHECK_EQ_INT(irr_db_load_file(db, path, &st, err, sizeof(err)), 0);
	CHECK_EQ_INT(st.as_sets, 1);
	struct irr_member *m = expand1(db, "AS-AS999-RS", 0);
	CHECK_EQ_INT(m->n_origins, 3);                     /* AS3333 AS10745 AS197000 */
	CHECK(has_origin(m, 3333) && has_origin(m, 10745) && has_origin(m, 197000));
	CHECK_EQ_INT(m->unknown_sets, 1);                  /* AS-RIPENCC: not in this file */
	irr_member_free(m);
	irr_db_free(db);
}

TEST(real_ixp_client_as_set_names_are_all_valid)
{
	const char *dir = shared_data();
	if (dir == NULL)
		return;
	static const char *const files[] = { "ams-ix", "bcix", "inex", "lonap", "six", "swissix" };
	size_t seen = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512], line[512];
		snprintf(path, sizeof(path), "%s/arouteserver/real-ixps/clients/%s.yml", dir, files[i]);
		FILE *f = fopen(path, "r");
		CHECK(f != NULL);
		bool in_list = false;
		while (f && fgets(line, sizeof(line), f)) {
			char *s = line + strspn(line, " ");
			s[strcspn(s, "\r\n")] = '\0';
			if (strcmp(s, "as_sets:") == 0) {
				in_list = true;
				continue;
			}
			if (!in_list || strncmp(s, "- ", 2) != 0) {
				in_list = false;
				continue;
			}
			s += 2 + (s[2] == '"');
			s[strcspn(s, "\"")] = '\0';
			seen++;
			if (!irr_name_valid(s))
				fprintf(stderr, "  %s: '%s' refused\n", files[i], s);
			CHECK(irr_name_valid(s));
		}
		if (f)
			fclose(f);
	}
	CHECK(seen > 1000);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A synthetic dump of n route/route6 objects over n/4 origins, plus as-sets
 * grouping them by 100; IXPD_IRR_BENCH_OBJECTS=1000000 for the full-size
 * measurement (the default keeps `make check` fast). */
TEST(large_synthetic_dump_loads_and_checks_quickly)
{
	const char *env = getenv("IXPD_IRR_BENCH_OBJECTS");
	long n = env ? atol(env) : 100000;
	char dir[64], path[128];
	scratch(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/big.db", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	for (long i = 0; i < n; i++) {
		uint32_t origin = 4200000000u + (uint32_t)(i / 4);
		if (i % 5 == 4)
			fprintf(f, "route6:         2001:db8:%lx:%lx::/64\ndescr:          synthetic\n"
			    "origin:         AS%u\nmnt-by:         MAINT-TEST\nsource:         TEST\n\n",
			    (i >> 16) & 0xffff, i & 0xffff, origin);
		else
			fprintf(f, "route:          %ld.%ld.%ld.0/24\ndescr:          synthetic\n"
			    "origin:         AS%u\nmnt-by:         MAINT-TEST\nsource:         TEST\n\n",
			    1 + (i >> 16) % 223, (i >> 8) & 0xff, i & 0xff, origin);
	}
	for (long s = 0; s < n / 400; s++) {
		fprintf(f, "as-set:         AS-SYN%ld\nmembers:        AS-SYN%ld", s, (s + 1) % (n / 400));
		for (long k = 0; k < 100; k++)
			fprintf(f, ", AS%u", 4200000000u + (uint32_t)(s * 100 + k));
		fprintf(f, "\nsource:         TEST\n\n");
	}
	fclose(f);
	struct stat sb;
	CHECK_EQ_INT(stat(path, &sb), 0);

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct irr_db *db = irr_db_new();
	struct irr_load_stats st;
	CHECK_EQ_INT(irr_db_load_file(db, path, &st, err, sizeof(err)), 0);
	double load = seconds_since(&t0);
	CHECK_EQ_INT(st.routes, n);

	/* AS-SYN0 chains through every set (depth n/400), so allow the depth */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct irr_member *m = expand1(db, "AS-SYN0", (unsigned)(n / 400 + 1));
	double expand = seconds_since(&t0);
	CHECK_EQ_INT(m->n_origins, n / 4);
	CHECK_EQ_INT(pfxtree_count(m->prefixes), n);

	struct prefix p = pfx("1.0.0.0/24");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	unsigned ok = 0;
	const long checks = 1000000;
	for (long i = 0; i < checks; i++) {
		p.addr[1] = (uint8_t)(i >> 8);
		p.addr[2] = (uint8_t)i;
		ok += irr_check(m, &p, 4200000000u + (uint32_t)(i % 1000), i & 1) == (IRR_ORIGIN_OK | IRR_PREFIX_OK);
	}
	double check = seconds_since(&t0);
	CHECK(ok > 0);
	printf("  %zu objects (%.0f MB): load %.2f s, expand all %.2f s, %ld checks %.3f s (%.0f ns each)\n",
	    st.objects, (double)sb.st_size / 1e6, load, expand, checks, check, check * 1e9 / (double)checks);
	irr_member_free(m);
	irr_db_free(db);
	rm_tree(dir);
}

TEST(key_of_names_is_the_key_of_their_expanded_data)
{
	/* The policy finds a member's data by this key: order and case of the
	 * configured names must not matter. */
	const char *names[] = { "AS52001", "as-m1" };
	char *key = irr_key(names, 2);
	CHECK_EQ_STR(key, "AS-M1+AS52001");
	struct irr_db *db = irr_db_new();
	char why[256];
	struct irr_member *m = irr_db_expand(db, names, 2, 0, why, sizeof(why));
	CHECK(m != NULL);
	if (m)
		CHECK_EQ_STR(m->key, key);
	irr_member_free(m);
	irr_db_free(db);
	free(key);
}
