#!/bin/bash
# SPDX-License-Identifier: ISC
# t_route_refresh: ROUTE-REFRESH (RFC 2918) in both directions.
#  - member -> RS: BIRD `reload in`, FRR `clear bgp ... soft in`, OpenBGPD
#    `bgpctl neighbor X refresh`, ExaBGP `announce route-refresh`: the RS
#    must re-send its Adj-RIB-Out (member's UPDATE counter grows) and the
#    member must still have every route.
#  - RS -> member: `ixpctl neighbor ADDR refresh` (BIRD fixture: birdc
#    reload): FRR must re-send its routes (asked by ROUTE-REFRESH) or get
#    the RS's again, and the routes stay everywhere.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

t_setup

counter_grew() { local now; now=$(lab_member_counter "$1" "$2" "$3") && [ "$now" -gt "$4" ] 2>/dev/null; }

for m in "${LAB_MEMBERS[@]}"; do
	[ "${M_TYPE[$m]}" = gobgp ] && continue   # gobgp's soft reset in never asks the peer
	for af in 4 6; do
		before=$(lab_member_counter "$m" $af updates_in)
		lab_member_refresh_in "$m" $af
		t_poll 15 "${M_TYPE[$m]} ($m) IPv$af asks for a refresh: RS re-sends its routes (UPDATEs received > $before)" \
			counter_grew "$m" $af updates_in "$before"
		t_poll 10 "${M_TYPE[$m]} ($m) IPv$af still has every route after the refresh" _lab_rib_complete "$m" $af
	done
done

# RS-initiated refresh towards FRR (m2): the RS asks FRR for its routes
# (ROUTE-REFRESH: FRR re-sends, its UPDATEs-sent counter grows) and/or
# re-sends its own (FRR's UPDATEs-received counter grows).
for af in 4 6; do
	rr=$(lab_member_counter m2 $af refresh_in)
	out=$(lab_member_counter m2 $af updates_out)
	in=$(lab_member_counter m2 $af updates_in)
	t_check "RS refresh of m2 IPv$af accepted ($RS_IMPL)" lab_rs_refresh m2 $af
	t_poll 15 "FRR (m2) IPv$af answers the RS-side refresh (UPDATEs sent > $out or received > $in)" \
		eval 'counter_grew m2 '$af' updates_out '"$out"' || counter_grew m2 '$af' updates_in '"$in"
	echo "      (FRR IPv$af counters: ROUTE-REFRESH received $rr -> $(lab_member_counter m2 $af refresh_in)," \
		"UPDATEs sent $out -> $(lab_member_counter m2 $af updates_out)," \
		"UPDATEs received $in -> $(lab_member_counter m2 $af updates_in))"
done
t_poll 15 "every member still has every route after the RS-side refreshes" _lab_all_complete
t_done
