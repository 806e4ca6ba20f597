#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq programs with $variables, in single quotes
# T_TIMEOUT=200
# t_mrt: the MRT archive (RFC 6396) on a lab exchange.  ixpd writes a
# TABLE_DUMP_V2 RIB dump at start (+5 s) and on `ixpctl dump rib FILE`, and
# BGP4MP update logs rotated every 4 s, keeping 3.  bgpdump must read every
# file; the dump must hold exactly what `ixpctl show routes --all` lists
# (every member's Adj-RIB-In, the rejected path of ExaBGP m5 included), and
# bgpload must replay it; the update log must hold m5's announcements and
# the sessions' state changes.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

LAB_IXPD_EXTRA="mrt:
  dir: @LAB_DIR@/rs/mrt
  rib_interval: 3600
  updates_interval: 4
  keep: 3"
t_setup
MRT_DIR=$LAB_DIR/rs/mrt
: "${BGPLOAD:=$LAB_REPO/build/bgpload}"

lab_announce m5 45.65.43.0/24 lcomm=52005:0:43
lab_announce m5 45.65.44.0/25          # rejected: longer than /24, still in m5's Adj-RIB-In
lab_announce m5 45.65.45.0/24
t_poll 20 "BIRD (m1) has m5's 45.65.45.0/24" lab_rib_has_prefix m1 45.65.45.0/24

# --- RIB dumps ---------------------------------------------------------------
t_poll 20 "the periodic RIB dump (5 s after start) is written" eval 'ls $MRT_DIR/rib.*.mrt >/dev/null 2>&1'
first=$(ls "$MRT_DIR"/rib.*.mrt 2>/dev/null | head -1)
t_check "bgpdump reads it: TABLE_DUMP2 lines from the members" eval \
	'bgpdump -m "$first" 2>/dev/null | grep -q "^TABLE_DUMP2|.*|B|192.0.2.11|52001|45.65.0.0/22|52001|IGP|"'
dump=$MRT_DIR/rib-now.mrt
t_check "ixpctl dump rib $dump" eval 'lab_ixpctl dump rib "$dump" | grep -q "RIB dump written"'
t_check "no temporary file left behind" eval '[ ! -e "$dump.tmp" ]'
from_mrt=$(bgpdump -m "$dump" 2>/dev/null | awk -F'|' '$1 == "TABLE_DUMP2" { print $6 "|" $4 "|" $7 }' | sort)
from_ctl=$(lab_ixpctl --json show routes --all --limit 0 | jq -r '.routes[] | .prefix as $p | .paths[] | "\($p)|\(.neighbor)|\(.as_path)"' | sort)
t_check "bgpdump's lines agree with ixpctl show routes --all ($(wc -l <<<"$from_mrt") paths)" eval \
	'[ -n "$from_mrt" ] && [ "$from_mrt" = "$from_ctl" ]'
t_check "the dump holds m5's rejected 45.65.44.0/25 (the Adj-RIB-In as received)" eval \
	'grep -q "^45.65.44.0/25|192.0.2.15|52005$" <<<"$from_mrt"'
t_check "the dump keeps what m5 sent: its large community 52005:0:43" eval \
	'bgpdump -v "$dump" | grep -A9 "PREFIX: 45.65.43.0/24" | grep -q "LARGE_COMMUNITY: 52005:0:43"'
t_check "IPv6 paths are dumped with their next hop (RIB_IPV6_UNICAST)" eval \
	'bgpdump -m "$dump" | grep -q "|B|2001:db8::12|52002|2804:1f20::/32|52002|IGP|2001:db8::12|"'
replayed=$("$BGPLOAD" --rs "$RS_V4" --session "feeder,192.0.2.99,52099,prefixes=100000" --mrt "$dump" --print-table 2>/dev/null |
	cut -d'|' -f1 | sort -u)
t_check "bgpload replays ixpd's dump (--mrt): the same IPv4 prefixes" eval \
	'[ -n "$replayed" ] && [ "$replayed" = "$(cut -d"|" -f1 <<<"$from_mrt" | grep -v : | sort -u)" ]'

# --- update logs ----------------------------------------------------------------
# a session going down and up again now, so its state changes are in the
# logs still kept (3 x 4 s)
lab_ixpctl neighbor "${M_V4[m2]}" down "MRT test" >/dev/null
t_poll 15 "FRR (m2)'s session is down" eval '[ "$(lab_ixpctl --json show neighbor ${M_V4[m2]} | jq -r .neighbor.state)" != Established ]'
lab_ixpctl neighbor "${M_V4[m2]}" up >/dev/null
t_poll 60 "FRR (m2)'s session is back" eval '[ "$(lab_ixpctl --json show neighbor ${M_V4[m2]} | jq -r .neighbor.state)" = Established ]'
lab_announce m5 45.65.46.0/24
sleep 9                                  # two rotations at least
updates=$(ls "$MRT_DIR"/updates.*.mrt 2>/dev/null)
t_check "update logs rotate: complete files are there" test -n "$updates"
all_updates() { for f in $updates; do bgpdump -m "$f" 2>/dev/null; done; }
t_check "the update log holds m5's announcement of 45.65.46.0/24 (BGP4MP A)" eval \
	'all_updates | grep -q "^BGP4MP|[0-9]*|A|192.0.2.15|52005|45.65.46.0/24|52005|"'
t_check "... and m2's session going down and up (STATE 6 -> 1, 5 -> 6)" eval \
	'all_updates | grep -q "^BGP4MP|[0-9]*|STATE|192.0.2.12|52002|6|1$" && all_updates | grep -q "^BGP4MP|[0-9]*|STATE|192.0.2.12|52002|5|6$"'
sleep 9
t_check "at most 3 update logs are kept" eval '[ "$(ls $MRT_DIR/updates.*.mrt | wc -l)" -le 3 ]'
t_done
