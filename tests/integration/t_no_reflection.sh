#!/bin/bash
# SPDX-License-Identifier: ISC
# t_no_reflection: a member never receives its own routes back from the
# route server — neither its standard routes nor a prefix it shares with
# another member (it must get the other member's path instead), and not on
# an ADD-PATH session either (m1 receives all paths but its own).
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

t_setup

# a prefix announced by two members (GoBGP m3, ExaBGP m5) and m1's own
# prefixes, which m1 (ADD-PATH) must not get back.
shared4=45.65.201.0/24 shared6=2804:1fff:201::/48
for m in m3 m5; do
	lab_announce "$m" $shared4
	lab_announce "$m" $shared6
done
for p in $shared4 $shared6; do
	t_poll 20 "$p of m3 and m5 reaches m1 (add-path: both paths)" \
		eval '[ "$(lab_rib_paths m1 '"$p"' | wc -l)" = 2 ]'
done
sleep 2   # a reflected route would come right after the others: give it the time

for m in "${LAB_MEMBERS[@]}"; do
	for af in 4 6; do
		own=$(lab_member_rib "$m" $af | awk -F'|' -v asn="${M_ASN[$m]}" '{ split($2, a, " "); if (a[1] == asn) print }')
		t_check "${M_TYPE[$m]} ($m) IPv$af: no path originated by itself (AS${M_ASN[$m]})" test -z "$own"
		[ -n "$own" ] && sed 's/^/      got back: /' <<<"$own"
		while read -r p _; do
			t_check "${M_TYPE[$m]} ($m): own $p not received" lab_rib_lacks_prefix "$m" "$p"
		done < <(lab_routes "$m" $af)
	done
done
for p in $shared4 $shared6; do
	af=$(lab_af_of "$p")
	t_check "m3 gets $p only from m5" \
		test "$(lab_rib_paths m3 "$p")" = "$(lab_expected_route m5 "$p" - - -)"
	t_check "m5 gets $p only from m3" \
		test "$(lab_rib_paths m5 "$p")" = "$(lab_expected_route m3 "$p" - - -)"
done
t_done
