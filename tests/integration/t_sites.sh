#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # eval programs with $variables, in single quotes
# T_TIMEOUT=200
# t_sites: a two-site exchange (docs/communities.md, location communities).
# Site 1, with the route server: BIRD m1, FRR m2.  Site 2, across the
# "digital bridge" (a second LAN switch joined by one link): GoBGP m3,
# ExaBGP m5.  ixpd.yml says exchange 1 in country 663 (Saint-Martin);
# clients.yml gives each member its site.
#   - every route carries where it was learned: site, exchange, country,
#     standard 65101..65103:N and large RS:1911..1913:N;
#   - ExaBGP m5 (site 2) announces
#       45.65.50.0/24  65111:1  not to site 1       -> m3 only
#       45.65.51.0/24  65112:0  only to my site     -> m3 only
#       45.65.52.0/24  65122:1  prepend twice to site 1 (m1, m2)
#       45.65.53.0/24  65101:9  a forged site tag: scrubbed, its own added
#     and the action communities never reach anybody;
#   - ixpctl shows each neighbour's site and why m1 lacks 45.65.50.0/24
#     (code 6).
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

LAB_CLIENT_SITE=([m1]=1 [m2]=1 [m3]=2 [m5]=2)
LAB_IXPD_EXTRA="location: { exchange: 1, country: 663 }"
lab_up m1 m2 m3 m5
lab_split_lan m3 m5
if ! lab_wait_sessions 60; then t_fail "sessions established within 60s"; t_done; fi

# tags SITE — the location tags of a route learned at SITE
tags_std() { echo "65101:$1,65102:1,65103:663"; }
tags_lrg() { echo "$RS_ASN:1911:$1,$RS_ASN:1912:1,$RS_ASN:1913:663"; }
declare -A SITE=([m1]=1 [m2]=1 [m3]=2 [m5]=2)
to=30
for n in m1 m3; do
	for p in $(lab_routes "$n" | awk '{print $1}'); do
		line=$(lab_expected_tagged "$n" "$p" "$(tags_std "${SITE[$n]}")" "$(tags_lrg "${SITE[$n]}")")
		for r in m1 m2 m3 m5; do
			[ "$r" = "$n" ] && continue
			t_poll $to "${M_TYPE[$r]} ($r) gets $n's $p tagged with site ${SITE[$n]}: $line" lab_rib_has "$r" "$line"
			to=5
		done
	done
done

lab_announce m5 45.65.50.0/24 comm=65111:1
lab_announce m5 45.65.51.0/24 comm=65112:0
lab_announce m5 45.65.52.0/24 comm=65122:1
lab_announce m5 45.65.53.0/24 comm=65101:9
lab_announce m5 45.65.39.0/24      # the marker, announced last
m5_line() { lab_expected_route m5 "$1" - "$(tags_std 2)" "$(tags_lrg 2)" "${2:-}"; }
for r in m1 m2 m3; do
	t_poll 20 "${M_TYPE[$r]} ($r) has the marker 45.65.39.0/24" lab_rib_has "$r" "$(m5_line 45.65.39.0/24)"
done
for p in 45.65.50.0/24 45.65.51.0/24; do
	t_check "gobgp (m3, site 2) receives $p" lab_rib_has m3 "$(m5_line $p)"
	for r in m1 m2; do
		t_check "${M_TYPE[$r]} ($r, site 1) does not receive $p" lab_rib_lacks_prefix "$r" "$p"
	done
done
for r in m1 m2; do
	t_check "${M_TYPE[$r]} ($r, site 1) receives 45.65.52.0/24 prepended twice" \
		lab_rib_has "$r" "$(m5_line 45.65.52.0/24 "52005 52005 52005")"
done
t_check "gobgp (m3, site 2) receives 45.65.52.0/24 as sent" lab_rib_has m3 "$(m5_line 45.65.52.0/24)"
t_check "bird (m1) receives 45.65.53.0/24 with m5's own site tag, not the forged 65101:9" \
	lab_rib_has m1 "$(m5_line 45.65.53.0/24)"

t_check "ixpctl: m3's site is 2, m1's is 1" eval \
	'[ "$(lab_ixpctl --json show neighbor "${M_V4[m3]}" | jq .neighbor.site)" = 2 ] &&
	 [ "$(lab_ixpctl --json show neighbor "${M_V4[m1]}" | jq .neighbor.site)" = 1 ]'
t_check "ixpctl show neighbor (text) prints the site" eval 'lab_ixpctl show neighbor "${M_V4[m3]}" | grep -q "Site: *2"'
t_check "ixpctl: 45.65.50.0/24 is not exported to m1 because of its site (code 6)" eval \
	'lab_ixpctl --json show routes --not-exported-to "${M_V4[m1]}" | jq -e "[.routes[] | select(.prefix == \"45.65.50.0/24\") | .paths[0]] |
		.[0].not_exported_code == 6 and .[0].export_control.sites.not_to == [1]" >/dev/null'
t_done
