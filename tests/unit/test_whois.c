/* SPDX-License-Identifier: ISC */
/* whois dumps: ARIN's JSON and registro.br's text read as hostile input,
 * and the (origin, prefix) matches the IRR check asks of them. */
#include "testlib.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "whois_dump.h"

static char err[512];

/* The expected warnings (skipped records) would bury the results; the
 * tests check the counters, and one test the warning itself. */
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

static struct whois_routes *parse(const char *text, enum whois_format f)
{
	err[0] = '\0';
	return whois_routes_parse(text, strlen(text), f, "dump", err, sizeof(err));
}

static bool match(const struct whois_routes *w, const char *p, uint32_t origin, bool allow_longer)
{
	struct prefix q = pfx(p);
	return whois_routes_match(w, &q, origin, allow_longer);
}

/* A scratch file holding len bytes of data; its path in path. */
static void write_temp(char *path, size_t plen, const char *data, size_t len)
{
	snprintf(path, plen, "/tmp/test_whois.XXXXXX");
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK_EQ_INT(write(fd, data, len), len);
		close(fd);
	}
}

static const char registrobr[] =
    "AS64500|Exemplo Telecomunicações Ltda|EXTEL|192.0.2.0/24|2001:db8::/32\n"
    "AS64501|Outra Rede S.A.|OUTRA|198.51.100.0/24\n";

static const char arin[] =
    "{\"json_schema\": \"0.0.3\", \"source\": \"ARIN-WHOIS\", \"whois_records\": {\n"
    "  \"v4\": [{\"originas\": \"AS64500\", \"prefix\": \"192.0.2.0/24\",\n"
    "          \"name\": \"NET-192-0-2-0-1\"},\n"
    "         {\"originas\": \"AS64501\", \"prefix\": \"198.51.100.0/24\"}],\n"
    "  \"v6\": [{\"originas\": \"AS64500\", \"prefix\": \"2001:db8::/32\"}]}}\n";

TEST(format_names_are_the_ones_messages_use)
{
	CHECK_EQ_STR(whois_format_name(WHOIS_ARIN), "arin");
	CHECK_EQ_STR(whois_format_name(WHOIS_REGISTROBR), "registro.br");
}

/* ---- parsing ---- */

TEST(registrobr_lines_give_one_pair_per_prefix_field)
{
	struct whois_routes *w = parse(registrobr, WHOIS_REGISTROBR);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 3);
	CHECK_EQ_INT(whois_routes_skipped(w), 0);
	CHECK(match(w, "192.0.2.0/24", 64500, false));
	CHECK(match(w, "2001:db8::/32", 64500, false));
	CHECK(match(w, "198.51.100.0/24", 64501, false));
	whois_routes_free(w);
}

TEST(arin_records_of_the_v4_and_v6_lists_are_read)
{
	struct whois_routes *w = parse(arin, WHOIS_ARIN);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 3);
	CHECK_EQ_INT(whois_routes_skipped(w), 0);
	CHECK(match(w, "192.0.2.0/24", 64500, false));
	CHECK(match(w, "2001:db8::/32", 64500, false));
	CHECK(match(w, "198.51.100.0/24", 64501, false));
	whois_routes_free(w);
}

TEST(origin_is_read_as_AS_n_or_as_n_or_a_plain_number)
{
	struct whois_routes *w = parse(
	    "{\"whois_records\": {\"v4\": [\n"
	    " {\"originas\": \"AS64500\", \"prefix\": \"192.0.2.0/24\"},\n"
	    " {\"originas\": \"as64501\", \"prefix\": \"192.0.2.0/24\"},\n"
	    " {\"originas\": \"4200000000\", \"prefix\": \"192.0.2.0/24\"},\n"
	    " {\"originas\": \"AS4294967296\", \"prefix\": \"192.0.2.0/24\"},\n"
	    " {\"originas\": \"AS-FOO\", \"prefix\": \"192.0.2.0/24\"},\n"
	    " {\"originas\": 64502, \"prefix\": \"192.0.2.0/24\"}]}}", WHOIS_ARIN);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 3);
	CHECK_EQ_INT(whois_routes_skipped(w), 3);    /* beyond 32 bits, an AS-SET, a number */
	CHECK(match(w, "192.0.2.0/24", 64500, false));
	CHECK(match(w, "192.0.2.0/24", 64501, false));
	CHECK(match(w, "192.0.2.0/24", 4200000000u, false));
	CHECK(!match(w, "192.0.2.0/24", 64502, false));
	whois_routes_free(w);

	w = parse("as64500|Org|ID|192.0.2.0/24\n64501|Org|ID|192.0.2.0/24\n", WHOIS_REGISTROBR);
	CHECK(w != NULL);
	if (w) {
		CHECK(match(w, "192.0.2.0/24", 64500, false));
		CHECK(match(w, "192.0.2.0/24", 64501, false));
		whois_routes_free(w);
	}
}

TEST(registrobr_blank_and_comment_lines_are_ignored_and_the_organisation_may_hold_anything)
{
	struct whois_routes *w = parse(
	    "# registro.br ASN blocks\n"
	    "\n"
	    "   \t\n"
	    "AS64500|Associação Brasileira: \"#1\", São Paulo/SP  |ORG-ID 1|192.0.2.0/24\n"
	    "AS64501|Org|ID\n"                     /* an AS without prefixes: not an error */
	    "AS64502|Org|ID|198.51.100.0/24|\n", WHOIS_REGISTROBR);   /* a trailing '|' */
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 2);
	CHECK_EQ_INT(whois_routes_skipped(w), 0);
	CHECK(match(w, "192.0.2.0/24", 64500, false));
	CHECK(match(w, "198.51.100.0/24", 64502, false));
	whois_routes_free(w);
}

TEST(crlf_line_ends_are_read_like_lf)
{
	struct whois_routes *w = parse(
	    "# comment\r\n\r\nAS64500|Org|ID|192.0.2.0/24\r\n"
	    "AS64501|Org|ID|198.51.100.0/24|2001:db8::/32\r\n",
	    WHOIS_REGISTROBR);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 3);
	CHECK_EQ_INT(whois_routes_skipped(w), 0);
	CHECK(match(w, "2001:db8::/32", 64501, false));        /* the last field, before the \r */
	whois_routes_free(w);
}

TEST(a_last_line_without_newline_is_read)
{
	struct whois_routes *w = parse("AS64500|Org|ID|192.0.2.0/24", WHOIS_REGISTROBR);
	CHECK(w != NULL);
	if (w) {
		CHECK(match(w, "192.0.2.0/24", 64500, false));
		whois_routes_free(w);
	}
}

TEST(duplicate_pairs_are_counted_once)
{
	struct whois_routes *w = parse(
	    "AS64500|Org|ID|192.0.2.0/24|192.0.2.0/24\n"
	    "AS64500|Org again|ID2|192.0.2.0/24|192.0.2.0/25\n"
	    "AS64501|Org|ID|192.0.2.0/24\n", WHOIS_REGISTROBR);
	CHECK(w != NULL);
	if (w) {
		CHECK_EQ_INT(whois_routes_count(w), 3);
		CHECK(match(w, "192.0.2.0/24", 64500, false));
		CHECK(match(w, "192.0.2.0/25", 64500, false));
		whois_routes_free(w);
	}
	w = parse("{\"whois_records\": {\"v4\": ["
	    "{\"originas\": \"AS64500\", \"prefix\": \"192.0.2.0/24\"},"
	    "{\"originas\": \"as64500\", \"prefix\": \"192.0.2.0/24\"}], \"v6\": []}}", WHOIS_ARIN);
	CHECK(w != NULL);
	if (w) {
		CHECK_EQ_INT(whois_routes_count(w), 1);
		whois_routes_free(w);
	}
}

/* ---- malformed records ---- */

TEST(malformed_registrobr_records_are_skipped_and_counted)
{
	struct whois_routes *w = parse(
	    "AS64500|Org|ID|192.0.2.0/24|198.51.100.0/24|203.0.113.0/24|2001:db8::/32\n"
	    "ASX|Org|ID|192.0.2.0/24\n"               /* bad AS: the line, 1 record */
	    "AS64501|Org\n"                           /* too few fields */
	    "AS64502|Org|ID|192.0.2.1/24\n"           /* host bits set */
	    "AS64503|Org|ID|192.0.2.0\n"              /* no length */
	    "AS64504|Org|ID|192.0.2.0/33\n"
	    "AS64505|Org|ID|10.0.0.0/8\n", WHOIS_REGISTROBR);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 5);
	CHECK_EQ_INT(whois_routes_skipped(w), 5);
	CHECK(!match(w, "192.0.2.0/24", 64502, true));
	CHECK(!match(w, "192.0.2.0/32", 64503, true));
	whois_routes_free(w);
}

TEST(a_prefix_with_host_bits_set_is_malformed_not_truncated)
{
	struct whois_routes *w = parse(
	    "AS64500|Org|ID|192.0.2.0/24|198.51.100.0/24|10.1.2.3/8|2001:db8::1/32\n",
	    WHOIS_REGISTROBR);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 2);
	CHECK_EQ_INT(whois_routes_skipped(w), 2);
	CHECK(!match(w, "10.0.0.0/8", 64500, true));
	CHECK(!match(w, "2001:db8::/32", 64500, true));
	whois_routes_free(w);
}

TEST(registrobr_line_with_a_bad_prefix_keeps_its_good_ones)
{
	struct whois_routes *w = parse(
	    "AS64500|Org|ID|192.0.2.0/24|not-a-prefix|2001:db8::/32|300.0.0.0/8\n",
	    WHOIS_REGISTROBR);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 2);
	CHECK_EQ_INT(whois_routes_skipped(w), 2);
	CHECK(match(w, "192.0.2.0/24", 64500, false));
	CHECK(match(w, "2001:db8::/32", 64500, false));
	whois_routes_free(w);
}

TEST(a_nul_byte_in_a_prefix_field_makes_it_malformed)
{
	static const char data[] = "AS64500|Org|ID|192.0.2.0/24\0garbage|198.51.100.0/24\n";
	struct whois_routes *w = whois_routes_parse(data, sizeof(data) - 1, WHOIS_REGISTROBR,
	    "dump", err, sizeof(err));
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 1);
	CHECK_EQ_INT(whois_routes_skipped(w), 1);
	CHECK(!match(w, "192.0.2.0/24", 64500, false));
	whois_routes_free(w);
}

TEST(arin_v4_list_entry_with_an_ipv6_prefix_is_skipped)
{
	struct whois_routes *w = parse("{\"whois_records\": {"
	    "\"v4\": [{\"originas\": \"AS64500\", \"prefix\": \"192.0.2.0/24\"},"
	    "         {\"originas\": \"AS64500\", \"prefix\": \"2001:db8::/32\"}],"
	    "\"v6\": [{\"originas\": \"AS64500\", \"prefix\": \"2001:db8:1::/48\"},"
	    "         {\"originas\": \"AS64500\", \"prefix\": \"198.51.100.0/24\"}]}}", WHOIS_ARIN);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 2);
	CHECK_EQ_INT(whois_routes_skipped(w), 2);
	CHECK(!match(w, "2001:db8::/32", 64500, false));
	CHECK(!match(w, "198.51.100.0/24", 64500, false));
	CHECK(match(w, "2001:db8:1::/48", 64500, false));
	whois_routes_free(w);
}

TEST(malformed_arin_records_are_skipped_and_counted)
{
	struct whois_routes *w = parse("{\"whois_records\": {\"v4\": ["
	    "{\"originas\": \"AS64500\", \"prefix\": \"192.0.2.0/24\"},"
	    "{\"originas\": \"AS64500\", \"prefix\": \"198.51.100.0/24\"},"
	    "{\"originas\": \"AS64500\", \"prefix\": \"203.0.113.0/24\"},"
	    "{\"originas\": \"AS64500\", \"prefix\": \"10.0.0.0/8\"},"
	    "\"AS64501 192.0.2.0/24\","                      /* not an object */
	    "{\"prefix\": \"192.0.2.0/24\"},"                 /* no originas */
	    "{\"originas\": \"AS64501\"},"                    /* no prefix */
	    "{\"originas\": \"AS64501\", \"prefix\": 3221225984}]}}", WHOIS_ARIN);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ_INT(whois_routes_count(w), 4);
	CHECK_EQ_INT(whois_routes_skipped(w), 4);        /* as many as good ones: still accepted */
	whois_routes_free(w);
}

TEST(skipped_records_are_logged_in_one_warning_with_the_first_bad_line)
{
	char path[64];
	write_temp(path, sizeof(path), "", 0);
	int saved = dup(STDERR_FILENO), fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(saved >= 0 && fd >= 0);
	dup2(fd, STDERR_FILENO);
	log_set_level(LOG_LVL_WARN);
	struct whois_routes *w = parse(
	    "AS64500|Org|ID|192.0.2.0/24|198.51.100.0/24|203.0.113.0/24|2001:db8::/32\n"
	    "AS64500|Org|ID|bad1|bad2\n"
	    "AS64500|Org|ID|bad3\n", WHOIS_REGISTROBR);
	log_set_level(LOG_LVL_ERR);
	dup2(saved, STDERR_FILENO);
	close(fd);
	close(saved);
	CHECK(w != NULL);
	whois_routes_free(w);

	char log[1024] = "";
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(log, 1, sizeof(log) - 1, f) : 0;
	log[n] = '\0';
	if (f)
		fclose(f);
	unlink(path);
	CHECK_CONTAINS(log, "dump: 3 malformed records of 7 skipped, the first at line 2");
	CHECK(strchr(log, '\n') == strrchr(log, '\n'));    /* one line */
}

TEST(a_mostly_malformed_text_dump_is_refused_naming_the_file_and_the_last_bad_line)
{
	struct whois_routes *w = parse(
	    "AS64500|Org|ID|192.0.2.0/24\n"
	    "AS64501|Org|ID|192.0.2.0/99\n"
	    "# a comment\n"
	    "AS64502|Org|ID|198.51.100.0/33|192.0.2.0/1\n", WHOIS_REGISTROBR);
	CHECK(w == NULL);
	CHECK_EQ_STR(err, "dump: too many malformed records (3 of 4), the last at line 4: "
	    "prefix with host bits set");
	whois_routes_free(w);
}

TEST(a_mostly_malformed_arin_dump_is_refused_naming_the_last_bad_record)
{
	struct whois_routes *w = parse("{\"whois_records\": {"
	    "\"v4\": [{\"originas\": \"AS64500\", \"prefix\": \"192.0.2.0/24\"}],"
	    "\"v6\": [{\"originas\": \"AS64500\", \"prefix\": \"2001:db8::/32\"},"
	    "         {\"originas\": \"ASN64500\", \"prefix\": \"2001:db8::/32\"},"
	    "         {\"originas\": \"AS64500\", \"prefix\": \"192.0.2.0/24\"},"
	    "         {\"originas\": \"AS64500\", \"prefix\": \"2001:db8::/129\"}]}}", WHOIS_ARIN);
	CHECK(w == NULL);
	CHECK_EQ_STR(err, "dump: too many malformed records (3 of 5), "
	    "the last at whois_records.v6[3]: invalid prefix");
}

TEST(a_line_over_64_kib_is_malformed_and_the_next_lines_are_read)
{
	size_t big = 70 * 1024;
	char *data = malloc(big + 256);
	CHECK(data != NULL);
	if (!data)
		return;
	char *p = data;
	p += sprintf(p, "AS64500|Org|ID|192.0.2.0/24\nAS64501|");
	memset(p, 'x', big);
	p += big;
	p += sprintf(p, "|198.51.100.0/24\nAS64502|Org|ID|203.0.113.0/24\n");
	struct whois_routes *w = whois_routes_parse(data, (size_t)(p - data), WHOIS_REGISTROBR,
	    "dump", err, sizeof(err));
	CHECK(w != NULL);
	if (w) {
		CHECK_EQ_INT(whois_routes_count(w), 2);
		CHECK_EQ_INT(whois_routes_skipped(w), 1);
		CHECK(!match(w, "198.51.100.0/24", 64501, false));   /* on the long line */
		CHECK(match(w, "203.0.113.0/24", 64502, false));
		whois_routes_free(w);
	}
	/* the long line alone (without its '\n'): refused, at its line */
	w = whois_routes_parse(data + 28, big + 20, WHOIS_REGISTROBR, "dump", err, sizeof(err));
	CHECK(w == NULL);
	CHECK_CONTAINS(err, "the last at line 1: line longer than 64 KiB");
	free(data);
}

/* ---- refused files ---- */

TEST(an_arin_dump_without_whois_records_is_refused)
{
	struct whois_routes *w = parse("{\"json_schema\": \"0.0.3\", \"source\": \"ARIN-WHOIS\"}",
	    WHOIS_ARIN);
	CHECK(w == NULL);
	CHECK_CONTAINS(err, "dump: no \"whois_records\"");
	w = parse("{\"whois_records\": {}}", WHOIS_ARIN);
	CHECK(w == NULL);
	CHECK_CONTAINS(err, "neither a \"v4\" nor a \"v6\" list");
	w = parse("{\"whois_records\": {\"v4\": {}}}", WHOIS_ARIN);
	CHECK(w == NULL);
	CHECK_CONTAINS(err, "\"whois_records.v4\" is not a list");
	w = parse("[{\"originas\": \"AS64500\", \"prefix\": \"192.0.2.0/24\"}]", WHOIS_ARIN);
	CHECK(w == NULL);
	CHECK_CONTAINS(err, "not a JSON object");
}

TEST(arin_json_that_does_not_parse_is_refused_with_its_line)
{
	struct whois_routes *w = parse("{\"whois_records\": {\n\"v4\": [\n{\"originas\": }]}}",
	    WHOIS_ARIN);
	CHECK(w == NULL);
	CHECK_CONTAINS(err, "dump:3: JSON: ");
	w = parse(registrobr, WHOIS_ARIN);       /* the other format */
	CHECK(w == NULL);
	CHECK_CONTAINS(err, "dump:1: JSON: ");
}

TEST(arin_json_with_a_duplicate_key_is_refused)
{
	struct whois_routes *w = parse("{\"whois_records\": {\"v4\": []},"
	    " \"whois_records\": {\"v4\": [\n"
	    "  {\"originas\": \"AS64500\", \"prefix\": \"192.0.2.0/24\"}]}}",
	    WHOIS_ARIN);
	CHECK(w == NULL);
	CHECK_CONTAINS(err, "duplicate");
}

TEST(an_empty_dump_is_refused)
{
	struct whois_routes *w = parse("", WHOIS_REGISTROBR);
	CHECK(w == NULL);
	CHECK_EQ_STR(err, "dump: no (origin, prefix) record: "
	    "empty, or not a whois dump in the registro.br format");
	w = parse("# only a comment\n\n", WHOIS_REGISTROBR);
	CHECK(w == NULL);
	w = parse("", WHOIS_ARIN);
	CHECK(w == NULL);
	CHECK_CONTAINS(err, "dump");
	w = parse("{\"whois_records\": {\"v4\": [], \"v6\": []}}", WHOIS_ARIN);
	CHECK(w == NULL);
	CHECK_EQ_STR(err, "dump: no (origin, prefix) record: "
	    "empty, or not a whois dump in the arin format");
}

TEST(a_text_dump_given_as_arin_or_json_given_as_registrobr_is_refused)
{
	struct whois_routes *w = parse(arin, WHOIS_REGISTROBR);
	CHECK(w == NULL);
	CHECK_CONTAINS(err, "dump: too many malformed records");
}

/* ---- files ---- */

TEST(load_reads_a_dump_file_of_either_format)
{
	char path[64];
	write_temp(path, sizeof(path), registrobr, strlen(registrobr));
	struct whois_routes *w = whois_routes_load(path, WHOIS_REGISTROBR, err, sizeof(err));
	CHECK(w != NULL);
	if (w) {
		CHECK_EQ_INT(whois_routes_count(w), 3);
		whois_routes_free(w);
	}
	unlink(path);
	write_temp(path, sizeof(path), arin, strlen(arin));
	w = whois_routes_load(path, WHOIS_ARIN, err, sizeof(err));
	CHECK(w != NULL);
	if (w) {
		CHECK_EQ_INT(whois_routes_count(w), 3);
		whois_routes_free(w);
	}
	unlink(path);
}

TEST(a_missing_file_is_refused_naming_it)
{
	struct whois_routes *w = whois_routes_load("/nonexistent/arin-whois.json", WHOIS_ARIN, err,
	    sizeof(err));
	CHECK(w == NULL);
	CHECK_EQ_STR(err, "/nonexistent/arin-whois.json: No such file or directory");
}

TEST(an_empty_file_is_refused_naming_it)
{
	char path[64], want[128];
	write_temp(path, sizeof(path), "", 0);
	struct whois_routes *w = whois_routes_load(path, WHOIS_REGISTROBR, err, sizeof(err));
	CHECK(w == NULL);
	snprintf(want, sizeof(want), "%s: no (origin, prefix) record", path);
	CHECK_CONTAINS(err, want);
	unlink(path);
}

TEST(a_directory_is_refused)
{
	struct whois_routes *w = whois_routes_load("/tmp", WHOIS_REGISTROBR, err, sizeof(err));
	CHECK(w == NULL);
	CHECK_EQ_STR(err, "/tmp: not a regular file");
}

TEST(a_file_over_the_size_limit_is_refused_before_it_is_read)
{
	char path[64];
	write_temp(path, sizeof(path), "", 0);
	CHECK_EQ_INT(truncate(path, (off_t)WHOIS_MAX_BYTES + 1), 0);   /* sparse: no disk used */
	struct whois_routes *w = whois_routes_load(path, WHOIS_REGISTROBR, err, sizeof(err));
	CHECK(w == NULL);
	CHECK_CONTAINS(err, ": 1073741825 bytes, more than the limit of 1024 MiB");
	unlink(path);
}

/* ---- matching ---- */

static struct whois_routes *match_fixture(void)
{
	struct whois_routes *w = parse(
	    "AS64499|Org|ID|192.0.2.0/24|10.0.0.0/8\n"
	    "AS64500|Org|ID|192.0.2.0/24|198.51.100.0/22|2001:db8::/32\n"
	    "AS64501|Org|ID|203.0.113.0/24|2001:db8:1::/48\n", WHOIS_REGISTROBR);
	CHECK(w != NULL);
	return w;
}

TEST(exact_match_needs_the_listed_prefix_itself)
{
	struct whois_routes *w = match_fixture();
	if (!w)
		return;
	CHECK(match(w, "192.0.2.0/24", 64500, false));
	CHECK(match(w, "198.51.100.0/22", 64500, false));
	CHECK(match(w, "2001:db8::/32", 64500, false));
	CHECK(!match(w, "192.0.2.0/25", 64500, false));      /* more specific */
	CHECK(!match(w, "192.0.0.0/16", 64500, false));      /* less specific */
	CHECK(!match(w, "2001:db8::/48", 64500, false));
	whois_routes_free(w);
}

TEST(allow_longer_matches_a_prefix_inside_a_listed_one)
{
	struct whois_routes *w = match_fixture();
	if (!w)
		return;
	CHECK(match(w, "192.0.2.0/24", 64500, true));        /* itself */
	CHECK(match(w, "192.0.2.128/25", 64500, true));
	CHECK(match(w, "198.51.102.0/24", 64500, true));
	CHECK(match(w, "198.51.103.255/32", 64500, true));
	CHECK(match(w, "2001:db8:ffff::/48", 64500, true));
	CHECK(!match(w, "198.51.104.0/24", 64500, true));    /* just outside the /22 */
	CHECK(!match(w, "198.51.100.0/21", 64500, true));    /* shorter than the listed one */
	CHECK(!match(w, "2001:db9::/48", 64500, true));
	whois_routes_free(w);
}

TEST(a_prefix_listed_for_another_origin_does_not_match)
{
	struct whois_routes *w = match_fixture();
	if (!w)
		return;
	CHECK(!match(w, "203.0.113.0/24", 64500, true));     /* AS64501's */
	CHECK(!match(w, "10.0.0.0/8", 64500, true));         /* AS64499's */
	CHECK(!match(w, "192.0.2.0/24", 64502, true));       /* beyond the last origin */
	CHECK(!match(w, "192.0.2.0/24", 1, true));           /* before the first */
	CHECK(!match(w, "192.0.2.0/24", 0, false));
	CHECK(!match(w, "192.0.2.0/24", UINT32_MAX, false));
	CHECK(match(w, "192.0.2.0/24", 64499, false));       /* listed for both neighbours */
	whois_routes_free(w);
}

TEST(a_prefix_of_the_other_family_does_not_match)
{
	struct whois_routes *w = parse("AS64500|Org|ID|0.0.0.0/0\nAS64501|Org|ID|::/0\n",
	    WHOIS_REGISTROBR);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK(match(w, "192.0.2.0/24", 64500, true));
	CHECK(!match(w, "2001:db8::/32", 64500, true));
	CHECK(!match(w, "::/0", 64500, true));
	CHECK(match(w, "2001:db8::/32", 64501, true));
	CHECK(!match(w, "0.0.0.0/0", 64501, true));
	CHECK(!match(w, "192.0.2.0/24", 64501, true));
	whois_routes_free(w);
}
