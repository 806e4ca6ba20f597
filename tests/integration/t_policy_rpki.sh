#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq programs with $variables, in single quotes
# T_TIMEOUT=300
# t_policy_rpki: RPKI origin validation (RFC 6811) with real data sources,
# rpki_bgp_origin_validation {enabled: True, reject_invalid: True}.
#
# ROAs (tests/data/policy/roas-before.json):
#   45.65.16.0/22, 2804:1f30::/32 -> AS52003: m3's (GoBGP) routes VALID
#   45.65.32.0/22, 2804:1f50::/32 -> AS52099: m5's (ExaBGP) routes INVALID
#   nothing for m1 (BIRD) and m2 (FRR): UNKNOWN
# Checks, in two runs (this script runs itself once per data source):
#   rtr   StayRTR in the route server's namespace (127.0.0.1:8323) serves
#         the ROA file; ixpd.yml rpki.rtr, cfg.rpki_roas.source: rtr
#   file  ixpd.yml rpki: {vrp_file: ..., refresh: 1}, rpki-client format
#         (metadata.buildtime)
# - receivers get VALID routes with the informational communities
#   rpki_bgp_origin_validation_valid (rs_as:1000:1 and 64512:51), UNKNOWN
#   ones with ..._unknown (rs_as:1000:2, 64512:52), other attributes intact;
# - INVALID routes reach nobody, `ixpctl show routes --rejected` lists them
#   with reject_code 14 and rpki "invalid";
# - the ROA file is rewritten (roas-after.json: AS52005 authorised too):
#   StayRTR re-reads it (-refresh 1) and notifies ixpd, resp. ixpd re-reads
#   the file; m5's routes become VALID and reach every member WITHOUT any
#   session reset: ixpd's neighbours keep state and "since", FRR's and
#   BIRD's own session counters/timestamps do not change.
# shellcheck source=../lab/lib.sh
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -eq 0 ]; then     # one lab per data source
	rc=0
	for src in rtr file; do
		echo "# RPKI data from: $src"
		bash "$here/t_policy_rpki.sh" "$src" || rc=1
	done
	exit $rc
fi
SRC=$1
. "$here/../lab/lib.sh"
DATA=$LAB_REPO/tests/data/policy
RTR_PORT=8323

LAB_GENERAL_YML="cfg:
  rs_as: $RS_ASN
  router_id: \"$RS_V4\"
  filtering:
    never_via_route_servers:
      peering_db: False
    rpki_bgp_origin_validation:
      enabled: True
      reject_invalid: True"

# roa_file JSON — the ROA file the data source reads, replaced atomically
# (rpki-client's format: the ROAs plus metadata.buildtime, now)
roa_file() {
	jq --arg t "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '{metadata: {buildmachine: "ixpd-lab", buildtime: $t}} + .' \
		"$1" > "$VRPS.tmp" && mv "$VRPS.tmp" "$VRPS"
}

members=(m1 m2 m3 m5)
LAB_MEMBERS=("${members[@]}")
lab_init
VRPS=$LAB_DIR/rpki/vrps.json
mkdir -p "$LAB_DIR/rpki"
roa_file "$DATA/roas-before.json"
case $SRC in
rtr)
	LAB_GENERAL_YML+="
  rpki_roas:
    source: rtr"
	LAB_IXPD_EXTRA="rpki: { rtr: [\"127.0.0.1:$RTR_PORT\"] }" ;;
file)
	LAB_IXPD_EXTRA="rpki: { vrp_file: \"$VRPS\", refresh: 1 }" ;;
*) lab_die "usage: $0 [rtr|file]" ;;
esac
lab_create_lan
lab_add_node rs "$RS_V4" "$RS_V6"
for m in "${members[@]}"; do lab_add_node "$m" "${M_V4[$m]}" "${M_V6[$m]}"; done
if [ "$SRC" = rtr ]; then
	lab_spawn rs "$LAB_DIR/rpki/stayrtr.log" stayrtr -bind "127.0.0.1:$RTR_PORT" -cache "$VRPS" \
		-refresh 1 -checktime=false -metrics.addr 127.0.0.1:9847 -loglevel debug
	lab_wait 10 lab_tcp_listening rs "$RTR_PORT" || { cat "$LAB_DIR/rpki/stayrtr.log"; lab_die "StayRTR does not listen"; }
fi
lab_start_rs "${members[@]}"
for m in "${members[@]}"; do lab_start_member "$m"; done
if ! lab_wait_sessions 60; then t_fail "sessions established within 60s"; t_done; fi

declare -A RPKI_STD=([valid]=64512:51 [unknown]=64512:52) RPKI_LRG=([valid]=1 [unknown]=2)
check_state() {   # NAME STATE [TIMEOUT]
	local n=$1 st=$2 to=${3:-20} p r line
	for p in $(lab_routes "$n" | awk '{print $1}'); do
		line=$(lab_expected_tagged "$n" "$p" "${RPKI_STD[$st]}" "$RS_ASN:1000:${RPKI_LRG[$st]}")
		for r in "${members[@]}"; do
			[ "$r" = "$n" ] && continue
			t_poll "$to" "${M_TYPE[$r]} ($r) gets $n's $p as RPKI $st: $line" lab_rib_has "$r" "$line"
		done
	done
}
rejected_invalid() {   # PREFIX NEIGHBOR
	lab_ixpctl --json show routes "$1" --rejected | jq -e --arg a "$2" '
		any(.routes[].paths[]; .neighbor == $a and .reject_code == 14 and .rpki == "invalid")' >/dev/null
}

check_state m3 valid 30
check_state m1 unknown
check_state m2 unknown
for p in $(lab_routes m5 | awk '{print $1}'); do
	a=$(lab_member_addr m5 "$(lab_af_of "$p")")
	t_poll 10 "ixpctl: m5's $p rejected as RPKI INVALID (code 14)" rejected_invalid "$p" "$a"
	for r in m1 m2 m3; do
		t_check "${M_TYPE[$r]} ($r) does not receive m5's RPKI-invalid $p" lab_rib_lacks_prefix "$r" "$p"
	done
done

before=$(lab_session_marks)
t_check "session marks taken: 8 sessions Established at ixpd, FRR's counter, BIRD's 2 sessions" \
	eval '[ "$(grep -o Established <<<"$before" | wc -l)" = 10 ] && [ "$(wc -l <<<"$before")" = 4 ]'
sleep 1      # the rewrite must get a later mtime than the first file
roa_file "$DATA/roas-after.json"
check_state m5 valid 30
check_state m3 valid 5
after=$(lab_session_marks)
if [ "$before" = "$after" ]; then
	t_ok "no session was reset by the ROA change ($SRC)"
else
	t_fail "no session was reset by the ROA change ($SRC)"
	diff <(echo "$before") <(echo "$after") | sed 's/^/      /'
fi
t_check "ixpctl lists no rejected route any more" \
	eval '[ "$(lab_ixpctl --json show routes --rejected | jq "[.routes[].paths[]] | length")" = 0 ]'
t_done
