#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # eval programs with $variables, in single quotes
# T_TIMEOUT=240
# t_drill_rs_restart: the hurricane drill's route server restart.
#
# A converged exchange -- BIRD m1 (ADD-PATH) and m6 with graceful restart
# on (RFC 4724), FRR m2 (a graceful restart helper, FRR's default), GoBGP
# m3 (no graceful restart) and 10 bgpload members (b1..b10, none) -- sees
# ixpd stopped for a graceful restart (`ixpctl restart`, as an operator
# restarts it), down for DRILL_RS_DOWN seconds, and started again with the
# same configuration.  Checks:
#   - while the route server is down, the members with graceful restart
#     keep forwarding: BIRD m1/m6 and FRR m2 still hold every route they
#     had (kept as stale), BIRD says "Neighbor graceful restart active";
#   - from the stop until everything is back, no route ever disappears at
#     m1, m6 and m2 (their route counts, sampled every 0.5 s) -- a member
#     that gets End-of-RIB before the table is complete drops the stale
#     routes not yet re-sent;
#   - the new ixpd has every member's table back (ixpctl: every session
#     Established, received, exported);
#   - every member holds exactly the others' routes again, and got an
#     End-of-RIB: BIRD's graceful restart is done (logged "Neighbor
#     graceful restart done"), FRR shows End-of-RIB received for both
#     families, every bgpload session logged one after its last restart.
# The checks marked [GR] are the restarting-speaker side of graceful
# restart in ixpd (RFC 4724 §4.1): a Graceful Restart capability listing
# the session's family with the Forwarding State bit, no NOTIFICATION when
# it stops for a restart (BIRD 2.0 and FRR flush on a Cease), and, once
# started again, no End-of-RIB to a member before the others' tables are
# back (route selection deferred until their End-of-RIB or a timer).
# FIGURE lines: seconds from the new ixpd's start until it has every table
# back and until every member holds everything again (full
# re-propagation); routes missing at the GR members at worst.
#
# env: DRILL_RS_DOWN (5 s)  DRILL_BGPLOAD_MEMBERS (10)  LAB_HOLD (30)
: "${LAB_HOLD:=30}"
: "${LAB_PCAP:=0}"
export LAB_PCAP
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

: "${DRILL_RS_DOWN:=5}"
: "${DRILL_BGPLOAD_MEMBERS:=10}"
LAB_DIAG_ROUTES=20
if [ "$RS_IMPL" != ixpd ]; then
	echo "  ok - SKIP: the drill reads ixpd's own counters (RS_IMPL=$RS_IMPL)"
	exit 0
fi

lab_define_member m6 bird 52006 192.0.2.16 2001:db8::16
LAB_MEMBER_ROUTES="m6 45.65.40.0/22 60 52006:100 52006:0:100
m6 2804:1f60::/32 - 52006:100,52006:600 -"
gr_bird=$'\tgraceful restart on;\n\tgraceful restart time 120;\n\tdebug { states, events };'
LAB_MEMBER_SESSION[m1]=$gr_bird
LAB_MEMBER_SESSION[m6]=$gr_bird
lab_define_bgpload_members "$DRILL_BGPLOAD_MEMBERS"
gr=(m1 m6 m2)                    # the members that keep the routes of a restarting RS
lab_up m1 m2 m3 m6
lab_start_bgpload --duration 900
WORLD=$LAB_DIR/world
lab_world "$WORLD"

t_rs_converged 90 "$WORLD" "$EPOCHREALTIME" "initial convergence" || t_done
t_exact "$WORLD" "before the restart"

# route_count NAME — routes NAME holds from the route server, both families
route_count() {
	case ${M_TYPE[$1]} in
	bird)
		for af in 4 6; do
			birdc -s "$LAB_DIR/$1/bird.ctl" show route protocol "rs$af" count 2>/dev/null |
				awk '/routes for/ { print $1; exit }'
		done | awk '{ n += $1 } END { print n + 0 }'
		;;
	frr)
		lab_vtysh "$1" -c "show bgp summary json" 2>/dev/null |
			jq '[.. | objects | select(has("pfxRcd")) | .pfxRcd] | add // 0'
		;;
	esac
}
declare -A want=()
for m in "${gr[@]}"; do
	want[$m]=$(( $(lab_drill expected "$WORLD" "$m" 4 | wc -l) + $(lab_drill expected "$WORLD" "$m" 6 | wc -l) ))
	t_check "$m holds its ${want[$m]} routes (route count)" eval '[ "$(route_count "$m")" = "${want[$m]}" ]'
done
t_check "BIRD m1 negotiated graceful restart with ixpd (ixpctl)" eval \
	'lab_ixpctl --json show neighbor "${M_V4[m1]}" | jq -e ".neighbor.capabilities.graceful_restart" >/dev/null'

# The members' route counts, every 0.5 s, from before the stop until the end
sampler() {
	while :; do
		local line="$EPOCHREALTIME"
		for m in "${gr[@]}"; do line+=" $m=$(route_count "$m")"; done
		echo "$line"
		sleep 0.5
	done
}
sampler > "$LAB_DIR/counts" 2>/dev/null &
SAMPLER=$!
trap 'rc=$?; kill "$SAMPLER" 2>/dev/null; (exit $rc); lab_teardown' EXIT

# ---- stop
RS_PID=$(lab_rs_pid) || lab_die "no route server pid"
sleep 1
stop=$EPOCHREALTIME
t_check "ixpctl restart: ixpd stops for a graceful restart" eval 'lab_ixpctl restart | grep -q "graceful restart"'
lab_wait 15 _lab_pid_dead "$RS_PID" || lab_die "ixpd did not stop within 15 s of ixpctl restart"
lab_log "ixpd stopped ($(grep -c 'session down' "$LAB_DIR/rs/ixpd.log") sessions closed); down for ${DRILL_RS_DOWN}s"
sleep "$DRILL_RS_DOWN"
# while it is down
for m in "${gr[@]}"; do
	n=$(route_count "$m")
	t_check "[GR] ixpd down: $m still holds its ${want[$m]} routes (holds $n)" test "$n" = "${want[$m]}"
done
for m in m1 m6; do
	t_check "[GR] ixpd down: BIRD $m: graceful restart of its neighbour active" \
		eval 'birdc -s "$LAB_DIR/$m/bird.ctl" show protocols all rs4 | grep -q "Neighbor graceful restart active"'
done

# ---- start again
start=$EPOCHREALTIME
lab_rs_start_again
RS_PID=$(lab_rs_pid)
lab_log "ixpd started again (pid $RS_PID)"
t_rs_converged 120 "$WORLD" "$start" "the new ixpd has every member's table back, every session up, the others' routes exported"
back_s=$LAB_CONVERGED_S
# full re-propagation: every member holds everything again
if lab_wait 120 lab_exact_now "$WORLD" --eor; then
	full_s=$(lab_since "$start")
	lab_log "every member holds everything again $full_s s after the start"
fi
t_exact "$WORLD" "after the restart" --eor
kill "$SAMPLER" 2>/dev/null
wait "$SAMPLER" 2>/dev/null

# No route lost at the graceful-restart members, at any sample since the stop
for m in "${gr[@]}"; do
	# the fewest routes sampled, and for how long there were fewer than all
	read -r min gap < <(awk -v s="$stop" -v m="$m" -v w="${want[$m]}" '
		$1 >= s { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] != m || kv[2] == "") continue
			if (min == "" || kv[2] + 0 < min) min = kv[2] + 0
			if (short != "") gap += $1 - short
			short = kv[2] + 0 < w ? $1 : "" } }
		END { printf "%s %.1f\n", min == "" ? "?" : min, gap }' "$LAB_DIR/counts")
	t_check "[GR] $m kept forwarding: never fewer than its ${want[$m]} routes from the stop to the end (fewest: $min; fewer for ${gap}s)" \
		test "${min:-0}" = "${want[$m]}"
	echo "FIGURE drill_restart_${m}_fewest_routes=${min:-?}"
	echo "FIGURE drill_restart_${m}_seconds_short=$gap"
done

# End-of-RIB at the members
for m in m1 m6; do
	t_check "[GR] BIRD $m: graceful restart done (End-of-RIB from the new ixpd; log: \"Neighbor graceful restart done\")" \
		eval 'grep -q "rs4: Neighbor graceful restart done" "$LAB_DIR/$m/bird.log" && grep -q "rs6: Neighbor graceful restart done" "$LAB_DIR/$m/bird.log"'
done
t_check "FRR m2: End-of-RIB received from the new ixpd, both families" eval \
	'lab_vtysh m2 -c "show bgp neighbors json" | jq -e "[.[] | .gracefulRestartInfo.endOfRibRecv // {} | to_entries[] | .value] | length == 2 and all" >/dev/null'
t_check "the new ixpd still running" kill -0 "$RS_PID"

echo "FIGURE drill_restart_rs_down_s=$DRILL_RS_DOWN"
echo "FIGURE drill_restart_tables_back_at_rs_s=${back_s:-?}"
echo "FIGURE drill_restart_full_repropagation_s=${full_s:-?}"
t_done
