/* attr: interned, reference-counted path attribute sets.  Routes with the
 * same attributes (a member's whole table often has few distinct sets)
 * share one copy; identity comparison replaces byte comparison everywhere
 * after import.  Single-threaded: owned by the RDE. */
#ifndef IXPD_ATTR_H
#define IXPD_ATTR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp_update.h"

/* Who may receive a path, decided once per attribute set from its
 * communities (export control).  Default: everybody. */
struct export_ctl {
	bool only_listed;            /* true: only `asns` may receive it; false: all but them */
	uint16_t n;
	uint32_t asns[];
};

struct attr_set {
	struct attr_set *hnext;
	uint32_t hash;
	uint32_t refcnt;
	struct path_info info;
	uint32_t local_pref;         /* decision input; members never see it */
	struct export_ctl *ctl;      /* NULL: every member may receive it */
	bool derived;                /* ctl/local_pref computed by policy */
	uint8_t *as2;                /* lazily built 2-octet-AS form, see attrs_to_as2 */
	uint32_t as2_len;
	uint32_t len;
	uint8_t data[];              /* canonical attribute bytes */
};

struct attr_set *attr_intern(const struct path_info *info, const uint8_t *data, size_t len);
static inline struct attr_set *attr_ref(struct attr_set *a) { a->refcnt++; return a; }
void attr_unref(struct attr_set *a);
/* The bytes to send to a 2-octet-AS receiver. */
const uint8_t *attr_as2(struct attr_set *a, size_t *len);

size_t attr_count(void);
size_t attr_memory(void);
#endif
