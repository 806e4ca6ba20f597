#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq programs with $variables, in single quotes
# T_TIMEOUT=240
# t_policy_irr: IRR filtering from an RPSL dump (ixpd.yml irr.rpsl),
# enforce_origin_in_as_set and enforce_prefix_in_as_set (arouteserver's
# defaults, True), tag_as_set (default True), one AS-SET per client
# (clients.yml cfg.filtering.irrdb.as_sets; tests/data/policy/irr.db).
#   - every routes.tbl route has a route object: receivers get it tagged
#     origin_present_in_as_set and prefix_present_in_as_set (64512:21,
#     64512:11, rs_as:64512:21, rs_as:64512:11), other attributes intact;
#   - GoBGP m3 announces 45.65.20.0/24 via its customer AS52013 (in AS-M3,
#     with a route object): accepted and tagged the same;
#     45.65.22.0/24 (no route object): rejected, code 12;
#     45.65.23.0/24 via AS52077 (not in AS-M3): rejected, code 9;
#   - GoBGP m3 announces 45.65.24.0/24: no route object, but registro.br's
#     whois dump (use_registrobr_bulk_whois_data, downloaded over HTTP
#     from a server on the route server's loopback) lists it for AS52003:
#     accepted, tagged prefix_validated_via_registrobr_whois_db_dump
#     (64512:33) instead of prefix_present_in_as_set; the download is kept
#     in cache_dir/whois/;
#   - ExaBGP m5 announces 45.65.36.0/24 (no route object): rejected,
#     code 12; then the RPSL file gets its route object (irr-added.db):
#     after ixpd's IRR refresh (irr.refresh: 2)
#     the route reaches every member, tagged, without any session reset.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

DATA=$LAB_REPO/tests/data/policy
LAB_GENERAL_YML="cfg:
  rs_as: $RS_ASN
  router_id: \"$RS_V4\"
  filtering:
    never_via_route_servers:
      peering_db: False
    irrdb:
      enforce_origin_in_as_set: True
      enforce_prefix_in_as_set: True
      use_registrobr_bulk_whois_data:
        enabled: True
        source: \"http://127.0.0.1:8088/nicbr-asn-blk-latest.txt\"
  communities:
    prefix_validated_via_registrobr_whois_db_dump:
      std: \"64512:33\"
      lrg: \"rs_as:64512:33\""
for m in m1 m2 m3 m5; do
	LAB_CLIENT_CFG[$m]="filtering:
  irrdb:
    as_sets: [ \"AS-${m^^}\" ]"
done

members=(m1 m2 m3 m5)
LAB_MEMBERS=("${members[@]}")
lab_init
RPSL=$LAB_DIR/irr/lab.db
mkdir -p "$LAB_DIR/irr"
cp "$DATA/irr.db" "$RPSL"
LAB_IXPD_EXTRA="cache_dir: \"$LAB_DIR/irr/cache\"
irr: { rpsl: [\"$RPSL\"], refresh: 2 }"
mkdir -p "$LAB_DIR/whois"
printf '%s\n' "AS52003|Membro tres Ltda.|00.000.003/0001-00|45.65.24.0/24|2001:db8:fff::/48" \
	"AS52077|Outro|00.000.077/0001-00|45.65.23.0/24" > "$LAB_DIR/whois/nicbr-asn-blk-latest.txt"
lab_create_lan
lab_add_node rs "$RS_V4" "$RS_V6"
lab_spawn rs "$LAB_DIR/whois/http.log" python3 -m http.server --bind 127.0.0.1 \
	--directory "$LAB_DIR/whois" 8088
lab_wait 10 lab_tcp_listening rs 8088 || lab_die "the whois dump's HTTP server did not start"
for m in "${members[@]}"; do lab_add_node "$m" "${M_V4[$m]}" "${M_V6[$m]}"; done
lab_start_rs "${members[@]}"
for m in "${members[@]}"; do lab_start_member "$m"; done
if ! lab_wait_sessions 60; then t_fail "sessions established within 60s"; t_done; fi

TAGS_STD=64512:11,64512:21
TAGS_LRG=$RS_ASN:64512:11,$RS_ASN:64512:21
rejected_with() {   # PREFIX NEIGHBOR CODE
	lab_ixpctl --json show routes "$1" --rejected | jq -e --arg a "$2" --argjson c "$3" '
		any(.routes[].paths[]; .neighbor == $a and .reject_code == $c)' >/dev/null
}

to=30     # for the first route; the others have arrived by then
for n in "${members[@]}"; do
	for p in $(lab_routes "$n" | awk '{print $1}'); do
		line=$(lab_expected_tagged "$n" "$p" "$TAGS_STD" "$TAGS_LRG")
		for r in "${members[@]}"; do
			[ "$r" = "$n" ] && continue
			t_poll $to "${M_TYPE[$r]} ($r) gets $n's $p with the IRR tags: $line" lab_rib_has "$r" "$line"
			to=5
		done
	done
done

lab_announce m3 45.65.22.0/24
lab_announce m3 45.65.23.0/24 aspath=52003,52077
lab_announce m5 45.65.36.0/24
lab_announce m3 45.65.20.0/24 aspath=52003,52013
lab_announce m3 45.65.24.0/24
cust=$(lab_expected_route m3 45.65.20.0/24 - "$TAGS_STD" "$TAGS_LRG" "52003 52013")
whois=$(lab_expected_route m3 45.65.24.0/24 - 64512:21,64512:33 "$RS_ASN:64512:21,$RS_ASN:64512:33")
for r in m1 m2 m5; do
	t_poll 20 "${M_TYPE[$r]} ($r) gets m3's 45.65.24.0/24 (no route object, in registro.br's dump): $whois" \
		lab_rib_has "$r" "$whois"
done
t_check "ixpctl: it was validated via registro.br's whois dump" eval \
	'lab_ixpctl --json show routes 45.65.24.0/24 | jq -e ".routes[0].paths[0].irr.prefix_validated_via == \"registrobr-whois\"" >/dev/null'
t_check "ixpd logged the download and kept it in cache_dir/whois/" eval \
	'grep -q "whois (registro.br): read http://127.0.0.1:8088/nicbr-asn-blk-latest.txt: 3 route objects" "$LAB_DIR/rs/ixpd.log" &&
	 cmp -s "$LAB_DIR/whois/nicbr-asn-blk-latest.txt" "$LAB_DIR/irr/cache/whois/registro.br.txt"' 
for r in m1 m2 m5; do
	t_poll 20 "${M_TYPE[$r]} ($r) gets m3's customer route (AS52013 in AS-M3, route object): $cust" \
		lab_rib_has "$r" "$cust"
done
for x in "m3 45.65.22.0/24 12" "m3 45.65.23.0/24 9" "m5 45.65.36.0/24 12"; do
	read -r from p code <<<"$x"
	t_poll 10 "ixpctl: $from's $p rejected with code $code" rejected_with "$p" "${M_V4[$from]}" "$code"
	for r in "${members[@]}"; do
		[ "$r" = "$from" ] && continue
		t_check "${M_TYPE[$r]} ($r) does not receive $from's $p" lab_rib_lacks_prefix "$r" "$p"
	done
done

before=$(lab_session_marks)
t_check "session marks taken: 8 sessions Established at ixpd, FRR's counter, BIRD's 2 sessions" \
	eval '[ "$(grep -o Established <<<"$before" | wc -l)" = 10 ] && [ "$(wc -l <<<"$before")" = 4 ]'
sleep 1      # a later mtime than the first file's
cat "$DATA/irr.db" "$DATA/irr-added.db" > "$RPSL.tmp" && mv "$RPSL.tmp" "$RPSL"
added=$(lab_expected_route m5 45.65.36.0/24 - "$TAGS_STD" "$TAGS_LRG")
t_poll 90 "frr (m2) gets m5's 45.65.36.0/24 once its route object is in the RPSL file: $added" lab_rib_has m2 "$added"
for r in m1 m3; do
	t_poll 5 "${M_TYPE[$r]} ($r) gets it too" lab_rib_has "$r" "$added"
done
t_check "ixpctl: m5's 45.65.36.0/24 no longer rejected" \
	eval '! lab_ixpctl --json show routes 45.65.36.0/24 --rejected | jq -e ".routes | length > 0" >/dev/null'
t_check "m3's 45.65.22.0/24 and 45.65.23.0/24 still rejected" \
	eval 'rejected_with 45.65.22.0/24 "${M_V4[m3]}" 12 && rejected_with 45.65.23.0/24 "${M_V4[m3]}" 9'
after=$(lab_session_marks)
if [ "$before" = "$after" ]; then
	t_ok "no session was reset by the IRR refresh"
else
	t_fail "no session was reset by the IRR refresh"
	diff <(echo "$before") <(echo "$after") | sed 's/^/      /'
fi
t_check "ixpd logged the IRR refresh" grep -q "IRR: new data" "$LAB_DIR/rs/ixpd.log"
t_done
