/* policy: the import decision for each received path (accept, or reject
 * with a reason kept in the Adj-RIB-In) and the export control derived
 * from a path's communities.  This is where the IXP filters of RFC 7948
 * plug in between the Adj-RIB-In and the decision process.
 *
 * Checks are split by what they depend on, so each runs as rarely as it
 * can: attribute checks once per (member, attribute set) -- i.e. once per
 * UPDATE --, prefix checks once per prefix. */
#ifndef IXPD_POLICY_H
#define IXPD_POLICY_H
#include <stdint.h>

#include "attr.h"
#include "config.h"
#include "prefix.h"

/* Reasons, in the order the checks run.  Each maps to arouteserver's
 * reject code (rs_as:65520:<code>), see policy_reject_code(). */
enum reject_reason {
	REJECT_NONE = 0,
	REJECT_NEXT_HOP,             /* NEXT_HOP is not the member's address (RFC 7948 §4.8) */
	REJECT_PREFIX_LEN,           /* outside cfg.filtering.ipv4/ipv6_pref_len */
	REJECT_IPV6_NOT_GLOBAL,      /* IPv6 outside 2000::/3 */
	REJECT_AS_PATH_LEN,          /* longer than cfg.filtering.max_as_path_len */
	REJECT_LEFTMOST_AS,          /* AS_PATH does not start with the member's AS */
	REJECT_OTC_LEAK,             /* RFC 9234 §5: OTC from an RS client */
	REJECT_REASON_COUNT,
};
const char *reject_reason_str(uint16_t reason);
/* arouteserver's reject cause code for the reason (65535 = unknown). */
uint16_t policy_reject_code(uint16_t reason);

/* The import policy of one member, from its clients.yml entry (general.yml
 * values with the client's overrides).  Plain data: it travels in IPC
 * messages and is compared to decide whether a reload changed it. */
struct peer_policy {
	uint8_t v4_min, v4_max, v6_min, v6_max;
	uint16_t max_as_path_len;
	uint8_t next_hop;            /* enum cfg_next_hop_policy */
};
void policy_from_config(const struct cfg_policy *c, struct peer_policy *out);

struct policy_peer {
	uint32_t asn;
	const struct cfg_addr *addr;
	bool role_negotiated;
	const struct peer_policy *pol;
};

uint16_t policy_check_attrs(const struct policy_peer *peer, const struct attr_set *attrs);
uint16_t policy_check_prefix(const struct policy_peer *peer, const struct prefix *p);

/* Fills attrs->ctl (export control) and attrs->local_pref once per set.
 * Recognised (rs_as = the route server's AS):
 *   large  rs_as:0:peer  do not announce to peer;  rs_as:0:0  to nobody
 *          rs_as:1:peer  announce to peer (with rs_as:0:0)
 *   std    0:peer        do not announce to peer;  0:rs_as    to nobody
 *          rs_as:peer    announce to peer (with 0:rs_as)       */
void policy_derive(uint32_t rs_as, struct attr_set *attrs);
#endif
