#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq/eval programs with $variables, in single quotes
# T_TIMEOUT=200
# t_policy_rtt: the RTT-based action communities (arouteserver's
# *_to_peers_with_rtt_*, numbered as a real IXP's general.yml numbers them,
# here as large communities rs_as:6451x:threshold) judged by the RTT the
# route server measures on each session.  Members behind a real delay
# (tests/lab/delayline.py: their frames wait in a userspace delay line):
#   BIRD m1     no delay   RTT ~1 ms
#   GoBGP m3    14 ms
#   FRR m2      40 ms
# ExaBGP m5 announces:
#   45.65.41.0/24  rs:64512:20          not to RTT > 20 ms      -> m1, m3
#   45.65.42.0/24  rs:0:0, rs:64514:10  only to RTT > 10 ms     -> m3, m2
#   45.65.43.0/24  rs:64511:5           not to RTT <= 5 ms      -> m3, m2
#   45.65.44.0/24  rs:64519:30          prepend twice to RTT > 30 ms (m2)
#   45.65.45.0/24  rs:64512:25          25 is no threshold: to everybody
#   45.65.46.0/24  rs:64512:10, rs:1:52002   "to AS52002" beats the RTT
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

LAB_DELAY_MS[m3]=14
LAB_DELAY_MS[m2]=40
LAB_GENERAL_YML="cfg:
  rs_as: $RS_ASN
  router_id: \"$RS_V4\"
  filtering:
    never_via_route_servers:
      peering_db: False
  rtt_thresholds: 5, 10, 15, 20, 30, 50, 100, 200, 500
  communities:
    do_not_announce_to_peers_with_rtt_lower_than:
      lrg: \"rs_as:64511:dyn_val\"
    do_not_announce_to_peers_with_rtt_higher_than:
      lrg: \"rs_as:64512:dyn_val\"
    announce_to_peers_with_rtt_higher_than:
      lrg: \"rs_as:64514:dyn_val\"
    prepend_twice_to_peers_with_rtt_higher_than:
      lrg: \"rs_as:64519:dyn_val\""

t_setup m1 m2 m3 m5

# rtt NAME — the RTT ixpd measured on NAME's IPv4 session
rtt() { lab_ixpctl --json show neighbor "${M_V4[$1]}" | jq -r '.neighbor.rtt_ms // "null"'; }
r1=$(rtt m1) r3=$(rtt m3) r2=$(rtt m2)
t_check "ixpctl: BIRD m1's RTT is at most 5 ms (no delay): $r1 ms" eval '[ "$r1" != null ] && [ "$r1" -le 5 ]'
t_check "ixpctl: GoBGP m3's RTT is within 11..20 ms (14 ms delay): $r3 ms" eval '[ "$r3" != null ] && [ "$r3" -gt 10 ] && [ "$r3" -le 20 ]'
t_check "ixpctl: FRR m2's RTT is within 31..50 ms (40 ms delay): $r2 ms" eval '[ "$r2" != null ] && [ "$r2" -gt 30 ] && [ "$r2" -le 50 ]'
t_check "ixpctl show neighbor (text) prints the RTT" eval 'lab_ixpctl show neighbor "${M_V4[m2]}" | grep -q "RTT: *$r2 ms"'

plain() { lab_expected_route m5 "$1" - - - "${2:-}"; }   # PREFIX [ASPATH]
L="lcomm=$RS_ASN"
lab_announce m5 45.65.41.0/24 "$L:64512:20"
lab_announce m5 45.65.42.0/24 "$L:0:0,$RS_ASN:64514:10"
lab_announce m5 45.65.43.0/24 "$L:64511:5"
lab_announce m5 45.65.44.0/24 "$L:64519:30"
lab_announce m5 45.65.45.0/24 "$L:64512:25"
lab_announce m5 45.65.46.0/24 "$L:64512:10,$RS_ASN:1:52002"
lab_announce m5 45.65.39.0/24      # the marker, announced last
for m in m1 m2 m3; do
	t_poll 20 "${M_TYPE[$m]} ($m) has the marker route 45.65.39.0/24" lab_rib_has "$m" "$(plain 45.65.39.0/24)"
done

# check PREFIX MEMBER=LINE|none...
check() {
	local p=$1 e m want; shift
	for e in "$@"; do
		m=${e%%=*} want=${e#*=}
		if [ "$want" = none ]; then
			t_check "${M_TYPE[$m]} ($m) does not receive $p" lab_rib_lacks_prefix "$m" "$p"
		else
			t_poll 15 "${M_TYPE[$m]} ($m) receives $want" eval '[ "$(lab_rib_paths '"$m"' '"$p"')" = "$want" ]'
		fi
	done
}
p=45.65.41.0/24; check $p m1="$(plain $p)" m3="$(plain $p)" m2=none
p=45.65.42.0/24; check $p m1=none m3="$(plain $p)" m2="$(plain $p)"
p=45.65.43.0/24; check $p m1=none m3="$(plain $p)" m2="$(plain $p)"
p=45.65.44.0/24; check $p m1="$(plain $p)" m3="$(plain $p)" m2="$(plain $p "52005 52005 52005")"
p=45.65.45.0/24; check $p m1="$(plain $p)" m3="$(plain $p)" m2="$(plain $p)"
p=45.65.46.0/24; check $p m1="$(plain $p)" m3=none m2="$(plain $p)"

# the route server says why, with the code of the RTT
t_check "ixpctl: 45.65.41.0/24 is not exported to m2 because of its RTT (code 4)" eval \
	'lab_ixpctl --json show routes --not-exported-to "${M_V4[m2]}" | jq -e "[.routes[] | select(.prefix == \"45.65.41.0/24\") | .paths[0]] |
		.[0].not_exported_code == 4 and (.[0].not_exported_reason | test(\"RTT\")) and .[0].export_control.rtt.not_to_above_ms == 20" >/dev/null'
t_check "ixpctl: 45.65.42.0/24 is not exported to m1: announced only to others (code 2)" eval \
	'lab_ixpctl --json show routes --not-exported-to "${M_V4[m1]}" | jq -e "[.routes[] | select(.prefix == \"45.65.42.0/24\")] | .[0].paths[0].not_exported_code == 2" >/dev/null'
t_done
