#!/bin/bash
# SPDX-License-Identifier: ISC
# t_transparency (and t_member_interop): every member's routes reach every
# other member, IPv4 and IPv6, exactly as announced: AS_PATH = announcer's
# ASN only (the route server's 59900 is not prepended), NEXT_HOP = the
# announcer's LAN address, MED, standard and large communities unchanged.
# With five implementations (BIRD, FRR, GoBGP, OpenBGPD, ExaBGP) announcing
# and receiving, this is also the interoperability matrix.
# shellcheck source=../lab/lib.sh
. "$(dirname "$0")/../lab/lib.sh"

t_setup

for r in "${LAB_MEMBERS[@]}"; do
	for af in 4 6; do
		missing=$(lab_rib_missing "$r" $af)
		extra=$(lab_rib_unexpected "$r" $af)
		from=$(for m in "${LAB_MEMBERS[@]}"; do [ "$m" != "$r" ] && printf '%s,' "${M_TYPE[$m]}"; done)
		if [ -z "$missing" ] && [ -z "$extra" ]; then
			t_ok "${M_TYPE[$r]} ($r) received IPv$af routes of ${from%,} with all attributes intact"
		else
			t_fail "${M_TYPE[$r]} ($r) IPv$af routes differ from what was announced"
			[ -n "$missing" ] && sed 's/^/      expected: /' <<<"$missing"
			[ -n "$extra" ] && sed 's/^/      got:      /' <<<"$extra"
		fi
		# belt and braces: the RS ASN must never appear in an AS_PATH
		bad=$(lab_member_rib "$r" $af | awk -F'|' -v rs="$RS_ASN" '(" " $2 " ") ~ (" " rs " ")')
		t_check "${M_TYPE[$r]} ($r) IPv$af: no AS_PATH contains $RS_ASN" test -z "$bad"
	done
done

# The route server's own view (ixpd only): every announced path is there,
# from the right neighbor, with the announced attributes.
if [ "$RS_IMPL" = ixpd ]; then
	json=$(lab_ixpctl --json show routes --all)
	for m in "${LAB_MEMBERS[@]}"; do
		while read -r p med comm lcomm; do
			af=$(lab_af_of "$p")
			a=$(lab_member_addr "$m" "$af")
			t_check "ixpctl show routes: $p from $a (AS_PATH, NEXT_HOP, MED, communities)" \
				jq -e --arg p "$p" --arg a "$a" --arg asp "${M_ASN[$m]}" --arg med "$med" \
				--arg c "$(_lab_norm_list "$comm")" --arg lc "$(_lab_norm_list "$lcomm")" '
				def norm: if length == 0 then "-" else
					map(split(":") | map(tonumber)) | sort | map(map(tostring) | join(":")) | join(",") end;
				any(.routes[] | select(.prefix == $p) | .paths[];
				    .neighbor == $a and (.as_path | tostring) == $asp and .next_hop == $a
				    and ((.med // "-") | tostring) == $med
				    and (.communities | norm) == $c and (.large_communities | norm) == $lc)' <<<"$json" >/dev/null
		done < <(lab_routes "$m")
	done
fi
t_done
