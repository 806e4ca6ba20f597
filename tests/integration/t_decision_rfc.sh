#!/bin/bash
# SPDX-License-Identifier: ISC
# T_TIMEOUT=420
# t_decision_rfc: the route server's choice for every member and prefix of a
# real multi-peer RIB is the one of RFC 4271 §9.1.2.2 (MED compared within
# each neighbour AS as a group, never pairwise).
#
# The RouteViews TABLE_DUMP_V2 RIB of ../shared/data (35 peers, 270,000
# routes; a generated table of the same shape when ../shared is absent) is
# replayed with one member per original peer -- its ASN, its AS paths,
# ORIGINs and MEDs -- plus 12 "twins" that announce a peer's routes from the
# same AS under another address and BGP identifier.  Identifiers are in an
# order unrelated to the addresses.  One bgpload process runs every member
# (tools/bgpload/ --table) and logs what each receives (--rib-log); an
# independent model (tests/lab/rfc4271_model.py, written from the RFC, not
# from ixpd) computes the path each member must hold.  Two rounds:
#   recorded  MEDs as recorded; the twins only receive
#   meds      every member and twin announces with MEDs drawn at random and
#             some paths prepended: MED decides inside the groups of one AS
# With RS_IMPL=ixpd every difference fails the test; with RS_IMPL=bird (the
# BIRD 2 fixture) the differences are listed as BIRD's and the test passes.
#
# env: DECISION_MRT (the RIB to replay), BGPLOAD (build/bgpload)
: "${LAB_HOLD:=60}"
: "${LAB_PCAP:=0}"
export LAB_PCAP
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

: "${BGPLOAD:=$LAB_REPO/build/bgpload}"
: "${DECISION_MRT:=$LAB_REPO/../shared/data/mrt/pyasn/rib.20140523.0600_firstMB.bz2}"
MODEL=$LAB_LIB/rfc4271_model.py
[ -x "$BGPLOAD" ] || { echo "  FAIL - $BGPLOAD not built (run make)"; exit 1; }

LAB_MEMBERS=()
lab_init
data=$LAB_DIR/decision
if [ -r "$DECISION_MRT" ]; then
	source_name="RouteViews RIB $(basename "$DECISION_MRT")"
	python3 "$MODEL" tables "$data" --mrt "$DECISION_MRT" || lab_die "cannot make the tables"
else
	source_name="a generated table"
	echo "  note: $DECISION_MRT absent (../shared/data not here): replaying a generated table instead"
	python3 "$MODEL" tables "$data" --synthetic || lab_die "cannot make the tables"
fi

# every member is a route-server client served by the one bgpload process
names=()
while read -r addr asn _; do
	n=d${addr##*.}
	M_TYPE[$n]=bgpload M_ASN[$n]=$asn M_V4[$n]=$addr M_V6[$n]=2001:db8::$((0x1000 + ${addr##*.})) M_FLAGS[$n]=-
	names+=("$n")
done < "$data/members"
first=${names[0]}

# the decision alone is under test: no filter may reject a route of the
# table (it holds no bogons and no prefix outside /8../24)
LAB_GENERAL_YML="cfg:
  rs_as: $RS_ASN
  router_id: \"$RS_V4\"
  path_hiding: True
  passive: True
  filtering:
    max_as_path_len: 64
    reject_invalid_as_in_as_path: False
    never_via_route_servers:
      peering_db: False
    irrdb:
      enforce_origin_in_as_set: False
      enforce_prefix_in_as_set: False"
lab_create_lan
lab_add_node rs "$RS_V4" "$RS_V6"
lab_add_node load "${M_V4[$first]}" "${M_V6[$first]}"
for n in "${names[@]:1}"; do
	ip -n "$(lab_ns load)" addr add "${M_V4[$n]}/$LAN_V4_LEN" dev eth0
done
lab_start_rs "${names[@]}"

jqok() { jq -e "$@" >/dev/null; }

# round NAME — replay DATA/NAME.table, compare every receiver with the model
round() {
	local name=$1 table=$data/$1.table logs=$LAB_DIR/load/$1 args=() s pid
	mkdir -p "$logs"
	while read -r s; do args+=(--session "$s"); done < <(python3 "$MODEL" sessions "$data" "$table")
	lab_log "round $name: ${#names[@]} members replaying $table"
	lab_spawn load "$LAB_DIR/load/$name.log" "$BGPLOAD" --rs "$RS_V4" --rs-as "$RS_ASN" --hold-time "$LAB_HOLD" \
		--table "$table" --rib-log "$logs" "${args[@]}" --exit-when-complete --linger 3 --duration 150 \
		--progress --json "$LAB_DIR/load/$name.json"
	pid=$(tail -n1 "$LAB_DIR/load/pids")
	while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
	local sum=$LAB_DIR/load/$name.json
	if [ ! -s "$sum" ]; then
		t_fail "$name: bgpload wrote its summary"
		tail -n 30 "$LAB_DIR/load/$name.log"
		return
	fi
	t_check "$name: every member ended with every prefix the others announce ($(jq -c .sinks.complete "$sum")/${#names[@]})" \
		jqok --argjson n "${#names[@]}" '.sinks.complete == $n' "$sum"
	t_check "$name: no malformed UPDATE, no session dropped" \
		jqok '[.sessions[] | .decode_errors == 0 and .drops == 0 and .open_failures == 0] | all' "$sum"
	local out rc
	out=$(python3 "$MODEL" check "$data" "$table" "$logs" --label "$RS_IMPL" --show 12)
	rc=$?
	echo "$out"
	if [ "$RS_IMPL" = ixpd ]; then
		if [ $rc -eq 0 ]; then
			t_ok "$name: every receiver holds the path of RFC 4271 §9.1.2.2 ($source_name)"
		else
			t_fail "$name: every receiver holds the path of RFC 4271 §9.1.2.2 ($source_name)"
		fi
	else
		t_ok "$name: differences listed above are $RS_IMPL's"
	fi
}

lab_wait 10 lab_tcp_listening rs 179
round recorded
# the route server must have let go of the first round's sessions
if [ "$RS_IMPL" = ixpd ]; then
	lab_wait 30 eval '! lab_ixpctl --json show neighbors | jq -e "[.. | objects | select(has(\"state\")) | .state] | any(. == \"Established\")" >/dev/null'
fi
round meds

echo "  ($T_OKS ok, $T_FAILS failed)"
[ "$T_FAILS" -eq 0 ] || { lab_rs_diag 2>&1 | head -60; exit 1; }
exit 0
