/* SPDX-License-Identifier: ISC */
/* Community definitions (arouteserver cfg.communities), matching on
 * canonical attribute bytes, community editing and AS_PATH prepending. */
#include "testlib.h"

#include "bgp.h"
#include "bgp_update.h"
#include "community.h"

#define RS_AS16 999u
#define RS_AS32 4200000001u

static struct comm_def compile(const char *std, const char *ext, const char *lrg, uint32_t rs_as,
    unsigned *dropped)
{
	struct cfg_community c = { (char *)std, (char *)lrg, (char *)ext };
	struct comm_def d;
	unsigned drop = comm_def_compile(&d, &c, rs_as);
	if (dropped)
		*dropped = drop;
	return d;
}

/* The definition's values for `val` as text, space separated. */
static const char *values_str(const struct comm_def *d, uint32_t val)
{
	static char buf[256];
	struct comm_value v[COMM_KINDS];
	size_t n = comm_def_values(d, val, v), o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf[o++] = ' ';
		o += (size_t)comm_value_str(&v[i], buf + o, sizeof(buf) - o);
	}
	return buf;
}

/* Every value of one kind the attributes carry, as text. */
static const char *carried(const struct wbuf *a, enum comm_kind kind)
{
	static char buf[1024];
	static const uint8_t types[] = { ATTR_COMMUNITIES, ATTR_EXT_COMMUNITIES, ATTR_LARGE_COMMUNITIES };
	struct rbuf v, one;
	size_t o = 0;
	buf[0] = '\0';
	if (attr_find(a->data, a->len, types[kind], &v) < 0)
		return "(none)";
	while (rbuf_sub(&v, comm_len(kind), &one) == 0) {
		struct comm_value c = { .kind = (uint8_t)kind };
		memcpy(c.b, one.p, one.len);
		if (o)
			buf[o++] = ' ';
		o += (size_t)comm_value_str(&c, buf + o, sizeof(buf) - o);
	}
	return buf;
}

/* Canonical attributes: ORIGIN IGP, AS_PATH 64500 64501, MED 0, the given
 * community attributes, OTC 64500. */
static const uint8_t origin[] = { 0 };
static const uint8_t path2[] = { AS_SEQUENCE, 2, 0, 0, 0xfb, 0xf4, 0, 0, 0xfb, 0xf5 };
static const uint8_t med[] = { 0, 0, 0, 0 };
static const uint8_t otc[] = { 0, 0, 0xfb, 0xf4 };

struct vals { struct comm_value v[64]; size_t n; };

static void put_values(struct wbuf *w, uint8_t type, const struct vals *vs, enum comm_kind kind)
{
	size_t len = 0;
	for (size_t i = 0; i < vs->n; i++)
		len += vs->v[i].kind == kind ? comm_len(kind) : 0;
	if (len == 0)
		return;
	attr_put_header(w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, type, len);
	for (size_t i = 0; i < vs->n; i++)
		if (vs->v[i].kind == kind)
			wbuf_put(w, vs->v[i].b, comm_len(kind));
}

#define VALS(...) (&(struct vals){ .v = { __VA_ARGS__ }, \
	.n = sizeof((struct comm_value[]){ __VA_ARGS__ }) / sizeof(struct comm_value) })

static struct wbuf route(const struct vals *vs)
{
	struct wbuf w = { 0 };
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_ORIGIN, origin, sizeof(origin));
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_AS_PATH, path2, sizeof(path2));
	attr_put(&w, ATTR_F_OPTIONAL, ATTR_MED, med, sizeof(med));
	if (vs) {
		put_values(&w, ATTR_COMMUNITIES, vs, COMM_STD);
		put_values(&w, ATTR_EXT_COMMUNITIES, vs, COMM_EXT);
		put_values(&w, ATTR_LARGE_COMMUNITIES, vs, COMM_LRG);
	}
	attr_put(&w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_OTC, otc, sizeof(otc));
	return w;
}

/* The attribute types in order, e.g. "1 2 4 8 35". */
static const char *types_of(const struct wbuf *a)
{
	static char buf[128];
	struct attr_iter it;
	uint8_t f, t;
	struct rbuf v;
	size_t o = 0;
	buf[0] = '\0';
	attr_iter_init(&it, a->data, a->len);
	while (attr_iter_next(&it, &f, &t, &v))
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u", o ? " " : "", t);
	return buf;
}

static uint8_t flags_of(const struct wbuf *a, uint8_t type)
{
	struct attr_iter it;
	uint8_t f, t;
	struct rbuf v;
	attr_iter_init(&it, a->data, a->len);
	while (attr_iter_next(&it, &f, &t, &v))
		if (t == type)
			return f;
	return 0;
}

static struct comm_value ext_as2(uint16_t global, uint32_t local)
{
	return comm_ext((uint64_t)0x0002 << 48 | (uint64_t)global << 32 | local);
}

/* arouteserver's "do not announce to peer" in its three forms */
static struct comm_def dont_announce(uint32_t rs_as)
{
	return compile("0:peer_as", "rt:0:peer_as", "rs_as:0:peer_as", rs_as, NULL);
}

/* --- compiling ----------------------------------------------------------- */

TEST(compile_expands_rs_as_and_makes_peer_as_the_variable_part)
{
	unsigned dropped;
	struct comm_def d = compile("0:peer_as", "rt:0:peer_as", "rs_as:0:peer_as", RS_AS16, &dropped);
	CHECK_EQ_INT(dropped, 0);
	CHECK_EQ_INT(d.f[COMM_STD].var_len, 2);
	CHECK_EQ_INT(d.f[COMM_EXT].var_len, 4);
	CHECK_EQ_INT(d.f[COMM_LRG].var_len, 4);
	CHECK_EQ_STR(values_str(&d, 64511), "0:64511 rt:0:64511 999:0:64511");

	d = compile("rs_as:peer_as", "rt:rs_as:peer_as", "rs_as:rs_as:peer_as", RS_AS16, &dropped);
	CHECK_EQ_INT(dropped, 0);
	CHECK_EQ_STR(values_str(&d, 64511), "999:64511 rt:999:64511 999:999:64511");
}

TEST(compile_dyn_val_and_fixed_values)
{
	struct comm_def d = compile("64512:dyn_val", "ro:64512:dyn_val", "rs_as:64512:dyn_val", RS_AS16, NULL);
	CHECK_EQ_STR(values_str(&d, 20), "64512:20 ro:64512:20 999:64512:20");
	d = compile("65501:rs_as", NULL, "rs_as:65501:rs_as", RS_AS16, NULL);
	CHECK_EQ_INT(d.f[COMM_STD].var_len, 0);
	CHECK_EQ_INT(d.f[COMM_EXT].len, 0);
	CHECK_EQ_STR(values_str(&d, 12345), "65501:999 999:65501:999");
	CHECK(!comm_def_empty(&d));
	d = compile(NULL, NULL, NULL, RS_AS16, NULL);
	CHECK(comm_def_empty(&d));
}

TEST(compile_puts_32bit_rs_as_in_large_community)
{
	unsigned dropped;
	struct comm_def d = compile(NULL, NULL, "rs_as:65520:dyn_val", RS_AS32, &dropped);
	CHECK_EQ_INT(dropped, 0);
	CHECK_EQ_STR(values_str(&d, 7), "4200000001:65520:7");
	d = compile(NULL, NULL, "rs_as:0:rs_as", RS_AS32, &dropped);
	CHECK_EQ_STR(values_str(&d, 0), "4200000001:0:4200000001");
}

TEST(compile_drops_standard_form_a_32bit_rs_as_cannot_fit)
{
	unsigned dropped;
	struct comm_def d = compile("rs_as:peer_as", "rt:rs_as:peer_as", "rs_as:rs_as:peer_as", RS_AS32, &dropped);
	CHECK_EQ_INT(dropped, COMM_BIT(COMM_STD));
	CHECK_EQ_INT(d.f[COMM_STD].len, 0);
	/* extended: four-octet-AS-specific, the peer AS in 16 bits */
	CHECK_EQ_STR(values_str(&d, 64500), "rt:4200000001:64500 4200000001:4200000001:64500");
	CHECK_EQ_STR(values_str(&d, 4200000002u), "4200000001:4200000001:4200000002");
	compile("0:rs_as", NULL, NULL, RS_AS32, &dropped);
	CHECK_EQ_INT(dropped, COMM_BIT(COMM_STD));
}

TEST(compile_drops_extended_form_with_two_32bit_parts)
{
	unsigned dropped;
	struct comm_def d = compile(NULL, "rt:rs_as:70000", "rs_as:1:70000", RS_AS32, &dropped);
	CHECK_EQ_INT(dropped, COMM_BIT(COMM_EXT));
	CHECK_EQ_STR(values_str(&d, 0), "4200000001:1:70000");
	/* a 16-bit global part leaves 32 bits for the local one */
	d = compile(NULL, "rt:65501:rs_as", NULL, RS_AS32, &dropped);
	CHECK_EQ_INT(dropped, 0);
	CHECK_EQ_STR(values_str(&d, 0), "rt:65501:4200000001");
}

TEST(compile_drops_forms_that_do_not_parse)
{
	unsigned dropped;
	compile("1:2:3", "xx:1:2", "1:2", RS_AS16, &dropped);
	CHECK_EQ_INT(dropped, COMM_BIT(COMM_STD) | COMM_BIT(COMM_EXT) | COMM_BIT(COMM_LRG));
	compile("peer_as:1", "rt:1:", "1:2:4294967296", RS_AS16, &dropped);
	CHECK_EQ_INT(dropped, COMM_BIT(COMM_STD) | COMM_BIT(COMM_EXT) | COMM_BIT(COMM_LRG));
	compile("65536:1", "rt:-1:2", "1::2", RS_AS16, &dropped);
	CHECK_EQ_INT(dropped, COMM_BIT(COMM_STD) | COMM_BIT(COMM_EXT) | COMM_BIT(COMM_LRG));
}

TEST(values_skip_forms_whose_16bit_variable_part_is_too_small)
{
	struct comm_def d = dont_announce(RS_AS16);
	CHECK_EQ_STR(values_str(&d, 4200000002u), "rt:0:4200000002 999:0:4200000002");
}

TEST(well_known_communities_have_their_rfc_values)
{
	CHECK_EQ_STR(values_str(&comm_no_export, 0), "65535:65281");
	CHECK_EQ_STR(values_str(&comm_no_advertise, 0), "65535:65282");
	CHECK_EQ_STR(values_str(&comm_blackhole, 0), "65535:666");
	CHECK_EQ_STR(values_str(&comm_gshut, 0), "65535:0");
}

TEST(value_text_of_other_extended_types_is_hex)
{
	char buf[64];
	struct comm_value v = comm_ext(0x4300000000000001ull);
	comm_value_str(&v, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "0x4300000000000001");
}

/* --- matching ------------------------------------------------------------ */

TEST(match_enumerates_every_peer_as_value_of_every_form)
{
	struct comm_def d = dont_announce(RS_AS16);
	struct wbuf a = route(VALS(comm_std(64500), comm_std(65000u << 16 | 1), comm_std(64501),
	    ext_as2(0, 64502), ext_as2(1, 64599),
	    comm_lrg(RS_AS16, 0, 64503), comm_lrg(1000, 0, 64598), comm_lrg(RS_AS16, 1, 5)));
	struct comm_match m;
	uint32_t v, got[8];
	int n = 0;
	comm_match_init(&m, &d, a.data, a.len);
	while (n < 8 && comm_match_next(&m, &v))
		got[n++] = v;
	CHECK_EQ_INT(n, 4);
	CHECK_EQ_INT(got[0], 64500);
	CHECK_EQ_INT(got[1], 64501);
	CHECK_EQ_INT(got[2], 64502);
	CHECK_EQ_INT(got[3], 64503);
	CHECK(comm_present(&d, a.data, a.len));
	wbuf_free(&a);
}

TEST(match_fixed_definition_needs_the_exact_value)
{
	struct comm_def d = compile("65530:1", NULL, "rs_as:65530:1", RS_AS16, NULL);
	struct wbuf a = route(VALS(comm_std(65530u << 16 | 2), comm_lrg(RS_AS16, 65530, 2), comm_lrg(1, 65530, 1)));
	CHECK(!comm_present(&d, a.data, a.len));
	CHECK(!comm_present(&comm_blackhole, a.data, a.len));
	wbuf_free(&a);
	a = route(VALS(comm_std(COMMUNITY_BLACKHOLE), comm_lrg(RS_AS16, 65530, 1)));
	CHECK(comm_present(&d, a.data, a.len));
	CHECK(comm_present(&comm_blackhole, a.data, a.len));
	CHECK(!comm_present(&comm_no_export, a.data, a.len));
	wbuf_free(&a);
}

TEST(match_ignores_community_bytes_in_other_attributes)
{
	/* MED 0 and the AS_PATH hold the bytes of 0:0 and 0:64500 */
	struct comm_def d = dont_announce(RS_AS16);
	struct wbuf a = route(NULL);
	CHECK(!comm_present(&d, a.data, a.len));
	CHECK(!comm_present(&comm_gshut, a.data, a.len));
	wbuf_free(&a);
}

TEST(match_survives_empty_and_truncated_attributes)
{
	struct comm_def d = dont_announce(RS_AS16);
	struct wbuf a = route(VALS(comm_std(64500), comm_std(64501)));
	CHECK(!comm_present(&d, NULL, 0));
	/* cut inside the COMMUNITIES value: the attribute is not seen */
	size_t cut = a.len - 7 - 2;
	CHECK(!comm_present(&d, a.data, cut));
	/* a value cut short inside an attribute is not read */
	static const uint8_t odd[] = { 0xc0, 8, 6, 0, 0, 0xfb, 0xf4, 0, 0 };
	struct comm_match m;
	uint32_t v;
	int n = 0;
	comm_match_init(&m, &d, odd, sizeof(odd));
	while (comm_match_next(&m, &v))
		n++;
	CHECK_EQ_INT(n, 1);
	wbuf_free(&a);
}

/* --- editing ------------------------------------------------------------- */

TEST(scrub_removes_own_communities_and_keeps_the_rest_in_order)
{
	struct comm_def own[2] = { dont_announce(RS_AS16),
	    compile("65530:1", NULL, "rs_as:65530:1", RS_AS16, NULL) };
	struct wbuf a = route(VALS(comm_std(65000u << 16 | 1), comm_std(64500), comm_std(65000u << 16 | 2),
	    comm_std(65530u << 16 | 1), comm_std(64501), comm_std(65000u << 16 | 3),
	    comm_lrg(RS_AS16, 0, 64500), comm_lrg(64500, 1, 1)));
	struct wbuf out = { 0 };
	struct comm_edit e = { .scrub = own, .n_scrub = 2 };
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &out), 0);
	CHECK_EQ_STR(carried(&out, COMM_STD), "65000:1 65000:2 65000:3");
	CHECK_EQ_STR(carried(&out, COMM_LRG), "64500:1:1");
	/* everything else byte for byte */
	struct wbuf want = route(VALS(comm_std(65000u << 16 | 1), comm_std(65000u << 16 | 2),
	    comm_std(65000u << 16 | 3), comm_lrg(64500, 1, 1)));
	CHECK_EQ_INT(out.len, want.len);
	CHECK(out.len == want.len && memcmp(out.data, want.data, out.len) == 0);
	wbuf_free(&a);
	wbuf_free(&out);
	wbuf_free(&want);
}

TEST(scrub_drops_an_attribute_left_empty)
{
	struct comm_def own = dont_announce(RS_AS16);
	struct wbuf a = route(VALS(comm_std(64500), ext_as2(0, 64501), comm_lrg(1, 2, 3)));
	struct wbuf out = { 0 };
	struct comm_edit e = { .scrub = &own, .n_scrub = 1 };
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &out), 0);
	CHECK_EQ_STR(types_of(&out), "1 2 4 32 35");
	CHECK_EQ_STR(carried(&out, COMM_LRG), "1:2:3");
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(delete_removes_only_the_given_values)
{
	struct comm_def d = dont_announce(RS_AS16);
	struct comm_value del[COMM_KINDS];
	size_t n = comm_def_values(&d, 64500, del);
	struct wbuf a = route(VALS(comm_std(64500), comm_std(64501), comm_lrg(RS_AS16, 0, 64500),
	    comm_lrg(RS_AS16, 0, 64501)));
	struct wbuf out = { 0 };
	struct comm_edit e = { .del = del, .n_del = n };
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &out), 0);
	CHECK_EQ_STR(carried(&out, COMM_STD), "0:64501");
	CHECK_EQ_STR(carried(&out, COMM_LRG), "999:0:64501");
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(add_creates_attributes_in_ascending_type_order)
{
	struct wbuf a = route(NULL);
	struct wbuf out = { 0 };
	struct comm_value add[] = { comm_lrg(RS_AS16, 1000, 1), ext_as2(RS_AS16, 7), comm_std(COMMUNITY_NO_EXPORT) };
	struct comm_edit e = { .add = add, .n_add = 3 };
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &out), 0);
	CHECK_EQ_STR(types_of(&out), "1 2 4 8 16 32 35");
	CHECK_EQ_INT(flags_of(&out, ATTR_COMMUNITIES), ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE);
	CHECK_EQ_INT(flags_of(&out, ATTR_EXT_COMMUNITIES), ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE);
	CHECK_EQ_INT(flags_of(&out, ATTR_LARGE_COMMUNITIES), ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE);
	CHECK_EQ_STR(carried(&out, COMM_STD), "65535:65281");
	CHECK_EQ_STR(carried(&out, COMM_EXT), "rt:999:7");
	CHECK_EQ_STR(carried(&out, COMM_LRG), "999:1000:1");
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(add_appends_after_kept_values_without_duplicates)
{
	struct wbuf a = route(VALS(comm_std(65000u << 16 | 1), comm_std(COMMUNITY_NO_EXPORT)));
	struct wbuf out = { 0 };
	struct comm_value add[] = { comm_std(COMMUNITY_NO_EXPORT), comm_std(65000u << 16 | 9),
	    comm_std(65000u << 16 | 9) };
	struct comm_edit e = { .add = add, .n_add = 3 };
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &out), 0);
	CHECK_EQ_STR(carried(&out, COMM_STD), "65000:1 65535:65281 65000:9");
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(add_wins_over_scrub_of_the_same_value)
{
	/* a member's forged informational tag is scrubbed, the route
	 * server's own is then added back: it must end up there once */
	struct comm_def tag = compile(NULL, NULL, "rs_as:1000:1", RS_AS16, NULL);
	struct comm_value add[COMM_KINDS];
	size_t n = comm_def_values(&tag, 0, add);
	struct wbuf a = route(VALS(comm_lrg(RS_AS16, 1000, 1), comm_lrg(2, 2, 2)));
	struct wbuf out = { 0 };
	struct comm_edit e = { .scrub = &tag, .n_scrub = 1, .add = add, .n_add = n };
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &out), 0);
	CHECK_EQ_STR(carried(&out, COMM_LRG), "2:2:2 999:1000:1");
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(edit_switches_extended_length_at_256_bytes)
{
	struct vals vs = { .n = 63 };
	for (size_t i = 0; i < vs.n; i++)
		vs.v[i] = comm_std(65000u << 16 | (uint32_t)i);
	struct wbuf a = route(&vs);          /* 252 bytes: one-byte length */
	struct wbuf grown = { 0 }, shrunk = { 0 };
	struct comm_value add = comm_std(65000u << 16 | 100), del = comm_std(65000u << 16 | 0);
	struct comm_edit grow = { .add = &add, .n_add = 1 }, shrink = { .del = &del, .n_del = 1 };
	struct rbuf v;

	CHECK_EQ_INT(flags_of(&a, ATTR_COMMUNITIES), ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE);
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &grow, &grown), 0);
	CHECK_EQ_INT(flags_of(&grown, ATTR_COMMUNITIES), ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE | ATTR_F_EXTLEN);
	CHECK(attr_find(grown.data, grown.len, ATTR_COMMUNITIES, &v) == 0 && v.len == 256);
	CHECK_EQ_INT(grown.len, a.len + 4 + 1);   /* one value, one more length byte */

	CHECK_EQ_INT(comm_edit_attrs(grown.data, grown.len, &shrink, &shrunk), 0);
	CHECK_EQ_INT(flags_of(&shrunk, ATTR_COMMUNITIES), ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE);
	CHECK(attr_find(shrunk.data, shrunk.len, ATTR_COMMUNITIES, &v) == 0 && v.len == 252);
	CHECK_EQ_INT(shrunk.len, a.len);
	wbuf_free(&a);
	wbuf_free(&grown);
	wbuf_free(&shrunk);
}

TEST(edit_keeps_the_partial_bit_of_an_attribute)
{
	static const uint8_t attrs[] = { 0xe0, ATTR_COMMUNITIES, 8, 0, 0, 0xfb, 0xf4, 0xfd, 0xe8, 0, 1 };
	struct comm_def own = dont_announce(RS_AS16);
	struct comm_edit e = { .scrub = &own, .n_scrub = 1 };
	struct wbuf out = { 0 };
	CHECK_EQ_INT(comm_edit_attrs(attrs, sizeof(attrs), &e, &out), 0);
	static const uint8_t want[] = { 0xe0, ATTR_COMMUNITIES, 4, 0xfd, 0xe8, 0, 1 };
	CHECK(out.len == sizeof(want) && memcmp(out.data, want, sizeof(want)) == 0);
	wbuf_free(&out);
}

TEST(edit_refuses_an_attribute_beyond_65535_bytes)
{
	struct wbuf a = { 0 }, out = { 0 };
	attr_put_header(&a, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_COMMUNITIES, 65532);
	for (uint32_t i = 0; i < 65532 / 4; i++)
		wbuf_u32(&a, i);
	struct comm_value add[] = { comm_std(0xfffffff0u), comm_std(0xfffffff1u) };
	struct comm_edit e = { .add = add, .n_add = 2 };
	wbuf_u8(&out, 0x55);                /* what was there stays */
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &out), -1);
	CHECK_EQ_INT(out.len, 1);
	e.n_add = 1;                        /* 65536 bytes is still too many */
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &out), -1);
	struct comm_value del = comm_std(0);
	e.del = &del;
	e.n_del = 1;                        /* 65532 - 4 + 4 fits */
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &out), 0);
	CHECK_EQ_INT(out.len, 1 + a.len);
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(edit_refuses_truncated_attributes)
{
	struct wbuf a = route(VALS(comm_std(64500))), out = { 0 };
	struct comm_edit e = { 0 };
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len - 1, &e, &out), -1);
	CHECK_EQ_INT(out.len, 0);
	CHECK_EQ_INT(attrs_prepend_as(a.data, 5, 64500, 1, &out), -1);
	CHECK_EQ_INT(out.len, 0);
	/* unchanged copy when nothing is asked */
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &out), 0);
	CHECK(out.len == a.len && memcmp(out.data, a.data, a.len) == 0);
	wbuf_free(&a);
	wbuf_free(&out);
}

/* --- AS_PATH prepending -------------------------------------------------- */

/* The AS_PATH as text: "(2) 64500 64501 (1) 7" with segment types. */
static const char *path_str(const struct wbuf *a)
{
	static char buf[4096];
	struct rbuf v;
	size_t o = 0;
	buf[0] = '\0';
	if (attr_find(a->data, a->len, ATTR_AS_PATH, &v) < 0)
		return "(none)";
	uint8_t t, c;
	while (rbuf_u8(&v, &t) == 0 && rbuf_u8(&v, &c) == 0) {
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s(%u:%u)", o ? " " : "", t, c);
		uint32_t as, prev = 0;
		int run = 0;
		for (int i = 0; i < c && rbuf_u32(&v, &as) == 0; i++) {
			if (i && as == prev) {
				run++;
				continue;
			}
			if (run)
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "x%d", run + 1);
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, " %u", as);
			prev = as;
			run = 0;
		}
		if (run)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "x%d", run + 1);
	}
	return buf;
}

static struct wbuf with_path(const uint8_t *segs, size_t len)
{
	struct wbuf w = { 0 };
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_ORIGIN, origin, sizeof(origin));
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_AS_PATH, segs, len);
	attr_put(&w, ATTR_F_OPTIONAL, ATTR_MED, med, sizeof(med));
	return w;
}

/* One segment of `count` ASes, all `as`. */
static size_t segment(uint8_t *p, uint8_t type, unsigned count, uint32_t as)
{
	p[0] = type;
	p[1] = (uint8_t)count;
	for (unsigned i = 0; i < count; i++)
		put_u32(p + 2 + 4 * i, as);
	return 2 + 4 * (size_t)count;
}

TEST(prepend_goes_into_the_leading_sequence)
{
	struct wbuf a = route(NULL), out = { 0 };
	CHECK_EQ_INT(attrs_prepend_as(a.data, a.len, 64500, 2, &out), 0);
	CHECK_EQ_STR(path_str(&out), "(2:4) 64500x3 64501");
	CHECK_EQ_STR(types_of(&out), "1 2 4 35");
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(prepend_to_a_full_segment_opens_a_new_one)
{
	uint8_t segs[2 + 255 * 4];
	struct wbuf a = with_path(segs, segment(segs, AS_SEQUENCE, 255, 64501)), out = { 0 };
	CHECK_EQ_INT(attrs_prepend_as(a.data, a.len, 64500, 3, &out), 0);
	CHECK_EQ_STR(path_str(&out), "(2:3) 64500x3 (2:255) 64501x255");
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(prepend_fills_the_leading_segment_up_to_255)
{
	uint8_t segs[2 + 254 * 4];
	struct wbuf a = with_path(segs, segment(segs, AS_SEQUENCE, 254, 64501)), out = { 0 };
	CHECK_EQ_INT(attrs_prepend_as(a.data, a.len, 64500, 3, &out), 0);
	CHECK_EQ_STR(path_str(&out), "(2:2) 64500x2 (2:255) 64500 64501x254");
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(prepend_before_an_as_set_adds_a_sequence)
{
	uint8_t segs[2 + 2 * 4];
	struct wbuf a = with_path(segs, segment(segs, AS_SET, 2, 64501)), out = { 0 };
	CHECK_EQ_INT(attrs_prepend_as(a.data, a.len, 64500, 1, &out), 0);
	CHECK_EQ_STR(path_str(&out), "(2:1) 64500 (1:2) 64501x2");
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(prepend_creates_a_missing_path_in_segments_of_255)
{
	struct wbuf a = { 0 }, out = { 0 };
	attr_put(&a, ATTR_F_TRANSITIVE, ATTR_ORIGIN, origin, sizeof(origin));
	attr_put(&a, ATTR_F_OPTIONAL, ATTR_MED, med, sizeof(med));
	CHECK_EQ_INT(attrs_prepend_as(a.data, a.len, 64500, 300, &out), 0);
	CHECK_EQ_STR(path_str(&out), "(2:255) 64500x255 (2:45) 64500x45");
	CHECK_EQ_STR(types_of(&out), "1 2 4");
	CHECK_EQ_INT(flags_of(&out, ATTR_AS_PATH), ATTR_F_TRANSITIVE | ATTR_F_EXTLEN);
	out.len = 0;
	CHECK_EQ_INT(attrs_prepend_as(a.data, a.len, 64500, 0, &out), 0);
	CHECK(out.len == a.len && memcmp(out.data, a.data, a.len) == 0);
	wbuf_free(&a);
	wbuf_free(&out);
}

TEST(prepend_refuses_a_path_beyond_65535_bytes)
{
	struct wbuf a = route(NULL), out = { 0 };
	CHECK_EQ_INT(attrs_prepend_as(a.data, a.len, 64500, 16000, &out), 0);
	out.len = 0;
	CHECK_EQ_INT(attrs_prepend_as(a.data, a.len, 64500, 16382, &out), -1);
	CHECK_EQ_INT(attrs_prepend_as(a.data, a.len, 64500, 100000, &out), -1);
	CHECK_EQ_INT(out.len, 0);
	wbuf_free(&a);
	wbuf_free(&out);
}

/* --- round trip through the UPDATE decoder ------------------------------- */

TEST(edited_attributes_decode_to_the_same_canonical_bytes)
{
	struct vals vs = { .n = 0 };
	for (uint32_t i = 0; i < 30; i++)
		vs.v[vs.n++] = comm_lrg(64500, 1, i);
	vs.v[vs.n++] = comm_std(64501);
	vs.v[vs.n++] = ext_as2(0, 64501);
	struct wbuf a = route(&vs), scrubbed = { 0 }, edited = { 0 };
	struct comm_def own = dont_announce(RS_AS16);
	struct comm_value add[] = { comm_lrg(RS_AS16, 1000, 1), comm_std(COMMUNITY_NO_EXPORT) };
	struct comm_edit e = { .scrub = &own, .n_scrub = 1, .add = add, .n_add = 2 };
	CHECK_EQ_INT(comm_edit_attrs(a.data, a.len, &e, &scrubbed), 0);
	CHECK_EQ_INT(attrs_prepend_as(scrubbed.data, scrubbed.len, 64500, 2, &edited), 0);
	CHECK_EQ_INT(flags_of(&edited, ATTR_LARGE_COMMUNITIES), 0xd0);   /* 31 * 12 bytes */

	/* UPDATE body: no withdrawals, the attributes + NEXT_HOP, 45.65.0.0/22 */
	static const uint8_t nh[] = { 0x40, ATTR_NEXT_HOP, 4, 192, 0, 2, 11 };
	static const uint8_t nlri[] = { 22, 45, 65, 0 };
	struct wbuf body = { 0 };
	wbuf_u16(&body, 0);
	wbuf_u16(&body, (uint16_t)(edited.len + sizeof(nh)));
	wbuf_put(&body, edited.data, edited.len);
	wbuf_put(&body, nh, sizeof(nh));
	wbuf_put(&body, nlri, sizeof(nlri));

	struct update_ctx ctx = { .peer_as4 = true, .families = 1 };
	struct update_decoded u;
	update_decoded_init(&u);
	bgp_update_decode(&ctx, body.data, body.len, &u);
	CHECK_EQ_INT(u.action, UPD_OK);
	CHECK_EQ_INT(u.announced.n, 1);
	CHECK_EQ_INT(u.info.as_path_len, 4);
	CHECK_EQ_INT(u.attrs.len, edited.len);
	CHECK(u.attrs.len == edited.len && memcmp(u.attrs.data, edited.data, edited.len) == 0);
	CHECK_EQ_STR(carried(&u.attrs, COMM_STD), "65535:65281");
	CHECK_EQ_STR(carried(&u.attrs, COMM_EXT), "(none)");
	update_decoded_free(&u);
	wbuf_free(&a);
	wbuf_free(&scrubbed);
	wbuf_free(&edited);
	wbuf_free(&body);
}

/* --- real configurations ------------------------------------------------- */

/* Every std/ext/lrg value in arouteserver's shipped and real-IXP general.yml
 * compiles with a 16-bit rs_as; with a 32-bit one only standard values using
 * rs_as are dropped. */
TEST(real_general_yml_communities_compile)
{
	static const char *const files[] = {
		"arouteserver/examples/rich/general.yml", "arouteserver/real-ixps/general.yml",
	};
	const char *dir = getenv("IXPD_SHARED_DATA");
	char path[512], line[512];
	int seen = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : "../shared/data", files[i]);
		FILE *f = fopen(path, "r");
		if (f == NULL) {
			printf("  skip: %s not found (shared data absent)\n", path);
			return;
		}
		while (fgets(line, sizeof(line), f)) {
			char key[4], val[128];
			if (sscanf(line, " %3[a-z]: \"%127[^\"]\"", key, val) != 2)
				continue;
			struct cfg_community c = { 0 };
			unsigned bit;
			if (strcmp(key, "std") == 0)
				c.std = val, bit = COMM_BIT(COMM_STD);
			else if (strcmp(key, "ext") == 0)
				c.ext = val, bit = COMM_BIT(COMM_EXT);
			else if (strcmp(key, "lrg") == 0)
				c.lrg = val, bit = COMM_BIT(COMM_LRG);
			else
				continue;
			struct comm_def d;
			unsigned want32 = bit == COMM_BIT(COMM_STD) && strstr(val, "rs_as") ? bit : 0;
			if (comm_def_compile(&d, &c, RS_AS16) != 0 || comm_def_compile(&d, &c, RS_AS32) != want32) {
				fprintf(stderr, "  %s: %s: \"%s\" not compiled as expected\n", path, key, val);
				test_case_failed = 1;
			}
			seen++;
		}
		fclose(f);
	}
	CHECK(seen > 100);
}
