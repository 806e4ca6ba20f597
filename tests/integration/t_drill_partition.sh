#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # eval programs with $variables, in single quotes
# T_TIMEOUT=240
# t_drill_partition: the hurricane drill's partition.
#
# The peering LAN in two islands joined by an inter-island link: island A
# with the route server, BIRD m1 (ADD-PATH), GoBGP m3 and bgpload members
# b1..b8; island B with FRR m2, BIRD m6 and b9..b16 (each member one IPv4
# and one IPv6 session, hold time 9 s).  The link is cut:
#   - nothing closes: ixpd's hold timers expire for every session of
#     island B (its log says so), and island B's routes are withdrawn from
#     island A: every member of A holds exactly A's other routes;
#   - island B's members lose their sessions too (their own hold timers)
#     and hold nothing from the route server;
#   - no session of island A goes down.
# The link is healed: every session comes back, every member holds exactly
# the others' routes again (nothing lost), and ixpd holds as many prefixes,
# paths and attribute sets as before the cut.
# FIGURE lines: seconds from the cut until ixpd and until every member of
# island A is rid of island B's routes (and B's members of everything),
# and from the heal until ixpd and until every member has everything back.
#
# env: LAB_HOLD (9)  LAB_BGPLOAD_PREFIXES4/6 (100/50)
: "${LAB_HOLD:=9}"
: "${LAB_PCAP:=0}"
export LAB_PCAP
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

LAB_DIAG_ROUTES=20
if [ "$RS_IMPL" != ixpd ]; then
	echo "  ok - SKIP: the drill reads ixpd's own counters (RS_IMPL=$RS_IMPL)"
	exit 0
fi

lab_define_member m6 bird 52006 192.0.2.16 2001:db8::16
LAB_MEMBER_SESSION[m1]=$'\tdebug { states };'     # its log shows each session coming up
LAB_MEMBER_ROUTES="m6 45.65.40.0/22 60 52006:100 52006:0:100
m6 2804:1f60::/32 - 52006:100,52006:600 -"
lab_define_bgpload_members 16
island_a=(m1 m3 b1 b2 b3 b4 b5 b6 b7 b8)
island_b=(m2 m6 b9 b10 b11 b12 b13 b14 b15 b16)
lab_up m1 m2 m3 m6
lab_split_lan "${island_b[@]}"
lab_start_bgpload --duration 900
WORLD=$LAB_DIR/world
lab_world "$WORLD"
CUT=$LAB_DIR/world.cut
lab_world "$CUT" "${island_b[@]}"
echo "  island A (route server): ${island_a[*]}; island B: ${island_b[*]}"

t_rs_converged 90 "$WORLD" "$EPOCHREALTIME" "initial convergence, both islands" || t_done
t_exact "$WORLD" "before the cut"
lab_rs_established_counts "$LAB_DIR/est.before"
routes_before=$(lab_rs_route_totals)
hold_before=$(grep -c 'session down (hold timer expired)' "$LAB_DIR/rs/ixpd.log")

# ---- the cut
cut=$EPOCHREALTIME
lab_island_link down
lab_log "inter-island link down"
t_rs_converged 60 "$CUT" "$cut" "ixpd: island B's sessions down, island A exported only A's routes (hold time $LAB_HOLD s)"
wd_s=$LAB_CONVERGED_S
n_b=$(( 2 * ${#island_b[@]} ))
hold_cut=$(( $(grep -c 'session down (hold timer expired)' "$LAB_DIR/rs/ixpd.log") - hold_before ))
t_check "ixpd: its hold timer expired for the $n_b sessions of island B ($hold_cut logged)" test "$hold_cut" = "$n_b"
lab_wait 60 lab_exact_now "$CUT" --empty && a_clean_s=$(lab_since "$cut")
t_exact "$CUT" "cut" --empty
if lab_wait 30 eval '[ -z "$(lab_member_rib m2 4; lab_member_rib m2 6; lab_member_rib m6 4; lab_member_rib m6 6)" ]'; then
	t_ok "cut: island B's real members (FRR m2, BIRD m6) hold nothing from the route server"
else
	t_fail "cut: island B's real members (FRR m2, BIRD m6) hold nothing from the route server"
fi
lab_rs_established_counts "$LAB_DIR/est.cut"
changed=$(lab_sessions_reset "$LAB_DIR/est.before" "$LAB_DIR/est.cut" "${island_a[@]}")
t_check "no session of island A went down (ixpd's established_count)${changed:+: $changed}" test -z "$changed"
t_check "BIRD m1 (island A): each session came up once (its log: $(lab_bird_ups m1 4), $(lab_bird_ups m1 6))" \
	eval '[ "$(lab_bird_ups m1 4)" = 1 ] && [ "$(lab_bird_ups m1 6)" = 1 ]'

# ---- the heal
heal=$EPOCHREALTIME
lab_island_link up
lab_log "inter-island link up"
t_rs_converged 90 "$WORLD" "$heal" "healed: every session back, every table at ixpd"
heal_s=$LAB_CONVERGED_S
a_a=$(IFS=,; echo "${island_a[*]}")
lab_wait 60 lab_exact_now "$WORLD" && members_s=$(lab_since "$heal")
t_exact "$WORLD" "healed" --no-drop "$a_a"
sleep 1
routes_after=$(lab_rs_route_totals)
t_check "ixpd holds as many prefixes, paths and attribute sets as before the cut ($routes_after; before $routes_before)" \
	test "$routes_after" = "$routes_before"
t_check "ixpd still running" eval 'kill -0 "$(lab_rs_pid)"'

echo "FIGURE drill_partition_members=$(( ${#island_a[@]} + ${#island_b[@]} ))"
echo "FIGURE drill_partition_rs_withdrawn_s=${wd_s:-?}"
echo "FIGURE drill_partition_island_a_clean_s=${a_clean_s:-?}"
echo "FIGURE drill_partition_rs_healed_s=${heal_s:-?}"
echo "FIGURE drill_partition_members_healed_s=${members_s:-?}"
t_done
