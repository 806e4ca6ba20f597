#!/bin/bash
# SPDX-License-Identifier: ISC
# t_sessions: every member (BIRD, FRR, GoBGP, OpenBGPD, ExaBGP) establishes
# one IPv4 and one IPv6 session with the route server, as seen from the
# member's own CLI and from the route server (ixpctl / birdc).
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

lab_up
lab_wait "${T_SESSION_TIMEOUT:-60}" _lab_all_established   # don't care if it fails: checked below

for m in "${LAB_MEMBERS[@]}"; do
	for af in 4 6; do
		t_poll 5 "$m (${M_TYPE[$m]}) IPv$af session Established (member CLI)" \
			lab_member_established "$m" "$af"
		t_poll 5 "$m (${M_TYPE[$m]}) IPv$af session Established (route server)" \
			lab_rs_established "$m" "$af"
	done
done

if [ "$RS_IMPL" = ixpd ]; then
	# ixpctl's own view: one neighbor per member address, right ASN, up
	json=$(lab_ixpctl --json show neighbors)
	n=$(jq '[.neighbors[] | select(.state == "Established")] | length' <<<"$json")
	t_check "ixpctl show neighbors: $n/$((2 * ${#LAB_MEMBERS[@]})) neighbors Established" \
		test "$n" = "$((2 * ${#LAB_MEMBERS[@]}))"
	for m in "${LAB_MEMBERS[@]}"; do
		for af in 4 6; do
			a=$(lab_member_addr "$m" $af)
			t_check "ixpctl show neighbor $a: AS${M_ASN[$m]}" \
				jq -e --arg a "$a" --argjson asn "${M_ASN[$m]}" \
				'any(.neighbors[]; .address == $a and .asn == $asn)' <<<"$json" >/dev/null
		done
	done
	t_check "ixpctl show status" lab_ixpctl show status >/dev/null
	t_check "ixpctl show neighbor ${M_V4[m1]} (single neighbor view)" \
		lab_ixpctl show neighbor "${M_V4[m1]}" >/dev/null
fi
t_done
