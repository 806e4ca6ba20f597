#!/bin/bash
# SPDX-License-Identifier: ISC
# T_TIMEOUT=200
# t_gtsm: GTSM (RFC 5082) from clients.yml cfg.gtsm, with real members:
#   BIRD m1    gtsm at ixpd, `ttl security on` at BIRD: established, and
#              ixpd's segments to it leave with TTL 255
#   FRR m2     gtsm at ixpd, `ttl-security hops 1` at FRR: established
#   GoBGP m3   gtsm at ixpd, none at GoBGP (its eBGP TTL is 1): refused
#   ExaBGP m5  no gtsm anywhere: established beside them
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

for m in m1 m2 m3; do LAB_CLIENT_CFG[$m]="gtsm: True"; done
LAB_MEMBER_SESSION[m1]='	ttl security on;'
LAB_MEMBER_SESSION[m2]=" neighbor $RS_V4 ttl-security hops 1
 neighbor $RS_V6 ttl-security hops 1"

lab_up m1 m2 m3 m5
for m in m1 m2 m5; do
	for af in 4 6; do
		t_poll 60 "${M_TYPE[$m]} ($m) IPv$af: established" lab_member_established "$m" "$af"
	done
done
sleep 10
# (ixpd's view: GoBGP may believe itself Established for a while -- our
# OPEN and KEEPALIVE reach it -- but nothing it sends after its OPEN gets in)
for af in 4 6; do
	t_check "gobgp (m3) IPv$af: never established at ixpd, nothing received from it (TTL < 255)" eval \
		'lab_ixpctl --json show neighbor '"$(lab_member_addr m3 "$af")"' | jq -e ".neighbor.state != \"Established\" and .neighbor.routes.received == 0" >/dev/null'
done
ttls() {   # SRC DST: the TTLs / hop limits of the BGP segments from SRC to DST
	tcpdump -nn -v -r "$LAB_DIR/rs/bgp.pcap" "src host $1 and dst host $2 and tcp port 179" 2>/dev/null |
		grep -oE '(ttl|hlim) [0-9]+' | awk '{ print $2 }' | sort -u | tr '\n' ' '
}
t_check "ixpd's segments to BIRD (m1) leave with TTL 255 ($(ttls "$RS_V4" "${M_V4[m1]}"))" eval \
	'[ "$(ttls $RS_V4 ${M_V4[m1]})" = "255 " ]'
t_check "ixpd's IPv6 segments to BIRD (m1) leave with hop limit 255 ($(ttls "$RS_V6" "${M_V6[m1]}"))" eval \
	'[ "$(ttls $RS_V6 ${M_V6[m1]})" = "255 " ]'
t_check "BIRD (m1) holds ExaBGP (m5)'s routes" lab_rib_has_prefix m1 45.65.32.0/22
t_done
