/* SPDX-License-Identifier: ISC */
/* metrics: /metrics in the Prometheus text exposition format 0.0.4 --
 * names with the ixpd_ prefix and base units, counters ending in _total,
 * label values escaped (a member's description may hold anything), per
 * neighbour series labelled peer and peer_as, free text only in
 * ixpd_peer_info.  Made from `show status` and `show neighbors` at each
 * scrape; checked with `promtool check metrics` in the tests. */
#include <stdio.h>
#include <string.h>

#include "http_int.h"
#include "version.h"

static void family(struct http_job *j, const char *name, const char *type, const char *help)
{
	job_printf(j, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static json_int_t field(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);
	v = b ? json_object_get(v, b) : v;
	return json_is_boolean(v) ? json_is_true(v) : json_integer_value(v);
}

/* name{peer="..",peer_as=".."[,extra] value */
static void peer_sample(struct http_job *j, const char *name, const json_t *n, const char *extra, json_int_t v)
{
	job_printf(j, "%s{peer=", name);
	job_label(j, json_string_value(json_object_get(n, "address")));
	job_printf(j, ",peer_as=\"%lld\"%s%s} %lld\n", (long long)field(n, "asn", NULL), extra ? "," : "",
	    extra ? extra : "", (long long)v);
}

static const char *afi_label(const json_t *n)
{
	const char *a = json_string_value(json_object_get(n, "address"));
	return a && strchr(a, ':') ? "afi=\"ipv6\"" : "afi=\"ipv4\"";
}

static void peer_metrics(struct http_job *j, const json_t *neighbors)
{
	static const char *const states[] = { "Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established" };
	size_t i;
	const json_t *n;
	family(j, "ixpd_peer_info", "gauge", "A neighbour's description (value 1).");
	json_array_foreach(neighbors, i, n) {
		job_put(j, "ixpd_peer_info{peer=");
		job_label(j, json_string_value(json_object_get(n, "address")));
		job_printf(j, ",peer_as=\"%lld\",description=", (long long)field(n, "asn", NULL));
		job_label(j, json_string_value(json_object_get(n, "description")));
		job_put(j, "} 1\n");
	}
	family(j, "ixpd_peer_up", "gauge", "1 if the BGP session is Established.");
	json_array_foreach(neighbors, i, n)
		peer_sample(j, "ixpd_peer_up", n, NULL,
		    strcmp(json_string_value(json_object_get(n, "state")) ? json_string_value(json_object_get(n, "state")) : "",
		    "Established") == 0);
	family(j, "ixpd_peer_state", "gauge", "The BGP FSM state (one series per state, 1 for the current one).");
	json_array_foreach(neighbors, i, n) {
		const char *st = json_string_value(json_object_get(n, "state"));
		for (size_t k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
			char extra[40];
			snprintf(extra, sizeof(extra), "state=\"%s\"", states[k]);
			for (char *c = extra + 7; *c; c++)
				*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
			peer_sample(j, "ixpd_peer_state", n, extra, st && strcmp(st, states[k]) == 0);
		}
	}
	family(j, "ixpd_peer_admin_down", "gauge", "1 if the operator took the session down.");
	json_array_foreach(neighbors, i, n)
		peer_sample(j, "ixpd_peer_admin_down", n, NULL, json_is_true(json_object_get(n, "admin_down")));
	family(j, "ixpd_peer_last_state_change_timestamp_seconds", "gauge", "When the session entered its state.");
	json_array_foreach(neighbors, i, n)
		peer_sample(j, "ixpd_peer_last_state_change_timestamp_seconds", n, NULL, field(n, "since", NULL));
	/* one series per neighbour, read from one field of its `show neighbors` entry */
	static const struct { const char *name, *type, *section, *key, *help; bool afi; } simple[] = {
		{ "ixpd_peer_prefixes_received", "gauge", "routes", "received", "Paths received (accepted and filtered).", true },
		{ "ixpd_peer_prefixes_accepted", "gauge", "routes", "accepted", "Paths the import policy accepted.", true },
		{ "ixpd_peer_prefixes_filtered", "gauge", "routes", "rejected", "Paths the import policy rejected.", true },
		{ "ixpd_peer_prefixes_advertised", "gauge", "routes", "exported",
		  "Prefixes (paths with ADD-PATH) advertised to it.", true },
		{ "ixpd_peer_messages_received_total", "counter", "messages", "received", "BGP messages received.", false },
		{ "ixpd_peer_messages_sent_total", "counter", "messages", "sent", "BGP messages sent.", false },
		{ "ixpd_peer_updates_received_total", "counter", "messages", "updates_received", "UPDATE messages received.", false },
		{ "ixpd_peer_updates_sent_total", "counter", "messages", "updates_sent", "UPDATE messages sent.", false },
		{ "ixpd_peer_notifications_received_total", "counter", "messages", "notifications_received",
		  "NOTIFICATION messages received.", false },
		{ "ixpd_peer_notifications_sent_total", "counter", "messages", "notifications_sent",
		  "NOTIFICATION messages sent.", false },
		{ "ixpd_peer_established_total", "counter", "established_count", NULL,
		  "Times the session became Established.", false },
		{ "ixpd_peer_output_queue_bytes", "gauge", "output_queue_bytes", NULL,
		  "Bytes queued for the neighbour, not yet written.", false },
		{ "ixpd_peer_output_paused", "gauge", "output_paused", NULL,
		  "1 while its queue is above the high-water mark (output flow control).", false },
		{ "ixpd_peer_output_pauses_total", "counter", "output_pauses", NULL,
		  "Times its queue reached the high-water mark.", false },
		{ "ixpd_peer_failed_opens_total", "counter", "failed_opens", NULL,
		  "Connections that ended before Established.", false },
		{ "ixpd_peer_idle_hold_seconds", "gauge", "idle_hold_s", NULL,
		  "Seconds the session still holds Idle after failed connections (RFC 4271 8.1.1).", false },
	};
	for (size_t k = 0; k < sizeof(simple) / sizeof(simple[0]); k++) {
		family(j, simple[k].name, simple[k].type, simple[k].help);
		json_array_foreach(neighbors, i, n)
			peer_sample(j, simple[k].name, n, simple[k].afi ? afi_label(n) : NULL,
			    field(n, simple[k].section, simple[k].key));
	}
	family(j, "ixpd_peer_prefix_limit", "gauge", "The neighbour's max-prefix limit (only neighbours with one).");
	json_array_foreach(neighbors, i, n)
		if (json_is_integer(json_object_get(json_object_get(n, "routes"), "max_prefix")))
			peer_sample(j, "ixpd_peer_prefix_limit", n, afi_label(n), field(n, "routes", "max_prefix"));
	family(j, "ixpd_peer_treat_as_withdraw_total", "counter",
	    "UPDATEs whose errors made them withdrawals (RFC 7606 treat-as-withdraw).");
	json_array_foreach(neighbors, i, n)
		peer_sample(j, "ixpd_peer_treat_as_withdraw_total", n, NULL, field(n, "routes", "treat_as_withdraw"));
	family(j, "ixpd_peer_attribute_discard_total", "counter", "UPDATEs with an attribute discarded (RFC 7606).");
	json_array_foreach(neighbors, i, n)
		peer_sample(j, "ixpd_peer_attribute_discard_total", n, NULL, field(n, "routes", "attribute_discard"));
	family(j, "ixpd_peer_notifications_by_code_total", "counter",
	    "NOTIFICATION messages by error code (0: an unknown code), only codes seen.");
	json_array_foreach(neighbors, i, n) {
		const char *code;
		json_t *c;
		json_object_foreach(json_object_get(json_object_get(n, "messages"), "notifications_by_code"), code, c) {
			char extra[64];
			snprintf(extra, sizeof(extra), "direction=\"received\",code=\"%.8s\"", code);
			peer_sample(j, "ixpd_peer_notifications_by_code_total", n, extra, field(c, "received", NULL));
			snprintf(extra, sizeof(extra), "direction=\"sent\",code=\"%.8s\"", code);
			peer_sample(j, "ixpd_peer_notifications_by_code_total", n, extra, field(c, "sent", NULL));
		}
	}
}

static void gauge(struct http_job *j, const char *name, const char *help, json_int_t v)
{
	family(j, name, "gauge", help);
	job_printf(j, "%s %lld\n", name, (long long)v);
}

static void daemon_metrics(struct http_job *j, const json_t *st)
{
	family(j, "ixpd_build_info", "gauge", "ixpd's version (value 1).");
	job_printf(j, "ixpd_build_info{version=\"%s\"} 1\n", IXPD_VERSION);
	gauge(j, "process_start_time_seconds", "When ixpd started (Unix time).", field(st, "started", NULL));
	gauge(j, "ixpd_config_last_reload_success_timestamp_seconds", "When the configuration was last loaded.",
	    field(st, "last_reload", NULL));
	const json_t *rl = json_object_get(st, "reloads");
	gauge(j, "ixpd_config_last_reload_successful", "1 if the last reload was applied (or there was none).",
	    json_is_true(json_object_get(rl, "last_ok")));
	family(j, "ixpd_config_reloads_total", "counter", "Configuration reloads, by result.");
	job_printf(j, "ixpd_config_reloads_total{result=\"success\"} %lld\nixpd_config_reloads_total{result=\"rejected\"} %lld\n",
	    (long long)field(rl, "succeeded", NULL), (long long)field(rl, "failed", NULL));
	family(j, "ixpd_config_last_reload_duration_seconds", "gauge", "How long the last reload took.");
	job_printf(j, "ixpd_config_last_reload_duration_seconds %.3f\n", json_real_value(json_object_get(rl, "last_seconds")));
	gauge(j, "ixpd_neighbors_configured", "Neighbours in the configuration.", field(st, "neighbors", "configured"));
	gauge(j, "ixpd_neighbors_established", "Neighbours with an Established session.",
	    field(st, "neighbors", "established"));
	gauge(j, "ixpd_rib_prefixes", "Prefixes in the RIB.", field(st, "routes", "prefixes"));
	gauge(j, "ixpd_rib_paths", "Paths in the RIB (all members' Adj-RIBs-In).", field(st, "routes", "paths"));
	gauge(j, "ixpd_rib_paths_filtered", "Paths the import policy rejected (kept for the looking glass).",
	    field(st, "routes", "rejected"));
	gauge(j, "ixpd_rib_attribute_sets", "Distinct attribute sets.", field(st, "routes", "attribute_sets"));
	family(j, "ixpd_routes_filtered", "gauge", "Paths the import policy rejected, by reason (arouteserver's code).");
	const char *reason;
	json_t *r;
	json_object_foreach(json_object_get(json_object_get(st, "routes"), "rejected_by_reason"), reason, r) {
		job_put(j, "ixpd_routes_filtered{reason=");
		job_label(j, reason);
		job_printf(j, ",code=\"%lld\"} %lld\n", (long long)field(r, "code", NULL), (long long)field(r, "paths", NULL));
	}
	family(j, "ixpd_memory_bytes", "gauge", "Memory held, by pool.");
	job_printf(j, "ixpd_memory_bytes{pool=\"rib\"} %lld\n", (long long)field(st, "routes", "memory_bytes"));
	const json_t *pd = json_object_get(st, "policy_data");
	gauge(j, "ixpd_rpki_vrps", "Validated ROA payloads the import policy uses.", field(pd, "vrps", NULL));
	if (json_object_get(pd, "rtr_connected"))
		gauge(j, "ixpd_rpki_cache_up", "1 if the RTR cache session is up.",
		    json_is_true(json_object_get(pd, "rtr_connected")));
	gauge(j, "ixpd_irr_as_set_lists", "IRR AS-SET expansions loaded.", field(pd, "irr_as_set_lists", NULL));
	gauge(j, "ixpd_rpki_last_update_timestamp_seconds", "When the RPKI data last changed (0: never).",
	    field(pd, "rpki_updated", NULL));
	gauge(j, "ixpd_irr_last_refresh_timestamp_seconds", "When IRR data last arrived (0: never).",
	    field(pd, "irr_updated", NULL));
}

static void http_metrics(struct http_job *j)
{
	static const char *const pages[] = { "lg", "birdwatcher", "metrics", "style", "invalid" };
	struct http_stats s;
	http_stats_get(j->srv, &s);
	family(j, "ixpd_http_requests_total", "counter", "HTTP requests by endpoint.");
	for (size_t k = 0; k < 5; k++)
		job_printf(j, "ixpd_http_requests_total{endpoint=\"%s\"} %llu\n", pages[k],
		    (unsigned long long)s.requests[k]);
	family(j, "ixpd_http_responses_total", "counter", "HTTP responses by status class.");
	for (size_t k = 1; k < 6; k++)
		job_printf(j, "ixpd_http_responses_total{code=\"%zuxx\"} %llu\n", k,
		    (unsigned long long)s.responses_by_class[k]);
	family(j, "ixpd_http_rate_limited_total", "counter", "HTTP requests refused by the rate limit.");
	job_printf(j, "ixpd_http_rate_limited_total %llu\n", (unsigned long long)s.rate_limited);
	family(j, "ixpd_http_response_bytes_total", "counter", "Bytes of HTTP response bodies sent.");
	job_printf(j, "ixpd_http_response_bytes_total %llu\n", (unsigned long long)s.bytes_sent);
}

static int metrics_begin(struct http_job *j)
{
	json_t *st = job_query(j, json_pack("{s:s}", "command", "show status"));
	json_t *nb = st ? job_query(j, json_pack("{s:s}", "command", "show neighbors")) : NULL;
	if (!nb) {
		json_decref(st);
		return 503;
	}
	daemon_metrics(j, st);
	peer_metrics(j, json_object_get(nb, "neighbors"));
	http_metrics(j);
	json_decref(st);
	json_decref(nb);
	j->done = true;
	return 200;
}

static void metrics_error(struct http_job *j, const char *message)
{
	job_printf(j, "# ixpd: %s\n", message);
}

const struct http_page metrics_page = {
	.content_type = "text/plain; version=0.0.4; charset=utf-8",
	.begin = metrics_begin,
	.error = metrics_error,
};
