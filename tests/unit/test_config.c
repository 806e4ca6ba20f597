/* SPDX-License-Identifier: ISC */
/* Unit tests of the configuration loader (src/config/): address and boolean helpers, and loading small
 * configurations written to a temporary directory.  Run from the top of
 * the repository (as `make check` does): some tests load the golden cases
 * of tests/config/cases/. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "bogons.h"
#include "config.h"
#include "testlib.h"

#define CASES "tests/config/cases/"

/* general.yml's start, and the filters arouteserver turns on by default
 * turned off, so that a test sees only what it adds (FILTERS_OFF ends inside
 * `filtering:`: more filtering keys may follow). */
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

/* The temporary directory of the last load_with_bogons(), for paths. */
static char load_dir[64];

/* Loads ixpd.yml (naming general.yml and clients.yml, plus ixpd_extra),
 * general, clients and, if not NULL, bogons.yml from a temporary
 * directory.  On error, err holds the message with the directory left out:
 * "general.yml:3: ...". */
static struct ixpd_config *load_with_bogons(const char *ixpd_extra, const char *general,
    const char *clients, const char *bogons)
{
	char dir[] = "/tmp/test_config.XXXXXX", path[512], text[1024];
	struct ixpd_config *cfg;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(load_dir, sizeof(load_dir), "%s", dir);
	snprintf(text, sizeof(text), "general: general.yml\nclients: clients.yml\n%s", ixpd_extra);
	write_file(dir, "ixpd.yml", text);
	write_file(dir, "general.yml", general);
	write_file(dir, "clients.yml", clients);
	if (bogons != NULL)
		write_file(dir, "bogons.yml", bogons);
	snprintf(path, sizeof(path), "%s/ixpd.yml", dir);
	err[0] = '\0';
	cfg = config_load(path, err, sizeof(err));
	size_t len = strlen(dir);
	if (strncmp(err, dir, len) == 0 && err[len] == '/')
		memmove(err, err + len + 1, strlen(err + len + 1) + 1);
	remove_file(dir, "ixpd.yml");
	remove_file(dir, "general.yml");
	remove_file(dir, "clients.yml");
	remove_file(dir, "bogons.yml");
	rmdir(dir);
	return cfg;
}

static struct ixpd_config *load(const char *ixpd_extra, const char *general,
    const char *clients)
{
	return load_with_bogons(ixpd_extra, general, clients, NULL);
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
	struct ip_addr a;
	char buf[INET6_ADDRSTRLEN];

	CHECK_EQ_INT(ip_addr_parse("192.0.2.1", &a), 0);
	CHECK_EQ_INT(a.family, AF_INET);
	CHECK_EQ_INT(ntohl(a.u.v4.s_addr), 0xc0000201);
	CHECK_EQ_STR(ip_addr_str(&a, buf, sizeof(buf)), "192.0.2.1");
	CHECK_EQ_INT(ip_addr_parse("2001:DB8:0:0::1", &a), 0);
	CHECK_EQ_INT(a.family, AF_INET6);
	CHECK_EQ_STR(ip_addr_str(&a, buf, sizeof(buf)), "2001:db8::1");
	CHECK_EQ_INT(ip_addr_parse("::ffff:192.0.2.1", &a), 0);
	CHECK_EQ_INT(a.family, AF_INET6);
}

TEST(addr_parse_rejects)
{
	static const char *const bad[] = { "", "x", "192.0.2.300", "192.0.2", "01.2.3.4",
		"192.0.2.1/24", "fe80::1%eth0", "2001:db8:::1", " 192.0.2.1" };
	struct ip_addr a = { .family = 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_INT(ip_addr_parse(bad[i], &a), -1);
	CHECK_EQ_INT(a.family, 0);
}

TEST(addr_str_small_buffer_is_empty)
{
	struct ip_addr a;
	char buf[8] = "junk";

	ip_addr_parse("2001:db8::1", &a);
	CHECK_EQ_STR(ip_addr_str(&a, buf, sizeof(buf)), "");
}

TEST(addr_equal_and_cmp)
{
	struct ip_addr a, b, c, v6;

	ip_addr_parse("192.0.2.1", &a);
	ip_addr_parse("192.0.2.1", &b);
	ip_addr_parse("192.0.2.20", &c);
	ip_addr_parse("::ffff:192.0.2.1", &v6);
	CHECK(ip_addr_equal(&a, &b));
	CHECK(!ip_addr_equal(&a, &c));
	CHECK(!ip_addr_equal(&a, &v6));    /* families differ */
	CHECK_EQ_INT(ip_addr_cmp(&a, &b), 0);
	CHECK(ip_addr_cmp(&a, &c) < 0);
	CHECK(ip_addr_cmp(&c, &a) > 0);
	CHECK(ip_addr_cmp(&c, &v6) < 0);   /* IPv4 first */
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
	CHECK_EQ_STR(cfg->control_socket, IXPD_CONTROL_SOCKET);
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
	CHECK_EQ_STR(ip_addr_str(&cfg->listen_addrs[1], buf, sizeof(buf)), "2001:db8::1");
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
		CHECK_EQ_STR(cfg->control_socket, IXPD_CONTROL_SOCKET);
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
	check_fails("", GENERAL_OK "  rpki_roas: {source: rpki-client}\n", CLIENTS_OK,
	    "cfg.rpki_roas.source: expected one of 'ripe-rpki-validator-cache', 'rtr', got 'rpki-client'");
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

TEST(router_id_list)
{
	check_loads("", "cfg:\n  rs_as: 1\n  router_id: [192.0.2.9]\n" FILTERS_OFF, CLIENTS_OK);
	check_fails("", "cfg:\n  rs_as: 1\n  router_id: [192.0.2.9, 192.0.2.10]\n", CLIENTS_OK,
	    "a list of several router IDs is not supported");
	check_fails("", "cfg:\n  rs_as: 1\n  router_id: []\n", CLIENTS_OK, "empty list");
}

/* A general.yml with only the required keys is valid: every filter at
 * arouteserver's default, which turns the four filters below on. */
TEST(arouteserver_defaults_are_accepted)
{
	struct ixpd_config *cfg = load("", GENERAL_HEAD, CLIENTS_OK);

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK(cfg->policy.filtering.reject_invalid_as_in_as_path);
	CHECK(cfg->general.filtering.never_via_route_servers.peering_db);
	CHECK(cfg->policy.filtering.irrdb.enforce_origin_in_as_set);
	CHECK(cfg->policy.filtering.irrdb.enforce_prefix_in_as_set);
	CHECK(cfg->general.filtering.irrdb.tag_as_set);
	CHECK_EQ_INT(cfg->policy.filtering.next_hop.policy, CFG_NEXT_HOP_STRICT);
	CHECK_EQ_INT(cfg->policy.filtering.max_prefix.action, CFG_MAX_PREFIX_NONE);
	CHECK_EQ_INT(cfg->general.filtering.transit_free.action, CFG_TRANSIT_FREE_NONE);
	CHECK_EQ_INT(cfg->general.filtering.transit_free.asns.n, 0);
	CHECK(!cfg->policy.filtering.rpki_bgp_origin_validation.enabled);
	CHECK_EQ_INT(cfg->policy.filtering.reject_policy.policy, CFG_REJECT_POLICY_REJECT);
	config_free(cfg);
}

/* What ixpd still does not implement is refused, naming the key. */
TEST(unimplemented_values_are_refused)
{
	static const struct { const char *cfg, *want; } cases[] = {
		{ "  rfc8950: True\n", "cfg.rfc8950: True is not" },
	};
	char general[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(general, sizeof(general), GENERAL_HEAD "%s", cases[i].cfg);
		check_fails("", general, CLIENTS_OK, cases[i].want);
	}
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {roles: {local_role: peer}}}\n",
	    "clients[0].cfg.filtering.roles.local_role: 'peer' is not implemented by ixpd yet (set it to 'rs'");
}

/* Every filter and action of the policy module takes its values. */
TEST(policy_options_are_accepted)
{
	struct ixpd_config *cfg = load("", GENERAL_HEAD
	    "  filtering:\n"
	    "    next_hop: {policy: same-as}\n"
	    "    global_black_list_pref: [{prefix: 192.0.2.0, length: 24, comment: lan}]\n"
	    "    reject_invalid_as_in_as_path: True\n"
	    "    transit_free: {action: reject, asns: [174]}\n"
	    "    never_via_route_servers: {peering_db: True, asns: \"64496, 64497\"}\n"
	    "    irrdb: {enforce_origin_in_as_set: yes, enforce_prefix_in_as_set: yes, allow_longer_prefixes: yes}\n"
	    "    max_prefix: {action: warning, restart_after: 5, count_rejected_routes: False}\n"
	    "    reject_policy: {policy: tag}\n"
	    "    roles: {enabled: True, strict_mode: True}\n"
	    "  blackhole_filtering: {policy_ipv4: propagate-unchanged, policy_ipv6: rewrite-next-hop,\n"
	    "    rewrite_next_hop_ipv6: \"2001:db8::66\", announce_to_client: False, add_noexport: False}\n"
	    "  graceful_shutdown: {enabled: True, local_pref: 0}\n"
	    "  communities:\n"
	    "    blackholing: {std: \"64500:666\", lrg: \"rs_as:666:0\", ext: \"ro:1:2\"}\n"
	    "    add_noexport_to_any: {std: \"65534:65281\"}\n"
	    "    reject_cause_map: {\"14\": {lrg: \"rs_as:1101:13\"}}\n",
	    CLIENTS_OK "    cfg:\n      filtering:\n"
	    "        next_hop: {policy: authorized_addresses, authorized_addresses_list: [192.0.2.99]}\n"
	    "        black_list_pref: [{prefix: 10.0.0.0, length: 8}]\n"
	    "        max_prefix: {action: shutdown, limit_ipv4: 10}\n"
	    "        rpki_bgp_origin_validation: {reject_invalid: False}\n"
	    "        roles: {strict_mode: False}\n");

	CHECK(cfg != NULL);
	if (cfg == NULL) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_EQ_INT(cfg->policy.filtering.next_hop.policy, CFG_NEXT_HOP_SAME_AS);
	CHECK(cfg->policy.filtering.roles.enabled && cfg->policy.filtering.roles.strict_mode);
	CHECK(cfg->clients[0].policy.filtering.roles.enabled);
	CHECK(!cfg->clients[0].policy.filtering.roles.strict_mode);
	CHECK_EQ_STR(cfg->general.filtering.global_black_list_pref.v[0].comment, "lan");
	CHECK_EQ_INT(cfg->general.filtering.transit_free.action, CFG_TRANSIT_FREE_REJECT);
	CHECK_EQ_INT(cfg->general.filtering.never_via_route_servers.asns.n, 2);
	CHECK_EQ_INT(cfg->policy.filtering.max_prefix.action, CFG_MAX_PREFIX_WARNING);
	CHECK_EQ_INT(cfg->policy.filtering.reject_policy.policy, CFG_REJECT_POLICY_TAG);
	CHECK_EQ_INT(cfg->general.blackhole_filtering.policy_ipv6, CFG_BLACKHOLE_REWRITE_NEXT_HOP);
	CHECK(!cfg->policy.blackhole_filtering.announce_to_client);
	CHECK(cfg->policy.graceful_shutdown.enabled);
	CHECK_EQ_STR(cfg->general.communities[CFG_COMM_BLACKHOLING].ext, "ro:1:2");
	CHECK_EQ_STR(cfg->general.communities[CFG_COMM_ADD_NOEXPORT_TO_ANY].std, "65534:65281");
	CHECK_EQ_INT(cfg->general.reject_cause_map.n, 1);
	const struct cfg_client *cl = &cfg->clients[0];
	CHECK_EQ_INT(cl->policy.filtering.next_hop.policy, CFG_NEXT_HOP_AUTHORIZED_ADDRESSES);
	CHECK_EQ_INT(cl->authorized_addresses_list.n, 1);
	CHECK_EQ_INT(cl->black_list_pref.v[0].length, 8);
	CHECK_EQ_INT(cl->policy.filtering.max_prefix.action, CFG_MAX_PREFIX_SHUTDOWN);
	CHECK_EQ_INT(cl->max_prefix.limit_ipv4, 10);
	CHECK(!cl->policy.filtering.rpki_bgp_origin_validation.reject_invalid);
	CHECK_EQ_INT(cl->policy.filtering.reject_policy.policy, CFG_REJECT_POLICY_TAG);  /* inherited */
	config_free(cfg);
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
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {rfc8950: True}\n",
	    "clients.yml:4: clients[0].cfg.rfc8950: True is not implemented by ixpd yet");
	cfg = load("", GENERAL_OK, CLIENTS_OK "    cfg: {multihop: 3}\n");
	CHECK(cfg && cfg->clients[0].policy.multihop == 3);
	config_free(cfg);
	cfg = load("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {irrdb: {enforce_origin_in_as_set: True}}}\n");
	CHECK(cfg != NULL);
	if (cfg) {
		CHECK(cfg->clients[0].policy.filtering.irrdb.enforce_origin_in_as_set);
		CHECK(!cfg->clients[0].policy.filtering.irrdb.enforce_prefix_in_as_set);  /* inherited */
		CHECK(!cfg->policy.filtering.irrdb.enforce_origin_in_as_set);
	}
	config_free(cfg);
}

TEST(custom_communities)
{
	const char *general = GENERAL_OK "  custom_communities:\n    from_eu: {std: \"65501:1\"}\n";

	check_fails("", general, CLIENTS_OK "    cfg: {attach_custom_communities: [from_us]}\n",
	    "clients[0].cfg.attach_custom_communities: custom community 'from_us' is not declared");
	check_loads("", general, CLIENTS_OK "    cfg: {attach_custom_communities: [from_eu]}\n");
	check_fails("", GENERAL_OK "  custom_communities:\n    blackholing: {std: \"65501:1\"}\n", CLIENTS_OK,
	    "'blackholing' is the name of a built-in community");
}

TEST(community_values)
{
	static const struct { const char *comm, *want; } cases[] = {
		{ "announce_to_peers_with_rtt_higher_than: {lrg: \"rs_as:4:5\"}", "needs the dyn_val macro" },
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
	check_loads("", GENERAL_OK "  communities: {blackholing: {std: \"65534:0\", lrg: \"rs_as:666:0\", "
	    "ext: \"ro:1:2\"}, do_not_announce_to_peer: {std: \"0:peer_as\", lrg: \"rs_as:0:peer_as\"}, "
	    "reject_cause: {lrg: \"rs_as:65520:dyn_val\"}, announce_to_peers_with_rtt_higher_than: "
	    "{lrg: \"rs_as:4:dyn_val\"}, prepend_thrice_to_peers_with_rtt_higher_than: "
	    "{ext: \"rt:65503:dyn_val\"}}\n", CLIENTS_OK);
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
	};
	char general[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(general, sizeof(general), GENERAL_OK "    global_black_list_pref: [%s]\n", cases[i].entry);
		check_fails("", general, CLIENTS_OK, cases[i].want);
	}
	check_loads("", GENERAL_OK,
	    CLIENTS_OK "    cfg: {filtering: {irrdb: {white_list_route: [{prefix: 10.0.0.0, length: 8, asn: 1}]}}}\n");
	check_loads("", GENERAL_OK "    global_black_list_pref: [{prefix: 10.0.0.0, length: 8, comment: x}]\n",
	    CLIENTS_OK);
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
		CHECK_EQ_STR(ip_addr_str(&cfg->members[0].addr, buf, sizeof(buf)), "192.0.2.3");
		CHECK_EQ_STR(ip_addr_str(&cfg->members[1].addr, buf, sizeof(buf)), "192.0.2.20");
		CHECK_EQ_STR(ip_addr_str(&cfg->members[2].addr, buf, sizeof(buf)), "2001:db8::2");
		CHECK_EQ_INT(cfg->members[2].asn, 1);
	}
	config_free(cfg);
	check_fails("", GENERAL_OK, "clients:\n  - asn: 1\n    ip: [192.0.2.1, 192.0.2.1]\n",
	    "clients.yml:3: duplicate IP address 192.0.2.1: already used at line 3");
	check_fails("", GENERAL_OK, "clients:\n  - asn: 1\n    ip: \"2001:db8::1\"\n  - asn: 2\n    ip: \"2001:DB8:0::1\"\n",
	    "clients.yml:5: duplicate IP address 2001:db8::1: already used at line 3");
}

/* ---- rules between keys, and defaults depending on other keys ---- */

TEST(transit_free_asns_default_to_reference_list_with_an_action)
{
	struct ixpd_config *cfg;

	cfg = load("", GENERAL_OK "    transit_free: {action: reject}\n", CLIENTS_OK);
	CHECK(cfg != NULL);
	if (cfg) {
		const struct cfg_u32_list *l = &cfg->general.filtering.transit_free.asns;
		CHECK_EQ_INT(l->n, 14);
		CHECK_EQ_INT(l->v[0], 174);
		CHECK_EQ_INT(l->v[13], 12956);
	}
	config_free(cfg);
	/* no action: no list; an own list, even empty, is kept */
	static const struct { const char *transit_free; int n; } cases[] = {
		{ "", 0 },
		{ "    transit_free: {action: warning, asns: [3356]}\n", 1 },
		{ "    transit_free: {action: warning, asns: []}\n", 0 },
	};
	char general[512];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(general, sizeof(general), GENERAL_OK "%s", cases[i].transit_free);
		cfg = load("", general, CLIENTS_OK);
		CHECK(cfg != NULL);
		if (cfg)
			CHECK_EQ_INT(cfg->general.filtering.transit_free.asns.n, cases[i].n);
		config_free(cfg);
	}
}

TEST(community_defaults_fill_functions_left_unset)
{
	struct ixpd_config *cfg = load("", GENERAL_OK "  communities:\n"
	    "    do_not_announce_to_peer: {lrg: \"rs_as:9:peer_as\"}\n"
	    "    reject_cause_map: {\"2\": {std: \"65000:2\"}}\n", CLIENTS_OK);
	const struct cfg_community *cm;

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	cm = cfg->general.communities;
	CHECK_EQ_STR(cm[CFG_COMM_DO_NOT_ANNOUNCE_TO_ANY].std, "0:rs_as");
	CHECK_EQ_STR(cm[CFG_COMM_DO_NOT_ANNOUNCE_TO_ANY].lrg, "rs_as:0:0");
	CHECK(cm[CFG_COMM_DO_NOT_ANNOUNCE_TO_ANY].ext == NULL);
	CHECK_EQ_STR(cm[CFG_COMM_ANNOUNCE_TO_PEER].std, "rs_as:peer_as");
	CHECK_EQ_STR(cm[CFG_COMM_PREPEND_TWICE_TO_ANY].lrg, "rs_as:102:0");
	CHECK_EQ_STR(cm[CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_INVALID].lrg, "rs_as:1000:4");
	CHECK_EQ_STR(cm[CFG_COMM_REJECT_CAUSE].std, "65520:dyn_val");
	CHECK(cm[CFG_COMM_REJECTED_ROUTE_ANNOUNCED_BY].std == NULL);
	CHECK_EQ_STR(cm[CFG_COMM_REJECTED_ROUTE_ANNOUNCED_BY].lrg, "rs_as:65524:dyn_val");
	/* set in part: left as written */
	CHECK(cm[CFG_COMM_DO_NOT_ANNOUNCE_TO_PEER].std == NULL);
	CHECK_EQ_STR(cm[CFG_COMM_DO_NOT_ANNOUNCE_TO_PEER].lrg, "rs_as:9:peer_as");
	/* no defaults for what configure leaves unset */
	CHECK(cm[CFG_COMM_BLACKHOLING].std == NULL && cm[CFG_COMM_BLACKHOLING].lrg == NULL);
	CHECK(cm[CFG_COMM_ADD_NOEXPORT_TO_ANY].lrg == NULL);
	CHECK(cm[CFG_COMM_ANNOUNCE_TO_PEERS_WITH_RTT_LOWER_THAN].lrg == NULL);
	/* a reject_cause_map of its own is not merged with the default one */
	CHECK_EQ_INT(cfg->general.reject_cause_map.n, 1);
	config_free(cfg);

	cfg = load("", GENERAL_OK, CLIENTS_OK);
	CHECK(cfg != NULL);
	if (cfg) {
		const struct cfg_community_map *m = &cfg->general.reject_cause_map;
		CHECK_EQ_INT(m->n, 10);
		CHECK_EQ_STR(m->v[0].name, "1");
		CHECK_EQ_STR(m->v[0].comm.lrg, "rs_as:1101:5");
		CHECK_EQ_STR(m->v[9].name, "14");
		CHECK_EQ_STR(m->v[9].comm.lrg, "rs_as:1101:13");
	}
	config_free(cfg);
}

TEST(community_defaults_leave_out_std_rs_as_for_32bit_rs_as)
{
	struct ixpd_config *cfg = load("", "cfg:\n  rs_as: 4200000000\n  router_id: 192.0.2.1\n" FILTERS_OFF,
	    CLIENTS_OK);
	const struct cfg_community *cm;

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	cm = cfg->general.communities;
	CHECK(cm[CFG_COMM_DO_NOT_ANNOUNCE_TO_ANY].std == NULL);
	CHECK_EQ_STR(cm[CFG_COMM_DO_NOT_ANNOUNCE_TO_ANY].lrg, "rs_as:0:0");
	CHECK(cm[CFG_COMM_ANNOUNCE_TO_PEER].std == NULL);
	CHECK(cm[CFG_COMM_PREPEND_ONCE_TO_ANY].std == NULL);
	CHECK_EQ_STR(cm[CFG_COMM_PREPEND_ONCE_TO_PEER].std, "65511:peer_as");
	CHECK_EQ_STR(cm[CFG_COMM_PREFIX_PRESENT_IN_AS_SET].std, "64512:11");
	config_free(cfg);
}

TEST(communities_defaults_false_leaves_communities_unset)
{
	struct ixpd_config *cfg = load("communities_defaults: False\n", GENERAL_OK, CLIENTS_OK);

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK(!cfg->communities_defaults);
	for (int i = 0; i < CFG_COMM_COUNT; i++)
		CHECK(cfg->general.communities[i].std == NULL && cfg->general.communities[i].lrg == NULL);
	CHECK_EQ_INT(cfg->general.reject_cause_map.n, 0);
	config_free(cfg);
}

TEST(std_community_with_rs_as_refused_for_32bit_rs_as)
{
	static const struct { const char *comm, *want; } cases[] = {
		{ "  communities: {blackholing: {std: \"rs_as:666\"}}\n",
		  "general.yml:4: cfg.communities.blackholing.std: 'rs_as:666' uses rs_as, but rs_as 65536 "
		  "does not fit in a standard community (use lrg)" },
		{ "  communities: {do_not_announce_to_any: {std: \"0:rs_as\"}}\n",
		  "cfg.communities.do_not_announce_to_any.std: '0:rs_as' uses rs_as" },
		{ "  communities: {reject_cause_map: {\"5\": {std: \"rs_as:5\"}}}\n",
		  "cfg.communities.reject_cause_map.5.std: 'rs_as:5' uses rs_as" },
		{ "  custom_communities: {from_eu: {std: \"rs_as:1\"}}\n",
		  "cfg.custom_communities.from_eu.std: 'rs_as:1' uses rs_as" },
	};
	char general[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(general, sizeof(general), "cfg:\n  rs_as: 65536\n  router_id: 192.0.2.1\n%s", cases[i].comm);
		check_fails("", general, CLIENTS_OK, cases[i].want);
		/* a 16-bit rs_as fits */
		snprintf(general, sizeof(general), "cfg:\n  rs_as: 65535\n  router_id: 192.0.2.1\n%s", cases[i].comm);
		check_loads("", general, CLIENTS_OK);
	}
	check_loads("", "cfg:\n  rs_as: 65536\n  router_id: 192.0.2.1\n"
	    "  communities: {blackholing: {std: \"65534:666\", lrg: \"rs_as:666:0\", ext: \"rt:rs_as:666\"}}\n",
	    CLIENTS_OK);
}

TEST(reject_cause_map_keys_are_reject_codes)
{
	struct ixpd_config *cfg = load("", GENERAL_OK "  communities:\n    reject_cause_map:\n"
	    "      14: {lrg: \"rs_as:1101:13\"}\n      \"2\": {std: \"65000:2\"}\n", CLIENTS_OK);

	CHECK(cfg != NULL);
	if (cfg) {
		CHECK_EQ_INT(cfg->general.reject_cause_map.n, 2);
		CHECK_EQ_STR(cfg->general.reject_cause_map.v[0].name, "14");
		CHECK_EQ_STR(cfg->general.reject_cause_map.v[1].comm.std, "65000:2");
	}
	config_free(cfg);
	check_fails("", GENERAL_OK "  communities: {reject_cause_map: {reject_code_1: {std: \"1:1\"}}}\n",
	    CLIENTS_OK, "cfg.communities.reject_cause_map: expected reject codes (0..65535) as keys, got 'reject_code_1'");
	check_fails("", GENERAL_OK "  communities: {reject_cause_map: {65536: {std: \"1:1\"}}}\n",
	    CLIENTS_OK, "got '65536'");
	check_fails("", GENERAL_OK "  communities: {reject_cause_map: {1: {std: \"1:dyn_val\"}}}\n",
	    CLIENTS_OK, "this macro is not allowed in this community");
}

TEST(blackhole_rewrite_next_hop_needs_the_address)
{
	check_fails("", GENERAL_OK "  blackhole_filtering:\n    policy_ipv4: rewrite-next-hop\n", CLIENTS_OK,
	    "general.yml:9: cfg.blackhole_filtering.policy_ipv4: 'rewrite-next-hop' needs the address in "
	    "cfg.blackhole_filtering.rewrite_next_hop_ipv4");
	check_fails("", GENERAL_OK "  blackhole_filtering: {policy_ipv6: rewrite-next-hop, "
	    "rewrite_next_hop_ipv4: 192.0.2.66}\n", CLIENTS_OK, "needs the address in cfg.blackhole_filtering.rewrite_next_hop_ipv6");
	check_loads("", GENERAL_OK "  blackhole_filtering: {policy_ipv6: rewrite-next-hop, "
	    "rewrite_next_hop_ipv6: \"2001:db8::66\"}\n", CLIENTS_OK);
	check_loads("", GENERAL_OK "  blackhole_filtering: {policy_ipv4: propagate-unchanged}\n", CLIENTS_OK);
	check_fails("", GENERAL_OK "  blackhole_filtering: {policy_ipv4: drop}\n", CLIENTS_OK,
	    "expected one of 'propagate-unchanged', 'rewrite-next-hop', got 'drop'");
}

#define RPKI_ON "    rpki_bgp_origin_validation: {enabled: True}\n"

TEST(rpki_validation_needs_a_data_source)
{
	struct ixpd_config *cfg;

	check_fails("", GENERAL_OK RPKI_ON, CLIENTS_OK,
	    "general.yml:8: cfg.filtering.rpki_bgp_origin_validation.enabled: RPKI origin validation is "
	    "enabled but no RPKI data source is configured: set rpki.vrp_file or rpki.rtr in ixpd.yml");
	check_fails("rpki: {vrp_file: vrps.json}\n", GENERAL_OK RPKI_ON "  rpki_roas: {source: rtr}\n",
	    CLIENTS_OK, "RPKI origin validation is enabled and cfg.rpki_roas.source is 'rtr', but ixpd.yml "
	    "configures no rpki.rtr cache");
	check_loads("rpki: {rtr: \"rtr.example.net:323\"}\n", GENERAL_OK RPKI_ON "  rpki_roas: {source: rtr}\n",
	    CLIENTS_OK);
	check_loads("rpki: {vrp_file: /var/lib/vrps.json}\n", GENERAL_OK RPKI_ON, CLIENTS_OK);
	/* enabled by a client: refused where the client enables it */
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {rpki_bgp_origin_validation: {enabled: True}}}\n",
	    "clients.yml:4: clients[0].cfg.filtering.rpki_bgp_origin_validation.enabled: RPKI origin "
	    "validation is enabled but no RPKI data source");
	/* a local ripe_rpki_validator_url is the VRP file, relative to ixpd.yml */
	cfg = load("", GENERAL_OK RPKI_ON "  rpki_roas:\n    ripe_rpki_validator_url: "
	    "[\"https://example.net/export.json\", export.json, /tmp/other.json]\n", CLIENTS_OK);
	CHECK(cfg != NULL);
	if (cfg) {
		char want[128];
		snprintf(want, sizeof(want), "%s/export.json", load_dir);
		CHECK_EQ_STR(cfg->rpki.vrp_file, want);
		CHECK_EQ_INT(cfg->general.rpki_roas.ripe_rpki_validator_url.n, 3);   /* kept */
	}
	config_free(cfg);
	/* rpki.vrp_file wins; with source rtr the URLs are not a file */
	cfg = load("rpki: {vrp_file: /a.json}\n", GENERAL_OK "  rpki_roas: {ripe_rpki_validator_url: b.json}\n",
	    CLIENTS_OK);
	CHECK(cfg != NULL && strcmp(cfg->rpki.vrp_file, "/a.json") == 0);
	config_free(cfg);
	cfg = load("", GENERAL_OK "  rpki_roas: {source: rtr, ripe_rpki_validator_url: b.json}\n", CLIENTS_OK);
	CHECK(cfg != NULL && cfg->rpki.vrp_file == NULL);
	config_free(cfg);
	check_fails("", GENERAL_OK RPKI_ON "  rpki_roas: {ripe_rpki_validator_url: \"http://localhost/x.json\"}\n",
	    CLIENTS_OK, "no RPKI data source is configured");
}

TEST(reject_policy_tag_needs_reject_cause)
{
	check_loads("", GENERAL_OK "    reject_policy: {policy: tag}\n", CLIENTS_OK);   /* the default one */
	check_fails("communities_defaults: False\n", GENERAL_OK "    reject_policy: {policy: tag_and_reject}\n",
	    CLIENTS_OK, "general.yml:8: cfg.filtering.reject_policy.policy: 'tag_and_reject' needs the "
	    "cfg.communities.reject_cause community");
	check_fails("communities_defaults: False\n", GENERAL_OK,
	    CLIENTS_OK "    cfg: {filtering: {reject_policy: {policy: tag}}}\n",
	    "clients.yml:4: clients[0].cfg.filtering.reject_policy.policy: 'tag' needs");
	check_loads("communities_defaults: False\n", GENERAL_OK "    reject_policy: {policy: tag}\n"
	    "  communities: {reject_cause: {std: \"65520:dyn_val\"}}\n", CLIENTS_OK);
}

TEST(authorized_addresses_policy_and_list_go_together)
{
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {next_hop: {policy: authorized_addresses}}}\n",
	    "clients.yml:4: clients[0].cfg.filtering.next_hop.policy: 'authorized_addresses' needs a "
	    "non-empty cfg.filtering.next_hop.authorized_addresses_list");
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {next_hop: {authorized_addresses_list: [192.0.2.9]}}}\n",
	    "clients[0].cfg.filtering.next_hop.authorized_addresses_list: is set, but the next_hop policy "
	    "is not 'authorized_addresses'");
	check_loads("", GENERAL_OK "    next_hop: {policy: authorized_addresses}\n",
	    CLIENTS_OK "    cfg: {filtering: {next_hop: {authorized_addresses_list: [192.0.2.9, \"2001:db8::9\"]}}}\n");
	check_fails("", GENERAL_OK, CLIENTS_OK "    cfg: {filtering: {next_hop: {policy: authorized_addresses, "
	    "authorized_addresses_list: [x]}}}\n", "expected an IP address, got 'x'");
}

/* ---- ixpd.yml data sources ---- */

TEST(data_source_defaults)
{
	struct ixpd_config *cfg = load("", GENERAL_OK, CLIENTS_OK);

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK(cfg->communities_defaults);
	CHECK_EQ_STR(cfg->cache_dir, CFG_DEFAULT_CACHE_DIR);
	CHECK(cfg->bogons_path == NULL);
	CHECK_EQ_INT(cfg->rpki.rtr.n, 0);
	CHECK(cfg->rpki.vrp_file == NULL);
	CHECK_EQ_INT(cfg->rpki.refresh, 300);
	CHECK_EQ_INT(cfg->irr.rpsl.n, 0);
	CHECK(!cfg->irr.bgpq4.enabled);
	CHECK_EQ_STR(cfg->irr.bgpq4.path, "/usr/bin/bgpq4");
	CHECK_EQ_STR(cfg->irr.bgpq4.host, "rr.ntt.net");
	CHECK(cfg->irr.bgpq4.sources == NULL);
	CHECK_EQ_INT(cfg->irr.refresh, 86400);
	CHECK_EQ_STR(cfg->peeringdb.api, "https://www.peeringdb.com");
	CHECK(cfg->peeringdb.api_key == NULL && cfg->peeringdb.file == NULL);
	CHECK_EQ_INT(cfg->peeringdb.refresh, 86400);
	config_free(cfg);
}

TEST(data_source_values)
{
	struct ixpd_config *cfg = load("cache_dir: cache\n"
	    "rpki: {rtr: [\"rtr.example.net:8282\", \"[2001:db8::1]:323\", 192.0.2.9], vrp_file: v.json, refresh: 1}\n"
	    "irr: {rpsl: [a.db, /b.db], bgpq4: {enabled: yes, path: bin/bgpq4, host: \"whois.radb.net:43\", "
	    "sources: \"RIPE,RADB\"}, refresh: 60}\n"
	    "peeringdb: {api: \"http://localhost:8000\", api_key: \"k3y\", file: net.json, refresh: 2592000}\n",
	    GENERAL_OK, CLIENTS_OK);
	char want[128];

	CHECK(cfg != NULL);
	if (cfg == NULL) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	snprintf(want, sizeof(want), "%s/cache", load_dir);
	CHECK_EQ_STR(cfg->cache_dir, want);
	CHECK_EQ_INT(cfg->rpki.rtr.n, 3);
	CHECK_EQ_STR(cfg->rpki.rtr.v[1], "[2001:db8::1]:323");
	snprintf(want, sizeof(want), "%s/v.json", load_dir);
	CHECK_EQ_STR(cfg->rpki.vrp_file, want);
	CHECK_EQ_INT(cfg->rpki.refresh, 1);
	snprintf(want, sizeof(want), "%s/a.db", load_dir);
	CHECK_EQ_STR(cfg->irr.rpsl.v[0], want);
	CHECK_EQ_STR(cfg->irr.rpsl.v[1], "/b.db");
	CHECK(cfg->irr.bgpq4.enabled);
	snprintf(want, sizeof(want), "%s/bin/bgpq4", load_dir);
	CHECK_EQ_STR(cfg->irr.bgpq4.path, want);
	CHECK_EQ_STR(cfg->irr.bgpq4.host, "whois.radb.net:43");
	CHECK_EQ_STR(cfg->irr.bgpq4.sources, "RIPE,RADB");
	CHECK_EQ_STR(cfg->peeringdb.api, "http://localhost:8000");
	CHECK_EQ_STR(cfg->peeringdb.api_key, "k3y");
	CHECK_EQ_INT(cfg->peeringdb.refresh, 2592000);
	config_free(cfg);
}

TEST(data_source_values_refused)
{
	static const struct { const char *ixpd, *want; } cases[] = {
		{ "rpki: {rtr: \"rtr.example.net:0\"}\n", "ixpd.yml:3: rpki.rtr: expected \"host:port\"" },
		{ "rpki: {rtr: \"2001:db8::1\"}\n", "got '2001:db8::1'" },
		{ "rpki: {rtr: \"[2001:db8::1\"}\n", "got '[2001:db8::1'" },
		{ "rpki: {rtr: \"-h:323\"}\n", "got '-h:323'" },
		{ "rpki: {rtr: \"rtr example:323\"}\n", "got 'rtr example:323'" },
		{ "rpki: {refresh: 0}\n", "rpki.refresh: expected an integer from 1 to 86400, got '0'" },
		{ "irr: {refresh: 0}\n", "irr.refresh: expected an integer from 1 to 2592000" },
		{ "irr: {bgpq4: {sources: \"RIPE, RADB\"}}\n",
		  "irr.bgpq4.sources: blanks and control characters are not allowed" },
		{ "irr: {bgpq4: {host: \"-f\"}}\n", "irr.bgpq4.host: must not start with '-', got '-f'" },
		{ "irr: {bgpq4: {enabled: 1}}\n", "irr.bgpq4.enabled: expected a boolean" },
		{ "irr: {rpsl: [[a]]}\n", "irr.rpsl: expected a list of strings" },
		{ "irr: {whois: x}\n", "unknown key 'whois' in irr" },
		{ "peeringdb: {api: \"ftp://x\"}\n", "peeringdb.api: expected an http:// or https:// URL, got 'ftp://x'" },
		{ "peeringdb: {api_key: \"a\\nb\"}\n", "peeringdb.api_key: blanks and control characters" },
		{ "peeringdb: {refresh: 10}\n", "peeringdb.refresh: expected an integer from 60" },
		{ "communities_defaults: maybe\n", "communities_defaults: expected a boolean" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_fails(cases[i].ixpd, GENERAL_OK, CLIENTS_OK, cases[i].want);
}

TEST(api_key_is_not_dumped)
{
	struct ixpd_config *cfg = load("peeringdb: {api_key: \"s3cret\"}\n", GENERAL_OK, CLIENTS_OK);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	CHECK(cfg != NULL);
	if (cfg == NULL || out == NULL)
		return;
	config_dump(cfg, out);
	fclose(out);
	CHECK(strstr(text, "s3cret") == NULL);
	CHECK(strstr(text, "    api_key: \"(hidden)\"\n") != NULL);
	free(text);
	config_free(cfg);
}

TEST(bogons_file_replaces_the_builtin_list)
{
	struct ixpd_config *cfg;

	cfg = load("", GENERAL_OK, CLIENTS_OK);
	CHECK(cfg != NULL);
	if (cfg)
		CHECK(config_bogons(cfg) == bogons_builtin());
	config_free(cfg);
	cfg = load_with_bogons("bogons: bogons.yml\n", GENERAL_OK, CLIENTS_OK,
	    "bogons:\n  - prefix: \"0.0.0.0\"\n    length: 0\n    exact: True\n    comment: \"Default route\"\n"
	    "  - {prefix: \"2001:db8::\", length: 32}\n");
	CHECK(cfg != NULL);
	if (cfg) {
		const struct cfg_prefix_list *l = config_bogons(cfg);
		CHECK(l == &cfg->bogons);
		CHECK_EQ_INT(l->n, 2);
		CHECK(l->v[0].exact);
		CHECK_EQ_STR(l->v[0].comment, "Default route");
		CHECK_EQ_INT(l->v[1].prefix.family, AF_INET6);
	}
	config_free(cfg);
	cfg = load_with_bogons("bogons: bogons.yml\n", GENERAL_OK, CLIENTS_OK, "bogons: []\n");
	CHECK(cfg != NULL && config_bogons(cfg)->n == 0);
	config_free(cfg);
}

TEST(bogons_file_errors)
{
	static const struct { const char *bogons, *want; } cases[] = {
		{ "bogons:\n  - {prefix: 10.0.0.0, length: 8}\n  - {prefix: 10.0.0.0, length: 40}\n",
		  "bogons.yml:3: bogons[1]: length is longer than the address" },
		{ "bogons:\n  - {prefix: 10.0.0.0, length: 8, asn: 1}\n", "bogons.yml:2: unknown key 'asn' in bogons[0]" },
		{ "bogon:\n  - {prefix: 10.0.0.0, length: 8}\n", "bogons.yml:1: unknown key 'bogon' at top level" },
		{ "# nothing\n", "bogons.yml:1: missing required key 'bogons'" },
		{ "bogons: {prefix: 10.0.0.0}\n", "bogons.yml:1: bogons: expected a list of {prefix, length} entries" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ixpd_config *cfg = load_with_bogons("bogons: bogons.yml\n", GENERAL_OK, CLIENTS_OK,
		    cases[i].bogons);
		CHECK(cfg == NULL);
		if (strstr(err, cases[i].want) == NULL)
			fprintf(stderr, "  got \"%s\"\n  want \"%s\"\n", err, cases[i].want);
		CHECK(strstr(err, cases[i].want) != NULL);
		config_free(cfg);
	}
	check_fails("bogons: missing.yml\n", GENERAL_OK, CLIENTS_OK, "missing.yml: cannot open");
}

/* arouteserver's own bogons.yml, from the shared data set when present. */
TEST(shared_arouteserver_bogons_file_loads)
{
	const char *data = getenv("IXPD_SHARED_DATA");
	char path[PATH_MAX], text[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/arouteserver/config.d/bogons.yml", data ? data : "../shared/data");
	if (access(path, R_OK) != 0) {
		printf("skip shared_arouteserver_bogons_file_loads: %s not found\n", path);
		return;
	}
	CHECK(realpath(path, text) != NULL);
	memmove(text + 8, text, strlen(text) + 1);
	memcpy(text, "bogons: ", 8);
	strcat(text, "\n");
	struct ixpd_config *cfg = load(text, GENERAL_OK, CLIENTS_OK);
	CHECK(cfg != NULL);
	if (cfg) {
		CHECK_EQ_INT(cfg->bogons.n, bogons_builtin()->n);
		CHECK(cfg->bogons.v[0].exact);
	}
	config_free(cfg);
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
