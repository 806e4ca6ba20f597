#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq programs with $variables, in single quotes
# T_TIMEOUT=400
# t_http_load: the HTTP server never stalls routing.
#
# A bgpload feeder announces 1,000,000 prefixes.  Then 20 HTTP clients pull
# the whole table through the birdwatcher API (/routes/table/master4) again
# and again as fast as they can, and one asks for it and stops reading.
# Meanwhile:
#   - a new member (a bgpload sink connecting now) receives the whole
#     table, and the feeder's session stays up (keepalives flow: bgpload
#     fails on a hold timer expiry or a lost session);
#   - `ixpctl show status` answers within a second;
#   - the route server's memory does not grow with the clients (VmRSS).
# env: HL_PREFIXES (1000000), HL_CLIENTS (20)
: "${LAB_HOLD:=30}"
: "${LAB_PCAP:=0}"
export LAB_PCAP
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

: "${BGPLOAD:=$LAB_REPO/build/bgpload}"
: "${HL_PREFIXES:=1000000}"
: "${HL_CLIENTS:=20}"
[ "$RS_IMPL" = ixpd ] || { echo "  SKIP - ixpd's HTTP server only"; exit 0; }
[ -x "$BGPLOAD" ] || { echo "  FAIL - $BGPLOAD not built (run make)"; exit 1; }

FEEDER_V4=192.0.2.100 SINK_V4=192.0.2.101 WEB_V4=192.0.2.102
M_TYPE[f0]=bgpload M_ASN[f0]=61000 M_V4[f0]=$FEEDER_V4 M_V6[f0]=2001:db8::100 M_FLAGS[f0]=-
M_TYPE[s1]=bgpload M_ASN[s1]=61001 M_V4[s1]=$SINK_V4 M_V6[s1]=2001:db8::101 M_FLAGS[s1]=-

LAB_MEMBERS=()
lab_init
PORT=8080
LAB_IXPD_EXTRA="http:
  listen: [\"$RS_V4:$PORT\"]
  max_clients: 32
  max_clients_per_address: 32
  requests_per_second: 1000
  burst: 1000"
lab_create_lan
lab_add_node rs "$RS_V4" "$RS_V6"
lab_add_node load "$FEEDER_V4" 2001:db8::100
ip -n "$(lab_ns load)" addr add "$SINK_V4/$LAN_V4_LEN" dev eth0
lab_add_node web "$WEB_V4" 2001:db8::102
lab_start_rs f0 s1
RS_PID=
while read -r p; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = ixpd ] && RS_PID=$p; done < "$LAB_DIR/rs/pids"
[ -n "$RS_PID" ] || lab_die "cannot find ixpd's pid"
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$RS_PID/status"; }

lab_spawn load "$LAB_DIR/load/feeder.log" "$BGPLOAD" --rs "$RS_V4" --rs-as "$RS_ASN" --hold-time "$LAB_HOLD" \
	--session "feeder,$FEEDER_V4,61000,prefixes=$HL_PREFIXES" --no-wait --duration 380 \
	--json "$LAB_DIR/load/feeder.json"
FEEDER_PID=$(tail -n1 "$LAB_DIR/load/pids")
prefixes() { lab_ixpctl --json show status 2>/dev/null | jq -r '.routes.prefixes // 0'; }
t_poll 150 "the route server holds the feeder's $HL_PREFIXES prefixes" eval '[ "$(prefixes)" -ge "$HL_PREFIXES" ]' ||
	{ tail -n 20 "$LAB_DIR/load/feeder.log"; exit 1; }
rss_loaded=$(rss_kb)

# the greedy clients and the one that stops reading (in the web namespace,
# killed by pid, also on failure)
URL=http://$RS_V4:$PORT/api/birdwatcher/routes/table/master4
pullers=()
for i in $(seq 1 "$HL_CLIENTS"); do
	lab_exec web bash -c "while :; do curl -s -o /dev/null -w '%{size_download} %{time_total}\n' '$URL' >> '$LAB_DIR/web/pull.$i'; done" &
	pullers+=($!)
done
lab_exec web python3 - "$RS_V4" "$PORT" <<-'EOF' &
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b"GET /api/birdwatcher/routes/table/master4 HTTP/1.1\r\nHost: x\r\n\r\n")
time.sleep(3600)           # never reads
	EOF
stuck=$!
cleanup_clients() { kill "${pullers[@]}" "$stuck" 2>/dev/null; wait "${pullers[@]}" "$stuck" 2>/dev/null; }
trap 'rc=$?; cleanup_clients; (exit $rc); lab_teardown' EXIT
trap 'cleanup_clients; LAB_FAILED=1; lab_teardown; exit 130' INT
trap 'cleanup_clients; LAB_FAILED=1; lab_teardown; exit 143' TERM
sleep 5

read -r slow worst < <(lab_status_latency "$LAB_DIR/rs/ixpd.sock")
t_check "show status answers within a second while $HL_CLIENTS HTTP clients pull the table (slowest ${worst} ms)" \
	test "$slow" = 0

t0=$(date +%s)
lab_spawn load "$LAB_DIR/load/sink.log" "$BGPLOAD" --rs "$RS_V4" --rs-as "$RS_ASN" --hold-time "$LAB_HOLD" \
	--session "sink,$SINK_V4,61001,expect=$HL_PREFIXES" --no-wait --exit-when-complete --duration 240 \
	--json "$LAB_DIR/load/sink.json"
SINK_PID=$(tail -n1 "$LAB_DIR/load/pids")
while kill -0 "$SINK_PID" 2>/dev/null; do sleep 0.5; done
sink_s=$(( $(date +%s) - t0 ))
t_check "a member that connects meanwhile receives all $HL_PREFIXES prefixes (in ${sink_s} s)" \
	eval 'jq -e ".sinks.complete == 1" "$LAB_DIR/load/sink.json" >/dev/null'
rss_pulled=$(rss_kb)
t_check "the feeder's session stayed up throughout (keepalives flowed)" eval \
	'kill -0 $FEEDER_PID && lab_ixpctl --json show neighbor $FEEDER_V4 | jq -e ".neighbor.state == \"Established\" and .neighbor.established_count == 1" >/dev/null'
pulls=$(cat "$LAB_DIR"/web/pull.* 2>/dev/null | awk '$1 > 0' | wc -l)
# what the server sent, by its own count (pulls of the whole table rarely end in time)
bytes=$(lab_exec web curl -s "http://$RS_V4:$PORT/metrics" | awk '$1 == "ixpd_http_response_bytes_total" { print $2 }')
routes_per_s=$(( ${bytes:-0} / 400 / (sink_s + 10) ))
cleanup_clients
echo "FIGURE hl_rss_loaded_kb=$rss_loaded"
echo "FIGURE hl_rss_with_http_clients_kb=$rss_pulled"
echo "FIGURE hl_status_worst_ms=$worst"
echo "FIGURE hl_sink_seconds=$sink_s"
echo "FIGURE hl_complete_pulls=$pulls"
echo "FIGURE hl_bytes_served=$bytes"
echo "FIGURE hl_approx_routes_per_s_served=$routes_per_s"
t_check "the HTTP clients were served meanwhile (${bytes:-0} bytes)" test "${bytes:-0}" -gt 1000000
t_check "memory stays bounded: VmRSS $rss_loaded -> $rss_pulled kB (< +96 MB, the new member's output included)" \
	test "$rss_pulled" -lt $((rss_loaded + 98304))
t_check "ixpd still running" kill -0 "$RS_PID"
echo "  ($T_OKS ok, $T_FAILS failed)"
[ "$T_FAILS" -eq 0 ] || { tail -n 30 "$LAB_DIR/rs/ixpd.log"; exit 1; }
exit 0
