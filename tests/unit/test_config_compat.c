/* SPDX-License-Identifier: ISC */
/* Unit tests of the conversion of deprecated arouteserver syntaxes
 * (src/config/compat.c), as arouteserver's config/base.py converts them:
 * a file's node tree read, converted, and looked at -- the ROAs options of
 * use_rpki_roas_as_route_objects are seen nowhere else, since ixpd refuses
 * the `enabled: True` they need -- and, through config_load(), the warnings
 * a loaded configuration carries.  Run from the top of the repository:
 * some tests load the golden cases of tests/config/cases/. */
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "config_int.h"
#include "testlib.h"

#define CASES "tests/config/cases/"
#define HEAD "cfg:\n  rs_as: 64500\n  router_id: \"192.0.2.1\"\n"
#define CLIENT "clients:\n  - asn: 64511\n    ip: 192.0.2.11\n"

static char err[1024];
static struct ixpd_config converted;   /* holds the warnings of the last convert() */

static void forget_warnings(void)
{
	for (int i = 0; i < converted.warnings.n; i++)
		free(converted.warnings.v[i]);
	free(converted.warnings.v);
	converted.warnings.v = NULL;
	converted.warnings.n = 0;
}

/* The i-th warning of the last convert(), or "" (not NULL: a failing
 * check must not crash the others of its test). */
static const char *warning(int i)
{
	return i < converted.warnings.n ? converted.warnings.v[i] : "";
}

/* text, a general.yml (scope S_GENERAL) or clients.yml (S_CLIENTS_FILE),
 * read and converted; NULL with err set when the conversion refuses it.
 * Messages name the file "general.yml". */
static struct ynode *convert(unsigned scope, const char *text)
{
	char path[] = "/tmp/test_config_compat.XXXXXX";
	int fd = mkstemp(path);
	struct ctx c = { .cfg = &converted, .file = "general.yml", .dir = "", .err = err,
		.errlen = sizeof(err) };
	struct ynode *root;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror(path);
		exit(2);
	}
	close(fd);
	forget_warnings();
	err[0] = '\0';
	root = yaml_load(&c, path);
	unlink(path);
	if (root != NULL && compat_convert(&c, scope, root) != 0) {
		ynode_free(root);
		return NULL;
	}
	return root;
}

/* The text of the scalar at path, or NULL: absent, null or not a scalar. */
static const char *text_at(const struct ynode *root, const char *path)
{
	int line;
	const struct ynode *n = root ? ynode_path(root, path, &line) : NULL;

	return n != NULL && n->kind == Y_SCALAR ? n->str : NULL;
}

static bool present(const struct ynode *root, const char *path)
{
	int line;

	return root != NULL && ynode_path(root, path, &line) != NULL;
}

/* Expects text to convert, with nwarnings warnings. */
static struct ynode *check_converts(unsigned scope, const char *text, int nwarnings)
{
	struct ynode *root = convert(scope, text);

	if (root == NULL)
		fprintf(stderr, "  unexpected error: %s\n", err);
	CHECK(root != NULL);
	CHECK_EQ_INT(converted.warnings.n, nwarnings);
	return root;
}

static void check_refused(unsigned scope, const char *text, const char *want)
{
	struct ynode *root = convert(scope, text);

	CHECK(root == NULL);
	CHECK_CONTAINS(err, want);
	ynode_free(root);
}

/* ---- renamed keys of cfg.filtering ---- */

TEST(next_hop_policy_is_read_as_next_hop_policy_with_a_warning)
{
	struct ynode *root = check_converts(S_GENERAL, HEAD "  filtering:\n    next_hop_policy: same-as\n", 1);

	CHECK_EQ_STR(text_at(root, "cfg.filtering.next_hop.policy"), "same-as");
	CHECK(!present(root, "cfg.filtering.next_hop_policy"));
	CHECK_EQ_STR(warning(0), "general.yml:5: cfg.filtering.next_hop_policy: deprecated "
	    "arouteserver syntax, read as 'cfg.filtering.next_hop.policy'");
	ynode_free(root);
}

TEST(next_hop_policy_beside_next_hop_is_refused_even_when_next_hop_is_empty)
{
	check_refused(S_GENERAL, HEAD "  filtering:\n    next_hop:\n    next_hop_policy: strict\n",
	    "general.yml:6: cfg.filtering.next_hop_policy: deprecated arouteserver syntax beside "
	    "'cfg.filtering.next_hop' (line 5), which arouteserver refuses: write it as "
	    "'cfg.filtering.next_hop.policy'");
}

TEST(max_prefix_peering_db_boolean_is_read_as_peering_db_enabled)
{
	struct ynode *root = check_converts(S_GENERAL,
	    HEAD "  filtering:\n    max_prefix:\n      peering_db: False\n", 1);

	CHECK_EQ_STR(text_at(root, "cfg.filtering.max_prefix.peering_db.enabled"), "False");
	CHECK_CONTAINS(warning(0), "general.yml:6: cfg.filtering.max_prefix.peering_db: "
	    "deprecated arouteserver syntax, read as 'cfg.filtering.max_prefix.peering_db.enabled'");
	ynode_free(root);
}

TEST(max_prefix_peering_db_as_a_mapping_or_empty_is_the_current_syntax)
{
	ynode_free(check_converts(S_GENERAL,
	    HEAD "  filtering:\n    max_prefix:\n      peering_db: {enabled: True}\n", 0));
	ynode_free(check_converts(S_GENERAL, HEAD "  filtering:\n    max_prefix:\n      peering_db:\n", 0));
}

TEST(filtering_rpki_is_read_as_rpki_bgp_origin_validation)
{
	struct ynode *root = check_converts(S_GENERAL,
	    HEAD "  filtering:\n    rpki:\n      reject_invalid: False\n", 1);

	CHECK_EQ_STR(text_at(root, "cfg.filtering.rpki_bgp_origin_validation.reject_invalid"), "False");
	CHECK(!present(root, "cfg.rpki_roas"));
	CHECK_CONTAINS(warning(0), "cfg.filtering.rpki: deprecated arouteserver syntax, read "
	    "as 'cfg.filtering.rpki_bgp_origin_validation'");
	ynode_free(root);
	/* empty, as arouteserver's reference clients.yml has it */
	ynode_free(check_converts(S_GENERAL, HEAD "  filtering:\n    rpki:\n", 1));
}

TEST(filtering_rpki_beside_rpki_bgp_origin_validation_is_refused)
{
	check_refused(S_GENERAL, HEAD "  filtering:\n    rpki: {enabled: False}\n"
	    "    rpki_bgp_origin_validation: {}\n",
	    "general.yml:5: cfg.filtering.rpki: deprecated arouteserver syntax beside "
	    "'cfg.filtering.rpki_bgp_origin_validation' (line 6)");
}

/* ---- cfg.rpki_roas, written by the old syntaxes ---- */

TEST(filtering_rpki_enabled_also_takes_the_roas_from_rtr)
{
	struct ynode *root = check_converts(S_GENERAL, HEAD "  filtering:\n    rpki:\n      enabled: True\n", 2);

	CHECK_EQ_STR(text_at(root, "cfg.rpki_roas.source"), "rtr");
	CHECK_EQ_STR(text_at(root, "cfg.filtering.rpki_bgp_origin_validation.enabled"), "True");
	CHECK_EQ_STR(warning(0), "general.yml:6: cfg.filtering.rpki.enabled: deprecated "
	    "arouteserver syntax, read as 'cfg.rpki_roas.source: rtr'");
	ynode_free(root);
}

TEST(roas_as_route_objects_options_move_to_rpki_roas_when_it_is_enabled)
{
	struct ynode *root = check_converts(S_GENERAL, HEAD "  filtering:\n    irrdb:\n"
	    "      use_rpki_roas_as_route_objects:\n        enabled: True\n"
	    "        source: ripe-rpki-validator-cache\n        ripe_rpki_validator_url: https://x/e.json\n"
	    "        allowed_trust_anchors: [ripe]\n", 4);   /* the URL is also made a list */
	const struct ynode *url;
	int line;

	CHECK_EQ_STR(text_at(root, "cfg.rpki_roas.source"), "ripe-rpki-validator-cache");
	url = ynode_path(root, "cfg.rpki_roas.ripe_rpki_validator_url", &line);
	CHECK(url != NULL && url->kind == Y_SEQ && url->n == 1);
	CHECK_EQ_INT(line, 9);                 /* where the old key is */
	CHECK(present(root, "cfg.rpki_roas.allowed_trust_anchors"));
	CHECK_EQ_STR(text_at(root, "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.enabled"), "True");
	CHECK(!present(root, "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.source"));
	CHECK_EQ_STR(warning(0), "general.yml:8: "
	    "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.source: deprecated arouteserver syntax, "
	    "read as 'cfg.rpki_roas.source'");
	ynode_free(root);
}

TEST(roas_as_route_objects_options_are_refused_when_it_is_not_enabled)
{
	check_refused(S_GENERAL, HEAD "  filtering:\n    irrdb:\n      use_rpki_roas_as_route_objects:\n"
	    "        allowed_trust_anchors: [ripe]\n",
	    "general.yml:7: cfg.filtering.irrdb.use_rpki_roas_as_route_objects.allowed_trust_anchors: "
	    "deprecated arouteserver syntax, which arouteserver reads as "
	    "'cfg.rpki_roas.allowed_trust_anchors' only when use_rpki_roas_as_route_objects.enabled is "
	    "True, and refuses otherwise");
}

#define ROAS_AS_ROUTES_WITH(source) \
	HEAD "  filtering:\n    irrdb:\n      use_rpki_roas_as_route_objects:\n" \
	"        enabled: True\n" source "    rpki: {enabled: True}\n"

TEST(roas_as_route_objects_source_other_than_rtr_with_filtering_rpki_is_refused)
{
	check_refused(S_GENERAL, ROAS_AS_ROUTES_WITH("        source: ripe-rpki-validator-cache\n"),
	    "general.yml:8: cfg.filtering.irrdb.use_rpki_roas_as_route_objects.source: deprecated "
	    "arouteserver syntax in conflict with the deprecated cfg.filtering.rpki (line 9), which takes "
	    "the ROAs from RTR");
	/* arouteserver compares 'rtrlib' before renaming it */
	check_refused(S_GENERAL, ROAS_AS_ROUTES_WITH("        source: rtrlib\n"), "in conflict with");
}

TEST(roas_as_route_objects_source_rtr_or_unset_agrees_with_filtering_rpki)
{
	static const char *const agreeing[] = { "        source: rtr\n", "        source:\n",
		"        source: False\n", "" };

	for (size_t i = 0; i < sizeof(agreeing) / sizeof(agreeing[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), ROAS_AS_ROUTES_WITH("%s"), agreeing[i]);
		struct ynode *root = check_converts(S_GENERAL, text, agreeing[i][0] ? 3 : 2);
		CHECK_EQ_STR(text_at(root, "cfg.rpki_roas.source"), "rtr");
		ynode_free(root);
	}
}

TEST(rpki_roas_written_by_an_old_syntax_beside_rpki_roas_is_refused)
{
	check_refused(S_GENERAL, HEAD "  filtering:\n    rpki: {enabled: True}\n  rpki_roas:\n",
	    "general.yml:5: cfg.filtering.rpki.enabled: deprecated arouteserver syntax beside "
	    "'cfg.rpki_roas' (line 6), which arouteserver refuses: write it as 'cfg.rpki_roas.source: rtr'");
	check_refused(S_GENERAL, HEAD "  rpki_roas: {source: rtr}\n  filtering:\n    irrdb:\n"
	    "      use_rpki_roas_as_route_objects: {enabled: True, source: rtr}\n",
	    "general.yml:7: cfg.filtering.irrdb.use_rpki_roas_as_route_objects.source: deprecated "
	    "arouteserver syntax beside 'cfg.rpki_roas' (line 4)");
}

/* ---- values of cfg.rpki_roas ---- */

TEST(a_single_ripe_rpki_validator_url_is_read_as_a_list_of_one)
{
	struct ynode *root = check_converts(S_GENERAL, HEAD "  rpki_roas:\n"
	    "    ripe_rpki_validator_url: https://x/e.json\n", 1);
	int line;
	const struct ynode *url = ynode_path(root, "cfg.rpki_roas.ripe_rpki_validator_url", &line);

	CHECK(url != NULL && url->kind == Y_SEQ && url->n == 1 && strcmp(url->kids[0]->str,
	    "https://x/e.json") == 0);
	ynode_free(root);
	ynode_free(check_converts(S_GENERAL, HEAD "  rpki_roas:\n    ripe_rpki_validator_url: [a, b]\n", 0));
}

TEST(rpki_roas_source_rtrlib_is_read_as_rtr)
{
	struct ynode *root = check_converts(S_GENERAL, HEAD "  rpki_roas:\n    source: rtrlib\n", 1);

	CHECK_EQ_STR(text_at(root, "cfg.rpki_roas.source"), "rtr");
	CHECK_EQ_STR(warning(0), "general.yml:5: cfg.rpki_roas.source: deprecated "
	    "arouteserver syntax, read as 'cfg.rpki_roas.source: rtr'");
	ynode_free(root);
	/* also when moved from use_rpki_roas_as_route_objects */
	root = check_converts(S_GENERAL, HEAD "  filtering:\n    irrdb:\n      use_rpki_roas_as_route_objects:\n"
	    "        enabled: True\n        source: rtrlib\n", 2);
	CHECK_EQ_STR(text_at(root, "cfg.rpki_roas.source"), "rtr");
	ynode_free(root);
}

/* ---- clients, shapes, the loaded configuration ---- */

TEST(a_clients_cfg_is_converted_with_the_client_in_the_messages)
{
	struct ynode *root = check_converts(S_CLIENTS_FILE, CLIENT "  - asn: 64512\n    ip: 192.0.2.12\n"
	    "    cfg:\n      filtering:\n        next_hop_policy: same-as\n", 1);
	int line;
	const struct ynode *clients = ynode_path(root, "clients", &line);

	CHECK(clients != NULL && clients->n == 2);
	if (clients != NULL && clients->n == 2)
		CHECK_EQ_STR(text_at(clients->kids[1], "cfg.filtering.next_hop.policy"), "same-as");
	CHECK_CONTAINS(warning(0), "general.yml:8: clients[1].cfg.filtering.next_hop_policy: ");
	ynode_free(root);
}

TEST(filtering_rpki_enabled_in_a_client_is_refused_as_it_sets_rpki_roas)
{
	check_refused(S_CLIENTS_FILE, CLIENT "    cfg: {filtering: {rpki: {enabled: True}}}\n",
	    "general.yml:4: clients[0].cfg.filtering.rpki.enabled: deprecated arouteserver syntax, read as "
	    "'cfg.rpki_roas.source: rtr', which a client cannot set: arouteserver refuses it");
}

TEST(values_of_other_shapes_are_left_to_the_loader)
{
	static const char *const odd[] = {
		"cfg: 5\n", "cfg: [1]\n", HEAD "  filtering: 5\n", HEAD "  filtering:\n    max_prefix: 5\n",
		HEAD "  filtering:\n    irrdb: 5\n", HEAD "  filtering:\n    irrdb:\n"
		"      use_rpki_roas_as_route_objects: 5\n", HEAD "  filtering:\n    rpki: 5\n",
		HEAD "  rpki_roas: 5\n", HEAD "  rpki_roas:\n    source: [rtrlib]\n",
	};

	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		ynode_free(check_converts(S_GENERAL, odd[i], strstr(odd[i], "rpki: 5") ? 1 : 0));
	ynode_free(check_converts(S_CLIENTS_FILE, "clients: 5\n", 0));
	ynode_free(check_converts(S_CLIENTS_FILE, "clients: [5, {cfg: 5}]\n", 0));
}

TEST(a_loaded_configuration_carries_the_warnings)
{
	struct ixpd_config *cfg = config_load(CASES "deprecated-syntaxes-in-a-client/ixpd.yml", err,
	    sizeof(err));

	CHECK(cfg != NULL);
	if (cfg != NULL) {
		CHECK_EQ_INT(cfg->warnings.n, 3);
		CHECK_CONTAINS(cfg->warnings.v[0], "clients.yml:8: clients[0].cfg.filtering.next_hop_policy: "
		    "deprecated arouteserver syntax");
		CHECK_EQ_INT(cfg->clients[0].policy.filtering.next_hop.policy, CFG_NEXT_HOP_SAME_AS);
	}
	config_free(cfg);
	cfg = config_load(CASES "minimal/ixpd.yml", err, sizeof(err));
	CHECK(cfg != NULL && cfg->warnings.n == 0);
	config_free(cfg);
}
