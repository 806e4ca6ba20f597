/* SPDX-License-Identifier: ISC */
/* pfxtree: exact, covering and covered lookups, removal with glue-node
 * cleanup, and a randomized comparison against a brute-force list. */
#include "testlib.h"

#include "pfxtree.h"
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

/* Collects the entries a walk visits, as text joined by spaces. */
struct seen { char text[4096]; int n; int stop_after; };

static int collect(const struct prefix *entry, void *val, void *arg)
{
	struct seen *s = arg;
	char buf[PREFIX_STRLEN];
	size_t used = strlen(s->text);
	snprintf(s->text + used, sizeof(s->text) - used, "%s%s", s->n ? " " : "",
	    prefix_str(entry, buf, sizeof(buf)));
	s->n++;
	return s->stop_after && s->n >= s->stop_after ? 42 : 0;
}

static const char *covering(const struct pfxtree *t, const char *p, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	struct prefix q = P(p);
	pfxtree_walk_covering(t, &q, collect, s);
	return s->text;
}

static const char *covered(const struct pfxtree *t, const char *p, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	struct prefix q = P(p);
	pfxtree_walk_covered(t, &q, collect, s);
	return s->text;
}

static void add(struct pfxtree *t, const char *p, void *val)
{
	struct prefix q = P(p);
	*pfxtree_insert(t, &q, NULL) = val;
}

static bool has(const struct pfxtree *t, const char *p)
{
	struct prefix q = P(p);
	return pfxtree_find(t, &q) != NULL;
}

static void *del(struct pfxtree *t, const char *p)
{
	struct prefix q = P(p);
	return pfxtree_remove(t, &q);
}

static int count_nodes_visited;
static int count_visit(const struct prefix *entry, void *val, void *arg)
{
	count_nodes_visited++;
	return 0;
}

TEST(insert_reports_created_and_returns_the_same_slot)
{
	struct pfxtree *t = pfxtree_new();
	struct prefix p = P("10.0.0.0/8");
	bool created = false;
	void **slot = pfxtree_insert(t, &p, &created);
	CHECK(created);
	CHECK(slot && *slot == NULL);
	*slot = &created;
	void **again = pfxtree_insert(t, &p, &created);
	CHECK(!created);
	CHECK(again == slot);
	CHECK(*again == &created);
	CHECK(pfxtree_find(t, &p) == slot);
	CHECK_EQ_INT(pfxtree_count(t), 1);
	pfxtree_free(t, NULL);
}

TEST(find_is_exact_not_covering)
{
	struct pfxtree *t = pfxtree_new();
	add(t, "10.0.0.0/8", NULL);
	add(t, "10.1.0.0/16", NULL);
	CHECK(has(t, "10.0.0.0/8"));
	CHECK(has(t, "10.1.0.0/16"));
	CHECK(!has(t, "10.0.0.0/9"));
	CHECK(!has(t, "10.1.0.0/24"));
	CHECK(!has(t, "10.0.0.0/7"));
	CHECK(!has(t, "11.0.0.0/8"));
	pfxtree_free(t, NULL);
}

TEST(glue_node_is_not_an_entry)
{
	/* 10.0.0.0/16 and 10.128.0.0/16 branch at bit 8: a glue 10.0.0.0/8. */
	struct pfxtree *t = pfxtree_new();
	struct seen s;
	add(t, "10.0.0.0/16", NULL);
	add(t, "10.128.0.0/16", NULL);
	CHECK(!has(t, "10.0.0.0/8"));
	CHECK_EQ_INT(pfxtree_count(t), 2);
	CHECK_EQ_INT(pfxtree_nodes(t), 3);
	CHECK_EQ_STR(covering(t, "10.0.1.0/24", &s), "10.0.0.0/16");
	/* The glue becomes an entry when inserted, without a new count twice. */
	bool created = false;
	struct prefix g = P("10.0.0.0/8");
	pfxtree_insert(t, &g, &created);
	CHECK(created);
	CHECK(has(t, "10.0.0.0/8"));
	CHECK_EQ_INT(pfxtree_count(t), 3);
	CHECK_EQ_INT(pfxtree_nodes(t), 3);
	CHECK_EQ_STR(covering(t, "10.0.1.0/24", &s), "10.0.0.0/8 10.0.0.0/16");
	pfxtree_free(t, NULL);
}

TEST(remove_returns_value_and_only_that_entry)
{
	struct pfxtree *t = pfxtree_new();
	int a, b, c;
	add(t, "10.0.0.0/8", &a);
	add(t, "10.1.0.0/16", &b);
	add(t, "10.1.2.0/24", &c);
	CHECK(del(t, "10.1.0.0/16") == &b);
	CHECK(del(t, "10.1.0.0/16") == NULL);
	CHECK(del(t, "10.1.0.0/17") == NULL);
	CHECK(has(t, "10.0.0.0/8"));
	CHECK(has(t, "10.1.2.0/24"));
	CHECK_EQ_INT(pfxtree_count(t), 2);
	pfxtree_free(t, NULL);
}

TEST(remove_of_a_glue_prefix_removes_nothing)
{
	struct pfxtree *t = pfxtree_new();
	add(t, "10.0.0.0/16", NULL);
	add(t, "10.128.0.0/16", NULL);
	CHECK(del(t, "10.0.0.0/8") == NULL);
	CHECK_EQ_INT(pfxtree_count(t), 2);
	CHECK(has(t, "10.0.0.0/16"));
	CHECK(has(t, "10.128.0.0/16"));
	pfxtree_free(t, NULL);
}

TEST(removing_a_leaf_collapses_its_glue_parent)
{
	/* Leaves under a glue: after removing one, the other must still be
	 * found, covered and covering must still work, and re-inserting the
	 * removed one rebuilds the branch. */
	struct pfxtree *t = pfxtree_new();
	struct seen s;
	add(t, "192.168.0.0/16", NULL);
	add(t, "10.0.0.0/16", NULL);
	add(t, "10.128.0.0/16", NULL);
	CHECK_EQ_INT(pfxtree_nodes(t), 5);      /* two glue: 0/0 and 10/8 */
	CHECK(del(t, "10.0.0.0/16") == NULL);
	CHECK_EQ_INT(pfxtree_nodes(t), 3);      /* 10/8 glue went with the leaf */
	CHECK(!has(t, "10.0.0.0/16"));
	CHECK(has(t, "10.128.0.0/16"));
	CHECK_EQ_STR(covered(t, "10.0.0.0/8", &s), "10.128.0.0/16");
	CHECK_EQ_STR(covered(t, "0.0.0.0/0", &s), "10.128.0.0/16 192.168.0.0/16");
	CHECK_EQ_STR(covering(t, "10.128.1.0/24", &s), "10.128.0.0/16");
	del(t, "10.128.0.0/16");
	CHECK_EQ_INT(pfxtree_nodes(t), 1);
	del(t, "192.168.0.0/16");
	CHECK_EQ_INT(pfxtree_count(t), 0);
	CHECK_EQ_INT(pfxtree_nodes(t), 0);
	CHECK_EQ_STR(covered(t, "0.0.0.0/0", &s), "");
	add(t, "10.0.0.0/16", NULL);
	CHECK_EQ_STR(covered(t, "0.0.0.0/0", &s), "10.0.0.0/16");
	pfxtree_free(t, NULL);
}

TEST(removing_an_inner_entry_keeps_its_children)
{
	struct pfxtree *t = pfxtree_new();
	struct seen s;
	add(t, "10.0.0.0/8", NULL);
	add(t, "10.1.0.0/16", NULL);            /* one child */
	add(t, "172.16.0.0/12", NULL);
	add(t, "172.16.0.0/16", NULL);          /* two children */
	add(t, "172.31.0.0/16", NULL);
	CHECK_EQ_INT(pfxtree_nodes(t), 6);      /* and the 0/0 glue */
	del(t, "10.0.0.0/8");
	CHECK_EQ_INT(pfxtree_nodes(t), 5);      /* spliced out */
	del(t, "172.16.0.0/12");
	CHECK_EQ_INT(pfxtree_nodes(t), 5);      /* kept as glue */
	CHECK_EQ_STR(covered(t, "0.0.0.0/0", &s), "10.1.0.0/16 172.16.0.0/16 172.31.0.0/16");
	CHECK_EQ_STR(covering(t, "10.1.1.1/32", &s), "10.1.0.0/16");
	CHECK(!has(t, "172.16.0.0/12"));
	pfxtree_free(t, NULL);
}

TEST(covering_walk_is_shortest_first_and_includes_the_prefix)
{
	struct pfxtree *t = pfxtree_new();
	struct seen s;
	add(t, "10.1.2.0/24", NULL);
	add(t, "0.0.0.0/0", NULL);
	add(t, "10.1.0.0/16", NULL);
	add(t, "10.0.0.0/8", NULL);
	add(t, "10.1.3.0/24", NULL);
	add(t, "10.1.2.128/25", NULL);
	CHECK_EQ_STR(covering(t, "10.1.2.0/24", &s), "0.0.0.0/0 10.0.0.0/8 10.1.0.0/16 10.1.2.0/24");
	CHECK_EQ_STR(covering(t, "10.1.2.3/32", &s), "0.0.0.0/0 10.0.0.0/8 10.1.0.0/16 10.1.2.0/24");
	CHECK_EQ_STR(covering(t, "10.1.2.200/32", &s),
	    "0.0.0.0/0 10.0.0.0/8 10.1.0.0/16 10.1.2.0/24 10.1.2.128/25");
	CHECK_EQ_STR(covering(t, "10.2.0.0/16", &s), "0.0.0.0/0 10.0.0.0/8");
	CHECK_EQ_STR(covering(t, "8.0.0.0/6", &s), "0.0.0.0/0");
	CHECK_EQ_STR(covering(t, "0.0.0.0/0", &s), "0.0.0.0/0");
	pfxtree_free(t, NULL);
}

TEST(covered_walk_is_in_address_order_and_includes_the_prefix)
{
	struct pfxtree *t = pfxtree_new();
	struct seen s;
	add(t, "10.1.3.0/24", NULL);
	add(t, "10.1.2.128/25", NULL);
	add(t, "10.1.0.0/16", NULL);
	add(t, "10.1.2.0/24", NULL);
	add(t, "10.0.0.0/8", NULL);
	add(t, "11.0.0.0/8", NULL);
	CHECK_EQ_STR(covered(t, "10.1.0.0/16", &s), "10.1.0.0/16 10.1.2.0/24 10.1.2.128/25 10.1.3.0/24");
	CHECK_EQ_STR(covered(t, "10.1.2.0/23", &s), "10.1.2.0/24 10.1.2.128/25 10.1.3.0/24");
	CHECK_EQ_STR(covered(t, "10.1.2.0/24", &s), "10.1.2.0/24 10.1.2.128/25");
	CHECK_EQ_STR(covered(t, "10.1.4.0/24", &s), "");
	CHECK_EQ_STR(covered(t, "10.1.2.192/26", &s), "");
	CHECK_EQ_STR(covered(t, "8.0.0.0/6", &s), "10.0.0.0/8 10.1.0.0/16 10.1.2.0/24 10.1.2.128/25 10.1.3.0/24 11.0.0.0/8");
	pfxtree_free(t, NULL);
}

TEST(walk_stops_and_returns_the_visitor_value)
{
	struct pfxtree *t = pfxtree_new();
	struct seen s;
	add(t, "10.0.0.0/8", NULL);
	add(t, "10.1.0.0/16", NULL);
	add(t, "10.2.0.0/16", NULL);
	struct prefix q = P("10.1.0.0/16");
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	CHECK_EQ_INT(pfxtree_walk_covering(t, &q, collect, &s), 42);
	CHECK_EQ_STR(s.text, "10.0.0.0/8");
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	q = P("10.0.0.0/8");
	CHECK_EQ_INT(pfxtree_walk_covered(t, &q, collect, &s), 42);
	CHECK_EQ_STR(s.text, "10.0.0.0/8 10.1.0.0/16");
	memset(&s, 0, sizeof(s));
	s.stop_after = 3;
	CHECK_EQ_INT(pfxtree_walk(t, collect, &s), 42);
	memset(&s, 0, sizeof(s));
	CHECK_EQ_INT(pfxtree_walk(t, collect, &s), 0);
	CHECK_EQ_INT(s.n, 3);
	pfxtree_free(t, NULL);
}

TEST(default_and_host_routes_in_both_families)
{
	struct pfxtree *t = pfxtree_new();
	struct seen s;
	add(t, "0.0.0.0/0", NULL);
	add(t, "::/0", NULL);
	add(t, "192.0.2.1/32", NULL);
	add(t, "255.255.255.255/32", NULL);
	add(t, "2001:db8::1/128", NULL);
	add(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", NULL);
	CHECK_EQ_INT(pfxtree_count(t), 6);
	CHECK(has(t, "192.0.2.1/32"));
	CHECK(!has(t, "192.0.2.0/32"));
	CHECK(has(t, "2001:db8::1/128"));
	CHECK(!has(t, "2001:db8::/128"));
	CHECK_EQ_STR(covering(t, "192.0.2.1/32", &s), "0.0.0.0/0 192.0.2.1/32");
	CHECK_EQ_STR(covering(t, "2001:db8::1/128", &s), "::/0 2001:db8::1/128");
	CHECK_EQ_STR(covering(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", &s),
	    "::/0 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	CHECK_EQ_STR(covered(t, "255.255.255.255/32", &s), "255.255.255.255/32");
	memset(&s, 0, sizeof(s));
	pfxtree_walk(t, collect, &s);
	CHECK_EQ_STR(s.text, "0.0.0.0/0 192.0.2.1/32 255.255.255.255/32 ::/0 2001:db8::1/128 "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	CHECK(del(t, "0.0.0.0/0") == NULL);
	CHECK_EQ_STR(covering(t, "192.0.2.1/32", &s), "192.0.2.1/32");
	CHECK(has(t, "::/0"));
	pfxtree_free(t, NULL);
}

TEST(families_never_mix)
{
	/* ::/0's address bytes equal 0.0.0.0/0's: they must stay apart. */
	struct pfxtree *t = pfxtree_new();
	struct seen s;
	add(t, "0.0.0.0/0", NULL);
	add(t, "10.0.0.0/8", NULL);
	CHECK(!has(t, "::/0"));
	CHECK(!pfxtree_covers(t, &(struct prefix){ .afi = AFI_IPV6, .len = 8, .addr = { 10 } }));
	CHECK_EQ_STR(covering(t, "a00::/8", &s), "");
	CHECK_EQ_STR(covered(t, "::/0", &s), "");
	add(t, "::/0", NULL);
	CHECK(pfxtree_covers(t, &(struct prefix){ .afi = AFI_IPV6, .len = 8, .addr = { 10 } }));
	CHECK_EQ_STR(covered(t, "::/0", &s), "::/0");
	CHECK_EQ_STR(covered(t, "0.0.0.0/0", &s), "0.0.0.0/0 10.0.0.0/8");
	pfxtree_free(t, NULL);
}

TEST(invalid_prefixes_are_absent_and_not_inserted)
{
	struct pfxtree *t = pfxtree_new();
	add(t, "0.0.0.0/0", NULL);
	struct prefix bad_afi = { .afi = 3, .len = 0 };
	struct prefix too_long = { .afi = AFI_IPV4, .len = 33 };
	struct prefix way_too_long = { .afi = AFI_IPV6, .len = 200 };
	CHECK(pfxtree_insert(t, &bad_afi, NULL) == NULL);
	CHECK(pfxtree_insert(t, &too_long, NULL) == NULL);
	CHECK(pfxtree_insert(t, &way_too_long, NULL) == NULL);
	CHECK(pfxtree_find(t, &too_long) == NULL);
	CHECK(pfxtree_remove(t, &too_long) == NULL);
	CHECK(!pfxtree_covers(t, &too_long));
	count_nodes_visited = 0;
	CHECK_EQ_INT(pfxtree_walk_covered(t, &bad_afi, count_visit, NULL), 0);
	CHECK_EQ_INT(count_nodes_visited, 0);
	CHECK_EQ_INT(pfxtree_count(t), 1);
	pfxtree_free(t, NULL);
}

static int freed;
static void count_free(void *val)
{
	freed++;
	free(val);
}

TEST(free_calls_free_val_on_each_non_null_value)
{
	struct pfxtree *t = pfxtree_new();
	add(t, "10.0.0.0/8", xmalloc(1));
	add(t, "10.1.0.0/16", xmalloc(1));
	add(t, "2001:db8::/32", xmalloc(1));
	add(t, "10.2.0.0/16", NULL);
	freed = 0;
	pfxtree_free(t, count_free);
	CHECK_EQ_INT(freed, 3);
	pfxtree_free(NULL, count_free);
}

/* --- randomized comparison against a list --- */

static uint64_t rng_state = 0x1d2f3a4b5c6d7e8full;
static uint32_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

/* Prefixes drawn from a small space so that they nest and collide a lot:
 * random first 20 bits under a fixed first octet, any length up to the
 * family's maximum (biased towards short lengths within the space). */
static struct prefix random_prefix(void)
{
	struct prefix p = { 0 };
	char text[PREFIX_STRLEN];
	uint32_t r = rnd();
	if (r & 1) {
		unsigned len = rnd() % 33;
		snprintf(text, sizeof(text), "10.%u.%u.%u/%u", (r >> 1) & 0x0f, (r >> 5) & 0xff,
		    (r >> 13) & 0x3, len);
	} else {
		unsigned len = rnd() % 129;
		snprintf(text, sizeof(text), "2001:db8:%x:%x::%x/%u", (r >> 1) & 0x0f,
		    (r >> 5) & 0xff, (r >> 13) & 0x3, len);
	}
	if (prefix_parse(text, &p) != 0)
		abort();
	return p;
}

#define NRAND 4000
struct model {
	struct prefix p[NRAND];
	bool in[NRAND];
};

static int model_find(const struct model *m, const struct prefix *p)
{
	for (int i = 0; i < NRAND; i++)
		if (m->in[i] && prefix_equal(&m->p[i], p))
			return i;
	return -1;
}

/* Checks a walk against the model: each visited entry is in the model and
 * satisfies want(), the order is as given, and the count is complete. */
struct check_walk {
	const struct model *m;
	const struct prefix *q;
	bool covering;              /* else covered */
	const struct prefix *last;
	int n;
	bool bad;
};

static int check_visit(const struct prefix *entry, void *val, void *arg)
{
	struct check_walk *c = arg;
	int i = model_find(c->m, entry);
	if (i < 0 || val != &c->m->p[i])
		c->bad = true;
	if (c->covering ? !prefix_within(c->q, entry) : !prefix_within(entry, c->q))
		c->bad = true;
	if (c->last && (c->covering ? c->last->len >= entry->len : prefix_cmp(c->last, entry) >= 0))
		c->bad = true;
	c->last = entry;
	c->n++;
	return 0;
}

static int model_count(const struct model *m, const struct prefix *q, bool covering)
{
	int n = 0;
	for (int i = 0; i < NRAND; i++)
		if (m->in[i] && (covering ? prefix_within(q, &m->p[i]) : prefix_within(&m->p[i], q)))
			n++;
	return n;
}

static void check_against_model(const struct pfxtree *t, const struct model *m)
{
	for (int k = 0; k < 300; k++) {
		struct prefix q = random_prefix();
		int i = model_find(m, &q);
		void **slot = pfxtree_find(t, &q);
		CHECK(i < 0 ? slot == NULL : slot != NULL && *slot == &m->p[i]);
		for (int covering = 0; covering < 2; covering++) {
			struct check_walk c = { .m = m, .q = &q, .covering = covering };
			if (covering)
				pfxtree_walk_covering(t, &q, check_visit, &c);
			else
				pfxtree_walk_covered(t, &q, check_visit, &c);
			CHECK(!c.bad);
			CHECK_EQ_INT(c.n, model_count(m, &q, covering));
			if (covering)
				CHECK(pfxtree_covers(t, &q) == (c.n > 0));
		}
	}
	struct prefix all4 = { .afi = AFI_IPV4 }, all6 = { .afi = AFI_IPV6 };
	int total = 0;
	for (int i = 0; i < NRAND; i++)
		total += m->in[i];
	CHECK_EQ_INT(pfxtree_count(t), total);
	CHECK(pfxtree_nodes(t) <= 2 * (size_t)total);
	CHECK_EQ_INT(model_count(m, &all4, false) + model_count(m, &all6, false), total);
	struct check_walk c = { .m = m, .q = &all4 };
	pfxtree_walk(t, check_visit, &c);   /* order check across families via prefix_cmp */
	CHECK_EQ_INT(c.n, total);
}

TEST(randomized_against_brute_force)
{
	static struct model m;
	struct pfxtree *t = pfxtree_new();

	for (int i = 0; i < NRAND; i++) {
		m.p[i] = random_prefix();
		bool created;
		void **slot = pfxtree_insert(t, &m.p[i], &created);
		CHECK(created == (model_find(&m, &m.p[i]) < 0));
		if (created) {
			*slot = &m.p[i];
			m.in[i] = true;
		}
	}
	check_against_model(t, &m);
	/* Remove about half, in a scrambled order, then check again. */
	for (int k = 0; k < NRAND; k++) {
		int i = (int)(rnd() % NRAND);
		if (!m.in[i])
			continue;
		CHECK(pfxtree_remove(t, &m.p[i]) == &m.p[i]);
		m.in[i] = false;
	}
	check_against_model(t, &m);
	/* And everything: nothing may be left behind. */
	for (int i = 0; i < NRAND; i++)
		if (m.in[i]) {
			CHECK(pfxtree_remove(t, &m.p[i]) == &m.p[i]);
			m.in[i] = false;
		}
	check_against_model(t, &m);
	CHECK_EQ_INT(pfxtree_nodes(t), 0);
	pfxtree_free(t, NULL);
}
