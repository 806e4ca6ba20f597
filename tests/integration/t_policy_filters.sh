#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq programs with $variables, in single quotes
# T_TIMEOUT=200
# t_policy_filters: ixpd's IXP import filters (RFC 7948, arouteserver's
# options and reject codes) against real members.
#
# general.yml: arouteserver's defaults (NEXT_HOP strict, prefix lengths
# 8-24 / 12-48, max_as_path_len 32, invalid ASNs rejected, built-in bogons)
# plus a global black list, transit_free (reject, 174 and 3356),
# never_via_route_servers.asns, reject_policy "tag"; m1 (BIRD) has a client
# black list.  Besides their routes.tbl routes (all must arrive, unchanged),
# members announce:
#   BIRD m1   100.64.0.0/10    bogon (shared address space)           code 2
#             45.65.6.0/24     in m1's own black_list_pref             code 11
#   FRR m2    45.65.10.0/25    longer than /24                         code 13
#             45.65.12.0/22    in the global black list                code 3
#   GoBGP m3  45.65.20.0/24    path 52003 52010 (a customer)           accepted
#             45.65.6.0/24     in m1's black list, but m3 has none     accepted
#             45.65.21.0/24    path 52003 174 (transit-free)           code 8
#             45.65.22.0/24    path 52003 64512 (private AS)           code 7
#             45.65.23.0/24    path 52003 52099 (never via RS)         code 15
#             2804:1f30:1::/64 longer than /48                         code 13
#   ExaBGP m5 45.65.36.0/22    NEXT_HOP of m2 (not its own)            code 5
#             45.65.37.0/24    path 52005 52011                        accepted
#             45.65.38.0/24    path 52099 (left-most AS not m5's)      code 6
#             45.65.39.0/24    path of 33 ASNs (max 32)                code 1
#             2001:db8:5::/48  bogon (documentation)                   code 2
#             fd00:5::/48      outside 2000::/3                        code 10
# Every other member must receive the accepted routes and none of the
# rejected ones; `ixpctl --json show routes --rejected` must list each
# rejected path from its announcer with its reject_code, and (policy tag)
# carry the reject_cause community rs_as:65520:code.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

LAB_GENERAL_YML="cfg:
  rs_as: $RS_ASN
  router_id: \"$RS_V4\"
  filtering:
    global_black_list_pref:
      - prefix: \"45.65.12.0\"
        length: 22
        comment: \"global black list (test)\"
    transit_free:
      action: reject
      asns: \"174, 3356\"
    never_via_route_servers:
      peering_db: False
      asns: [ 52099 ]
    reject_invalid_as_in_as_path: True
    reject_policy:
      policy: tag"
LAB_CLIENT_CFG[m1]="filtering:
  black_list_pref:
    - prefix: \"45.65.6.0\"
      length: 24"
LAB_EXTRA_ROUTES="m1 100.64.0.0/10 - - -
m1 45.65.6.0/24 - - -
m2 45.65.10.0/25 - - -
m2 45.65.12.0/22 - - -"

t_setup m1 m2 m3 m5

lab_announce m3 45.65.20.0/24 aspath=52003,52010
lab_announce m3 45.65.6.0/24
lab_announce m3 45.65.21.0/24 aspath=52003,174
lab_announce m3 45.65.22.0/24 aspath=52003,64512
lab_announce m3 45.65.23.0/24 aspath=52003,52099
lab_announce m3 2804:1f30:1::/64
lab_announce m5 45.65.36.0/22 nh="${M_V4[m2]}"
lab_announce m5 45.65.37.0/24 aspath=52005,52011
lab_announce m5 45.65.38.0/24 aspath=52099
lab_announce m5 45.65.39.0/24 aspath="$(printf '52005,%.0s' $(seq 33) | sed 's/,$//')"
lab_announce m5 2001:db8:5::/48
lab_announce m5 fd00:5::/48

# accepted: member prefix as_path
accepted=("m3 45.65.20.0/24 52003 52010" "m3 45.65.6.0/24 52003" "m5 45.65.37.0/24 52005 52011")
# rejected: member prefix code
rejected=("m1 100.64.0.0/10 2" "m1 45.65.6.0/24 11" "m2 45.65.10.0/25 13" "m2 45.65.12.0/22 3"
	"m3 45.65.21.0/24 8" "m3 45.65.22.0/24 7" "m3 45.65.23.0/24 15" "m3 2804:1f30:1::/64 13"
	"m5 45.65.36.0/22 5" "m5 45.65.38.0/24 6" "m5 45.65.39.0/24 1" "m5 2001:db8:5::/48 2"
	"m5 fd00:5::/48 10")

for a in "${accepted[@]}"; do
	read -r from p asp <<<"$a"
	line=$(lab_expected_route "$from" "$p" - - - "$asp")
	for r in "${LAB_MEMBERS[@]}"; do
		[ "$r" = "$from" ] && continue
		t_poll 20 "${M_TYPE[$r]} ($r) receives $from's $p (path $asp)" lab_rib_has "$r" "$line"
	done
done
# the good routes of routes.tbl arrived unchanged (t_setup waited for them)
for r in "${LAB_MEMBERS[@]}"; do
	for af in 4 6; do
		t_check "${M_TYPE[$r]} ($r) IPv$af: every routes.tbl route of the others, unchanged" \
			test -z "$(lab_rib_missing "$r" $af)"
	done
done

# By now the accepted runtime routes have arrived; the rejected ones were
# sent before them on the same sessions: absence is meaningful.
rej_json() { lab_ixpctl --json show routes --rejected; }
rejected_as() {   # PREFIX NEIGHBOR CODE
	rej_json | jq -e --arg p "$1" --arg a "$2" --argjson c "$3" --arg tag "$RS_ASN:65520:$3" '
		any(.routes[] | select(.prefix == $p) | .paths[];
		    .neighbor == $a and .rejected and .reject_code == $c and (.reject_reason | length) > 0
		    and any(.large_communities[]; . == $tag))' >/dev/null
}
for x in "${rejected[@]}"; do
	read -r from p code <<<"$x"
	a=$(lab_member_addr "$from" "$(lab_af_of "$p")")
	t_poll 10 "ixpctl show routes --rejected: $p from $from ($a) rejected with code $code, tagged $RS_ASN:65520:$code" \
		rejected_as "$p" "$a" "$code"
	for r in "${LAB_MEMBERS[@]}"; do
		[ "$r" = "$from" ] && continue
		# m1 gets 45.65.6.0/24 from m3 (accepted): only m1's own path is rejected
		if [ "$p" = 45.65.6.0/24 ]; then
			t_check "${M_TYPE[$r]} ($r) does not get m1's black-listed path of $p" \
				eval '! lab_rib_paths '"$r"' '"$p"' | grep -q "|${M_ASN[m1]}|"'
		else
			t_check "${M_TYPE[$r]} ($r) does not receive $from's $p (code $code)" lab_rib_lacks_prefix "$r" "$p"
		fi
	done
done
# accepted paths are not in the rejected list
t_check "ixpctl show routes --rejected lists no accepted route" \
	eval 'rej_json | jq -e "[.routes[].prefix] | (index(\"45.65.20.0/24\") == null and index(\"45.65.37.0/24\") == null)" >/dev/null'
# exactly the paths rejected above, and nothing else
t_check "ixpctl lists exactly ${#rejected[@]} rejected paths" \
	eval '[ "$(rej_json | jq "[.routes[].paths[]] | length")" = '"${#rejected[@]}"' ]'
t_done
