#!/bin/bash
# SPDX-License-Identifier: ISC
# T_TIMEOUT=200
# t_md5: TCP-MD5 (RFC 2385) from clients.yml `password`, with real members,
# both directions:
#   BIRD m1      right key, passive: only ixpd connects (ixpd's active socket)
#   OpenBGPD m4  right key, connects to ixpd (the keys on ixpd's listeners)
#   FRR m2       a wrong key: never established
#   GoBGP m3     no key where ixpd has one: never established
#   ExaBGP m5    no key on either side: up, next to the signed ones
# The signed sessions' segments carry the MD5 option on the wire (tcpdump).
# A reload that changes m4's key restarts its session (logged); with the
# old key on OpenBGPD's side it never comes back.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

LAB_CLIENT_PASSWORD[m1]=rs-m1-key
LAB_CLIENT_PASSWORD[m2]=rs-m2-key
LAB_CLIENT_PASSWORD[m3]=rs-m3-key
LAB_CLIENT_PASSWORD[m4]=rs-m4-key
LAB_CLIENT_CFG[m1]="passive: False"
LAB_MEMBER_SESSION[m1]='	password "rs-m1-key";
	passive on;'
LAB_MEMBER_SESSION[m2]=" neighbor $RS_V4 password not-the-key
 neighbor $RS_V6 password not-the-key"
LAB_MEMBER_SESSION[m4]='	tcp md5sig password rs-m4-key'

lab_up m1 m2 m3 m4 m5
for m in m1 m4 m5; do
	for af in 4 6; do
		t_poll 60 "${M_TYPE[$m]} ($m) IPv$af: established" lab_member_established "$m" "$af"
	done
done
sleep 10                                 # the others had their chances
for m in m2 m3; do
	for af in 4 6; do
		t_check "${M_TYPE[$m]} ($m) IPv$af: never established (wrong or missing key)" eval \
			'! lab_member_established '"$m $af"' && [ "$(lab_ixpctl --json show neighbor '"$(lab_member_addr "$m" "$af")"' | jq -r .neighbor.state)" != Established ]'
	done
done
t_check "BIRD (m1) holds OpenBGPD (m4)'s routes (signed sessions carry routes)" \
	lab_rib_has_prefix m1 45.65.24.0/22
md5_segments() {   # ADDR: segments from ADDR with the TCP MD5 option
	tcpdump -nn -v -r "$LAB_DIR/rs/bgp.pcap" "src host $1 and tcp port 179" 2>/dev/null | grep -c 'md5'
}
t_check "the segments of BIRD (m1) carry the MD5 option" eval '[ "$(md5_segments ${M_V4[m1]})" -gt 0 ]'
t_check "the segments of OpenBGPD (m4) carry the MD5 option" eval '[ "$(md5_segments ${M_V4[m4]})" -gt 0 ]'
t_check "the segments of ExaBGP (m5) do not" eval '[ "$(md5_segments ${M_V4[m5]})" = 0 ]'
t_check "ixpd -n does not print the keys" eval '! grep -q "rs-m1-key" "$LAB_DIR/rs/ixpd-effective.yml"'

# a new key for m4 at ixpd only: its session restarts and stays down
sed -i 's/rs-m4-key/rs-m4-new-key/' "$LAB_DIR/rs/clients.yml"
t_check "reload with m4's new key" eval 'lab_ixpctl reload >/dev/null'
t_poll 10 "the log says m4's session restarts with the new key" \
	grep -q "neighbor ${M_V4[m4]} .*TCP-MD5 key changed: the session restarts with it" "$LAB_DIR/rs/ixpd.log"
sleep 12
t_check "OpenBGPD (m4), still on the old key, is not established again" eval '! lab_member_established m4 4'
t_check "BIRD (m1) is still up" lab_member_established m1 4
t_done
