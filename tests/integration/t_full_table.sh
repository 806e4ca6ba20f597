#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq programs with $variables, in single quotes
# t_full_table: a full table through the route server.
#
# One bgpload process (tools/bgpload/) runs 1 feeder announcing 1,000,000
# synthetic IPv4 prefixes and 10 sinks (each its own address and AS, all
# route-server clients); a real BIRD member (m1) with its normal short
# table is connected all along.  Checks:
#   - every sink ends holding the whole table (+ the BIRD member's routes),
#     with no malformed UPDATE and no session drop, and received the
#     feeder's routes unchanged (a digest of prefix, attributes, next hop);
#   - then the feeder withdraws the whole table: every sink ends with only
#     the BIRD member's routes;
#   - the BIRD member's sessions never drop (state Established and the
#     "Since" time unchanged, polled every second), and the route server
#     logs no hold timer expiry;
#   - the route server is still alive.
# Prints (as "FIGURE name=value" lines): time from the first UPDATE to all
# sinks complete, the feeder's send time, the withdrawal's propagation
# time, the route server's peak RSS (VmHWM) and RSS growth per route,
# bgpload's and the route server's CPU time; names ft_<RS_IMPL>_*.
#
# RS_IMPL=bird runs the same against the BIRD route-server fixture, for
# comparison (the figures are named the same).
#
# FT_STUCK=1 (t_full_table_stuck): a second member, m2 (FRR), is frozen
# (SIGSTOP: it reads nothing, sends nothing) before the table comes and
# thawed once bgpload is done.  Checks also that the route server paused
# m2's output (output flow control) with its queue bounded near the
# high-water mark, that the others were served as without it (the same
# checks), and that m2, thawed, ends holding exactly what is announced
# then (m1's routes, the feeder's withdrawn).  Figures named
# ft_<RS_IMPL>_stuck_*, to compare with t_full_table's.
#
# env: FT_PREFIXES (1000000)  FT_SINKS (10)  FT_TIMEOUT (150 s for the load)
#      FT_STUCK (0)
#      LAB_HOLD (30: hold time of the route server and of every session; low
#        on purpose, a route server that stalls while absorbing must show)
#      BGPLOAD (build/bgpload)  FT_BGPLOAD_OPTS (more bgpload options)
#      LAB_PCAP (0 here: the capture of ~11 full tables is 120+ MB and
#        competes with the route server for CPU on a small machine)
: "${LAB_HOLD:=30}"
: "${LAB_PCAP:=0}"
export LAB_PCAP
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

: "${BGPLOAD:=$LAB_REPO/build/bgpload}"
: "${FT_PREFIXES:=1000000}"
: "${FT_SINKS:=10}"
: "${FT_TIMEOUT:=150}"
: "${FT_STUCK:=0}"
FIG=ft_${RS_IMPL}
[ "$FT_STUCK" = 1 ] && FIG=${FIG}_stuck

case $RS_IMPL in
ixpd) RS_PROC=ixpd ;;
bird) RS_PROC=bird ;;
*) echo "  FAIL - unknown RS_IMPL=$RS_IMPL"; exit 1 ;;
esac
[ -x "$BGPLOAD" ] || { echo "  FAIL - $BGPLOAD not built (run make)"; exit 1; }

# bgpload's sessions are route-server clients like any member: register
# them in the member table so lab_start_rs writes them into clients.yml.
LOAD_V4=192.0.2.100 LOAD_ASN=61000
load_names=(f0)
M_TYPE[f0]=bgpload M_ASN[f0]=$LOAD_ASN M_V4[f0]=$LOAD_V4 M_V6[f0]=2001:db8::100 M_FLAGS[f0]=-
for i in $(seq 1 "$FT_SINKS"); do
	M_TYPE[s$i]=bgpload M_ASN[s$i]=$((LOAD_ASN + i)) M_V4[s$i]=192.0.2.$((100 + i))
	M_V6[s$i]=2001:db8::$((100 + i)) M_FLAGS[s$i]=-
	load_names+=("s$i")
done

LAB_MEMBERS=(m1)
[ "$FT_STUCK" = 1 ] && LAB_MEMBERS+=(m2)
lab_init
lab_create_lan
lab_add_node rs "$RS_V4" "$RS_V6"
for m in "${LAB_MEMBERS[@]}"; do lab_add_node "$m" "${M_V4[$m]}" "${M_V6[$m]}"; done
lab_add_node load "$LOAD_V4" 2001:db8::100
for i in $(seq 1 "$FT_SINKS"); do
	ip -n "$(lab_ns load)" addr add "${M_V4[s$i]}/$LAN_V4_LEN" dev eth0
done
lab_start_rs "${LAB_MEMBERS[@]}" "${load_names[@]}"
for m in "${LAB_MEMBERS[@]}"; do lab_start_member "$m"; done
RS_PID=
while read -r p; do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$RS_PROC" ] && RS_PID=$p
done < "$LAB_DIR/rs/pids"
[ -n "$RS_PID" ] || lab_die "cannot find the route server's pid"
RS_LOG=$LAB_DIR/rs/$RS_PROC.log

ft_fail_out() {
	t_fail "$1"
	lab_rs_diag 2>&1 | head -80
	echo "---- bgpload log (tail) ----"
	tail -n 40 "$LAB_DIR/load/bgpload.log" 2>/dev/null
	echo "  ($T_OKS ok, $T_FAILS failed)"
	exit 1
}

lab_wait 60 eval 'lab_member_established m1 4 && lab_rs_established m1 4 && lab_member_established m1 6' \
	|| ft_fail_out "BIRD member m1 sessions established within 60 s"
t_ok "BIRD member m1 sessions established"
if [ "$FT_STUCK" = 1 ]; then
	lab_wait 60 eval 'lab_member_established m2 4 && lab_rs_established m2 4' ||
		ft_fail_out "member m2 session established within 60 s"
	mapfile -t STUCK_PIDS < "$LAB_DIR/m2/pids"
	kill -STOP "${STUCK_PIDS[@]}"
	t_ok "member m2 (${M_TYPE[m2]}) frozen (SIGSTOP ${STUCK_PIDS[*]}): it reads nothing from now on"
fi
# The stuck member's queue and pause, as ixpd shows them
stuck_queue() { lab_ixpctl --json show neighbor "${M_V4[m2]}" | jq -r '"\(.neighbor.output_queue_bytes) \(.neighbor.output_paused)"'; }

# BIRD's view of its sessions: "rs4  BGP  ---  up  <since>  Established"
bird_state() { birdc -s "$LAB_DIR/m1/bird.ctl" show protocols "$1" 2>/dev/null | awk -v p="$1" '$1 == p { print $4, $5, $6 }'; }
# bird_changed NOW BEFORE — the session went down or came up again.  BIRD
# prints "Since" from a monotonic clock converted to wall time, so the same
# instant can read a millisecond apart: a restart moves it by far more.
bird_changed() {
	awk -v a="$1" -v b="$2" 'function t(s, f) { split(s, f, /[ :]/); return f[2] * 3600 + f[3] * 60 + f[4] }
		BEGIN { split(a, x, " "); split(b, y, " ")
			d = t(a) - t(b); exit !(x[1] != y[1] || x[3] != y[3] || d > 0.5 || d < -0.5) }'
}
bird4_0=$(bird_state rs4) bird6_0=$(bird_state rs6)
lab_log "BIRD m1: rs4 [$bird4_0] rs6 [$bird6_0]"

# The sinks must end with the feeder's table plus BIRD's IPv4 routes that
# the table does not happen to contain already.
mapfile -t m1_v4 < <(lab_routes m1 4 | awk '{ print $1 }')
extra=$("$BGPLOAD" --rs "$RS_V4" --session "feeder,$LOAD_V4,$LOAD_ASN,prefixes=$FT_PREFIXES" --print-table |
	awk -F'|' -v l="${m1_v4[*]}" 'BEGIN { n = split(l, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
		$1 in want { delete want[$1] } END { print length(want) }')
expect=$((FT_PREFIXES + extra))
lab_log "expecting $expect IPv4 prefixes per sink ($FT_PREFIXES + $extra from BIRD m1)"

rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
rss0=$(rss_kb "$RS_PID" VmRSS)

# bgpload: all sessions in the load namespace; feeders start when every
# session is up; 3 s after every sink is complete the feeder withdraws its
# table; bgpload exits 2 s after every sink is back to BIRD's routes only.
# shellcheck disable=SC2086   # FT_BGPLOAD_OPTS: word splitting wanted
lab_spawn load "$LAB_DIR/load/bgpload.log" "$BGPLOAD" --rs "$RS_V4" --rs-as "$RS_ASN" \
	--hold-time "$LAB_HOLD" \
	--session "feeder,$LOAD_V4,$LOAD_ASN,prefixes=$FT_PREFIXES" \
	--session "sink,${M_V4[s1]},${M_ASN[s1]},count=$FT_SINKS,expect=$expect" \
	--withdraw-after 3 --expect-after-withdraw "${#m1_v4[@]}" \
	--exit-when-complete --linger 2 --duration "$FT_TIMEOUT" --progress \
	--json "$LAB_DIR/load/summary.json" ${FT_BGPLOAD_OPTS:-}
LOAD_PID=$(tail -n1 "$LAB_DIR/load/pids")

# While it runs: BIRD's sessions must stay up with the same "Since";
# sample the route server's RSS once every sink is complete (routes still held).
bird_flaps=0 rss_full='' start=$SECONDS stuck_max=0 stuck_paused=false
while kill -0 "$LOAD_PID" 2>/dev/null; do
	if [ "$FT_STUCK" = 1 ] && [ "$RS_IMPL" = ixpd ]; then
		read -r q paused < <(stuck_queue)
		[ "${q:-0}" -gt "$stuck_max" ] && stuck_max=$q
		[ "$paused" = true ] && stuck_paused=true
	fi
	b4=$(bird_state rs4) b6=$(bird_state rs6)
	if bird_changed "$b4" "$bird4_0" || bird_changed "$b6" "$bird6_0"; then
		bird_flaps=$((bird_flaps + 1))
		lab_log "BIRD m1 session state changed: rs4 [$b4] rs6 [$b6]"
		bird4_0=$b4 bird6_0=$b6
	fi
	if [ -z "$rss_full" ] && [ "$(grep -c ': complete: ' "$LAB_DIR/load/bgpload.log")" -ge "$FT_SINKS" ]; then
		sleep 1
		rss_full=$(rss_kb "$RS_PID" VmRSS)
		m1_routes=$(birdc -s "$LAB_DIR/m1/bird.ctl" show protocols all rs4 2>/dev/null |
			awk '/Routes:/ { print $2; exit }')
	fi
	[ $((SECONDS - start)) -gt $((FT_TIMEOUT + 30)) ] && ft_fail_out "bgpload did not exit"
	sleep 1
done
hwm=$(rss_kb "$RS_PID" VmHWM)
wait "$LOAD_PID" 2>/dev/null

echo "---- bgpload timeline ----"
grep -E '\] up |table sent|withdrawing|everything complete' "$LAB_DIR/load/bgpload.log"
sum=$LAB_DIR/load/summary.json
[ -s "$sum" ] || ft_fail_out "bgpload wrote its summary"
grep -E 'SESSION DROPPED|MALFORMED|setup failed' "$LAB_DIR/load/bgpload.log" | head -20

# jqcheck DESC FILTER — ok if FILTER is true on the summary
jqcheck() { if jq -e "${@:3}" "$2" "$sum" >/dev/null; then t_ok "$1"; else t_fail "$1"; fi; }
jqcheck "bgpload: every sink complete ($(jq .sinks.complete "$sum")/$FT_SINKS)" \
	'.sinks.complete == $n' --argjson n "$FT_SINKS"
jqcheck "every sink held exactly $expect prefixes before the withdrawal" \
	'[.sessions[] | select(.role == "sink") | .prefixes_held_peak] | all(. == $e)' --argjson e "$expect"
jqcheck "feeder sent all $FT_PREFIXES prefixes ($(jq .feeders.prefixes_sent "$sum")) and withdrew them ($(jq .feeders.withdrawals_sent "$sum"))" \
	'.feeders.prefixes_sent == $e and .feeders.withdrawals_sent == $e' --argjson e "$FT_PREFIXES"
jqcheck "after the withdrawal every sink holds BIRD's ${#m1_v4[@]} routes only (held: $(jq -c '.sinks.prefixes_held' "$sum"))" \
	'.sinks.withdrawal_complete == $n and .sinks.prefixes_held.min == $k and .sinks.prefixes_held.max == $k' \
	--argjson n "$FT_SINKS" --argjson k "${#m1_v4[@]}"
jqcheck "every sink received the feeder's routes unchanged (digest of prefix, attributes, next hop)" \
	'.feeders.tables_digest as $d | [.sessions[] | select(.role == "sink") | .routes_digest == $d[.family]] | all'
jqcheck "no malformed UPDATE from the route server (decode errors: $(jq .sinks.decode_errors "$sum"))" \
	'.sinks.decode_errors == 0'
# one path per prefix that never changes: nothing should be announced twice
# (unless the table happens to contain one of BIRD's prefixes)
if [ "$extra" = "${#m1_v4[@]}" ]; then
	jqcheck "no redundant announcement, no withdrawal of an unknown prefix (sinks)" \
		'[.sessions[] | select(.role == "sink") | .duplicate_announcements == 0 and .unknown_withdrawals == 0] | all'
fi
jqcheck "no bgpload session dropped" '[.sessions[] | .drops == 0 and .open_failures == 0] | all'
t_check "BIRD member m1: sessions never dropped (rs4 [$bird4_0])" test "$bird_flaps" = 0
t_check "BIRD member m1: rs4 and rs6 still Established" \
	eval 'bird_state rs4 | grep -q Established && bird_state rs6 | grep -q Established'
if grep -qi 'hold timer expired' "$RS_LOG"; then
	t_fail "$RS_PROC log: no hold timer expiry"
	grep -i 'hold timer expired' "$RS_LOG" | head -5
else
	t_ok "$RS_PROC log: no hold timer expiry"
fi
t_check "$RS_PROC still running" kill -0 "$RS_PID"
if [ "$FT_STUCK" = 1 ]; then
	if [ "$RS_IMPL" = ixpd ]; then
		t_check "the stuck member's output was paused (output flow control)" test "$stuck_paused" = true
		# the high-water mark (4 MB) and what was in flight from the RDE when it was crossed
		t_check "its queue stayed bounded: at most $((stuck_max / 1024)) KiB <= 16 MiB" \
			test "$stuck_max" -le $((16 << 20))
	fi
	kill -CONT "${STUCK_PIDS[@]}"
	want=$(printf '%s\n' "${m1_v4[@]}" | sort)
	m2_v4() { lab_member_rib m2 4 | cut -d'|' -f1 | sort; }
	t_poll 120 "thawed, m2 holds exactly m1's ${#m1_v4[@]} IPv4 routes, none of the feeder's" \
		eval '[ "$(m2_v4)" = "$want" ]'
	t_check "member m2 still Established with the route server" lab_rs_established m2 4
fi

first=$(jq '.feeders.first_update_ms' "$sum")
# sec FILTER — a summary value, in seconds with 3 decimals
sec() { printf '%.3f' "$(jq "$1" "$sum")"; }
echo "FIGURE ${FIG}_prefixes=$FT_PREFIXES"
echo "FIGURE ${FIG}_sinks=$FT_SINKS"
echo "FIGURE ${FIG}_feeder_send_s=$(sec '(.feeders.table_sent_ms // 0) / 1000')"
echo "FIGURE ${FIG}_time_to_all_sinks_s=$(sec '(.sinks.time_to_complete_ms.max // 0) / 1000')"
echo "FIGURE ${FIG}_time_to_first_sink_s=$(sec '(.sinks.time_to_complete_ms.min // 0) / 1000')"
echo "FIGURE ${FIG}_withdraw_to_all_sinks_s=$(sec '(.sinks.time_to_withdraw_ms.max // 0) / 1000')"
echo "FIGURE ${FIG}_rs_vmhwm_kb=${hwm:-?}"
echo "FIGURE ${FIG}_rs_rss_before_kb=${rss0:-?}"
echo "FIGURE ${FIG}_rs_rss_loaded_kb=${rss_full:-?}"
if [ -n "$rss_full" ] && [ -n "$rss0" ]; then
	echo "FIGURE ${FIG}_rs_bytes_per_route=$(( (rss_full - rss0) * 1024 / FT_PREFIXES ))"
fi
[ -n "$hwm" ] && [ -n "$rss0" ] && echo "FIGURE ${FIG}_rs_peak_bytes_per_route=$(( (hwm - rss0) * 1024 / FT_PREFIXES ))"
echo "FIGURE ${FIG}_bird_m1_routes=${m1_routes:-?}"
echo "FIGURE ${FIG}_bgpload_cpu_s=$(sec '.cpu_user_s + .cpu_system_s')"
echo "FIGURE ${FIG}_bgpload_cpu_until_all_sinks_s=$(sec '.cpu_first_update_to_complete_s // 0')"
echo "FIGURE ${FIG}_bgpload_wall_s=$(sec '.duration_ms / 1000')"
echo "FIGURE ${FIG}_rs_cpu_s=$(awk '{ printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$RS_PID/stat")"
if [ "$FT_STUCK" = 1 ]; then echo "FIGURE ${FIG}_queue_max_kb=$((stuck_max / 1024))"; fi
lab_log "first feeder UPDATE at ${first} ms after bgpload start"
echo "  ($T_OKS ok, $T_FAILS failed)"
[ "$T_FAILS" -eq 0 ] || { lab_rs_diag 2>&1 | head -60; exit 1; }
exit 0
