#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq/eval programs with $variables, in single quotes
# T_TIMEOUT=200
# t_policy_actions: the action communities a member attaches to steer its
# route at the route server (arouteserver `configure` defaults, Euro-IX
# style; rs_as 59900), BLACKHOLE and GRACEFUL_SHUTDOWN, checked at every
# member with its own CLI.  ExaBGP m5 announces:
#   45.65.33.0/24  rs_as:0:52002            not to FRR m2
#   45.65.34.0/24  rs_as:0:0, rs_as:1:52003 only to GoBGP m3
#   45.65.35.0/24  rs_as:102:52002          AS_PATH prepended twice to m2
#   45.65.36.0/24  rs_as:65281:52003        NO_EXPORT added for m3 only
#   45.65.37.0/24  0:52004                  (standard) not to OpenBGPD m4
#   45.65.38.0/24  65501:59900              (standard) prepended once to all
#   45.65.32.1/32  65535:666 (BLACKHOLE)    blackhole_filtering policy_ipv4
#                  rewrite-next-hop: everybody gets it with NEXT_HOP
#                  192.0.2.66 and NO_EXPORT (add_noexport default True)
# The route server's own communities are scrubbed: receivers get none of
# them.  GRACEFUL_SHUTDOWN (graceful_shutdown.enabled): m5 and m3 announce
# 45.65.40.0/24 (m5's path best: shorter); when m5 re-announces it with
# 65535:0 its path gets LOCAL_PREF 0 at the route server and FRR, GoBGP...
# switch to m3's path.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

BH_NH=192.0.2.66
LAB_GENERAL_YML="cfg:
  rs_as: $RS_ASN
  router_id: \"$RS_V4\"
  filtering:
    never_via_route_servers:
      peering_db: False
  blackhole_filtering:
    policy_ipv4: rewrite-next-hop
    rewrite_next_hop_ipv4: \"$BH_NH\"
  graceful_shutdown:
    enabled: True"

t_setup

others=(m1 m2 m3 m4)       # every member but the announcer m5
plain() { lab_expected_route m5 "$1" - "${2:--}" - "${3:-}"; }   # PREFIX [COMMS [ASPATH]]

# check PREFIX EXPECT... — EXPECT is MEMBER=LINE or MEMBER=none
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

lab_announce m5 45.65.33.0/24 lcomm=$RS_ASN:0:52002
lab_announce m5 45.65.34.0/24 lcomm=$RS_ASN:0:0,$RS_ASN:1:52003
lab_announce m5 45.65.35.0/24 lcomm=$RS_ASN:102:52002
lab_announce m5 45.65.36.0/24 lcomm=$RS_ASN:65281:52003
lab_announce m5 45.65.37.0/24 comm=0:52004
lab_announce m5 45.65.38.0/24 comm=65501:$RS_ASN
lab_announce m5 45.65.32.1/32 comm=65535:666
# a marker announced last: once every member has it, the others have been
# processed (same session, in order)
lab_announce m5 45.65.39.0/24
for m in "${others[@]}"; do
	t_poll 20 "${M_TYPE[$m]} ($m) has the marker route 45.65.39.0/24" lab_rib_has "$m" "$(plain 45.65.39.0/24)"
done

p=45.65.33.0/24; check $p m1="$(plain $p)" m2=none m3="$(plain $p)" m4="$(plain $p)"
p=45.65.34.0/24; check $p m1=none m2=none m3="$(plain $p)" m4=none
p=45.65.35.0/24; check $p m1="$(plain $p)" m2="$(plain $p - "52005 52005 52005")" m3="$(plain $p)" m4="$(plain $p)"
p=45.65.36.0/24; check $p m1="$(plain $p)" m2="$(plain $p)" m3="$(plain $p 65535:65281)" m4="$(plain $p)"
p=45.65.37.0/24; check $p m1="$(plain $p)" m2="$(plain $p)" m3="$(plain $p)" m4=none
p=45.65.38.0/24; check $p m1="$(plain $p - "52005 52005")" m2="$(plain $p - "52005 52005")" \
	m3="$(plain $p - "52005 52005")" m4="$(plain $p - "52005 52005")"
bh="45.65.32.1/32|52005|$BH_NH|-|65535:666,65535:65281|-"
check 45.65.32.1/32 m1="$bh" m2="$bh" m3="$bh" m4="$bh"
t_check "ixpctl: the blackhole route is flagged blackhole, NEXT_HOP $BH_NH" eval \
	'lab_ixpctl --json show routes 45.65.32.1/32 | jq -e ".routes[0].paths[0] | .blackhole and .next_hop == \"$BH_NH\"" >/dev/null'

# no community of the route server's reaches anybody: large rs_as:*:*,
# standard 0:*, 65501-65503:*, 65511-65513:*, 65281/65282:*, rs_as:*
for m in "${others[@]}" m5; do
	for af in 4 6; do
		own=$(lab_member_rib "$m" $af | awk -F'|' -v rs="$RS_ASN" '
			{ n = split($5, c, ","); for (i = 1; i <= n; i++) { split(c[i], x, ":")
			    if (x[1] == 0 || x[1] == rs || (x[1] >= 65501 && x[1] <= 65513) || x[1] == 65281 || x[1] == 65282) print }
			  n = split($6, c, ","); for (i = 1; i <= n; i++) { split(c[i], x, ":"); if (x[1] == rs) print } }')
		t_check "${M_TYPE[$m]} ($m) IPv$af: no route carries a route server community${own:+: $own}" test -z "$own"
	done
done

# GRACEFUL_SHUTDOWN
p=45.65.40.0/24
lab_announce m3 $p aspath=52003,52003
lab_announce m5 $p
viam3=$(lab_expected_route m3 $p - - - "52003 52003")
for m in m2 m4; do
	t_poll 15 "${M_TYPE[$m]} ($m) receives m5's (shorter) path of $p" eval '[ "$(lab_rib_paths '"$m"' '"$p"')" = "$(plain '"$p"')" ]'
done
lab_announce m5 $p comm=65535:0
for m in m2 m4; do
	t_poll 15 "${M_TYPE[$m]} ($m) switches to m3's path once m5 sends GRACEFUL_SHUTDOWN: $viam3" \
		eval '[ "$(lab_rib_paths '"$m"' '"$p"')" = "$viam3" ]'
done
t_poll 15 "GoBGP (m3) receives m5's path with GRACEFUL_SHUTDOWN (its own never reflected)" \
	eval '[ "$(lab_rib_paths m3 '"$p"')" = "$(plain '"$p"' 65535:0)" ]'
t_check "ixpctl: m5's path of $p has LOCAL_PREF 0 and is not the best" eval \
	'lab_ixpctl --json show routes $p --all | jq -e --arg a "${M_V4[m5]}" "any(.routes[0].paths[]; .neighbor == \$a and .local_pref == 0 and (.best | not))" >/dev/null'
lab_announce m5 $p
for m in m2 m4; do
	t_poll 15 "${M_TYPE[$m]} ($m) back to m5's path once GRACEFUL_SHUTDOWN is gone" \
		eval '[ "$(lab_rib_paths '"$m"' '"$p"')" = "$(plain '"$p"')" ]'
done
t_done
