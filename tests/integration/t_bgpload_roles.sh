#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq programs with $variables, in single quotes
# T_TIMEOUT=180
# t_bgpload_roles: bgpload's member role, addrs= session lists, churn
# propagation delay and --ceiling, against the route server and alone.
#
# One bgpload process runs 6 members (addresses from an addrs= list of two
# ranges, 2,000 prefixes each), 1 sink and 1 feeder (5,000 prefixes):
#   1. through the route server ($RS_IMPL): every receiver ends with every
#      other session's table (expect=auto), received unchanged (digest),
#      without decode errors or drops; then 3 s of churn (5 %/s): delay
#      samples recorded, nothing lost;
#   2. with --ceiling on an address of its own namespace (no route server):
#      the same checks, and every churn event is delivered (nothing
#      coalesced).
# Prints FIGURE lines: time from the first UPDATE to all receivers complete
# and the churn delay percentiles of both runs (names br_<RS_IMPL>_* and
# br_ceiling_*).
#
# env: BGPLOAD (build/bgpload), BR_PREFIXES (2000 per member)
: "${LAB_HOLD:=30}"
: "${LAB_PCAP:=0}"
export LAB_PCAP
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

: "${BGPLOAD:=$LAB_REPO/build/bgpload}"
: "${BR_PREFIXES:=2000}"
[ -x "$BGPLOAD" ] || { echo "  FAIL - $BGPLOAD not built (run make)"; exit 1; }

# members on 192.0.2.100-102 and .110-112, sink .120, feeder .121;
# --ceiling listens on .150 (in the load namespace only)
MEMBER_ADDRS=(192.0.2.100 192.0.2.101 192.0.2.102 192.0.2.110 192.0.2.111 192.0.2.112)
SINK_V4=192.0.2.120 FEEDER_V4=192.0.2.121 CEIL_V4=192.0.2.150
load_names=()
for i in "${!MEMBER_ADDRS[@]}"; do
	n=b$i
	M_TYPE[$n]=bgpload M_ASN[$n]=$((61001 + i)) M_V4[$n]=${MEMBER_ADDRS[$i]}
	M_V6[$n]=2001:db8::$((0x100 + i)) M_FLAGS[$n]=-
	load_names+=("$n")
done
M_TYPE[bs]=bgpload M_ASN[bs]=61020 M_V4[bs]=$SINK_V4 M_V6[bs]=2001:db8::120 M_FLAGS[bs]=-
M_TYPE[bf]=bgpload M_ASN[bf]=61021 M_V4[bf]=$FEEDER_V4 M_V6[bf]=2001:db8::121 M_FLAGS[bf]=-
load_names+=(bs bf)

LAB_MEMBERS=()
lab_init
lab_create_lan
lab_add_node rs "$RS_V4" "$RS_V6"
lab_add_node load "$SINK_V4" 2001:db8::120
for a in "${MEMBER_ADDRS[@]}" "$FEEDER_V4" "$CEIL_V4"; do
	ip -n "$(lab_ns load)" addr add "$a/$LAN_V4_LEN" dev eth0
done
lab_start_rs "${load_names[@]}"

sessions=(--session "member,-,61001,addrs=192.0.2.100-192.0.2.102+192.0.2.110-192.0.2.112,prefixes=$BR_PREFIXES,expect=auto"
	--session "sink,$SINK_V4,61020,expect=auto"
	--session "feeder,$FEEDER_V4,61021,prefixes=5000")

# run NAME RS_ADDR [OPTIONS...] — one bgpload run in the load namespace
run() {
	local name=$1 rs=$2; shift 2
	lab_spawn load "$LAB_DIR/load/$name.log" "$BGPLOAD" --rs "$rs" --rs-as "$RS_ASN" --hold-time "$LAB_HOLD" \
		"${sessions[@]}" --churn 5 --churn-duration 3 --exit-when-complete --duration 60 --progress \
		--json "$LAB_DIR/load/$name.json" "$@"
	local pid
	pid=$(tail -n1 "$LAB_DIR/load/pids")
	while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
}

# check NAME — the checks common to both runs
check() {
	local sum=$LAB_DIR/load/$1.json
	if [ ! -s "$sum" ]; then
		t_fail "$1: bgpload wrote its summary"
		tail -n 30 "$LAB_DIR/load/$1.log"
		return
	fi
	jqcheck() { if jq -e "${@:3}" "$2" "$sum" >/dev/null; then t_ok "$1: $2"; else t_fail "$1: $2"; fi; }
	jqcheck "$1" '.role_counts == {"feeder": 1, "sink": 1, "member": 6}'
	jqcheck "$1" '.receivers == 7 and .receivers_complete == 7 and .complete_ms != null'
	jqcheck "$1" '[.sessions[] | select(.role == "member") | .expect] | all(. == 5 * $n + 5000)' --argjson n "$BR_PREFIXES"
	jqcheck "$1" '[.sessions[] | select(.role == "member") | .local] == ["192.0.2.100","192.0.2.101","192.0.2.102","192.0.2.110","192.0.2.111","192.0.2.112"]'
	jqcheck "$1" '[.sessions[] | select(.role != "feeder") | .prefixes_held == .expect and .routes_digest == .routes_digest_expected] | all'
	jqcheck "$1" '.sinks.decode_errors == 0 and ([.sessions[] | .drops == 0 and .open_failures == 0] | all)'
	jqcheck "$1" '.churn_delay_ms.samples > 0 and .churn_delay_ms.lost == 0 and .churn_delay_ms.p99 != null'
	jqcheck "$1" '.churn_delay_ms.samples + .churn_delay_ms.coalesced == .churn_delay_ms.expected'
	jqcheck "$1" '.ok == true and .cpu_s > 0'
}

run rs "$RS_V4"
check rs
run ceiling "$CEIL_V4" --ceiling --port 1179
check ceiling
sum=$LAB_DIR/load/ceiling.json
if jq -e '.ceiling == true and .churn_delay_ms.coalesced == 0 and .ceiling_connections.accepted == 8' "$sum" >/dev/null; then
	t_ok "ceiling: every churn event delivered, 8 connections accepted"
else
	t_fail "ceiling: every churn event delivered, 8 connections accepted"
fi
t_check "route server still running" eval "lab_tcp_listening rs 179"

for r in rs ceiling; do
	f=$LAB_DIR/load/$r.json
	[ -s "$f" ] || continue
	label=$RS_IMPL
	[ $r = ceiling ] && label=ceiling
	echo "FIGURE br_${label}_complete_ms=$(jq '.complete_ms // 0' "$f")"
	echo "FIGURE br_${label}_churn_p50_ms=$(jq '.churn_delay_ms.p50 // 0' "$f")"
	echo "FIGURE br_${label}_churn_p99_ms=$(jq '.churn_delay_ms.p99 // 0' "$f")"
	echo "FIGURE br_${label}_churn_coalesced=$(jq '.churn_delay_ms.coalesced // 0' "$f")"
	echo "FIGURE br_${label}_bgpload_cpu_s=$(jq '.cpu_s' "$f")"
done
echo "  ($T_OKS ok, $T_FAILS failed)"
if [ "$T_FAILS" -ne 0 ]; then
	lab_rs_diag 2>&1 | head -60
	for r in rs ceiling; do echo "---- bgpload $r (tail) ----"; tail -n 25 "$LAB_DIR/load/$r.log"; done
	exit 1
fi
exit 0
