/* SPDX-License-Identifier: ISC */
/* PeeringDB net records: file loading, hostile records, AS-SET text,
 * never-via-RS, max-prefix, cache, and the HTTP path against a canned
 * server on 127.0.0.1.  Run from the repository root. */
#include "testlib.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp.h"
#include "peeringdb.h"

#define DATA "tests/data/peeringdb/"

static struct pdb *load(const char *path)
{
	char err[512] = "";
	struct pdb *db = pdb_load_file(path, err, sizeof(err));
	if (db == NULL)
		fprintf(stderr, "  %s\n", err);
	return db;
}

TEST(file_in_api_shape_loads_and_hostile_records_are_skipped_and_counted)
{
	struct pdb *db = load(DATA "net.json");
	CHECK(db != NULL);
	if (db == NULL)
		return;
	/* 3333 (twice: the first wins), 10745, 680, 6939, 4294967295 */
	CHECK_EQ_INT(db->n, 5);
	/* ids 7-17 and the three non-objects */
	CHECK_EQ_INT(db->skipped, 14);
	CHECK(!db->from_cache);
	CHECK(db->time > 0);
	const struct pdb_net *n = pdb_lookup(db, 3333);
	CHECK(n != NULL);
	if (n) {
		CHECK_EQ_INT(n->info_prefixes4, 30);
		CHECK_EQ_INT(n->info_prefixes6, 20);
		CHECK(!n->never_via_route_servers);
		CHECK_EQ_STR(n->irr_as_set, "RIPE::AS-RIPENCC");
		CHECK_EQ_INT(n->as_sets.n, 1);
		if (n->as_sets.n == 1)
			CHECK_EQ_STR(n->as_sets.v[0], "RIPE::AS-RIPENCC");
	}
	n = pdb_lookup(db, 6939);
	CHECK(n != NULL);
	if (n) {
		CHECK_EQ_INT(n->info_prefixes4, 0);    /* null */
		CHECK_EQ_INT(n->as_sets.n, 2);
	}
	n = pdb_lookup(db, 10745);
	CHECK(n != NULL && n->as_sets.n == 0 && n->irr_as_set != NULL);
	n = pdb_lookup(db, 4294967295u);
	CHECK(n != NULL && n->irr_as_set == NULL && n->never_via_route_servers);
	for (uint32_t asn = 64500; asn <= 64506; asn++)
		CHECK(pdb_lookup(db, asn) == NULL);
	CHECK(pdb_lookup(db, 1) == NULL);
	CHECK(pdb_lookup(NULL, 3333) == NULL);
	pdb_free(db);
}

TEST(file_errors_name_the_file_and_line)
{
	char err[512];
	CHECK(pdb_load_file(DATA "syntax-error.json", err, sizeof(err)) == NULL);
	CHECK(strstr(err, DATA "syntax-error.json:3:") == err);
	CHECK(pdb_load_file(DATA "no-data.json", err, sizeof(err)) == NULL);
	CHECK(strstr(err, "no \"data\" list") != NULL);
	CHECK(pdb_load_file(DATA "data-not-list.json", err, sizeof(err)) == NULL);
	CHECK(strstr(err, "no \"data\" list") != NULL);
	CHECK(pdb_load_file(DATA "absent.json", err, sizeof(err)) == NULL);
	CHECK(strstr(err, "No such file") != NULL);
	CHECK(pdb_load_file(DATA, err, sizeof(err)) == NULL);   /* a directory */
	CHECK(strstr(err, "not a regular file") != NULL);
}

TEST(never_via_rs_set_comes_from_the_flag)
{
	struct pdb *db = load(DATA "net.json");
	if (db == NULL)
		return;
	struct asn_set nv = { 0 };
	asn_set_add(&nv, (const uint32_t[]){ 64999 }, 1);   /* from general.yml */
	pdb_never_via_rs(db, &nv);
	CHECK_EQ_INT(nv.n, 3);
	CHECK(asn_set_has(&nv, 680));
	CHECK(asn_set_has(&nv, 4294967295u));
	CHECK(asn_set_has(&nv, 64999));
	CHECK(!asn_set_has(&nv, 3333));
	asn_set_free(&nv);
	pdb_free(db);
}

/* Expected results from arouteserver's own unit test of parse_as_sets
 * (tests/static/test_peeringdb.py), plus cases seen in real PeeringDB data. */
TEST(irr_as_set_text_parses_like_arouteserver)
{
	static const struct { const char *in; const char *out[3]; } cases[] = {
		{ "AS-1", { "AS-1" } },
		{ "AS-1, AS-2, AA:BB", { "AS-1", "AS-2" } },
		{ "AS-1 / AS-2\nAS-3", { "AS-1", "AS-2", "AS-3" } },
		{ "AS-", { NULL } },
		{ "AS-A_BB, as-b", { "AS-A_BB", "AS-B" } },
		{ "AA-B", { NULL } },
		{ "AA:AS-BB", { NULL } },
		{ "AS:AS-BB", { NULL } },
		{ "AS1:AS-BB", { "AS1:AS-BB" } },
		{ "AS1", { "AS1" } },
		{ "RIPE:AS-B", { "RIPE::AS-B" } },
		{ "UNKNOWNSOURCE:AS-B", { NULL } },
		{ "UNKNOWNSOURCE::AS-B", { "UNKNOWNSOURCE::AS-B" } },
		{ "RIPE::AS-B", { "RIPE::AS-B" } },
		{ "RIPE: AS-B", { "AS-B" } },
		{ "RIPE: AS1:AS-B:AS2, ARIN: AS1:AS-1-CUST", { "AS1:AS-B:AS2", "AS1:AS-1-CUST" } },
		{ "ipv4:AS-B", { "AS-B" } },
		{ "ipv4:RIPE::AS-B", { "RIPE::AS-B" } },
		{ "ripe: AS-A, RaDB: AS-ONE", { "AS-A", "AS-ONE" } },
		{ "AS-ONE@RIPE", { "RIPE::AS-ONE" } },
		{ "RIPE::AS-ONE@RIPE", { NULL } },
		{ "RIPE:AS-ONE@RIPE", { NULL } },
		{ "RIPE: AS-ONE@RIPE", { "RIPE::AS-ONE" } },
		{ "AS-ONE@TWO@RIPE", { NULL } },
		/* real irr_as_set values */
		{ "AS5413:AS-CUSTOMER AS5413:RS-CUSTOMER", { "AS5413:AS-CUSTOMER" } },
		{ "RS-AUTHDNS-AMS RS-AUTHDNS-LON", { NULL } },
		{ "AS-VIAWEST-TRANSIT, AS-FLEXENTIAL", { "AS-VIAWEST-TRANSIT", "AS-FLEXENTIAL" } },
		{ "as-foo@radb AS-FOO@RADB", { "radb::AS-FOO", "RADB::AS-FOO" } },
		{ "ipv6:AS-X&AS-Y AS-X", { "AS-X", "AS-Y" } },
		{ "", { NULL } },
		{ "  \t ", { NULL } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg_str_list l = { 0 };
		int want = 0;
		while (want < 3 && cases[i].out[want] != NULL)
			want++;
		int got = pdb_parse_irr_as_set(cases[i].in, &l);
		bool same = got == want && l.n == want;
		for (int k = 0; same && k < want; k++)
			same = strcmp(l.v[k], cases[i].out[k]) == 0;
		if (!same) {
			fprintf(stderr, "  \"%s\": got %d:", cases[i].in, l.n);
			for (int k = 0; k < l.n; k++)
				fprintf(stderr, " %s", l.v[k]);
			fprintf(stderr, "\n");
			CHECK(0);
		}
		pdb_str_list_free(&l);
	}
}

TEST(irr_as_set_text_survives_long_and_binary_input)
{
	char big[4096];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "AS-", 3);
	struct cfg_str_list l = { 0 };
	CHECK_EQ_INT(pdb_parse_irr_as_set(big, &l), 0);     /* longer than PeeringDB allows */
	CHECK_EQ_INT(pdb_parse_irr_as_set("AS-\x01\xff AS-OK", &l), 1);
	CHECK_EQ_INT(l.n, 1);
	pdb_str_list_free(&l);
}

/* --- max-prefix ---------------------------------------------------------- */

static struct cfg_general gen;
static struct cfg_client cli;

static void max_prefix_setup(uint32_t asn)
{
	memset(&gen, 0, sizeof(gen));
	memset(&cli, 0, sizeof(cli));
	gen.filtering.max_prefix.general_limit_ipv4 = 170000;
	gen.filtering.max_prefix.general_limit_ipv6 = 12000;
	cli.asn = asn;
	cli.policy.filtering.max_prefix.action = CFG_MAX_PREFIX_SHUTDOWN;
	cli.policy.filtering.max_prefix.peering_db.enabled = true;
	cli.policy.filtering.max_prefix.peering_db.increment.absolute = 100;
	cli.policy.filtering.max_prefix.peering_db.increment.relative = 15;
}

static struct pdb *one_net(uint32_t asn, uint32_t p4, uint32_t p6)
{
	struct pdb *db = calloc(1, sizeof(*db));
	db->nets = calloc(1, sizeof(*db->nets));
	db->nets[0] = (struct pdb_net){ .asn = asn, .info_prefixes4 = p4, .info_prefixes6 = p6 };
	db->n = 1;
	return db;
}

TEST(max_prefix_follows_arouteservers_order)
{
	struct pdb *db = one_net(64500, 4, 0);
	max_prefix_setup(64500);
	/* no action: nothing is computed */
	cli.policy.filtering.max_prefix.action = CFG_MAX_PREFIX_NONE;
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV4), 0);
	cli.policy.filtering.max_prefix.action = CFG_MAX_PREFIX_BLOCK;
	/* the client's own limit wins */
	cli.max_prefix.limit_ipv4 = 2;
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV4), 2);
	cli.max_prefix.limit_ipv4 = 0;
	/* PeeringDB disabled: general limit */
	cli.policy.filtering.max_prefix.peering_db.enabled = false;
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV4), 170000);
	cli.policy.filtering.max_prefix.peering_db.enabled = true;
	/* arouteserver's live test: PeeringDB 4, increment 1 / 20% -> 6 */
	cli.policy.filtering.max_prefix.peering_db.increment.absolute = 1;
	cli.policy.filtering.max_prefix.peering_db.increment.relative = 20;
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV4), 6);
	/* ... and with increment 0/0 the PeeringDB value itself */
	cli.policy.filtering.max_prefix.peering_db.increment.absolute = 0;
	cli.policy.filtering.max_prefix.peering_db.increment.relative = 0;
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV4), 4);
	/* no record: general limit without increment */
	cli.asn = 64501;
	cli.policy.filtering.max_prefix.peering_db.increment.absolute = 100;
	cli.policy.filtering.max_prefix.peering_db.increment.relative = 15;
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV4), 170000);
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, NULL, AFI_IPV6), 12000);
	/* a record with info_prefixes6 0: the general limit, incremented
	 * (12000 + 100) * 1.15 = 13914.999999999998 -> 13915 */
	cli.asn = 64500;
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV6), 13915);
	/* ... and nothing at all when the general limit is 0 too */
	gen.filtering.max_prefix.general_limit_ipv6 = 0;
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV6), 0);
	pdb_free(db);
}

TEST(max_prefix_rounds_half_to_even_and_caps)
{
	max_prefix_setup(64500);
	cli.policy.filtering.max_prefix.peering_db.increment.absolute = 0;
	cli.policy.filtering.max_prefix.peering_db.increment.relative = 50;
	static const struct { uint32_t pdb, want; } cases[] = {
		{ 1, 2 },        /* 1.5 -> 2 */
		{ 3, 4 },        /* 4.5 -> 4: Python rounds half to even */
		{ 5, 8 },        /* 7.5 -> 8 */
		{ 100, 150 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pdb *db = one_net(64500, cases[i].pdb, 0);
		CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV4), cases[i].want);
		pdb_free(db);
	}
	/* the usual defaults: (100 + 100) * 1.15 = 229.99999999999997 -> 230 */
	max_prefix_setup(64500);
	struct pdb *db = one_net(64500, 100, 4294967295u);
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV4), 230);
	CHECK_EQ_INT(pdb_max_prefix(&cli, &gen, db, AFI_IPV6), 4294967295u);
	pdb_free(db);
}

/* --- cache and HTTP ------------------------------------------------------ */

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ixpd-test-pdb-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		perror("mkdtemp");
}

/* Removes tmpdir/peeringdb/ * and the directories. */
static void remove_tmpdir(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/peeringdb", tmpdir);
	DIR *d = opendir(path);
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char f[1024];
			snprintf(f, sizeof(f), "%s/%s", path, e->d_name);
			unlink(f);
		}
		closedir(d);
		rmdir(path);
	}
	snprintf(path, sizeof(path), "%s/net.json", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

static int count_files(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

TEST(save_then_load_round_trips_the_records)
{
	make_tmpdir();
	struct pdb *db = load(DATA "net.json");
	if (db == NULL)
		return;
	char path[256], err[512];
	snprintf(path, sizeof(path), "%s/net.json", tmpdir);
	CHECK_EQ_INT(pdb_save(db, path, err, sizeof(err)), 0);
	CHECK_EQ_INT(count_files(tmpdir), 1);          /* no temp file left */
	struct pdb *back = load(path);
	CHECK(back != NULL);
	if (back != NULL) {
		CHECK_EQ_INT(back->n, db->n);
		CHECK_EQ_INT(back->skipped, 0);
		for (size_t i = 0; i < db->n && i < back->n; i++) {
			const struct pdb_net *a = &db->nets[i], *b = &back->nets[i];
			CHECK_EQ_INT(a->asn, b->asn);
			CHECK_EQ_INT(a->info_prefixes4, b->info_prefixes4);
			CHECK_EQ_INT(a->info_prefixes6, b->info_prefixes6);
			CHECK_EQ_INT(a->never_via_route_servers, b->never_via_route_servers);
			CHECK((a->irr_as_set == NULL) == (b->irr_as_set == NULL));
			if (a->irr_as_set && b->irr_as_set)
				CHECK_EQ_STR(a->irr_as_set, b->irr_as_set);
			CHECK_EQ_INT(a->as_sets.n, b->as_sets.n);
		}
	}
	/* a directory that does not exist: an error, not a crash */
	CHECK_EQ_INT(pdb_save(db, "/nonexistent-dir/net.json", err, sizeof(err)), -1);
	CHECK(strstr(err, "/nonexistent-dir/net.json") != NULL);
	pdb_free(back);
	pdb_free(db);
	remove_tmpdir();
}

/* A tiny HTTP server: answers each connection with the first canned
 * response whose `match` is in the request line, then closes it. */
struct canned {
	const char *match;
	int status;
	const char *body;
	bool hang;                   /* read the request, answer nothing */
};
struct server {
	int fd;
	uint16_t port;
	const struct canned *responses;
	size_t n_responses;
	int connections;             /* to serve before exiting */
	char requests[4][1024];      /* request heads seen */
	int n_requests;
	pthread_t thread;
};

static void serve_one(struct server *s, int c)
{
	char req[1024];
	size_t len = 0;
	struct pollfd p = { c, POLLIN, 0 };
	while (len < sizeof(req) - 1 && poll(&p, 1, 5000) == 1) {
		ssize_t r = read(c, req + len, sizeof(req) - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[len] = '\0';
	if (s->n_requests < 4)
		snprintf(s->requests[s->n_requests++], sizeof(s->requests[0]), "%s", req);
	const struct canned *a = NULL;
	char *eol = strstr(req, "\r\n");
	if (eol)
		*eol = '\0';
	for (size_t i = 0; i < s->n_responses && a == NULL; i++)
		if (strstr(req, s->responses[i].match))
			a = &s->responses[i];
	if (a == NULL || a->hang) {
		sleep(2);
		return;
	}
	char head[256];
	int hlen = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", a->status, strlen(a->body));
	if (write(c, head, (size_t)hlen) < 0 || write(c, a->body, strlen(a->body)) < 0)
		perror("write");
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	for (int i = 0; i < s->connections; i++) {
		struct pollfd p = { s->fd, POLLIN, 0 };
		if (poll(&p, 1, 10000) != 1)
			break;
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			break;
		serve_one(s, c);
		close(c);
	}
	return NULL;
}

static bool server_start(struct server *s, const struct canned *r, size_t n, int connections)
{
	memset(s, 0, sizeof(*s));
	s->responses = r;
	s->n_responses = n;
	s->connections = connections;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s->fd, 8) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &alen) < 0) {
		perror("test server");
		return false;
	}
	s->port = ntohs(a.sin_port);
	return pthread_create(&s->thread, NULL, server_main, s) == 0;
}

static void server_stop(struct server *s)
{
	pthread_join(s->thread, NULL);
	close(s->fd);
}

/* A port nothing listens on: bound, never listened to, closed. */
static uint16_t dead_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &alen);
	close(fd);
	return ntohs(a.sin_port);
}

static const struct canned api[] = {
	{ "asn__in=3333,680 ", 200,
	  "{\"data\":[{\"asn\":3333,\"irr_as_set\":\"RIPE::AS-RIPENCC\",\"info_prefixes4\":30,"
	  "\"info_prefixes6\":20,\"info_never_via_route_servers\":false},"
	  "{\"asn\":680,\"info_prefixes4\":1200,\"info_never_via_route_servers\":true}],\"meta\":{}}", false },
	{ "asn__in=6939 ", 200,
	  "{\"data\":[{\"asn\":6939,\"irr_as_set\":\"RADB::AS-HURRICANE\",\"info_prefixes4\":null}]}", false },
	{ "info_never_via_route_servers=1 ", 200,
	  "{\"data\":[{\"asn\":680,\"info_never_via_route_servers\":true},"
	  "{\"asn\":8075,\"info_never_via_route_servers\":true},{\"asn\":\"bad\"}]}", false },
};

TEST(fetch_queries_in_chunks_with_api_key_writes_cache_and_falls_back_to_it)
{
	struct server s;
	if (!server_start(&s, api, 3, 3))
		return;
	make_tmpdir();
	char base[64], err[512] = "";
	snprintf(base, sizeof(base), "http://127.0.0.1:%u/", s.port);  /* trailing '/' is fine */
	struct pdb_fetch_opts o = {
		.base_url = base, .api_key = "secret-key", .cache_dir = tmpdir,
		.timeout = 5, .chunk = 2, .never_via_rs = true,
	};
	const uint32_t asns[] = { 3333, 680, 6939 };
	struct pdb *db = pdb_fetch(&o, asns, 3, err, sizeof(err));
	server_stop(&s);
	CHECK(db != NULL);
	if (db == NULL) {
		fprintf(stderr, "  %s\n", err);
		remove_tmpdir();
		return;
	}
	CHECK_EQ_INT(s.n_requests, 3);
	CHECK(strstr(s.requests[0], "GET /api/net?asn__in=3333,680 HTTP/1.1\r\n") == s.requests[0]);
	CHECK(strstr(s.requests[1], "GET /api/net?asn__in=6939 HTTP/1.1\r\n") == s.requests[1]);
	CHECK(strstr(s.requests[2], "GET /api/net?info_never_via_route_servers=1 ") == s.requests[2]);
	CHECK(strstr(s.requests[0], "\r\nAuthorization: Api-Key secret-key\r\n") != NULL);
	CHECK(!db->from_cache);
	CHECK_EQ_INT(db->n, 4);                         /* 680 once */
	CHECK_EQ_INT(db->skipped, 1);
	CHECK(pdb_lookup(db, 6939) != NULL && pdb_lookup(db, 6939)->as_sets.n == 1);
	CHECK(pdb_lookup(db, 8075) != NULL && pdb_lookup(db, 8075)->never_via_route_servers);

	char dir[128];
	snprintf(dir, sizeof(dir), "%s/peeringdb", tmpdir);
	CHECK_EQ_INT(count_files(dir), 1);             /* net.json, no temp file */

	/* PeeringDB unreachable: the cache answers, and says so */
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", dead_port());
	struct pdb *cached = pdb_fetch(&o, asns, 3, err, sizeof(err));
	CHECK(cached != NULL);
	if (cached != NULL) {
		CHECK(cached->from_cache);
		CHECK_EQ_INT(cached->n, 4);
		CHECK_EQ_INT(cached->skipped, 0);
		CHECK(pdb_lookup(cached, 3333) != NULL && pdb_lookup(cached, 3333)->info_prefixes4 == 30);
		CHECK(cached->time <= time(NULL) && cached->time >= db->time - 1);
	}
	pdb_free(cached);
	pdb_free(db);
	remove_tmpdir();
}

TEST(fetch_fails_cleanly_on_http_errors_bad_json_and_timeouts_without_cache)
{
	static const struct canned bad[] = {
		{ "asn__in=1 ", 429, "{}", false },
		{ "asn__in=2 ", 200, "<html>not json</html>", false },
		{ "asn__in=3 ", 200, "{\"data\": 5}", false },
		{ "asn__in=4 ", 200, "", true },
	};
	static const struct { uint32_t asn; const char *msg; } cases[] = {
		{ 1, "HTTP 429" }, { 2, "line 1" }, { 3, "no \"data\" list" }, { 4, "timed out" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct server s;
		if (!server_start(&s, bad, 4, 1))
			return;
		char base[64], err[512] = "";
		snprintf(base, sizeof(base), "http://127.0.0.1:%u", s.port);
		struct pdb_fetch_opts o = { .base_url = base, .timeout = 1 };
		struct pdb *db = pdb_fetch(&o, &cases[i].asn, 1, err, sizeof(err));
		server_stop(&s);
		CHECK(db == NULL);
		CHECK(strstr(s.requests[0], "Authorization:") == NULL);   /* anonymous */
		if (strstr(err, cases[i].msg) == NULL) {
			fprintf(stderr, "  case %u: \"%s\" lacks \"%s\"\n", cases[i].asn, err, cases[i].msg);
			CHECK(0);
		}
		pdb_free(db);
	}
	/* unreachable and no cache file in the cache directory */
	make_tmpdir();
	char base[64], err[512] = "";
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", dead_port());
	struct pdb_fetch_opts o = { .base_url = base, .cache_dir = tmpdir, .timeout = 1 };
	CHECK(pdb_fetch(&o, (const uint32_t[]){ 1 }, 1, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "no cache to fall back to") != NULL);
	remove_tmpdir();
}

/* --- real data (shared/data), skipped when absent ------------------------- */

static const char *shared_dir(void)
{
	const char *d = getenv("IXPD_SHARED_DATA");
	return d ? d : "../shared/data";
}

TEST(real_peeringdb_pages_load_completely_and_agree_with_the_derived_list)
{
	char path[512];
	struct asn_set nv = { 0 }, want = { 0 };
	for (int page = 1; page <= 2; page++) {
		snprintf(path, sizeof(path), "%s/peeringdb/api-capture/prod-anon-net-page-%d.json",
		    shared_dir(), page);
		if (access(path, R_OK) != 0) {
			printf("  skip: %s not found (shared data absent)\n", path);
			return;
		}
		struct pdb *db = load(path);
		CHECK(db != NULL);
		if (db == NULL)
			return;
		CHECK_EQ_INT(db->n, 250);
		CHECK_EQ_INT(db->skipped, 0);
		pdb_never_via_rs(db, &nv);
		const struct pdb_net *n = pdb_lookup(db, 13649);
		if (n != NULL) {
			CHECK_EQ_INT(n->as_sets.n, 2);
			if (n->as_sets.n == 2) {
				CHECK_EQ_STR(n->as_sets.v[0], "AS-VIAWEST-TRANSIT");
				CHECK_EQ_STR(n->as_sets.v[1], "AS-FLEXENTIAL");
			}
		}
		pdb_free(db);
	}
	snprintf(path, sizeof(path), "%s/lists/DERIVED-transit-free-and-never-via-rs-asns.txt",
	    shared_dir());
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		printf("  skip: %s not found\n", path);
		asn_set_free(&nv);
		return;
	}
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		unsigned long asn;
		if (sscanf(line, "peeringdb\t%lu", &asn) == 1)
			asn_set_add(&want, &(uint32_t){ (uint32_t)asn }, 1);
	}
	fclose(f);
	CHECK_EQ_INT(nv.n, want.n);
	for (size_t i = 0; i < nv.n && i < want.n; i++)
		CHECK_EQ_INT(nv.v[i], want.v[i]);
	asn_set_free(&nv);
	asn_set_free(&want);
}

TEST(arouteservers_peeringdb_fixture_gives_its_as_sets)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/peeringdb/arouteserver/peeringdb_net_3333_10745.json",
	    shared_dir());
	if (access(path, R_OK) != 0) {
		printf("  skip: %s not found (shared data absent)\n", path);
		return;
	}
	struct pdb *db = load(path);
	if (db == NULL) {
		CHECK(0);
		return;
	}
	CHECK_EQ_INT(db->n, 3);
	const struct pdb_net *n = pdb_lookup(db, 3333);
	CHECK(n != NULL && n->as_sets.n == 1 && strcmp(n->as_sets.v[0], "AS-RIPENCC") == 0);
	n = pdb_lookup(db, 197000);   /* route-sets only */
	CHECK(n != NULL && n->as_sets.n == 0);
	n = pdb_lookup(db, 10745);
	CHECK(n != NULL && n->info_prefixes4 == 5 && n->info_prefixes6 == 0);
	pdb_free(db);
}
