#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # jq programs with $variables, in single quotes
# T_TIMEOUT=300
# t_http: ixpd's HTTP server on a lab exchange -- the looking glass (in a
# real browser too), the birdwatcher API as Alice-LG parses it, the
# Prometheus metrics -- all showing the same facts as ixpctl, and the
# server's answers to hostile or greedy clients.  ExaBGP m5 announces,
# besides its routes.tbl routes:
#   45.65.41.0/25  longer than /24: rejected (code 13)
#   45.65.38.0/24  path 52099: left-most AS not m5's (code 6)
#   45.65.33.0/24  rs_as:0:52002: not exported to FRR m2 (code 1)
# The screenshot of m5's rejected routes lands in $LAB_DIR; with
# IXPD_UPDATE_DOCS=1 it replaces docs/lg-rejected-routes.png.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

PORT=8080
LAB_IXPD_EXTRA="http:
  listen: [\"$RS_V4:$PORT\", \"[$RS_V6]:$PORT\"]
  requests_per_second: 5
  burst: 40"
LAB_GENERAL_YML="cfg:
  rs_as: $RS_ASN
  router_id: \"$RS_V4\"
  filtering:
    never_via_route_servers:
      peering_db: False
    irrdb:
      enforce_origin_in_as_set: False
      enforce_prefix_in_as_set: False"
RECORDED=$LAB_REPO/../shared/data/birdwatcher
t_setup

lab_announce m5 45.65.41.0/25
lab_announce m5 45.65.38.0/24 aspath=52099
lab_announce m5 45.65.33.0/24 lcomm=$RS_ASN:0:52002
lab_announce m5 45.65.39.0/24      # the marker: sent last, on the same session
t_poll 20 "BIRD (m1) has m5's marker route" lab_rib_has_prefix m1 45.65.39.0/24

BASE=http://$RS_V4:$PORT
M5=${M_V4[m5]} M2=${M_V4[m2]}
get() { lab_exec rs curl -sS --max-time 20 "$@"; }     # URL (from the route server's namespace)
code() { lab_exec rs curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@"; }
out=$LAB_DIR/http
mkdir -p "$out"

# --- its own process (http_worker.h) ------------------------------------------
RS_PID=
while read -r p; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = ixpd ] && RS_PID=$p; done < "$LAB_DIR/rs/pids"
WORKER_PID=$(pgrep -P "$RS_PID" -f -- --http-worker | head -1)
t_check "the HTTP server runs in a process of its own ($WORKER_PID, child of ixpd $RS_PID)" test -n "$WORKER_PID"
t_check "... under the seccomp filter, with no_new_privs" eval \
	'grep -q "^Seccomp:.*2$" /proc/$WORKER_PID/status && grep -q "^NoNewPrivs:.*1$" /proc/$WORKER_PID/status'
t_check "... holding no descriptor of the daemon's but its sockets and channel (no file, no BGP socket)" eval \
	'[ -z "$(find /proc/$WORKER_PID/fd -lname "/*" ! -lname "/dev/null" ! -lname "/dev/pts/*" ! -lname "$LAB_DIR/rs/ixpd.log" 2>/dev/null)" ]'
t_check "... and no file to read (Landlock): its log says 0 places" grep -q "ixpd-http.*limited to 0 places" "$LAB_DIR/rs/ixpd.log"

# --- the looking glass -------------------------------------------------------
t_check "GET / answers 200 with HTML listing every neighbour" eval \
	'[ "$(code $BASE/)" = 200 ] && get $BASE/ > $out/index.html && for m in m1 m2 m3 m4 m5; do grep -q "${M_V4[$m]}" $out/index.html || exit 1; done'
t_check "/?format=json: status and neighbours with their route counts" eval \
	'get "$BASE/?format=json" | jq -e ".status.rs_as == $RS_ASN and (.neighbors | length) == 10 and all(.neighbors[]; .routes.received >= 0)" >/dev/null'
get "$BASE/neighbor/$M5?view=rejected" > "$out/m5-rejected.html"
t_check "m5's rejected routes: both, each with its reason in words and its code" eval \
	'grep -q "45.65.41.0/25" $out/m5-rejected.html && grep -q "invalid prefix length (code 13)" $out/m5-rejected.html &&
	 grep -q "45.65.38.0/24" $out/m5-rejected.html && grep -q "left-most AS in AS_PATH is not the member&#39;s AS (code 6)" $out/m5-rejected.html'
t_check "m5's restricted routes: 45.65.33.0/24, not announced to AS52002 (action communities)" eval \
	'get "$BASE/neighbor/$M5?view=restricted" | grep -q "not announced to: AS52002 (action communities)"'
t_check "m2's not-received routes: m5's 45.65.33.0/24 with the reason" eval \
	'get "$BASE/neighbor/$M2?view=not-received" | grep -A3 "45.65.33.0/24" | grep -q "do not announce to this member (action community) (code 1)"'
t_check "lookup by address: 45.65.33.7 finds 45.65.33.0/24 (longest match)" eval \
	'get "$BASE/lookup?q=45.65.33.7&format=json" | jq -e "[.routes[].prefix] == [\"45.65.33.0/24\"]" >/dev/null'
t_check "lookup by community $RS_ASN:0:52002 finds 45.65.33.0/24, the community explained" eval \
	'get "$BASE/lookup?community=$RS_ASN:0:52002" | grep -q "do not announce to peer AS52002"'
t_check "lookup by origin AS52003 finds m3's routes and nothing else" eval \
	'get "$BASE/lookup?origin=52003&format=json" | jq -e "[.routes[].prefix] | sort == [\"2804:1f30::/32\", \"45.65.16.0/22\"]" >/dev/null'

t_check "an unknown neighbour is a 404 page" eval '[ "$(code $BASE/neighbor/192.0.2.99)" = 404 ]'
t_check "a bad argument is a 400 page" eval '[ "$(code "$BASE/lookup?origin=ASxyz")" = 400 ]'
t_check "no script and no outside resource in the pages" eval \
	'! grep -qiE "<script|https?://" $out/index.html $out/m5-rejected.html'

# --- the same facts everywhere -------------------------------------------------
rej_ctl=$(lab_ixpctl --json show routes --rejected --neighbor "$M5" | jq -c '[.routes[] | .prefix as $p | .paths[] | [$p, .reject_code]] | sort')
rej_lg=$(get "$BASE/neighbor/$M5?view=rejected&format=json" | jq -c '[.routes[] | .prefix as $p | .paths[] | [$p, .reject_code]] | sort')
rej_bw=$(get "$BASE/api/birdwatcher/routes/filtered/N${M5//./_}" | jq -c --argjson rs "$RS_ASN" \
	'[.routes[] | [.network, (.bgp.large_communities[] | select(.[0] == $rs and .[1] == 65520) | .[2])]] | sort')
rej_metric=$(get "$BASE/metrics" | awk -v p="$M5" 'index($0, "ixpd_peer_prefixes_filtered{peer=\"" p "\"") == 1 { print $2 }')
t_check "rejected routes of m5: ixpctl $rej_ctl = looking glass = birdwatcher (rs:65520:code)" eval \
	'[ "$rej_ctl" = "$rej_lg" ] && [ "$rej_ctl" = "$rej_bw" ] && [ "$rej_ctl" = "[[\"45.65.38.0/24\",6],[\"45.65.41.0/25\",13]]" ]'
t_check "metrics: ixpd_peer_prefixes_filtered of m5 is 2 ($rej_metric)" test "$rej_metric" = 2

# --- the birdwatcher API -------------------------------------------------------
bw() {   # KIND PATH: fetch and check against Alice's rules (and the recorded responses)
	get "$BASE/api/birdwatcher$2" > "$out/bw.json" &&
		python3 "$LAB_LIB/bw_check.py" "$1" "$out/bw.json" ${RECORDED_OK:+"$RECORDED"}
}
if [ -d "$RECORDED" ]; then RECORDED_OK=1; else echo "  note: $RECORDED absent (../shared not here): types checked by the rules alone"; fi
t_check "birdwatcher /status" bw status /status
t_check "birdwatcher /protocols/bgp" bw protocols /protocols/bgp
t_check "birdwatcher /protocols/short" bw short /protocols/short
for m in m1 m5; do
	id=N${M_V4[$m]//./_}
	t_check "birdwatcher /routes/protocol/$id" bw routes "/routes/protocol/$id"
	t_check "birdwatcher /routes/filtered/$id" bw routes "/routes/filtered/$id"
	t_check "birdwatcher /routes/count/protocol/$id" bw count "/routes/count/protocol/$id"
done
t_check "birdwatcher /routes/noexport/N${M2//./_}" bw routes "/routes/noexport/N${M2//./_}"
for t in master4 master6; do
	t_check "birdwatcher /routes/table/$t" bw routes "/routes/table/$t"
	t_check "birdwatcher /routes/table/$t/filtered" bw routes "/routes/table/$t/filtered"
	t_check "birdwatcher /routes/count/table/$t" bw count "/routes/count/table/$t"
done
t_check "birdwatcher /routes/prefix?prefix=45.65.33.1" bw routes "/routes/prefix?prefix=45.65.33.1"
t_check "birdwatcher: m2's not-exported routes carry $RS_ASN:65521:1 and come from m5's protocol" eval \
	'get "$BASE/api/birdwatcher/routes/noexport/N${M2//./_}" | jq -e --argjson rs "$RS_ASN" --arg id "N${M5//./_}" \
	 "any(.routes[]; .network == \"45.65.33.0/24\" and .from_protocol == \$id and any(.bgp.large_communities[]; . == [\$rs, 65521, 1]))" >/dev/null'
t_check "birdwatcher: every route's from_protocol is a /protocols/bgp key" eval \
	'keys=$(get "$BASE/api/birdwatcher/protocols/bgp" | jq -c "[.protocols | keys[]]");
	 get "$BASE/api/birdwatcher/routes/table/master4" | jq -e --argjson k "$keys" "all(.routes[]; .from_protocol as \$f | \$k | index(\$f))" >/dev/null'
t_check "birdwatcher: master4 holds every accepted IPv4 path (count = listing)" eval \
	'n=$(get "$BASE/api/birdwatcher/routes/count/table/master4" | jq .routes);
	 [ "$n" = "$(get "$BASE/api/birdwatcher/routes/table/master4" | jq ".routes | length")" ]'
t_check "birdwatcher: an unknown protocol is an error Alice reads (api + error)" eval \
	'get "$BASE/api/birdwatcher/routes/protocol/N192_0_2_99" | jq -e ".api.Version and .error" >/dev/null'

# --- metrics --------------------------------------------------------------------
get "$BASE/metrics" > "$out/metrics.txt"
t_check "/metrics passes promtool check metrics" eval 'promtool check metrics < $out/metrics.txt'
t_check "metrics: rejected paths by reason, as ixpctl counts them (code 6 and 13: one each)" eval \
	'grep -q "^ixpd_routes_filtered{reason=\"invalid prefix length\",code=\"13\"} 1$" $out/metrics.txt &&
	 grep -q "^ixpd_routes_filtered{reason=\"left-most AS in AS_PATH is not the member.s AS\",code=\"6\"} 1$" $out/metrics.txt'
t_check "metrics: every neighbour up, its state a stateset" eval \
	'[ "$(grep -c "^ixpd_peer_up{.*} 1$" $out/metrics.txt)" = 10 ] && [ "$(grep -c "^ixpd_peer_state{.*state=\"established\"} 1$" $out/metrics.txt)" = 10 ]'

# --- hostile and greedy clients -------------------------------------------------
t_check "POST is refused (405): the server is read-only" eval '[ "$(code -X POST -d x=1 $BASE/)" = 405 ]'
t_check "an unknown path is a 404" eval '[ "$(code $BASE/etc/passwd)" = 404 ]'
t_check "a path that climbs out is a 404" eval '[ "$(code --path-as-is "$BASE/../../etc/passwd")" = 404 ]'
t_check "a 32 KiB request header is refused, the server stays up" eval \
	'c=$(code -H "X-Junk: $(head -c 32768 /dev/zero | tr "\0" a)" $BASE/); [ "$c" = 431 ] || [ "$c" = 413 ] || [ "$c" = 000 ]; [ "$(code $BASE/style.css)" = 200 ]'
t_check "IPv6 listener answers" eval '[ "$(code "http://[$RS_V6]:$PORT/style.css")" = 200 ]'
limited=$(lab_exec m1 bash -c "for i in \$(seq 80); do curl -s -o /dev/null -w '%{http_code}\n' $BASE/style.css; done" | grep -c 429)
t_check "80 requests at once from one address: the rate limit answers 429 ($limited times)" test "$limited" -gt 0
t_check "... and another address is still served" eval '[ "$(code $BASE/style.css)" = 200 ]'
# a client that stops reading a big listing holds one piece; routing goes on
lab_exec m3 bash -c "exec 3<>/dev/tcp/$RS_V4/$PORT; printf 'GET /api/birdwatcher/routes/table/master4 HTTP/1.1\r\nHost: x\r\n\r\n' >&3; sleep 30" &
stuck=$!
sleep 1
lab_announce m5 45.65.42.0/24
t_poll 15 "with a client not reading, BIRD (m1) still gets m5's new route" lab_rib_has_prefix m1 45.65.42.0/24
t_check "... and the looking glass still answers" eval '[ "$(code $BASE/)" = 200 ]'
kill "$stuck" 2>/dev/null; wait "$stuck" 2>/dev/null

# a session taken down by the operator: its Cease NOTIFICATION is counted by code
M4=${M_V4[m4]}
lab_ixpctl neighbor "$M4" down "metrics test" >/dev/null
t_poll 10 "metrics: m4's Cease NOTIFICATION counted (sent, code 6)" eval \
	'get $BASE/metrics | grep -q "^ixpd_peer_notifications_by_code_total{peer=\"$M4\",peer_as=\"52004\",direction=\"sent\",code=\"6\"} 1$"'
lab_ixpctl neighbor "$M4" up >/dev/null

# --- a real browser ---------------------------------------------------------------
if command -v chromium >/dev/null; then
	chrome() { lab_exec rs timeout 60 chromium --headless=new --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$out/chromium" "$@" 2>>"$out/chromium.log"; }
	chrome --window-size=1280,720 --screenshot="$out/lg-rejected-routes.png" "$BASE/neighbor/$M5?view=rejected"
	t_check "chromium renders m5's rejected routes to a screenshot" eval \
		'[ "$(head -c 8 $out/lg-rejected-routes.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a ] && [ "$(stat -c %s $out/lg-rejected-routes.png)" -gt 20000 ]'
	chrome --window-size=1280,800 --screenshot="$out/lg-index.png" "$BASE/"
	chrome --window-size=1280,800 --screenshot="$out/lg-not-received.png" "$BASE/neighbor/$M2?view=not-received"
	t_check "chromium renders the neighbour list and a not-received page" eval \
		'[ "$(stat -c %s $out/lg-index.png)" -gt 20000 ] && [ "$(stat -c %s $out/lg-not-received.png)" -gt 20000 ]'
	t_check "chromium: the lookup form of / leads to the route (DOM after load)" eval \
		'chrome --dump-dom "$BASE/lookup?q=45.65.33.7" | grep -q "45.65.33.0/24"'
	if [ "${IXPD_UPDATE_DOCS:-}" = 1 ]; then
		cp "$out/lg-rejected-routes.png" "$LAB_REPO/docs/lg-rejected-routes.png"
	fi
else
	t_fail "chromium is not installed (scripts/install-deps installs it)"
fi
t_done
