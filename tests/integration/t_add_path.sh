#!/bin/bash
# SPDX-License-Identifier: ISC
# t_add_path: m1 (BIRD, `add paths rx`; add_path: True for this client on
# the RS) receives every eligible path of a prefix announced by two members
# (GoBGP m3, ExaBGP m5); members without ADD-PATH receive exactly one (the
# best).  Withdrawing one path removes exactly that path at m1.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

t_setup

npaths() { lab_rib_paths "$1" "$2" | wc -l; }
is_npaths() { [ "$(npaths "$1" "$2")" = "$3" ]; }

for p in 45.65.201.0/24 2804:1fff:201::/48; do
	lab_announce m3 "$p" med=100 comm=52003:201
	lab_announce m5 "$p" med=100 comm=52005:201
	e3=$(lab_expected_route m3 "$p" 100 52003:201 -)
	e5=$(lab_expected_route m5 "$p" 100 52005:201 -)
	t_poll 20 "BIRD (m1, add-path) receives both paths of $p" eval 'is_npaths m1 '"$p"' 2'
	t_check "BIRD (m1) path via m3 intact: $e3" lab_rib_has m1 "$e3"
	t_check "BIRD (m1) path via m5 intact: $e5" lab_rib_has m1 "$e5"
	for m in m2 m4; do
		t_poll 10 "${M_TYPE[$m]} ($m, no add-path) receives $p" lab_rib_has_prefix $m "$p"
		t_check "${M_TYPE[$m]} ($m, no add-path) has exactly 1 path for $p" is_npaths $m "$p" 1
	done
	t_check "GoBGP (m3) has only m5's path for $p" test "$(lab_rib_paths m3 "$p")" = "$e5"
	t_check "ExaBGP (m5) has only m3's path for $p" test "$(lab_rib_paths m5 "$p")" = "$e3"
	if [ "$RS_IMPL" = ixpd ]; then
		t_check "ixpctl show routes $p --all: 2 paths" \
			eval '[ "$(lab_ixpctl --json show routes '"$p"' --all | jq "[.routes[].paths[]] | length")" = 2 ]'
	fi

	# withdraw m5's: m1 keeps exactly m3's path (ADD-PATH withdraw by path id)
	lab_withdraw m5 "$p"
	t_poll 20 "after m5 withdraws $p, BIRD (m1) has exactly m3's path" \
		eval '[ "$(lab_rib_paths m1 '"$p"')" = "$e3" ]'
	t_poll 10 "after m5 withdraws $p, FRR (m2) has m3's path" \
		eval '[ "$(lab_rib_paths m2 '"$p"')" = "$e3" ]'
done
t_done
