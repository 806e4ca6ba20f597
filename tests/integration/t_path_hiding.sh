#!/bin/bash
# SPDX-License-Identifier: ISC
# t_path_hiding: no path hiding.  ExaBGP (m5) and GoBGP (m3) announce the
# same prefix; m5's path is preferred (AS_PATH 1 vs 3 long) but carries
# "do not announce to X":
#   IPv4: large community 59900:0:52002 (X = FRR m2)
#   IPv6: standard community 0:52004    (X = OpenBGPD m4)
# X must receive the second-best path (m3's), everybody else the best one
# (m5's; m5 itself gets m3's, its own is never reflected; the add-path
# member m1 gets both).  Dropping the community gives X the best path;
# withdrawing the best gives everybody the second.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

t_setup

check_prefix() {  # PREFIX X CTRL-ATTR(comm=..|lcomm=..)
	local p=$1 x=$2 ctrl=$3 m best second
	lab_announce m3 "$p" aspath=52003,52003,52003
	lab_announce m5 "$p" "$ctrl"
	second=$(lab_expected_route m3 "$p" - - - "52003 52003 52003")
	case $ctrl in
	comm=*) best=$(lab_expected_route m5 "$p" - "${ctrl#comm=}" -) ;;
	lcomm=*) best=$(lab_expected_route m5 "$p" - - "${ctrl#lcomm=}") ;;
	esac
	local bestpfx=${best%|*|*}     # prefix|as_path|next_hop|med: communities not compared
	t_poll 20 "BIRD (m1, add-path) gets both paths of $p" \
		eval '[ "$(lab_rib_paths m1 '"$p"' | wc -l)" = 2 ]'
	t_poll 10 "${M_TYPE[$x]} ($x, excluded by $ctrl) gets the second-best path: $second" \
		eval '[ "$(lab_rib_paths '"$x"' '"$p"')" = "$second" ]'
	for m in "${LAB_MEMBERS[@]}"; do
		case $m in m1|m3|m5|"$x") continue ;; esac
		t_poll 10 "${M_TYPE[$m]} ($m) gets the best path only: $bestpfx|..." \
			eval '[ "$(lab_rib_paths '"$m"' '"$p"' | cut -d"|" -f1-4)" = "$bestpfx" ]'
	done
	t_poll 10 "GoBGP (m3) gets m5's (best) path" \
		eval '[ "$(lab_rib_paths m3 '"$p"' | cut -d"|" -f1-4)" = "$bestpfx" ]'
	t_poll 10 "ExaBGP (m5) gets m3's path (own never reflected)" \
		eval '[ "$(lab_rib_paths m5 '"$p"')" = "$second" ]'

	# m5 re-announces without the control community: X switches to the best
	lab_announce m5 "$p"
	t_poll 15 "${M_TYPE[$x]} ($x) switches to m5's path once $ctrl is dropped" \
		eval '[ "$(lab_rib_paths '"$x"' '"$p"')" = "$(lab_expected_route m5 '"$p"' - - -)" ]'
	# withdraw the best: everybody (but m3) gets the second
	lab_withdraw m5 "$p"
	for m in m1 m2 m4 m5; do
		t_poll 15 "${M_TYPE[$m]} ($m) falls back to m3's path when m5 withdraws $p" \
			eval '[ "$(lab_rib_paths '"$m"' '"$p"')" = "$second" ]'
	done
	t_poll 10 "GoBGP (m3) no longer has $p" lab_rib_lacks_prefix m3 "$p"
}

check_prefix 45.65.200.0/24 m2 "lcomm=$RS_ASN:0:${M_ASN[m2]}"
check_prefix 2804:1fff:200::/48 m4 "comm=0:${M_ASN[m4]}"
t_done
