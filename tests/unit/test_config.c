/* Unit tests of config.c: address and boolean helpers, and loading small
 * configurations written to a temporary directory.  Run from the top of
 * the repository (as `make check` does): some tests load the golden cases
 * of tests/config/cases/. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "testlib.h"

#define CASES "tests/config/cases/"

/* general.yml's start and the filters arouteserver turns on by default that
 * ixpd refuses until the policy module implements them. */
#define GENERAL_HEAD "cfg:\n  rs_as: 64500\n  router_id: \"192.0.2.1\"\n"
#define RIAP_OFF "    reject_invalid_as_in_as_path: False\n"
#define NVRS_OFF "    never_via_route_servers: {peering_db: False}\n"
#define IRRDB_OFF_WITH(more) \
	"    irrdb: {enforce_origin_in_as_set: False, enforce_prefix_in_as_set: False" more "}\n"
#define FILTERS_OFF "  filtering:\n" RIAP_OFF NVRS_OFF IRRDB_OFF_WITH("")
#define GENERAL_OK GENERAL_HEAD FILTERS_OFF
#define CLIENTS_OK "clients:\n  - asn: 64511\n    ip: 192.0.2.11\n"

static char err[1024];

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* Loads ixpd.yml (naming general.yml and clients.yml, plus ixpd_extra),
 * general and clients from a temporary directory.  On error, err holds the
 * message with the directory left out: "general.yml:3: ...". */
static struct ixpd_config *load(const char *ixpd_extra, const char *general,
    const char *clients)
{
	char dir[] = "/tmp/test_config.XXXXXX", path[512], text[1024];
	struct ixpd_config *cfg;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(text, sizeof(text), "general: general.yml\nclients: clients.yml\n%s", ixpd_extra);
	write_file(dir, "ixpd.yml", text);
	write_file(dir, "general.yml", general);
	write_file(dir, "clients.yml", clients);
	snprintf(path, sizeof(path), "%s/ixpd.yml", dir);
	err[0] = '\0';
	cfg = config_load(path, err, sizeof(err));
	size_t len = strlen(dir);
	if (strncmp(err, dir, len) == 0 && err[len] == '/')
		memmove(err, err + len + 1, strlen(err + len + 1) + 1);
	remove_file(dir, "ixpd.yml");
	remove_file(dir, "general.yml");
	remove_file(dir, "clients.yml");
	rmdir(dir);
	return cfg;
}

/* Expects loading to fail with a message containing want. */
static void check_fails(const char *ixpd_extra, const char *general, const char *clients,
    const char *want)
{
	struct ixpd_config *cfg = load(ixpd_extra, general, clients);

	CHECK(cfg == NULL);
	if (strstr(err, want) == NULL)
		fprintf(stderr, "  got \"%s\"\n  want \"%s\"\n", err, want);
	CHECK(strstr(err, want) != NULL);
	config_free(cfg);
}

static void check_loads(const char *ixpd_extra, const char *general, const char *clients)
{
	struct ixpd_config *cfg = load(ixpd_extra, general, clients);

	if (cfg == NULL)
		fprintf(stderr, "  unexpected error: %s\n", err);
	CHECK(cfg != NULL);
	config_free(cfg);
}

/* ---- helpers ---- */

TEST(bool_parse_yaml11_forms)
{
	static const char *const yes[] = { "True", "true", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
	static const char *const no[] = { "False", "false", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };
	bool b;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = false;
		CHECK_EQ_INT(cfg_bool_parse(yes[i], &b), 0);
		CHECK(b);
		b = true;
		CHECK_EQ_INT(cfg_bool_parse(no[i], &b), 0);
		CHECK(!b);
	}
}

TEST(bool_parse_rejects_others)
{
	static const char *const bad[] = { "", "1", "0", "y", "n", "tRUE", "True ", "maybe" };
	bool b = true;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_INT(cfg_bool_parse(bad[i], &b), -1);
	CHECK(b);
}

TEST(addr_parse_both_families)
{
	struct cfg_addr a;
	char buf[INET6_ADDRSTRLEN];

	CHECK_EQ_INT(cfg_addr_parse("192.0.2.1", &a), 0);
	CHECK_EQ_INT(a.family, AF_INET);
	CHECK_EQ_INT(ntohl(a.u.v4.s_addr), 0xc0000201);
	CHECK_EQ_STR(cfg_addr_str(&a, buf, sizeof(buf)), "192.0.2.1");
	CHECK_EQ_INT(cfg_addr_parse("2001:DB8:0:0::1", &a), 0);
	CHECK_EQ_INT(a.family, AF_INET6);
	CHECK_EQ_STR(cfg_addr_str(&a, buf, sizeof(buf)), "2001:db8::1");
	CHECK_EQ_INT(cfg_addr_parse("::ffff:192.0.2.1", &a), 0);
	CHECK_EQ_INT(a.family, AF_INET6);
}

TEST(addr_parse_rejects)
{
	static const char *const bad[] = { "", "x", "192.0.2.300", "192.0.2", "01.2.3.4",
		"192.0.2.1/24", "fe80::1%eth0", "2001:db8:::1", " 192.0.2.1" };
	struct cfg_addr a = { .family = 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_INT(cfg_addr_parse(bad[i], &a), -1);
	CHECK_EQ_INT(a.family, 0);
}

TEST(addr_str_small_buffer_is_empty)
{
	struct cfg_addr a;
	char buf[8] = "junk";

	cfg_addr_parse("2001:db8::1", &a);
	CHECK_EQ_STR(cfg_addr_str(&a, buf, sizeof(buf)), "");
}

TEST(addr_equal_and_cmp)
{
	struct cfg_addr a, b, c, v6;

	cfg_addr_parse("192.0.2.1", &a);
	cfg_addr_parse("192.0.2.1", &b);
	cfg_addr_parse("192.0.2.20", &c);
	cfg_addr_parse("::ffff:192.0.2.1", &v6);
	CHECK(cfg_addr_equal(&a, &b));
	CHECK(!cfg_addr_equal(&a, &c));
	CHECK(!cfg_addr_equal(&a, &v6));    /* families differ */
	CHECK_EQ_INT(cfg_addr_cmp(&a, &b), 0);
	CHECK(cfg_addr_cmp(&a, &c) < 0);
	CHECK(cfg_addr_cmp(&c, &a) > 0);
	CHECK(cfg_addr_cmp(&c, &v6) < 0);   /* IPv4 first */
}

/* ---- the golden cases, seen through the structs ---- */

TEST(minimal_case_defaults)
{
	struct ixpd_config *cfg = config_load(CASES "minimal/ixpd.yml", err, sizeof(err));

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_EQ_STR(cfg->general_path, CASES "minimal/general.yml");
	CHECK_EQ_STR(cfg->clients_path, CASES "minimal/clients.yml");
	CHECK_EQ_STR(cfg->control_socket, CFG_DEFAULT_CONTROL_SOCKET);
	CHECK_EQ_INT(cfg->n_listen_addrs, 0);
	CHECK_EQ_INT(cfg->port, 179);
	CHECK(!cfg->log_syslog);
	CHECK_EQ_INT(cfg->log_level, LOG_LVL_INFO);
	CHECK_EQ_INT(cfg->hold_time, 90);
	CHECK_EQ_INT(cfg->connect_retry, 10);
	CHECK_EQ_INT(cfg->rs_as, 64500);
	CHECK_EQ_INT(ntohl(cfg->router_id.s_addr), 0xc0000201);
	CHECK(cfg->path_hiding);
	CHECK(cfg->policy.passive);
	CHECK(!cfg->policy.add_path);
	CHECK_EQ_INT(cfg->policy.filtering.next_hop.policy, CFG_NEXT_HOP_STRICT);
	CHECK_EQ_INT(cfg->policy.filtering.ipv4_pref_len.min, 8);
	CHECK_EQ_INT(cfg->policy.filtering.ipv6_pref_len.max, 48);
	CHECK_EQ_INT(cfg->general.rpki_roas.allowed_trust_anchors.n, 8);
	CHECK_EQ_INT(cfg->n_members, 1);
	CHECK_EQ_INT(cfg->n_clients, 1);
	const struct cfg_member *m = &cfg->members[0];
	CHECK_EQ_INT(m->asn, 64511);
	CHECK(m->passive);
	CHECK(!m->add_path);
	CHECK(m->client_id == NULL && m->description == NULL);
	CHECK(m->client == &cfg->clients[0]);
	CHECK_EQ_STR(m->file, CASES "minimal/clients.yml");
	CHECK_EQ_INT(m->line, 3);
	config_free(cfg);
}

TEST(full_case_values)
{
	struct ixpd_config *cfg = config_load(CASES "full/ixpd.yml", err, sizeof(err));
	char buf[INET6_ADDRSTRLEN];

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_EQ_INT(cfg->n_listen_addrs, 2);
	CHECK_EQ_STR(cfg_addr_str(&cfg->listen_addrs[1], buf, sizeof(buf)), "2001:db8::1");
	CHECK_EQ_INT(cfg->port, 1179);
	CHECK(cfg->log_syslog);
	CHECK_EQ_INT(cfg->log_level, LOG_LVL_DEBUG);
	CHECK_EQ_INT(cfg->hold_time, 30);
	CHECK_EQ_INT(cfg->connect_retry, 5);
	CHECK_EQ_INT(cfg->rs_as, 4200000000u);
	CHECK(!cfg->path_hiding);
	CHECK_EQ_INT(cfg->general.filtering.transit_free.asns.n, 4);
	CHECK_EQ_INT(cfg->general.filtering.transit_free.asns.v[3], 2914);
	CHECK_EQ_INT(cfg->general.rtt_thresholds.n, 9);
	CHECK_EQ_INT(cfg->general.rpki_roas.source, CFG_RPKI_ROAS_RTR);
	CHECK_EQ_INT(cfg->general.rpki_roas.ripe_rpki_validator_url.n, 1);
	CHECK_EQ_INT(cfg->general.blackhole_filtering.rewrite_next_hop_ipv6.family, AF_INET6);
	CHECK_EQ_INT(cfg->general.custom_communities.n, 2);
	CHECK_EQ_STR(cfg->general.custom_communities.v[0].comm.ext, "rt:65501:1");
	CHECK_EQ_INT(cfg->n_asns, 2);
	CHECK_EQ_INT(cfg->asns[0].asn, 64511);          /* sorted */
	CHECK_EQ_STR(cfg->asns[0].as_sets.v[0], "AS-EXAMPLE");

	CHECK_EQ_INT(cfg->n_members, 3);
	const struct cfg_member *m = &cfg->members[0];
	CHECK_EQ_STR(m->client_id, "member-1");
	CHECK_EQ_STR(m->description, "Example \"one\": the first");
	CHECK(m->passive);                              /* client override */
	CHECK(!m->add_path);
	const struct cfg_client *cl = m->client;
	CHECK_EQ_STR(cl->irrdb.as_sets.v[0], "AS-EXAMPLE:AS-CUSTOMERS");
	CHECK_EQ_INT(cl->irrdb.white_list_pref.v[0].le, 25);
	CHECK_EQ_INT(cl->irrdb.white_list_route.v[0].asn, 64496);
	CHECK(cl->irrdb.white_list_route.v[0].exact);
	CHECK_EQ_INT(cl->max_prefix.limit_ipv4, 100);
	CHECK_EQ_INT(cl->policy.filtering.max_prefix.restart_after, 5);
	CHECK_EQ_INT(cfg->policy.filtering.max_prefix.restart_after, 30);
	CHECK(!cfg->members[1].passive);                /* inherited */
	CHECK(cfg->members[1].add_path);
	CHECK(cfg->members[1].client == cfg->members[2].client);
	CHECK_EQ_INT(cfg->members[2].addr.family, AF_INET6);
	CHECK_EQ_INT(cfg->members[2].client->mapped_asn16, 64600);
	config_free(cfg);
}

TEST(error_names_file_and_line)
{
	CHECK(config_load(CASES "bad-rs-as/ixpd.yml", err, sizeof(err)) == NULL);
	CHECK_EQ_STR(err, CASES "bad-rs-as/general.yml:2: cfg.rs_as: "
	    "expected an integer from 1 to 4294967295, got '-1'");
	CHECK(config_load(CASES "no-such-case/ixpd.yml", err, sizeof(err)) == NULL);
	CHECK_EQ_STR(err, CASES "no-such-case/ixpd.yml: cannot open: No such file or directory");
	config_free(NULL);
}

/* ---- loading rules ---- */

TEST(minimal_text_loads)
{
	check_loads("", GENERAL_OK, CLIENTS_OK);
	check_loads("", GENERAL_OK, "clients: []\n");
}

TEST(absolute_paths_are_kept)
{
	char dir[] = "/tmp/test_config.XXXXXX", general[PATH_MAX], clients[PATH_MAX];
	char text[3 * PATH_MAX], path[PATH_MAX];
	struct ixpd_config *cfg;

	CHECK(realpath(CASES "minimal/general.yml", general) != NULL);
	CHECK(realpath(CASES "minimal/clients.yml", clients) != NULL);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(text, sizeof(text), "general: %s\nclients: %s\n", general, clients);
	write_file(dir, "ixpd.yml", text);
	snprintf(path, sizeof(path), "%s/ixpd.yml", dir);
	cfg = config_load(path, err, sizeof(err));
	CHECK(cfg != NULL);
	if (cfg) {
		CHECK_EQ_STR(cfg->general_path, general);
		CHECK_EQ_STR(cfg->members[0].file, clients);
	}
	config_free(cfg);
	remove_file(dir, "ixpd.yml");
	rmdir(dir);
}

TEST(integer_ranges)
{
	check_loads("", "cfg:\n  rs_as: 4294967295\n  router_id: 192.0.2.1\n" FILTERS_OFF, CLIENTS_OK);
	check_loads("", "cfg:\n  rs_as: \"64500\"\n  router_id: 192.0.2.1\n" FILTERS_OFF, CLIENTS_OK);
	check_fails("", "cfg:\n  rs_as: 4294967296\n  router_id: 192.0.2.1\n", CLIENTS_OK,
	    "general.yml:2: cfg.rs_as: expected an integer from 1 to 4294967295, got '4294967296'");
	check_fails("", "cfg:\n  rs_as: 0\n", CLIENTS_OK, "cfg.rs_as: expected an integer");
	check_fails("", "cfg:\n  rs_as: 0x10\n", CLIENTS_OK, "got '0x10'");
	check_fails("", "cfg:\n  rs_as: [1]\n", CLIENTS_OK, "got a collection");
	check_loads("timers: {hold_time: 0}\n", GENERAL_OK, CLIENTS_OK);
	check_loads("timers: {hold_time: 3, connect_retry: 3600}\n", GENERAL_OK, CLIENTS_OK);
	check_fails("timers: {hold_time: 1}\n", GENERAL_OK, CLIENTS_OK, "must be 0 or at least 3");
	check_fails("timers: {hold_time: 65536}\n", GENERAL_OK, CLIENTS_OK, "timers.hold_time");
	check_fails("timers: {connect_retry: 0}\n", GENERAL_OK, CLIENTS_OK,
	    "timers.connect_retry: expected an integer from 1 to 3600, got '0'");
	check_fails("listen: {port: 0}\n", GENERAL_OK, CLIENTS_OK, "listen.port");
}

TEST(yaml_booleans_in_files)
{
	struct ixpd_config *cfg;

	cfg = load("", GENERAL_HEAD "  passive: no\n  add_path: on\n  path_hiding: \"False\"\n" FILTERS_OFF,
	    CLIENTS_OK);
	CHECK(cfg != NULL);
	if (cfg) {
		CHECK(!cfg->members[0].passive);
		CHECK(cfg->members[0].add_path);
		CHECK(!cfg->path_hiding);
	}
	config_free(cfg);
}

TEST(null_or_empty_means_default)
{
	struct ixpd_config *cfg;

	cfg = load("listen:\ncontrol_socket: \"\"\n", GENERAL_HEAD "  passive:\n  add_path: ~\n" FILTERS_OFF,
	    "clients:\n  - asn: 64511\n    ip: 192.0.2.11\n    description:\n    cfg:\n");
	CHECK(cfg != NULL);
	if (cfg) {
		CHECK(cfg->policy.passive);
		CHECK(!cfg->policy.add_path);
		CHECK_EQ_STR(cfg->control_socket, CFG_DEFAULT_CONTROL_SOCKET);
		CHECK(cfg->members[0].description == NULL);
	}
	config_free(cfg);
}

TEST(required_keys)
{
	check_fails("", "cfg:\n  rs_as: 64500\n", CLIENTS_OK, "general.yml:1: missing required key 'cfg.router_id'");
	check_fails("", GENERAL_OK, "asns: {}\n", "clients.yml:1: missing required key 'clients'");
	check_fails("", GENERAL_OK, "clients:\n  - ip: 192.0.2.1\n",
	    "clients.yml:2: clients[0]: missing required key 'asn'");
	check_fails("", GENERAL_OK, "clients:\n  -\n", "clients[0]: missing required key 'asn'");
}

TEST(unknown_keys_everywhere)
{
	check_fails("foo: 1\n", GENERAL_OK, CLIENTS_OK, "ixpd.yml:3: unknown key 'foo' at top level");
	check_fails("", GENERAL_OK "general: {}\n", CLIENTS_OK, "unknown key 'general' at top level");
	check_fails("", GENERAL_HEAD "  filtering.next_hop: {policy: same-as}\n", CLIENTS_OK,
	    "unknown key 'filtering.next_hop' in cfg");
	check_fails("", GENERAL_OK "  communities:\n    blackhole: {}\n", CLIENTS_OK,
	    "unknown key 'blackhole' in cfg.communities");
	check_fails("", GENERAL_OK "  communities:\n    blackholing: {sdt: \"1:1\"}\n", CLIENTS_OK,
	    "unknown key 'sdt' in cfg.communities.blackholing");
	check_fails("", GENERAL_OK "    ipv4_pref_len: {min: 8, maximum: 24}\n", CLIENTS_OK,
	    "unknown key 'maximum' in cfg.filtering.ipv4_pref_len");
	check_fails("", GENERAL_OK "    global_black_list_pref:\n      - {prefix: 10.0.0.0, length: 8, len: 8}\n",
	    CLIENTS_OK, "unknown key 'len' in cfg.filtering.global_black_list_pref[0]");
	/* client-only keys are not general keys, and the reverse */
	check_fails("", GENERAL_OK "    black_list_pref: []\n", CLIENTS_OK, "unknown key 'black_list_pref'");
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {rs_as: 1}\n",
	    "clients.yml:4: unknown key 'rs_as' in clients[0].cfg");
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {global_black_list_pref: []}}\n",
	    "unknown key 'global_black_list_pref' in clients[0].cfg.filtering");
	check_fails("", GENERAL_OK, "asns:\n  AS1: {as_set: []}\n" CLIENTS_OK,
	    "unknown key 'as_set' in asns.AS1");
}

TEST(wrong_shapes)
{
	check_fails("", GENERAL_HEAD "  filtering: 5\n", CLIENTS_OK, "cfg.filtering: expected a mapping");
	check_fails("", "- cfg\n", CLIENTS_OK, "general.yml:1: expected a mapping");
	check_fails("", GENERAL_OK, "clients: {asn: 1}\n", "clients: expected a list of clients");
	check_fails("", GENERAL_OK, "clients:\n  - asn: 1\n    ip: []\n", "clients[0].ip: expected at least one address");
	check_fails("", GENERAL_OK, "clients:\n  - asn: 1\n    ip: [[192.0.2.1]]\n", "expected an IP address");
	check_fails("", GENERAL_OK "  rpki_roas: {source: rtrlib}\n", CLIENTS_OK,
	    "cfg.rpki_roas.source: expected one of 'ripe-rpki-validator-cache', 'rtr', got 'rtrlib'");
	check_fails("", GENERAL_OK, "asns:\n  3333: {}\n" CLIENTS_OK, "asns: expected AS<number> keys, got '3333'");
	check_fails("", GENERAL_OK, "asns:\n  AS1:\n  AS01:\n" CLIENTS_OK, "AS1 is listed twice");
	check_fails("", "cfg:\n  rs_as: 1\n  router_id: \"2001:db8::1\"\n", CLIENTS_OK,
	    "cfg.router_id: expected an IPv4 address");
}

TEST(yaml_structure_errors)
{
	check_fails("", "cfg: {rs_as: 1\n", CLIENTS_OK, "general.yml:2: YAML error: ");
	check_fails("", "cfg: &a {rs_as: 1}\nx: *a\n", CLIENTS_OK, "general.yml:2: YAML aliases are not supported");
	check_fails("", "cfg: {}\n---\ncfg: {}\n", CLIENTS_OK, "general.yml:2: YAML error: more than one document");
	check_fails("", "? [a]\n: 1\n", CLIENTS_OK, "a mapping key must be a plain string");
	check_fails("", GENERAL_OK "  passive: True\n  passive: False\n", CLIENTS_OK,
	    "general.yml:9: duplicate key 'passive' (first at line 8)");
	char deep[512] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	check_fails("", deep, CLIENTS_OK, "nested deeper than");
	check_fails("", "cfg: \"\\xff\xfe\"\n", CLIENTS_OK, "YAML error");
}

TEST(old_arouteserver_syntax)
{
	check_fails("", GENERAL_OK "    next_hop_policy: strict\n", CLIENTS_OK,
	    "cfg.filtering.next_hop_policy: old arouteserver syntax: write it as 'next_hop: {policy: ...}'");
	check_fails("", GENERAL_OK "    max_prefix: {peering_db: True}\n", CLIENTS_OK,
	    "cfg.filtering.max_prefix.peering_db: old arouteserver syntax");
	check_loads("", GENERAL_OK "    max_prefix: {peering_db: {enabled: True}}\n", CLIENTS_OK);
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {rpki: {reject_invalid: True}}}\n",
	    "clients[0].cfg.filtering.rpki: old arouteserver syntax: write it as 'rpki_bgp_origin_validation'");
}

TEST(router_id_list)
{
	check_loads("", "cfg:\n  rs_as: 1\n  router_id: [192.0.2.9]\n" FILTERS_OFF, CLIENTS_OK);
	check_fails("", "cfg:\n  rs_as: 1\n  router_id: [192.0.2.9, 192.0.2.10]\n", CLIENTS_OK,
	    "a list of several router IDs is not supported");
	check_fails("", "cfg:\n  rs_as: 1\n  router_id: []\n", CLIENTS_OK, "empty list");
}

/* Each filter arouteserver turns on by default that can be turned off is
 * refused while absent, at the line of its closest present parent. */
TEST(defaults_asking_for_filters_are_refused)
{
	static const struct { const char *filtering, *path; } cases[] = {
		{ "    never_via_route_servers: {peering_db: False}\n"
		  "    irrdb: {enforce_origin_in_as_set: False, enforce_prefix_in_as_set: False}\n",
		  "general.yml:4: cfg.filtering.reject_invalid_as_in_as_path: True (arouteserver's default)" },
		{ "    reject_invalid_as_in_as_path: False\n"
		  "    irrdb: {enforce_origin_in_as_set: False, enforce_prefix_in_as_set: False}\n",
		  "general.yml:4: cfg.filtering.never_via_route_servers.peering_db: True (arouteserver's default)" },
		{ "    reject_invalid_as_in_as_path: False\n"
		  "    never_via_route_servers: {peering_db: False}\n"
		  "    irrdb: {enforce_prefix_in_as_set: False}\n",
		  "general.yml:7: cfg.filtering.irrdb.enforce_origin_in_as_set: True (arouteserver's default)" },
		{ "    reject_invalid_as_in_as_path: False\n"
		  "    never_via_route_servers: {peering_db: False}\n"
		  "    irrdb: {enforce_origin_in_as_set: False}\n",
		  "cfg.filtering.irrdb.enforce_prefix_in_as_set: True (arouteserver's default) is not "
		  "implemented by ixpd yet (set it to False to turn it off)" },
	};
	char general[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(general, sizeof(general), GENERAL_HEAD "  filtering:\n%s", cases[i].filtering);
		check_fails("", general, CLIENTS_OK, cases[i].path);
	}
	check_fails("", GENERAL_HEAD, CLIENTS_OK,
	    "general.yml:1: cfg.filtering.reject_invalid_as_in_as_path: True (arouteserver's default)");
}

/* Every general.yml value that asks for a feature ixpd lacks is refused,
 * naming the key.  cfg is more text under cfg:; filtering is more text
 * under FILTERS_OFF's filtering:, or all of it when it has its own irrdb:. */
TEST(unimplemented_values_are_refused)
{
	static const struct { const char *cfg, *filtering, *want; } cases[] = {
		{ "  prepend_rs_as: True\n", "", "cfg.prepend_rs_as: True is not implemented by ixpd yet (set it to False" },
		{ "  multihop: 2\n", "", "cfg.multihop: 2 is not implemented by ixpd yet (set it to 0 to turn it off)" },
		{ "  gtsm: yes\n", "", "cfg.gtsm: True is not" },
		{ "  rfc8950: True\n", "", "cfg.rfc8950: True is not" },
		{ "", "    next_hop: {policy: authorized_addresses}\n",
		  "cfg.filtering.next_hop.policy: 'authorized_addresses' is not implemented by ixpd yet "
		  "(only the default 'strict' is accepted for now)" },
		{ "", "    global_black_list_pref: [{prefix: 10.0.0.0, length: 8}]\n",
		  "cfg.filtering.global_black_list_pref: not implemented by ixpd yet (leave it empty to turn it off)" },
		{ "", "    transit_free: {action: warning}\n",
		  "cfg.filtering.transit_free.action: 'warning' is not implemented by ixpd yet (remove it to turn it off)" },
		{ "", RIAP_OFF IRRDB_OFF_WITH("") "    never_via_route_servers: {peering_db: False, asns: 2914}\n",
		  "cfg.filtering.never_via_route_servers.asns: not" },
		{ "", RIAP_OFF NVRS_OFF IRRDB_OFF_WITH(", use_rpki_roas_as_route_objects: {enabled: True}"),
		  "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.enabled: True is not" },
		{ "", RIAP_OFF NVRS_OFF IRRDB_OFF_WITH(", use_arin_bulk_whois_data: {enabled: True}"),
		  "cfg.filtering.irrdb.use_arin_bulk_whois_data.enabled: True is not" },
		{ "", RIAP_OFF NVRS_OFF IRRDB_OFF_WITH(", use_registrobr_bulk_whois_data: {enabled: True}"),
		  "cfg.filtering.irrdb.use_registrobr_bulk_whois_data.enabled: True is not" },
		{ "", "    rpki_bgp_origin_validation: {enabled: True}\n",
		  "cfg.filtering.rpki_bgp_origin_validation.enabled: True is not" },
		{ "", "    max_prefix: {action: block}\n", "cfg.filtering.max_prefix.action: 'block' is not" },
		{ "", "    roles: {enabled: True}\n", "cfg.filtering.roles.enabled: True is not" },
		{ "", "    reject_policy: {policy: tag}\n",
		  "cfg.filtering.reject_policy.policy: 'tag' is not implemented by ixpd yet (set it to 'reject' to turn it off)" },
		{ "  blackhole_filtering: {policy_ipv6: propagate-unchanged}\n", "",
		  "cfg.blackhole_filtering.policy_ipv6: 'propagate-unchanged' is not" },
		{ "  graceful_shutdown: {enabled: True}\n", "", "cfg.graceful_shutdown.enabled: True is not" },
		{ "  rfc1997_wellknown_communities: {policy: rfc1997}\n", "",
		  "cfg.rfc1997_wellknown_communities.policy: 'rfc1997' is not implemented by ixpd yet (set it to 'pass'" },
		{ "  communities: {announce_to_peer: {ext: \"rt:0:peer_as\"}}\n", "", "cfg.communities.announce_to_peer: not" },
		{ "  communities: {reject_cause_map: {\"14\": {lrg: \"rs_as:1101:13\"}}}\n", "",
		  "cfg.communities.reject_cause_map: not" },
	};
	char general[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *filtering = cases[i].filtering;
		if (strstr(filtering, "irrdb:") == NULL)
			snprintf(general, sizeof(general), GENERAL_HEAD "%s" FILTERS_OFF "%s", cases[i].cfg, filtering);
		else
			snprintf(general, sizeof(general), GENERAL_HEAD "%s  filtering:\n%s", cases[i].cfg, filtering);
		check_fails("", general, CLIENTS_OK, cases[i].want);
	}
}

TEST(values_turning_features_off_are_accepted)
{
	check_loads("", GENERAL_HEAD "  multihop: 0\n  blackhole_filtering: {policy_ipv4: null}\n"
	    "  rfc1997_wellknown_communities: {policy: pass}\n"
	    "  communities: {blackholing: {std: null}, reject_cause_map: {}}\n" FILTERS_OFF
	    "    transit_free: {action: ~, asns: \"174, 701\"}\n"
	    "    max_prefix: {action: null, general_limit_ipv4: 0}\n"
	    "    reject_policy: {policy: reject}\n"
	    "    global_black_list_pref:\n"
	    "    ipv4_pref_len: {min: 8, max: 24}\n",
	    CLIENTS_OK);
}

TEST(client_overrides)
{
	struct ixpd_config *cfg = load("", GENERAL_HEAD "  add_path: True\n" FILTERS_OFF,
	    "clients:\n"
	    "  - asn: 64511\n    ip: 192.0.2.11\n    cfg: {passive: False}\n"
	    "  - asn: 64512\n    ip: 192.0.2.12\n    cfg: {add_path: False}\n");

	CHECK(cfg != NULL);
	if (cfg) {
		CHECK(!cfg->members[0].passive && cfg->members[0].add_path);
		CHECK(cfg->members[1].passive && !cfg->members[1].add_path);
		CHECK(cfg->policy.passive && cfg->policy.add_path);
	}
	config_free(cfg);
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {multihop: 3}\n",
	    "clients.yml:4: clients[0].cfg.multihop: 3 is not implemented by ixpd yet");
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {irrdb: {enforce_origin_in_as_set: True}}}\n",
	    "clients[0].cfg.filtering.irrdb.enforce_origin_in_as_set: True is not");
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {black_list_pref: [{prefix: 10.0.0.0, length: 8}]}}\n",
	    "clients[0].cfg.filtering.black_list_pref: not");
	check_fails("", GENERAL_OK,
	    CLIENTS_OK "    cfg: {filtering: {next_hop: {authorized_addresses_list: [192.0.2.99]}}}\n",
	    "clients[0].cfg.filtering.next_hop.authorized_addresses_list: not");
	/* a client cannot turn back on what general refuses, and inherits the rest */
	check_loads("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {irrdb: {enforce_origin_in_as_set: False}}}\n");
}

TEST(custom_communities)
{
	const char *general = GENERAL_OK "  custom_communities:\n    from_eu: {std: \"65501:1\"}\n";

	check_fails("", general, CLIENTS_OK "    cfg: {attach_custom_communities: [from_us]}\n",
	    "clients[0].cfg.attach_custom_communities: custom community 'from_us' is not declared");
	check_fails("", general, CLIENTS_OK "    cfg: {attach_custom_communities: [from_eu]}\n",
	    "clients[0].cfg.attach_custom_communities: not implemented by ixpd yet");
	check_fails("", GENERAL_OK "  custom_communities:\n    blackholing: {std: \"65501:1\"}\n", CLIENTS_OK,
	    "'blackholing' is the name of a built-in community");
}

TEST(community_values)
{
	static const struct { const char *comm, *want; } cases[] = {
		/* well formed: refused because communities are not implemented */
		{ "blackholing: {std: \"65534:0\", lrg: \"rs_as:666:0\", ext: \"ro:1:2\"}", "not implemented" },
		{ "do_not_announce_to_peer: {std: \"0:peer_as\", lrg: \"rs_as:0:peer_as\"}", "not implemented" },
		{ "reject_cause: {lrg: \"rs_as:65520:dyn_val\"}", "not implemented" },
		/* badly formed */
		{ "blackholing: {std: \"65535:0\"}", "'65535:0': 65535:x is reserved" },
		{ "blackholing: {std: \"65536:0\"}", "parts must be 0..65535 or a macro" },
		{ "blackholing: {std: \"1:2:3\"}", "'1:2:3': expected x:x" },
		{ "blackholing: {lrg: \"1:2\"}", "expected x:x:x" },
		{ "blackholing: {lrg: \"1:2:3:4\"}", "too many parts" },
		{ "blackholing: {lrg: \"1:4294967296:3\"}", "parts must be 0..4294967295" },
		{ "blackholing: {ext: \"xx:1:2\"}", "expected rt:x:x or ro:x:x" },
		{ "blackholing: {std: \"0:peer_as\"}", "this macro is not allowed in this community" },
		{ "announce_to_peer: {lrg: \"rs_as:peer_as:0\"}", "this macro can only be the last part" },
		{ "announce_to_peer: {std: \"0:1\"}", "needs the peer_as macro" },
		{ "reject_cause: {std: \"0:1\"}", "needs the dyn_val macro" },
		{ "blackholing: {std: [1, 2]}", "cfg.communities.blackholing.std: expected a community string" },
	};
	char general[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(general, sizeof(general), GENERAL_OK "  communities: {%s}\n", cases[i].comm);
		check_fails("", general, CLIENTS_OK, cases[i].want);
	}
}

TEST(as_set_names)
{
	static const char *const good[] = { "AS64496", "AS-FOO", "as-foo", "AS64496:AS-FOO",
		"AS64496:AS-FOO:AS-BAR", "AS64496:AS-FOO:AS64511", "RIPE::AS-FOO", "RIPE::AS64496:AS-FOO",
		"AS-FOO_BAR-1" };
	static const char *const bad[] = { "FOO", "AS", "AS-", "AS-FOO-", "AS64496:AS64511", "AS64x",
		"RIPE:AS-FOO", "::AS-FOO", "R1PE::AS-FOO", "AS-FOO:", "AS-F.O" };
	char clients[512];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(clients, sizeof(clients), CLIENTS_OK "    cfg: {filtering: {irrdb: {as_sets: [\"%s\"]}}}\n", good[i]);
		check_loads("", GENERAL_OK, clients);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(clients, sizeof(clients), CLIENTS_OK "    cfg: {filtering: {irrdb: {as_sets: [\"%s\"]}}}\n", bad[i]);
		check_fails("", GENERAL_OK, clients, "is not an AS-SET or ASN name");
	}
}

TEST(prefix_entries)
{
	static const struct { const char *entry, *want; } cases[] = {
		{ "{prefix: 10.0.0.0, length: 33}", "global_black_list_pref[0]: length is longer than the address" },
		{ "{prefix: \"2001:db8::\", length: 129}", "expected an integer from 0 to 128" },
		{ "{prefix: 10.0.0.0, length: 8, ge: 7}", "ge and le must be between length" },
		{ "{prefix: 10.0.0.0, length: 8, le: 33}", "ge and le must be between length" },
		{ "{prefix: 10.0.0.0, length: 8, ge: 20, le: 16}", "ge must not be greater than le" },
		{ "{prefix: 10.0.0.0, length: 8, exact: True, le: 16}", "cannot be used with exact" },
		{ "{prefix: 10.0.0.0}", "global_black_list_pref[0]: missing required key 'length'" },
		{ "{prefix: 10.0.0.0, length: 8, asn: 1}", "unknown key 'asn'" },
		{ "{prefix: x, length: 8}", "global_black_list_pref[0].prefix: expected an IP address, got 'x'" },
		{ "{prefix: 10.0.0.0, length: 8, comment: x}", "global_black_list_pref: not implemented" },
	};
	char general[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(general, sizeof(general), GENERAL_OK "    global_black_list_pref: [%s]\n", cases[i].entry);
		check_fails("", general, CLIENTS_OK, cases[i].want);
	}
	check_loads("", GENERAL_OK,
	    CLIENTS_OK "    cfg: {filtering: {irrdb: {white_list_route: [{prefix: 10.0.0.0, length: 8, asn: 1}]}}}\n");
}

TEST(number_lists)
{
	struct ixpd_config *cfg;

	cfg = load("", GENERAL_OK "    transit_free:\n      asns: >\n        174, 701,\n        1299\n"
	    "  rtt_thresholds: [5, 10, 20]\n", CLIENTS_OK);
	CHECK(cfg != NULL);
	if (cfg) {
		CHECK_EQ_INT(cfg->general.filtering.transit_free.asns.n, 3);
		CHECK_EQ_INT(cfg->general.filtering.transit_free.asns.v[2], 1299);
		CHECK_EQ_INT(cfg->general.rtt_thresholds.n, 3);
	}
	config_free(cfg);
	check_fails("", GENERAL_OK "    transit_free: {asns: \"174, x\"}\n", CLIENTS_OK,
	    "cfg.filtering.transit_free.asns: expected integers from 1 to 4294967295, got 'x'");
	check_fails("", GENERAL_OK "    transit_free: {asns: [174, 0]}\n", CLIENTS_OK, "got '0'");
	check_fails("", GENERAL_OK "  rtt_thresholds: 5, 10, 10\n", CLIENTS_OK,
	    "cfg.rtt_thresholds: values must be ascending and unique, got 10 after 10");
	check_fails("", GENERAL_OK "  rtt_thresholds: 10, 5\n", CLIENTS_OK, "got 5 after 10");
}

TEST(members_sorted_and_unique)
{
	struct ixpd_config *cfg;
	char buf[INET6_ADDRSTRLEN];

	cfg = load("", GENERAL_OK,
	    "clients:\n  - asn: 1\n    ip: [\"2001:db8::2\", 192.0.2.20]\n  - asn: 2\n    ip: 192.0.2.3\n");
	CHECK(cfg != NULL);
	if (cfg) {
		CHECK_EQ_INT(cfg->n_members, 3);
		CHECK_EQ_STR(cfg_addr_str(&cfg->members[0].addr, buf, sizeof(buf)), "192.0.2.3");
		CHECK_EQ_STR(cfg_addr_str(&cfg->members[1].addr, buf, sizeof(buf)), "192.0.2.20");
		CHECK_EQ_STR(cfg_addr_str(&cfg->members[2].addr, buf, sizeof(buf)), "2001:db8::2");
		CHECK_EQ_INT(cfg->members[2].asn, 1);
	}
	config_free(cfg);
	check_fails("", GENERAL_OK, "clients:\n  - asn: 1\n    ip: [192.0.2.1, 192.0.2.1]\n",
	    "clients.yml:3: duplicate IP address 192.0.2.1: already used at line 3");
	check_fails("", GENERAL_OK, "clients:\n  - asn: 1\n    ip: \"2001:db8::1\"\n  - asn: 2\n    ip: \"2001:DB8:0::1\"\n",
	    "clients.yml:5: duplicate IP address 2001:db8::1: already used at line 3");
}

TEST(dump_is_stable_yaml)
{
	struct ixpd_config *cfg = config_load(CASES "client-override/ixpd.yml", err, sizeof(err));
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	CHECK(cfg != NULL);
	if (cfg == NULL || out == NULL)
		return;
	config_dump(cfg, out);
	fclose(out);
	CHECK(strstr(text, "\nixpd:\n  general: \"" CASES "client-override/general.yml\"\n") != NULL);
	CHECK(strstr(text, "    - ip: \"192.0.2.13\"\n      defined_at: \"" CASES
	    "client-override/clients.yml:10\"\n      asn: 64513\n      cfg:\n        passive: False\n"
	    "        add_path: False\n        filtering:\n          max_prefix:\n            limit_ipv4: 1000\n") != NULL);
	free(text);
	config_free(cfg);
}
