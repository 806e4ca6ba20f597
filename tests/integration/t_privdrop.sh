#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016   # eval programs with $variables, in single quotes
# T_TIMEOUT=150
# t_privdrop: `ixpd --user nobody` binds port 179 and its sockets as root,
# then runs as nobody with no capability and no_new_privs; the exchange
# works as before (sessions, routes, ixpctl, reload, an MRT dump into its
# directory), and what needs root no longer works (a dump into a root-only
# directory is refused with a reason).  The sandbox (on by default): every
# thread under the seccomp allow-list, and Landlock refusing a dump into a
# directory nobody may write but the configuration does not name.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

LAB_IXPD_ARGS="--user nobody"
LAB_IXPD_EXTRA="mrt: { dir: @LAB_DIR@/rs/mrt, rib_interval: 0, updates_interval: 0 }"
t_setup m1 m2 m5
RS_PID=
while read -r p; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = ixpd ] && RS_PID=$p; done < "$LAB_DIR/rs/pids"
status() { awk -v k="$1:" '$1 == k { $1 = ""; print substr($0, 2) }' "/proc/$RS_PID/status"; }
t_check "ixpd runs as nobody ($(status Uid))" eval '[ "$(status Uid | tr -s "\t " " ")" = "65534 65534 65534 65534" ]'
t_check "no supplementary groups ($(status Groups))" eval '[ -z "$(status Groups | tr -d " ")" ]'
t_check "no capability left (CapEff $(status CapEff), CapPrm $(status CapPrm))" eval \
	'[ "$(status CapEff)" = 0000000000000000 ] && [ "$(status CapPrm)" = 0000000000000000 ]'
t_check "no_new_privs is set" eval '[ "$(status NoNewPrivs)" = 1 ]'
t_check "the log says so" grep -q "running as nobody (uid 65534" "$LAB_DIR/rs/ixpd.log"
filtered=$(grep -l "^Seccomp:.*2$" /proc/"$RS_PID"/task/*/status | wc -l)
threads=$(ls /proc/"$RS_PID"/task | wc -l)
t_check "every thread ($filtered of $threads) runs under the seccomp filter" eval '[ "$filtered" = "$threads" ]'
t_check "the log names the sandbox's two parts" eval \
	'grep -q "sandbox: the file system is limited" "$LAB_DIR/rs/ixpd.log" && grep -q "sandbox: .* system calls allowed" "$LAB_DIR/rs/ixpd.log"'
t_check "BIRD (m1) holds FRR (m2)'s routes" lab_rib_has_prefix m1 45.65.8.0/22
t_check "ixpctl still answers" eval 'lab_ixpctl show status >/dev/null'
chmod o+rx "$LAB_DIR" "$LAB_DIR/rs"      # the configuration readable by nobody
t_check "a reload works as nobody" eval 'lab_ixpctl reload | grep -q "configuration reloaded"'
t_check "a RIB dump into mrt.dir (given to nobody) works" eval \
	'lab_ixpctl dump rib "$LAB_DIR/rs/mrt/now.mrt" | grep -q "RIB dump written" && bgpdump -m "$LAB_DIR/rs/mrt/now.mrt" | grep -q "^TABLE_DUMP2"'
mkdir -p "$LAB_DIR/rootonly" && chmod 700 "$LAB_DIR/rootonly"
out=$(lab_ixpctl dump rib "$LAB_DIR/rootonly/x.mrt" 2>&1)
t_check "a dump into a root-only directory is refused: $out" eval 'grep -q "Permission denied" <<<"$out"'
mkdir -p "$LAB_DIR/open" && chmod 1777 "$LAB_DIR/open"
out=$(lab_ixpctl dump rib "$LAB_DIR/open/x.mrt" 2>&1)
t_check "a dump into a directory open to all but not in the config is refused (Landlock): $out" eval \
	'grep -q "writes below mrt.dir" <<<"$out" && [ ! -e "$LAB_DIR/open/x.mrt" ]'
t_done
