#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq programs with $variables, in single quotes
# T_TIMEOUT=300
# t_control_path: the control socket never stalls the daemon.
#
# A bgpload feeder announces 1,000,000 prefixes.  Then control clients
# misbehave while the route server works:
#   - three clients ask for every route (`show routes --all --limit 0`) and
#     never read: `ixpctl show status` still answers at once (within a
#     second, many times), and a new member (a bgpload sink connecting
#     now) receives the whole table;
#   - the route server's memory does not grow with them (VmRSS);
#   - a client that sends nothing is dropped after 5 s, a client that does
#     not read its reply after 30 s (logged), and the listings they held
#     are gone;
#   - a listing comes in pages that join up: --limit and --after;
#   - the read-only socket answers `show`, refuses everything else.
# env: CP_PREFIXES (1000000)
: "${LAB_HOLD:=30}"
: "${LAB_PCAP:=0}"
export LAB_PCAP
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

: "${BGPLOAD:=$LAB_REPO/build/bgpload}"
: "${CP_PREFIXES:=1000000}"
[ "$RS_IMPL" = ixpd ] || { echo "  SKIP - ixpd's control socket only"; exit 0; }
[ -x "$BGPLOAD" ] || { echo "  FAIL - $BGPLOAD not built (run make)"; exit 1; }

FEEDER_V4=192.0.2.100 SINK_V4=192.0.2.101
M_TYPE[f0]=bgpload M_ASN[f0]=61000 M_V4[f0]=$FEEDER_V4 M_V6[f0]=2001:db8::100 M_FLAGS[f0]=-
M_TYPE[s1]=bgpload M_ASN[s1]=61001 M_V4[s1]=$SINK_V4 M_V6[s1]=2001:db8::101 M_FLAGS[s1]=-

LAB_MEMBERS=()
lab_init
RO_SOCK=$LAB_DIR/rs/ixpd-ro.sock
LAB_IXPD_EXTRA="control_socket_read_only: $RO_SOCK"
lab_create_lan
lab_add_node rs "$RS_V4" "$RS_V6"
lab_add_node load "$FEEDER_V4" 2001:db8::100
ip -n "$(lab_ns load)" addr add "$SINK_V4/$LAN_V4_LEN" dev eth0
lab_start_rs f0 s1
RS_PID=
while read -r p; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = ixpd ] && RS_PID=$p; done < "$LAB_DIR/rs/pids"
[ -n "$RS_PID" ] || lab_die "cannot find ixpd's pid"
SOCK=$LAB_DIR/rs/ixpd.sock
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$RS_PID/status"; }

# the table, held by the route server
lab_spawn load "$LAB_DIR/load/feeder.log" "$BGPLOAD" --rs "$RS_V4" --rs-as "$RS_ASN" --hold-time "$LAB_HOLD" \
	--session "feeder,$FEEDER_V4,61000,prefixes=$CP_PREFIXES" --no-wait --duration 280
prefixes() { lab_ixpctl --json show status 2>/dev/null | jq -r '.routes.prefixes // 0'; }
t_poll 120 "the route server holds the feeder's $CP_PREFIXES prefixes" eval '[ "$(prefixes)" -ge "$CP_PREFIXES" ]' ||
	{ tail -n 20 "$LAB_DIR/load/feeder.log"; exit 1; }
rss_loaded=$(rss_kb)

# clients that connect and then misbehave, until killed (by pid, also on
# failure: lab_teardown runs from the trap after them)
stuck_readers=()
for i in 1 2 3; do
	python3 - "$SOCK" <<-'EOF' &
	import socket, sys, time
	s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
	s.connect(sys.argv[1])
	s.sendall(b'{"command":"show routes","all":true,"limit":0}\n')
	time.sleep(3600)       # never reads
	EOF
	stuck_readers+=($!)
done
python3 - "$SOCK" <<-'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
time.sleep(3600)           # never sends a request
EOF
silent=$!
cleanup_clients() { kill "${stuck_readers[@]}" "$silent" 2>/dev/null; wait "${stuck_readers[@]}" "$silent" 2>/dev/null; }
trap 'rc=$?; cleanup_clients; (exit $rc); lab_teardown' EXIT
trap 'cleanup_clients; LAB_FAILED=1; lab_teardown; exit 130' INT
trap 'cleanup_clients; LAB_FAILED=1; lab_teardown; exit 143' TERM
sleep 2

# show status, ten times, each within a second
read -r slow worst < <(lab_status_latency "$SOCK")
t_check "show status answers within a second while 3 clients do not read a full listing (slowest ${worst} ms)" \
	test "$slow" = 0

# a new member gets the whole table meanwhile
lab_spawn load "$LAB_DIR/load/sink.log" "$BGPLOAD" --rs "$RS_V4" --rs-as "$RS_ASN" --hold-time "$LAB_HOLD" \
	--session "sink,$SINK_V4,61001,expect=$CP_PREFIXES" --no-wait --exit-when-complete --duration 120 \
	--json "$LAB_DIR/load/sink.json"
SINK_PID=$(tail -n1 "$LAB_DIR/load/pids")
while kill -0 "$SINK_PID" 2>/dev/null; do sleep 0.5; done
t_check "a member that connects meanwhile receives all $CP_PREFIXES prefixes" \
	eval 'jq -e ".sinks.complete == 1" "$LAB_DIR/load/sink.json" >/dev/null'
rss_stuck=$(rss_kb)
echo "FIGURE cp_rss_loaded_kb=$rss_loaded"
echo "FIGURE cp_rss_with_stuck_clients_kb=$rss_stuck"
echo "FIGURE cp_status_worst_ms=$worst"
# the new member's table went through the SE's output queue; what the
# stuck listings may hold is a piece each (64 KB) and socket buffers
t_check "memory stays bounded: VmRSS $rss_loaded -> $rss_stuck kB (< +64 MB, the new member's output included)" \
	test "$rss_stuck" -lt $((rss_loaded + 65536))

# the misbehaving clients are dropped, their listings with them
t_poll 40 "a client that does not read its reply is dropped after 30 s (logged)" \
	grep -q 'not reading its reply' "$LAB_DIR/rs/ixpd.log"
t_check "a client that sends no request is dropped after 5 s (logged)" \
	grep -q 'no request within 5 s' "$LAB_DIR/rs/ixpd.log"
cleanup_clients

# pages join up: the second page starts where the first said
page1=$("$IXPCTL" -s "$SOCK" --json show routes --limit 1000)
next=$(jq -r '.next' <<<"$page1")
page2=$("$IXPCTL" -s "$SOCK" --json show routes --limit 1000 --after "$next")
t_check "show routes --limit 1000: 1000 prefixes, truncated, a next position ($next)" \
	eval 'jq -e "(.routes | length) == 1000 and .truncated == true and (.next | type) == \"number\"" <<<"$page1" >/dev/null'
t_check "the page --after it holds 1000 other prefixes" \
	test "$( (jq -r '.routes[].prefix' <<<"$page1"; jq -r '.routes[].prefix' <<<"$page2") | sort -u | wc -l)" = 2000
t_check "a listing of one prefix has its paths" \
	eval '"$IXPCTL" -s "$SOCK" --json show routes "$(jq -r ".routes[0].prefix" <<<"$page1")" | jq -e "(.routes | length) == 1" >/dev/null'
# the read-only socket
t_check "the read-only socket is mode 0666 and answers show status" \
	eval '[ "$(stat -c %a "$RO_SOCK")" = 666 ] && "$IXPCTL" -s "$RO_SOCK" show status >/dev/null'
refusal=$("$IXPCTL" -s "$RO_SOCK" neighbor "$SINK_V4" down 2>&1)
t_check "the read-only socket refuses neighbor down ($refusal)" \
	eval 'grep -q "not allowed on the read-only socket" <<<"$refusal" &&
	    lab_ixpctl --json show neighbor "$SINK_V4" | jq -e ".neighbor.admin_down == false" >/dev/null'
t_check "ixpd still running" kill -0 "$RS_PID"
echo "  ($T_OKS ok, $T_FAILS failed)"
[ "$T_FAILS" -eq 0 ] || { tail -n 30 "$LAB_DIR/rs/ixpd.log"; exit 1; }
exit 0
