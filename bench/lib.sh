# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# bench/lib.sh — the route-server benchmark: topology, route servers,
# load, measurement.  Sourced by bench/run; builds on tests/lab/lib.sh
# (namespaces on one bridge, lab_spawn, teardown traps), which it does not
# change.
#
# One run = one fresh lab: a bridge (the peering LAN), namespace "rs" with
# the route server under test (.1 of each LAN prefix), namespace "load"
# with one bgpload process holding every member's address; bgpload feeds
# and sinks, the harness samples the route server's processes meanwhile.
# shellcheck disable=SC2016   # jq programs in single quotes

BENCH_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tests/lab/lib.sh
. "$BENCH_LIB/../tests/lab/lib.sh"
BENCH_REPO=$LAB_REPO
BENCH_RS_DIR=$BENCH_LIB/rs
: "${BENCH_OUT:=$BENCH_LIB/out}"
: "${BENCH_HOLD:=90}"            # hold time everywhere (route servers and bgpload)
: "${BENCH_CHURN_S:=60}"         # W4: seconds of churn
: "${BENCH_ROAS:=500000}"         # W1F/W2F: ROAs in the VRP file
: "${BENCH_INVALID_PCT:=1}"       # W1F/W2F: % of every member's routes made RPKI INVALID
: "${BENCH_IRR_PAD:=50000}"       # W1F/W2F: route objects of the largest member
export LAB_PCAP=0                # no capture: it would compete for CPU

# Peering LAN: documentation space, route server .1 in each /24; members
# from .10 on, 240 per /24, AS 61001 upwards.
BENCH_LANS=(192.0.2 198.51.100 203.0.113)
BENCH_PER_LAN=240
BENCH_ASN0=61001

bench_log() { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# bench_addr I — address of member I (0-based)
bench_addr() { echo "${BENCH_LANS[$(($1 / BENCH_PER_LAN))]}.$((10 + $1 % BENCH_PER_LAN))"; }
# bench_rs_addr_for ADDR — the route server's address on ADDR's /24
bench_rs_addr_for() { echo "${1%.*}.1"; }

# ---------------------------------------------------------------- bgpload features

# What the bgpload binary can do (it is being extended): member role,
# ceiling mode, per-session route-server address.
bench_bgpload_features() {
	local h
	h=$("$BGPLOAD" --help 2>&1)
	BL_MEMBER=; BL_CEILING=; BL_CHURN_FOR=
	grep -q 'member' <<<"$h" && BL_MEMBER=1
	grep -q -- '--ceiling' <<<"$h" && BL_CEILING=1
	grep -q -- '--churn-duration\|--churn-for' <<<"$h" && BL_CHURN_FOR=1
	return 0
}

# ---------------------------------------------------------------- workloads

# bench_workload W SCALE — sets WL_* and writes $RUN_DIR/members.tsv:
#   role addr asn prefixes expect
# role member (feeds and sinks on one session), feeder or sink.
# SCALE (default 1) multiplies every table size (W3/W5 scale-down).
bench_workload() {
	local w=$1 scale=${2:-1} i n=0
	WL_NAME=$w WL_SCALE=$scale WL_CHURN=0 WL_RELOAD= WL_TIMEOUT=300 WL_WAIT=120 WL_FILTERS= WL_PROBE=
	# W1F, W2F: the shape of W1, W2 with the IXP filter profile
	# (bench_filter_data), ixpd and BIRD only
	case $w in W1F|W2F) WL_FILTERS=1 w=${w%F} ;; esac
	: > "$RUN_DIR/members.tsv"
	# _tier COUNT PREFIXES — COUNT members announcing PREFIXES each
	_tier() {
		local c=$1 p
		p=$(awk -v p="$2" -v s="$scale" 'BEGIN { printf "%d", p * s + 0.5 }')
		for ((i = 0; i < c; i++)); do
			echo "member $(bench_addr "$n") $((BENCH_ASN0 + n)) $p" >> "$RUN_DIR/members.tsv"
			n=$((n + 1))
		done
	}
	_feeders() {
		local c=$1 p=$2
		for ((i = 0; i < c; i++)); do
			echo "feeder $(bench_addr "$n") $((BENCH_ASN0 + n)) $p" >> "$RUN_DIR/members.tsv"
			n=$((n + 1))
		done
	}
	_sinks() {
		for ((i = 0; i < $1; i++)); do
			echo "sink $(bench_addr "$n") $((BENCH_ASN0 + n)) 0" >> "$RUN_DIR/members.tsv"
			n=$((n + 1))
		done
	}
	case $w in
	smoke) WL_DESC="smoke: 4 members x 200 prefixes, each receives all"
		_tier 4 200; WL_TIMEOUT=60 ;;
	W1) WL_DESC="20 members x 5,000 prefixes, each receives all"
		_tier 20 5000; WL_TIMEOUT=300 ;;
	W2) WL_DESC="2 feeders x 500,000 prefixes (full tables) -> 20 sinks"
		_feeders 2 "$(awk -v s="$scale" 'BEGIN { printf "%d", 500000 * s + 0.5 }')"
		_sinks 20; WL_TIMEOUT=600 ;;
	W3|W5) WL_DESC="700 members, 400,000 prefixes in total (20 x 10,000 + 180 x 750 + 500 x 130), every member receives all"
		_tier 20 10000; _tier 180 750; _tier 500 130; WL_TIMEOUT=900 WL_WAIT=400
		[ "$w" = W5 ] && { WL_RELOAD=1; WL_DESC="policy reload at W3 shape: new import filter rejects every /24"; } ;;
	V1) WL_DESC="visibility at 700 members (20 x 10,000 + 680 x 100 prefixes): protocol listing, a 10,000-route neighbour listing, metrics"
		_tier 20 10000; _tier 680 100; WL_TIMEOUT=900 WL_WAIT=400 WL_PROBE=V1 ;;
	V2) WL_DESC="RIB dump of 1,000,000 paths (2 feeders x 500,000 prefixes, 1 sink) to an MRT file"
		_feeders 2 "$(awk -v s="$scale" 'BEGIN { printf "%d", 500000 * s + 0.5 }')"
		_sinks 1; WL_TIMEOUT=600 WL_PROBE=V2 ;;
	W4) WL_DESC="W1 + churn: 1 % of the prefixes withdrawn and re-announced per second for ${BENCH_CHURN_S} s"
		_tier 20 5000; WL_CHURN=1; WL_TIMEOUT=$((300 + BENCH_CHURN_S)) ;;
	*) bench_log "unknown workload $w"; return 1 ;;
	esac
	[ -n "$WL_FILTERS" ] && WL_DESC="$WL_DESC; IXP filters: RPKI (${BENCH_ROAS} ROAs), IRR, bogons, AS_PATH, NEXT_HOP, max-prefix"
	[ "$scale" != 1 ] && WL_DESC="$WL_DESC, scaled x$scale"
	# without bgpload's member role: each member is a feeder plus a sink
	# on a second address (the sink then also receives its own feeder's routes)
	if [ -z "$BL_MEMBER" ] && grep -q '^member' "$RUN_DIR/members.tsv"; then
		local m
		m=$(grep -c '^member' "$RUN_DIR/members.tsv")
		awk -v n="$n" '{ $1 = "feeder"; print }' "$RUN_DIR/members.tsv" > "$RUN_DIR/m.tmp"
		for ((i = 0; i < m; i++)); do echo "sink $(bench_addr $((n + i))) $((BENCH_ASN0 + n + i)) 0"; done >> "$RUN_DIR/m.tmp"
		mv "$RUN_DIR/m.tmp" "$RUN_DIR/members.tsv"
		WL_DESC="$WL_DESC [member = feeder + sink session]"
	fi
	# expectations: a member holds everybody's prefixes but its own, a sink
	# all; BENCH_EXPECT_OWN=1 (FRR): the route server also sends members
	# their own routes back, so a member is complete at all of them
	awk -v own="${BENCH_EXPECT_OWN:-}" '{ tot += $4; r[NR] = $0; role[NR] = $1; p[NR] = $4 }
	     END { for (i = 1; i <= NR; i++) {
	             e = role[i] == "member" ? (own ? tot : tot - p[i]) : role[i] == "sink" ? tot : 0
	             print r[i], e } }' "$RUN_DIR/members.tsv" > "$RUN_DIR/m.tmp"
	mv "$RUN_DIR/m.tmp" "$RUN_DIR/members.tsv"
	WL_SESSIONS=$(wc -l < "$RUN_DIR/members.tsv")
	WL_PREFIXES=$(awk '{ t += $4 } END { print t }' "$RUN_DIR/members.tsv")
	WL_SINKS=$(awk '$1 != "feeder"' "$RUN_DIR/members.tsv" | wc -l)
	unset -f _tier _feeders _sinks
}

# bench_bgpload_sessions — "session ..." lines for bgpload's config from
# members.tsv, consecutive members with equal tables folded into count=K
bench_bgpload_sessions() {
	awk '
	function flush() {
		if (!n) return
		line = "session " role "," a0 "," asn0
		if (role != "sink") line = line ",prefixes=" pf
		if (role != "feeder") line = line ",expect=" ex
		if (n > 1) line = line ",count=" n
		print line; n = 0
	}
	{
		split($2, o, "."); net = o[1] "." o[2] "." o[3]; host = o[4] + 0
		if (n && $1 == role && $4 == pf && $5 == ex && net == net0 && host == h0 + n && $3 == asn0 + n) { n++; next }
		flush(); role = $1; a0 = $2; asn0 = $3; pf = $4; ex = $5; net0 = net; h0 = host; n = 1
	}
	END { flush() }' "$RUN_DIR/members.tsv"
}

# ---------------------------------------------------------------- filter profile

# bench_filter_data — W1F/W2F: the filters' data for this workload (VRP
# file, RPSL dump, the same for BIRD; bench/filters.py, cached in
# $BENCH_OUT/filterdata/ per workload shape, generator and bgpload), and
# members' expectations lowered to what passes the filters.  Sets
# FILTER_DIR and FILTER_LIMIT (max-prefix: twice the largest table).
bench_filter_data() {
	local key
	key=$({ awk '{ print $1, $2, $3, $4 }' "$RUN_DIR/members.tsv"; cat "$BENCH_LIB/filters.py"
		echo "$BENCH_ROAS $BENCH_INVALID_PCT $BENCH_IRR_PAD"; sha256sum < "$BGPLOAD"; } | sha256sum | cut -c1-12)
	FILTER_DIR=$BENCH_OUT/filterdata/$WL_NAME-x$WL_SCALE-$key
	if [ ! -s "$FILTER_DIR/stats.json" ]; then
		bench_log "$WL_NAME: generating the filters' data in $FILTER_DIR"
		rm -rf "$FILTER_DIR.tmp"; mkdir -p "$FILTER_DIR.tmp"
		{ echo "rs $(bench_member_rs)"; bench_bgpload_sessions; } > "$FILTER_DIR.tmp/sessions.conf"
		cp "$RUN_DIR/members.tsv" "$FILTER_DIR.tmp/members.tsv"
		"$BGPLOAD" --print-table --config "$FILTER_DIR.tmp/sessions.conf" |
			python3 "$BENCH_LIB/filters.py" --members "$FILTER_DIR.tmp/members.tsv" --out "$FILTER_DIR.tmp" \
			--roas "$BENCH_ROAS" --invalid "$BENCH_INVALID_PCT" --irr-pad "$BENCH_IRR_PAD" \
			--rs-as "$RS_ASN" > "$FILTER_DIR.tmp/gen.log" || { bench_log "bench/filters.py failed"; return 1; }
		rm -rf "$FILTER_DIR"; mv "$FILTER_DIR.tmp" "$FILTER_DIR"
	fi
	cp "$FILTER_DIR/stats.json" "$RUN_DIR/filter-stats.json"
	# a member receives what the others' filters accept, a sink all of it
	awk 'NR == FNR { if (FNR > 1) { acc[$1] = $3; tot += $3 } next }
	     { $5 = $1 == "member" ? tot - acc[$3] : $1 == "sink" ? tot : 0; print }' \
		"$FILTER_DIR/accepted.tsv" "$RUN_DIR/members.tsv" > "$RUN_DIR/m.tmp"
	mv "$RUN_DIR/m.tmp" "$RUN_DIR/members.tsv"
	FILTER_LIMIT=$(awk '$4 > m { m = $4 } END { print (2 * m > 1000 ? 2 * m : 1000) }' "$RUN_DIR/members.tsv")
}

# bench_filter_query RS — W1F/W2F, once every member is complete (bgpload
# lingers, the sessions are still up): what the route server rejected, all
# and as RPKI INVALID, into $LAB_DIR/rs/rejected.counts
bench_filter_query() {
	local d=$LAB_DIR/rs rej='' rpki=''
	case $1 in
	ixpd)
		"$IXPCTL_BIN" -s "$d/ixpd.sock" --json show routes --rejected > "$d/rejected.json" 2>&1
		rej=$(jq '[.. | objects | select(has("reject_reason") and .rejected == true)] | length' "$d/rejected.json" 2>/dev/null)
		rpki=$(jq '[.. | objects | select(.rejected == true and .reject_code == 14)] | length' "$d/rejected.json" 2>/dev/null) ;;
	bird)
		# "N of M routes for K networks in table master4"
		lab_exec rs birdc -s "$d/bird.ctl" show route filtered count > "$d/filtered.out" 2>&1
		lab_exec rs birdc -s "$d/bird.ctl" show route filtered where \
			'roa_check(RPKI4, net, bgp_path.last) = ROA_INVALID' count > "$d/filtered-rpki.out" 2>&1
		rej=$(awk '/routes for/ { print $1; exit }' "$d/filtered.out")
		rpki=$(awk '/routes for/ { print $1; exit }' "$d/filtered-rpki.out") ;;
	esac
	echo "$rej $rpki" > "$d/rejected.counts"
}

# bench_filter_check — after a W1F/W2F run: the route server's rejected
# counts (bench_filter_query) against what bench/filters.py expects, and
# whether every receiver ended with exactly its expectation; JSON into
# $RUN_DIR/extra.json
bench_filter_check() {
	local rej='' rpki='' exact
	[ -s "$LAB_DIR/rs/rejected.counts" ] && read -r rej rpki < "$LAB_DIR/rs/rejected.counts"
	exact=$(jq '[.sessions[] | select(.expect != null and .expect > 0) | .prefixes_held == .expect] | all' \
		"$LAB_DIR/load/summary.json" 2>/dev/null)
	jq -n --argjson x "$(cat "$RUN_DIR/extra.json" 2>/dev/null || echo '{}')" \
		--arg rej "$rej" --arg rpki "$rpki" --arg exact "${exact:-null}" --slurpfile st "$RUN_DIR/filter-stats.json" '
		$x + { filters: { rs_rejected: ($rej | tonumber? // null), rs_rejected_rpki: ($rpki | tonumber? // null),
		                  expected_rejected: ([$st[0].rejected[]] | add), expected_rpki_invalid: $st[0].rejected.rpki_invalid,
		                  held_exact: ($exact | fromjson? // null), roas: $st[0].roas,
		                  irr_prefixes_max: $st[0].irr_prefixes_max, route_objects: $st[0].route_objects } }' \
		> "$RUN_DIR/extra.tmp" && mv "$RUN_DIR/extra.tmp" "$RUN_DIR/extra.json"
}

# bench_note_load SECONDS — how long the route server took to load its
# configuration and the filters' data (into $RUN_DIR/extra.json)
bench_note_load() {
	jq -n --argjson x "$(cat "$RUN_DIR/extra.json" 2>/dev/null || echo '{}')" --argjson s "$1" \
		'$x + { data_load_s: $s }' > "$RUN_DIR/extra.tmp" && mv "$RUN_DIR/extra.tmp" "$RUN_DIR/extra.json"
}

# ---------------------------------------------------------------- topology

# bench_lab_up — LAN, route-server namespace (.1 on each LAN prefix in
# use), load namespace with every member address
bench_lab_up() {
	local lans lan
	lab_init
	lab_create_lan
	lab_add_node rs 192.0.2.1 2001:db8::1
	lab_add_node load 192.0.2.254 2001:db8::fe
	mapfile -t lans < <(awk '{ split($2, o, "."); print o[1] "." o[2] "." o[3] }' "$RUN_DIR/members.tsv" | sort -u)
	BENCH_RS_LISTEN=()
	for lan in "${lans[@]}"; do
		BENCH_RS_LISTEN+=("$lan.1")
		[ "$lan" = 192.0.2 ] || ip -n "$(lab_ns rs)" addr add "$lan.1/24" dev eth0
	done
	# 192.0.2.1 first
	mapfile -t BENCH_RS_LISTEN < <(printf '%s\n' "${BENCH_RS_LISTEN[@]}" | sort -t. -k1,1n -k2,2n -k3,3n -k4,4n | awk '$0 == "192.0.2.1" { print; next } { r = r $0 "\n" } END { printf "%s", r }')
	awk '{ print "addr add " $2 "/24 dev eth0" }' "$RUN_DIR/members.tsv" > "$LAB_DIR/load/addrs.batch"
	# Hundreds of sessions connecting at once overflow the route server's
	# listen() backlog (OpenBGPD's is 5, BIRD's 8); the dropped SYNs back
	# off exponentially and the RS resets half-open attempts: 700 sessions
	# took 5-10 minutes to come up.  Routers would not all connect in the
	# same millisecond: above BENCH_PACE_OVER sessions the member addresses
	# are added BENCH_PACE per half second (bench_pace_step, while bgpload
	# runs; bgpload retries a session whose address is missing every
	# second).  Set-up time is reported apart and is not part of conv.
	BENCH_PACE_OFF=0
	if [ "$(wc -l < "$LAB_DIR/load/addrs.batch")" -le "${BENCH_PACE_OVER:-100}" ]; then
		ip -n "$(lab_ns load)" -batch "$LAB_DIR/load/addrs.batch" || lab_die "member addresses"
		BENCH_PACE_OFF=-1
	fi
	# room for a deep accept queue for hundreds of sessions connecting at
	# once (the route server's own listen() backlog still applies: BIRD's is 8)
	ip netns exec "$(lab_ns rs)" sysctl -q -w net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096 >/dev/null
}

# bench_pace_step — add the next BENCH_PACE (25) member addresses; false
# when all are there
bench_pace_step() {
	[ "$BENCH_PACE_OFF" -lt 0 ] && return 1
	local n=${BENCH_PACE:-25}
	sed -n "$((BENCH_PACE_OFF + 1)),$((BENCH_PACE_OFF + n))p" "$LAB_DIR/load/addrs.batch" > "$LAB_DIR/load/step.batch"
	if [ ! -s "$LAB_DIR/load/step.batch" ]; then BENCH_PACE_OFF=-1; return 1; fi
	ip -n "$(lab_ns load)" -batch "$LAB_DIR/load/step.batch" || bench_log "pacing: ip addr add failed"
	BENCH_PACE_OFF=$((BENCH_PACE_OFF + n))
}

# The route server each member talks to: 192.0.2.1 (one address: bgpload
# takes one route-server address per family), reached on the shared LAN.
bench_member_rs() { echo 192.0.2.1; }

# ---------------------------------------------------------------- route servers

# bench_clients — "addr asn" of every route-server client
bench_clients() { awk '{ print $2, $3 }' "$RUN_DIR/members.tsv"; }

bench_rs_start() {
	local d=$LAB_DIR/rs
	case $1 in
	ixpd) _bench_start_ixpd ;;
	bird) _bench_start_bird ;;
	openbgpd) _bench_start_openbgpd ;;
	frr) _bench_start_frr ;;
	gobgp) _bench_start_gobgp ;;
	ceiling) return 0 ;;
	*) lab_die "unknown route server $1" ;;
	esac || return 1
	lab_wait 30 lab_tcp_listening rs 179 || { tail -n 30 "$d"/*.log >&2; bench_log "$1 does not listen on port 179"; return 1; }
}

_bench_listen_list() { printf '"%s", ' "${BENCH_RS_LISTEN[@]}" | sed 's/, $//'; }

_bench_start_ixpd() {
	local d=$LAB_DIR/rs a asn data='' t0
	mkdir -p "$d/cache"
	if [ -n "$WL_FILTERS" ]; then
		data="rpki: { vrp_file: \"$FILTER_DIR/vrps.json\", refresh: 86400 }"$'\n'
		data+="irr: { rpsl: [\"$FILTER_DIR/irr.rpsl\"], refresh: 2592000 }"
		lab_render "$BENCH_RS_DIR/ixpd-general-filters.yml" "$d/general.yml" "LIMIT=$FILTER_LIMIT"
	else
		lab_render "$BENCH_RS_DIR/ixpd-general.yml" "$d/general.yml" V4_MAX_LEN=32
	fi
	lab_render "$BENCH_RS_DIR/ixpd.yml.in" "$d/ixpd.yml" "LISTEN=$(_bench_listen_list)" "DIR=$d" "HOLD=$BENCH_HOLD" \
		"DATA=$data"
	{
		echo "clients:"
		while read -r a asn; do
			printf '  - asn: %s\n    ip: ["%s"]\n' "$asn" "$a"
			# filter profile: the member's AS-SET in irr.rpsl
			[ -n "$WL_FILTERS" ] && printf '    cfg: { filtering: { irrdb: { as_sets: ["AS-M%s"] } } }\n' "$asn"
		done < <(bench_clients)
	} > "$d/clients.yml"
	"$IXPD_BIN" -n -c "$d/ixpd.yml" > "$d/ixpd-effective.yml" 2> "$d/ixpd.log" \
		|| { cat "$d/ixpd.log" >&2; return 1; }
	t0=$(date +%s.%N)
	lab_spawn rs "$d/ixpd.log" "$IXPD_BIN" -c "$d/ixpd.yml"
	lab_wait 10 "$IXPCTL_BIN" -s "$d/ixpd.sock" show status >/dev/null 2>&1 || return 1
	[ -n "$WL_FILTERS" ] || return 0
	# the data thread reads the VRP file and the RPSL dump after start;
	# routes would be accepted unchecked (and filtered again) before
	# that: the members start once the RDE holds both
	lab_wait 300 eval 'grep -q "RPKI: [0-9]* VRPs loaded" "$d/ixpd.log" && grep -q "IRR: new data for" "$d/ixpd.log"' \
		|| { bench_log "ixpd did not load the filters' data"; return 1; }
	bench_note_load "$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')"
	sleep 1
}

_bench_start_bird() {
	local d=$LAB_DIR/rs a asn main=bird.conf.in client=bird-client.conf.in t0
	if [ -n "$WL_FILTERS" ]; then
		main=bird-filters.conf.in client=bird-filters-client.conf.in
		cp "$FILTER_DIR/bird-data.conf" "$d/bird-data.conf"
	fi
	lab_render "$BENCH_RS_DIR/$main" "$d/bird.conf" RS_ID=192.0.2.1 RS_ASN=$RS_ASN "DIR=$d" "HOLD=$BENCH_HOLD" \
		"LIMIT=${FILTER_LIMIT:-}"
	cp "$BENCH_RS_DIR/bird-policy-accept.conf" "$d/policy.conf"
	while read -r a asn; do
		lab_render "$BENCH_RS_DIR/$client" "$d/client.tmp" "ADDR=$a" "ASN=$asn" \
			"LOCAL=$(bench_member_rs "$a")" RS_ASN=$RS_ASN
		cat "$d/client.tmp"
	done < <(bench_clients) >> "$d/bird.conf"
	rm -f "$d/client.tmp"
	bird -p -c "$d/bird.conf" 2> "$d/bird.log" || { cat "$d/bird.log" >&2; return 1; }
	t0=$(date +%s.%N)
	lab_spawn rs "$d/bird.log" bird -f -c "$d/bird.conf" -s "$d/bird.ctl" -P "$d/bird.pid"
	lab_wait 300 _lab_birdc_ok "$d/bird.ctl" || return 1
	[ -n "$WL_FILTERS" ] || return 0
	# the ROA table is filled by a static protocol once BIRD runs
	lab_wait 300 eval 'lab_exec rs birdc -s "$d/bird.ctl" show protocols rpki_roas | grep -q "rpki_roas.* up "' \
		|| { bench_log "BIRD's ROA table did not come up"; return 1; }
	bench_note_load "$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')"
}

_bench_openbgpd_render() {   # POLICY
	local d=$LAB_DIR/rs a asn nb='' listen=''
	for a in "${BENCH_RS_LISTEN[@]}"; do listen+="listen on $a"$'\n'; done
	while read -r a asn; do
		lab_render "$BENCH_RS_DIR/openbgpd-neighbor.conf.in" "$d/nb.tmp" "ADDR=$a" "ASN=$asn" "LOCAL=$(bench_member_rs "$a")"
		nb+=$(cat "$d/nb.tmp")$'\n'
	done < <(bench_clients)
	rm -f "$d/nb.tmp"
	lab_render "$BENCH_RS_DIR/openbgpd.conf.in" "$d/bgpd.conf" RS_ID=192.0.2.1 RS_ASN=$RS_ASN "DIR=$d" \
		"HOLD=$BENCH_HOLD" "LISTEN=$listen" "NEIGHBORS=$nb" "POLICY=$1"
	chmod 600 "$d/bgpd.conf"
}
_bench_start_openbgpd() {
	local d=$LAB_DIR/rs
	_bench_openbgpd_render ""
	mkdir -p /run/openbgpd     # the session engine chroots there
	bgpd -n -f "$d/bgpd.conf" > "$d/bgpd.log" 2>&1 || { cat "$d/bgpd.log" >&2; return 1; }
	lab_spawn rs "$d/bgpd.log" bgpd -d -f "$d/bgpd.conf"
	lab_wait 20 eval 'lab_exec rs bgpctl -s "$LAB_DIR/rs/bgpd.sock" show summary >/dev/null 2>&1'
}

_bench_start_frr() {
	local d=$LAB_DIR/rs a asn nb=''
	while read -r a asn; do
		lab_render "$BENCH_RS_DIR/frr-neighbor.conf.in" "$d/nb.tmp" "ADDR=$a" "ASN=$asn"
		nb+=$(cat "$d/nb.tmp")$'\n'
	done < <(bench_clients)
	rm -f "$d/nb.tmp"
	lab_render "$BENCH_RS_DIR/frr-bgpd.conf.in" "$d/bgpd.conf" RS_ID=192.0.2.1 RS_ASN=$RS_ASN \
		"HOLD=$BENCH_HOLD" "KEEPALIVE=$((BENCH_HOLD / 3))" "NEIGHBORS=$nb"
	cp "$BENCH_RS_DIR/frr-zebra.conf" "$d/zebra.conf"
	chown -R frr:frr "$d"
	# zebra + bgpd: bgpd -Z (no zebra) is not transparent, see rs/frr-bgpd.conf.in
	lab_spawn rs "$d/zebra.log" /usr/lib/frr/zebra -f "$d/zebra.conf" -i "$d/zebra.pid" \
		-z "$d/zserv.api" --vty_socket "$d" -P 0
	lab_wait 10 test -S "$d/zserv.api" || return 1
	lab_spawn rs "$d/bgpd.log" /usr/lib/frr/bgpd -n -f "$d/bgpd.conf" -i "$d/bgpd.pid" \
		-z "$d/zserv.api" --vty_socket "$d" -P 0
	lab_wait 20 eval 'lab_exec rs vtysh --vty_socket "$LAB_DIR/rs" -c "show bgp summary" >/dev/null 2>&1'
}

_bench_start_gobgp() {
	local d=$LAB_DIR/rs a asn
	lab_render "$BENCH_RS_DIR/gobgpd.toml.in" "$d/gobgpd.toml" RS_ID=192.0.2.1 RS_ASN=$RS_ASN \
		"LISTEN=$(_bench_listen_list)"
	while read -r a asn; do
		lab_render "$BENCH_RS_DIR/gobgpd-neighbor.toml.in" "$d/nb.tmp" "ADDR=$a" "ASN=$asn" \
			"LOCAL=$(bench_member_rs "$a")" "HOLD=$BENCH_HOLD" "KEEPALIVE=$((BENCH_HOLD / 3))"
		cat "$d/nb.tmp"
	done < <(bench_clients) >> "$d/gobgpd.toml"
	rm -f "$d/nb.tmp"
	lab_spawn rs "$d/gobgpd.log" gobgpd -f "$d/gobgpd.toml" -t toml -p -l info \
		--api-hosts 127.0.0.1:50051 --pprof-disable
	lab_wait 20 eval 'lab_exec rs gobgp -u 127.0.0.1 -p 50051 global >/dev/null 2>&1'
}

# bench_rs_reload RS — W5: switch to the import filter that rejects /24s
bench_rs_reload() {
	local d=$LAB_DIR/rs
	case $1 in
	ixpd)
		# arouteserver's own knob: prefixes longer than /23 are rejected
		# (the workload has no prefix longer than /24); ixpd re-filters the
		# Adj-RIB-Ins it kept, without touching the sessions
		lab_render "$BENCH_RS_DIR/ixpd-general.yml" "$d/general.yml" V4_MAX_LEN=23
		"$IXPCTL_BIN" -s "$d/ixpd.sock" reload > "$d/reload.out" 2>&1 ;;
	bird)
		cp "$BENCH_RS_DIR/bird-policy-no24.conf" "$d/policy.conf"
		lab_exec rs birdc -s "$d/bird.ctl" configure > "$d/reload.out" 2>&1 ;;
	openbgpd)
		_bench_openbgpd_render "deny from any prefix 0.0.0.0/0 prefixlen = 24"
		lab_exec rs bgpctl -s "$d/bgpd.sock" reload > "$d/reload.out" 2>&1 ;;
	frr)
		# import policy through a route-map, re-applied with a soft clear
		lab_exec rs vtysh --vty_socket "$d" -c 'configure terminal' \
			-c 'ip prefix-list NO24 seq 5 deny 0.0.0.0/0 ge 24 le 24' \
			-c 'ip prefix-list NO24 seq 10 permit 0.0.0.0/0 le 32' \
			-c 'route-map RS-IMPORT permit 10' -c 'match ip address prefix-list NO24' -c 'exit' \
			-c 'router bgp 59900' -c 'address-family ipv4 unicast' \
			-c 'neighbor CLIENTS route-map RS-IMPORT in' -c 'end' \
			-c 'clear bgp ipv4 unicast * soft in' > "$d/reload.out" 2>&1 ;;
	*) return 2 ;;   # not implemented
	esac || return 1
	! grep -qi 'fail\|error\|unknown' "$d/reload.out"
}

# ---------------------------------------------------------------- measurement

# bench_rs_sample — "ticks hwm_kb rss_kb nproc" summed over every process
# of the route server's namespace (OpenBGPD: parent, SE, RDE; FRR: bgpd)
bench_rs_sample() {
	local p files=()
	for p in $(ip netns pids "$(lab_ns rs)" 2>/dev/null); do
		[ -r "/proc/$p/stat" ] && files+=("/proc/$p/stat" "/proc/$p/status")
	done
	[ ${#files[@]} -eq 0 ] && { echo "0 0 0 0"; return; }
	awk 'FILENAME ~ /stat$/ { sub(/^.*\) /, ""); split($0, f, " "); t += f[12] + f[13]; n++; next }
	     $1 == "VmHWM:" { h += $2 } $1 == "VmRSS:" { r += $2 }
	     END { print t + 0, h + 0, r + 0, n + 0 }' "${files[@]}" 2>/dev/null
}

# bench_versions — one line per implementation
bench_versions() {
	# the binaries are copies: say which commit the tree was at (and
	# whether src/ or tools/ differed from it)
	local c
	c=$(cd "$BENCH_REPO" && git describe --always 2>/dev/null)
	(cd "$BENCH_REPO" && git diff --quiet HEAD -- src tools 2>/dev/null) || c="$c + uncommitted src/tools changes"
	echo "ixpd, bgpload: $c (sha256 ixpd $(sha256sum "$IXPD_BIN" | cut -c1-12), bgpload $(sha256sum "$BGPLOAD" | cut -c1-12))"
	bird --version 2>&1 | head -1
	bgpd -V 2>&1 | head -1
	/usr/lib/frr/bgpd --version 2>&1 | head -1 | sed 's/^bgpd version/FRR bgpd/'
	gobgpd --version 2>&1 | head -1
}

# ---------------------------------------------------------------- visibility probes (V1, V2)

# bench_probe RS — once every member is complete: how fast the route
# server answers what a looking glass and a monitoring system ask
# (bench/probe.py; ixpd over its HTTP server, BIRD over its control
# socket, each request timed from send to the last byte), or how long a
# RIB dump to an MRT file takes; figures to $RUN_DIR/extra.json
bench_probe() {
	local rs=$1 d=$LAB_DIR/rs big bigasn
	# a member of the 10,000-prefix tier
	big=$(awk '$4 == 10000 { print $2; exit }' "$RUN_DIR/members.tsv")
	bigasn=$(awk '$4 == 10000 { print $3; exit }' "$RUN_DIR/members.tsv")
	case $WL_PROBE:$rs in
	V1:ixpd) lab_exec rs python3 "$BENCH_LIB/probe.py" http "http://192.0.2.1:29184" "$big" ;;
	V1:bird) lab_exec rs python3 "$BENCH_LIB/probe.py" bird "$d/bird.ctl" "c$bigasn" ;;
	V2:ixpd) lab_exec rs python3 "$BENCH_LIB/probe.py" dump-ixpd "$IXPCTL_BIN" "$d/ixpd.sock" "$d/rib.mrt" ;;
	V2:bird) lab_exec rs python3 "$BENCH_LIB/probe.py" dump-bird "$d/bird.ctl" "$d/rib.mrt" ;;
	*) echo '{"probe": null}' ;;
	esac > "$RUN_DIR/extra.json" 2> "$RUN_DIR/probe.log" || echo '{"probe": null}' > "$RUN_DIR/extra.json"
	rm -f "$d/rib.mrt"
	bench_log "probe $WL_PROBE $rs: $(jq -c .probe "$RUN_DIR/extra.json")"
}
