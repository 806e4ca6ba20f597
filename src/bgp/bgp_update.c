/* SPDX-License-Identifier: ISC */
#include "bgp_update.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* --- small helpers ------------------------------------------------------ */

static void vec_push(struct prefix_vec *v, const struct prefix *p)
{
	XGROW(v->v, v->n, v->cap, 64);
	v->v[v->n++] = *p;
}

void update_decoded_init(struct update_decoded *u)
{
	memset(u, 0, sizeof(*u));
	u->eor_family = -1;
}

void update_decoded_free(struct update_decoded *u)
{
	free(u->withdrawn.v);
	free(u->announced.v);
	wbuf_free(&u->attrs);
	memset(u, 0, sizeof(*u));
}

static void reset_decoded(struct update_decoded *u)
{
	u->action = UPD_OK;
	u->reason[0] = '\0';
	u->withdrawn.n = u->announced.n = 0;
	u->eor_family = -1;
	memset(&u->info, 0, sizeof(u->info));
	u->attrs.len = 0;
}

/* Records a problem; the most severe one decides and names the reason. */
__attribute__((format(printf, 3, 4)))
static void problem(struct update_decoded *u, enum upd_action action, const char *fmt, ...)
{
	if (action <= u->action && u->reason[0])
		return;
	if (action > u->action)
		u->action = action;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->reason, sizeof(u->reason), fmt, ap);
	va_end(ap);
}

static void reset_session(struct update_decoded *u, uint8_t subcode, const void *data, size_t len,
    const char *what)
{
	if (u->action == UPD_SESSION_RESET)
		return;
	problem(u, UPD_SESSION_RESET, "%s", what);
	notify_set(&u->notify, ERR_UPDATE, subcode, data, len);
}

void attr_put_header(struct wbuf *w, uint8_t flags, uint8_t type, size_t len)
{
	flags &= (uint8_t)~ATTR_F_EXTLEN;
	if (len > 255)
		flags |= ATTR_F_EXTLEN;
	wbuf_u8(w, flags);
	wbuf_u8(w, type);
	if (flags & ATTR_F_EXTLEN)
		wbuf_u16(w, (uint16_t)len);
	else
		wbuf_u8(w, (uint8_t)len);
}

void attr_put(struct wbuf *w, uint8_t flags, uint8_t type, const void *val, size_t len)
{
	attr_put_header(w, flags, type, len);
	wbuf_put(w, val, len);
}

int attr_iter_next(struct attr_iter *it, uint8_t *flags, uint8_t *type, struct rbuf *value)
{
	uint16_t len;
	uint8_t len8;
	if (it->b.len == 0)
		return 0;
	if (rbuf_u8(&it->b, flags) < 0 || rbuf_u8(&it->b, type) < 0)
		return 0;
	if (*flags & ATTR_F_EXTLEN) {
		if (rbuf_u16(&it->b, &len) < 0)
			return 0;
	} else {
		if (rbuf_u8(&it->b, &len8) < 0)
			return 0;
		len = len8;
	}
	return rbuf_sub(&it->b, len, value) == 0;
}

int attr_find(const uint8_t *attrs, size_t len, uint8_t type, struct rbuf *value)
{
	struct attr_iter it;
	uint8_t f, t;
	attr_iter_init(&it, attrs, len);
	while (attr_iter_next(&it, &f, &t, value))
		if (t == type)
			return 0;
	return -1;
}

/* --- AS_PATH ------------------------------------------------------------ */

/* Validates an AS_PATH/AS4_PATH of `asize`-octet ASNs and appends it in
 * 4-octet form to out.  Confederation segments are refused: they never come
 * from an external peer (RFC 5065 §5). */
static int aspath_to4(struct rbuf v, int asize, struct wbuf *out)
{
	while (v.len) {
		uint8_t seg_type, count;
		if (rbuf_u8(&v, &seg_type) < 0 || rbuf_u8(&v, &count) < 0)
			return -1;
		if ((seg_type != AS_SET && seg_type != AS_SEQUENCE) || count == 0 ||
		    v.len < (size_t)count * (size_t)asize)
			return -1;
		wbuf_u8(out, seg_type);
		wbuf_u8(out, count);
		for (int i = 0; i < count; i++) {
			uint32_t as = 0;
			if (asize == 2) {
				uint16_t as2 = 0;
				rbuf_u16(&v, &as2);
				as = as2;
			} else {
				rbuf_u32(&v, &as);
			}
			wbuf_u32(out, as);
		}
	}
	return 0;
}

/* Path length as the decision process counts it: a set counts one. */
static unsigned aspath_count(const uint8_t *p, size_t len)
{
	unsigned n = 0;
	for (size_t o = 0; o + 2 <= len; o += 2 + (size_t)p[o + 1] * 4)
		n += p[o] == AS_SEQUENCE ? p[o + 1] : 1;
	return n;
}

/* RFC 6793 §4.2.3: the first (count(AS_PATH) - count(AS4_PATH)) elements
 * of AS_PATH followed by AS4_PATH.  Both in 4-octet form. */
static void aspath_merge(const uint8_t *as, size_t aslen, const uint8_t *as4, size_t as4len,
    struct wbuf *out)
{
	unsigned keep = aspath_count(as, aslen) - aspath_count(as4, as4len);
	for (size_t o = 0; o + 2 <= aslen && keep > 0; o += 2 + (size_t)as[o + 1] * 4) {
		uint8_t type = as[o], count = as[o + 1];
		if (type == AS_SET) {
			wbuf_put(out, as + o, 2 + (size_t)count * 4);
			keep--;
			continue;
		}
		uint8_t take = count < keep ? count : (uint8_t)keep;
		wbuf_u8(out, AS_SEQUENCE);
		wbuf_u8(out, take);
		wbuf_put(out, as + o + 2, (size_t)take * 4);
		keep -= take;
	}
	wbuf_put(out, as4, as4len);
}

static void aspath_info(const uint8_t *p, size_t len, struct path_info *info)
{
	info->as_path_len = (uint16_t)aspath_count(p, len);
	info->neighbor_as = info->origin_as = 0;
	if (len >= 6 && p[0] == AS_SEQUENCE)
		info->neighbor_as = get_u32(p + 2);
	size_t last = 0;
	bool any = false;
	for (size_t o = 0; o + 2 <= len; o += 2 + (size_t)p[o + 1] * 4) {
		last = o;
		any = true;
	}
	if (any && p[last] == AS_SEQUENCE)
		info->origin_as = get_u32(p + last + 2 + ((size_t)p[last + 1] - 1) * 4);
}

/* --- attribute checks ----------------------------------------------------- */

struct raw_attr {
	bool seen;
	uint8_t flags;
	struct rbuf v;
};

struct decode_state {
	const struct update_ctx *ctx;
	struct update_decoded *out;
	struct raw_attr a[256];
	unsigned n_attrs;
	bool have_v4_nlri;
};

static const char *attr_name(uint8_t type)
{
	switch (type) {
	case ATTR_ORIGIN: return "ORIGIN";
	case ATTR_AS_PATH: return "AS_PATH";
	case ATTR_NEXT_HOP: return "NEXT_HOP";
	case ATTR_MED: return "MULTI_EXIT_DISC";
	case ATTR_LOCAL_PREF: return "LOCAL_PREF";
	case ATTR_ATOMIC_AGGREGATE: return "ATOMIC_AGGREGATE";
	case ATTR_AGGREGATOR: return "AGGREGATOR";
	case ATTR_COMMUNITIES: return "COMMUNITIES";
	case ATTR_ORIGINATOR_ID: return "ORIGINATOR_ID";
	case ATTR_CLUSTER_LIST: return "CLUSTER_LIST";
	case ATTR_MP_REACH_NLRI: return "MP_REACH_NLRI";
	case ATTR_MP_UNREACH_NLRI: return "MP_UNREACH_NLRI";
	case ATTR_EXT_COMMUNITIES: return "EXTENDED_COMMUNITIES";
	case ATTR_AS4_PATH: return "AS4_PATH";
	case ATTR_AS4_AGGREGATOR: return "AS4_AGGREGATOR";
	case ATTR_LARGE_COMMUNITIES: return "LARGE_COMMUNITIES";
	case ATTR_OTC: return "OTC";
	default: return "unknown attribute";
	}
}

/* Expected Optional/Transitive bits of the attributes we know. */
static int expected_flags(uint8_t type)
{
	switch (type) {
	case ATTR_ORIGIN: case ATTR_AS_PATH: case ATTR_NEXT_HOP: case ATTR_LOCAL_PREF:
	case ATTR_ATOMIC_AGGREGATE:
		return ATTR_F_TRANSITIVE;
	case ATTR_MED: case ATTR_ORIGINATOR_ID: case ATTR_CLUSTER_LIST:
	case ATTR_MP_REACH_NLRI: case ATTR_MP_UNREACH_NLRI:
		return ATTR_F_OPTIONAL;
	case ATTR_AGGREGATOR: case ATTR_COMMUNITIES: case ATTR_EXT_COMMUNITIES:
	case ATTR_AS4_PATH: case ATTR_AS4_AGGREGATOR: case ATTR_LARGE_COMMUNITIES: case ATTR_OTC:
		return ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE;
	default:
		return -1;
	}
}

static bool flags_ok(uint8_t type, uint8_t flags)
{
	int want = expected_flags(type);
	return want < 0 || (flags & (ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE)) == want;
}

static bool nexthop4_valid(const uint8_t *a)
{
	/* 0.0.0.0/8, 127/8, multicast and class E cannot be a next hop. */
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

static bool nexthop6_valid(const uint8_t *a)
{
	static const uint8_t zero[16];
	return a[0] != 0xff && memcmp(a, zero, 16) != 0;
}

static void decode_mp_nlri(struct decode_state *st, struct rbuf nlri, uint8_t afi,
    struct prefix_vec *into, const char *what)
{
	while (nlri.len) {
		struct prefix p;
		if (prefix_read_nlri(&nlri, afi, &p) < 0) {
			reset_session(st->out, ERR_UPD_OPTATTR, NULL, 0, what);
			return;
		}
		vec_push(into, &p);
	}
}

/* Returns the family of an MP attribute, or -1 if we do not carry it or the
 * session did not negotiate it (then its NLRI are ignored, RFC 4760 §7). */
static int mp_family(struct decode_state *st, struct rbuf *v, const char *name)
{
	uint16_t afi;
	uint8_t safi;
	if (rbuf_u16(v, &afi) < 0 || rbuf_u8(v, &safi) < 0) {
		char msg[64];
		snprintf(msg, sizeof(msg), "%s too short", name);
		reset_session(st->out, ERR_UPD_OPTATTR, NULL, 0, msg);
		return -1;
	}
	int fam = family_from_afi_safi(afi, safi);
	if (fam < 0 || !(st->ctx->families & (1u << fam))) {
		problem(st->out, UPD_ATTR_DISCARD, "%s for AFI %u SAFI %u not negotiated, ignored",
		    name, afi, safi);
		return -1;
	}
	return fam;
}

static void decode_mp_reach(struct decode_state *st)
{
	struct rbuf v = st->a[ATTR_MP_REACH_NLRI].v, nh;
	uint8_t nhlen, reserved;
	int fam = mp_family(st, &v, "MP_REACH_NLRI");
	if (fam < 0)
		return;
	if (rbuf_u8(&v, &nhlen) < 0 || rbuf_sub(&v, nhlen, &nh) < 0 || rbuf_u8(&v, &reserved) < 0) {
		reset_session(st->out, ERR_UPD_OPTATTR, NULL, 0, "MP_REACH_NLRI next hop overruns attribute");
		return;
	}
	struct path_info *info = &st->out->info;
	bool ok = (fam == FAM_IPV4 && nhlen == 4) ||
	    (fam == FAM_IPV6 && (nhlen == 16 || nhlen == 32));
	if (!ok) {
		/* RFC 7606 §7.11: the NLRI cannot be located reliably. */
		reset_session(st->out, ERR_UPD_OPTATTR, NULL, 0, "MP_REACH_NLRI next hop length invalid");
		return;
	}
	info->nh_afi = family_afi((enum family)fam);
	memcpy(info->nh, nh.p, fam == FAM_IPV4 ? 4 : 16);
	if (nhlen == 32) {
		info->nh_has_ll = true;
		memcpy(info->nh_ll, nh.p + 16, 16);
	}
	decode_mp_nlri(st, v, family_afi((enum family)fam), &st->out->announced,
	    "MP_REACH_NLRI prefix malformed");
	bool nh_ok = fam == FAM_IPV4 ? nexthop4_valid(info->nh) : nexthop6_valid(info->nh);
	if (!nh_ok)
		problem(st->out, UPD_TREAT_AS_WITHDRAW, "MP_REACH_NLRI next hop is not a unicast address");
}

static void decode_mp_unreach(struct decode_state *st)
{
	struct rbuf v = st->a[ATTR_MP_UNREACH_NLRI].v;
	int fam = mp_family(st, &v, "MP_UNREACH_NLRI");
	if (fam < 0)
		return;
	/* End-of-RIB for a non-IPv4 family is an UPDATE with nothing but an
	 * empty MP_UNREACH_NLRI (RFC 4724 §2). */
	if (v.len == 0 && st->n_attrs == 1 && st->out->withdrawn.n == 0 && !st->have_v4_nlri)
		st->out->eor_family = fam;
	decode_mp_nlri(st, v, family_afi((enum family)fam), &st->out->withdrawn,
	    "MP_UNREACH_NLRI prefix malformed");
}

/* AS_PATH (and AS4_PATH for 2-octet peers) into canonical 4-octet form. */
static void decode_aspath(struct decode_state *st, struct wbuf *path)
{
	struct raw_attr *as = &st->a[ATTR_AS_PATH], *as4 = &st->a[ATTR_AS4_PATH];
	if (aspath_to4(as->v, st->ctx->peer_as4 ? 4 : 2, path) < 0) {
		problem(st->out, UPD_TREAT_AS_WITHDRAW, "malformed AS_PATH");
		return;
	}
	if (!as4->seen)
		return;
	if (st->ctx->peer_as4) {
		problem(st->out, UPD_ATTR_DISCARD, "AS4_PATH from a 4-octet-AS peer discarded");
		return;
	}
	struct raw_attr *ag = &st->a[ATTR_AGGREGATOR];
	if (ag->seen && ag->v.len == 6 && get_u16(ag->v.p) != AS_TRANS && st->a[ATTR_AS4_AGGREGATOR].seen)
		return;     /* §4.2.3: aggregated by an old speaker; AS4_PATH ignored */
	struct wbuf p4 = { 0 };
	if (!flags_ok(ATTR_AS4_PATH, as4->flags) || aspath_to4(as4->v, 4, &p4) < 0) {
		problem(st->out, UPD_ATTR_DISCARD, "malformed AS4_PATH discarded");
	} else if (aspath_count(path->data, path->len) >= aspath_count(p4.data, p4.len)) {
		struct wbuf merged = { 0 };
		aspath_merge(path->data, path->len, p4.data, p4.len, &merged);
		wbuf_free(path);
		*path = merged;
	}
	wbuf_free(&p4);
}

/* AGGREGATOR in 4-octet form; for 2-octet peers AS4_AGGREGATOR replaces an
 * AS_TRANS aggregator.  Malformed ones are discarded (RFC 7606 §7.7). */
static void decode_aggregator(struct decode_state *st, uint8_t flags, struct wbuf *w)
{
	struct rbuf v = st->a[ATTR_AGGREGATOR].v;
	uint8_t val[8];
	if (v.len != (st->ctx->peer_as4 ? 8u : 6u) || !flags_ok(ATTR_AGGREGATOR, flags)) {
		problem(st->out, UPD_ATTR_DISCARD, "malformed AGGREGATOR discarded");
		return;
	}
	if (st->ctx->peer_as4) {
		memcpy(val, v.p, 8);
	} else {
		put_u32(val, get_u16(v.p));
		memcpy(val + 4, v.p + 2, 4);
		struct raw_attr *a4 = &st->a[ATTR_AS4_AGGREGATOR];
		if (get_u16(v.p) == AS_TRANS && a4->seen) {
			if (a4->v.len == 8 && flags_ok(ATTR_AS4_AGGREGATOR, a4->flags))
				memcpy(val, a4->v.p, 8);
			else
				problem(st->out, UPD_ATTR_DISCARD, "malformed AS4_AGGREGATOR discarded");
		}
	}
	attr_put(w, flags, ATTR_AGGREGATOR, val, 8);
}

/* Checks one attribute and, if it is passed on, appends it to out->attrs. */
static void decode_one(struct decode_state *st, uint8_t type)
{
	struct raw_attr *a = &st->a[type];
	struct update_decoded *out = st->out;
	struct path_info *info = &out->info;
	struct wbuf *w = &out->attrs;
	size_t len = a->v.len;
	bool fl = flags_ok(type, a->flags);
	const char *name = attr_name(type);

	switch (type) {
	case ATTR_ORIGIN:
		if (!fl || len != 1 || a->v.p[0] > ORIGIN_INCOMPLETE) {
			problem(out, UPD_TREAT_AS_WITHDRAW, "malformed ORIGIN");
			return;
		}
		info->origin = a->v.p[0];
		attr_put(w, a->flags, type, a->v.p, len);
		return;
	case ATTR_AS_PATH: {
		if (!fl) {
			problem(out, UPD_TREAT_AS_WITHDRAW, "AS_PATH flags wrong");
			return;
		}
		struct wbuf path = { 0 };
		decode_aspath(st, &path);
		aspath_info(path.data, path.len, info);
		attr_put(w, a->flags, type, path.data, path.len);
		wbuf_free(&path);
		return;
	}
	case ATTR_NEXT_HOP:
		if (!fl || len != 4) {
			problem(out, UPD_TREAT_AS_WITHDRAW, "malformed NEXT_HOP");
			return;
		}
		if (!st->have_v4_nlri)
			return;      /* only meaningful for IPv4 NLRI in the UPDATE itself */
		if (!nexthop4_valid(a->v.p)) {
			problem(out, UPD_TREAT_AS_WITHDRAW, "NEXT_HOP is not a unicast address");
			return;
		}
		info->nh_afi = AFI_IPV4;
		memcpy(info->nh, a->v.p, 4);
		return;
	case ATTR_MED:
	case ATTR_OTC:
		if (!fl || len != 4) {
			problem(out, UPD_TREAT_AS_WITHDRAW, "malformed %s", name);
			return;
		}
		if (type == ATTR_MED) {
			info->has_med = true;
			info->med = get_u32(a->v.p);
		} else {
			info->has_otc = true;
			info->otc = get_u32(a->v.p);
		}
		attr_put(w, a->flags, type, a->v.p, len);
		return;
	case ATTR_LOCAL_PREF:        /* RFC 7606 §7.5: discarded from external peers */
	case ATTR_ORIGINATOR_ID:     /* iBGP-only attributes never pass a route server */
	case ATTR_CLUSTER_LIST:
	case ATTR_MP_REACH_NLRI:     /* handled first, kept apart */
	case ATTR_MP_UNREACH_NLRI:
	case ATTR_AS4_PATH:          /* merged into AS_PATH */
	case ATTR_AS4_AGGREGATOR:    /* merged into AGGREGATOR */
		return;
	case ATTR_ATOMIC_AGGREGATE:
		if (!fl || len != 0) {
			problem(out, UPD_ATTR_DISCARD, "malformed ATOMIC_AGGREGATE discarded");
			return;
		}
		attr_put(w, a->flags, type, NULL, 0);
		return;
	case ATTR_AGGREGATOR:
		decode_aggregator(st, a->flags, w);
		return;
	case ATTR_COMMUNITIES:
	case ATTR_EXT_COMMUNITIES:
	case ATTR_LARGE_COMMUNITIES: {
		size_t unit = type == ATTR_COMMUNITIES ? 4 : type == ATTR_EXT_COMMUNITIES ? 8 : 12;
		if (!fl || len == 0 || len % unit != 0) {
			problem(out, UPD_TREAT_AS_WITHDRAW, "malformed %s (length %zu)", name, len);
			return;
		}
		attr_put(w, a->flags, type, a->v.p, len);
		return;
	}
	default:
		if (!(a->flags & ATTR_F_OPTIONAL)) {
			uint8_t data[3] = { a->flags, type, 0 };
			char msg[64];
			snprintf(msg, sizeof(msg), "unrecognized well-known attribute %u", type);
			reset_session(out, ERR_UPD_UNKNWN_WK, data, 2, msg);
			return;
		}
		/* RFC 4271 §5: unknown optional transitive attributes are passed
		 * on with the Partial bit set; non-transitive ones are dropped. */
		if (a->flags & ATTR_F_TRANSITIVE)
			attr_put(w, a->flags | ATTR_F_PARTIAL, type, a->v.p, len);
		return;
	}
}

/* Splits the path attribute field into st->a.  Framing problems inside it
 * are treat-as-withdraw (RFC 7606 §4); the NLRI field is still located by
 * the Total Path Attribute Length. */
static void split_attrs(struct decode_state *st, struct rbuf attrs)
{
	while (attrs.len) {
		uint8_t flags, type;
		uint16_t len;
		struct rbuf v;
		if (attrs.len < 3 || (attrs.p[0] & ATTR_F_EXTLEN && attrs.len < 4)) {
			problem(st->out, UPD_TREAT_AS_WITHDRAW, "attribute list ends inside an attribute header");
			return;
		}
		rbuf_u8(&attrs, &flags);
		rbuf_u8(&attrs, &type);
		if (flags & ATTR_F_EXTLEN) {
			rbuf_u16(&attrs, &len);
		} else {
			uint8_t l8;
			rbuf_u8(&attrs, &l8);
			len = l8;
		}
		if (rbuf_sub(&attrs, len, &v) < 0) {
			problem(st->out, UPD_TREAT_AS_WITHDRAW, "%s length overruns the attribute list",
			    attr_name(type));
			return;
		}
		struct raw_attr *a = &st->a[type];
		if (a->seen) {
			if (type == ATTR_MP_REACH_NLRI || type == ATTR_MP_UNREACH_NLRI) {
				reset_session(st->out, ERR_UPD_ATTRLIST, NULL, 0, "duplicate MP attribute");
				return;
			}
			problem(st->out, UPD_ATTR_DISCARD, "duplicate %s ignored", attr_name(type));
			continue;   /* RFC 7606 §3 g): keep the first */
		}
		a->seen = true;
		st->n_attrs++;
		a->flags = flags;
		a->v = v;
	}
}

static void decode_v4_nlri(struct decode_state *st, struct rbuf b, struct prefix_vec *into,
    const char *what)
{
	bool carried = st->ctx->families & (1u << FAM_IPV4), skipped = false;
	while (b.len) {
		struct prefix p;
		if (prefix_read_nlri(&b, AFI_IPV4, &p) < 0) {
			reset_session(st->out, ERR_UPD_NETWORK, NULL, 0, what);
			return;
		}
		if (carried)
			vec_push(into, &p);
		skipped = !carried;
	}
	if (skipped)
		problem(st->out, UPD_ATTR_DISCARD, "IPv4 prefixes on a session without IPv4 ignored");
}

static void check_mandatory(struct decode_state *st)
{
	static const uint8_t mandatory[] = { ATTR_ORIGIN, ATTR_AS_PATH };
	for (size_t i = 0; i < sizeof(mandatory); i++)
		if (!st->a[mandatory[i]].seen)
			problem(st->out, UPD_TREAT_AS_WITHDRAW, "missing well-known attribute %s",
			    attr_name(mandatory[i]));
	if (st->have_v4_nlri && !st->a[ATTR_NEXT_HOP].seen)
		problem(st->out, UPD_TREAT_AS_WITHDRAW, "missing well-known attribute NEXT_HOP");
}

static void move_announced_to_withdrawn(struct update_decoded *out)
{
	for (uint32_t i = 0; i < out->announced.n; i++)
		vec_push(&out->withdrawn, &out->announced.v[i]);
	out->announced.n = 0;
}

void bgp_update_decode(const struct update_ctx *ctx, const uint8_t *body, size_t len,
    struct update_decoded *out)
{
	struct decode_state *st = xcalloc(1, sizeof(*st));
	struct rbuf b = rbuf_make(body, len), withdrawn, attrs;
	uint16_t wlen, alen;

	reset_decoded(out);
	st->ctx = ctx;
	st->out = out;
	if (rbuf_u16(&b, &wlen) < 0 || rbuf_sub(&b, wlen, &withdrawn) < 0 ||
	    rbuf_u16(&b, &alen) < 0 || rbuf_sub(&b, alen, &attrs) < 0) {
		reset_session(out, ERR_UPD_ATTRLIST, NULL, 0, "withdrawn/attribute lengths exceed the message");
		goto done;
	}
	decode_v4_nlri(st, withdrawn, &out->withdrawn, "withdrawn prefix malformed");
	st->have_v4_nlri = b.len > 0;
	decode_v4_nlri(st, b, &out->announced, "NLRI prefix malformed");
	if (out->action == UPD_SESSION_RESET)
		goto done;
	if (wlen == 0 && alen == 0 && b.len == 0) {
		out->eor_family = FAM_IPV4;
		goto done;
	}
	split_attrs(st, attrs);
	for (uint8_t t = ATTR_MP_REACH_NLRI; t <= ATTR_MP_UNREACH_NLRI; t++) {
		if (!st->a[t].seen)
			continue;
		/* Without trustworthy MP attributes the NLRI cannot be found, so
		 * treat-as-withdraw is impossible (RFC 7606 §5.3, §7.11). */
		if (!flags_ok(t, st->a[t].flags))
			reset_session(out, ERR_UPD_ATTRFLAGS, NULL, 0, "MP attribute flags wrong");
		else if (t == ATTR_MP_REACH_NLRI)
			decode_mp_reach(st);
		else
			decode_mp_unreach(st);
	}
	if (out->action == UPD_SESSION_RESET || out->eor_family >= 0)
		goto done;
	if (out->announced.n > 0) {
		for (int t = 1; t < 256; t++)
			if (st->a[t].seen)
				decode_one(st, (uint8_t)t);
		check_mandatory(st);
	}
	if (out->action == UPD_TREAT_AS_WITHDRAW)
		move_announced_to_withdrawn(out);
done:
	free(st);
}

/* --- encoding ----------------------------------------------------------- */

void attrs_to_as2(const uint8_t *attrs, size_t len, struct wbuf *out)
{
	struct attr_iter it;
	uint8_t flags, type;
	struct rbuf v;
	struct wbuf as4path = { 0 };
	uint8_t as4aggr[8] = { 0 };
	bool need_as4path = false, need_as4aggr = false;

	attr_iter_init(&it, attrs, len);
	while (attr_iter_next(&it, &flags, &type, &v)) {
		if (type > ATTR_AS4_PATH && need_as4path) {
			attr_put(out, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_AS4_PATH, as4path.data, as4path.len);
			need_as4path = false;
		}
		if (type > ATTR_AS4_AGGREGATOR && need_as4aggr) {
			attr_put(out, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_AS4_AGGREGATOR, as4aggr, 8);
			need_as4aggr = false;
		}
		if (type == ATTR_AS_PATH) {
			struct wbuf p2 = { 0 };
			for (size_t o = 0; o + 2 <= v.len; o += 2 + (size_t)v.p[o + 1] * 4) {
				wbuf_u8(&p2, v.p[o]);
				wbuf_u8(&p2, v.p[o + 1]);
				for (unsigned i = 0; i < v.p[o + 1]; i++) {
					uint32_t as = get_u32(v.p + o + 2 + i * 4);
					if (as > 0xffff)
						need_as4path = true;
					wbuf_u16(&p2, as > 0xffff ? AS_TRANS : (uint16_t)as);
				}
			}
			attr_put(out, flags, type, p2.data, p2.len);
			wbuf_free(&p2);
			if (need_as4path)
				wbuf_put(&as4path, v.p, v.len);
		} else if (type == ATTR_AGGREGATOR && v.len == 8) {
			uint32_t as = get_u32(v.p);
			uint8_t a2[6];
			put_u16(a2, as > 0xffff ? AS_TRANS : (uint16_t)as);
			memcpy(a2 + 2, v.p + 4, 4);
			attr_put(out, flags, type, a2, 6);
			if (as > 0xffff) {
				memcpy(as4aggr, v.p, 8);
				need_as4aggr = true;
			}
		} else {
			attr_put(out, flags, type, v.p, v.len);
		}
	}
	if (need_as4path)
		attr_put(out, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_AS4_PATH, as4path.data, as4path.len);
	if (need_as4aggr)
		attr_put(out, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_AS4_AGGREGATOR, as4aggr, 8);
	wbuf_free(&as4path);
}

/* Appends attrs, inserting NEXT_HOP (IPv4) and an added OTC where their
 * type codes belong so the result stays in ascending order. */
static void put_attrs_with_extras(struct wbuf *w, const uint8_t *attrs, size_t len,
    const uint8_t *nh4, uint32_t otc_as)
{
	struct attr_iter it;
	uint8_t flags, type, val[4];
	struct rbuf v;
	attr_iter_init(&it, attrs, len);
	while (attr_iter_next(&it, &flags, &type, &v)) {
		if (nh4 && type > ATTR_NEXT_HOP) {
			attr_put(w, ATTR_F_TRANSITIVE, ATTR_NEXT_HOP, nh4, 4);
			nh4 = NULL;
		}
		if (otc_as && type > ATTR_OTC) {
			put_u32(val, otc_as);
			attr_put(w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_OTC, val, 4);
			otc_as = 0;
		}
		attr_put(w, flags, type, v.p, v.len);
	}
	if (nh4)
		attr_put(w, ATTR_F_TRANSITIVE, ATTR_NEXT_HOP, nh4, 4);
	if (otc_as) {
		put_u32(val, otc_as);
		attr_put(w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_OTC, val, 4);
	}
}

static size_t nlri_size(const struct send_class *sc, const struct nlri_out *n)
{
	return (sc->addpath ? 4 : 0) + prefix_nlri_size(n->prefix);
}

static void put_nlri(struct wbuf *w, const struct send_class *sc, const struct nlri_out *n)
{
	if (sc->addpath)
		wbuf_u32(w, n->path_id);
	prefix_write_nlri(w, n->prefix);
}

static size_t max_msg(const struct send_class *sc)
{
	return sc->ext_message ? BGP_MAX_EXT_MSG : BGP_MAX_MSG;
}

int bgp_update_encode_announce(struct wbuf *out, const struct send_class *sc, enum family fam,
    const uint8_t *attrs, size_t attrs_len, const struct path_info *info,
    const struct nlri_out *nlri, size_t n)
{
	uint32_t otc_as = (sc->otc_add_as && !info->has_otc) ? sc->otc_add_as : 0;
	/* header + lengths + MP_REACH with two next hops + NEXT_HOP + OTC */
	size_t overhead = BGP_HEADER_LEN + 4 + 4 + 5 + 32 + 1 + 7 + 7;
	if (overhead + attrs_len + 4 + 17 > max_msg(sc))
		return -1;      /* attributes too large for this receiver (RFC 8654 §4) */
	size_t i = 0;
	while (i < n) {
		size_t start = bgp_msg_begin(out, BGP_UPDATE);
		wbuf_u16(out, 0);                      /* no withdrawn routes */
		size_t alen_at = out->len;
		wbuf_u16(out, 0);
		size_t attrs_start = out->len, mp_len_at = 0;
		if (fam == FAM_IPV6) {
			/* MP_REACH_NLRI first (RFC 7606 §5.1), extended length so
			 * its size can be patched after the NLRI are in. */
			wbuf_u8(out, ATTR_F_OPTIONAL | ATTR_F_EXTLEN);
			wbuf_u8(out, ATTR_MP_REACH_NLRI);
			mp_len_at = out->len;
			wbuf_u16(out, 0);
			wbuf_u16(out, AFI_IPV6);
			wbuf_u8(out, SAFI_UNICAST);
			wbuf_u8(out, info->nh_has_ll ? 32 : 16);
			wbuf_put(out, info->nh, 16);
			if (info->nh_has_ll)
				wbuf_put(out, info->nh_ll, 16);
			wbuf_u8(out, 0);
			size_t room = max_msg(sc) - (out->len - start) - attrs_len - 7 /* OTC */;
			size_t used = 0;
			for (; i < n && used + nlri_size(sc, &nlri[i]) <= room; i++) {
				used += nlri_size(sc, &nlri[i]);
				put_nlri(out, sc, &nlri[i]);
			}
			put_u16(out->data + mp_len_at, (uint16_t)(out->len - mp_len_at - 2));
			put_attrs_with_extras(out, attrs, attrs_len, NULL, otc_as);
			put_u16(out->data + alen_at, (uint16_t)(out->len - attrs_start));
		} else {
			put_attrs_with_extras(out, attrs, attrs_len, info->nh, otc_as);
			put_u16(out->data + alen_at, (uint16_t)(out->len - attrs_start));
			while (i < n && out->len - start + nlri_size(sc, &nlri[i]) <= max_msg(sc))
				put_nlri(out, sc, &nlri[i++]);
		}
		bgp_msg_finish(out, start);
	}
	return 0;
}

void bgp_update_encode_withdraw(struct wbuf *out, const struct send_class *sc, enum family fam,
    const struct nlri_out *nlri, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t start = bgp_msg_begin(out, BGP_UPDATE);
		if (fam == FAM_IPV4) {
			size_t wlen_at = out->len;
			wbuf_u16(out, 0);
			while (i < n && out->len - start + 2 + nlri_size(sc, &nlri[i]) <= max_msg(sc))
				put_nlri(out, sc, &nlri[i++]);
			put_u16(out->data + wlen_at, (uint16_t)(out->len - wlen_at - 2));
			wbuf_u16(out, 0);
		} else {
			wbuf_u16(out, 0);
			size_t alen_at = out->len;
			wbuf_u16(out, 0);
			wbuf_u8(out, ATTR_F_OPTIONAL | ATTR_F_EXTLEN);
			wbuf_u8(out, ATTR_MP_UNREACH_NLRI);
			size_t mp_len_at = out->len;
			wbuf_u16(out, 0);
			wbuf_u16(out, AFI_IPV6);
			wbuf_u8(out, SAFI_UNICAST);
			while (i < n && out->len - start + nlri_size(sc, &nlri[i]) <= max_msg(sc))
				put_nlri(out, sc, &nlri[i++]);
			put_u16(out->data + mp_len_at, (uint16_t)(out->len - mp_len_at - 2));
			put_u16(out->data + alen_at, (uint16_t)(out->len - alen_at - 2));
		}
		bgp_msg_finish(out, start);
	}
}

void bgp_update_encode_eor(struct wbuf *out, enum family fam)
{
	size_t start = bgp_msg_begin(out, BGP_UPDATE);
	wbuf_u16(out, 0);
	if (fam == FAM_IPV4) {
		wbuf_u16(out, 0);
	} else {
		wbuf_u16(out, 6);
		wbuf_u8(out, ATTR_F_OPTIONAL);
		wbuf_u8(out, ATTR_MP_UNREACH_NLRI);
		wbuf_u8(out, 3);
		wbuf_u16(out, AFI_IPV6);
		wbuf_u8(out, SAFI_UNICAST);
	}
	bgp_msg_finish(out, start);
}
