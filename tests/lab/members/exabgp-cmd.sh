#!/bin/sh
# SPDX-License-Identifier: ISC
# ExaBGP API process "cmd": passes every line written to the FIFO $1 to
# ExaBGP (announce/withdraw at run time, see lab_exabgp_cmd in lib.sh).
# The FIFO is opened read-write so that this never sees end-of-file when a
# writer goes away and writers never block while ExaBGP runs.
fifo=$1
[ -p "$fifo" ] || mkfifo -m 600 "$fifo" || exit 1
exec 3<>"$fifo"
while IFS= read -r line <&3; do
	printf '%s\n' "$line"
done
