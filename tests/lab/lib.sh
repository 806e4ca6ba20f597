# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# tests/lab/lib.sh — a virtual Internet Exchange in network namespaces.
#
# Source this file from bash.  It builds a peering LAN (a Linux bridge in a
# namespace of its own), one namespace per router (the route server "rs" and
# the members of members/members.tbl), starts the routers' daemons with all
# their files (config, control sockets, pid files, logs) under a per-lab
# temporary directory $LAB_DIR, and removes everything again in
# lab_teardown, which lab_init installs as EXIT/INT/TERM trap.
#
# Nothing is routed out of the lab: no interface of the lab is in the host
# namespace, no namespace has a default route, forwarding is off.
#
#   RS_IMPL=ixpd|bird  route server under test (default ixpd: build/ixpd;
#                      bird: the BIRD 2 fixture rs/bird-rs.conf.in)
#   LAB_PREFIX=NAME    namespace name prefix (default ixl<pid>); namespaces
#                      left behind by an aborted run with the same prefix
#                      are removed first
#   LAB_KEEP=1         keep $LAB_DIR after teardown (it is always kept when
#                      the script failed)
#   LAB_VERBOSE=1      more logging
#   LAB_PCAP=0         no BGP capture ($LAB_DIR/rs/bgp.pcap, tcpdump in
#                      the route server's namespace; on by default)
#
# ixpd's configuration (RS_IMPL=ixpd), set by a test before lab_up:
#   LAB_GENERAL_YML    the whole general.yml (default: the transparent
#                      policy below, with the filters that need data off)
#   LAB_IXPD_EXTRA     YAML lines appended to ixpd.yml (rpki:, irr:, ...)
#   LAB_IXPD_ARGS      more ixpd command-line options (--user nobody)
#   LAB_CLIENT_CFG[m]  YAML lines under member m's clients.yml `cfg:`
#   LAB_CLIENT_PASSWORD[m]  member m's clients.yml `password` (TCP-MD5 at ixpd)
#   LAB_CLIENT_SITE[m]  member m's clients.yml `site` (ixpd: location communities)
#   LAB_MEMBER_SESSION[m]   lines in member m's own session config, in its
#                      daemon's syntax (BIRD: in the session template; FRR:
#                      under `router bgp`; OpenBGPD: in both neighbor blocks)
#                      (block style, indented as if `cfg:` were column 0)
# and for any route server:
#   LAB_EXTRA_ROUTES   lines in routes.tbl's format: routes members originate
#                      at start besides routes.tbl's, which the others are
#                      not expected to receive (routes for filters to reject)
#   LAB_MEMBER_ROUTES  lines in routes.tbl's format for members a test adds
#                      with lab_define_member: originated and expected like
#                      routes.tbl's
#   LAB_DELAY_MS[n]    round-trip delay (ms) in front of node n (a member
#                      "on the neighbouring island"): its eth0 is a TAP
#                      behind tests/lab/delayline.py (see lab_add_node)
#   LAB_RS2=1          a second route server (RFC 7948 §4.4; ixpd only):
#                      namespace rs2 at $RS2_V4/$RS2_V6 with its own
#                      ixpd.yml (router_id, control socket, cache_dir, log
#                      in $LAB_DIR/rs2; LAB_IXPD_EXTRA too) and rs's
#                      general.yml and clients.yml;
#                      every member has an IPv4 and an IPv6 session with
#                      it too (the "@if RS2@" blocks of members/*.in; BIRD
#                      protocols rs2_4, rs2_6).  The helpers that take a
#                      route server as their last argument (rs, default,
#                      or rs2): lab_rs_addr, lab_member_established,
#                      lab_member_rib, lab_rib_missing; lab_ixpctl2,
#                      lab_rs2_established; lab_wait_sessions and
#                      lab_wait_converged wait for both route servers.
#                      (lab_announce/lab_withdraw of an ExaBGP member and
#                      the bgpload members still speak only to rs.)
# Members emulated by tools/bgpload (see "bgpload members" below):
#   LAB_BGPLOAD_MEMBERS  set by lab_define_bgpload_members before lab_up
#
# Typical use (see tests/integration/t_*.sh):
#   . tests/lab/lib.sh
#   lab_up m1 m2 m3            # LAN + route server + members, all started
#   lab_wait_sessions 60 || ...
#   lab_member_rib m2 4        # what m2 received, normalized
#
# Normalized routes (lab_member_rib, lab_expected_route) are lines
#   prefix|as_path|next_hop|med|communities|large_communities
# with "-" for an absent attribute, lists comma separated and sorted.

LAB_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_REPO=$(cd "$LAB_LIB/../.." && pwd)
LAB_MEMBERS_DIR=$LAB_LIB/members

: "${RS_IMPL:=ixpd}"
: "${IXPD:=$LAB_REPO/build/ixpd}"
: "${IXPCTL:=$LAB_REPO/build/ixpctl}"
: "${LAB_HOLD:=90}"        # hold time the route server offers

RS_ASN=59900
RS_V4=192.0.2.1
RS_V6=2001:db8::1
RS2_V4=192.0.2.2           # the second route server (LAB_RS2=1)
RS2_V6=2001:db8::2
LAN_V4_LEN=24
LAN_V6_LEN=64
LAB_BRIDGE=ixp-br          # bridge device, inside namespace <prefix>-br

# ---------------------------------------------------------------- logging

lab_log() { printf '%s [lab] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lab_debug() { [ -n "${LAB_VERBOSE:-}" ] && lab_log "$@"; return 0; }
lab_die() { lab_log "ERROR: $*"; LAB_FAILED=1; exit 1; }

# ---------------------------------------------------------------- members table

declare -A M_TYPE M_ASN M_V4 M_V6 M_FLAGS
declare -A LAB_CLIENT_CFG=() LAB_CLIENT_PASSWORD=() LAB_CLIENT_SITE=() LAB_MEMBER_SESSION=()
declare -gA LAB_DELAY_MS     # set by a test before lab_up/lab_add_node (not reset here)
LAB_ALL_MEMBERS=()
while read -r _n _t _a _4 _6 _f; do
	case $_n in ''|'#'*) continue ;; esac
	M_TYPE[$_n]=$_t M_ASN[$_n]=$_a M_V4[$_n]=$_4 M_V6[$_n]=$_6 M_FLAGS[$_n]=$_f
	LAB_ALL_MEMBERS+=("$_n")
done < "$LAB_MEMBERS_DIR/members.tbl"
unset _n _t _a _4 _6 _f

# lab_define_member NAME TYPE ASN V4 V6 [FLAGS] — a member beyond
#   members.tbl's, for this test (its routes: $LAB_MEMBER_ROUTES)
lab_define_member() {
	M_TYPE[$1]=$2 M_ASN[$1]=$3 M_V4[$1]=$4 M_V6[$1]=$5 M_FLAGS[$1]=${6:--}
}

# lab_member_has_flag NAME FLAG
lab_member_has_flag() { case ",${M_FLAGS[$1]}," in *",$2,"*) return 0 ;; esac; return 1; }

# lab_member_addr NAME AF  — LAN address of member NAME for AF 4|6
lab_member_addr() { if [ "$2" = 6 ]; then echo "${M_V6[$1]}"; else echo "${M_V4[$1]}"; fi; }

# lab_rs_addr AF [RS] — the address of route server RS (rs, the default, or
#   rs2) for AF
lab_rs_addr() {
	case ${2:-rs}:$1 in
	rs:6) echo "$RS_V6" ;; rs:*) echo "$RS_V4" ;;
	rs2:6) echo "$RS2_V6" ;; rs2:*) echo "$RS2_V4" ;;
	*) lab_die "lab_rs_addr: no route server $2" ;;
	esac
}
# lab_rs_nodes — the route servers of the lab: rs, and rs2 with LAB_RS2=1
lab_rs_nodes() { echo rs; [ "${LAB_RS2:-0}" = 0 ] || echo rs2; }

# lab_af_of PREFIX — 4 or 6
lab_af_of() { case $1 in *:*) echo 6 ;; *) echo 4 ;; esac; }

# lab_routes NAME [AF] — the routes.tbl (and $LAB_MEMBER_ROUTES) lines
#   "prefix med comms lcomms" of NAME
lab_routes() { _lab_route_lines "$1" "${2:-}" "$LAB_MEMBERS_DIR/routes.tbl" <(printf '%s\n' "${LAB_MEMBER_ROUTES:-}"); }

# _lab_originated NAME [AF] — what NAME originates at start: its routes.tbl
# (and $LAB_MEMBER_ROUTES) lines and those of $LAB_EXTRA_ROUTES (lines in
# routes.tbl's format, set by a test before lab_up: routes the others are
# not expected to receive, e.g. for the route server's filters to reject;
# lab_expected_rib ignores them)
_lab_originated() {
	_lab_route_lines "$1" "${2:-}" "$LAB_MEMBERS_DIR/routes.tbl" \
		<(printf '%s\n' "${LAB_MEMBER_ROUTES:-}" "${LAB_EXTRA_ROUTES:-}")
}

_lab_route_lines() {   # NAME AF FILE...
	local n=$1 af=$2; shift 2
	awk -v n="$n" -v af="$af" '
		/^[ \t]*(#|$)/ { next }
		$1 == n {
			v6 = index($2, ":") > 0
			if (af == "" || (af == 6) == v6) print $2, $3, $4, $5
		}' "$@"
}

# _lab_norm_list "a:b,c:d" — sorted, comma separated, "-" when empty
_lab_norm_list() {
	local l=${1:--}
	[ "$l" = - ] && { echo -; return; }
	tr ',' '\n' <<<"$l" | sort -t: -k1,1n -k2,2n -k3,3n | paste -sd, -
}

# lab_expected_route NAME PREFIX MED COMMS LCOMMS [ASPATH]
#   the normalized line a member must see for a route originated by NAME
lab_expected_route() {
	local n=$1 p=$2 af
	af=$(lab_af_of "$p")
	printf '%s|%s|%s|%s|%s|%s\n' "$p" "${6:-${M_ASN[$n]}}" "$(lab_member_addr "$n" "$af")" \
		"${3:--}" "$(_lab_norm_list "$4")" "$(_lab_norm_list "$5")"
}

# ---------------------------------------------------------------- utilities

# lab_wait TIMEOUT CMD... — poll CMD every 0.5 s until it succeeds
lab_wait() {
	local deadline=$((SECONDS + $1)); shift
	while :; do
		"$@" && return 0
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.5
	done
}

# lab_render TEMPLATE OUT VAR=VALUE... — replace @VAR@ in TEMPLATE; the
#   lines between a line "@if VAR@" and a line "@endif@" (not nested) are
#   kept only when VAR is given and not empty, the two marker lines never
lab_render() {
	local tpl=$1 out=$2 kv; shift 2
	local -a envs=()
	for kv in "$@"; do envs+=("LABT_$kv"); done
	env "${envs[@]}" awk '
	/^@if [A-Z0-9_]+@$/ { skip = ENVIRON["LABT_" substr($0, 5, length($0) - 5)] == ""; next }
	/^@endif@$/ { skip = 0; next }
	skip { next }
	{
		line = $0; res = ""
		while (match(line, /@[A-Z0-9_]+@/)) {
			key = "LABT_" substr(line, RSTART + 1, RLENGTH - 2)
			val = (key in ENVIRON) ? ENVIRON[key] : substr(line, RSTART, RLENGTH)
			res = res substr(line, 1, RSTART - 1) val
			line = substr(line, RSTART + RLENGTH)
		}
		print res line
	}' "$tpl" > "$out"
}

lab_ns() { echo "$LAB_PREFIX-$1"; }
lab_exec() { local n=$1; shift; ip netns exec "$LAB_PREFIX-$n" "$@"; }

# lab_can_run — root and working network namespaces?  (prints the reason)
lab_can_run() {
	if [ "$(id -u)" != 0 ]; then echo "not root"; return 1; fi
	command -v ip >/dev/null || { echo "no iproute2"; return 1; }
	local t=ixlcheck$$
	if ! ip netns add "$t" 2>/dev/null; then echo "no network namespace support"; return 1; fi
	if ! ip -n "$t" link add ${t}b type bridge 2>/dev/null; then
		ip netns del "$t"; echo "no bridge support"; return 1
	fi
	ip netns del "$t"
}

# ---------------------------------------------------------------- set-up / teardown

# _lab_kill_ns NS — end every process inside namespace NS (they are ours)
_lab_kill_ns() {
	local pids i
	pids=$(ip netns pids "$1" 2>/dev/null)
	[ -z "$pids" ] && return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	for i in 1 2 3 4 5 6 7 8 9 10; do
		pids=$(ip netns pids "$1" 2>/dev/null)
		[ -z "$pids" ] && return 0
		sleep 0.3
	done
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
	sleep 0.2
}

# lab_cleanup_prefix PREFIX — remove namespaces PREFIX-* (and their processes)
lab_cleanup_prefix() {
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1-"); do
		lab_log "removing namespace $ns"
		_lab_kill_ns "$ns"
		ip netns del "$ns" 2>/dev/null
	done
}

# _lab_pid_alive PID — running (a zombie counts as gone)
_lab_pid_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# _lab_cleanup_stale — namespaces ixl<pid>-* (and /tmp/ixlab.ixl<pid>.*)
# of runs whose shell is gone (killed before its trap could run)
_lab_cleanup_stale() {
	local pfx pid
	for pfx in $(ip netns list 2>/dev/null | awk '{print $1}' | sed -n 's/^\(ixl[0-9][0-9]*\)-.*/\1/p' | sort -u); do
		pid=${pfx#ixl}
		_lab_pid_alive "$pid" && continue
		lab_log "stale lab $pfx (pid $pid gone)"
		lab_cleanup_prefix "$pfx"
		rm -rf "/tmp/ixlab.$pfx".*
	done
}

# lab_init — prefix, $LAB_DIR, traps; cleans what aborted runs left behind
lab_init() {
	local why
	why=$(lab_can_run) || lab_die "cannot build the lab: $why"
	if [ -n "${LAB_PREFIX:-}" ]; then
		lab_cleanup_prefix "$LAB_PREFIX"
	else
		LAB_PREFIX=ixl$$
	fi
	_lab_cleanup_stale
	LAB_DIR=$(mktemp -d "/tmp/ixlab.$LAB_PREFIX.XXXXXX") || lab_die "mktemp"
	chmod 755 "$LAB_DIR"       # daemons that drop privileges must reach their dir
	LAB_PIDS=()
	LAB_FAILED=
	LAB_TORN_DOWN=
	trap 'lab_teardown' EXIT
	trap 'LAB_FAILED=1; lab_teardown; exit 130' INT
	trap 'LAB_FAILED=1; lab_teardown; exit 143' TERM
	lab_log "lab $LAB_PREFIX in $LAB_DIR (route server: $RS_IMPL)"
}

# lab_teardown — kill every daemon, delete every namespace of this lab.
# Safe to call more than once; runs from the EXIT trap.
lab_teardown() {
	local rc=$? ns
	[ -n "${LAB_TORN_DOWN:-}" ] && return 0
	LAB_TORN_DOWN=1
	[ -z "${LAB_PREFIX:-}" ] && return 0
	[ "$rc" != 0 ] && LAB_FAILED=1
	lab_debug "teardown of $LAB_PREFIX"
	# our daemons first (all of them live in our namespaces anyway)
	if [ "${#LAB_PIDS[@]}" -gt 0 ]; then
		kill -TERM "${LAB_PIDS[@]}" 2>/dev/null
	fi
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$LAB_PREFIX-"); do
		_lab_kill_ns "$ns"
		ip netns del "$ns" 2>/dev/null || lab_log "could not delete namespace $ns"
	done
	if [ -n "${LAB_DIR:-}" ] && [ -d "$LAB_DIR" ]; then
		if [ -n "${LAB_KEEP:-}" ] || [ -n "${LAB_FAILED:-}" ]; then
			lab_log "lab files kept in $LAB_DIR"
		else
			rm -rf "$LAB_DIR"
		fi
	fi
	return 0
}

# _lab_add_ns NAME — namespace with loopback up, no DAD, no RAs, no forwarding
_lab_add_ns() {
	local ns=$LAB_PREFIX-$1
	ip netns add "$ns" || lab_die "ip netns add $ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -q -w \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.all.forwarding=0 net.ipv4.ip_forward=0 >/dev/null
}

# lab_create_lan — the peering LAN: bridge ixp-br in namespace <prefix>-br
lab_create_lan() {
	_lab_add_ns br
	ip -n "$LAB_PREFIX-br" link add "$LAB_BRIDGE" type bridge stp_state 0 mcast_snooping 0 \
		|| lab_die "cannot create bridge"
	ip -n "$LAB_PREFIX-br" link set "$LAB_BRIDGE" up
}

# lab_add_node NAME V4 V6 — router namespace NAME, eth0 plugged into the LAN.
#   With LAB_DELAY_MS[NAME] set (and not 0), NAME sits behind a delay line
#   of that many ms round trip (sch_netem need not exist): the veth's
#   member side is lan0 (no addresses, no IPv6, promiscuous), eth0 is a
#   TAP with NAME's addresses, and tests/lab/delayline.py (log:
#   $LAB_DIR/NAME/delayline.log, pid: $LAB_DIR/NAME/delayline.pid, not in
#   NAME's pids: lab_kill NAME stops the daemons, not the wire) relays
#   between the two, N/2 ms each way.  The switch's port NAME has its
#   offloads off so that frames reach lan0 checksummed and segmented.
#   lab_link NAME down takes the TAP down (frames for it are dropped at
#   the delay line); lab_port NAME down takes eth0's carrier away, as
#   without the delay (delayline.py mirrors lan0's carrier)
lab_add_node() {
	local n=$1 v4=$2 v6=$3 ns=$LAB_PREFIX-$1 br=$LAB_PREFIX-br
	local delay=${LAB_DELAY_MS[$1]:-0} dev=eth0
	[ "$delay" = 0 ] || dev=lan0
	_lab_add_ns "$n"
	mkdir -p "$LAB_DIR/$n"
	# veth created directly in the two namespaces: no name in the host
	ip -n "$br" link add "$n" type veth peer name "$dev" netns "$ns" || lab_die "veth for $n"
	ip -n "$br" link set "$n" master "$LAB_BRIDGE" up
	if [ "$delay" != 0 ]; then
		command -v ethtool >/dev/null || lab_die "LAB_DELAY_MS[$n]: ethtool missing (scripts/install-deps)"
		ip netns exec "$br" ethtool -K "$n" tx off sg off tso off gso off >/dev/null \
			|| lab_die "offloads of port $n"
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.lan0.disable_ipv6=1 >/dev/null
		ip -n "$ns" link set lan0 promisc on up
		ip -n "$ns" tuntap add dev eth0 mode tap || lab_die "tap for $n"
	fi
	ip -n "$ns" addr add "$v4/$LAN_V4_LEN" dev eth0
	ip -n "$ns" addr add "$v6/$LAN_V6_LEN" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	[ "$delay" = 0 ] && return 0
	lab_spawn "$n" "$LAB_DIR/$n/delayline.log" \
		python3 "$LAB_LIB/delayline.py" --tap eth0 --lan lan0 --delay-ms "$delay"
	mv "$LAB_DIR/$n/pids" "$LAB_DIR/$n/delayline.pid"
	lab_wait 10 _lab_has_carrier "$n" || lab_die "$n: no delay line on eth0 (see $LAB_DIR/$n/delayline.log)"
	lab_log "$n: behind a delay line of $delay ms round trip"
}
# _lab_has_carrier NAME — NAME's eth0 is up and has its carrier
_lab_has_carrier() { ip -n "$LAB_PREFIX-$1" -o link show dev eth0 2>/dev/null | grep -q LOWER_UP; }

# lab_link NAME up|down — plug/unplug NAME's LAN port (on the member side)
lab_link() { ip -n "$LAB_PREFIX-$1" link set eth0 "$2"; }
# lab_port NAME up|down — the LAN switch's port of NAME (the bridge side of
#   its veth) down or up: NAME's eth0 loses its carrier but keeps its
#   addresses (lab_link's `down` takes NAME's IPv6 addresses with it)
lab_port() { ip -n "$LAB_PREFIX-br" link set "$1" "$2"; }

# lab_split_lan NAME... — a second island: the LAN ports of the NAMEd
#   members move to a second bridge (ixp-br2, in the same namespace),
#   joined to the first (the route server's) by an inter-island link, the
#   veth pair isl-a (on ixp-br) / isl-b (on ixp-br2); lab_island_link
#   down cuts the LAN in two halves
lab_split_lan() {
	local ns=$LAB_PREFIX-br m
	ip -n "$ns" link add ixp-br2 type bridge stp_state 0 mcast_snooping 0 || lab_die "second bridge"
	ip -n "$ns" link add isl-a type veth peer name isl-b || lab_die "inter-island link"
	ip -n "$ns" link set isl-a master "$LAB_BRIDGE" up
	ip -n "$ns" link set isl-b master ixp-br2 up
	ip -n "$ns" link set ixp-br2 up
	for m in "$@"; do ip -n "$ns" link set "$m" master ixp-br2 || lab_die "port of $m to ixp-br2"; done
}
# lab_island_link up|down — the inter-island link of lab_split_lan
lab_island_link() { ip -n "$LAB_PREFIX-br" link set isl-a "$1"; }

# lab_spawn NAME LOG CMD... — run CMD in NAME's namespace in the background,
# output to LOG; the pid is tracked (LAB_PIDS, $LAB_DIR/NAME/pids)
lab_spawn() {
	local n=$1 log=$2; shift 2
	ip netns exec "$LAB_PREFIX-$n" "$@" >>"$log" 2>&1 </dev/null &
	LAB_PIDS+=("$!")
	disown "$!"      # no "Killed" job messages; teardown kills it anyway
	echo "$!" >> "$LAB_DIR/$n/pids"
	lab_debug "$n: started pid $! $*"
}

# lab_kill NAME [SIGNAL] — kill the daemons lab_spawn started for NAME
lab_kill() {
	local n=$1 sig=${2:-TERM} pid
	[ -f "$LAB_DIR/$n/pids" ] || return 0
	while read -r pid; do
		kill "-$sig" "$pid" 2>/dev/null
	done < "$LAB_DIR/$n/pids"
	# only wait for TERM: a KILLed session must be noticed by the peer alone
	if [ "$sig" = TERM ]; then
		lab_wait 10 _lab_pids_gone "$n"
	fi
	rm -f "$LAB_DIR/$n/pids"
}
_lab_pids_gone() {
	local pid
	while read -r pid; do kill -0 "$pid" 2>/dev/null && return 1; done < "$LAB_DIR/$1/pids"
	return 0
}

# lab_tcp_listening NAME PORT — something listens on TCP PORT in NAME?
lab_tcp_listening() { lab_exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .; }

# ---------------------------------------------------------------- route server

# lab_start_rs MEMBER... — start the route server ($RS_IMPL) with MEMBERs as clients
lab_start_rs() {
	# BGP on the wire, for failure analysis ($LAB_DIR is kept on failure);
	# LAB_PCAP=0 turns it off
	if [ "${LAB_PCAP:-1}" = 1 ] && command -v tcpdump >/dev/null; then
		lab_spawn rs "$LAB_DIR/rs/tcpdump.log" tcpdump -Z root -i eth0 -U -s 0 -w "$LAB_DIR/rs/bgp.pcap" tcp port 179
		lab_wait 5 test -s "$LAB_DIR/rs/tcpdump.log"    # "listening on eth0"
	fi
	case $RS_IMPL in
	ixpd) _lab_start_rs_ixpd "$@" ;;
	bird) _lab_start_rs_bird "$@" ;;
	*) lab_die "unknown RS_IMPL=$RS_IMPL (ixpd|bird)" ;;
	esac
	lab_wait 15 lab_tcp_listening rs 179 || { lab_rs_diag; lab_die "route server does not listen on port 179"; }
}

_lab_start_rs_ixpd() {
	local d=$LAB_DIR/rs m
	[ -x "$IXPD" ] || lab_die "$IXPD not built (run make)"
	_lab_ixpd_yml rs "$RS_V4" "$RS_V6"
	if [ -n "${LAB_GENERAL_YML:-}" ]; then
		printf '%s\n' "$LAB_GENERAL_YML" > "$d/general.yml"
	else
		# The transparent route server of most tests: the arouteserver filters
		# whose data the lab does not provide (IRR, PeeringDB) and the check of
		# the lab's ASNs are off.
		cat > "$d/general.yml" <<-EOF
		cfg:
		  rs_as: $RS_ASN
		  router_id: "$RS_V4"
		  path_hiding: True
		  passive: True
		  add_path: False
		  filtering:
		    reject_invalid_as_in_as_path: False
		    never_via_route_servers:
		      peering_db: False
		    irrdb:
		      enforce_origin_in_as_set: False
		      enforce_prefix_in_as_set: False
		EOF
	fi
	{
		echo "clients:"
		for m in "$@"; do
			echo "  - asn: ${M_ASN[$m]}"
			echo "    ip: [\"${M_V4[$m]}\", \"${M_V6[$m]}\"]"
			echo "    description: \"$m (${M_TYPE[$m]})\""
			[ -n "${LAB_CLIENT_PASSWORD[$m]:-}" ] && echo "    password: \"${LAB_CLIENT_PASSWORD[$m]}\""
			[ -n "${LAB_CLIENT_SITE[$m]:-}" ] && echo "    site: ${LAB_CLIENT_SITE[$m]}"
			if lab_member_has_flag "$m" addpath || [ -n "${LAB_CLIENT_CFG[$m]:-}" ]; then
				echo "    cfg:"
				lab_member_has_flag "$m" addpath && echo "      add_path: True"
				[ -n "${LAB_CLIENT_CFG[$m]:-}" ] && sed 's/^/      /' <<<"${LAB_CLIENT_CFG[$m]}"
			fi
		done
	} > "$d/clients.yml"
	"$IXPD" -n -c "$d/ixpd.yml" >"$d/ixpd-effective.yml" 2>"$d/ixpd.log" \
		|| { cat "$d/ixpd.log" >&2; lab_die "ixpd refuses the lab configuration"; }
	_lab_spawn_rs_ixpd
}
# _lab_ixpd_yml NODE V4 V6 — ixpd.yml of the ixpd in namespace NODE
#   (@LAB_DIR@/rs/ in LAB_IXPD_EXTRA: NODE's directory)
_lab_ixpd_yml() {
	local d=$LAB_DIR/$1 extra=${LAB_IXPD_EXTRA:-}
	cat > "$d/ixpd.yml" <<-EOF
	# generated by tests/lab/lib.sh
	general: general.yml
	clients: clients.yml
	listen: { addresses: ["$2", "$3"], port: 179 }
	control_socket: $d/ixpd.sock
	log: { target: stderr, level: ${IXPD_LOG_LEVEL:-info} }
	timers: { hold_time: $LAB_HOLD, connect_retry: 5 }
	EOF
	# @LAB_DIR@: the lab's directory, not known yet when the test sets this
	extra=${extra//@LAB_DIR@\/rs\//@LAB_DIR@/$1/}
	[ -n "$extra" ] && printf '%s\n' "${extra//@LAB_DIR@/$LAB_DIR}" >> "$d/ixpd.yml"
	# the cache (and the graceful restart mark) in the lab, not the host's /var/cache/ixpd
	grep -q '^cache_dir:' "$d/ixpd.yml" || echo "cache_dir: $d/cache" >> "$d/ixpd.yml"
}
_lab_spawn_rs_ixpd() { _lab_spawn_ixpd rs; }
# _lab_spawn_ixpd NODE — start the ixpd of NODE (rs, rs2) with its files
_lab_spawn_ixpd() {
	local d=$LAB_DIR/$1
	# shellcheck disable=SC2086   # LAB_IXPD_ARGS: words
	lab_spawn "$1" "$d/ixpd.log" "$IXPD" ${LAB_IXPD_ARGS:-} -c "$d/ixpd.yml"
	lab_wait 10 "$IXPCTL" -s "$d/ixpd.sock" show status >/dev/null 2>&1 \
		|| { tail -n 30 "$d/ixpd.log" >&2; lab_die "ixpd ($1) did not come up"; }
}

# lab_start_rs2 — the second route server (LAB_RS2=1, ixpd only), in
#   namespace rs2 at $RS2_V4/$RS2_V6: rs's general.yml and clients.yml, its
#   own ixpd.yml (router_id $RS2_V4 over general.yml's; control socket,
#   cache_dir, log in $LAB_DIR/rs2); after lab_start_rs
lab_start_rs2() {
	local d=$LAB_DIR/rs2
	[ "$RS_IMPL" = ixpd ] || lab_die "LAB_RS2: the second route server is an ixpd (RS_IMPL=$RS_IMPL)"
	_lab_ixpd_yml rs2 "$RS2_V4" "$RS2_V6"
	echo "router_id: \"$RS2_V4\"" >> "$d/ixpd.yml"
	cp "$LAB_DIR/rs/general.yml" "$LAB_DIR/rs/clients.yml" "$d/"
	"$IXPD" -n -c "$d/ixpd.yml" >"$d/ixpd-effective.yml" 2>"$d/ixpd.log" \
		|| { cat "$d/ixpd.log" >&2; lab_die "ixpd (rs2) refuses the lab configuration"; }
	_lab_spawn_ixpd rs2
	lab_wait 15 lab_tcp_listening rs2 179 || { lab_rs2_diag; lab_die "rs2 does not listen on port 179"; }
}

_lab_start_rs_bird() {
	local d=$LAB_DIR/rs m af addpath
	lab_render "$LAB_LIB/rs/bird-rs.conf.in" "$d/bird.conf" RS_ASN=$RS_ASN RS_V4=$RS_V4 HOLD="$LAB_HOLD"
	for m in "$@"; do
		addpath=
		lab_member_has_flag "$m" addpath && addpath="		add paths tx;"
		for af in 4 6; do
			lab_render "$LAB_LIB/rs/bird-rs-client.conf.in" "$d/client.tmp" \
				PROTO="${m}_$af" DESCR="$m ${M_TYPE[$m]} AS${M_ASN[$m]}" \
				LOCAL="$(lab_rs_addr $af)" ADDR="$(lab_member_addr "$m" $af)" \
				ASN="${M_ASN[$m]}" RS_ASN=$RS_ASN AF="ipv$af" ADDPATH="$addpath"
			cat "$d/client.tmp" >> "$d/bird.conf"
		done
	done
	rm -f "$d/client.tmp"
	_lab_spawn_rs_bird
}
_lab_spawn_rs_bird() {
	local d=$LAB_DIR/rs
	lab_spawn rs "$d/bird.log" bird -f -c "$d/bird.conf" -s "$d/bird.ctl" -P "$d/bird.pid"
	lab_wait 10 _lab_birdc_ok "$d/bird.ctl" || { cat "$d/bird.log" >&2; lab_die "RS bird did not come up"; }
}
_lab_birdc_ok() { birdc -s "$1" show status 2>/dev/null | grep -q 'Daemon is up'; }

# lab_rs_start_again — start the route server's daemon again with the
#   configuration lab_start_rs wrote (after `kill $(lab_rs_pid)`), its log
#   appended to; waits until it answers on its control socket and listens
lab_rs_start_again() {
	"_lab_spawn_rs_$RS_IMPL"
	lab_wait 15 lab_tcp_listening rs 179 || { lab_rs_diag; lab_die "route server does not listen on port 179"; }
}

# lab_rs_pid — the pid of the route server's daemon (ixpd or bird)
lab_rs_pid() {
	local p
	while read -r p; do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$RS_IMPL" ] && { echo "$p"; return 0; }
	done < "$LAB_DIR/rs/pids"
	return 1
}

# lab_proc_kb PID FIELD — a memory figure of /proc/PID/status in kB (VmRSS, VmHWM)
lab_proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }

# lab_ixpctl ARGS... — ixpctl against the lab's ixpd
lab_ixpctl() { "$IXPCTL" -s "$LAB_DIR/rs/ixpd.sock" "$@"; }
# lab_ixpctl2 ARGS... — ixpctl against the second route server (LAB_RS2=1)
lab_ixpctl2() { "$IXPCTL" -s "$LAB_DIR/rs2/ixpd.sock" "$@"; }

# lab_rs_birdc ARGS... — birdc against the BIRD route server fixture
lab_rs_birdc() { birdc -s "$LAB_DIR/rs/bird.ctl" "$@"; }

# lab_rs_established MEMBER AF — the RS sees its session with MEMBER up?
lab_rs_established() {
	local addr
	addr=$(lab_member_addr "$1" "$2")
	case $RS_IMPL in
	ixpd)
		lab_ixpctl --json show neighbors 2>/dev/null |
			jq -e --arg a "$addr" '.neighbors[] | select(.address == $a) | .state == "Established"' >/dev/null
		;;
	bird)
		lab_rs_birdc show protocols "${1}_$2" 2>/dev/null | grep -q Established
		;;
	esac
}

# lab_rs2_established MEMBER AF — rs2 (LAB_RS2=1) sees its session with MEMBER up?
lab_rs2_established() {
	lab_ixpctl2 --json show neighbors 2>/dev/null |
		jq -e --arg a "$(lab_member_addr "$1" "$2")" '.neighbors[] | select(.address == $a) | .state == "Established"' >/dev/null
}
# _lab_rs_established RS MEMBER AF — lab_rs_established or lab_rs2_established
_lab_rs_established() { if [ "$1" = rs2 ]; then lab_rs2_established "$2" "$3"; else lab_rs_established "$2" "$3"; fi; }

# lab_rs_refresh MEMBER AF — have the RS refresh its session with MEMBER
# (ixpd: `ixpctl neighbor ADDR refresh`; BIRD: reload in+out)
lab_rs_refresh() {
	case $RS_IMPL in
	ixpd) lab_ixpctl neighbor "$(lab_member_addr "$1" "$2")" refresh ;;
	bird) lab_rs_birdc reload "${1}_$2" >/dev/null ;;
	esac
}

# lab_rs_neighbor MEMBER AF down|up — administratively stop/allow the RS's
# session with MEMBER (ixpd: `ixpctl neighbor ADDR down|up`; BIRD: disable/enable)
lab_rs_neighbor() {
	case $RS_IMPL:$3 in
	ixpd:*) lab_ixpctl neighbor "$(lab_member_addr "$1" "$2")" "$3" >/dev/null ;;
	bird:down) lab_rs_birdc disable "${1}_$2" >/dev/null ;;
	bird:up) lab_rs_birdc enable "${1}_$2" >/dev/null ;;
	esac
}

# lab_rs_diag — what the route server thinks (for failure reports)
lab_rs_diag() {
	echo "---- route server ($RS_IMPL) ----"
	[ -s "$LAB_DIR/rs/bgp.pcap" ] && echo "(BGP capture: tcpdump -nn -v -r $LAB_DIR/rs/bgp.pcap)"
	case $RS_IMPL in
	ixpd)
		lab_ixpctl show neighbors 2>&1 | head -40
		lab_ixpctl show routes 2>&1 | head -60
		echo "---- ixpd log (tail) ----"
		tail -n "${LAB_LOG_TAIL:-40}" "$LAB_DIR/rs/ixpd.log" 2>/dev/null
		;;
	bird)
		lab_rs_birdc show protocols 2>&1
		lab_rs_birdc show route 2>&1 | head -60
		echo "---- RS bird log (tail) ----"
		tail -n "${LAB_LOG_TAIL:-40}" "$LAB_DIR/rs/bird.log" 2>/dev/null
		;;
	esac
}

# lab_rs2_diag — what the second route server thinks (LAB_RS2=1)
lab_rs2_diag() {
	echo "---- second route server (rs2, ixpd) ----"
	lab_ixpctl2 show neighbors 2>&1 | head -40
	lab_ixpctl2 show routes 2>&1 | head -60
	echo "---- rs2 ixpd log (tail) ----"
	tail -n "${LAB_LOG_TAIL:-40}" "$LAB_DIR/rs2/ixpd.log" 2>/dev/null
}

# ---------------------------------------------------------------- members

# lab_start_member NAME — render NAME's config and start its daemon(s)
lab_start_member() {
	local n=$1
	[ -n "${M_TYPE[$n]:-}" ] || lab_die "unknown member $n"
	local hold=$LAB_HOLD
	lab_member_has_flag "$n" hold9 && hold=9
	if ! "_lab_start_${M_TYPE[$n]}" "$n" "$hold"; then
		local log
		for log in "$LAB_DIR/$n"/*.log; do
			[ -f "$log" ] && { echo "-- $log (tail) --"; tail -n 20 "$log"; } >&2
		done
		lab_die "cannot start $n (${M_TYPE[$n]})"
	fi
}

# Common template variables of member NAME
_lab_member_vars() {
	local n=$1 hold=$2
	echo "NAME=$n" "ASN=${M_ASN[$n]}" "V4=${M_V4[$n]}" "V6=${M_V6[$n]}" \
		"RS_V4=$RS_V4" "RS_V6=$RS_V6" "RS_ASN=$RS_ASN" "DIR=$LAB_DIR/$n" \
		"LIB=$LAB_LIB" "HOLD=$hold" "KEEPALIVE=$((hold / 3))"
	# "@if RS2@" blocks: the sessions with the second route server
	if [ "${LAB_RS2:-0}" != 0 ]; then echo "RS2=1" "RS2_V4=$RS2_V4" "RS2_V6=$RS2_V6"; fi
}

# -- BIRD 2
_lab_start_bird() {
	local n=$1 d=$LAB_DIR/$1 af p med comm lcomm c static a addpath=
	local -A ST AT
	for af in 4 6; do
		static='' a=''
		while read -r p med comm lcomm; do
			static+="	route $p blackhole;"$'\n'
			a+="	if net = $p then {"$'\n'
			[ "$med" != - ] && a+="		bgp_med = $med;"$'\n'
			if [ "$comm" != - ]; then
				for c in ${comm//,/ }; do a+="		bgp_community.add((${c//:/,}));"$'\n'; done
			fi
			if [ "$lcomm" != - ]; then
				for c in ${lcomm//,/ }; do a+="		bgp_large_community.add((${c//:/,}));"$'\n'; done
			fi
			a+="	}"$'\n'
		done < <(_lab_originated "$n" $af)
		ST[$af]=$static AT[$af]=$a
	done
	lab_member_has_flag "$n" addpath && addpath="		add paths rx;"
	# shellcheck disable=SC2046
	lab_render "$LAB_MEMBERS_DIR/bird.conf.in" "$d/bird.conf" $(_lab_member_vars "$n" "$2") \
		"STATIC4=${ST[4]}" "STATIC6=${ST[6]}" "ATTRS4=${AT[4]}" "ATTRS6=${AT[6]}" "ADDPATH=$addpath" \
		"SESSION=${LAB_MEMBER_SESSION[$n]:-}"
	lab_spawn "$n" "$d/bird.log" bird -f -c "$d/bird.conf" -s "$d/bird.ctl" -P "$d/bird.pid"
	lab_wait 10 _lab_birdc_ok "$d/bird.ctl"
}

# -- FRR: zebra (next-hop resolution on the LAN) + bgpd, foreground, with
#    their own vty socket dir, zserv socket and pid files; no TCP vty.
_lab_start_frr() {
	local n=$1 d=$LAB_DIR/$1 af p med comm lcomm i=0 nets4='' nets6='' rms=''
	while read -r p med comm lcomm; do
		i=$((i + 1))
		af=$(lab_af_of "$p")
		if [ "$af" = 4 ]; then nets4+="  network $p route-map ORIG-$i"$'\n'
		else nets6+="  network $p route-map ORIG-$i"$'\n'; fi
		rms+="route-map ORIG-$i permit 10"$'\n'
		[ "$med" != - ] && rms+=" set metric $med"$'\n'
		[ "$comm" != - ] && rms+=" set community ${comm//,/ }"$'\n'
		[ "$lcomm" != - ] && rms+=" set large-community ${lcomm//,/ }"$'\n'
		rms+="exit"$'\n'
	done < <(_lab_originated "$n")
	# shellcheck disable=SC2046
	lab_render "$LAB_MEMBERS_DIR/frr-bgpd.conf.in" "$d/bgpd.conf" $(_lab_member_vars "$n" "$2") \
		"NETWORKS4=$nets4" "NETWORKS6=$nets6" "ROUTEMAPS=$rms" "SESSION=${LAB_MEMBER_SESSION[$n]:-}"
	# shellcheck disable=SC2046
	lab_render "$LAB_MEMBERS_DIR/frr-zebra.conf.in" "$d/zebra.conf" $(_lab_member_vars "$n" "$2")
	chown -R frr:frr "$d"      # the daemons run as user frr
	lab_spawn "$n" "$d/zebra.log" /usr/lib/frr/zebra -f "$d/zebra.conf" -i "$d/zebra.pid" \
		-z "$d/zserv.api" --vty_socket "$d" -P 0
	lab_wait 10 test -S "$d/zserv.api" || return 1
	lab_spawn "$n" "$d/bgpd.log" /usr/lib/frr/bgpd -f "$d/bgpd.conf" -i "$d/bgpd.pid" \
		-z "$d/zserv.api" --vty_socket "$d" -P 0
	lab_wait 10 _lab_vtysh_ok "$n"
}
_lab_vtysh_ok() { lab_vtysh "$1" -c 'show bgp summary' >/dev/null 2>&1; }
# lab_vtysh NAME ARGS... — vtysh of FRR member NAME
lab_vtysh() { local n=$1; shift; lab_exec "$n" vtysh --vty_socket "$LAB_DIR/$n" "$@"; }

# -- GoBGP: gobgpd + gRPC API on the member's own loopback
_lab_start_gobgp() {
	local n=$1 d=$LAB_DIR/$1 p med comm lcomm
	# shellcheck disable=SC2046
	lab_render "$LAB_MEMBERS_DIR/gobgp.toml.in" "$d/gobgpd.toml" $(_lab_member_vars "$n" "$2")
	lab_spawn "$n" "$d/gobgpd.log" gobgpd -f "$d/gobgpd.toml" -t toml -p \
		--api-hosts "127.0.0.1:${GOBGP_API_PORT:-50051}" --pprof-disable
	lab_wait 10 _lab_gobgp_ok "$n" || return 1
	while read -r p med comm lcomm; do
		lab_announce "$n" "$p" "med=$med" "comm=$comm" "lcomm=$lcomm" || return 1
	done < <(_lab_originated "$n")
}
_lab_gobgp_ok() { lab_gobgp "$1" global >/dev/null 2>&1; }
# lab_gobgp NAME ARGS... — gobgp CLI of GoBGP member NAME
lab_gobgp() { local n=$1; shift; lab_exec "$n" gobgp -u 127.0.0.1 -p "${GOBGP_API_PORT:-50051}" "$@"; }

# -- OpenBGPD: bgpd in the foreground (-d), own control socket
_lab_start_openbgpd() {
	local n=$1 d=$LAB_DIR/$1 p med comm lcomm c nets='' set pfx=''
	while read -r p med comm lcomm; do
		pfx+="	$p"$'\n'
		set=
		[ "$med" != - ] && set+=" med $med"
		if [ "$comm" != - ]; then for c in ${comm//,/ }; do set+=" community $c"; done; fi
		if [ "$lcomm" != - ]; then for c in ${lcomm//,/ }; do set+=" large-community $c"; done; fi
		nets+="network $p${set:+ set {$set \}}"$'\n'
	done < <(_lab_originated "$n")
	# shellcheck disable=SC2046
	lab_render "$LAB_MEMBERS_DIR/openbgpd.conf.in" "$d/bgpd.conf" $(_lab_member_vars "$n" "$2") \
		"NETWORKS=$nets" "PREFIXES=$pfx" "SESSION=${LAB_MEMBER_SESSION[$n]:-}"
	chmod 600 "$d/bgpd.conf"
	# the session engine chroots into _openbgpd's home directory
	mkdir -p /run/openbgpd
	bgpd -n -f "$d/bgpd.conf" >"$d/bgpd.log" 2>&1 || { cat "$d/bgpd.log" >&2; return 1; }
	lab_spawn "$n" "$d/bgpd.log" bgpd -d -v -f "$d/bgpd.conf"
	lab_wait 10 _lab_bgpctl_ok "$n"
}
_lab_bgpctl_ok() { lab_bgpctl "$1" show summary >/dev/null 2>&1; }
# lab_bgpctl NAME ARGS... — bgpctl of OpenBGPD member NAME
lab_bgpctl() { local n=$1; shift; lab_exec "$n" bgpctl -s "$LAB_DIR/$n/bgpd.sock" "$@"; }

# -- ExaBGP: static routes in the config, runtime changes through the
#    "cmd" API process (FIFO), received routes kept by the "rib" process.
_lab_exabgp_route() {   # PREFIX MED COMMS LCOMMS [ASPATH [NEXT_HOP]]: attributes in ExaBGP syntax
	local nh=${6:--}
	[ "$nh" = - ] && nh=self
	local r="$1 next-hop $nh"
	[ "${2:--}" != - ] && r+=" med $2"
	[ "${3:--}" != - ] && r+=" community [ ${3//,/ } ]"
	[ "${4:--}" != - ] && r+=" large-community [ ${4//,/ } ]"
	[ "${5:--}" != - ] && r+=" as-path [ ${5//,/ } ]"
	echo "$r"
}
_lab_start_exabgp() {
	local n=$1 d=$LAB_DIR/$1 p med comm lcomm s4='' s6=''
	while read -r p med comm lcomm; do
		if [ "$(lab_af_of "$p")" = 4 ]; then s4+="		route $(_lab_exabgp_route "$p" "$med" "$comm" "$lcomm");"$'\n'
		else s6+="		route $(_lab_exabgp_route "$p" "$med" "$comm" "$lcomm");"$'\n'; fi
	done < <(_lab_originated "$n")
	# shellcheck disable=SC2046
	lab_render "$LAB_MEMBERS_DIR/exabgp.conf.in" "$d/exabgp.conf" $(_lab_member_vars "$n" "$2") \
		"STATIC4=$s4" "STATIC6=$s6"
	mkfifo -m 600 "$d/cmd.fifo"
	lab_spawn "$n" "$d/exabgp.log" env \
		exabgp_daemon_user=root exabgp_daemon_drop=false exabgp_daemon_daemonize=false \
		exabgp_log_destination=stdout exabgp_log_level=INFO \
		exabgp_api_cli=false exabgp_api_ack=false exabgp_api_respawn=false \
		exabgp_tcp_bind= exabgp_bgp_openwait=30 \
		exabgp "$d/exabgp.conf"
	lab_wait 15 test -s "$d/rib.json"
}

# lab_exabgp_cmd NAME COMMAND — one API command to ExaBGP member NAME
lab_exabgp_cmd() {
	lab_debug "$1: exabgp <- $2"
	timeout 5 sh -c 'printf "%s\n" "$1" > "$2"' _ "$2" "$LAB_DIR/$1/cmd.fifo"
}

# lab_announce NAME PREFIX [med=N] [comm=A:B,..] [lcomm=A:B:C,..] [aspath=A,B,..] [nh=ADDR]
#   originate PREFIX at run time (GoBGP or ExaBGP members); as_path is the
#   complete AS_PATH as sent to the route server (GoBGP: it must start with
#   NAME's ASN, which GoBGP prepends itself); nh is a NEXT_HOP other than
#   the member's own address
lab_announce() {
	local n=$1 p=$2 med=- comm=- lcomm=- aspath=- nh=- kv; shift 2
	for kv in "$@"; do
		case $kv in
		med=*) med=${kv#med=} ;; comm=*) comm=${kv#comm=} ;;
		lcomm=*) lcomm=${kv#lcomm=} ;; aspath=*) aspath=${kv#aspath=} ;;
		nh=*) nh=${kv#nh=} ;;
		*) lab_die "lab_announce: bad argument $kv" ;;
		esac
	done
	local af
	af=$(lab_af_of "$p")
	case ${M_TYPE[$n]} in
	exabgp)
		lab_exabgp_cmd "$n" "neighbor $(lab_rs_addr "$af") announce route $(_lab_exabgp_route "$p" "$med" "$comm" "$lcomm" "$aspath" "$nh")"
		;;
	gobgp)
		local -a args=(global rib -a "ipv$af" add "$p" origin igp)
		[ "$med" != - ] && args+=(med "$med")
		[ "$comm" != - ] && args+=(community "$comm")
		[ "$lcomm" != - ] && args+=(large-community "$lcomm")
		[ "$nh" != - ] && args+=(nexthop "$nh")
		# GoBGP prepends its own ASN on eBGP sessions: give it the rest
		if [ "$aspath" != - ]; then
			local rest=${aspath#*,}
			[ "$rest" != "$aspath" ] && args+=(aspath "$rest")
		fi
		lab_gobgp "$n" "${args[@]}"
		;;
	*) lab_die "lab_announce: not supported for ${M_TYPE[$n]} member $n" ;;
	esac
}

# lab_withdraw NAME PREFIX — withdraw a prefix originated with lab_announce
lab_withdraw() {
	local n=$1 p=$2 af
	af=$(lab_af_of "$p")
	case ${M_TYPE[$n]} in
	exabgp) lab_exabgp_cmd "$n" "neighbor $(lab_rs_addr "$af") withdraw route $p next-hop self" ;;
	gobgp) lab_gobgp "$n" global rib -a "ipv$af" del "$p" ;;
	*) lab_die "lab_withdraw: not supported for ${M_TYPE[$n]} member $n" ;;
	esac
}

# _lab_bird_proto AF [RS] — a BIRD member's protocol for its session with
#   route server RS (rs: rs4, rs6; rs2: rs2_4, rs2_6)
_lab_bird_proto() { if [ "${2:-rs}" = rs ]; then echo "rs$1"; else echo "${2}_$1"; fi; }

# lab_member_established NAME AF [RS] — NAME's session with the RS (or with
#   RS: rs2) is up (as NAME's own CLI tells)
lab_member_established() {
	local n=$1 af=$2 rs
	rs=$(lab_rs_addr "$af" "${3:-rs}")
	case ${M_TYPE[$n]} in
	bird) birdc -s "$LAB_DIR/$n/bird.ctl" show protocols "$(_lab_bird_proto "$af" "${3:-}")" 2>/dev/null | grep -q Established ;;
	frr) lab_vtysh "$n" -c "show bgp neighbors $rs json" 2>/dev/null | jq -e --arg a "$rs" '.[$a].bgpState == "Established"' >/dev/null ;;
	gobgp) lab_gobgp "$n" neighbor "$rs" 2>/dev/null | grep -qi 'BGP state = established' ;;
	openbgpd) lab_bgpctl "$n" show neighbor "$rs" 2>/dev/null | grep -q 'BGP state = Established' ;;
	exabgp) jq -e --arg a "$rs" '.peers[$a].state == "up"' "$LAB_DIR/$n/rib.json" >/dev/null 2>&1 ;;
	esac
}

# lab_member_rib NAME AF [RS] — routes NAME received from the RS (or from
#   RS: rs2), normalized (one line per path: add-path members may list a
#   prefix several times)
lab_member_rib() {
	local n=$1 af=$2 rs d=$LAB_DIR/$1
	rs=$(lab_rs_addr "$af" "${3:-rs}")
	# shellcheck disable=SC2016   # sh -c '...$1...'
	case ${M_TYPE[$n]}:${3:-rs} in
	bird:rs) python3 "$LAB_LIB/ribdump.py" bird "$af" "$rs" -- \
		ip netns exec "$LAB_PREFIX-$n" birdc -s "$d/bird.ctl" ;;
	# ribdump.py asks for `show route all protocol rsAF`: the protocol of
	# the session with rs2 instead (sh ignores the arguments after $2)
	bird:*) python3 "$LAB_LIB/ribdump.py" bird "$af" "$rs" -- \
		ip netns exec "$LAB_PREFIX-$n" sh -c 'exec birdc -s "$1" show route all protocol "$2"' \
		sh "$d/bird.ctl" "$(_lab_bird_proto "$af" "$3")" ;;
	frr:*) python3 "$LAB_LIB/ribdump.py" frr "$af" "$rs" -- \
		ip netns exec "$LAB_PREFIX-$n" vtysh --vty_socket "$d" ;;
	gobgp:*) python3 "$LAB_LIB/ribdump.py" gobgp "$af" "$rs" -- \
		ip netns exec "$LAB_PREFIX-$n" gobgp -u 127.0.0.1 -p "${GOBGP_API_PORT:-50051}" ;;
	openbgpd:*) python3 "$LAB_LIB/ribdump.py" openbgpd "$af" "$rs" -- \
		ip netns exec "$LAB_PREFIX-$n" bgpctl -s "$d/bgpd.sock" ;;
	exabgp:*) python3 "$LAB_LIB/ribdump.py" exabgp "$af" "$rs" -- "$d/rib.json" ;;
	esac
}

# lab_member_refresh_in NAME AF — the member asks the RS for a route refresh
lab_member_refresh_in() {
	local n=$1 af=$2 rs
	rs=$(lab_rs_addr "$af")
	case ${M_TYPE[$n]} in
	bird) birdc -s "$LAB_DIR/$n/bird.ctl" reload in "rs$af" >/dev/null ;;
	frr) lab_vtysh "$n" -c "clear bgp ipv$af unicast $rs soft in" >/dev/null ;;
	gobgp) lab_gobgp "$n" neighbor "$rs" softresetin ;;
	openbgpd) lab_bgpctl "$n" neighbor "$rs" refresh >/dev/null ;;
	exabgp) lab_exabgp_cmd "$n" "neighbor $rs announce route-refresh ipv$af unicast" ;;
	esac
}

# lab_member_counter NAME AF WHAT — message counters as the member sees
# them: WHAT = updates_in | updates_out (FRR only) | refresh_in (ROUTE-REFRESH
# messages received from the RS, including enhanced route refresh BoRR/EoRR)
lab_member_counter() {
	local n=$1 af=$2 what=$3 rs
	rs=$(lab_rs_addr "$af")
	case ${M_TYPE[$n]}:$what in
	frr:updates_in) lab_vtysh "$n" -c "show bgp neighbors $rs json" | jq --arg a "$rs" '.[$a].messageStats.updatesRecv' ;;
	frr:updates_out) lab_vtysh "$n" -c "show bgp neighbors $rs json" | jq --arg a "$rs" '.[$a].messageStats.updatesSent' ;;
	frr:refresh_in) lab_vtysh "$n" -c "show bgp neighbors $rs json" | jq --arg a "$rs" '.[$a].messageStats.routeRefreshRecv' ;;
	bird:updates_in)
		# "Import updates:  received rejected filtered ignored accepted"
		birdc -s "$LAB_DIR/$n/bird.ctl" show protocols all "rs$af" | awk '/Import updates:/ { print $3; exit }' ;;
	openbgpd:updates_in) lab_bgpctl "$n" show neighbor "$rs" | awk '/^  Updates/ { print $3; exit }' ;;
	openbgpd:refresh_in) lab_bgpctl "$n" show neighbor "$rs" | awk '/^  Route Refresh/ { print $4; exit }' ;;
	exabgp:updates_in) jq --arg a "$rs" '.peers[$a].updates' "$LAB_DIR/$n/rib.json" ;;
	exabgp:refresh_in) jq --arg a "$rs" '.peers[$a].refreshes' "$LAB_DIR/$n/rib.json" ;;
	*) echo "?" ; return 1 ;;
	esac
}

# lab_member_diag NAME — session state, received routes (the first
#   $LAB_DIAG_ROUTES) and log tail
: "${LAB_DIAG_ROUTES:=1000}"
lab_member_diag() {
	local n=$1 af log rs from
	echo "---- member $n (${M_TYPE[$n]} AS${M_ASN[$n]}) ----"
	for rs in $(lab_rs_nodes); do
		from=
		[ "$rs" = rs ] || from=" with $rs"
		for af in 4 6; do
			if lab_member_established "$n" $af "$rs"; then echo "IPv$af session$from: Established"
			else echo "IPv$af session$from: NOT established"; fi
			echo "IPv$af routes received${from/with/from} ($LAB_DIAG_ROUTES at most):"
			lab_member_rib "$n" $af "$rs" 2>&1 | head -n "$LAB_DIAG_ROUTES" | sed 's/^/  /'
		done
	done
	for log in "$LAB_DIR/$n"/*.log; do
		[ -f "$log" ] || continue
		case $log in */messages.log) continue ;; esac   # ExaBGP: rib.json shown above
		echo "-- ${log##*/} (tail) --"
		tail -n "${LAB_LOG_TAIL:-15}" "$log"
	done
}

# ---------------------------------------------------------------- bgpload members
# Forty members cost about what one costs: one tools/bgpload process
# (docs/bgpload.md) emulates them all, each in a namespace of its own
# behind its own LAN port (bgpload's netns= session key), like a real
# member, with one IPv4 and one IPv6 session in the member role: it
# announces a synthetic table ($LAB_BGPLOAD_PREFIXES4 and ..._PREFIXES6
# prefixes, a different slice for each) and logs what it receives to
# $LAB_DIR/load/rib/ADDR.log (--rib-log; tests/lab/drill.py reads it).
# Define them before lab_up, which adds their namespaces and makes them
# clients of the route server; lab_start_bgpload starts them.
: "${BGPLOAD:=$LAB_REPO/build/bgpload}"
: "${LAB_BGPLOAD_PREFIXES4:=100}"
: "${LAB_BGPLOAD_PREFIXES6:=50}"
LAB_BGPLOAD_MEMBERS=()

# lab_define_bgpload_members COUNT — members b1..bCOUNT (COUNT <= 99):
#   AS 61001.., LAN addresses 192.0.2.101.. and 2001:db8::101..
lab_define_bgpload_members() {
	local i
	for i in $(seq 1 "$1"); do
		lab_define_member "b$i" bgpload $((61000 + i)) "192.0.2.$((100 + i))" "2001:db8::$((100 + i))"
		LAB_BGPLOAD_MEMBERS+=("b$i")
	done
}

# _lab_add_bgpload_nodes — their namespaces; a connection attempt gives up
#   after 3 SYNs (7 s): bgpload retries every second, so a member whose
#   port comes back reconnects at once, not after the kernel's backoff
_lab_add_bgpload_nodes() {
	local m
	for m in "${LAB_BGPLOAD_MEMBERS[@]}"; do
		lab_add_node "$m" "${M_V4[$m]}" "${M_V6[$m]}"
		ip netns exec "$LAB_PREFIX-$m" sysctl -q -w net.ipv4.tcp_syn_retries=2
	done
}

# lab_bgpload_expect AF — the prefixes a bgpload member receives for AF:
#   the other bgpload members' tables and the real members' routes
lab_bgpload_expect() {
	local af=$1 n m real=0
	n=$LAB_BGPLOAD_PREFIXES4
	[ "$af" = 6 ] && n=$LAB_BGPLOAD_PREFIXES6
	for m in "${LAB_MEMBERS[@]}"; do real=$((real + $(lab_routes "$m" "$af" | wc -l))); done
	echo $(( (${#LAB_BGPLOAD_MEMBERS[@]} - 1) * n + real ))
}

# _lab_bgpload_config — bgpload's --config for LAB_BGPLOAD_MEMBERS
_lab_bgpload_config() {
	local m e4 e6 d=$LAB_DIR/load
	e4=$(lab_bgpload_expect 4) e6=$(lab_bgpload_expect 6)
	cat <<-EOF
	# generated by tests/lab/lib.sh
	rs $RS_V4
	rs $RS_V6
	rs-as $RS_ASN
	hold-time $LAB_HOLD
	reconnect
	progress
	rib-log $d/rib
	json $d/summary.json
	EOF
	for m in "${LAB_BGPLOAD_MEMBERS[@]}"; do
		echo "session member,${M_V4[$m]},${M_ASN[$m]},prefixes=$LAB_BGPLOAD_PREFIXES4,expect=$e4,netns=$LAB_PREFIX-$m"
		echo "session member,${M_V6[$m]},${M_ASN[$m]},prefixes=$LAB_BGPLOAD_PREFIXES6,expect=$e6,netns=$LAB_PREFIX-$m"
	done
}

# lab_start_bgpload [OPTION...] — start bgpload for LAB_BGPLOAD_MEMBERS (in
#   a namespace "load" of its own; OPTIONs: more bgpload options); the
#   members' tables are in $LAB_DIR/load/table (--print-table)
lab_start_bgpload() {
	local d=$LAB_DIR/load
	[ -x "$BGPLOAD" ] || lab_die "$BGPLOAD not built (run make)"
	[ -d "$d" ] || { _lab_add_ns load; mkdir -p "$d"; }
	mkdir -p "$d/rib"
	_lab_bgpload_config > "$d/bgpload.conf"
	"$BGPLOAD" --config "$d/bgpload.conf" --print-table > "$d/table" 2>"$d/print-table.log" \
		|| { cat "$d/print-table.log" >&2; lab_die "bgpload --print-table failed"; }
	lab_spawn load "$d/bgpload.log" "$BGPLOAD" --config "$d/bgpload.conf" "$@"
	LAB_BGPLOAD_PID=$(tail -n1 "$d/pids")
}

# lab_stop_bgpload — SIGTERM, and wait until it wrote its summary
#   ($LAB_DIR/load/summary.json) and exited
lab_stop_bgpload() {
	[ -n "${LAB_BGPLOAD_PID:-}" ] || return 0
	kill -TERM "$LAB_BGPLOAD_PID" 2>/dev/null
	lab_wait 20 _lab_pid_dead "$LAB_BGPLOAD_PID"
	LAB_BGPLOAD_PID=
}
_lab_pid_dead() { ! _lab_pid_alive "$1"; }

# ---------------------------------------------------------------- the whole exchange, judged
# The drills (tests/integration/t_drill_*.sh) judge every member at once:
# lab_world describes the exchange (who is up, who originates what),
# tests/lab/drill.py works out what each member must hold and compares.

# lab_world FILE [GONE...] — the exchange as tests/lab/drill.py reads it:
#   every member (LAB_MEMBERS and LAB_BGPLOAD_MEMBERS), up, or gone for the
#   GONE ones (members that left: their routes must be gone everywhere),
#   and every route each one originates
lab_world() {
	local f=$1 m st p med comm lcomm; shift
	local -A gone=()
	for m in "$@"; do gone[$m]=1; done
	local -A byasn=()
	{
		for m in "${LAB_MEMBERS[@]}" "${LAB_BGPLOAD_MEMBERS[@]}"; do
			st=up
			[ -n "${gone[$m]:-}" ] && st=gone
			echo "member|$m|${M_TYPE[$m]}|${M_ASN[$m]}|${M_V4[$m]}|${M_V6[$m]}|$st"
		done
		for m in "${LAB_MEMBERS[@]}"; do
			while read -r p med comm lcomm; do
				echo "route|$m|$p|${M_ASN[$m]}|$med|$comm|$lcomm"
			done < <(lab_routes "$m")
		done
		if [ "${#LAB_BGPLOAD_MEMBERS[@]}" -gt 0 ]; then
			for m in "${LAB_BGPLOAD_MEMBERS[@]}"; do byasn[${M_ASN[$m]}]=$m; done
			# --print-table: prefix|as_path|med|communities|large; the
			# path's first AS is its member's
			while IFS='|' read -r p path med comm lcomm; do
				echo "route|${byasn[${path%% *}]}|$p|$path|$med|$comm|$lcomm"
			done < "$LAB_DIR/load/table"
		fi
	} > "$f"
}

# lab_drill ARGS... — tests/lab/drill.py
lab_drill() { python3 "$LAB_LIB/drill.py" "$@"; }

# lab_rib_exact NAME AF WORLD — real member NAME holds for AF exactly what
#   WORLD says it must (the differences printed)
lab_rib_exact() {
	local diff
	diff=$(LC_ALL=C diff <(lab_drill expected "$3" "$1" "$2") <(lab_member_rib "$1" "$2" | LC_ALL=C sort) | grep '^[<>]')
	[ -z "$diff" ] && return 0
	echo "$1 IPv$2: $(grep -c '^<' <<<"$diff") missing, $(grep -c '^>' <<<"$diff") unexpected:"
	head -n 6 <<<"$diff" | sed 's/^</  missing:/; s/^>/  unexpected:/'
	return 1
}

# _lab_all_exact WORLD — lab_rib_exact for every member of LAB_MEMBERS that
#   is up in WORLD, both families (the differences to $LAB_DIR/exact.log)
_lab_all_exact() {
	local m af ok=0
	for m in "${LAB_MEMBERS[@]}"; do
		grep -q "^member|$m|.*|up$" "$1" || continue
		for af in 4 6; do lab_rib_exact "$m" "$af" "$1" >>"$LAB_DIR/exact.log" || ok=1; done
	done
	return $ok
}
_lab_riblogs_ok() { lab_drill riblogs "$1" "$LAB_DIR/load/rib" "${@:2}" > "$LAB_DIR/riblogs.out"; }

# t_exact WORLD WHEN [OPTION...] — two checks: every real member up in WORLD
#   holds exactly what WORLD says (as its CLI shows it, within 30 s), and so
#   does every bgpload member (its RIB logs, within 10 s; OPTIONs: drill.py
#   riblogs's --no-drop NAME,..., --eor and --empty)
t_exact() {
	local w=$1 when=$2 n; shift 2
	n=$(for m in "${LAB_MEMBERS[@]}"; do grep "^member|$m|.*|up$" "$w"; done | wc -l)
	: > "$LAB_DIR/exact.log"
	if lab_wait 30 _lab_all_exact "$w"; then
		t_ok "$when: the $n real members hold exactly the others' routes (their CLIs, every attribute)"
	else
		t_fail "$when: the $n real members hold exactly the others' routes (their CLIs, every attribute)"
		tail -n 30 "$LAB_DIR/exact.log"
	fi
	[ "${#LAB_BGPLOAD_MEMBERS[@]}" -gt 0 ] || return 0
	sleep 1.5                  # bgpload writes its RIB logs out once a second
	if lab_wait 10 _lab_riblogs_ok "$w" "$@"; then
		t_ok "$when: $(tail -n1 "$LAB_DIR/riblogs.out")"
	else
		t_fail "$when: every bgpload member holds exactly the others' routes"
		head -n 25 "$LAB_DIR/riblogs.out"
	fi
}

# lab_exact_now WORLD [OPTION...] — every member holds exactly what WORLD
#   says, now (t_exact's two checks as one predicate, for lab_wait)
lab_exact_now() {
	: > "$LAB_DIR/exact.log"
	_lab_all_exact "$1" || return 1
	[ "${#LAB_BGPLOAD_MEMBERS[@]}" -eq 0 ] || _lab_riblogs_ok "$@"
}

# t_rs_converged TIMEOUT WORLD T0 DESC — t_ok/t_fail: ixpd's view matches
#   WORLD (lab_rs_converged) within TIMEOUT s; LAB_CONVERGED_S: the seconds
#   since T0 (an $EPOCHREALTIME) it took, empty if it did not
t_rs_converged() {
	local to=$1 w=$2 t0=$3 d=$4
	LAB_CONVERGED_S=
	if lab_wait "$to" lab_rs_converged "$w"; then
		LAB_CONVERGED_S=$(lab_since "$t0")
		t_ok "$d ($LAB_CONVERGED_S s)"
		return 0
	fi
	t_fail "$d (not within $to s)"
	lab_rs_converged "$w" -v
	return 1
}

# lab_bird_ups NAME AF — how often BIRD member NAME's session rsAF came up
#   (its log; needs LAB_MEMBER_SESSION[NAME] with `debug { states };`)
lab_bird_ups() { grep -c "rs$2: State changed to up" "$LAB_DIR/$1/bird.log"; }

# lab_since T — seconds (one decimal) since T, an $EPOCHREALTIME
lab_since() { awk -v s="$1" -v n="$EPOCHREALTIME" 'BEGIN { printf "%.1f", n - s }'; }

# lab_rs_established_counts FILE — "address established_count state" of
#   every neighbour of ixpd, sorted, into FILE
lab_rs_established_counts() {
	lab_ixpctl --json show neighbors |
		jq -r '.neighbors[] | "\(.address) \(.established_count) \(.state)"' | sort > "$1"
}
# lab_sessions_reset BEFORE AFTER MEMBER... — the MEMBERs whose sessions
#   went down between two lab_rs_established_counts, as "m1(before ->
#   after)" words; nothing when none did
lab_sessions_reset() {
	local before=$1 after=$2 m a b x; shift 2
	for m in "$@"; do
		for a in "${M_V4[$m]}" "${M_V6[$m]}"; do
			b=$(grep "^$a " "$before") x=$(grep "^$a " "$after")
			[ "$b" = "$x" ] || printf '%s ' "$m($b -> $x)"
		done
	done
}
# lab_rs_route_totals — ixpd's prefixes, paths and attribute sets (JSON)
lab_rs_route_totals() { lab_ixpctl --json show status | jq -c '.routes | {prefixes, paths, attribute_sets}'; }

# lab_rs_converged WORLD [-v] — the route server's view matches WORLD
#   (tests/lab/drill.py rs-converged; ixpd only)
lab_rs_converged() {
	lab_ixpctl --json show neighbors > "$LAB_DIR/neighbors.json" 2>/dev/null || return 1
	lab_drill rs-converged "$1" "$LAB_DIR/neighbors.json" "${@:2}"
}

# ---------------------------------------------------------------- whole lab

# lab_up [MEMBER...] — build the LAN, start the RS and the members
#   (default: every member of members.tbl); does not wait for sessions.
#   LAB_BGPLOAD_MEMBERS get their namespaces and are clients of the RS,
#   but bgpload is not started (lab_start_bgpload)
lab_up() {
	local m
	[ $# -eq 0 ] && set -- "${LAB_ALL_MEMBERS[@]}"
	LAB_MEMBERS=("$@")
	lab_init
	lab_create_lan
	lab_add_node rs "$RS_V4" "$RS_V6"
	[ "${LAB_RS2:-0}" = 0 ] || lab_add_node rs2 "$RS2_V4" "$RS2_V6"
	for m in "$@"; do lab_add_node "$m" "${M_V4[$m]}" "${M_V6[$m]}"; done
	_lab_add_bgpload_nodes
	lab_start_rs "$@" "${LAB_BGPLOAD_MEMBERS[@]}"
	[ "${LAB_RS2:-0}" = 0 ] || lab_start_rs2
	for m in "$@"; do lab_start_member "$m"; done
	lab_log "started: $(lab_rs_nodes | paste -sd+ -) ($RS_IMPL) + $* ${LAB_BGPLOAD_MEMBERS[*]:+(+ ${#LAB_BGPLOAD_MEMBERS[@]} bgpload members, not started)}"
}

# _lab_all_established — every session of LAB_MEMBERS up on both ends
#   (with LAB_RS2=1 those with rs2 too)
_lab_all_established() {
	local m af rs
	for rs in $(lab_rs_nodes); do
		for m in "${LAB_MEMBERS[@]}"; do
			for af in 4 6; do
				lab_member_established "$m" $af "$rs" || return 1
				_lab_rs_established "$rs" "$m" $af || return 1
			done
		done
	done
}

# lab_wait_sessions TIMEOUT — wait for all sessions; diagnostics on failure
lab_wait_sessions() {
	if lab_wait "$1" _lab_all_established; then
		lab_log "all sessions established"
		return 0
	fi
	local m af rs
	for rs in $(lab_rs_nodes); do
		for m in "${LAB_MEMBERS[@]}"; do
			for af in 4 6; do
				lab_member_established "$m" $af "$rs" || lab_log "$m IPv$af: not established with $rs (member side)"
				_lab_rs_established "$rs" "$m" $af || lab_log "$m IPv$af: not established ($rs side)"
			done
		done
	done
	return 1
}

# lab_expected_rib NAME AF — the normalized routes NAME must have received
#   for AF: every routes.tbl route of every other running member
lab_expected_rib() {
	local r=$1 af=$2 m p med comm lcomm
	for m in "${LAB_MEMBERS[@]}"; do
		[ "$m" = "$r" ] && continue
		while read -r p med comm lcomm; do
			lab_expected_route "$m" "$p" "$med" "$comm" "$lcomm"
		done < <(lab_routes "$m" "$af")
	done | LC_ALL=C sort
}

# lab_rib_missing NAME AF [RS] — expected routes NAME lacks (printed; exact
#   match of all attributes, so a modified attribute shows as missing);
#   RS: from that route server (rs2), not from rs
lab_rib_missing() {
	LC_ALL=C comm -23 <(lab_expected_rib "$1" "$2") <(lab_member_rib "$1" "$2" "${3:-rs}" | LC_ALL=C sort)
}
# lab_rib_unexpected NAME AF [RS] — routes NAME has beyond the expected ones
lab_rib_unexpected() {
	LC_ALL=C comm -13 <(lab_expected_rib "$1" "$2") <(lab_member_rib "$1" "$2" "${3:-rs}" | LC_ALL=C sort)
}
_lab_rib_complete() { [ -z "$(lab_rib_missing "$1" "$2" "${3:-rs}" 2>&1)" ]; }
_lab_all_complete() {
	local m af rs
	for rs in $(lab_rs_nodes); do
		for m in "${LAB_MEMBERS[@]}"; do
			for af in 4 6; do _lab_rib_complete "$m" $af "$rs" || return 1; done
		done
	done
}
# lab_wait_converged TIMEOUT — every member has every other member's routes
#   (with LAB_RS2=1 from both route servers)
lab_wait_converged() { lab_wait "$1" _lab_all_complete; }

# ---------------------------------------------------------------- test helpers
# A test is a script that sources this file, calls lab_up and then checks.
# t_ok/t_fail print TAP-like lines; t_done exits non-zero on any failure.

T_FAILS=0
T_OKS=0
t_ok() { T_OKS=$((T_OKS + 1)); echo "  ok - $*"; }
t_fail() { T_FAILS=$((T_FAILS + 1)); LAB_FAILED=1; echo "  FAIL - $*"; }
# t_check DESC CMD... — ok if CMD succeeds
t_check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_fail "$d"; return 1; fi; }
# t_poll TIMEOUT DESC CMD... — ok if CMD succeeds within TIMEOUT seconds
t_poll() { local to=$1 d=$2; shift 2; if lab_wait "$to" "$@"; then t_ok "$d"; else t_fail "$d"; return 1; fi; }
# t_diag — everything useful after a failure: RS view, members' views, logs
t_diag() {
	local m
	echo "======== diagnostics ($LAB_DIR) ========"
	lab_rs_diag
	[ "${LAB_RS2:-0}" = 0 ] || lab_rs2_diag
	for m in "${LAB_MEMBERS[@]}"; do lab_member_diag "$m"; done
}
# t_done — summary line; diagnostics and exit 1 if anything failed
t_done() {
	echo "  ($T_OKS ok, $T_FAILS failed)"
	if [ "$T_FAILS" -ne 0 ]; then
		t_diag 2>&1
		exit 1
	fi
	exit 0
}
# lab_status_latency SOCKET — asks `show status` ten times, 0.2 s apart;
#   prints how many answers were slow (a second or more, or none) and the
#   slowest in ms
lab_status_latency() {
	local i t0 ms slow=0 worst=0
	for i in $(seq 1 10); do
		t0=$(date +%s%N)
		timeout 5 "$IXPCTL" -s "$1" show status >/dev/null 2>&1 || slow=$((slow + 1))
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		[ "$ms" -gt "$worst" ] && worst=$ms
		[ "$ms" -ge 1000 ] && slow=$((slow + 1))
		sleep 0.2
	done
	echo "$slow $worst"
}

# t_setup [MEMBER...] — lab_up + all sessions up + converged, or give up
t_setup() {
	lab_up "$@"
	if ! lab_wait_sessions "${T_SESSION_TIMEOUT:-60}"; then
		t_fail "sessions established within ${T_SESSION_TIMEOUT:-60}s"
		t_done
	fi
	if ! lab_wait_converged "${T_CONVERGE_TIMEOUT:-30}"; then
		t_fail "initial routes exchanged within ${T_CONVERGE_TIMEOUT:-30}s"
		t_done
	fi
}

# lab_rib_has NAME LINE — member NAME's rib contains exactly this path
lab_rib_has() { lab_member_rib "$1" "$(lab_af_of "${2%%|*}")" | grep -qxF -- "$2"; }
# lab_rib_lacks_prefix NAME PREFIX — NAME has no path for PREFIX
lab_rib_lacks_prefix() { ! lab_member_rib "$1" "$(lab_af_of "$2")" | grep -q "^$2|"; }
# lab_rib_has_prefix NAME PREFIX
lab_rib_has_prefix() { lab_member_rib "$1" "$(lab_af_of "$2")" | grep -q "^$2|"; }
# lab_rib_paths NAME PREFIX — the normalized paths NAME has for PREFIX
lab_rib_paths() { lab_member_rib "$1" "$(lab_af_of "$2")" | grep "^$2|"; }

# lab_expected_tagged NAME PREFIX COMMS LCOMMS — the normalized line members
#   must see for NAME's routes.tbl route PREFIX once the route server has
#   added the (informational) communities COMMS and LCOMMS ("-": none)
lab_expected_tagged() {
	local n=$1 p=$2 add=${3#-} addl=${4#-} pp med comm lcomm
	while read -r pp med comm lcomm; do
		[ "$pp" = "$p" ] || continue
		comm=${comm#-} lcomm=${lcomm#-}
		lab_expected_route "$n" "$p" "$med" "$comm${comm:+${add:+,}}$add" "$lcomm${lcomm:+${addl:+,}}$addl"
	done < <(lab_routes "$n")
}

# lab_session_marks — what changes when a session of LAB_MEMBERS is reset:
#   the route server's neighbour states and "since" (ixpd), FRR's count of
#   established connections, BIRD's protocol state and "since"
lab_session_marks() {
	local m
	if [ "$RS_IMPL" = ixpd ]; then
		for m in "${LAB_MEMBERS[@]}"; do printf '%s\n%s\n' "${M_V4[$m]}" "${M_V6[$m]}"; done |
			jq -R . | jq -s . > "$LAB_DIR/marks.addrs"
		lab_ixpctl --json show neighbors | jq -c --slurpfile a "$LAB_DIR/marks.addrs" '
			[.neighbors[] | select(.address as $x | $a[0] | index($x)) | [.address, .state, .since, .established_count]] | sort'
	fi
	for m in "${LAB_MEMBERS[@]}"; do
		case ${M_TYPE[$m]} in
		frr) echo "$m $(lab_vtysh "$m" -c "show bgp neighbors json" | jq -c '[.[] | .connectionsEstablished]')" ;;
		# (BIRD's "since" moves by a millisecond between two looks: its
		# state only; ixpd's established_count above sees any reset)
		bird) birdc -s "$LAB_DIR/$m/bird.ctl" show protocols | awk -v m="$m" '$1 ~ /^rs[46]$/ { print m, $1, $4, $6 }' ;;
		esac
	done
}
