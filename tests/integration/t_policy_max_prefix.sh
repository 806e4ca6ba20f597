#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq programs with $variables, in single quotes
# T_TIMEOUT=200
# t_policy_max_prefix: a route leak trips max-prefix (action shutdown).
#
# A bgpload feeder (f0, AS61000, clients.yml max_prefix {action: shutdown,
# limit_ipv4: 1000}) announces a full table, 1,000,000 prefixes, reconnecting whenever it
# is dropped (--reconnect); BIRD m1 and FRR m2 are connected all along.
#   - the feeder's session goes down with NOTIFICATION Cease/1 (RFC 4486:
#     maximum number of prefixes reached, AFI/SAFI and the limit as data),
#     as the BGP capture shows; ixpctl shows it not Established with the
#     max-prefix reason;
#   - it stays down (action shutdown: no restart), although the feeder
#     keeps reconnecting;
#   - none of the feeder's routes remain at the route server or at m1/m2;
#   - m1's and m2's sessions never reset and keep their routes;
#   - ixpd's peak RSS (VmHWM) stays small: the leak is cut off at the limit,
#     not absorbed (printed as FIGURE lines).
# env: MP_PREFIXES (1000000)  MP_LIMIT (1000)  BGPLOAD (build/bgpload)
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

: "${BGPLOAD:=$LAB_REPO/build/bgpload}"
: "${MP_PREFIXES:=1000000}"
: "${MP_LIMIT:=1000}"
[ -x "$BGPLOAD" ] || { echo "  FAIL - $BGPLOAD not built (run make)"; exit 1; }

F_V4=192.0.2.100 F_ASN=61000
M_TYPE[f0]=bgpload M_ASN[f0]=$F_ASN M_V4[f0]=$F_V4 M_V6[f0]=2001:db8::100 M_FLAGS[f0]=-
LAB_GENERAL_YML="cfg:
  rs_as: $RS_ASN
  router_id: \"$RS_V4\"
  filtering:
    never_via_route_servers:
      peering_db: False"
LAB_CLIENT_CFG[f0]="filtering:
  max_prefix:
    action: shutdown
    limit_ipv4: $MP_LIMIT
    peering_db:
      enabled: False"

LAB_MEMBERS=(m1 m2)
lab_init
lab_create_lan
lab_add_node rs "$RS_V4" "$RS_V6"
for m in m1 m2; do lab_add_node "$m" "${M_V4[$m]}" "${M_V6[$m]}"; done
lab_add_node load "$F_V4" "${M_V6[f0]}"
lab_start_rs m1 m2 f0
for m in m1 m2; do lab_start_member "$m"; done
if ! lab_wait_sessions 60 || ! lab_wait_converged 30; then
	t_fail "m1 and m2 established and converged"
	t_done
fi
RS_PID=
while read -r p; do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = ixpd ] && RS_PID=$p
done < "$LAB_DIR/rs/pids"
[ -n "$RS_PID" ] || lab_die "cannot find ixpd's pid"
vmhwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$RS_PID/status"; }
hwm_before=$(vmhwm)
before=$(lab_session_marks)
t_check "session marks taken: 4 sessions Established at ixpd, FRR's counter, BIRD's 2 sessions" \
	eval '[ "$(grep -o Established <<<"$before" | wc -l)" = 6 ] && [ "$(wc -l <<<"$before")" = 4 ]'

FLOG=$LAB_DIR/load/bgpload.log
lab_spawn load "$FLOG" "$BGPLOAD" --rs "$RS_V4" --rs-as "$RS_ASN" --hold-time 30 \
	--session "feeder,$F_V4,$F_ASN,prefixes=$MP_PREFIXES" --reconnect --duration 40 \
	--json "$LAB_DIR/load/bgpload.json"
F_PID=$(tail -n1 "$LAB_DIR/load/pids")

f0_json() { lab_ixpctl --json show neighbors | jq -c --arg a "$F_V4" '.neighbors[] | select(.address == $a)'; }
f0_cut() { f0_json | jq -e '.state != "Established" and (.last_error // "" | test("max-prefix"))' >/dev/null; }
t_poll 30 "ixpd established the feeder's session" grep -q "neighbor $F_V4 AS$F_ASN: session established" "$LAB_DIR/rs/ixpd.log"
t_poll 30 "ixpctl: the feeder's session is down for max-prefix" f0_cut
echo "      feeder at ixpd: $(f0_json | jq -c '{state, last_error, routes}')"
# on the wire (bgpload, busy sending, may hit the closed socket before it
# reads the NOTIFICATION)
cease_sent() {
	tcpdump -nn -v -r "$LAB_DIR/rs/bgp.pcap" "src host $RS_V4 and dst host $F_V4" 2>/dev/null |
		grep -q "Notification Message (3), length: 28, Cease (6), subcode Maximum Number of Prefixes Reached (1), AFI IPv4 (1), SAFI Unicast (1), Max Prefixes: $MP_LIMIT"
}
if [ "${LAB_PCAP:-1}" = 1 ]; then
	t_poll 10 "ixpd sent NOTIFICATION Cease/1 (RFC 4486: IPv4 unicast, limit $MP_LIMIT) to the feeder" cease_sent
fi
t_check "ixpd logged the max-prefix limit" grep -q "neighbor $F_V4 AS$F_ASN: max-prefix limit $MP_LIMIT reached (action shutdown)" "$LAB_DIR/rs/ixpd.log"

sleep 12     # the feeder reconnects every second; connect_retry is 5 s
t_check "the feeder's session stays down (action shutdown) while it keeps reconnecting" f0_cut
t_check "ixpd established the feeder's session only once" \
	eval '[ "$(grep -c "neighbor $F_V4 AS$F_ASN: session established" "$LAB_DIR/rs/ixpd.log")" = 1 ]'
feeder_paths() { lab_ixpctl --json show routes --all --neighbor "$F_V4" | jq '[.routes[].paths[]] | length'; }
t_poll 10 "ixpd holds none of the feeder's routes" eval '[ "$(feeder_paths)" = 0 ]'
t_check "ixpd holds only m1's and m2's paths" \
	eval '[ "$(lab_ixpctl --json show status | jq .routes.paths)" = "$(lab_routes m1 | cat - <(lab_routes m2) | wc -l)" ]'
for m in m1 m2; do
	for af in 4 6; do
		t_check "${M_TYPE[$m]} ($m) IPv$af: the other member's routes, unchanged" test -z "$(lab_rib_missing "$m" $af)"
		t_poll 10 "${M_TYPE[$m]} ($m) IPv$af: none of the feeder's routes" \
			eval '[ -z "$(lab_rib_unexpected '"$m"' '"$af"')" ]'
	done
done
after=$(lab_session_marks)
if [ "$before" = "$after" ]; then
	t_ok "m1's and m2's sessions were never reset"
else
	t_fail "m1's and m2's sessions were never reset"
	diff <(echo "$before") <(echo "$after") | sed 's/^/      /'
fi
hwm=$(vmhwm)
echo "FIGURE mp_ixpd_vmhwm_before_kb=$hwm_before"
echo "FIGURE mp_ixpd_vmhwm_kb=$hwm"
t_check "ixpd's peak RSS grew by less than 64 MB ($hwm_before -> $hwm kB)" test $((hwm - hwm_before)) -lt 65536
kill "$F_PID" 2>/dev/null
t_check "ixpd still running" kill -0 "$RS_PID"
t_done
