#!/bin/bash
# SPDX-License-Identifier: ISC
# t_withdraw: withdrawals propagate to every member.
#  1. ExaBGP announces, then withdraws, a prefix through its API
#  2. BIRD disables its static IPv4 routes (birdc disable static4)
#  3. the RS takes FRR's IPv4 session down (ixpctl neighbor ADDR down), up
#  4. GoBGP is killed (SIGKILL): its sessions close, its routes go away
#  5. OpenBGPD's LAN port goes down: nothing closes, the RS's hold timer
#     (9 s, offered by this member) must expire and withdraw its routes
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

t_setup

others() { local m; for m in "${LAB_MEMBERS[@]}"; do [ "$m" != "$1" ] && echo "$m"; done; }

# all_lack / all_have MEMBER... -- PREFIX...: none / all of MEMBERs have every PREFIX
all_lack() {
	local -a ms=() ; while [ "$1" != -- ]; do ms+=("$1"); shift; done; shift
	local m p
	for m in "${ms[@]}"; do for p in "$@"; do lab_rib_lacks_prefix "$m" "$p" || return 1; done; done
}
all_have() {
	local -a ms=() ; while [ "$1" != -- ]; do ms+=("$1"); shift; done; shift
	local m p
	for m in "${ms[@]}"; do for p in "$@"; do lab_rib_has_prefix "$m" "$p" || return 1; done; done
}

# 1. ExaBGP API announce + withdraw
p4=45.65.202.0/24 p6=2804:1fff:202::/48
lab_announce m5 $p4 comm=52005:202
lab_announce m5 $p6 comm=52005:202
mapfile -t rest < <(others m5)
t_poll 20 "ExaBGP (m5) announcement of $p4 $p6 reaches ${rest[*]}" all_have "${rest[@]}" -- $p4 $p6
lab_withdraw m5 $p4
lab_withdraw m5 $p6
t_poll 20 "ExaBGP (m5) withdrawal of $p4 $p6 reaches ${rest[*]}" all_lack "${rest[@]}" -- $p4 $p6

# 2. BIRD: static protocol disabled -> its IPv4 routes withdrawn, IPv6 kept
mapfile -t rest < <(others m1)
mapfile -t v4 < <(lab_routes m1 4 | awk '{print $1}')
mapfile -t v6 < <(lab_routes m1 6 | awk '{print $1}')
birdc -s "$LAB_DIR/m1/bird.ctl" disable static4 >/dev/null
t_poll 20 "BIRD (m1) 'disable static4' withdraws ${v4[*]} everywhere" all_lack "${rest[@]}" -- "${v4[@]}"
t_check "BIRD (m1) IPv6 routes ${v6[*]} still everywhere" all_have "${rest[@]}" -- "${v6[@]}"
birdc -s "$LAB_DIR/m1/bird.ctl" enable static4 >/dev/null
t_poll 20 "BIRD (m1) 'enable static4' brings ${v4[*]} back" all_have "${rest[@]}" -- "${v4[@]}"

# 3. the RS shuts FRR's IPv4 session down (ixpctl neighbor ADDR down):
#    its IPv4 routes go away everywhere, FRR loses all its IPv4 routes, IPv6
#    is untouched; `up` lets FRR reconnect and everything comes back.
mapfile -t rest < <(others m2)
mapfile -t v4 < <(lab_routes m2 4 | awk '{print $1}')
t_check "RS: neighbor ${M_V4[m2]} down" lab_rs_neighbor m2 4 down
t_poll 15 "FRR (m2) sees its IPv4 session go down" eval '! lab_member_established m2 4'
t_poll 15 "FRR (m2) IPv4 routes ${v4[*]} withdrawn from ${rest[*]}" all_lack "${rest[@]}" -- "${v4[@]}"
t_poll 15 "FRR (m2) has no IPv4 route left" eval '[ -z "$(lab_member_rib m2 4)" ]'
t_check "FRR (m2) IPv6 session untouched" lab_member_established m2 6
t_check "RS: neighbor ${M_V4[m2]} up" lab_rs_neighbor m2 4 up
t_poll 45 "FRR (m2) IPv4 session re-established" eval 'lab_member_established m2 4 && lab_rs_established m2 4'
t_poll 20 "FRR (m2) IPv4 routes back at ${rest[*]}, and FRR has everybody's" \
	eval 'all_have "${rest[@]}" -- "${v4[@]}" && _lab_rib_complete m2 4'

# 4. GoBGP killed: session closes (FIN/RST), its routes disappear
mapfile -t rest < <(others m3)
mapfile -t pfx < <(lab_routes m3 | awk '{print $1}')
lab_kill m3 KILL
t_poll 20 "RS notices GoBGP (m3) IPv4 session loss" eval '! lab_rs_established m3 4'
t_poll 20 "RS notices GoBGP (m3) IPv6 session loss" eval '! lab_rs_established m3 6'
t_poll 20 "GoBGP (m3) killed: ${pfx[*]} withdrawn from ${rest[*]}" all_lack "${rest[@]}" -- "${pfx[@]}"

# 5. OpenBGPD unplugged: only the hold timer (9 s) can tell
mapfile -t rest < <(others m4 | grep -vx m3)     # m3 is dead by now
mapfile -t pfx < <(lab_routes m4 | awk '{print $1}')
lab_link m4 down
t_poll 40 "OpenBGPD (m4) link down: hold timer expires, ${pfx[*]} withdrawn from ${rest[*]}" \
	all_lack "${rest[@]}" -- "${pfx[@]}"
t_check "RS shows OpenBGPD (m4) sessions down" eval '! lab_rs_established m4 4 && ! lab_rs_established m4 6'
t_done
