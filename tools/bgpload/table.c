/* SPDX-License-Identifier: ISC */
#include "table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "prefix.h"
#include "synth.h"
#include "util.h"
#include "wire.h"
#include "xalloc.h"

static int table_asn(const char *text, uint32_t *asn)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);
	if (end == text || *end || v > UINT32_MAX)
		return -1;
	*asn = (uint32_t)v;
	return 0;
}

static void table_segment(struct wbuf *out, uint8_t type, const uint32_t *asns, unsigned n)
{
	if (!n)
		return;
	wbuf_u8(out, type);
	wbuf_u8(out, (uint8_t)n);
	for (unsigned i = 0; i < n; i++)
		wbuf_u32(out, asns[i]);
}

/* AS_PATH text to wire segments (4-octet ASNs): runs of plain ASNs are
 * AS_SEQUENCEs, {a,b} an AS_SET; -1 if malformed. */
static int table_as_path(char *text, struct wbuf *out)
{
	uint32_t seq[255];
	unsigned nseq = 0;
	for (char *tok, *save = NULL; (tok = strtok_r(text, " ", &save)); text = NULL) {
		size_t l = strlen(tok);
		if (tok[0] != '{') {
			if (nseq == 255) {
				table_segment(out, AS_SEQUENCE, seq, nseq);
				nseq = 0;
			}
			if (table_asn(tok, &seq[nseq++]) < 0)
				return -1;
			continue;
		}
		if (l < 3 || tok[l - 1] != '}')
			return -1;
		table_segment(out, AS_SEQUENCE, seq, nseq);
		nseq = 0;
		tok[l - 1] = '\0';
		uint32_t set[255];
		unsigned nset = 0;
		for (char *m, *s2 = NULL, *t = tok + 1; (m = strtok_r(t, ",", &s2)); t = NULL)
			if (nset == 255 || table_asn(m, &set[nset++]) < 0)
				return -1;
		table_segment(out, AS_SET, set, nset);
	}
	table_segment(out, AS_SEQUENCE, seq, nseq);
	return 0;
}

/* The canonical attributes of one line's route (ORIGIN, AS_PATH, MED). */
static int table_attrs(char *path, const char *origin, const char *med, struct wbuf *out)
{
	struct wbuf seg = { 0 };
	uint8_t o = !strcmp(origin, "IGP") ? ORIGIN_IGP : !strcmp(origin, "EGP") ? ORIGIN_EGP :
	    !strcmp(origin, "INCOMPLETE") ? ORIGIN_INCOMPLETE : 0xff;
	if (o == 0xff || table_as_path(path, &seg) < 0 || seg.len > 65535) {
		wbuf_free(&seg);
		return -1;
	}
	syn_attr_origin(out, o);
	attr_put_header(out, ATTR_F_TRANSITIVE, ATTR_AS_PATH, seg.len);
	wbuf_put(out, seg.data, seg.len);
	wbuf_free(&seg);
	if (strcmp(med, "-")) {
		char *end;
		unsigned long v = strtoul(med, &end, 10);
		if (end == med || *end || v > UINT32_MAX)
			return -1;
		attr_put_header(out, ATTR_F_OPTIONAL, ATTR_MED, 4);
		wbuf_u32(out, (uint32_t)v);
	}
	return 0;
}

static struct mrt_data *table_of(struct table_owner **owners, size_t *n, const char *addr)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*owners)[i].addr, addr))
			return (*owners)[i].m;
	*owners = xrealloc(*owners, (*n + 1) * sizeof(**owners));
	struct table_owner *o = &(*owners)[(*n)++];
	snprintf(o->addr, sizeof(o->addr), "%s", addr);
	o->m = xcalloc(1, sizeof(*o->m));
	return o->m;
}

struct table_owner *table_load(const char *path, size_t *nowners)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		die("cannot open table %s: %s", path, strerror(errno));
	struct table_owner *owners = NULL;
	*nowners = 0;
	char line[8192];
	struct wbuf attrs = { 0 };
	for (int lineno = 1; fgets(line, sizeof(line), fp); lineno++) {
		line[strcspn(line, "#\r\n")] = '\0';
		if (!line[0])
			continue;
		char *f[5], *p = line;
		int nf = 0;
		for (; nf < 5 && (f[nf] = strsep(&p, "|")); nf++)
			;
		struct prefix pfx;
		attrs.len = 0;
		if (nf != 5 || p || prefix_parse(f[1], &pfx) < 0 ||
		    table_attrs(f[2], f[3], f[4], &attrs) < 0)
			die("%s:%d: not ADDR|PREFIX|AS_PATH|ORIGIN|MED", path, lineno);
		struct mrt_data *m = table_of(&owners, nowners, f[0]);
		mrt_add(&m->fam[pfx.afi == AFI_IPV6 ? FAM_IPV6 : FAM_IPV4], &pfx,
		    mrt_intern(m, attrs.data, attrs.len));
		m->records++;
	}
	fclose(fp);
	wbuf_free(&attrs);
	for (size_t i = 0; i < *nowners; i++)
		mrt_finish(owners[i].m);
	return owners;
}

static void riblog_as_path(FILE *fp, const uint8_t *attrs, size_t len)
{
	struct rbuf v;
	if (attr_find(attrs, len, ATTR_AS_PATH, &v) < 0)
		return;
	const char *sep = "";
	while (v.len >= 2) {
		uint8_t type = v.p[0], n = v.p[1];
		if (v.len < 2 + 4 * (size_t)n)
			break;
		fprintf(fp, "%s%s", sep, type == AS_SET ? "{" : "");
		for (unsigned i = 0; i < n; i++)
			fprintf(fp, "%s%u", i ? (type == AS_SET ? "," : " ") : "",
			    get_u32(v.p + 2 + 4 * i));
		fputs(type == AS_SET ? "}" : "", fp);
		sep = " ";
		v.p += 2 + 4 * (size_t)n;
		v.len -= 2 + 4 * (size_t)n;
	}
}

void riblog_update(FILE *fp, const struct update_decoded *u)
{
	char pfx[PREFIX_STRLEN], nh[INET6_ADDRSTRLEN] = "-";
	if (u->eor_family >= 0) {
		fputs("E\n", fp);
		return;
	}
	for (uint32_t i = 0; i < u->withdrawn.n; i++)
		fprintf(fp, "W %s\n", prefix_str(&u->withdrawn.v[i], pfx, sizeof(pfx)));
	if (!u->announced.n)
		return;
	if (u->info.nh_afi)
		inet_ntop(u->info.nh_afi == AFI_IPV6 ? AF_INET6 : AF_INET, u->info.nh, nh,
		    sizeof(nh));
	for (uint32_t i = 0; i < u->announced.n; i++) {
		fprintf(fp, "A %s %s ", prefix_str(&u->announced.v[i], pfx, sizeof(pfx)), nh);
		if (u->info.has_med)
			fprintf(fp, "%u ", u->info.med);
		else
			fputs("- ", fp);
		riblog_as_path(fp, u->attrs.data, u->attrs.len);
		fputc('\n', fp);
	}
}
