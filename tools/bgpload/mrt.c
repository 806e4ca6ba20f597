/* SPDX-License-Identifier: ISC */
#include "mrt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bgp.h"
#include "bgp_update.h"
#include "synth.h"
#include "util.h"
#include "xalloc.h"

#define MRT_TABLE_DUMP_V2 13
enum {
	MRT_PEER_INDEX_TABLE = 1, MRT_RIB_IPV4_UNICAST = 2, MRT_RIB_IPV6_UNICAST = 4,
	MRT_RIB_IPV4_UNICAST_ADDPATH = 8, MRT_RIB_IPV6_UNICAST_ADDPATH = 10,
};

static void mrt_rehash(struct mrt_data *m)
{
	size_t cap = m->htab ? (m->hmask + 1) * 2 : 4096;
	free(m->htab);
	m->htab = xcalloc(cap, sizeof(*m->htab));
	m->hmask = cap - 1;
	for (uint32_t i = 0; i < m->nattr; i++) {
		size_t h = hash_bytes(m->blob.data + m->off[i], m->len[i]) & m->hmask;
		while (m->htab[h])
			h = (h + 1) & m->hmask;
		m->htab[h] = i + 1;
	}
}

uint32_t mrt_intern(struct mrt_data *m, const uint8_t *a, size_t n)
{
	if (!m->htab || (m->nattr + 1) * 2 > m->hmask + 1)
		mrt_rehash(m);
	size_t h = hash_bytes(a, n) & m->hmask;
	while (m->htab[h]) {
		uint32_t i = m->htab[h] - 1;
		if (m->len[i] == n && memcmp(m->blob.data + m->off[i], a, n) == 0)
			return i;
		h = (h + 1) & m->hmask;
	}
	if (m->nattr == m->acap) {
		m->acap = m->acap ? m->acap * 2 : 4096;
		m->off = xrealloc(m->off, m->acap * sizeof(*m->off));
		m->len = xrealloc(m->len, m->acap * sizeof(*m->len));
	}
	m->off[m->nattr] = (uint32_t)m->blob.len;
	m->len[m->nattr] = (uint32_t)n;
	wbuf_put(&m->blob, a, n);
	m->htab[h] = m->nattr + 1;
	return m->nattr++;
}

struct mrt_attr { uint8_t flags, type; const uint8_t *v; size_t len; };

static int mrt_attr_cmp(const void *a, const void *b)
{
	return (int)((const struct mrt_attr *)a)->type - (int)((const struct mrt_attr *)b)->type;
}

/* RFC 6396 §4.3.4: 4-octet ASNs in TABLE_DUMP_V2 */
static bool mrt_path_ok(struct rbuf s)
{
	while (s.len) {
		uint8_t st, cnt;
		if (rbuf_u8(&s, &st) < 0 || rbuf_u8(&s, &cnt) < 0 ||
		    (st != AS_SET && st != AS_SEQUENCE) || cnt == 0 ||
		    s.len < (size_t)cnt * 4)
			return false;
		s.p += (size_t)cnt * 4; s.len -= (size_t)cnt * 4;
	}
	return true;
}

enum { MRT_BAD = -1, MRT_SKIP, MRT_KEEP };

/* Whether an attribute is kept, dropped (see the file comment), or makes
 * the entry unusable. */
static int mrt_check_attr(uint8_t type, struct rbuf v)
{
	switch (type) {
	case ATTR_ORIGIN:
		return v.len == 1 && v.p[0] <= ORIGIN_INCOMPLETE ? MRT_KEEP : MRT_BAD;
	case ATTR_AS_PATH:
		return mrt_path_ok(v) ? MRT_KEEP : MRT_BAD;
	case ATTR_MED:
		return v.len == 4 ? MRT_KEEP : MRT_BAD;
	case ATTR_ATOMIC_AGGREGATE:
		return v.len == 0 ? MRT_KEEP : MRT_BAD;
	case ATTR_AGGREGATOR:
		return v.len == 8 || v.len == 6 ? MRT_KEEP : MRT_BAD;
	case ATTR_COMMUNITIES:
		return v.len % 4 || !v.len ? MRT_SKIP : MRT_KEEP;
	case ATTR_EXT_COMMUNITIES:
		return v.len % 8 || !v.len ? MRT_SKIP : MRT_KEEP;
	case ATTR_LARGE_COMMUNITIES:
		return v.len % 12 || !v.len ? MRT_SKIP : MRT_KEEP;
	default:
		return MRT_SKIP;
	}
}

/* The attributes of an MRT RIB entry that are kept, sorted by type, into
 * at[64]; returns how many, or -1 if the entry is unusable. */
static int mrt_read_attrs(const uint8_t *p, size_t n, struct mrt_attr *at)
{
	int na = 0;
	struct rbuf b = rbuf_make(p, n);
	while (b.len) {
		uint8_t flags, type, l8;
		uint16_t len;
		if (rbuf_u8(&b, &flags) < 0 || rbuf_u8(&b, &type) < 0)
			return -1;
		if (flags & ATTR_F_EXTLEN) {
			if (rbuf_u16(&b, &len) < 0)
				return -1;
		} else {
			if (rbuf_u8(&b, &l8) < 0)
				return -1;
			len = l8;
		}
		struct rbuf v;
		if (rbuf_sub(&b, len, &v) < 0)
			return -1;
		int keep = mrt_check_attr(type, v);
		if (keep == MRT_BAD)
			return -1;
		if (keep == MRT_SKIP)
			continue;
		if (na == 64)
			return -1;
		at[na++] = (struct mrt_attr){ flags, type, v.p, len };
	}
	qsort(at, (size_t)na, sizeof(at[0]), mrt_attr_cmp);
	for (int i = 1; i < na; i++)
		if (at[i].type == at[i - 1].type)
			return -1;          /* duplicate attribute */
	return na;
}

/* The attributes in canonical form: ORIGIN and AS_PATH always (IGP, an
 * empty path if missing), the known ones with their proper flags, a
 * 2-octet AGGREGATOR made 4-octet. */
static void mrt_emit(const struct mrt_attr *at, int na, struct wbuf *out)
{
	static const uint8_t wk_flags[] = {
		[ATTR_ORIGIN] = ATTR_F_TRANSITIVE, [ATTR_AS_PATH] = ATTR_F_TRANSITIVE,
		[ATTR_MED] = ATTR_F_OPTIONAL, [ATTR_ATOMIC_AGGREGATE] = ATTR_F_TRANSITIVE,
		[ATTR_AGGREGATOR] = ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE,
		[ATTR_COMMUNITIES] = ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE,
		[ATTR_EXT_COMMUNITIES] = ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE,
	};
	bool have_origin = false, have_path = false;
	for (int i = 0; i < na; i++) {
		have_origin |= at[i].type == ATTR_ORIGIN;
		have_path |= at[i].type == ATTR_AS_PATH;
	}
	if (!have_origin)
		syn_attr_origin(out, ORIGIN_IGP);
	for (int i = 0; i < na; i++) {
		if (!have_path && at[i].type > ATTR_AS_PATH) {
			attr_put_header(out, ATTR_F_TRANSITIVE, ATTR_AS_PATH, 0);   /* empty */
			have_path = true;
		}
		uint8_t fl = at[i].type < sizeof(wk_flags) ? wk_flags[at[i].type] :
		    (ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE);
		if (at[i].type == ATTR_AGGREGATOR && at[i].len == 6) {
			/* 2-octet AS -> 4-octet */
			attr_put_header(out, fl, ATTR_AGGREGATOR, 8);
			wbuf_u16(out, 0);
			wbuf_put(out, at[i].v, 6);
			continue;
		}
		attr_put_header(out, fl, at[i].type, at[i].len);
		wbuf_put(out, at[i].v, at[i].len);
	}
	if (!have_path)
		attr_put_header(out, ATTR_F_TRANSITIVE, ATTR_AS_PATH, 0);
}

/* The kept attributes of an MRT RIB entry in canonical order; -1 if the
 * entry is unusable. */
static int mrt_canon(const uint8_t *p, size_t n, struct wbuf *out)
{
	struct mrt_attr at[64];
	int na = mrt_read_attrs(p, n, at);
	if (na < 0)
		return -1;
	mrt_emit(at, na, out);
	return 0;
}

void mrt_attrs_for(const uint8_t *a, size_t n, uint32_t asn, struct wbuf *out)
{
	struct attr_iter it;
	uint8_t flags, type;
	struct rbuf v;
	attr_iter_init(&it, a, n);
	while (attr_iter_next(&it, &flags, &type, &v)) {
		if (type != ATTR_AS_PATH) {
			attr_put_header(out, flags & (uint8_t)~ATTR_F_EXTLEN, type, v.len);
			wbuf_put(out, v.p, v.len);
			continue;
		}
		if (v.len >= 6 && v.p[0] == AS_SEQUENCE) {
			attr_put_header(out, ATTR_F_TRANSITIVE, ATTR_AS_PATH, v.len);
			wbuf_put(out, v.p, 2);
			wbuf_u32(out, asn);
			wbuf_put(out, v.p + 6, v.len - 6);
		} else {
			attr_put_header(out, ATTR_F_TRANSITIVE, ATTR_AS_PATH, v.len + 6);
			wbuf_u8(out, AS_SEQUENCE);
			wbuf_u8(out, 1);
			wbuf_u32(out, asn);
			wbuf_put(out, v.p, v.len);
		}
	}
}

void mrt_add(struct mrt_fam *f, const struct prefix *p, uint32_t aid)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 65536;
		f->pfx = xrealloc(f->pfx, f->cap * sizeof(*f->pfx));
		f->aid = xrealloc(f->aid, f->cap * sizeof(*f->aid));
	}
	f->pfx[f->n] = *p;
	f->aid[f->n++] = aid;
}

/* One RIB_* record body. */
static void mrt_rib(struct mrt_data *m, uint16_t subtype, const uint8_t *body, size_t len,
    struct wbuf *scratch)
{
	bool v6 = subtype == MRT_RIB_IPV6_UNICAST || subtype == MRT_RIB_IPV6_UNICAST_ADDPATH;
	bool addpath = subtype == MRT_RIB_IPV4_UNICAST_ADDPATH ||
	    subtype == MRT_RIB_IPV6_UNICAST_ADDPATH;
	struct rbuf b = rbuf_make(body, len);
	uint32_t seq;
	uint16_t count, peer, alen;
	uint32_t otime, pathid;
	struct prefix p;
	struct rbuf a;
	if (rbuf_u32(&b, &seq) < 0 || prefix_read_nlri(&b, v6 ? AFI_IPV6 : AFI_IPV4, &p) < 0 ||
	    rbuf_u16(&b, &count) < 0 || count == 0 ||
	    rbuf_u16(&b, &peer) < 0 || rbuf_u32(&b, &otime) < 0 ||
	    (addpath && rbuf_u32(&b, &pathid) < 0) ||
	    rbuf_u16(&b, &alen) < 0 || rbuf_sub(&b, alen, &a) < 0) {
		m->skipped++;
		return;
	}
	scratch->len = 0;
	if (p.len == 0 || mrt_canon(a.p, a.len, scratch) < 0) {
		m->skipped++;
		return;
	}
	mrt_add(&m->fam[v6 ? 1 : 0], &p, mrt_intern(m, scratch->data, scratch->len));
}

/* a counting sort */
void mrt_finish(struct mrt_data *m)
{
	for (int fi = 0; fi < 2; fi++) {
		struct mrt_fam *f = &m->fam[fi];
		uint32_t *cnt = xcalloc((size_t)m->nattr + 1, sizeof(*cnt));
		for (uint32_t i = 0; i < f->n; i++)
			cnt[f->aid[i] + 1]++;
		f->ngroups = 0;
		for (uint32_t a = 0; a < m->nattr; a++)
			if (cnt[a + 1])
				f->ngroups++;
		f->gstart = xmalloc(((size_t)f->ngroups + 1) * sizeof(*f->gstart));
		f->gattr = xmalloc(((size_t)f->ngroups + 1) * sizeof(*f->gattr));
		uint32_t g = 0;
		for (uint32_t a = 0; a < m->nattr; a++) {
			if (cnt[a + 1]) {
				f->gattr[g] = a;
				f->gstart[g++] = cnt[a];
			}
			cnt[a + 1] += cnt[a];
		}
		f->gstart[f->ngroups] = f->n;
		struct prefix *sorted = xmalloc(((size_t)f->n + 1) * sizeof(*sorted));
		for (uint32_t i = 0; i < f->n; i++)
			sorted[cnt[f->aid[i]]++] = f->pfx[i];
		free(f->pfx);
		free(f->aid);
		f->aid = NULL;
		f->pfx = sorted;
		free(cnt);
	}
	free(m->htab);
	m->htab = NULL;
}

/* Opens path, through a decompressor for .gz/.bz2/.xz; *child = its pid. */
static FILE *mrt_open(const char *path, pid_t *child)
{
	const char *dec = NULL;
	size_t l = strlen(path);
	*child = 0;
	if (l > 3 && strcmp(path + l - 3, ".gz") == 0)
		dec = "gzip";
	else if (l > 4 && strcmp(path + l - 4, ".bz2") == 0)
		dec = "bzip2";
	else if (l > 3 && strcmp(path + l - 3, ".xz") == 0)
		dec = "xz";
	if (!dec)
		return fopen(path, "rb");
	if (access(path, R_OK) < 0)
		return NULL;
	int fds[2];
	if (pipe(fds) < 0)
		return NULL;
	pid_t pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);      /* a truncated dump is reported by us */
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp(dec, dec, "-dc", "--", path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	*child = pid;
	return fdopen(fds[0], "rb");
}

void mrt_load(struct mrt_data *m, const char *path)
{
	pid_t child;
	FILE *fp = mrt_open(path, &child);
	if (!fp)
		die("cannot open MRT file %s: %s", path, strerror(errno));
	uint8_t hdr[12];
	uint8_t *body = NULL;
	size_t bcap = 0;
	struct wbuf scratch = { 0 };
	memset(m, 0, sizeof(*m));
	size_t got;
	bool truncated = false;
	while ((got = fread(hdr, 1, sizeof(hdr), fp)) == sizeof(hdr)) {
		uint16_t type = get_u16(hdr + 4), subtype = get_u16(hdr + 6);
		uint32_t len = get_u32(hdr + 8);
		if (len > bcap) {
			bcap = len;
			body = xrealloc(body, bcap);
		}
		if (len && fread(body, 1, len, fp) != len) {
			truncated = true;
			break;
		}
		m->records++;
		if (type != MRT_TABLE_DUMP_V2)
			continue;
		switch (subtype) {
		case MRT_RIB_IPV4_UNICAST: case MRT_RIB_IPV6_UNICAST:
		case MRT_RIB_IPV4_UNICAST_ADDPATH: case MRT_RIB_IPV6_UNICAST_ADDPATH:
			mrt_rib(m, subtype, body, len, &scratch);
			break;
		default:
			break;          /* PEER_INDEX_TABLE: peers do not matter here */
		}
	}
	if (got != 0 && got != sizeof(hdr))
		truncated = true;
	fclose(fp);
	if (child) {
		int st;
		waitpid(child, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			truncated = true;
	}
	if (truncated)
		logmsg("MRT file %s is truncated or does not decompress: using its first %" PRIu64
		    " records", path, m->records);
	free(body);
	wbuf_free(&scratch);
	if (m->fam[0].n + m->fam[1].n == 0)
		die("MRT file %s: no IPv4/IPv6 unicast RIB entries (TABLE_DUMP_V2 expected)", path);
	mrt_finish(m);
}
