/* SPDX-License-Identifier: ISC */
/* ctl_format: renders control-protocol results as text for ixpctl.
 *
 * Pure functions from a decoded "result" object to a stream, so the output
 * can be golden-tested.  Servers evolve: an absent or null field, or one of
 * an unexpected type, is shown as empty ("-" in table cells, line omitted in
 * detail blocks) and never an error; unknown fields are ignored.  Control
 * characters in the server's text are printed as '?'.
 *
 * Times: instants (neighbor "since", "started", "last_reload") are shown
 * as UTC ISO-8601 ("2025-11-28T22:46:40Z"); durations (route age, time
 * since an instant) bgpctl-style: "01:02:03" below a day, "3d04h" below a
 * week, "12w3d" beyond. */
#ifndef IXPD_CTL_FORMAT_H
#define IXPD_CTL_FORMAT_H
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>

/* Writes the text form of result, the reply to the protocol command
 * `command` ("show neighbors"); a command this version does not know is
 * printed as indented JSON.  now anchors relative times.  Returns 0, or -1
 * when out of memory or writing to out failed. */
int ctl_format_text(const char *command, const json_t *result, time_t now, FILE *out);

/* "01:02:03", "3d04h" or "12w3d"; negative durations (clock skew) as 0. */
void ctl_format_duration(long long seconds, char *buf, size_t len);

/* UTC ISO-8601, or "-" for 0 or a negative time (never happened). */
void ctl_format_time(long long unix_time, char *buf, size_t len);
#endif
