/* SPDX-License-Identifier: ISC */
/* community: the route server's BGP communities (arouteserver's
 * cfg.communities and friends) compiled to wire patterns, matched against
 * canonical attribute bytes, and attribute editing for what the route
 * server does to a route's communities and AS_PATH.
 *
 * A definition has up to three forms, one per attribute:
 *   std  "x:x"       COMMUNITIES (RFC 1997), 16-bit parts
 *   ext  "rt:x:x" / "ro:x:x"  EXTENDED COMMUNITIES (RFC 4360): the
 *        transitive two-octet-AS-specific type (x <= 65535, then a 32-bit
 *        local part) or four-octet-AS-specific type (RFC 5668, x > 65535,
 *        then a 16-bit local part) -- what BIRD and OpenBGPD encode for the
 *        same text, so only values encoded that way match
 *   lrg  "x:x:x"     LARGE COMMUNITIES (RFC 8092), 32-bit parts
 * `rs_as` (any part) expands to the route server's AS when compiled.
 * `peer_as` / `dyn_val` (last part only) make the last part variable: such a
 * definition matches every value of that shape, and matching reports the
 * variable part (the peer AS, the RTT threshold, the reject code...).
 *
 * Matching reads canonical attribute bytes (bgp_update.h) and allocates
 * nothing.  Editing writes new canonical bytes into a wbuf: attributes stay
 * in ascending type order, flags are kept (optional transitive for a new
 * attribute), the extended-length bit follows the new length, and an
 * attribute left without values is dropped. */
#ifndef IXPD_COMMUNITY_H
#define IXPD_COMMUNITY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp_update.h"
#include "config.h"
#include "wire.h"

/* In ascending attribute type order (8, 16, 32): editing relies on it. */
enum comm_kind { COMM_STD, COMM_EXT, COMM_LRG, COMM_KINDS };
#define COMM_BIT(kind) (1u << (kind))

/* Bytes of one value of the kind: 4, 8, 12. */
size_t comm_len(enum comm_kind kind);
/* "std", "ext", "lrg": the cfg key of the form, for messages. */
const char *comm_kind_name(enum comm_kind kind);

/* One community value in wire form (the first comm_len(kind) bytes). */
struct comm_value {
	uint8_t kind;                /* enum comm_kind */
	uint8_t b[12];
};
struct comm_value comm_std(uint32_t v);
struct comm_value comm_ext(uint64_t v);
struct comm_value comm_lrg(uint32_t global, uint32_t local1, uint32_t local2);
/* "65535:666", "rt:65501:64512", "999:65520:5"; other extended types as
 * "0x" and 16 hex digits.  snprintf semantics. */
int comm_value_str(const struct comm_value *v, char *buf, size_t len);

/* One form of a definition: the wire bytes, of which the last var_len (0,
 * 2 or 4) are variable and zero here.  len == 0: the form is not set. */
struct comm_form {
	uint8_t len, var_len;
	uint8_t b[12];
};
struct comm_def {
	struct comm_form f[COMM_KINDS];
};

/* Well-known communities (standard form only): RFC 1997 NO_EXPORT and
 * NO_ADVERTISE, RFC 7999 BLACKHOLE 65535:666, RFC 8326 GRACEFUL_SHUTDOWN
 * 65535:0. */
extern const struct comm_def comm_no_export, comm_no_advertise, comm_blackhole, comm_gshut;

/* Compiles the normalised text the loader stored (NULL forms stay unset).
 * Returns 0, or the COMM_BITs of forms that are set but cannot be
 * expressed -- a standard community with rs_as > 65535, an extended one
 * whose two parts both exceed 65535 -- or do not parse.  Those forms are
 * left out of d and the rest still works; the caller reports them with the
 * option's name (comm_kind_name) or refuses the configuration, as
 * arouteserver does. */
unsigned comm_def_compile(struct comm_def *d, const struct cfg_community *c, uint32_t rs_as);
bool comm_def_empty(const struct comm_def *d);
/* The definition's values for the variable part `val` (ignored by a
 * definition without one), one per form, into out; returns how many.  A
 * form whose variable part is 16 bits is skipped when val > 65535. */
size_t comm_def_values(const struct comm_def *d, uint32_t val, struct comm_value out[COMM_KINDS]);

/* Enumerates the values of the route that match d, in attribute order
 * (standard, extended, large), reporting each one's variable part (0 for a
 * definition without one).  The same value may come once per form and per
 * repetition: callers that collect values de-duplicate.  The attribute
 * bytes must outlive the iterator. */
struct comm_match {
	const struct comm_def *d;
	struct attr_iter attrs;
	struct rbuf vals;            /* values left in the current attribute */
	const struct comm_form *form;    /* d's form for them */
};
void comm_match_init(struct comm_match *m, const struct comm_def *d, const uint8_t *attrs, size_t len);
bool comm_match_next(struct comm_match *m, uint32_t *val);
/* Does the route carry any value of d? */
bool comm_present(const struct comm_def *d, const uint8_t *attrs, size_t len);
/* Does it carry any value of any of defs[0..n)?  One pass over its values:
 * the quick test that spares routes without such values every other scan. */
bool comm_any_present(const struct comm_def *defs, size_t n, const uint8_t *attrs, size_t len);

/* An edit of a route's communities.  Removal applies to the values the
 * route carries: every value matching a form of any `scrub` definition (the
 * route server's own communities) and every value equal to one of `del`.
 * Then the `add` values are appended after the kept ones of their kind,
 * except those already there (no duplicates; existing values keep their
 * order, duplicates the member sent included). */
struct comm_edit {
	const struct comm_def *scrub;
	size_t n_scrub;
	const struct comm_value *del;
	size_t n_del;
	const struct comm_value *add;
	size_t n_add;
};
/* Appends the edited copy of canonical attributes to out.  Returns -1,
 * with out unchanged, if the input is malformed or an attribute would
 * exceed 65535 bytes. */
int comm_edit_attrs(const uint8_t *attrs, size_t len, const struct comm_edit *e, struct wbuf *out);

/* Appends a copy of canonical attributes to out with `as` prepended n times
 * to the AS_PATH (4-octet form): into the leading AS_SEQUENCE up to its 255
 * ASes, the rest in new leading AS_SEQUENCE segments.  A missing AS_PATH is
 * created.  path_info is not touched: as_path_len grows by n.  Returns -1,
 * with out unchanged, on malformed input or a path beyond 65535 bytes. */
int attrs_prepend_as(const uint8_t *attrs, size_t len, uint32_t as, unsigned n, struct wbuf *out);
#endif
