/* SPDX-License-Identifier: ISC */
/* export_ctl: what a route's action communities ask of export, decoded
 * once per attribute set into its struct export_ctl -- which receivers may
 * have it (by AS, by RTT) and, per receiving AS or RTT, a prepend of the
 * announcing member's AS, NO_EXPORT or NO_ADVERTISE -- and the attribute
 * set each such receiver gets (its variant).  The one home of everything
 * the policy does about export control: arouteserver's
 * do_not_announce_to_peer, announce_to_peer, do_not_announce_to_any,
 * prepend_*_to_peer, add_noexport_to_peer, add_noadvertise_to_peer and the
 * RTT-based [do_not_]announce_to_peers_with_rtt_* and
 * prepend_*_to_peers_with_rtt_*, which ask about the RTT the receiving
 * session measured (session.h).  (The actions for every receiver --
 * prepend, NO_EXPORT, NO_ADVERTISE to any -- change the route server's set
 * itself: policy_effective.)
 *
 * The data type itself (struct export_ctl, struct peer_action), the
 * question the decision process asks of it (export_ctl_allows) and its
 * freeing with the attribute set (export_ctl_free) live in src/rib/attr.h:
 * the RIB needs them and may not include src/policy/.
 *
 * RDE thread only, like the attribute sets.  An export control belongs to
 * its attribute set (attr_set_ctl installs it, the set frees it); its
 * variants (at most EXPORT_VARIANTS) go with it.
 * Bounds: per attribute set, at most 65535 listed ASes, 65535
 * per-receiver action communities and 255 RTT-based prepends; further
 * ones are ignored. */
#ifndef IXPD_EXPORT_CTL_H
#define IXPD_EXPORT_CTL_H
#include <stdint.h>

#include "attr.h"

struct policy_global;

/* Decodes a's action communities into its export control (what
 * policy_effective does for the set it returns), for a sender at no site. */
void policy_export_ctl(const struct policy_global *g, struct attr_set *a);

/* The set receiver r gets for a path whose set is a: a's variant for the
 * actions its export control asks for that receiver, or a itself.  No new
 * reference. */
struct attr_set *policy_variant(struct attr_set *a, const struct export_receiver *r);
/* The actions ctl holds for receiver AS asn, or NULL. */
const struct peer_action *export_ctl_action(const struct export_ctl *ctl, uint32_t asn);
#endif
